import KioskCore
import Testing

@Suite("Registry number")
struct RegistryNumberTests {
    static let today = CivilDate(year: 2026, month: 11, day: 22)!

    struct Valid: Sendable, CustomTestStringConvertible {
        let input: String
        let normalised: String
        let birthDate: String
        let sex: Sex
        var testDescription: String { input }
    }

    static let valid: [Valid] = [
        // 1990-05-12, second-to-last digit 2 (even): woman.
        Valid(input: "УБ90051223", normalised: "УБ90051223", birthDate: "1990-05-12", sex: .female),
        // Born in 2005: month 03 + 20 = 23. Second-to-last digit 1: man.
        Valid(input: "ЧЕ05231414", normalised: "ЧЕ05231414", birthDate: "2005-03-14", sex: .male),
        // Lower case, spaces and a hyphen are accepted.
        Valid(input: " уб 90-05-12 23 ", normalised: "УБ90051223", birthDate: "1990-05-12", sex: .female),
        // Ө and Ү are letters like any other.
        Valid(input: "ӨҮ88123157", normalised: "ӨҮ88123157", birthDate: "1988-12-31", sex: .male),
        Valid(input: "өү88123157", normalised: "ӨҮ88123157", birthDate: "1988-12-31", sex: .male),
        // Latin look-alikes typed by mistake become Cyrillic.
        Valid(input: "AB90051223", normalised: "АВ90051223", birthDate: "1990-05-12", sex: .female),
        Valid(input: "MH90051223", normalised: "МН90051223", birthDate: "1990-05-12", sex: .female),
        Valid(input: "ok90051223", normalised: "ОК90051223", birthDate: "1990-05-12", sex: .female),
        Valid(input: "PC90051223", normalised: "РС90051223", birthDate: "1990-05-12", sex: .female),
        Valid(input: "TY90051223", normalised: "ТУ90051223", birthDate: "1990-05-12", sex: .female),
        Valid(input: "XE90051223", normalised: "ХЕ90051223", birthDate: "1990-05-12", sex: .female),
        // Leap day in a leap year of the 2000s (month 02 + 20 = 22).
        Valid(input: "ДЖ08222955", normalised: "ДЖ08222955", birthDate: "2008-02-29", sex: .male),
        // Turns 15 today: accepted.
        Valid(input: "УБ11312268", normalised: "УБ11312268", birthDate: "2011-11-22", sex: .female),
    ]

    @Test(arguments: valid)
    func acceptsAndDerives(_ case_: Valid) throws {
        let number = try RegistryNumber(parsing: case_.input, today: Self.today)
        #expect(number.value == case_.normalised)
        #expect(number.birthDate.description == case_.birthDate)
        #expect(number.sex == case_.sex)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let input: String
        let error: RegistryNumberError
        let why: String
        var testDescription: String { "\(input): \(why)" }
    }

    static let invalid: [Invalid] = [
        Invalid(input: "", error: .empty, why: "nothing typed"),
        Invalid(input: "   ", error: .empty, why: "only spaces"),
        Invalid(input: "Б90051223", error: .wrongLetterCount, why: "one letter"),
        Invalid(input: "УББ90051223", error: .wrongLetterCount, why: "three letters"),
        Invalid(input: "УБ9005122", error: .wrongDigitCount, why: "seven digits"),
        Invalid(input: "УБ900512234", error: .wrongDigitCount, why: "nine digits"),
        Invalid(input: "90051223", error: .wrongLetterCount, why: "no letters"),
        Invalid(input: "УБ9005122Б", error: .letterAfterDigits, why: "letter among digits"),
        Invalid(input: "QБ90051223", error: .notMongolianLetter, why: "Q has no Cyrillic look-alike"),
        Invalid(input: "ÄБ90051223", error: .notMongolianLetter, why: "not a Mongolian letter"),
        Invalid(input: "ІБ90051223", error: .notMongolianLetter, why: "Ukrainian І is not in the Mongolian alphabet"),
        Invalid(input: "УБ9005122३", error: .invalidCharacter, why: "Devanagari digit"),
        Invalid(input: "УБ/90051223", error: .invalidCharacter, why: "slash"),
        Invalid(input: "УБ90133123", error: .impossibleDate, why: "month 13 (1900s)"),
        Invalid(input: "УБ90003123", error: .impossibleDate, why: "month 00"),
        Invalid(input: "УБ90043123", error: .impossibleDate, why: "31 April"),
        Invalid(input: "УБ90020023", error: .impossibleDate, why: "day 00"),
        Invalid(input: "УБ01222923", error: .impossibleDate, why: "29 February 2001 (not a leap year)"),
        Invalid(input: "УБ90330123", error: .impossibleDate, why: "month 33: 13 in the 2000s"),
        Invalid(input: "УБ27210123", error: .futureDate, why: "born January 2027"),
        Invalid(input: "УБ26321123", error: .futureDate, why: "born 23 November 2026, tomorrow"),
        Invalid(input: "УБ11312323", error: .tooYoung, why: "turns 15 tomorrow"),
        Invalid(input: "УБ20250123", error: .tooYoung, why: "born 2020"),
        Invalid(input: "УБ00010123", error: .impossibleDate, why: "born 1900: over 120"),
    ]

    @Test(arguments: invalid)
    func rejectsWithReason(_ case_: Invalid) {
        #expect(throws: case_.error) { try RegistryNumber(parsing: case_.input, today: Self.today) }
    }

    @Test func everyReasonHasAStableIdentifier() {
        let identifiers = Set(Self.invalid.map(\.error.identifier))
        #expect(identifiers.count == 9)
    }

    @Test func theAlphabetHasAll35MongolianLetters() {
        #expect(RegistryNumber.alphabet.count == 35)
        #expect(RegistryNumber.alphabet.contains("Ө"))
        #expect(RegistryNumber.alphabet.contains("Ү"))
    }

    @Test func storedValuesDecodeWithoutAgeRules() throws {
        #expect(RegistryNumber(storedValue: "УБ90051223")?.sex == .female)
        #expect(RegistryNumber(storedValue: "УБ90133123") == nil)
    }
}
