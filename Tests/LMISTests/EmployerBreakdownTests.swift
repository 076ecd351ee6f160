import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import LMISSync
import Testing

/// The hub's employer breakdown (issue 27) over a real PostgreSQL, from two offices' kiosks: an
/// employer registered under different sectors at two offices is named and counted under its most
/// recent registration, whatever order they arrive in; the same figures as RFC 4180 CSV and as the
/// operators' page, each behind the admin token.
@Suite(.serialized) struct EmployerBreakdownTests {
    static let officer = StaffSession(
        token: "t", staffID: "ajiltan1", displayName: "Бат", role: .staff, counter: 1, expiresAt: .distantFuture)

    static func desk(_ kiosk: KioskHarness, at instant: Date) throws -> EmployerDesk {
        EmployerDesk(
            repository: SQLiteEmployerRepository(database: kiosk.temp.database, officeCode: kiosk.office.code),
            registrations: kiosk.registrations, catalog: try Fixtures.catalog(), office: kiosk.office,
            now: { instant })
    }

    /// Registers the employer at `kiosk` at `instant` with one vacancy of `posts` posts.
    static func take(
        _ kiosk: KioskHarness, at instant: Date, name: String, sector: String, posts: Int, number: String = "5012345"
    ) async throws {
        let desk = try desk(kiosk, at: instant)
        let unit = kiosk.office.code
        let employer = try await desk.register(
            EmployerForm(
                name: name, registerNumber: number, sector: sector, aimagCode: unit, soumCode: "\(unit)-01",
                contactName: "Б. Төмөр", phone: "99114455"), by: officer)
        _ = try await desk.recordVacancy(
            VacancyForm(
                title: "Ажилтан", iscoCode: "5223", skills: ["худалдаа"], aimagCode: unit, soumCode: "\(unit)-01",
                hours: "fullTime", posts: posts, closesOn: kiosk.office.today(at: instant).adding(days: 60).description,
                howToApply: "Утсаар", newlyCreated: false), employerID: employer.id, by: officer)
    }

    @Test func theMostRecentRegistrationNamesTheEmployerAndItsSectorInJSONCSVAndThePage() async throws {
        let hub = try await HubHarness.start()
        let sukhbaatar = try KioskHarness(officeCode: "UB-SB")
        let bayanzurkh = try KioskHarness(officeCode: "UB-BZ")
        defer {
            sukhbaatar.temp.remove()
            bayanzurkh.temp.remove()
        }
        try await sukhbaatar.enrol(hub)
        try await bayanzurkh.enrol(hub)
        let now = Date()
        // Bayanzürkh registered it first, as manufacturing; Sükhbaatar an hour later, renamed and
        // as professional services. The later one reaches the hub first: neither the first
        // sector alphabetically (C) nor the last to arrive (C) may win, only the later by time (M).
        try await Self.take(
            bayanzurkh, at: now.addingTimeInterval(-7200), name: "Алтан үйлдвэр ХХК", sector: "C", posts: 2)
        try await Self.take(
            sukhbaatar, at: now.addingTimeInterval(-3600), name: "Өнөр зөвлөх ХХК", sector: "M", posts: 1)
        // A second employer whose name needs quoting in CSV and defusing for a spreadsheet.
        try await Self.take(
            sukhbaatar, at: now.addingTimeInterval(-1800), name: #"=Үүр "Шинэ", ХХК"#, sector: "G", posts: 3,
            number: "6012345")
        #expect(try await sukhbaatar.syncUntilDone().error == nil)
        #expect(try await bayanzurkh.syncUntilDone().error == nil)
        #expect(try hub.count("SELECT count(*) FROM employer WHERE register_number = '5012345'") == 2)

        let from = String(sukhbaatar.office.today(at: now.addingTimeInterval(-86_400 * 2)).description)
        let to = sukhbaatar.office.today(at: now).adding(days: 1).description
        let (status, data) = try await hub.call("GET", "/admin/employer-breakdown?from=\(from)&to=\(to)")
        #expect(status == 200)
        let breakdown = try LMISCoding.decoder.decode(EmployerBreakdown.self, from: data)
        let both = try #require(breakdown.byEmployer.first { $0.registerNumber == "5012345" })
        #expect(both.sector == "M" && both.name == "Өнөр зөвлөх ХХК")
        #expect(both.offices == ["UB-BZ", "UB-SB"])
        #expect(both.figures.vacancies == 2 && both.figures.posts == 3)
        #expect(breakdown.bySector.map(\.sector) == ["G", "M"])
        // One office's figures keep the employer's name and sector of its latest registration anywhere.
        let (_, bzData) = try await hub.call("GET", "/admin/employer-breakdown?from=\(from)&to=\(to)&office=UB-BZ")
        let bayanzurkhOnly = try LMISCoding.decoder.decode(EmployerBreakdown.self, from: bzData)
        #expect(bayanzurkhOnly.byEmployer.map(\.sector) == ["M"])
        #expect(bayanzurkhOnly.byEmployer.map(\.figures.posts) == [2])

        // CSV: a header row of the documented columns, sectors then employers (by name), CRLF, UTF-8 with a BOM.
        let csvAnswer = try await hub.admin.send(
            "GET", "/admin/employer-breakdown.csv?from=\(from)&to=\(to)", body: nil, signer: nil,
            extraHeaders: ["Authorization": "Bearer \(adminToken)"])
        #expect(csvAnswer.status == 200)
        #expect(csvAnswer.headers["content-type"]?.hasPrefix("text/csv; charset=utf-8") == true)
        #expect(csvAnswer.headers["content-disposition"]?.contains("employer-breakdown-\(from)-\(to).csv") == true)
        #expect(Array(csvAnswer.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = try #require(String(data: csvAnswer.body.dropFirst(3), encoding: .utf8))
        #expect(text.hasSuffix("\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(
            Array(lines)
                == [
                    EmployerBreakdown.csvColumns.joined(separator: ","),
                    "sector,\(from),\(to),,G,,,,1,3,0,0,0,0",
                    "sector,\(from),\(to),,M,,,,2,3,0,0,0,0",
                    #"employer,\#(from),\#(to),,G,6012345,"'=Үүр ""Шинэ"", ХХК",UB-SB,1,3,0,0,0,0"#,
                    "employer,\(from),\(to),,M,5012345,Өнөр зөвлөх ХХК,UB-BZ UB-SB,2,3,0,0,0,0",
                ])
        #expect(
            EmployerBreakdown.csvColumns == [
                "level", "from", "to", "office", "sector", "register_number", "employer_name", "offices", "vacancies",
                "posts", "newly_created_posts", "vacancies_filled", "placements", "newly_created_placements",
            ])

        // The page: both tables, in Mongolian with English beside it, the CSV link for the same period.
        let (pageStatus, pageData) = try await hub.call("GET", "/admin/employers?from=\(from)&to=\(to)")
        #expect(pageStatus == 200)
        let page = String(decoding: pageData, as: UTF8.self)
        #expect(page.contains("<html lang=\"mn\">") && page.contains("Ажил олгогчоор <span lang=\"en\">· By employer"))
        #expect(page.contains("<tr data-employer=\"5012345\"><th scope=\"row\">Өнөр зөвлөх ХХК</th>"))
        #expect(page.contains("M · Мэргэжлийн, шинжлэх ухаан, техникийн үйл ажиллагаа"))
        #expect(page.contains("&#39;") == false && page.contains("=Үүр &quot;Шинэ&quot;, ХХК"))
        #expect(page.contains("href=\"/admin/employer-breakdown.csv?from=\(from)&amp;to=\(to)\""))
        // A bad period is a page saying so (400), in both languages.
        let (badStatus, badData) = try await hub.call("GET", "/admin/employers?from=\(to)&to=2020-01-01")
        #expect(badStatus == 400)
        let bad = String(decoding: badData, as: UTF8.self)
        #expect(
            bad.contains("Хугацаа буруу") && bad.contains("Invalid period") && bad.contains("from must not be after to")
        )
        // The CSV and the page need the admin token.
        for path in ["/admin/employer-breakdown.csv", "/admin/employers"] {
            let refused = try await hub.admin.send(
                "GET", path, body: nil, signer: nil, extraHeaders: ["Authorization": "Bearer wrong"])
            #expect(refused.status == 401, "\(path)")
        }
        await hub.stop()
    }
}
