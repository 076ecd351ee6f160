public import Foundation

/// A registered jobseeker of this office as the candidate ranking reads them.
public struct CandidateProfile: Sendable, Hashable {
    public var registrationID: UUID
    public var profile: JobseekerProfile
    public var status: JobseekerStatus

    public init(registrationID: UUID, profile: JobseekerProfile, status: JobseekerStatus) {
        self.registrationID = registrationID
        self.profile = profile
        self.status = status
    }
}

/// Which candidates the officer wants to see.
public struct CandidateFilter: Sendable, Hashable {
    /// Only people living in this aimag or district (and soum or khoroo).
    public var aimagCode: String?
    public var soumCode: String?
    /// Only people of these statuses (availability: unemployed, employed and looking, …).
    public var statuses: Set<JobseekerStatus>?

    public init(aimagCode: String? = nil, soumCode: String? = nil, statuses: Set<JobseekerStatus>? = nil) {
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.statuses = statuses
    }

    func admits(_ candidate: CandidateProfile) -> Bool {
        if let aimagCode, candidate.profile.aimagCode != aimagCode { return false }
        if let soumCode, candidate.profile.soumCode != soumCode { return false }
        if let statuses, !statuses.contains(candidate.status) { return false }
        return true
    }
}

/// One person on a vacancy's ranked list: the score and reasons `JobMatcher` gives this
/// vacancy on the person's own list.
public struct RankedCandidate: Sendable, Hashable {
    public var registrationID: UUID
    public var match: VacancyMatch

    public init(registrationID: UUID, match: VacancyMatch) {
        self.registrationID = registrationID
        self.match = match
    }
}

/// Matching seen from the vacancy's side. It asks `JobMatcher` the very question the person's
/// own list asks (`match(prepared, vacancy, skills:)`), once per person, with the vacancy's
/// skills indexed once: the must-haves, the score and the reasons are the same by construction.
/// Highest score first; ties keep the order of the people given (the store's: by registration
/// id, the earlier registered first, ids being UUIDv7), so the order is stable.
public struct CandidateRanking: Sendable {
    public let matcher: JobMatcher

    public init(matcher: JobMatcher) { self.matcher = matcher }

    public func rank(
        _ vacancy: VacancyFacts, among people: [CandidateProfile], filter: CandidateFilter = CandidateFilter(),
        excluding: Set<UUID> = []
    ) -> [RankedCandidate] {
        let index = SkillIndex([vacancy])
        let skills = index.vacancySkills[0]
        // Many people write the same skills: each distinct one is read against the vacancy's once.
        var known: [String: JobMatcher.SkillMatches] = [:]
        var ranked: [(position: Int, candidate: RankedCandidate)] = []
        for (position, person) in people.enumerated()
        where filter.admits(person) && !excluding.contains(person.registrationID) {
            let matches = person.profile.skills.map { skill in
                if let found = known[skill] { return found }
                let found = JobMatcher.skillMatches(skill, index: index)
                known[skill] = found
                return found
            }
            if let match = matcher.match(matcher.prepare(person.profile, skills: matches), vacancy, skills: skills) {
                ranked.append((position, RankedCandidate(registrationID: person.registrationID, match: match)))
            }
        }
        // Ties in the order of `people` (the store gives them by registration id, the earliest first).
        ranked.sort {
            if $0.candidate.match.score != $1.candidate.match.score {
                return $0.candidate.match.score > $1.candidate.match.score
            }
            return $0.position < $1.position
        }
        return ranked.map(\.candidate)
    }
}

extension VacancyFacts {
    /// What matching reads of `vacancy`.
    public init(_ vacancy: Vacancy) {
        self.init(
            reference: vacancy.reference, iscoCode: vacancy.iscoCode, aimagCode: vacancy.aimagCode,
            soumCode: vacancy.soumCode, wageMin: vacancy.wageMin, wageMax: vacancy.wageMax, hours: vacancy.hours,
            education: vacancy.education, skills: vacancy.skills, licences: vacancy.licences,
            experienceYears: vacancy.experienceYears, postedOn: vacancy.postedOn, closesOn: vacancy.closesOn)
    }
}
