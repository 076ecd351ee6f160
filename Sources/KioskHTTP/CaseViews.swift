import Foundation
import KioskCore

/// The case page's data: everything the office holds of one person today. Sections with no
/// record are empty lists or absent, never filled in.
struct CaseView: Encodable {
    struct Details: Encodable {
        let id: String
        let reference: String
        let registryNumber: String
        let displayName: String
        let birthDate: String
        let sex: String
        let phone: String
        let address: String
        let educationCode: String
        let occupationCode: String?
        let desiredOccupationCode: String
        let desiredJob: String?
        let experienceYears: Int
        let hasDisability: Bool
        let status: String
        let revision: Int
    }
    struct Revision: Encodable {
        let revision: Int
        let at: Date
        let channel: String
        let staffId: String?
        let changedFields: [String]
    }
    struct Visit: Encodable {
        let ticketId: String
        let officeDay: String
        let number: String
        let serviceCode: String
        let state: String
        let issuedAt: Date
        let waitMinutes: Int?
        let counter: Int?
        let staffId: String?
        let outcome: String?
    }
    struct Reason: Encodable {
        let question: String
        let answer: String
        let weight: Int
        let text: LocalizedText
    }
    struct Decision: Encodable {
        let group: String
        let reason: String?
        let staffId: String
        let at: Date
    }
    struct Profile: Encodable {
        let id: String
        let version: String
        let answeredAt: Date
        let answeredBy: String?
        let score: Int
        let suggestedGroup: String
        let raisedByAnswer: Bool
        let reasons: [Reason]
        let decidedGroup: String?
        let decisions: [Decision]
        /// Each question with the answer given, worded.
        let answers: [Answer]
    }
    struct Answer: Encodable {
        let question: LocalizedText
        let answer: LocalizedText
    }
    struct Step: Encodable {
        let id: String
        let horizon: String
        let kind: String
        let text: String
        let dueOn: String
        let status: String
        let overdue: Bool
        let changedAt: Date
        let changedBy: String
    }
    struct Plan: Encodable {
        let id: String
        let counsellorId: String
        let counsellorName: String
        let goals: String
        let createdAt: Date
        let updatedAt: Date
        let open: Bool
        let steps: [Step]
    }
    struct Note: Encodable {
        let id: String
        let kind: String
        let staffId: String
        let text: String
        let at: Date
        let corrects: String?
    }
    struct Referral: Encodable {
        let id: String
        let vacancyReference: String
        let staffId: String
        let note: String?
        let createdAt: Date
    }
    struct Counsellor: Encodable {
        let id: String
        let name: String
    }

    let details: Details
    let revisions: [Revision]
    let visits: [Visit]
    let profile: Profile?
    let plan: Plan?
    let notes: [Note]
    let referrals: [Referral]
    let counsellors: [Counsellor]

    init(
        _ file: (registration: Registration, revisions: [RegistrationRevision], records: CaseRecords),
        referrals: [KioskCore.Referral], counsellors: [(id: String, name: String)],
        questionnaire: ProfilingQuestionnaire, today: CivilDate
    ) {
        func key(_ id: UUID) -> String { id.uuidString.lowercased() }
        let registration = file.registration
        let d = registration.details
        details = Details(
            id: key(registration.id), reference: registration.reference, registryNumber: d.registryNumber.value,
            displayName: d.displayName, birthDate: d.birthDate.description, sex: d.sex.rawValue, phone: d.phone.digits,
            address: [d.address.aimagCode, d.address.soumCode].joined(separator: " / "), educationCode: d.educationCode,
            occupationCode: d.occupationCode, desiredOccupationCode: d.desiredOccupationCode, desiredJob: d.desiredJob,
            experienceYears: d.experienceYears, hasDisability: d.hasDisability, status: d.status.rawValue,
            revision: registration.revision)
        revisions = file.revisions.reversed().map { revision in
            var staffID: String?
            if case .staff(let id, _, _) = revision.channel { staffID = id }
            return Revision(
                revision: revision.revision, at: revision.at, channel: revision.channel.name, staffId: staffID,
                changedFields: revision.changedFields.map(\.rawValue))
        }
        visits = file.records.visits.map {
            Visit(
                ticketId: key($0.ticketID), officeDay: $0.officeDay.description, number: $0.displayNumber,
                serviceCode: $0.serviceCode, state: $0.state, issuedAt: $0.issuedAt, waitMinutes: $0.waitMinutes,
                counter: $0.counter, staffId: $0.staffID, outcome: $0.outcome)
        }
        profile = file.records.profile.map { profile in
            Profile(
                id: key(profile.id), version: profile.suggestion.version, answeredAt: profile.answeredAt,
                answeredBy: profile.answeredBy, score: profile.suggestion.score,
                suggestedGroup: profile.suggestion.group.rawValue, raisedByAnswer: profile.suggestion.raisedByAnswer,
                reasons: profile.suggestion.reasons.map {
                    Reason(question: $0.questionID, answer: $0.answerID, weight: $0.weight, text: $0.text)
                },
                decidedGroup: profile.decidedGroup?.rawValue,
                decisions: profile.decisions.map {
                    Decision(group: $0.group.rawValue, reason: $0.reason, staffId: $0.staffID, at: $0.at)
                },
                answers: questionnaire.questions.compactMap { question in
                    guard let chosen = profile.answers[question.id],
                        let answer = question.answers.first(where: { $0.id == chosen })
                    else { return nil }
                    return Answer(question: question.text, answer: answer.text)
                })
        }
        plan = file.records.plan.map { plan in
            Plan(
                id: key(plan.id), counsellorId: plan.counsellorID, counsellorName: plan.counsellorName,
                goals: plan.goals, createdAt: plan.createdAt, updatedAt: plan.updatedAt, open: plan.isOpen,
                steps: plan.steps.map {
                    Step(
                        id: key($0.id), horizon: $0.horizon.rawValue, kind: $0.kind.rawValue, text: $0.text,
                        dueOn: $0.dueOn.description, status: $0.status.rawValue, overdue: $0.isOverdue(today: today),
                        changedAt: $0.changedAt, changedBy: $0.changedBy)
                })
        }
        notes = file.records.notes.map {
            Note(
                id: key($0.id), kind: $0.kind.rawValue, staffId: $0.staffID, text: $0.text, at: $0.at,
                corrects: $0.corrects.map(key))
        }
        self.referrals = referrals.map {
            Referral(
                id: key($0.id), vacancyReference: $0.vacancyReference, staffId: $0.staffID, note: $0.note,
                createdAt: $0.createdAt)
        }
        self.counsellors = counsellors.map { Counsellor(id: $0.id, name: $0.name) }
    }
}

/// The caseload figures as the dashboard shows them.
struct CaseloadView: Encodable {
    let profiled: [String: Int]
    let openPlans: Int
    let overdueSteps: Int
    let counsellors: [CaseloadFigures.Counsellor]

    init(_ figures: CaseloadFigures) {
        profiled = Dictionary(
            uniqueKeysWithValues: ProfileGroup.allCases.map { ($0.rawValue, figures.profiled[$0] ?? 0) })
        openPlans = figures.openPlans
        overdueSteps = figures.overdueSteps
        counsellors = figures.counsellors
    }

    /// The dashboard's caseload section: people profiled by group, plans open, overdue steps,
    /// and each key counsellor's share.
    func context(groups locales: Locales, _ language: Language) -> [String: Any] {
        [
            "profiled": ProfileGroup.allCases.map {
                [
                    "key": $0.rawValue, "name": locales.text("case.groups.\($0.rawValue)", language),
                    "value": profiled[$0.rawValue] ?? 0,
                ]
            },
            "openPlans": openPlans,
            "overdueSteps": overdueSteps,
            "hasCounsellors": !counsellors.isEmpty,
            "counsellors": counsellors.map {
                ["name": $0.name, "id": $0.staffID, "openPlans": $0.openPlans, "overdueSteps": $0.overdueSteps]
            },
        ]
    }
}
