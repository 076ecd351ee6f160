/// A Mongolian civil registration number (регистрийн дугаар): two Cyrillic capital letters and
/// eight digits. The digits begin with the birth date as YYMMDD; people born in 2000 or later
/// have 20 added to the month. The second-to-last digit is odd for men and even for women.
///
/// No check-digit algorithm is published, so none is applied: a number that passes these rules
/// may still not exist; the civil registry (through the LMIS) is the authority on that.
public struct RegistryNumber: Hashable, Sendable, CustomStringConvertible {
    /// Normalised form: two upper-case Cyrillic letters followed by eight digits.
    public let value: String
    public let birthDate: CivilDate
    public let sex: Sex

    /// The youngest age at which a person may register as a jobseeker.
    public static let minimumAge = 15
    /// Older than this is treated as a mistyped number rather than a living visitor.
    public static let maximumAge = 120

    /// Parses what a visitor typed. Lower case, spaces, hyphens and Latin letters that look like
    /// Cyrillic ones are accepted and normalised; `today` is the office's local date.
    public init(parsing raw: String, today: CivilDate) throws(RegistryNumberError) {
        try self.init(parsing: raw, today: today, checkingAge: true)
    }

    init(parsing raw: String, today: CivilDate?, checkingAge: Bool) throws(RegistryNumberError) {
        var letters: [Character] = []
        var digits: [Int] = []
        for character in raw {
            if character.isWhitespace || character == "-" { continue }
            if let digit = character.wholeNumberValue, character.isASCII {
                digits.append(digit)
                continue
            }
            guard digits.isEmpty else {
                throw character.isLetter ? .letterAfterDigits : .invalidCharacter
            }
            guard let letter = RegistryNumber.normalisedLetter(character) else {
                throw character.isLetter ? .notMongolianLetter : .invalidCharacter
            }
            letters.append(letter)
        }
        if letters.isEmpty && digits.isEmpty { throw .empty }
        guard letters.count == 2 else { throw .wrongLetterCount }
        guard digits.count == 8 else { throw .wrongDigitCount }

        let yy = digits[0] * 10 + digits[1]
        var mm = digits[2] * 10 + digits[3]
        let dd = digits[4] * 10 + digits[5]
        let century: Int
        if mm > 20 {
            century = 2000
            mm -= 20
        } else {
            century = 1900
        }
        guard let birthDate = CivilDate(year: century + yy, month: mm, day: dd) else { throw .impossibleDate }
        if checkingAge, let today {
            guard birthDate <= today else { throw .futureDate }
            let age = birthDate.age(on: today)
            guard age >= RegistryNumber.minimumAge else { throw .tooYoung }
            guard age <= RegistryNumber.maximumAge else { throw .impossibleDate }
        }

        self.value = String(letters) + digits.map(String.init).joined()
        self.birthDate = birthDate
        self.sex = digits[6] % 2 == 1 ? .male : .female
    }

    public var description: String { value }

    /// The 35 letters of the Mongolian Cyrillic alphabet.
    public static let alphabet: [Character] = Array("АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯ")
    private static let alphabetSet = Set(alphabet)

    /// Latin capitals that look like Cyrillic ones and are typed by mistake on a Latin keyboard.
    /// `Y` becomes `У`, the letter it is mistaken for on Russian-style layouts.
    public static let latinLookAlikes: [Character: Character] = [
        "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О",
        "P": "Р", "C": "С", "T": "Т", "Y": "У", "X": "Х",
    ]

    static func normalisedLetter(_ character: Character) -> Character? {
        let upper = Character(String(character).uppercased())
        if alphabetSet.contains(upper) { return upper }
        if let cyrillic = latinLookAlikes[upper] { return cyrillic }
        return nil
    }
}

extension RegistryNumber: Codable {
    /// Decoding re-validates only the shape; dates were checked when the number was accepted.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let number = RegistryNumber(storedValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a registry number"))
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Why a registry number was refused. `code` doubles as the locale key of the visitor message.
public struct RegistryNumberError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String {
        case empty, invalidCharacter, notMongolianLetter, letterAfterDigits
        case wrongLetterCount, wrongDigitCount, impossibleDate, futureDate, tooYoung
    }
    private let code: Code

    public static let empty = Self(code: .empty)
    public static let invalidCharacter = Self(code: .invalidCharacter)
    public static let notMongolianLetter = Self(code: .notMongolianLetter)
    public static let letterAfterDigits = Self(code: .letterAfterDigits)
    public static let wrongLetterCount = Self(code: .wrongLetterCount)
    public static let wrongDigitCount = Self(code: .wrongDigitCount)
    public static let impossibleDate = Self(code: .impossibleDate)
    public static let futureDate = Self(code: .futureDate)
    public static let tooYoung = Self(code: .tooYoung)

    /// Stable identifier, also the key under `errors.registryNumber` in the locale files.
    public var identifier: String { code.rawValue }
    public var description: String { "registry number: \(code.rawValue)" }
}

extension RegistryNumber {
    /// A letter of the Mongolian Cyrillic alphabet, either case.
    public static func isCyrillicLetter(_ character: Character) -> Bool {
        lettersOfBothCases.contains(character)
    }

    private static let lettersOfBothCases: Set<Character> = Set(
        alphabet + alphabet.map { Character($0.lowercased()) })
}

extension RegistryNumber {
    /// A number read back from storage: shape checked, age rules not re-applied.
    public init?(storedValue: String) {
        guard let number = try? RegistryNumber(parsing: storedValue, today: nil, checkingAge: false) else { return nil }
        self = number
    }
}
