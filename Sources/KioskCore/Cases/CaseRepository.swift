public import Foundation

/// The case files of the office: profiles, plans, notes, and the record of who read or changed
/// them. Every change is written with its LMIS record and an access line in one transaction.
public protocol CaseRepository: Sendable {
    /// People whose registry number or reference is `text` exactly, or whose names contain it.
    func search(_ text: String, limit: Int) async throws -> [CasePerson]
    func records(of registrationID: UUID) async throws -> CaseRecords
    /// Records a read of a case (who, when).
    func recordRead(of registrationID: UUID, by staff: StaffSession, at instant: Date) async throws
    /// Keeps a new profile (the newest profile of a person counts); `staff` nil at the kiosk.
    func saveProfile(_ profile: CaseProfile, by staff: StaffSession?) async throws
    /// Adds a decision to the person's newest profile; throws `CaseError.noProfile`.
    func decide(registrationID: UUID, _ decision: ProfileDecision, by staff: StaffSession) async throws -> CaseProfile
    /// Throws `CaseError.unknownNote` when `note.corrects` names no note of this person.
    func addNote(_ note: CaseNote, by staff: StaffSession) async throws
    /// Writes the person's plan (counsellor and goals), making it when there is none.
    func savePlan(
        registrationID: UUID, counsellorID: String, goals: String, by staff: StaffSession, at instant: Date
    ) async throws -> ActionPlan
    /// Throws `CaseError.noPlan`.
    func addStep(registrationID: UUID, _ step: PlanStep, by staff: StaffSession) async throws -> ActionPlan
    /// Throws `CaseError.noPlan`, `.unknownStep`, `.stepClosed`.
    func setStep(
        registrationID: UUID, stepID: UUID, status: PlanStepStatus, by staff: StaffSession, at instant: Date
    ) async throws -> ActionPlan
    /// Officers who may be a key counsellor (staff and the head), by id, with their names.
    func counsellors() async throws -> [(id: String, name: String)]
    /// Reads and changes of a case, oldest first.
    func accessLog(of registrationID: UUID) async throws -> [CaseAccess]
    func caseload(today: CivilDate) async throws -> CaseloadFigures
}
