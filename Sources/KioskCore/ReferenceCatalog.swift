/// Read-only, indexed view of one `ReferenceData` set for validation and the pickers.
public struct ReferenceCatalog: Sendable {
    public let data: ReferenceData
    private let unitsByCode: [String: AdminUnit]
    private let childrenByParent: [String: [AdminUnit]]
    private let educationByCode: [String: EducationLevel]
    private let occupationsByCode: [String: Occupation]
    private let searchKeys: [(occupation: Occupation, mn: String, en: String)]

    public init(_ data: ReferenceData) {
        self.data = data
        unitsByCode = Dictionary(data.adminUnits.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        childrenByParent = Dictionary(grouping: data.adminUnits.filter { $0.parentCode != nil }, by: { $0.parentCode! })
        educationByCode = Dictionary(data.educationLevels.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        occupationsByCode = Dictionary(data.occupations.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        searchKeys = data.occupations.map { ($0, Self.folded($0.name.mn), Self.folded($0.name.en)) }
    }

    public var version: String { data.version }
    public var topLevelUnits: [AdminUnit] { data.adminUnits.filter { $0.parentCode == nil } }
    /// ISCO-08 major groups (one digit), in code order.
    public var majorGroups: [Occupation] { data.occupations.filter(\.isMajorGroup).sorted { $0.code < $1.code } }
    public var educationLevels: [EducationLevel] { data.educationLevels.sorted { $0.rank < $1.rank } }

    public func adminUnit(_ code: String) -> AdminUnit? { unitsByCode[code] }
    public func children(of code: String) -> [AdminUnit] { childrenByParent[code] ?? [] }
    public func educationLevel(_ code: String) -> EducationLevel? { educationByCode[code] }
    public func occupation(_ code: String) -> Occupation? { occupationsByCode[code] }

    /// Occupations whose Mongolian or English title contains every typed word, best first:
    /// titles with a word starting with the query, then the rest; finer groups before major ones.
    /// Case-insensitive for Cyrillic including Ө and Ү; `ё` matches `е`.
    public func searchOccupations(_ query: String, limit: Int = 20) -> [Occupation] {
        let words = Self.folded(query).split(whereSeparator: { $0 == " " }).map(String.init)
        guard !words.isEmpty else {
            return Array(data.occupations.filter { !$0.isMajorGroup }.prefix(limit))
        }
        var scored: [(score: Int, occupation: Occupation)] = []
        for key in searchKeys {
            var score = 0
            var matchedAll = true
            for word in words {
                if key.occupation.code.hasPrefix(word) {
                    score += 3
                } else if Self.hasWord(startingWith: word, in: key.mn) || Self.hasWord(startingWith: word, in: key.en) {
                    score += 2
                } else if key.mn.contains(word) || key.en.contains(word) {
                    score += 1
                } else {
                    matchedAll = false
                    break
                }
            }
            if matchedAll { scored.append((score * 10 + (key.occupation.isMajorGroup ? 0 : 1), key.occupation)) }
        }
        return
            scored
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.occupation.code < $1.occupation.code }
            .prefix(limit)
            .map(\.occupation)
    }

    static func hasWord(startingWith prefix: String, in text: String) -> Bool {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0.hasPrefix(prefix) }
    }

    /// Lower case, `ё`→`е`, punctuation to spaces: the form both titles and queries are compared in.
    static func folded(_ text: String) -> String {
        String(
            text.lowercased().map { character -> Character in
                if character == "ё" { return "е" }
                return character.isLetter || character.isNumber ? character : " "
            })
    }
}
