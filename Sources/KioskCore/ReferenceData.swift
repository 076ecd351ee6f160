/// Administrative unit: aimag or Ulaanbaatar district (top level), soum or khoroo below it.
public struct AdminUnit: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case aimag, district, soum, khoroo
        public var isTopLevel: Bool { self == .aimag || self == .district }
    }
    public let code: String
    public let kind: Kind
    public let parentCode: String?
    public let name: LocalizedText
    /// IANA zone of the unit's offices; only set on top-level units.
    public let timeZone: String?

    public init(code: String, kind: Kind, parentCode: String?, name: LocalizedText, timeZone: String? = nil) {
        self.code = code
        self.kind = kind
        self.parentCode = parentCode
        self.name = name
        self.timeZone = timeZone
    }
}

/// A level of the Mongolian education system, ordered by `rank` for must-have requirements.
public struct EducationLevel: Hashable, Sendable, Codable {
    public let code: String
    public let rank: Int
    public let name: LocalizedText

    public init(code: String, rank: Int, name: LocalizedText) {
        self.code = code
        self.rank = rank
        self.name = name
    }
}

/// An ISCO-08 group: major (1 digit), sub-major (2), minor (3) or unit group (4), with the
/// words people say for the work (`тогооч`, `нярав`, `cook`) so a few typed letters find it.
public struct Occupation: Hashable, Sendable, Codable {
    public enum Level: String, Sendable {
        case major, subMajor, minor, unit
    }

    public let code: String
    public let name: LocalizedText
    /// Common names and synonyms in either language, each a word or a short phrase.
    public let keywords: [String]

    public init(code: String, name: LocalizedText, keywords: [String] = []) {
        self.code = code
        self.name = name
        self.keywords = keywords
    }

    enum CodingKeys: String, CodingKey { case code, name, keywords }

    /// `keywords` may be absent (sets made before they existed, the LMIS's own lists).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        name = try container.decode(LocalizedText.self, forKey: .name)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
    }

    /// The group one level up, nil for a major group itself.
    public var parentCode: String? { code.count > 1 ? String(code.prefix(code.count - 1)) : nil }
    public var isMajorGroup: Bool { code.count == 1 }
    public var level: Level {
        switch code.count {
        case 1: .major
        case 2: .subMajor
        case 3: .minor
        default: .unit
        }
    }
}

/// One versioned set of reference data, as bundled with the software or downloaded from the LMIS.
public struct ReferenceData: Sendable, Codable {
    public var version: String
    public var adminUnits: [AdminUnit]
    public var educationLevels: [EducationLevel]
    public var occupations: [Occupation]
    /// The employment promotion programmes with their rules and quotas; absent in older sets.
    public var programmes: [Programme]

    public init(
        version: String, adminUnits: [AdminUnit], educationLevels: [EducationLevel], occupations: [Occupation],
        programmes: [Programme] = []
    ) {
        self.version = version
        self.adminUnits = adminUnits
        self.educationLevels = educationLevels
        self.occupations = occupations
        self.programmes = programmes
    }

    enum CodingKeys: String, CodingKey { case version, adminUnits, educationLevels, occupations, programmes }

    /// `programmes` may be absent (sets made before they existed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        adminUnits = try container.decode([AdminUnit].self, forKey: .adminUnits)
        educationLevels = try container.decode([EducationLevel].self, forKey: .educationLevels)
        occupations = try container.decode([Occupation].self, forKey: .occupations)
        programmes = try container.decodeIfPresent([Programme].self, forKey: .programmes) ?? []
    }

    /// Problems that would make the set unusable: duplicate codes, orphans, missing names.
    public func problems() -> [String] {
        var problems: [String] = []
        func duplicates(_ codes: [String], _ what: String) {
            var seen = Set<String>()
            for code in codes where !seen.insert(code).inserted { problems.append("duplicate \(what) \(code)") }
        }
        duplicates(adminUnits.map(\.code), "admin unit")
        duplicates(educationLevels.map(\.code), "education level")
        duplicates(occupations.map(\.code), "occupation")
        duplicates(programmes.map(\.code), "programme")
        for programme in programmes {
            if programme.name.mn.isEmpty || programme.name.en.isEmpty {
                problems.append("programme \(programme.code) lacks a name")
            }
            if programme.ends < programme.starts {
                problems.append("programme \(programme.code) ends before it starts")
            }
            if programme.quotas.values.contains(where: { $0 < 0 }) {
                problems.append("programme \(programme.code) has a negative quota")
            }
            // A source, when given, accounts for every value: stated by a document, or the hub's own.
            if let source = programme.source {
                let accounted = Set(source.stated + source.configured)
                for field in ProgrammeSource.fields(of: programme) where !accounted.contains(field) {
                    problems.append("programme \(programme.code): \(field) is neither stated nor configured")
                }
                for field in source.stated where source.configured.contains(field) {
                    problems.append("programme \(programme.code): \(field) is both stated and configured")
                }
            }
        }
        let units = Dictionary(adminUnits.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for unit in adminUnits {
            if unit.kind.isTopLevel != (unit.parentCode == nil) {
                problems.append("admin unit \(unit.code) has the wrong parent")
            }
            if let parent = unit.parentCode, units[parent]?.kind.isTopLevel != true {
                problems.append("admin unit \(unit.code) has unknown parent \(parent)")
            }
            if unit.name.mn.isEmpty || unit.name.en.isEmpty { problems.append("admin unit \(unit.code) lacks a name") }
        }
        let occupationCodes = Set(occupations.map(\.code))
        for occupation in occupations {
            if let parent = occupation.parentCode, !occupationCodes.contains(parent) {
                problems.append("occupation \(occupation.code) has no parent group \(parent)")
            }
            if occupation.code.isEmpty || occupation.code.count > 4
                || !occupation.code.allSatisfy({ ("0"..."9").contains($0) })
            {
                problems.append("occupation \(occupation.code) is not an ISCO-08 code")
            }
            if occupation.name.mn.isEmpty || occupation.name.en.isEmpty {
                problems.append("occupation \(occupation.code) lacks a name")
            }
        }
        return problems
    }
}
