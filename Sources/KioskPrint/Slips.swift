public import KioskCore

/// Everything printed on a queue ticket, already worded in both languages by the caller
/// (the kiosk's locale files). Mongolian comes first and large; English follows, small.
public struct TicketSlip: Sendable, Hashable {
    public var office: LocalizedText
    /// `А-001`, the number the display board will call.
    public var number: String
    public var service: LocalizedText
    public var priority: LocalizedText?
    /// "3 people ahead of you", worded.
    public var peopleAhead: LocalizedText
    /// "Estimated wait 10–20 min", worded; `nil` when there is nothing to estimate from.
    public var wait: LocalizedText?
    /// Local date and time of issue, `2026-11-23 09:41`.
    public var issued: String
    /// The ticket status page, encoded in the QR code.
    public var statusURL: String
    public var scanHint: LocalizedText
    public var instruction: LocalizedText

    public init(
        office: LocalizedText, number: String, service: LocalizedText, priority: LocalizedText?,
        peopleAhead: LocalizedText, wait: LocalizedText?, issued: String, statusURL: String,
        scanHint: LocalizedText, instruction: LocalizedText
    ) {
        self.office = office
        self.number = number
        self.service = service
        self.priority = priority
        self.peopleAhead = peopleAhead
        self.wait = wait
        self.issued = issued
        self.statusURL = statusURL
        self.scanHint = scanHint
        self.instruction = instruction
    }

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
        document.append(.rule)
        document.appendBilingual(instruction, size: 10)
        return document
    }
}

/// The slip a jobseeker takes home after registering.
public struct RegistrationReceipt: Sendable, Hashable {
    public var office: LocalizedText
    public var title: LocalizedText
    /// `UB-SB-000042`: what staff ask for at the desk.
    public var reference: String
    public var referenceLabel: LocalizedText
    /// The person's name as they may see it on paper (given name and initial).
    public var name: String
    /// Steps that follow, one line each.
    public var nextSteps: [LocalizedText]
    public var hoursLabel: LocalizedText
    /// Office hours, worded (`Даваа–Баасан 08:30–17:30`).
    public var hours: LocalizedText
    public var issued: String

    public init(
        office: LocalizedText, title: LocalizedText, reference: String, referenceLabel: LocalizedText, name: String,
        nextSteps: [LocalizedText], hoursLabel: LocalizedText, hours: LocalizedText, issued: String
    ) {
        self.office = office
        self.title = title
        self.reference = reference
        self.referenceLabel = referenceLabel
        self.name = name
        self.nextSteps = nextSteps
        self.hoursLabel = hoursLabel
        self.hours = hours
        self.issued = issued
    }

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
