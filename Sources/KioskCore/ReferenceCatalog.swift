/// Read-only, indexed view of one `ReferenceData` set for validation and the pickers.
public struct ReferenceCatalog: Sendable {
    public let data: ReferenceData
    private let unitsByCode: [String: AdminUnit]
    private let childrenByParent: [String: [AdminUnit]]
    private let educationByCode: [String: EducationLevel]
    private let occupationsByCode: [String: Occupation]
    /// Per occupation: the words of its titles and keywords, folded, with the points a typed
    /// word starting one earns (see `bestMatch`), worked out once.
    private let searchKeys: [(occupation: Occupation, words: [SearchWord])]

    struct SearchWord: Sendable {
        let scalars: [Unicode.Scalar]
        /// 7 a one-word name, 6 the first word of a longer one, 5 a later word.
        let points: Int
    }

    public init(_ data: ReferenceData) {
        self.data = data
        unitsByCode = Dictionary(data.adminUnits.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        childrenByParent = Dictionary(grouping: data.adminUnits.filter { $0.parentCode != nil }, by: { $0.parentCode! })
        educationByCode = Dictionary(data.educationLevels.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        occupationsByCode = Dictionary(data.occupations.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        searchKeys = data.occupations.map { occupation in
            let phrases = ([occupation.name.mn, occupation.name.en] + occupation.keywords).map(Self.folded)
            return (occupation, phrases.flatMap(Self.searchWords))
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
        let words = Self.folded(query).split(whereSeparator: { $0 == " " }).map { Array($0.unicodeScalars) }
        guard !words.isEmpty else {
            return Array(data.occupations.filter { $0.level == .subMajor }.prefix(limit))
        }
        var scored: [(score: Int, extra: Int, occupation: Occupation)] = []
        for key in searchKeys {
            var score = 0
            var extra = 0
            var matchedAll = true
            for word in words {
                guard let found = Self.bestMatch(of: word, in: key.words, code: key.occupation.code) else {
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
    static func bestMatch(of word: [Unicode.Scalar], in words: [SearchWord], code: String) -> (points: Int, extra: Int)?
    {
        var best: (points: Int, extra: Int)?
        func consider(_ points: Int, _ extra: Int) {
            if let current = best, current.points > points || (current.points == points && current.extra <= extra) {
                return
            }
            best = (points, extra)
        }
        if code.unicodeScalars.starts(with: word) { consider(4, code.unicodeScalars.count - word.count) }
        for candidate in words where candidate.scalars.count >= word.count {
            if candidate.scalars.starts(with: word) {
                consider(candidate.points, candidate.scalars.count - word.count)
            } else if best == nil || best!.points <= 1, Self.contains(candidate.scalars, word) {
                consider(1, candidate.scalars.count - word.count)
            }
        }
        return best
    }

    static func searchWords(_ phrase: String) -> [SearchWord] {
        let words = phrase.split(separator: " ")
        return words.enumerated().map { position, word in
            SearchWord(scalars: Array(word.unicodeScalars), points: position > 0 ? 5 : words.count == 1 ? 7 : 6)
        }
    }

    static func contains(_ text: [Unicode.Scalar], _ part: [Unicode.Scalar]) -> Bool {
        guard !part.isEmpty, text.count >= part.count else { return part.isEmpty }
        for start in 0...(text.count - part.count) where text[start] == part[0] {
            if text[start..<(start + part.count)].elementsEqual(part) { return true }
        }
        return false
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
