import Foundation
import LMISProtocol

/// The operations page (`GET /admin/operations`): every device of every office on one list, those
/// that need a technician first, with what needs doing. Server-rendered, no script.
enum OperationsPage {
    static func render(_ devices: [HubStore.DeviceSummary], now: Date) -> String {
        let active = devices.filter { !$0.revoked }
        let sorted = active.sorted {
            ($0.needs.count, $1.officeCode, $1.id) > ($1.needs.count, $0.officeCode, $0.id)
        }
        let needing = active.filter { !$0.needs.isEmpty }.count
        var html =
            head(title: "Төхөөрөмжүүд · Devices") + """
                table { width: 100%; }
                tr.needs td { background: #fff4e5; }
                .need { display: block; font-weight: 600; color: #8a3b00; }
                .ok { color: #1d6b2f; font-weight: 600; }
                .check { display: block; }
                .check[data-verdict="fault"] { font-weight: 600; color: #8a3b00; }
                </style>
                </head>
                <body>
                <nav><a href="/admin/employers">Ажил олгогчид <span lang="en">· Employers</span></a>
                · <a href="/admin/indicators">Үзүүлэлтийн задаргаа <span lang="en">· Indicator breakdown</span></a></nav>
                <h1>Төхөөрөмжүүд <span lang="en">· Devices</span></h1>
                <p id="summary">\(active.count) төхөөрөмж, \(needing) нь техникчийн анхаарал шаардана.
                <span lang="en">\(active.count) devices, \(needing) need a technician.</span>
                Шинэчилсэн <span lang="en">Updated</span>: \(escape(LMISTime.format(now)))</p>
                <table>
                <thead><tr>
                <th scope="col">Алба <span lang="en">Office</span></th>
                <th scope="col">Төхөөрөмж <span lang="en">Device</span></th>
                <th scope="col">Сүүлд холбогдсон <span lang="en">Last seen</span></th>
                <th scope="col">Хувилбар <span lang="en">Version</span></th>
                <th scope="col">Хүлээгдэж буй <span lang="en">Waiting</span></th>
                <th scope="col">Принтер <span lang="en">Printer</span></th>
                <th scope="col">Уншигч <span lang="en">Reader</span></th>
                <th scope="col">Цагийн зөрүү <span lang="en">Clock</span></th>
                <th scope="col">Нөөц <span lang="en">Last backup</span></th>
                <th scope="col">Дутуу <span lang="en">Missing</span></th>
                <th scope="col">Шалгалт <span lang="en">Checks</span></th>
                <th scope="col">Хийх зүйл <span lang="en">Needs</span></th>
                </tr></thead>
                <tbody>

                """
        for device in sorted {
            let beat = device.heartbeat
            let needs = device.needs.compactMap(FleetRules.Need.init(rawValue:))
            let needCell =
                needs.isEmpty
                ? "<span class=\"ok\">Хэвийн <span lang=\"en\">OK</span></span>"
                : needs.map {
                    "<span class=\"need\" data-need=\"\($0.rawValue)\">\(escape($0.wordsMN)) <span lang=\"en\">· \(escape($0.words))</span></span>"
                }.joined()
            let waiting = beat.map { beat in
                "\(beat.waiting)" + (beat.oldestWaitingAt.map { " (\(escape($0)))" } ?? "")
            }
            html += """
                <tr class="\(needs.isEmpty ? "fine" : "needs")" data-device="\(escape(device.id))">
                <td>\(escape(device.officeCode))</td>
                <td>\(escape(device.name))</td>
                <td>\(escape(device.lastSeenAt ?? "—"))</td>
                <td>\(escape(beat?.softwareVersion ?? "—"))</td>
                <td>\(waiting ?? "—")</td>
                <td>\(escape(beat?.printer ?? "—"))</td>
                <td>\(escape(beat?.reader ?? "—"))</td>
                <td>\(beat.map { "\(Int($0.clockOffsetSeconds)) s" } ?? "—")</td>
                <td>\(escape(beat?.lastBackupAt ?? "—"))</td>
                <td>\(device.missing)</td>
                <td>\(checksCell(beat?.checks ?? []))</td>
                <td>\(needCell)</td>
                </tr>

                """
        }
        html += "</tbody>\n</table>\n</body>\n</html>\n"
        return html
    }

    /// The checks that are not ok (the serving process's and `kiosk doctor`'s, `doctor.*`), faults
    /// first, each with its detail; "OK" with how many passed when none is.
    static func checksCell(_ checks: [Heartbeat.Check]) -> String {
        guard !checks.isEmpty else { return "—" }
        let failing = checks.filter { $0.verdict != "ok" }.sorted { ($0.verdict == "fault") && ($1.verdict != "fault") }
        guard !failing.isEmpty else {
            return "<span class=\"ok\">\(checks.count) хэвийн <span lang=\"en\">· \(checks.count) ok</span></span>"
        }
        return failing.map { check in
            let verdict =
                check.verdict == "fault"
                ? "гэмтэл <span lang=\"en\">· fault</span>" : "анхааруулга <span lang=\"en\">· warning</span>"
            let detail = check.detail.map { $0.isEmpty ? "" : ": \(escape($0))" } ?? ""
            return
                "<span class=\"check\" data-check=\"\(escape(check.name))\" data-verdict=\"\(escape(check.verdict))\">"
                + "\(escape(check.name)) — \(verdict)\(detail)</span>"
        }.joined()
    }

    /// The start of an operators' page, in Mongolian with English beside it, up to its own style rules.
    /// The styles of the figure pages (employers, indicators): full-width tables, right-aligned
    /// figures and a period form; the page's own rules follow, then `</style>`.
    static let figureStyles = """
        table { width: 100%; margin-bottom: 1.5rem; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        form { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin-bottom: 1rem; }
        label { display: flex; flex-direction: column; font-weight: 600; }
        input, select, button { font: inherit; padding: .3rem .5rem; }

        """

    static func head(title: String) -> String {
        """
        <!doctype html>
        <html lang="mn">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font: 16px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
        table { border-collapse: collapse; }
        th, td { border-bottom: 1px solid #bbb; padding: .4rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eee; }
        a { color: #0b4f9c; }

        """
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
