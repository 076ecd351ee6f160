import Foundation
import KioskCore
import KioskTestSupport
import Testing

@Suite("Registration form rules")
struct RegistrationValidatorTests {
    let validator: RegistrationValidator
    let today = Fixtures.office.today(at: Fixtures.now)

    init() throws {
        validator = RegistrationValidator(catalog: try Fixtures.catalog(), consentTextVersion: "2026-1")
    }

    func failureOf(_ form: RegistrationForm) -> ValidationFailure? {
        if case .failure(let failure) = validator.validate(form, today: today, now: Fixtures.now) { return failure }
        return nil
    }

    @Test func aCompleteFormBecomesDetails() throws {
        let details = try validator.validate(Fixtures.form(), today: today, now: Fixtures.now).get()
        #expect(details.birthDate.description == "1990-05-12")
        #expect(details.sex == .female)
        #expect(details.phone.digits == "99112233")
        #expect(details.consent == Consent(textVersion: "2026-1", acceptedAt: Fixtures.now))
        #expect(details.displayName == "Б. Сарангэрэл")
    }

    @Test func anEmptyFormReportsEveryRequiredField() throws {
        let failure = try #require(failureOf(RegistrationForm()))
        let fields = Set(failure.errors.map(\.field))
        #expect(
            fields == [
                "registryNumber", "familyName", "givenName", "phone", "aimagCode", "soumCode", "educationCode",
                "experienceYears", "desiredOccupationCode", "hasDisability", "status", "consent",
            ])
        #expect(failure.codes(for: .consent) == ["mustAccept"])
        #expect(failure.codes(for: .registryNumber) == ["registryNumber.empty"])
    }

    @Test func namesAreCyrillicAndWrittenWithCapitals() throws {
        var form = Fixtures.form()
        form.givenName = "  БАТ-ЭРДЭНЭ  "
        form.familyName = "өлзий"
        let details = try validator.validate(form, today: today, now: Fixtures.now).get()
        #expect(details.givenName == "Бат-Эрдэнэ")
        #expect(details.familyName == "Өлзий")

        form.givenName = "Bat"
        #expect(failureOf(form)?.codes(for: .givenName) == ["invalidCharacters"])
        form.givenName = "-Бат"
        #expect(failureOf(form)?.codes(for: .givenName) == ["invalidCharacters"])
        form.givenName = String(repeating: "Б", count: 41)
        #expect(failureOf(form)?.codes(for: .givenName) == ["tooLong"])
    }

    @Test func soumMustBelongToTheChosenAimag() {
        var form = Fixtures.form()
        form.soumCode = "MN-043-01"
        #expect(failureOf(form)?.codes(for: .soumCode) == ["notInAimag"])
        form.aimagCode = "MN-999"
        #expect(failureOf(form)?.codes(for: .aimagCode) == ["unknownCode"])
        form.aimagCode = "UB-SB"
        form.soumCode = nil
        #expect(failureOf(form)?.codes(for: .soumCode) == ["required"])
    }

    @Test func aUnitWithNothingUnderItIsTheAddressItself() throws {
        // An LMIS feed can add an aimag before its soums: the visitor is not asked for a soum
        // nobody can choose. A unit that has soums still needs one.
        var data = try Fixtures.bundledReferenceData()
        data.adminUnits.append(
            AdminUnit(code: "MN-NEW", kind: .aimag, parentCode: nil, name: LocalizedText(mn: "Шинэ", en: "New")))
        let validator = RegistrationValidator(catalog: ReferenceCatalog(data), consentTextVersion: "2026-1")
        var form = Fixtures.form()
        form.aimagCode = "MN-NEW"
        form.soumCode = nil
        let details = try validator.validate(form, today: today, now: Fixtures.now).get()
        #expect(details.address == Address(aimagCode: "MN-NEW", soumCode: "MN-NEW"))
        form.soumCode = "MN-NEW"  // the same answer sent again from the review
        #expect(try validator.validate(form, today: today, now: Fixtures.now).get().address.soumCode == "MN-NEW")
        form.soumCode = "UB-SB-05"
        guard case .failure(let failure) = validator.validate(form, today: today, now: Fixtures.now) else {
            Issue.record("a soum of another unit was accepted")
            return
        }
        #expect(failure.codes(for: .soumCode) == ["notInAimag"])

        form.aimagCode = "MN-046"  // Uvs has its soums
        form.soumCode = nil
        #expect(failureOf(form)?.codes(for: .soumCode) == ["required"])
        form.soumCode = "MN-046"
        #expect(failureOf(form)?.codes(for: .soumCode) == ["notInAimag"])
    }

    @Test func codesMustExistInTheReferenceData() {
        var form = Fixtures.form()
        form.educationCode = "phd"
        form.occupationCode = "99"
        form.desiredOccupationCode = "X"
        form.status = "retired"
        let failure = failureOf(form)
        #expect(failure?.codes(for: .educationCode) == ["unknownCode"])
        #expect(failure?.codes(for: .occupationCode) == ["unknownCode"])
        #expect(failure?.codes(for: .desiredOccupationCode) == ["unknownCode"])
        #expect(failure?.codes(for: .status) == ["unknownCode"])
    }

    @Test func occupationIsOptional() throws {
        var form = Fixtures.form()
        form.occupationCode = nil
        #expect(try validator.validate(form, today: today, now: Fixtures.now).get().occupationCode == nil)
    }

    @Test func experienceCannotExceedWorkingLife() {
        var form = Fixtures.form(registryNumber: "ЧЕ05231414")  // 21 years old
        form.experienceYears = 8
        #expect(failureOf(form)?.codes(for: .experienceYears) == ["exceedsAge"])
        form.experienceYears = 7
        #expect(failureOf(form) == nil)
        form.experienceYears = -1
        #expect(failureOf(form)?.codes(for: .experienceYears) == ["outOfRange"])
    }

    @Test func skillsAreTrimmedDeduplicatedAndCapped() throws {
        var form = Fixtures.form()
        form.skills = [" гагнуур ", "Гагнуур", "", "компьютер"]
        #expect(try validator.validate(form, today: today, now: Fixtures.now).get().skills == ["гагнуур", "компьютер"])
        form.skills = (1...16).map { "ур чадвар \($0)" }
        #expect(failureOf(form)?.codes(for: .skills) == ["tooMany"])
        form.skills = ["a\u{0007}b"]
        #expect(failureOf(form)?.codes(for: .skills) == ["invalidCharacters"])
    }

    @Test func disabilityDetailIsKeptOnlyWithADisability() throws {
        var form = Fixtures.form()
        form.disabilityDetail = "харааны"
        #expect(try validator.validate(form, today: today, now: Fixtures.now).get().disabilityDetail == nil)
        form.hasDisability = true
        #expect(try validator.validate(form, today: today, now: Fixtures.now).get().disabilityDetail == "харааны")
    }

    @Test func stepValidationReportsOnlyTheAskedFields() {
        var form = RegistrationForm()
        form.familyName = "Болд"
        #expect(validator.errors(in: form, fields: [.familyName], today: today).isEmpty)
        #expect(validator.errors(in: form, fields: [.givenName]).map(\.code) == ["required"])
    }
}

extension RegistrationValidator {
    func errors(in form: RegistrationForm, fields: Set<RegistrationField>) -> [FieldError] {
        errors(in: form, fields: fields, today: Fixtures.office.today(at: Fixtures.now))
    }
}
