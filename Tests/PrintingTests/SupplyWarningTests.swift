import Foundation
import KioskCore
import Printing
import Testing

/// A printer's supply warnings as CUPS passes them on (the lab's IPP Everywhere printer says
/// `toner-low-report`): staff are warned, and printing goes on.
@Suite("Supply warnings")
struct SupplyWarningTests {
    @Test("toner and marker supplies low, with any suffix, are the toner-low warning")
    func tonerLow() {
        for reason in ["toner-low", "toner-low-report", "toner-low-warning", "marker-supply-low-warning"] {
            #expect(PrinterFault(stateReason: reason) == .tonerLow, "\(reason)")
        }
        #expect(PrinterFault.tonerLow.rawValue == "toner-low")
        #expect(!PrinterFault.tonerLow.blocksPrinting)
    }

    @Test("a queue whose printer is low on toner is ready, with the warning to show")
    func readyWithWarning() {
        let status = PrinterStatus(queue: "A4", state: .idle, reasons: ["toner-low-report"])
        #expect(status.faults == [.tonerLow])
        let health = PrinterHealth(
            role: .a4, queue: "A4", faults: status.faults, detail: "", checkedAt: .init(timeIntervalSince1970: 0))
        #expect(health.isReady)
        // A fault that stops printing is listed before the warning.
        let jammed = PrinterStatus(queue: "A4", state: .idle, reasons: ["toner-low-report", "media-jam-error"])
        #expect(jammed.faults == [.jam, .tonerLow])
    }
}
