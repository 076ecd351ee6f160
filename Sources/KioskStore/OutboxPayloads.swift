import Foundation
import KioskCore
import LMISProtocol

// The domain's values as the sync contract's payloads (LMISProtocol), for the records the
// repositories append. The JSON is what the synthesized encoding of the domain types gave.

extension RegistrationChanged {
    init(_ r: KioskCore.Registration) {
        let s = RegistrationSnapshot(r)
        self.init(
            registration: Registration(
                id: s.id, reference: s.reference, officeCode: s.officeCode, revision: s.revision,
                createdAt: s.createdAt, updatedAt: s.updatedAt, registryNumber: s.registryNumber,
                familyName: s.familyName, givenName: s.givenName, birthDate: s.birthDate, sex: s.sex, phone: s.phone,
                aimagCode: s.aimagCode, soumCode: s.soumCode, educationCode: s.educationCode,
                occupationCode: s.occupationCode, skills: s.skills, licences: s.licences,
                experienceYears: s.experienceYears, desiredOccupationCode: s.desiredOccupationCode,
                desiredJob: s.desiredJob, hasDisability: s.hasDisability, disabilityDetail: s.disabilityDetail,
                status: s.status, consentTextVersion: s.consentTextVersion, consentAcceptedAt: s.consentAcceptedAt,
                language: s.language))
    }
}

extension QueueEventRecorded {
    init(sequence: Int64, event e: TicketEvent, ticket t: KioskCore.Ticket) {
        self.init(
            sequence: sequence,
            event: Event(
                kind: e.kind.rawValue, at: e.at, counter: e.counter, staffID: e.staffID, fromService: e.fromService,
                outcome: e.outcome?.rawValue),
            ticket: Ticket(
                id: t.id.uuidString, officeCode: t.officeCode, officeDay: t.officeDay.description,
                serviceCode: t.serviceCode, printedCode: t.printedCode, number: t.number,
                priority: t.priority?.rawValue, registrationID: t.registrationID?.uuidString,
                language: t.language.rawValue, state: t.state.rawValue, issuedAt: t.issuedAt, queuedAt: t.queuedAt,
                calledAt: t.calledAt, servingStartedAt: t.servingStartedAt, finishedAt: t.finishedAt,
                counter: t.counter, staffID: t.staffID, recalls: t.recalls, requeued: t.requeued,
                outcome: t.outcome?.rawValue))
    }
}
