import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Dashboard API and CSV export")
struct DashboardAPITests {
    /// Tickets for counselling (Б) issued at the given seconds after `Fixtures.now`; the first is
    /// called at counter 2 by "saraa", started and finished with `outcome`.
    static func serve(
        _ app: TestApp, issued: [Double] = [0], called: Double, started: Double, finished: Double,
        outcome: ServiceOutcome
    ) async throws -> Ticket {
        let queue = app.environment.queue
        for offset in issued {
            _ = try await queue.issue(
                service: QueueService.demo[1], priority: nil, registrationID: nil, language: .mn,
                at: Fixtures.now + offset)
        }
        let ticket = try #require(
            try await queue.callNext(counter: 2, staffID: "saraa", services: ["Б"], at: Fixtures.now + called))
        _ = try await queue.act(ticketID: ticket.id, .start, by: 2, at: Fixtures.now + started)
        _ = try await queue.act(ticketID: ticket.id, .finish(outcome), by: 2, at: Fixtures.now + finished)
        return ticket
    }

    @Test("Today's figures as JSON and every table as CSV with a byte-order mark for Cyrillic")
    func figuresAndCSV() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let called = try await Self.serve(app, called: 120, started: 180, finished: 480, outcome: .counselled)
            _ = try await app.environment.feedback?.record(
                ticketID: called.id, rating: 4, comment: nil, at: Fixtures.now + 500)
            let cookie = try await client.staffCookie(app)

            let (response, body) = try await client.staffGet(
                "/api/v1/staff/dashboard?from=2026-11-22&to=2026-11-22", cookie: cookie)
            #expect(response.status == .ok)
            let rows = try #require(body["byService"] as? [[String: Any]])
            let b = try #require(rows.first { $0["key"] as? String == "Б" })
            #expect(b["issued"] as? Int == 1 && b["served"] as? Int == 1)
            #expect((b["wait"] as? [String: Any])?["median"] as? Double == 120)
            #expect((b["service"] as? [String: Any])?["median"] as? Double == 300)
            let satisfaction = try #require((body["satisfactionByCounter"] as? [[String: Any]])?.first)
            #expect(satisfaction["key"] as? String == "2" && satisfaction["mean"] as? Double == 4)

            let csv = try await client.execute(
                uri: "/api/v1/staff/dashboard/byService.csv?from=2026-11-22&to=2026-11-22", method: .get,
                headers: [.cookie: cookie]
            ) { $0 }
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("byService-2026-11-22-2026-11-22.csv") == true)
            let bytes = Array(csv.body.readableBytesView)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("key,issued,served,no_shows,abandonment") == true)
            #expect(lines.contains("Б,1,1,0,0.0000,120,120,300,300"))

            for table in DashboardAPI.tables {
                let answer = try await client.execute(
                    uri: "/api/v1/staff/dashboard/\(table).csv", method: .get, headers: [.cookie: cookie]
                ) { $0 }
                #expect(answer.status == .ok, "\(table)")
            }
            let (unknown, _) = try await client.staffGet("/api/v1/staff/dashboard/people.csv", cookie: cookie)
            #expect(unknown.status == .notFound)
            let (backwards, error) = try await client.staffGet(
                "/api/v1/staff/dashboard?from=2026-11-22&to=2026-11-01", cookie: cookie)
            #expect(backwards.status == .badRequest && error.error["code"] as? String == "dashboard.period")
            let (notADate, _) = try await client.staffGet("/api/v1/staff/dashboard?from=yesterday", cookie: cookie)
            #expect(notADate.status == .badRequest)
        }
    }

    @Test("CSV fields: quoted when needed, never read as a formula")
    func fields() {
        #expect(DashboardAPI.field("Б") == "Б")
        #expect(DashboardAPI.field("a,b") == "\"a,b\"")
        #expect(DashboardAPI.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(DashboardAPI.field("=SUM(A1)") == "'=SUM(A1)")
        #expect(DashboardAPI.field("-1,2") == "\"'-1,2\"")
    }

    @Test("The indicators, the bands and the grievance categories as CSV")
    func newTables() async throws {
        let app = try await TestApp()
        try await app.test { client in
            _ = try await Self.serve(app, called: 400, started: 400, finished: 1000, outcome: .counselled)
            let cookie = try await client.staffCookie(app)
            func table(_ name: String) async throws -> [String] {
                let answer = try await client.execute(
                    uri: "/api/v1/staff/dashboard/\(name).csv?from=2026-11-22&to=2026-11-22", method: .get,
                    headers: [.cookie: cookie]
                ) { $0 }
                #expect(answer.status == .ok)
                let bytes = Array(answer.body.readableBytesView)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
                return String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            }
            let indicators = try await table("indicators")
            #expect(indicators.first == "indicator,name_mn,name_en,value")
            #expect(indicators.contains("careerGuidance,Мэргэжлийн чиг баримжаа авсан,Received career guidance,1"))
            #expect(indicators.contains("officers,Үйлчилсэн ажилтан,Officers who served,1"))
            #expect(
                indicators.contains(
                    "serviceMinutesPerPerson,Нэг хүнд зарцуулсан минут,Minutes of service per person,10.0"))
            // A wait of 400 s is in the 5–10 band, a service of 600 s in the 10–15 one.
            let bands = try await table("distributions")
            #expect(bands.prefix(4) == ["band_minutes,waits,services", "<5,0,0", "5-10,1,0", "10-15,0,1"])
            let days = try await table("byDay")
            #expect(days.contains { $0.hasPrefix("2026-11-22,1,1,0,") })
            let grievances = try await table("grievances")
            #expect(grievances.contains("staffConduct,0") && grievances.contains("overdue,0"))
        }
    }

    @Test("The office figures page: indicators, SVG charts and CSV links in both languages, for officers and the head")
    func page() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let called = try await Self.serve(
                app, issued: [0, 60, 120], called: 400, started: 400, finished: 1000, outcome: .placedInJob)
            _ = try await app.environment.feedback?.record(
                ticketID: called.id, rating: 5, comment: nil, at: Fixtures.now + 1100)
            let cookie = try await client.staffCookie(app)
            func get(_ uri: String, _ cookie: String?) async throws -> (HTTPResponse.Status, String, String?) {
                let answer = try await client.execute(
                    uri: uri, method: .get, headers: cookie.map { [.cookie: $0] } ?? [:]
                ) { $0 }
                return (answer.status, String(buffer: answer.body), answer.headers[.location])
            }

            let (status, html, _) = try await get("/staff/dashboard?lang=en&from=2026-11-01&to=2026-11-22", cookie)
            #expect(status == .ok)
            #expect(html.contains("<h2>LMIS indicators</h2>"))
            #expect(html.contains("data-indicator=\"foundJob\"><dt>Found a job through the office</dt><dd>1</dd>"))
            #expect(html.contains("data-indicator=\"satisfaction\"><dt>Satisfaction (1–5)</dt><dd>5.00</dd>"))
            #expect(html.contains("Б · Career counselling"))
            #expect(html.contains("/api/v1/staff/dashboard/indicators.csv?from=2026-11-01&amp;to=2026-11-22"))
            #expect(html.contains("<strong id=\"period\">2026-11-01 – 2026-11-22</strong>"))
            // Every chart is well-formed SVG, with its figures in words for screen readers.
            let charts = Self.svgs(in: html)
            #expect(charts.count == 6)
            for chart in charts {
                let parser = XMLParser(data: Data(chart.utf8))
                #expect(
                    parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "") \(chart.prefix(200))")
                #expect(chart.contains("<title>") && chart.contains("<desc>"))
            }
            #expect(charts.contains { $0.contains("Tickets per day") && $0.contains("11-22: Issued 3") })
            #expect(charts.contains { $0.contains("Waiting and service times") && $0.contains("5–10: Waits 1") })

            let (_, mongolian, _) = try await get("/staff/dashboard?lang=mn", cookie)
            #expect(mongolian.contains("ХЗЗМС-ийн үзүүлэлтүүд") && mongolian.contains("Өдөр бүрийн тасалбар"))
            // This month so far when no period is given; a period that cannot be shown says why.
            #expect(mongolian.contains("2026-11-01 – 2026-11-22"))
            let (bad, backwards, _) = try await get("/staff/dashboard?lang=en&from=2026-11-22&to=2026-10-01", cookie)
            #expect(bad == .ok && backwards.contains("id=\"period-problem\""))
            #expect(backwards.contains("The period must run forwards"))

            let (signedOut, _, location) = try await get("/staff/dashboard?lang=en", nil)
            #expect(signedOut == .seeOther && location == "/staff?lang=en")
            try await app.environment.staff.addStaff(
                id: "tech", displayName: "Техник", role: .technician, pin: "2468", at: Fixtures.now)
            let signIn = try await client.execute(
                uri: "/api/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username": "tech", "pin": "2468", "counter": 3}"#)
            ) { $0 }
            let technician = String((signIn.headers[.setCookie] ?? "").split(separator: ";")[0])
            let (refused, _, _) = try await get("/staff/dashboard", technician)
            #expect(refused == .forbidden)
        }
    }

    @Test("Charts: round scales, escaped labels, bars in proportion")
    func charts() {
        #expect(SVGChart.niceCeiling(0) == 1)
        #expect(SVGChart.niceCeiling(7) == 10)
        #expect(SVGChart.niceCeiling(10) == 10)
        #expect(SVGChart.niceCeiling(11) == 20)
        #expect(SVGChart.niceCeiling(230) == 250)
        #expect(SVGChart.niceCeiling(0.3) == 0.5)
        let svg = SVGChart.bars(
            title: "<Ө & Ү>", labels: ["a\"b", "c"], values: [50, 25], style: "series-0", format: { String(Int($0)) })
        #expect(svg.contains("&lt;Ө &amp; Ү&gt;") && svg.contains("a&quot;b") && !svg.contains("<Ө"))
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        // The label column is 80 wide at least: 50 of a scale of 50 fills the plot
        // (640 - 80 - 12 - 70 = 478); 25 fills half.
        #expect(svg.contains("width=\"478\"") && svg.contains("width=\"239\""))
        // Counts get whole-number gridlines: one ticket is 0 and 1, never 0.25 of one.
        let one = SVGChart.columns(
            title: "t", labels: ["09"], series: [.init(name: "n", values: [1], style: "series-0")],
            format: { String(Int($0)) })
        let gridValues = one.components(separatedBy: "class=\"chart-axis\"").dropFirst().map {
            $0.split(separator: ">")[1].split(separator: "<")[0]
        }
        #expect(gridValues == ["0", "1"])
        #expect(SVGChart.gridStep(10, integral: true) == 2 && SVGChart.gridStep(100, integral: true) == 25)
        #expect(SVGChart.gridStep(1, integral: false) == 0.25)
        let empty = SVGChart.columns(title: "none", labels: [], series: [], format: { String($0) })
        #expect(XMLParser(data: Data(empty.utf8)).parse())
    }

    static func svgs(in html: String) -> [String] {
        html.components(separatedBy: "<svg ").dropFirst().compactMap { part in
            part.range(of: "</svg>").map { "<svg " + part[..<$0.upperBound] }
        }
    }
}
