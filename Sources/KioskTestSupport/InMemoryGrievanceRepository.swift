public import Foundation
public import KioskCore
import Synchronization

/// Grievances kept in memory, for use-case tests. Tracking codes are numbered (`GR-2222-2222`,
/// `GR-3333-2222`…), not random; due dates and steps follow the domain rules as in the SQLite store.
public final class InMemoryGrievanceRepository: GrievanceRepository {
    private let grievances = Mutex<[Grievance]>([])
    /// Request keys and the grievance each filed.
    private let requestKeys = Mutex<[String: UUID]>([:])
    let office: Office

    public init(office: Office = Fixtures.office) {
        self.office = office
    }

    public func file(
        category: GrievanceCategory, text: String, area: String?, contact: GrievanceContact?, language: Language,
        requestKey: RequestKey?, at instant: Date
    ) async throws -> Grievance {
        let office = office
        if let requestKey, let id = requestKeys.withLock({ $0[requestKey.value] }),
            let kept = grievances.withLock({ $0.first { $0.id == id } })
        {
            return kept
        }
        let grievance = grievances.withLock { grievances in
            let letter = String(Grievance.codeAlphabet[grievances.count % Grievance.codeAlphabet.count])
            let code = "GR-" + String(repeating: letter, count: 4) + "-2222"
            let grievance = Grievance(
                id: UUIDv7.make(at: instant), trackingCode: code, officeCode: office.code, category: category,
                text: text, area: area, contact: contact, language: language, filedAt: instant,
                dueOn: office.today(at: instant).adding(days: Grievance.daysToResolve))
            grievances.insert(grievance, at: 0)
            return grievance
        }
        if let requestKey { requestKeys.withLock { $0[requestKey.value] = grievance.id } }
        return grievance
    }

    public func grievance(trackingCode: String) async throws -> Grievance? {
        grievances.withLock { $0.first { $0.trackingCode == trackingCode } }
    }

    public func grievances(openOnly: Bool) async throws -> [Grievance] {
        grievances.withLock { $0.filter { !openOnly || $0.state.isOpen } }
    }

    public func act(
        trackingCode: String, action: GrievanceAction, note: String?, assignee: String?, dueOn: CivilDate?,
        by staff: StaffSession, at instant: Date
    ) async throws -> Grievance {
        try grievances.withLock { grievances in
            guard let index = grievances.firstIndex(where: { $0.trackingCode == trackingCode }) else {
                throw GrievanceError.notFound
            }
            var grievance = grievances[index]
            guard grievance.isVisible(to: staff.role) else { throw GrievanceError.forbidden }
            try grievance.apply(
                GrievanceStep(
                    action: action, note: note, assignee: action == .assign ? assignee : nil,
                    dueOn: dueOn ?? grievance.dueOn, staffID: staff.staffID, at: instant))
            grievances[index] = grievance
            return grievance
        }
    }
}
