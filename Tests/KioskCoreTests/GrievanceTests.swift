import Foundation
import KioskCore
import Testing

@Suite("Grievances")
struct GrievanceTests {
    func form(
        category: String? = "serviceQuality", text: String? = "Дараалал удаан байсан", area: String? = nil,
        name: String? = nil, phone: String? = nil
    ) -> GrievanceForm {
        GrievanceForm(category: category, text: text, area: area, contactName: name, contactPhone: phone)
    }

    @Test("An anonymous grievance needs a category and a text; contact details are kept only when complete")
    func accepted() throws {
        let anonymous = try form(text: "  Дараалал удаан\nбайсан  ").validated()
        #expect(anonymous.category == .serviceQuality && anonymous.text == "Дараалал удаан\nбайсан")
        #expect(anonymous.contact == nil && anonymous.area == nil)
        let named = try form(category: "discrimination", area: " Хүлээлгийн танхим ", name: "Бат", phone: "9911 2233")
            .validated()
        #expect(named.contact == GrievanceContact(name: "Бат", phone: try PhoneNumber(parsing: "99112233")))
        #expect(named.area == "Хүлээлгийн танхим")
    }

    @Test(
        "Each refused field is named",
        arguments: [
            (nil, "x", nil, nil, [FieldError(field: "category", code: "required")]),
            ("complaint", "x", nil, nil, [FieldError(field: "category", code: "unknownCode")]),
            ("other", "  ", nil, nil, [FieldError(field: "text", code: "required")]),
            ("other", String(repeating: "ө", count: 1001), nil, nil, [FieldError(field: "text", code: "tooLong")]),
            ("other", "a\u{7}b", nil, nil, [FieldError(field: "text", code: "controlCharacters")]),
            ("other", "x", "Бат", nil, [FieldError(field: "contactPhone", code: "required")]),
            ("other", "x", nil, "99112233", [FieldError(field: "contactName", code: "required")]),
            ("other", "x", "Бат", "70112233", [FieldError(field: "contactPhone", code: "notMobile")]),
        ] as [(String?, String?, String?, String?, [FieldError])])
    func refused(_ category: String?, _ text: String?, _ name: String?, _ phone: String?, _ errors: [FieldError]) {
        #expect(throws: ValidationFailure(errors: errors)) {
            try form(category: category, text: text, name: name, phone: phone).validated()
        }
    }

    @Test("Tracking codes use letters that cannot be misread, and a typed code is forgiven its case and dashes")
    func trackingCodes() {
        var generator = SystemRandomNumberGenerator()
        let codes = (0..<500).map { _ in Grievance.makeTrackingCode(using: &generator) }
        #expect(Set(codes).count == 500)
        for code in codes {
            #expect(code.count == 12 && code.hasPrefix("GR-"))
            #expect(!code.dropFirst(3).contains { "0O1IL5S8B".contains($0) })
            #expect(Grievance.normalizedTrackingCode(code) == code)
            #expect(
                Grievance.normalizedTrackingCode(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code)
        }
        #expect(Grievance.normalizedTrackingCode("GR-0000-0000") == nil)
        #expect(Grievance.normalizedTrackingCode("GR-AAAA") == nil)
    }

    @Test("Triage: acknowledged once, assigned to someone, then resolved or referred, and nothing after")
    func triage() throws {
        let filed = Date(timeIntervalSince1970: 1_795_327_200)
        let due = CivilDate(year: 2026, month: 12, day: 22)!
        var grievance = Grievance(
            id: UUID(), trackingCode: "GR-AAAA-CCCC", officeCode: "UB-SB", category: .staffConduct, text: "x",
            area: nil, contact: nil, language: .mn, filedAt: filed, dueOn: due)
        func step(_ action: GrievanceAction, assignee: String? = nil) -> GrievanceStep {
            GrievanceStep(action: action, note: nil, assignee: assignee, dueOn: due, staffID: "head1", at: filed)
        }
        #expect(
            !grievance.isVisible(to: .staff) && grievance.isVisible(to: .head) && !grievance.isVisible(to: .technician))
        try grievance.apply(step(.acknowledge))
        #expect(throws: GrievanceError.alreadyAcknowledged) { try grievance.apply(step(.acknowledge)) }
        #expect(throws: GrievanceError.assigneeRequired) { try grievance.apply(step(.assign)) }
        try grievance.apply(step(.assign, assignee: "saraa"))
        #expect(grievance.state == .assigned && grievance.assignee == "saraa")
        #expect(grievance.isOverdue(today: CivilDate(year: 2026, month: 12, day: 23)!))
        #expect(!grievance.isOverdue(today: due))
        try grievance.apply(step(.resolve))
        #expect(!grievance.isOverdue(today: CivilDate(year: 2027, month: 1, day: 30)!))
        #expect(throws: GrievanceError.closed) { try grievance.apply(step(.refer)) }
        #expect(grievance.steps.map(\.action) == [.acknowledge, .assign, .resolve])
    }
}
