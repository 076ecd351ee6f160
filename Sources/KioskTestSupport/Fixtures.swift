public import Foundation
public import KioskCore
public import KioskStore

/// Shared builders for tests: the repository's own `Kiosk/` folder, temporary databases, forms.
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var kioskDirectory: URL { repositoryRoot.appendingPathComponent("Kiosk") }

    /// The reference data bundled with the software.
    public static func bundledReferenceData() throws -> ReferenceData {
        let url = kioskDirectory.appendingPathComponent("reference/reference-data.json")
        return try JSONDecoder().decode(ReferenceData.self, from: Data(contentsOf: url))
    }

    public static func catalog() throws -> ReferenceCatalog { ReferenceCatalog(try bundledReferenceData()) }

    /// 22 November 2026, 14:00 in Ulaanbaatar.
    public static let now = Date(timeIntervalSince1970: 1_795_327_200)

    public static let office = Office(
        code: "UB-SB", name: LocalizedText(mn: "Сүхбаатар дүүрэг", en: "Sükhbaatar district"), adminUnitCode: "UB-SB",
        timeZone: TimeZone(identifier: "Asia/Ulaanbaatar")!)

    /// A complete, valid form; `registryNumber` varies per test to keep people distinct.
    public static func form(registryNumber: String = "УБ90051223") -> RegistrationForm {
        var form = RegistrationForm()
        form.registryNumber = registryNumber
        form.familyName = "Болд"
        form.givenName = "Сарангэрэл"
        form.phone = "99112233"
        form.aimagCode = "UB-SB"
        form.soumCode = "UB-SB-05"
        form.educationCode = "vocational"
        form.occupationCode = "83"
        form.skills = ["жолоо барих", "засвар"]
        form.experienceYears = 6
        form.desiredOccupationCode = "83"
        form.desiredJob = "Ачааны машины жолооч"
        form.hasDisability = false
        form.status = "unemployed"
        form.consent = true
        form.language = "mn"
        return form
    }

    /// The `index`-th of 90 000 distinct valid registry numbers (born 1970–1999): letters and the
    /// last two digits make it unique, the birth date varies for realism.
    public static func registryNumber(_ index: Int) -> String {
        let letters = Array("АБВГДЕЖЗИКЛМНОӨПРСТУҮФХЦЧШЭЮЯ")
        let first = letters[(index / 100) % letters.count]
        let second = letters[(index / 3000) % letters.count]
        let year = 70 + (index / 7) % 30
        let month = 1 + index % 12
        let day = 1 + (index / 12) % 28
        let tail = index % 100
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(first)\(second)\(two(year))\(two(month))\(two(day))\(two(tail))"
    }

    public static func details(_ form: RegistrationForm = form()) throws -> RegistrationDetails {
        let validator = RegistrationValidator(catalog: try catalog(), consentTextVersion: "test")
        return try validator.validate(form, today: office.today(at: now), now: now).get()
    }
}

/// A database in a fresh temporary folder, removed by `remove()`.
public struct TemporaryDatabase: Sendable {
    public let directory: URL
    public let database: AppDatabase

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-test-\(UUID().uuidString)")
        database = try AppDatabase(directory: directory)
    }

    public var path: String { directory.appendingPathComponent("kiosk.sqlite").path }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
