import Foundation
import PostgresNIO

/// The indicator breakdowns as the operators' page (`GET /admin/indicators`) and as CSV
/// (`GET /admin/indicators.csv`), beside the JSON of `GET /admin/offices/{code}/indicators/breakdown`:
/// one office or the whole country (the offices' figures added up), one month at a time.
extension IndicatorBreakdown {
    /// The `officeCode` of the whole country's breakdown.
    public static let national = "national"

    /// The people-counting indicators, in the page's and the CSV's column order.
    static let peopleColumns: [(key: String, csv: String, label: Label)] = [
        (
            "registeredJobseekers", "registered_jobseekers",
            Label(mn: "Бүртгэлтэй ажил хайгч", en: "Registered jobseekers")
        ),
        ("registeredUnemployed", "registered_unemployed", Label(mn: "Бүртгэлтэй ажилгүй", en: "Registered unemployed")),
        (
            "foundJobThroughOffice", "found_job_through_office",
            Label(mn: "Албаар дамжин ажилд орсон", en: "Found a job through the office")
        ),
        (
            "careerGuidanceBeneficiaries", "career_guidance_beneficiaries",
            Label(mn: "Мэргэжлийн зөвлөгөө авсан", en: "Career guidance beneficiaries")
        ),
    ]

    /// The CSV's columns, documented in `docs/hub-admin-openapi.yaml`; a rename is a breaking change.
    /// `dimension` is `total` on the first row (its `group` empty), then one row a group.
    public static let csvColumns = ["month", "office", "dimension", "group"] + peopleColumns.map(\.csv)

    static func figures(_ group: Group) -> [Int64] {
        [
            group.registeredJobseekers, group.registeredUnemployed, group.foundJobThroughOffice,
            group.careerGuidanceBeneficiaries,
        ]
    }

    var totalFigures: [Int64] {
        [
            totals.registeredJobseekers, totals.registeredUnemployed, totals.foundJobThroughOffice,
            totals.careerGuidanceBeneficiaries,
        ]
    }

    /// RFC 4180 with CRLF line ends and a byte-order mark, like the employer breakdown's CSV.
    public var csv: String {
        func row(_ dimension: String, _ group: String, _ figures: [Int64]) -> String {
            ([month, officeCode, dimension, group] + figures.map { "\($0)" }).map(EmployerBreakdown.field)
                .joined(separator: ",")
        }
        var lines = [Self.csvColumns.joined(separator: ","), row("total", "", totalFigures)]
        for dimension in dimensions {
            lines += dimension.groups.map { row(dimension.name, $0.value, Self.figures($0)) }
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The whole country's breakdown: the offices' breakdowns added up, group by group (a person
    /// registered at two offices counts at each, as in the offices' own figures).
    static func sum(_ offices: [IndicatorBreakdown], month: String) -> IndicatorBreakdown {
        var totals = OfficeIndicators(
            officeCode: national, month: month, registeredJobseekers: 0, registeredUnemployed: 0,
            registeredVacancies: 0, foundJobThroughOffice: 0, newlyCreatedJobs: 0, careerGuidanceBeneficiaries: 0)
        var dimensions = fixed.map { Dimension(name: $0.name, label: $0.label, groups: []) }
        for office in offices {
            totals.registeredJobseekers += office.totals.registeredJobseekers
            totals.registeredUnemployed += office.totals.registeredUnemployed
            totals.registeredVacancies += office.totals.registeredVacancies
            totals.foundJobThroughOffice += office.totals.foundJobThroughOffice
            totals.newlyCreatedJobs += office.totals.newlyCreatedJobs
            totals.careerGuidanceBeneficiaries += office.totals.careerGuidanceBeneficiaries
            for (index, dimension) in office.dimensions.enumerated() where index < dimensions.count {
                for group in dimension.groups {
                    if let at = dimensions[index].groups.firstIndex(where: { $0.value == group.value }) {
                        dimensions[index].groups[at].registeredJobseekers += group.registeredJobseekers
                        dimensions[index].groups[at].registeredUnemployed += group.registeredUnemployed
                        dimensions[index].groups[at].foundJobThroughOffice += group.foundJobThroughOffice
                        dimensions[index].groups[at].careerGuidanceBeneficiaries += group.careerGuidanceBeneficiaries
                    } else {
                        dimensions[index].groups.append(group)
                    }
                }
            }
        }
        // `unknown` and `under15` after the named groups, whichever office had them first.
        for index in dimensions.indices {
            let groups = dimensions[index].groups
            dimensions[index].groups =
                groups.filter { otherLabels[$0.value] == nil } + groups.filter { otherLabels[$0.value] != nil }
        }
        return IndicatorBreakdown(
            officeCode: national, month: month, totals: totals,
            notBrokenDown: ["registeredVacancies", "newlyCreatedJobs"], dimensions: dimensions)
    }

    /// The page: a month and office form (no script), the link to the same CSV, the totals and one
    /// table a dimension, every heading in Mongolian with the English beside it.
    public func page(offices: [String]) -> String {
        let escape = OperationsPage.escape
        let isNational = officeCode == Self.national
        let query = "month=\(month)" + (isNational ? "" : "&office=\(Self.queryValue(officeCode))")
        let heads = Self.peopleColumns.map {
            "<th scope=\"col\">\(escape($0.label.mn)) <span lang=\"en\">\(escape($0.label.en))</span></th>"
        }.joined(separator: "\n")
        func cells(_ figures: [Int64]) -> String {
            figures.map { "<td class=\"n\">\($0)</td>" }.joined()
        }
        let choices =
            ["<option value=\"\"\(isNational ? " selected" : "")>Улсын хэмжээнд · Whole country</option>"]
            + offices.map {
                "<option value=\"\(escape($0))\"\($0 == officeCode ? " selected" : "")>\(escape($0))</option>"
            }
        let place =
            isNational ? "Улсын хэмжээнд <span lang=\"en\">· Whole country</span>" : escape(officeCode)
        var html =
            OperationsPage.head(title: "Үзүүлэлтийн задаргаа · Indicator breakdown") + OperationsPage.figureStyles + """
                </style>
                </head>
                <body>
                <nav><a href="/admin/operations">Төхөөрөмжүүд <span lang="en">· Devices</span></a>
                · <a href="/admin/employers">Ажил олгогчид <span lang="en">· Employers</span></a></nav>
                <h1>Үзүүлэлтийн задаргаа <span lang="en">· Indicator breakdown</span></h1>
                <form method="get" action="/admin/indicators">
                <label>Сар <span lang="en">Month</span> <input type="month" name="month" value="\(escape(month))"></label>
                <label>Алба <span lang="en">Office</span> <select name="office">
                \(choices.joined(separator: "\n"))
                </select></label>
                <button type="submit">Харах <span lang="en">Show</span></button>
                </form>
                <p id="period">\(escape(month)) · \(place).
                <a id="csv" href="/admin/indicators.csv?\(escape(query))">CSV татах <span lang="en">Download CSV</span></a></p>
                <p id="note">Ажлын байр болон шинээр бий болсон ажлын байрыг хүнээр биш, орон тоогоор тоолдог тул задлаагүй.\(isNational ? " Улсын дүн нь албадын дүнгийн нийлбэр." : "")
                <span lang="en">Vacancies and newly created jobs count posts, not people, and are not broken down.\(isNational ? " The country's figures are the offices' figures added up." : "")</span></p>
                <h2 id="totals">Нийт <span lang="en">· Totals</span></h2>
                <table aria-labelledby="totals">
                <thead><tr>\(heads)
                <th scope="col">Ажлын байр <span lang="en">Vacancies</span></th>
                <th scope="col">Шинээр бий болсон ажлын байр <span lang="en">Newly created jobs</span></th></tr></thead>
                <tbody><tr data-group="total">\(cells(totalFigures + [totals.registeredVacancies, totals.newlyCreatedJobs]))</tr></tbody>
                </table>

                """
        for dimension in dimensions {
            let id = "dimension-\(dimension.name)"
            html += """
                <h2 id="\(escape(id))">\(escape(dimension.label.mn)) <span lang="en">· \(escape(dimension.label.en))</span></h2>
                <table aria-labelledby="\(escape(id))" data-dimension="\(escape(dimension.name))">
                <thead><tr><th scope="col">Бүлэг <span lang="en">Group</span></th>
                \(heads)</tr></thead>
                <tbody>

                """
            for group in dimension.groups {
                let name =
                    group.label.map { "\(escape($0.mn)) <span lang=\"en\">· \(escape($0.en))</span>" }
                    ?? escape(group.value)
                html += "<tr data-group=\"\(escape(group.value))\"><th scope=\"row\">\(name)</th>"
                html += cells(Self.figures(group)) + "</tr>\n"
            }
            if dimension.groups.isEmpty {
                html +=
                    "<tr><td colspan=\"5\">Энэ сард бүртгэл алга. <span lang=\"en\">Nothing in this month.</span></td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</body>\n</html>\n"
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~")))
            ?? ""
    }

    /// A month or office the page refuses, said on a page of its own with the way back.
    static func badRequestPage(_ reason: String) -> String {
        """
        <!doctype html>
        <html lang="mn">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Хүсэлт буруу · Invalid request</title></head>
        <body style="font: 16px/1.4 system-ui, sans-serif; margin: 1.5rem">
        <h1>Хүсэлт буруу <span lang="en">· Invalid request</span></h1>
        <p id="problem">Сар нь 2026-12 гэсэн хэлбэртэй, алба нь бүртгэлтэй алба байна.
        <span lang="en">The month must look like 2026-12 and the office must be a registered office
        (\(OperationsPage.escape(reason))).</span></p>
        <p><a href="/admin/indicators">Энэ сар, улсын хэмжээнд <span lang="en">· This month, whole country</span></a></p>
        </body>
        </html>

        """
    }
}

extension HubStore {
    /// Every office's code, in order.
    public func officeCodes() async throws -> [String] {
        var codes: [String] = []
        for try await code in try await client.query("SELECT code FROM office ORDER BY code", logger: logger)
            .decode(String.self)
        {
            codes.append(code)
        }
        return codes
    }

    /// The breakdown of one office, or of the whole country when `office` is nil; an office the hub
    /// does not know is an error.
    public func indicatorBreakdown(office: String?, month: String) async throws -> IndicatorBreakdown {
        let codes = try await officeCodes()
        if let office {
            guard codes.contains(office) else { throw HubStoreError("no office \(office)") }
            return try await indicatorBreakdown(office: office, month: month)
        }
        var each: [IndicatorBreakdown] = []
        for code in codes { each.append(try await indicatorBreakdown(office: code, month: month)) }
        if each.isEmpty { _ = try await indicators(office: "", month: month) }  // checks the month
        return IndicatorBreakdown.sum(each, month: month)
    }
}
