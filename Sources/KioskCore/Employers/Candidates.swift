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
/// Highest score first; ties go to the registration id (the earlier registered first, ids are
/// UUIDv7), so the order is stable.
public struct CandidateRanking: Sendable {
    public let matcher: JobMatcher

    public init(matcher: JobMatcher) { self.matcher = matcher }

    public func rank(
        _ vacancy: VacancyFacts, among people: [CandidateProfile], filter: CandidateFilter = CandidateFilter(),
        excluding: Set<UUID> = []
    ) -> [RankedCandidate] {
        let index = SkillIndex([vacancy])
        let skills = index.vacancySkills[0]
        var ranked: [RankedCandidate] = []
        for person in people where !excluding.contains(person.registrationID) && filter.admits(person) {
            if let match = matcher.match(matcher.prepare(person.profile, index: index), vacancy, skills: skills) {
                ranked.append(RankedCandidate(registrationID: person.registrationID, match: match))
            }
        }
        ranked.sort {
            if $0.match.score != $1.match.score { return $0.match.score > $1.match.score }
            return $0.registrationID.uuidString < $1.registrationID.uuidString
        }
        return ranked
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
