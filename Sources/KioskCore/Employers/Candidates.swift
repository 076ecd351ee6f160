import Dispatch
public import Foundation
import Synchronization

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
        rank(vacancy, among: CandidatePool(people), filter: filter, excluding: excluding)
    }

    /// The same over a pool whose skills are numbered already (the store keeps one between
    /// changes). Each distinct skill is read against the vacancy's once; the people are matched
    /// in two halves at once.
    public func rank(
        _ vacancy: VacancyFacts, among pool: CandidatePool, filter: CandidateFilter = CandidateFilter(),
        excluding: Set<UUID> = []
    ) -> [RankedCandidate] {
        let index = SkillIndex([vacancy])
        let skills = index.vacancySkills[0]
        let known = pool.skills.map { JobMatcher.skillMatches($0, index: index) }
        let people = pool.people
        let parts = people.count < 2_000 ? 1 : 2
        let size = (people.count + parts - 1) / max(parts, 1)
        let found = Mutex<[[(position: Int, candidate: RankedCandidate)]]>(Array(repeating: [], count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var ranked: [(position: Int, candidate: RankedCandidate)] = []
            for position in (part * size)..<min(people.count, (part + 1) * size) {
                let person = people[position]
                guard filter.admits(person), !excluding.contains(person.registrationID) else { continue }
                let prepared = matcher.prepare(person.profile, skills: pool.skillIDs[position].map { known[Int($0)] })
                if let match = matcher.match(prepared, vacancy, skills: skills) {
                    ranked.append((position, RankedCandidate(registrationID: person.registrationID, match: match)))
                }
            }
            found.withLock { $0[part] = ranked }
        }
        var ranked = found.withLock { $0 }.flatMap { $0 }
        // Ties in the order of the pool (the store gives it by registration id, the earliest first).
        ranked.sort {
            if $0.candidate.match.score != $1.candidate.match.score {
                return $0.candidate.match.score > $1.candidate.match.score
            }
            return $0.position < $1.position
        }
        return ranked.map(\.candidate)
    }
}

/// The office's registered jobseekers with their skills numbered: each distinct skill once.
public struct CandidatePool: Sendable {
    public let people: [CandidateProfile]
    /// Every distinct skill the people wrote.
    let skills: [String]
    /// Per person, their skills' numbers in `skills`, in order.
    let skillIDs: [[Int32]]

    public init(_ people: [CandidateProfile]) {
        var skills = TextNumbering()
        skillIDs = people.map { person in person.profile.skills.map { skills.number($0) } }
        self.people = people
        self.skills = skills.texts
    }

    init(people: [CandidateProfile], skills: [String], skillIDs: [[Int32]]) {
        self.people = people
        self.skills = skills
        self.skillIDs = skillIDs
    }

    /// This pool with the `changed` people taken out and `fresh` ones (in the same order as the
    /// pool's, given by `precedes`) merged in. The skills keep their numbers and new ones are
    /// numbered after them, so the people who did not change are not numbered again.
    public func replacing(
        _ changed: Set<UUID>, with fresh: [CandidateProfile], order precedes: (UUID, UUID) -> Bool
    ) -> CandidatePool {
        var numbering = TextNumbering(continuing: skills)
        let freshIDs = fresh.map { person in person.profile.skills.map { numbering.number($0) } }
        var merged: [CandidateProfile] = []
        var mergedIDs: [[Int32]] = []
        merged.reserveCapacity(people.count + fresh.count)
        mergedIDs.reserveCapacity(people.count + fresh.count)
        var (old, new) = (people.startIndex, fresh.startIndex)
        while old < people.endIndex || new < fresh.endIndex {
            if old < people.endIndex, changed.contains(people[old].registrationID) {
                old += 1
                continue
            }
            if new < fresh.endIndex,
                old == people.endIndex || precedes(fresh[new].registrationID, people[old].registrationID)
            {
                merged.append(fresh[new])
                mergedIDs.append(freshIDs[new])
                new += 1
            } else {
                merged.append(people[old])
                mergedIDs.append(skillIDs[old])
                old += 1
            }
        }
        return CandidatePool(people: merged, skills: numbering.texts, skillIDs: mergedIDs)
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
