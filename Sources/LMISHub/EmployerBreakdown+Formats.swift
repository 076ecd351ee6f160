import Foundation

/// The employer breakdown as CSV (`GET /admin/employer-breakdown.csv`) and as the operators' page
/// (`GET /admin/employers`), beside the JSON of `GET /admin/employer-breakdown`.
extension EmployerBreakdown {
    /// The CSV's columns, documented in `docs/hub-admin-openapi.yaml`; a rename is a breaking change.
    /// `level` is `sector` (one row a sector: no employer columns) or `employer`.
    public static let csvColumns = [
        "level", "from", "to", "office", "sector", "register_number", "employer_name", "offices", "vacancies", "posts",
        "newly_created_posts", "vacancies_filled", "placements", "newly_created_placements",
    ]

    /// RFC 4180: CRLF line ends, a header row, every field that holds a comma, quote or line break
    /// quoted with its quotes doubled. UTF-8 with a byte-order mark so that a spreadsheet reads the
    /// Cyrillic names; a name a spreadsheet would run as a formula is prefixed by a quote.
    public var csv: String {
        func row(_ level: String, _ sector: String, _ employer: Employer?, _ figures: Figures) -> String {
            let fields: [String] = [
                level, from, to, office ?? "", sector, employer?.registerNumber ?? "",
                employer.map { Self.defused($0.name) } ?? "", employer?.offices.joined(separator: " ") ?? "",
                "\(figures.vacancies)", "\(figures.posts)", "\(figures.newlyCreatedPosts)",
                "\(figures.vacanciesFilled)",
                "\(figures.placements)", "\(figures.newlyCreatedPlacements)",
            ]
            return fields.map(Self.field).joined(separator: ",")
        }
        var lines = [Self.csvColumns.joined(separator: ",")]
        lines += bySector.map { row("sector", $0.sector, nil, $0.figures) }
        lines += byEmployer.map { row("employer", $0.sector, $0, $0.figures) }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func defused(_ text: String) -> String {
        guard let first = text.first, "=+-@".contains(first) else { return text }
        return "'" + text
    }

    /// ISIC Rev. 4 sections in Mongolian and English, for the page.
    static let sectorNames: [String: (mn: String, en: String)] = [
        "A": ("Хөдөө аж ахуй, ойн аж ахуй, загас барилт, ан агнуур", "Agriculture, forestry and fishing"),
        "B": ("Уул уурхай, олборлох үйлдвэрлэл", "Mining and quarrying"),
        "C": ("Боловсруулах үйлдвэрлэл", "Manufacturing"),
        "D": ("Цахилгаан, хий, уур, агааржуулалт", "Electricity, gas, steam and air conditioning"),
        "E": ("Усан хангамж, бохир ус, хог хаягдал", "Water supply, sewerage and waste"),
        "F": ("Барилга", "Construction"),
        "G": ("Бөөний болон жижиглэн худалдаа, машин засвар", "Wholesale and retail trade, vehicle repair"),
        "H": ("Тээвэр, агуулахын үйл ажиллагаа", "Transport and storage"),
        "I": ("Зочид буудал, хоол үйлдвэрлэл, үйлчилгээ", "Accommodation and food service"),
        "J": ("Мэдээлэл, холбоо", "Information and communication"),
        "K": ("Санхүү, даатгал", "Finance and insurance"),
        "L": ("Үл хөдлөх хөрөнгө", "Real estate"),
        "M": ("Мэргэжлийн, шинжлэх ухаан, техникийн үйл ажиллагаа", "Professional, scientific and technical"),
        "N": ("Захиргааны болон дэмжлэг үзүүлэх үйл ажиллагаа", "Administrative and support services"),
        "O": (
            "Төрийн удирдлага, батлан хамгаалах, албан журмын нийгмийн хамгаалал", "Public administration and defence"
        ),
        "P": ("Боловсрол", "Education"),
        "Q": ("Хүний эрүүл мэнд, нийгмийн халамж", "Human health and social work"),
        "R": ("Урлаг, үзвэр, тоглоом наадам", "Arts, entertainment and recreation"),
        "S": ("Бусад үйлчилгээ", "Other services"),
        "T": ("Хүн хөлсөлж ажиллуулдаг өрх", "Households as employers"),
        "U": ("Олон улсын байгууллага", "International organisations"),
    ]

    /// The page: a period form (no script), the link to the same period's CSV, the table by sector
    /// and the table by employer, every heading in Mongolian with the English beside it.
    public var page: String {
        let escape = OperationsPage.escape
        var query = "from=\(from)&to=\(to)"
        if let office {
            query += "&office=\(office.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        func sector(_ code: String) -> String {
            guard let name = Self.sectorNames[code] else { return escape(code) }
            return "\(escape(code)) · \(escape(name.mn)) <span lang=\"en\">· \(escape(name.en))</span>"
        }
        func cells(_ figures: Figures) -> String {
            [
                figures.vacancies, figures.posts, figures.newlyCreatedPosts, figures.vacanciesFilled,
                figures.placements, figures.newlyCreatedPlacements,
            ].map { "<td class=\"n\">\($0)</td>" }.joined()
        }
        let figureHeads = """
            <th scope="col">Ажлын байр <span lang="en">Vacancies</span></th>
            <th scope="col">Орон тоо <span lang="en">Posts</span></th>
            <th scope="col">Шинээр бий болсон <span lang="en">Newly created posts</span></th>
            <th scope="col">Нөхөгдсөн <span lang="en">Vacancies filled</span></th>
            <th scope="col">Ажилд орсон <span lang="en">Placements</span></th>
            <th scope="col">Шинэ ажлын байранд <span lang="en">Into newly created jobs</span></th>
            """
        var html =
            OperationsPage.head(title: "Ажил олгогчид · Employers") + OperationsPage.figureStyles + """
                </style>
                </head>
                <body>
                <nav><a href="/admin/operations">Төхөөрөмжүүд <span lang="en">· Devices</span></a></nav>
                <h1>Ажил олгогчид <span lang="en">· Employers</span></h1>
                <form method="get" action="/admin/employers">
                <label>Эхлэх өдөр <span lang="en">From</span> <input type="date" name="from" value="\(escape(from))"></label>
                <label>Дуусах өдөр <span lang="en">To</span> <input type="date" name="to" value="\(escape(to))"></label>
                <label>Алба (заавал биш) <span lang="en">Office (optional)</span>
                <input name="office" value="\(escape(office ?? ""))"></label>
                <button type="submit">Харах <span lang="en">Show</span></button>
                </form>
                <p id="period">\(escape(from)) – \(escape(to))\(office.map { " · \(escape($0))" } ?? "").
                <a id="csv" href="/admin/employer-breakdown.csv?\(escape(query))">CSV татах <span lang="en">Download CSV</span></a></p>
                <h2 id="by-sector">Салбараар <span lang="en">· By sector</span></h2>
                <table aria-labelledby="by-sector">
                <thead><tr><th scope="col">Салбар <span lang="en">Sector</span></th>
                \(figureHeads)</tr></thead>
                <tbody>

                """
        for row in bySector {
            html += "<tr data-sector=\"\(escape(row.sector))\"><th scope=\"row\">\(sector(row.sector))</th>"
            html += cells(row.figures) + "</tr>\n"
        }
        if bySector.isEmpty { html += Self.nothing(columns: 7) }
        html += """
            </tbody>
            </table>
            <h2 id="by-employer">Ажил олгогчоор <span lang="en">· By employer</span></h2>
            <table aria-labelledby="by-employer">
            <thead><tr><th scope="col">Ажил олгогч <span lang="en">Employer</span></th>
            <th scope="col">Регистрийн дугаар <span lang="en">Registration number</span></th>
            <th scope="col">Салбар <span lang="en">Sector</span></th>
            <th scope="col">Алба <span lang="en">Offices</span></th>
            \(figureHeads)</tr></thead>
            <tbody>

            """
        for row in byEmployer {
            html += "<tr data-employer=\"\(escape(row.registerNumber))\"><th scope=\"row\">\(escape(row.name))</th>"
            html += "<td>\(escape(row.registerNumber))</td><td>\(sector(row.sector))</td>"
            html += "<td>\(escape(row.offices.joined(separator: ", ")))</td>" + cells(row.figures) + "</tr>\n"
        }
        if byEmployer.isEmpty { html += Self.nothing(columns: 10) }
        html += "</tbody>\n</table>\n</body>\n</html>\n"
        return html
    }

    /// A period the breakdown refuses, said on a page of its own with the form to ask again.
    static func badPeriodPage(_ reason: String) -> String {
        """
        <!doctype html>
        <html lang="mn">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Хугацаа буруу · Invalid period</title></head>
        <body style="font: 16px/1.4 system-ui, sans-serif; margin: 1.5rem">
        <h1>Хугацаа буруу <span lang="en">· Invalid period</span></h1>
        <p id="problem">Эхлэх өдөр нь дуусах өдрөөс хойш биш, хугацаа нь \(breakdownMaxDaysText) хоногоос ихгүй,
        огноо нь 2026-12-01 гэсэн хэлбэртэй байна.
        <span lang="en">The start must not be after the end, the period at most \(breakdownMaxDaysText) days, and
        dates like 2026-12-01 (\(OperationsPage.escape(reason))).</span></p>
        <p><a href="/admin/employers">Энэ сар <span lang="en">· This month</span></a></p>
        </body>
        </html>

        """
    }

    static let breakdownMaxDaysText = "\(HubStore.breakdownMaxDays)"

    static func nothing(columns: Int) -> String {
        "<tr><td colspan=\"\(columns)\">Энэ хугацаанд бүртгэл алга. <span lang=\"en\">Nothing in this period.</span></td></tr>\n"
    }
}
