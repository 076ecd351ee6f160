import KioskCore
import Testing

/// Competence-based matching against a table of jobseekers and vacancies, figures worked out by hand
/// from the rules documented on `JobMatcher`.
@Suite struct MatchingTests {
    static let matcher = JobMatcher(educationRanks: [
        "none": 0, "primary": 1, "lower_secondary": 2, "upper_secondary": 3, "vocational": 4, "bachelor": 6,
    ])
    static let today = "2026-11-23"

    static func vacancy(
        _ reference: String, isco: String, aimag: String = "UB-SB", soum: String? = "UB-SB-05",
        education: String? = nil, skills: [String] = [], licences: [String] = [], experience: Int = 0,
        posted: String = "2026-11-10", closes: String = "2026-12-31"
    ) -> VacancyFacts {
        VacancyFacts(
            reference: reference, iscoCode: isco, aimagCode: aimag, soumCode: soum, wageMin: nil, wageMax: nil,
            hours: "fullTime", education: education, skills: skills, licences: licences, experienceYears: experience,
            postedOn: posted, closesOn: closes)
    }

    /// A driver from Sükhbaatar district, khoroo 5: upper secondary, licence C, 4 years.
    static let driver = JobseekerProfile(
        occupationCodes: ["8332"], skills: ["Жолоо", "Ачаа тээвэр", "Авто засвар"], educationCode: "upper_secondary",
        licences: ["driving-c"], experienceYears: 4, aimagCode: "UB-SB", soumCode: "UB-SB-05")
    /// A cook in Khovd who wants kitchen work; basic education, no licence, 1 year.
    static let cook = JobseekerProfile(
        occupationCodes: ["5120", "9412"], skills: ["Хоол хийх", "Англи хэл", "Excel"],
        educationCode: "lower_secondary",
        experienceYears: 1, aimagCode: "HOVD", soumCode: "HOVD-01")

    static let vacancies: [VacancyFacts] = [
        // Same unit group, 2 of 2 skills, same khoroo, experience met: 50 + 25 + 15 + 10.
        vacancy("TRUCK", isco: "8332", skills: ["жолоо", "ачаа тээвэр"], licences: ["driving-c"], experience: 3),
        // Related (same minor group 833), 1 of 2 skills, same district other khoroo: 25 + 15 + 8 + 10.
        vacancy(
            "BUS", isco: "8331", soum: "UB-SB-01", skills: ["жолоо", "зорчигч үйлчилгээ"], licences: ["driving-c"]),
        // Licence D is a must-have the driver lacks.
        vacancy("COACH", isco: "8331", skills: ["жолоо"], licences: ["driving-d"]),
        // Bachelor required: the driver's upper secondary is not enough.
        vacancy("LOGISTICS", isco: "1324", education: "bachelor", skills: ["ачаа тээвэр"]),
        // 1 of 3 skills: under half, not a match.
        vacancy("MECHANIC", isco: "7231", skills: ["авто засвар", "гагнуур", "цахилгаан"]),
        // No skills listed and an unrelated occupation: nothing says the driver can do it.
        vacancy("CLEANER", isco: "9112"),
        // No skills listed, same sub-major group 83, another aimag, 5 years asked and 4 held:
        // 25 + 8 + 0 + 8.
        vacancy("TRACTOR", isco: "8341", aimag: "HOVD", soum: "HOVD-01", experience: 5),
        // Closed yesterday.
        vacancy("OLD", isco: "8332", skills: ["жолоо"], closes: "2026-11-22"),
        // The cook: wanted occupation 9412 exactly, 2 of 2 skills ("англиар", in English, meets
        // "Англи хэл"), same soum, no experience asked: 50 + 25 + 15 + 10.
        vacancy("KITCHEN", isco: "9412", aimag: "HOVD", soum: "HOVD-01", skills: ["хоол хийх", "англиар"]),
        // Upper secondary asked: the cook's lower secondary falls short.
        vacancy("CHEF", isco: "3434", aimag: "HOVD", education: "upper_secondary", skills: ["хоол хийх"]),
        // An unknown education code is not held against anyone; 1 of 2 skills ("EXCEL" folds),
        // same aimag other soum, 2 years asked and 1 held: 25 + 0 + 8 + 5.
        vacancy(
            "OFFICE", isco: "4110", aimag: "HOVD", soum: "HOVD-07", education: "phd-equivalent",
            skills: ["EXCEL", "нягтлан"], experience: 2),
    ]

    struct Expected: Sendable, CustomTestStringConvertible {
        let name: String
        let profile: JobseekerProfile
        let ranking: [String]
        let scores: [Int]
        var testDescription: String { name }
    }

    static let table: [Expected] = [
        Expected(name: "driver", profile: driver, ranking: ["TRUCK", "BUS", "TRACTOR"], scores: [100, 58, 41]),
        Expected(name: "cook", profile: cook, ranking: ["KITCHEN", "OFFICE"], scores: [100, 38]),
    ]

    @Test(arguments: table)
    func ranksAndScoresAsDocumented(_ expected: Expected) {
        let matches = Self.matcher.rank(expected.profile, Self.vacancies, today: Self.today)
        #expect(matches.map(\.reference) == expected.ranking)
        #expect(matches.map(\.score) == expected.scores)
    }

    @Test func eachMatchSaysWhy() {
        let driver = Dictionary(
            uniqueKeysWithValues: Self.matcher.rank(Self.driver, Self.vacancies, today: Self.today).map {
                ($0.reference, $0.reasons)
            })
        #expect(driver["TRUCK"] == [.yourOccupation, .skills(matched: 2, required: 2), .inYourSoum])
        #expect(driver["BUS"] == [.relatedOccupation, .skills(matched: 1, required: 2), .inYourAimag])
        #expect(driver["TRACTOR"] == [.relatedOccupation, .lessExperience(has: 4, required: 5)])
        let cook = Self.matcher.rank(Self.cook, Self.vacancies, today: Self.today)
        #expect(
            cook.last?.reasons == [
                .skills(matched: 1, required: 2), .inYourAimag, .lessExperience(has: 1, required: 2),
            ])
    }

    @Test func mustHavesAreNeverTradedForScore() {
        // A perfect fit on everything else, but licence D is missing: not a match at any score.
        var coach = Self.vacancy("COACH", isco: "8332", skills: ["жолоо"], licences: ["driving-d"])
        #expect(Self.matcher.match(Self.driver, coach) == nil)
        var withLicence = Self.driver
        withLicence.licences.insert("driving-d")
        #expect(Self.matcher.match(withLicence, coach)?.score == 100)
        coach.education = "bachelor"
        #expect(Self.matcher.match(withLicence, coach) == nil)
    }

    @Test func halfTheSkillsIsEnoughAndLessIsNot() {
        let two = Self.vacancy("A", isco: "9999", skills: ["жолоо", "гагнуур"])
        let three = Self.vacancy("B", isco: "9999", skills: ["жолоо", "гагнуур", "өрлөг"])
        #expect(Self.matcher.match(Self.driver, two)?.reasons == [.skills(matched: 1, required: 2), .inYourSoum])
        #expect(Self.matcher.match(Self.driver, three) == nil)
    }

    @Test func skillWordsMeetWithCaseEndingsButShortWordsMustBeEqual() {
        let person = JobseekerProfile(
            occupationCodes: [], skills: ["Гар багаж", "ӨРЛӨГ", "үйлчилгээ"], educationCode: "none", experienceYears: 0,
            aimagCode: "X", soumCode: nil)
        func skills(_ listed: [String]) -> MatchReason? {
            Self.matcher.match(person, Self.vacancy("S", isco: "0000", skills: listed))?.reasons.first
        }
        // Masonry meets "masonry work"; "гар" (hand) is not "гараж" (garage).
        #expect(skills(["өрлөгийн ажил", "гараж"]) == .skills(matched: 1, required: 2))
        #expect(skills(["гараж", "цахилгаан"]) == nil)
        #expect(skills(["гар багаж"]) == .skills(matched: 1, required: 1))
        #expect(skills(["өрлөгөөр", "Үйлчилгээний соёл"]) == .skills(matched: 2, required: 2))
        #expect(skills(["багаж"]) == .skills(matched: 1, required: 1))
    }

    @Test func anOccupationRecordedAsAGroupHoldsTheVacanciesWithinIt() {
        var person = Self.driver
        person.occupationCodes = ["83"]
        let truck = Self.vacancy("T", isco: "8332", skills: ["жолоо"])
        #expect(Self.matcher.match(person, truck)?.reasons.first == .yourOccupation)
        person.occupationCodes = ["8"]
        #expect(Self.matcher.match(person, truck)?.reasons.first == .relatedOccupation)
        person.occupationCodes = ["7"]
        #expect(Self.matcher.match(person, truck)?.reasons.first == .skills(matched: 1, required: 1))
    }

    @Test func theFinerCodeCountsMost() throws {
        var cook = Self.cook
        cook.occupationCodes = ["5120"]
        let score = { (isco: String) in Self.matcher.match(cook, Self.vacancy("V", isco: isco, skills: []))?.score }
        let exact = try #require(score("5120"))
        let group = try #require(score("51"))  // a vacancy coded only to the sub-major group
        let minor = try #require(score("512"))
        let sibling = try #require(score("5131"))  // waiters: same sub-major group, another minor one
        #expect(exact > minor && minor == group && group > sibling)
        #expect(exact - group == 5 && group - sibling == 12)
        #expect(score("9412") == nil)  // kitchen helpers: another major group, no skills listed
    }

    @Test(arguments: [
        ("5120", "5120", 25), ("51", "51", 25),
        ("51", "5120", 20), ("5120", "51", 20), ("512", "5120", 20), ("83", "8332", 20),
        ("5131", "5132", 15), ("5120", "5131", 8), ("8", "8332", 8), ("8332", "8", 8),
        ("7", "8332", 0), ("5120", "9412", 0), ("", "5120", 0),
    ])
    func occupationPointsReadTheFinestLevelBothCodesGive(_ person: String, _ vacancy: String, _ points: Int) {
        #expect(JobMatcher.occupationPoints(person, vacancy) == points)
    }

    @Test func aTwoDigitCodeStillHoldsItsUnitGroups() throws {
        var person = Self.driver
        person.occupationCodes = ["83"]
        let truck = try #require(Self.matcher.match(person, Self.vacancy("T", isco: "8332", skills: ["жолоо"])))
        person.occupationCodes = ["8332"]
        let same = try #require(Self.matcher.match(person, Self.vacancy("T", isco: "8332", skills: ["жолоо"])))
        #expect(truck.reasons.first == .yourOccupation && same.reasons.first == .yourOccupation)
        #expect(same.score - truck.score == 5)
    }

    @Test func tiesGoToTheNewestPostingThenTheReference() {
        let vacancies = [
            Self.vacancy("V-2", isco: "8332", skills: ["жолоо"], posted: "2026-11-01"),
            Self.vacancy("V-3", isco: "8332", skills: ["жолоо"], posted: "2026-11-20"),
            Self.vacancy("V-1", isco: "8332", skills: ["жолоо"], posted: "2026-11-01"),
        ]
        #expect(Self.matcher.rank(Self.driver, vacancies, today: Self.today).map(\.reference) == ["V-3", "V-1", "V-2"])
    }
}
