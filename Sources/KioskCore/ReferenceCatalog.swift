/// Read-only, indexed view of one `ReferenceData` set for validation and the pickers.
public struct ReferenceCatalog: Sendable {
    public let data: ReferenceData
    private let unitsByCode: [String: AdminUnit]
    private let childrenByParent: [String: [AdminUnit]]
    private let educationByCode: [String: EducationLevel]
    private let occupationsByCode: [String: Occupation]
    /// Per occupation: its titles and keywords, folded, each as a phrase.
    private let searchKeys: [(occupation: Occupation, phrases: [String])]

    public init(_ data: ReferenceData) {
        self.data = data
        unitsByCode = Dictionary(data.adminUnits.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        childrenByParent = Dictionary(grouping: data.adminUnits.filter { $0.parentCode != nil }, by: { $0.parentCode! })
        educationByCode = Dictionary(data.educationLevels.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        occupationsByCode = Dictionary(data.occupations.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        searchKeys = data.occupations.map { occupation in
            (occupation, ([occupation.name.mn, occupation.name.en] + occupation.keywords).map(Self.folded))
        }
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

    /// Occupations whose title or keywords (either language) contain every typed word, best
    /// first. Each word scores by where it is found: the start of a one-word name (`тогоо` in
    /// «Тогооч»), of a longer title or keyword, of a later word in one, the start of the code, or
    /// anywhere inside a word.
    /// Ties go to the match that needs the fewest extra letters (`тогоо` is nearer «тогооч» than
    /// «тогооны»), then to the finer group (a unit group is the job a person names), then the
    /// code. Case-insensitive for Cyrillic including Ө and Ү; `ё` matches `е`.
    public func searchOccupations(_ query: String, limit: Int = 20) -> [Occupation] {
        let words = Self.folded(query).split(whereSeparator: { $0 == " " }).map(String.init)
        guard !words.isEmpty else {
            return Array(data.occupations.filter { $0.level == .subMajor }.prefix(limit))
        }
        var scored: [(score: Int, extra: Int, occupation: Occupation)] = []
        for key in searchKeys {
            var score = 0
            var extra = 0
            var matchedAll = true
            for word in words {
                guard let found = Self.bestMatch(of: word, in: key.phrases, code: key.occupation.code) else {
                    matchedAll = false
                    break
                }
                score += found.points
                extra += found.extra
            }
            if matchedAll { scored.append((score, extra, key.occupation)) }
        }
        return
            scored
            .sorted {
                if $0.score != $1.score { return $0.score > $1.score }
                if $0.extra != $1.extra { return $0.extra < $1.extra }
                if $0.occupation.code.count != $1.occupation.code.count {
                    return $0.occupation.code.count > $1.occupation.code.count
                }
                return $0.occupation.code < $1.occupation.code
            }
            .prefix(limit)
            .map(\.occupation)
    }

    /// Where `word` best meets an occupation: points (7 a one-word name starts with it, the way
    /// people name their work, «тогооч»; 6 a longer phrase starts with it; 5 a later word does;
    /// 4 the code does; 1 it is inside a word) and the letters the met word has beyond it.
    static func bestMatch(of word: String, in phrases: [String], code: String) -> (points: Int, extra: Int)? {
        var best: (points: Int, extra: Int)?
        func consider(_ points: Int, _ extra: Int) {
            if let current = best, current.points > points || (current.points == points && current.extra <= extra) {
                return
            }
            best = (points, extra)
        }
        if code.hasPrefix(word) { consider(4, code.count - word.count) }
        for phrase in phrases {
            let candidates = phrase.split(separator: " ")
            for (position, candidate) in candidates.enumerated() {
                if candidate.hasPrefix(word) {
                    consider(position > 0 ? 5 : candidates.count == 1 ? 7 : 6, candidate.count - word.count)
                } else if candidate.contains(word) {
                    consider(1, candidate.count - word.count)
                }
            }
        }
        return best
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
