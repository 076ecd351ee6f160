import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

/// The candidates kept in memory after registrations change: only the changed people are read
/// again (issue 27: a query right after a registration no longer reloads the whole office), and
/// the result is what loading everyone gives.
struct CandidatePoolTests {
    func register(_ index: Int, _ temp: TemporaryDatabase) async throws -> Registration {
        var form = Fixtures.form(registryNumber: Fixtures.registryNumber(index))
        form.skills = ["жолоо барих", "гагнуур \(index % 3)"]
        return try await SQLiteRegistrationRepository(database: temp.database, officeCode: "UB-SB").register(
            try Fixtures.details(form), at: Fixtures.now.addingTimeInterval(Double(index)), by: .kiosk,
            requestKey: nil)
    }

    @Test func aPatchedPoolIsTheWholeOfficeLoadedAgain() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        var people: [Registration] = []
        for index in 0..<12 { people.append(try await register(index, temp)) }
        let kept = SQLiteEmployerRepository(database: temp.database, officeCode: "UB-SB")
        #expect(try await kept.candidatePool().people.count == 12)
        let before = try await temp.database.testSQL("SELECT max(seq) FROM registration_change")[0][0]

        // New people, one person's details changed, another's skills gone.
        for index in 12..<15 { people.append(try await register(index, temp)) }
        try await temp.database.testSQL(
            "UPDATE registration SET experience_years = 9, licences = 'B,C' WHERE id = ?",
            arguments: [people[3].id.uuidString.lowercased()])
        try await temp.database.testSQL(
            "DELETE FROM registration_skill WHERE registration_id = ?",
            arguments: [people[7].id.uuidString.lowercased()])
        let changed = try await temp.database.testSQL(
            "SELECT count(DISTINCT registration_id) FROM registration_change WHERE seq > ?", arguments: [before])
        #expect(changed == [["5"]])

        let patchedPool = try await kept.candidatePool()
        let patched = patchedPool.people
        let loaded = try await SQLiteEmployerRepository(database: temp.database, officeCode: "UB-SB").candidatePool()
            .people
        #expect(patched == loaded)
        // The patched pool keeps its old skill numbers and adds new ones: the ranking is the same.
        let vacancy = VacancyFacts(
            reference: "V-1", iscoCode: "8332", aimagCode: "UB-SB", soumCode: nil, wageMin: nil, wageMax: nil,
            hours: "fullTime", education: nil, skills: ["жолоо барих", "гагнуур 1"], licences: [],
            experienceYears: 0, postedOn: "2026-11-10", closesOn: "2026-12-31")
        let ranking = CandidateRanking(matcher: JobMatcher(educationRanks: [:]))
        let ranked = ranking.rank(vacancy, among: patchedPool)
        #expect(!ranked.isEmpty)
        #expect(ranked == ranking.rank(vacancy, among: loaded))
        #expect(patched.count == 15)
        #expect(patched.first { $0.registrationID == people[3].id }?.profile.experienceYears == 9)
        #expect(patched.first { $0.registrationID == people[7].id }?.profile.skills == [])
    }

    @Test func aPoolOlderThanTheChangeLogLoadsEveryoneAgain() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.remove() }
        for index in 0..<3 { _ = try await register(index, temp) }
        let kept = SQLiteEmployerRepository(database: temp.database, officeCode: "UB-SB")
        #expect(try await kept.candidatePool().people.count == 3)
        _ = try await register(3, temp)
        // 5,001 more changes: the log (the last 5,000) no longer reaches back to the kept pool.
        try await temp.database.testSQL(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5001)
            INSERT INTO registration_change (registration_id) SELECT 'nobody' FROM n
            """)
        let reach = try await temp.database.writer.read { db in try SQLiteEmployerRepository.changedSince(1, db) }
        #expect(reach == nil)
        #expect(try await kept.candidatePool().people.count == 4)
    }
}
