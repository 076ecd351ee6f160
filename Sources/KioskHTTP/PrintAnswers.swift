import Foundation
import KioskCore

/// What a print did, worded for the screens; and the printers' health for the console.
struct PrintAnswers: Sendable {
    let locales: Locales

    struct FaultView: Encodable {
        let code: String
        let blocksPrinting: Bool
        let message: LocalizedText
    }

    struct PrintView: Encodable {
        let status: String
        let job: Int32?
        let faults: [FaultView]
        let message: LocalizedText
    }

    struct PrinterView: Encodable {
        let role: String
        let name: LocalizedText
        let queue: String
        let ready: Bool
        let faults: [FaultView]
        let detail: String
        let checkedAt: Date?
    }

    func faultView(_ fault: PrinterFault) -> FaultView {
        FaultView(
            code: fault.rawValue, blocksPrinting: fault.blocksPrinting,
            message: locales.both("printer.faults.\(fault.rawValue)"))
    }

    /// The answer to a print, worded from the locale texts under `messages` (`print` for a
    /// ticket or receipt, `vacancies.print` for a list): `sentThermal`, `sentA4`, `failed`,
    /// `unavailable`.
    func view(_ outcome: PrintOutcome, messages: String = "print") -> PrintView {
        let key =
            switch (outcome.status, outcome.role) {
            case (.sent, .thermal): "sentThermal"
            case (.sent, .a4): "sentA4"
            case (.failed, _): "failed"
            case (.unavailable, _): "unavailable"
            }
        return PrintView(
            status: outcome.status.rawValue, job: outcome.job, faults: outcome.faults.map(faultView),
            message: locales.both("\(messages).\(key)"))
    }

    func view(_ health: PrinterHealth) -> PrinterView {
        PrinterView(
            role: health.role.rawValue, name: locales.both("printer.roles.\(health.role.rawValue)"),
            queue: health.queue, ready: health.isReady, faults: health.faults.map(faultView),
            detail: health.detail, checkedAt: health.checkedAt == .distantPast ? nil : health.checkedAt)
    }

    /// The answer of a kiosk that has no printer for `role`.
    func noPrinter(_ role: PrinterRole = .thermal, messages: String = "print") -> PrintView {
        view(
            PrintOutcome(status: .unavailable, role: role, queue: nil, job: nil, faults: [], detail: ""),
            messages: messages)
    }

    /// Prints with `printer` when the kiosk has one (a receipt printer's `noPrinter` otherwise).
    func print(
        on printer: (any DocumentPrinter)?, messages: String = "print",
        _ document: @Sendable (any DocumentPrinter) async -> PrintOutcome
    ) async -> PrintView {
        guard let printer else { return noPrinter(messages: messages) }
        return view(await document(printer), messages: messages)
    }

    /// Every printer's health; none when the kiosk prints nothing.
    func printers(_ printer: (any DocumentPrinter)?) async -> [PrinterView] {
        await printer?.printerHealth().map(view) ?? []
    }
}
