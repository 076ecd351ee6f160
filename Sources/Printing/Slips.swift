public import KioskCore

extension TicketSlip {
    /// The ticket as the receipt printer lays it out.
    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text(office.mn, TextStyle(size: 10, bold: true, alignment: .center)))
        document.append(.rule)
        document.append(.text(number, TextStyle(size: 44, bold: true, alignment: .center)))
        document.append(.text(service.mn, TextStyle(size: 14, bold: true, alignment: .center)))
        document.append(.text(service.en, TextStyle(size: 9, alignment: .center)))
        if let priority {
            document.append(.space(8))
            document.append(
                .banner("\(priority.mn) · \(priority.en)", TextStyle(size: 10, bold: true, alignment: .center)))
        }
        document.append(.space(10))
        document.appendBilingual(peopleAhead, size: 12)
        if let wait { document.appendBilingual(wait, size: 12) }
        document.append(.text(issued, TextStyle(size: 10, alignment: .center)))
        document.append(.space(8))
        document.append(.qrCode(statusURL))
        document.appendBilingual(scanHint, size: 9)
        if let ratingCode { document.appendBilingual(ratingCode, size: 10) }
        document.append(.rule)
        document.appendBilingual(instruction, size: 10)
        return document
    }
}

extension RegistrationReceipt {
    /// The receipt as the receipt printer lays it out.
    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text(office.mn, TextStyle(size: 10, bold: true, alignment: .center)))
        document.append(.rule)
        document.appendBilingual(title, size: 14, bold: true)
        document.append(.text(name, TextStyle(size: 12, alignment: .center)))
        document.append(.space(8))
        document.appendBilingual(referenceLabel, size: 10)
        document.append(.text(reference, TextStyle(size: 22, bold: true, alignment: .center)))
        document.append(.rule)
        for (index, step) in nextSteps.enumerated() {
            document.append(.text("\(index + 1). \(step.mn)", TextStyle(size: 11)))
            document.append(.text("    \(step.en)", TextStyle(size: 8)))
            document.append(.space(4))
        }
        document.append(.rule)
        document.append(.text("\(hoursLabel.mn): \(hours.mn)", TextStyle(size: 10, alignment: .center)))
        document.append(.text("\(hoursLabel.en): \(hours.en)", TextStyle(size: 8, alignment: .center)))
        document.append(.text(issued, TextStyle(size: 9, alignment: .center)))
        return document
    }
}

extension VacancyShortList {
    /// The short list as the receipt printer lays it out: each vacancy with its code large, so
    /// the person can quote it at a desk.
    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text(office.mn, TextStyle(size: 10, bold: true, alignment: .center)))
        document.append(.rule)
        document.appendBilingual(heading, size: 14, bold: true)
        document.append(.space(6))
        if entries.isEmpty { document.appendBilingual(empty, size: 11) }
        for (index, entry) in entries.enumerated() {
            document.append(.text("\(index + 1). \(entry.title)", TextStyle(size: 12, bold: true)))
            document.append(.text(entry.employer, TextStyle(size: 10)))
            if !entry.wage.isEmpty { document.append(.text(entry.wage, TextStyle(size: 10))) }
            document.append(.text(entry.reference, TextStyle(size: 18, bold: true, alignment: .center)))
            document.append(.space(6))
        }
        document.append(.rule)
        document.appendBilingual(instruction, size: 10)
        document.append(.text(issued, TextStyle(size: 9, alignment: .center)))
        return document
    }
}

extension GrievanceSlip {
    /// The grievance acknowledgement as the receipt printer lays it out.
    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text(office.mn, TextStyle(size: 10, bold: true, alignment: .center)))
        document.append(.rule)
        document.appendBilingual(title, size: 14, bold: true)
        document.append(.space(6))
        document.appendBilingual(codeLabel, size: 10)
        document.append(.text(code, TextStyle(size: 22, bold: true, alignment: .center)))
        document.append(.qrCode(code))
        document.appendBilingual(category, size: 10)
        document.append(.space(4))
        document.appendBilingual(due, size: 11, bold: true)
        document.append(.rule)
        document.appendBilingual(instruction, size: 10)
        document.append(.text(issued, TextStyle(size: 9, alignment: .center)))
        return document
    }
}

/// The technician's test page: every printer-relevant character and a QR code.
public struct TestSlip: Sendable {
    public var office: LocalizedText
    public var queue: String
    public var issued: String

    public init(office: LocalizedText, queue: String, issued: String) {
        self.office = office
        self.queue = queue
        self.issued = issued
    }

    public static let alphabet = "АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмноөпрстуүфхцчшщъыьэюя ₮"

    public var document: ThermalDocument {
        var document = ThermalDocument()
        document.append(.text("Туршилтын хуудас · Test page", TextStyle(size: 14, bold: true, alignment: .center)))
        document.append(.text(office.mn, TextStyle(size: 10, alignment: .center)))
        document.append(.text("\(queue) · \(issued)", TextStyle(size: 9, alignment: .center)))
        document.append(.rule)
        document.append(.text(Self.alphabet, TextStyle(size: 11)))
        document.append(.text("Өө Үү Өө Үү", TextStyle(size: 28, bold: true, alignment: .center)))
        document.append(.qrCode("LSWO-KIOSK-TEST \(queue)"))
        return document
    }
}

extension ThermalDocument {
    mutating func appendBilingual(_ text: LocalizedText, size: Double, bold: Bool = false) {
        append(.text(text.mn, TextStyle(size: size, bold: bold, alignment: .center)))
        append(.text(text.en, TextStyle(size: (size * 0.75).rounded(), alignment: .center)))
    }
}
