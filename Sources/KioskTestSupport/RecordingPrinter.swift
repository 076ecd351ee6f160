public import Foundation
public import KioskCore
import Synchronization

/// A printer for router and use-case tests: keeps every document handed to it, in order, and
/// answers with the outcome the test sets (sent by default, or a fault such as no paper).
public final class RecordingPrinter: DocumentPrinter {
    /// One document handed to the printer.
    public enum Document: Sendable {
        case ticket(TicketSlip)
        case receipt(RegistrationReceipt)
        case vacancies(VacancyList)
        case shortList(VacancyShortList)
        case grievance(GrievanceSlip)
        case actionPlan(ActionPlanPrintout)
        case officeDocument(OfficeDocument)
    }

    private struct State {
        var documents: [Document] = []
        var faults: [PrinterRole: [PrinterFault]] = [:]
        var jobs: Int32 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// What was printed so far.
    public var documents: [Document] { state.withLock { $0.documents } }

    /// The ticket slips printed so far.
    public var tickets: [TicketSlip] {
        documents.compactMap { if case .ticket(let slip) = $0 { slip } else { nil } }
    }

    /// From now on the printer of `role` refuses jobs with these faults (none: it prints again).
    public func fail(_ role: PrinterRole, with faults: [PrinterFault]) {
        state.withLock { $0.faults[role] = faults }
    }

    private func take(_ document: Document, on role: PrinterRole) -> PrintOutcome {
        state.withLock { state in
            if let faults = state.faults[role], !faults.isEmpty {
                return PrintOutcome(
                    status: .failed, role: role, queue: role.rawValue, job: nil, faults: faults, detail: "test fault")
            }
            state.documents.append(document)
            state.jobs += 1
            return PrintOutcome(
                status: .sent, role: role, queue: role.rawValue, job: state.jobs, faults: [], detail: "")
        }
    }

    public func print(_ slip: TicketSlip) async -> PrintOutcome { take(.ticket(slip), on: .thermal) }
    public func print(_ receipt: RegistrationReceipt) async -> PrintOutcome { take(.receipt(receipt), on: .thermal) }
    public func print(_ list: VacancyList) async -> PrintOutcome { take(.vacancies(list), on: .a4) }
    public func print(_ list: VacancyShortList) async -> PrintOutcome { take(.shortList(list), on: .thermal) }
    public func print(_ slip: GrievanceSlip) async -> PrintOutcome { take(.grievance(slip), on: .thermal) }
    public func print(_ plan: ActionPlanPrintout) async -> PrintOutcome {
        take(.actionPlan(plan), on: plan.paper == .a4 ? .a4 : .thermal)
    }

    public func print(_ document: OfficeDocument) async -> PrintOutcome { take(.officeDocument(document), on: .a4) }

    public func printerHealth() async -> [PrinterHealth] {
        state.withLock { state in
            PrinterRole.allCases.map { role in
                PrinterHealth(
                    role: role, queue: role.rawValue, faults: state.faults[role] ?? [], detail: "",
                    checkedAt: Date(timeIntervalSince1970: 0))
            }
        }
    }
}
