import Foundation
import KioskCore
import KioskStore
import KioskTestSupport
import LMISHub
import LMISProtocol
import Testing

@testable import LMISSync

/// The operators' page of the indicator breakdowns (`/admin/indicators`) and its CSV, for one
/// office and for the whole country, from what two offices' kiosks uploaded, over a real PostgreSQL.
@Suite(.serialized) struct IndicatorBreakdownPageTests {
    @Test func thePageAndTheCSVShowEachOfficeAndTheirSum() async throws {
        let hub = try await HubHarness.start()
        let central = try KioskHarness()
        let other = try KioskHarness(officeCode: "UB-BZD")
        defer {
            central.temp.remove()
            other.temp.remove()
        }
        try await central.enrol(hub)
        try await other.enrol(hub)
        for index in [3, 14] { try await central.register(index) }
        try await central.visit(outcome: .counselled)
        try await other.register(25)
        #expect(try await central.syncUntilDone().error == nil)
        #expect(try await other.syncUntilDone().error == nil)
        let month = String(central.office.today(at: Date()).description.prefix(7))

        func json(_ office: String) async throws -> IndicatorBreakdown {
            let (status, body) = try await hub.call(
                "GET", "/admin/offices/\(office)/indicators/breakdown?month=\(month)")
            #expect(status == 200)
            return try LMISCoding.decoder.decode(IndicatorBreakdown.self, from: body)
        }
        /// The CSV's rows after the header, keyed by `dimension/group`, as the four figures.
        func csv(_ query: String) async throws -> [String: [Int64]] {
            let (status, body) = try await hub.call("GET", "/admin/indicators.csv?\(query)")
            #expect(status == 200)
            #expect(body.starts(with: [0xEF, 0xBB, 0xBF]))
            let lines = String(decoding: body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.first == IndicatorBreakdown.csvColumns.joined(separator: ","))
            #expect(lines.last == "")
            var rows: [String: [Int64]] = [:]
            for line in lines.dropFirst().dropLast() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                #expect(fields.count == 8 && fields[0] == month)
                rows["\(fields[2])/\(fields[3])"] = fields[4...].compactMap { Int64($0) }
            }
            return rows
        }
        func expected(_ breakdowns: [IndicatorBreakdown]) -> [String: [Int64]] {
            var rows: [String: [Int64]] = [:]
            for breakdown in breakdowns {
                let total = [
                    breakdown.totals.registeredJobseekers, breakdown.totals.registeredUnemployed,
                    breakdown.totals.foundJobThroughOffice, breakdown.totals.careerGuidanceBeneficiaries,
                ]
                rows["total/", default: [0, 0, 0, 0]] = zip(rows["total/"] ?? [0, 0, 0, 0], total).map { $0 + $1 }
                for dimension in breakdown.dimensions {
                    for group in dimension.groups {
                        let key = "\(dimension.name)/\(group.value)"
                        let figures = [
                            group.registeredJobseekers, group.registeredUnemployed, group.foundJobThroughOffice,
                            group.careerGuidanceBeneficiaries,
                        ]
                        rows[key] = zip(rows[key] ?? [0, 0, 0, 0], figures).map { $0 + $1 }
                    }
                }
            }
            return rows
        }
        let centralJSON = try await json("UB-SB")
        let otherJSON = try await json("UB-BZD")
        #expect(centralJSON.totals.registeredJobseekers == 2 && otherJSON.totals.registeredJobseekers == 1)

        // One office: the same figures as its JSON; the whole country: the two added up.
        #expect(try await csv("month=\(month)&office=UB-SB") == expected([centralJSON]))
        let national = try await csv("month=\(month)")
        #expect(national == expected([centralJSON, otherJSON]))
        #expect(national["total/"]?.first == 3)
        for dimension in ["sex", "ageGroup", "education", "disability", "timeUnemployed"] {
            let sum = national.filter { $0.key.hasPrefix("\(dimension)/") }.reduce(Int64(0)) { $0 + $1.value[0] }
            #expect(sum == 3, "\(dimension) adds up to the country's jobseekers")
        }

        // The page: the form with both offices, the totals row and a table a dimension, in both languages.
        let (status, body) = try await hub.call("GET", "/admin/indicators?month=\(month)&office=UB-SB")
        #expect(status == 200)
        let html = String(decoding: body, as: UTF8.self)
        #expect(html.contains("<html lang=\"mn\">"))
        #expect(html.contains("<option value=\"UB-SB\" selected>UB-SB</option>"))
        #expect(html.contains("<option value=\"UB-BZD\">UB-BZD</option>"))
        #expect(html.contains("<input type=\"month\" name=\"month\" value=\"\(month)\">"))
        #expect(html.contains("href=\"/admin/indicators.csv?month=\(month)&amp;office=UB-SB\""))
        let totals = centralJSON.totals
        #expect(
            html.contains(
                "<tr data-group=\"total\"><td class=\"n\">\(totals.registeredJobseekers)</td><td class=\"n\">\(totals.registeredUnemployed)</td>"
            ))
        for dimension in centralJSON.dimensions {
            #expect(html.contains("data-dimension=\"\(dimension.name)\""))
            #expect(html.contains("\(dimension.label.mn) <span lang=\"en\">· \(dimension.label.en)</span>"))
            for group in dimension.groups {
                let name = group.label.map { "\($0.mn) <span lang=\"en\">· \($0.en)</span>" } ?? group.value
                #expect(
                    html.contains(
                        "<tr data-group=\"\(group.value)\"><th scope=\"row\">\(name)</th><td class=\"n\">\(group.registeredJobseekers)</td>"
                    ), "\(dimension.name)/\(group.value)")
            }
        }
        let (_, countryBody) = try await hub.call("GET", "/admin/indicators?month=\(month)")
        let country = String(decoding: countryBody, as: UTF8.self)
        #expect(country.contains("<option value=\"\" selected>"))
        #expect(country.contains("<tr data-group=\"total\"><td class=\"n\">3</td>"))
        #expect(country.contains("The country's figures are the offices' figures added up."))

        // A bad month or an unknown office: a page saying so in both languages; the CSV a problem.
        for query in ["month=2026-13", "month=December", "month=\(month)&office=NOWHERE"] {
            let (status, body) = try await hub.call("GET", "/admin/indicators?\(query)")
            #expect(status == 400, "\(query)")
            let page = String(decoding: body, as: UTF8.self)
            #expect(page.contains("Хүсэлт буруу") && page.contains("Invalid request"), "\(query)")
            #expect(try await hub.call("GET", "/admin/indicators.csv?\(query)").0 == 400, "\(query)")
        }
    }
}
