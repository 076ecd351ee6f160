import Foundation
import KioskCore

/// Charts drawn on the server as SVG (no chart library reaches the browser). Geometry only,
/// with presentation attributes and classes: the screens' content security policy allows no
/// inline styles. Every text is escaped; each chart carries a title and a description for
/// screen readers, and each bar a `<title>` with its exact figure.
enum SVGChart {
    struct Series {
        var name: String
        var values: [Double]
        /// A class of `kiosk.css` (`series-0`, …) that colours the bars.
        var style: String
    }

    static let width = 640.0
    static let left = 48.0
    static let right = 12.0
    static let top = 28.0

    /// Vertical columns, one group per label (several series side by side), on a scale from zero.
    static func columns(
        title: String, labels: [String], series: [Series], integral: Bool = true, format: (Double) -> String
    ) -> String {
        let height = 240.0
        let bottom = 44.0
        let plotHeight = height - top - bottom
        let plotWidth = width - left - right
        let maximum = series.flatMap(\.values).max() ?? 0
        let step = gridStep(maximum, integral: integral)
        let scale = step * max(1, (maximum / step).rounded(.up))
        var svg = open(title: title, height: height, description: describe(labels, series, format))
        svg += axis(scale: scale, step: step, plotHeight: plotHeight, plotWidth: plotWidth)
        let slot = labels.isEmpty ? plotWidth : plotWidth / Double(labels.count)
        // A few columns stay columns, not walls.
        let barWidth = min(48, max(1, slot * 0.8 / Double(max(1, series.count))))
        let groupWidth = barWidth * Double(max(1, series.count))
        // Long periods have many columns: label every n-th so that labels never overlap.
        let every = max(1, Int((Double(labels.count) * 34 / plotWidth).rounded(.up)))
        for (index, label) in labels.enumerated() {
            let x0 = left + slot * (Double(index) + 0.5) - groupWidth / 2
            for (number, serie) in series.enumerated() where index < serie.values.count {
                let value = serie.values[index]
                let barHeight = scale > 0 ? plotHeight * value / scale : 0
                svg += "<rect class=\"\(serie.style)\" x=\"\(f(x0 + barWidth * Double(number)))\" "
                svg += "y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(barWidth))\" height=\"\(f(barHeight))\">"
                svg += "<title>\(escape(label)) · \(escape(serie.name)): \(escape(format(value)))</title></rect>"
            }
            if index % every == 0 {
                svg += "<text class=\"chart-label\" x=\"\(f(left + slot * (Double(index) + 0.5)))\" "
                svg += "y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(escape(label))</text>"
            }
        }
        svg += legend(series.map { ($0.name, $0.style) }, y: height - 10)
        return svg + "</svg>"
    }

    /// Horizontal bars, one per label, with the figure written at the bar's end.
    static func bars(title: String, labels: [String], values: [Double], style: String, format: (Double) -> String)
        -> String
    {
        let row = 26.0
        let labelWidth = labelColumn(labels)
        let height = top + row * Double(max(1, labels.count)) + 8
        let plotWidth = width - labelWidth - right - 70
        let scale = niceCeiling(values.max() ?? 0)
        var svg = open(
            title: title, height: height,
            description: zip(labels, values).map { "\($0): \(format($1))" }.joined(separator: "; "))
        for (index, (label, value)) in zip(labels, values).enumerated() {
            let y = top + row * Double(index)
            let length = scale > 0 ? plotWidth * value / scale : 0
            svg += "<text class=\"chart-label\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 17))\" text-anchor=\"end\">"
            svg += "\(escape(label))</text>"
            svg += "<rect class=\"\(style)\" x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(length))\" "
            svg += "height=\"\(f(row - 8))\"><title>\(escape(label)): \(escape(format(value)))</title></rect>"
            svg += "<text class=\"chart-value\" x=\"\(f(labelWidth + length + 6))\" y=\"\(f(y + 17))\">"
            svg += "\(escape(format(value)))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars split into parts (how many gave each rating), each bar as long as its
    /// total; `note` is written after the bar (the mean).
    static func stacked(
        title: String, labels: [String], parts: [[Int]], partNames: [String], partStyles: [String], notes: [String]
    ) -> String {
        let row = 30.0
        let labelWidth = labelColumn(labels)
        let height = top + row * Double(max(1, labels.count)) + 34
        let plotWidth = width - labelWidth - right - 70
        let scale = niceCeiling(Double(parts.map { $0.reduce(0, +) }.max() ?? 0))
        var svg = open(
            title: title, height: height,
            description: labels.indices.map { index in
                "\(labels[index]): "
                    + zip(partNames, parts[index]).map { "\($0) \($1)" }.joined(separator: ", ") + " (\(notes[index]))"
            }.joined(separator: "; "))
        for (index, label) in labels.enumerated() {
            let y = top + row * Double(index)
            svg += "<text class=\"chart-label\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 19))\" text-anchor=\"end\">"
            svg += "\(escape(label))</text>"
            var x = labelWidth
            for (part, count) in parts[index].enumerated() where count > 0 {
                let length = scale > 0 ? plotWidth * Double(count) / scale : 0
                svg += "<rect class=\"\(partStyles[part])\" x=\"\(f(x))\" y=\"\(f(y + 4))\" width=\"\(f(length))\" "
                svg += "height=\"\(f(row - 8))\"><title>\(escape(label)) · \(escape(partNames[part])): \(count)"
                svg += "</title></rect>"
                x += length
            }
            svg += "<text class=\"chart-value\" x=\"\(f(x + 6))\" y=\"\(f(y + 19))\">\(escape(notes[index]))</text>"
        }
        svg += legend(Array(zip(partNames, partStyles)), y: height - 10)
        return svg + "</svg>"
    }

    // MARK: Parts

    static func open(title: String, height: Double, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
            + "role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
            + "<desc>\(escape(description))</desc>"
            + "<text class=\"chart-title\" x=\"\(f(left))\" y=\"18\">\(escape(title))</text>"
    }

    /// Gridlines every `step` from zero to `scale`, with their values.
    static func axis(scale: Double, step: Double, plotHeight: Double, plotWidth: Double) -> String {
        var svg = ""
        let lines = Int((scale / step).rounded())
        for line in 0...lines {
            let value = step * Double(line)
            let y = top + plotHeight - plotHeight * value / scale
            svg += "<line class=\"chart-grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" "
            svg += "y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            svg += "<text class=\"chart-axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">"
            svg += "\(escape(number(value)))</text>"
        }
        return svg
    }

    /// A round distance between gridlines giving about four of them up to `maximum`; whole
    /// numbers for counts (no gridline at 0.25 of a ticket).
    static func gridStep(_ maximum: Double, integral: Bool) -> Double {
        let step = niceCeiling(maximum / 4)
        guard integral else { return step }
        if step < 1 { return 1 }
        return step == 2.5 ? 2 : step
    }

    /// A gridline's value: whole numbers without decimals, others with up to two.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2g", value)
    }

    /// Wide enough for the longest label (about 7.5 px a character at the chart's size), within reason.
    static func labelColumn(_ labels: [String]) -> Double {
        min(300, max(80, Double(labels.map(\.count).max() ?? 0) * 7.5 + 12))
    }

    static func legend(_ items: [(String, String)], y: Double) -> String {
        guard items.count > 1 else { return "" }
        var svg = ""
        var x = left
        for (name, style) in items {
            svg += "<rect class=\"\(style)\" x=\"\(f(x))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\"/>"
            svg += "<text class=\"chart-label\" x=\"\(f(x + 16))\" y=\"\(f(y))\">\(escape(name))</text>"
            x += 28 + Double(name.count) * 8
        }
        return svg
    }

    static func describe(_ labels: [String], _ series: [Series], _ format: (Double) -> String) -> String {
        labels.indices.map { index in
            "\(labels[index]): "
                + series.compactMap { serie in
                    index < serie.values.count ? "\(serie.name) \(format(serie.values[index]))" : nil
                }.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    /// The smallest 1, 2 or 5 × 10ⁿ at or above `value` (1 for nothing at all), so gridlines
    /// fall on round figures.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= value * (1 - 1e-9) {
            return step * magnitude
        }
        return 10 * magnitude
    }

    /// A coordinate with at most one decimal.
    static func f(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0
            ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }

    static func escape(_ text: String) -> String { text.xmlEscaped }
}
