import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@Suite("Reference API")
struct ReferenceAPITests {
    @Test func topLevelUnitsThenTheirChildren() async throws {
        try await TestApp().test { client in
            let (_, top) = try await client.json(.get, "/api/v1/reference/admin-units")
            let items = try #require(top["items"] as? [[String: Any]])
            #expect(items.count == 30)
            let (_, khoroos) = try await client.json(.get, "/api/v1/reference/admin-units?parent=UB-SB")
            #expect((khoroos["items"] as? [[String: Any]])?.count == 20)
            let (_, bayanzurkh) = try await client.json(.get, "/api/v1/reference/admin-units?parent=UB-BZ")
            #expect((bayanzurkh["items"] as? [[String: Any]])?.count == 43)
            let (missing, _) = try await client.json(.get, "/api/v1/reference/admin-units?parent=NOPE")
            #expect(missing.status == .notFound)
        }
    }

    @Test func occupationSearchInMongolianAndEnglish() async throws {
        try await TestApp().test { client in
            let (_, mn) = try await client.json(.get, "/api/v1/reference/occupations?q=%D0%96%D0%9E%D0%9B")  // ЖОЛ
            let found = try #require(mn["items"] as? [[String: Any]])
            #expect(found.first?["code"] as? String == "8322")  // жолооч, the driver people name
            #expect(found.first?["kind"] as? String == "unit")
            #expect(found.compactMap { $0["code"] as? String }.contains("83"))
            let (_, en) = try await client.json(.get, "/api/v1/reference/occupations?q=health%20professionals&limit=5")
            #expect((en["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String }.contains("22") == true)
            let status1 = try await client.json(.get, "/api/v1/reference/occupations?limit=0").0.status
            #expect(status1 == .badRequest)
            let status2 = try await client.json(.get, "/api/v1/reference/occupations?limit=abc").0.status
            #expect(status2 == .badRequest)
        }
    }

    @Test func educationLevelsAndStatusesCarryBothLanguages() async throws {
        try await TestApp().test { client in
            let (_, levels) = try await client.json(.get, "/api/v1/reference/education-levels")
            #expect((levels["items"] as? [[String: Any]])?.count == 9)
            let (_, statuses) = try await client.json(.get, "/api/v1/reference/statuses")
            let first = try #require((statuses["items"] as? [[String: Any]])?.first)
            let name = try #require(first["name"] as? [String: String])
            #expect(name["mn"] == "Ажилгүй")
            #expect(name["en"] == "Unemployed")
        }
    }
}

@Suite("Screens and locales")
struct ScreenTests {
    func page(_ client: RouterTestClient, _ uri: String) async throws -> (TestResponse, String) {
        let response = try await client.execute(uri: uri, method: .get) { $0 }
        return (response, String(buffer: response.body))
    }

    @Test func attractScreenOffersBothLanguages() async throws {
        try await TestApp().test { client in
            let (response, html) = try await page(client, "/kiosk")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(html.contains("Тавтай морил"))
            #expect(html.contains("Welcome"))
            #expect(html.contains("data-lang=\"mn\""))
            #expect(html.contains("data-lang=\"en\""))
        }
    }

    @Test func theDefaultLanguageComesFirst() async throws {
        try await TestApp().test { client in
            let (_, html) = try await page(client, "/kiosk")
            let mn = try #require(html.range(of: "data-lang=\"mn\""))
            let en = try #require(html.range(of: "data-lang=\"en\""))
            #expect(mn.lowerBound < en.lowerBound)
        }
        try await TestApp(settings: ScreenSettings(defaultLanguage: .en)).test { client in
            let (_, html) = try await page(client, "/kiosk")
            let mn = try #require(html.range(of: "data-lang=\"mn\""))
            let en = try #require(html.range(of: "data-lang=\"en\""))
            #expect(en.lowerBound < mn.lowerBound)
            #expect(html.contains("<html lang=\"en\">"))
        }
    }

    @Test func registrationScreenHasTheFullMongolianKeyboard() async throws {
        try await TestApp().test { client in
            let (response, html) = try await page(client, "/kiosk/mn/register")
            #expect(response.status == .ok)
            for letter in RegistryNumber.alphabet {
                #expect(html.contains("data-key=\"\(letter)\""), "missing key \(letter)")
            }
            for digit in 0...9 { #expect(html.contains("data-key=\"\(digit)\"")) }
            #expect(html.contains("lang=\"mn\""))
            #expect(html.contains("Регистрийн дугаараа оруулна уу"))
            #expect(html.contains("data-idle-seconds=\"60\""))
            #expect(html.contains("data-countdown-seconds=\"20\""))
        }
    }

    @Test func grievanceAndVacancyScreensWarnBeforeTheResetAndHaveTheirKeys() async throws {
        try await TestApp().test { client in
            let (_, grievance) = try await page(client, "/kiosk/en/grievance")
            #expect(grievance.contains("data-idle-seconds=\"60\" data-countdown-seconds=\"20\""))
            #expect(grievance.contains("id=\"idle-overlay\"") && grievance.contains("Do you need more time?"))
            // Latin keys beside the Cyrillic ones, for a grievance written in English.
            #expect(grievance.contains("data-key=\"Q\"") && grievance.contains("data-key=\"Ө\""))
            let (_, vacancies) = try await page(client, "/kiosk/mn/vacancies")
            #expect(vacancies.contains("data-countdown-seconds=\"20\""))
            #expect(vacancies.contains("id=\"v-to-services\""))
        }
    }

    @Test func englishScreenIsInEnglish() async throws {
        try await TestApp().test { client in
            let (_, html) = try await page(client, "/kiosk/en/register")
            #expect(html.contains("Enter your registry number"))
            #expect(html.contains("lang=\"en\""))
            let status3 = try await page(client, "/kiosk/fr/register").0.status
            #expect(status3 == .notFound)
        }
    }

    @Test func accessibilityChoicesComeFromTheURL() async throws {
        try await TestApp().test { client in
            let (_, html) = try await page(client, "/kiosk/mn/register?contrast=high&text=large")
            #expect(html.contains("journey high-contrast large-text"))
        }
    }

    @Test func displayBoardShowsTheOfficeAndItsTimeZone() async throws {
        try await TestApp().test { client in
            let (_, html) = try await page(client, "/display")
            #expect(html.contains("Сүхбаатар дүүрэг"))
            #expect(html.contains("data-time-zone=\"Asia/Ulaanbaatar\""))
        }
    }

    @Test func assetsAreServed() async throws {
        try await TestApp().test { client in
            let (response, script) = try await page(client, "/assets/kiosk.js")
            #expect(response.status == .ok)
            #expect(script.contains("location.replace"))
        }
    }

    @Test func everyLocaleKeyExistsInBothLanguages() throws {
        let locales = try Locales(directory: Fixtures.kioskDirectory.appendingPathComponent("locales"))
        let mn = locales.keys(.mn)
        let en = locales.keys(.en)
        #expect(mn.subtracting(en).sorted() == [])
        #expect(en.subtracting(mn).sorted() == [])
        #expect(mn.count > 100)
    }

    @Test func everyFieldErrorCodeHasAMessage() throws {
        let locales = try Locales(directory: Fixtures.kioskDirectory.appendingPathComponent("locales"))
        let keys = locales.keys(.mn)
        let generic = [
            "required", "tooLong", "invalidCharacters", "wrongLength", "notMobile", "unknownCode", "notInAimag",
            "outOfRange", "tooMany", "mustAccept", "exceedsAge",
        ]
        for code in generic { #expect(keys.contains("errors.\(code)"), "errors.\(code)") }
        for reason in [
            "empty", "invalidCharacter", "notMongolianLetter", "letterAfterDigits", "wrongLetterCount",
            "wrongDigitCount",
            "impossibleDate", "futureDate", "tooYoung",
        ] {
            #expect(keys.contains("errors.registryNumber.\(reason)"))
        }
        for status in JobseekerStatus.allCases { #expect(keys.contains("status.\(status.rawValue)")) }
    }
}

@Suite("Staff overview")
struct StaffOverviewTests {
    @Test func countsTodaysRegistrationsInTheOfficeDay() async throws {
        try await TestApp().test { client in
            _ = try await client.json(.post, "/api/v1/registrations", encoded(Fixtures.form()))
            let screen = try await client.kioskSession()
            let (_, created) = try await client.json(
                .post, "/api/v1/registrations", encoded(Fixtures.form(registryNumber: "ЧЕ05231414")),
                headers: .session(screen.id))
            var form = Fixtures.form(registryNumber: "ЧЕ05231414")
            form.skills = ["гагнуур"]
            let proof = (created["proof"] as? [String: Any])?["token"] as? String ?? ""
            _ = try await client.json(
                .put, "/api/v1/registrations/\(created["id"] as? String ?? "")", encoded(form), headers: .proof(proof))
            let response = try await client.execute(uri: "/staff", method: .get) { $0 }
            let html = String(buffer: response.body)
            #expect(html.contains("id=\"registrations-today\">2<"))
            #expect(html.contains("id=\"updates-today\">1<"))
            #expect(html.contains("id=\"outbox-records\">3<"))
            #expect(html.contains("2026-11-22"))
            #expect(!html.contains("Сарангэрэл"))
        }
    }

    @Test func registrationsOfAnotherDayAreNotToday() async throws {
        let yesterday = Fixtures.now.addingTimeInterval(-86_400)
        let earlier = try await TestApp(now: yesterday)
        _ = try await earlier.environment.registrations.register(try Fixtures.details(), at: yesterday)
        let summary = try await earlier.environment.summaries.summary(of: Fixtures.office.day(containing: Fixtures.now))
        #expect(summary.registrationsToday == 0)
        #expect(summary.registrationsTotal == 1)
        earlier.temp.remove()
    }
}
