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
            skills: details.skills, educationCode: details.educationCode, experienceYears: details.experienceYears,
            aimagCode: details.address.aimagCode, soumCode: details.address.soumCode)
    }
}

/// Why a vacancy is on a person's list, worded by the screens.
public enum MatchReason: Sendable, Hashable {
    /// The vacancy's ISCO unit group is the person's (current or wanted) occupation.
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
/// - occupation (best of current and wanted): 25 when the vacancy's unit group is the person's
///   occupation or lies within it (registration records a sub-major group, `83`, which holds
///   `8332`), 15 same minor group (3 digits), 8 same sub-major group (2), or within the major
///   group when that is all the person gave;
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

    /// A profile prepared once for matching against many vacancies.
    public struct Prepared: Sendable {
        let profile: JobseekerProfile
        let skills: [[Substring]]
        let educationRank: Int?
    }

    public func prepare(_ profile: JobseekerProfile) -> Prepared {
        Prepared(
            profile: profile, skills: profile.skills.map(Self.words),
            educationRank: educationRanks[profile.educationCode])
    }

    public func match(_ profile: JobseekerProfile, _ vacancy: VacancyFacts) -> VacancyMatch? {
        match(prepare(profile), vacancy)
    }

    public func match(_ prepared: Prepared, _ vacancy: VacancyFacts) -> VacancyMatch? {
        let profile = prepared.profile
        if let required = vacancy.education, let needed = educationRanks[required], let has = prepared.educationRank,
            has < needed
        {
            return nil
        }
        for licence in vacancy.licences where !profile.licences.contains(licence) { return nil }

        var occupationPoints = 0
        for code in profile.occupationCodes where !code.isEmpty {
            let shared = zip(code, vacancy.iscoCode).prefix { $0 == $1 }.count
            let points =
                switch shared {
                case code.count where code.count >= 2: 25  // the vacancy is within the person's group
                case 4...: 25
                case 3: 15
                case 1 where code.count == 1: 8
                case 2: 8
                default: 0
                }
            occupationPoints = max(occupationPoints, points)
        }

        var reasons: [MatchReason] = []
        var score: Int
        if vacancy.skills.isEmpty {
            guard occupationPoints > 0 else { return nil }
            score = 25
        } else {
            let matched = vacancy.skills.count { listed in
                let wanted = Self.words(listed)
                return prepared.skills.contains { Self.meets($0, wanted) }
            }
            guard matched >= 1, matched * 2 >= vacancy.skills.count else { return nil }
            score = 50 * matched / vacancy.skills.count
            reasons.append(.skills(matched: matched, required: vacancy.skills.count))
        }
        if occupationPoints == 25 {
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
    public func rank(_ profile: JobseekerProfile, _ vacancies: some Sequence<VacancyFacts>, today: String)
        -> [VacancyMatch]
    {
        let prepared = prepare(profile)
        var matches: [VacancyMatch] = []
        for vacancy in vacancies where vacancy.closesOn >= today {
            if let match = match(prepared, vacancy) { matches.append(match) }
        }
        matches.sort {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.postedOn != $1.postedOn { return $0.postedOn > $1.postedOn }
            return $0.reference < $1.reference
        }
        return matches
    }

    /// Lower-case words of a skill, split at anything that is not a letter or digit.
    static func words(_ text: String) -> [Substring] {
        Substring(text.lowercased()).split { !($0.isLetter || $0.isNumber) }
    }

    /// Whether every word of `a` begins a word of `b` or the other way round (see above).
    static func meets(_ a: [Substring], _ b: [Substring]) -> Bool {
        func covered(_ small: [Substring], by large: [Substring]) -> Bool {
            !small.isEmpty
                && small.allSatisfy { word in
                    large.contains { other in
                        word == other
                            || (min(word.count, other.count) >= 4 && (other.hasPrefix(word) || word.hasPrefix(other)))
                    }
                }
        }
        return covered(a, by: b) || covered(b, by: a)
    }
}
