/// What search filters and matching read of a vacancy: everything but its wording. The kiosk
/// keeps these for every open vacancy in memory, so a search or a ranking never reads the
/// vacancies' text from disk.
public struct VacancyFacts: Sendable, Hashable {
    public var reference: String
    public var iscoCode: String
    public var aimagCode: String
    public var soumCode: String?
    public var wageMin: Int?
    public var wageMax: Int?
    public var hours: String
    public var education: String?
    public var skills: [String]
    public var licences: [String]
    public var experienceYears: Int
    /// `YYYY-MM-DD`, which compares as text.
    public var postedOn: String
    public var closesOn: String

    public init(
        reference: String, iscoCode: String, aimagCode: String, soumCode: String?, wageMin: Int?, wageMax: Int?,
        hours: String, education: String?, skills: [String], licences: [String], experienceYears: Int,
        postedOn: String, closesOn: String
    ) {
        self.reference = reference
        self.iscoCode = iscoCode
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.wageMin = wageMin
        self.wageMax = wageMax
        self.hours = hours
        self.education = education
        self.skills = skills
        self.licences = licences
        self.experienceYears = experienceYears
        self.postedOn = postedOn
        self.closesOn = closesOn
    }
}

extension VacancyQuery {
    /// Whether the filters (not the words) let `facts` through on `today` (`YYYY-MM-DD`).
    /// `postedSince` is `today` minus `postedWithinDays`, worked out once by the caller.
    public func admits(_ facts: VacancyFacts, today: String, postedSince: String?) -> Bool {
        if facts.closesOn < today { return false }
        if let aimagCode, facts.aimagCode != aimagCode { return false }
        if let soumCode, facts.soumCode != soumCode { return false }
        if let occupationGroup, !facts.iscoCode.hasPrefix(occupationGroup) { return false }
        if let hours, facts.hours != hours { return false }
        if let minimumWage, (facts.wageMax ?? facts.wageMin ?? -1) < minimumWage { return false }
        if let postedSince, facts.postedOn < postedSince { return false }
        return true
    }
}

/// What matching reads of a jobseeker.
public struct JobseekerProfile: Sendable, Hashable {
    /// ISCO-08 codes of the person's occupation and the occupation they want (any length).
    public var occupationCodes: [String]
    public var skills: [String]
    public var educationCode: String
    public var licences: Set<String>
    public var experienceYears: Int
    public var aimagCode: String
    public var soumCode: String?

    public init(
        occupationCodes: [String], skills: [String], educationCode: String, licences: Set<String> = [],
        experienceYears: Int, aimagCode: String, soumCode: String?
    ) {
        self.occupationCodes = occupationCodes
        self.skills = skills
        self.educationCode = educationCode
        self.licences = licences
        self.experienceYears = experienceYears
        self.aimagCode = aimagCode
        self.soumCode = soumCode
    }

    public init(_ details: RegistrationDetails) {
        self.init(
            occupationCodes: [details.desiredOccupationCode] + (details.occupationCode.map { [$0] } ?? []),
            skills: details.skills, educationCode: details.educationCode, licences: Set(details.licences),
            experienceYears: details.experienceYears,
            aimagCode: details.address.aimagCode, soumCode: details.address.soumCode)
    }
}

/// Why a vacancy is on a person's list, worded by the screens.
public enum MatchReason: Sendable, Hashable {
    /// The vacancy's ISCO code is the person's (current or wanted) occupation, or one of the two
    /// codes holds the other (a sub-major group and a unit group within it).
    case yourOccupation
    /// Same minor or sub-major group: related work.
    case relatedOccupation
    /// The person has `matched` of the `required` skills the employer listed.
    case skills(matched: Int, required: Int)
    case inYourSoum
    case inYourAimag
    /// The person has fewer years of experience than asked for; shown so nobody is surprised.
    case lessExperience(has: Int, required: Int)
}

/// One vacancy on a person's ranked list.
public struct VacancyMatch: Sendable, Hashable {
    public var reference: String
    /// 0–100; see `JobMatcher`.
    public var score: Int
    public var reasons: [MatchReason]
    public var postedOn: String

    public init(reference: String, score: Int, reasons: [MatchReason], postedOn: String) {
        self.reference = reference
        self.score = score
        self.reasons = reasons
        self.postedOn = postedOn
    }
}

/// Competence-based matching of a jobseeker to open vacancies.
///
/// **Must-haves** (a vacancy failing one is never shown as a match):
/// - the person's education level ranks at least as high as the level the vacancy requires
///   (an unknown level on either side is not held against the person);
/// - the person holds every licence the vacancy requires;
/// - competence: when the vacancy lists skills, the person has at least half of them (and at
///   least one); when it lists none, the vacancy's occupation is the person's or a related one
///   (same ISCO sub-major group), since nothing else says the person can do the job.
///
/// **Score** (0–100), highest first; ties go to the newest posting, then the reference:
/// - skills: 50 × matched ÷ listed; 25 when the vacancy lists none;
/// - occupation (best of current and wanted), read at the finest level both codes give:
///   25 the same code (`5120` and `5120`); 20 a group match, one code holding the other (a
///   person who gave sub-major group `51` and a vacancy for cooks, `5120`; a vacancy coded only
///   `51` and a cook); 15 the same minor group (`5131` and `5132`, 3 digits); 8 the same
///   sub-major group (2), or within the major group when that is all the person gave;
/// - place: 15 in the person's soum or khoroo, 8 elsewhere in their aimag or district;
/// - experience: 10 × years ÷ years asked for, at most 10 (10 when none is asked for).
///
/// A skill the person has meets a listed one when, after folding case, every word of one
/// begins a word of the other (Mongolian adds case endings: `англи` meets `англиар`), words of
/// fewer than four letters only when equal (`гар`, hand, does not meet `гараж`, garage).
public struct JobMatcher: Sendable {
    /// Education level code → rank (higher is more).
    public let educationRanks: [String: Int]

    public init(educationRanks: [String: Int]) { self.educationRanks = educationRanks }

    public init(reference: ReferenceCatalog) {
        self.init(educationRanks: Dictionary(reference.educationLevels.map { ($0.code, $0.rank) }) { a, _ in a })
    }

    /// A profile prepared once against a `SkillIndex`, for matching against many vacancies.
    public struct Prepared: Sendable {
        let profile: JobseekerProfile
        let educationRank: Int?
        /// Per skill of the person, per word: the index's words it meets.
        let wordMatches: [[Set<Int32>]]
        /// Per skill of the person: every index word any of its words meets.
        let skillMatches: [Set<Int32>]
    }

    public func prepare(_ profile: JobseekerProfile, index: SkillIndex) -> Prepared {
        prepare(profile, skills: profile.skills.map { Self.skillMatches($0, index: index) })
    }

    /// What one skill of a person meets among the index's words: per word of the skill, and all.
    struct SkillMatches: Sendable {
        let words: [Set<Int32>]
        let all: Set<Int32>
    }

    static func skillMatches(_ skill: String, index: SkillIndex) -> SkillMatches {
        let words = Self.words(skill).map { word in
            Set(index.words.indices.lazy.filter { Self.meets(word, index.words[$0]) }.map { Int32($0) })
        }
        return SkillMatches(words: words, all: words.reduce(into: Set<Int32>()) { $0.formUnion($1) })
    }

    /// `profile` with its skills' matches worked out already (one per skill, in order).
    func prepare(_ profile: JobseekerProfile, skills: [SkillMatches]) -> Prepared {
        Prepared(
            profile: profile, educationRank: educationRanks[profile.educationCode], wordMatches: skills.map(\.words),
            skillMatches: skills.map(\.all))
    }

    /// Matches one vacancy (its skills indexed on their own).
    public func match(_ profile: JobseekerProfile, _ vacancy: VacancyFacts) -> VacancyMatch? {
        let index = SkillIndex([vacancy])
        return match(prepare(profile, index: index), vacancy, skills: index.vacancySkills[0])
    }

    /// `skills`: the vacancy's listed skills as the index's word numbers.
    public func match(_ prepared: Prepared, _ vacancy: VacancyFacts, skills: [[Int32]]) -> VacancyMatch? {
        let profile = prepared.profile
        if let required = vacancy.education, let needed = educationRanks[required], let has = prepared.educationRank,
            has < needed
        {
            return nil
        }
        for licence in vacancy.licences where !profile.licences.contains(licence) { return nil }

        var occupationPoints = 0
        for code in profile.occupationCodes where !code.isEmpty {
            occupationPoints = max(occupationPoints, Self.occupationPoints(code, vacancy.iscoCode))
        }

        var reasons: [MatchReason] = []
        var score: Int
        if skills.isEmpty {
            guard occupationPoints > 0 else { return nil }
            score = 25
        } else {
            let matched = skills.count { listed in
                prepared.skillMatches.indices.contains { person in
                    // Every word of the listed skill meets a word of the person's skill, or the
                    // other way round.
                    (!listed.isEmpty && listed.allSatisfy { prepared.skillMatches[person].contains($0) })
                        || (!prepared.wordMatches[person].isEmpty
                            && prepared.wordMatches[person].allSatisfy { met in listed.contains { met.contains($0) } })
                }
            }
            guard matched >= 1, matched * 2 >= skills.count else { return nil }
            score = 50 * matched / skills.count
            reasons.append(.skills(matched: matched, required: skills.count))
        }
        if occupationPoints >= 20 {
            reasons.insert(.yourOccupation, at: 0)
        } else if occupationPoints > 0 {
            reasons.insert(.relatedOccupation, at: 0)
        }
        score += occupationPoints

        if let soum = profile.soumCode, vacancy.soumCode == soum {
            score += 15
            reasons.append(.inYourSoum)
        } else if vacancy.aimagCode == profile.aimagCode {
            score += 8
            reasons.append(.inYourAimag)
        }

        if vacancy.experienceYears <= 0 || profile.experienceYears >= vacancy.experienceYears {
            score += 10
        } else {
            score += 10 * max(0, profile.experienceYears) / vacancy.experienceYears
            reasons.append(.lessExperience(has: max(0, profile.experienceYears), required: vacancy.experienceYears))
        }
        return VacancyMatch(reference: vacancy.reference, score: score, reasons: reasons, postedOn: vacancy.postedOn)
    }

    /// The person's matches among `vacancies` open on `today`, best first.
    public func rank(_ profile: JobseekerProfile, _ vacancies: [VacancyFacts], today: String) -> [VacancyMatch] {
        rank(profile, vacancies, index: SkillIndex(vacancies), today: today)
    }

    /// The same, with the vacancies' skills indexed beforehand (`index` built from `vacancies`).
    public func rank(_ profile: JobseekerProfile, _ vacancies: [VacancyFacts], index: SkillIndex, today: String)
        -> [VacancyMatch]
    {
        let prepared = prepare(profile, index: index)
        var matches: [VacancyMatch] = []
        for (position, vacancy) in vacancies.enumerated() where vacancy.closesOn >= today {
            if let match = match(prepared, vacancy, skills: index.vacancySkills[position]) { matches.append(match) }
        }
        matches.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.postedOn != $1.postedOn { return $0.postedOn > $1.postedOn }
            return $0.reference < $1.reference
        }
        return matches
    }

    /// Points for a person's ISCO-08 code against a vacancy's, codes of any length (1–4 digits).
    public static func occupationPoints(_ person: String, _ vacancy: String) -> Int {
        guard !person.isEmpty, !vacancy.isEmpty else { return 0 }
        let shared = zip(person.utf8, vacancy.utf8).prefix { $0 == $1 }.count
        let shorter = min(person.utf8.count, vacancy.utf8.count)
        if shared == shorter {
            if person.utf8.count == vacancy.utf8.count { return 25 }
            return shorter >= 2 ? 20 : 8  // one holds the other; a major group alone says little
        }
        switch shared {
        case 3: return 15
        case 2: return 8
        default: return 0
        }
    }

    /// Lower-case words of a skill, split at anything that is not a letter or digit.
    static func words(_ text: String) -> [Substring] {
        Substring(text.lowercased()).split { !($0.isLetter || $0.isNumber) }
    }

    /// Whether two words meet: equal, or one begins the other and the shorter has four letters
    /// or more.
    static func meets(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        if a == b { return true }
        let shorter = min(a.count, b.count)
        return shorter >= 4 && (a.hasPrefix(b) || b.hasPrefix(a))
    }
}

/// The skills of many vacancies as numbered words, built once (when the kiosk loads its
/// vacancies) so that ranking compares numbers, not text.
public struct SkillIndex: Sendable {
    /// Every distinct lower-case word of the vacancies' skills.
    public let words: [String]
    /// Per vacancy, per listed skill, its words' numbers.
    public let vacancySkills: [[[Int32]]]

    public init(_ vacancies: [VacancyFacts]) {
        var words = TextNumbering()
        vacancySkills = vacancies.map { vacancy in
            vacancy.skills.map { skill in JobMatcher.words(skill).map { words.number(String($0)) } }
        }
        self.words = words.texts
    }
}

/// Numbers distinct texts in the order they first come: 0, 1, 2, …
struct TextNumbering {
    private var numbers: [String: Int32] = [:]
    private(set) var texts: [String] = []

    init() {}

    /// Numbering that goes on from `texts` (each keeps its number).
    init(continuing texts: [String]) {
        self.texts = texts
        for (number, text) in texts.enumerated() { numbers[text] = Int32(number) }
    }

    mutating func number(_ text: String) -> Int32 {
        if let number = numbers[text] { return number }
        let number = Int32(texts.count)
        numbers[text] = number
        texts.append(text)
        return number
    }
}
