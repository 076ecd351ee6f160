import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// Employer services' domain rules: the organisation's number, the vacancy form, candidates ranked
/// by `JobMatcher` from the vacancy's side, and follow-up dates in the office's time zone.
@Suite struct EmployerServicesTests {
    @Test(
        "A state registration number is 7 digits; spaces between groups are dropped",
        arguments: [
            ("5012345", "5012345"), (" 501 2345 ", "5012345"), ("501234", nil), ("50123456", nil), ("50I2345", nil),
            ("５０１２３４５", nil), ("", nil),
        ] as [(String, String?)])
    func organisationNumber(typed: String, kept: String?) {
        switch OrganisationNumber.parse(typed) {
        case .success(let value): #expect(value == kept)
        case .failure(let error):
            #expect(kept == nil)
            #expect(error.code == (typed.isEmpty ? "required" : "organisationNumber"))
        }
    }

    static let today = CivilDate(year: 2026, month: 11, day: 23)!

    static func form() -> VacancyForm {
        VacancyForm(
            title: "  Ачааны   машины жолооч ", iscoCode: "8332",
            skills: ["жолоо барих", "Жолоо барих", "ачаа тээвэр"],
            education: "upper_secondary", licences: ["driving-c"], experienceYears: 4, aimagCode: "UB-SB",
            soumCode: "UB-SB-05", hours: "fullTime", wageMin: 1_500_000, wageMax: 2_000_000, posts: 2,
            closesOn: "2027-01-31", howToApply: "Ажилтан 3-т хандана уу")
    }

    @Test func aVacancyFormIsCheckedAsStrictlyAsARegistration() throws {
        let validator = IntakeValidator(catalog: try Fixtures.catalog())
        let terms = try validator.validate(Self.form(), today: Self.today).get()
        #expect(terms.title == "Ачааны машины жолооч")
        #expect(terms.skills == ["жолоо барих", "ачаа тээвэр"])
        var bad = Self.form()
        bad.iscoCode = "83"  // a group, not a unit group
        bad.soumCode = "UB-BZ-01"  // not in Sükhbaatar
        bad.wageMin = 3_000_000  // above the top
        bad.posts = 0
        bad.closesOn = "2028-01-01"  // more than a year ahead
        bad.licences = ["pilot"]
        bad.hours = "always"
        bad.title = "Жолооч\u{0007}"
        guard case .failure(let failure) = validator.validate(bad, today: Self.today) else {
            Issue.record("accepted a bad form")
            return
        }
        #expect(
            Set(failure.errors.map { "\($0.field).\($0.code)" }) == [
                "iscoCode.unknownCode", "soumCode.notInAimag", "wageMax.belowMinimum", "posts.outOfRange",
                "closesOn.outOfRange", "licences.unknownCode", "hours.unknownCode", "title.controlCharacters",
            ])
        // An edit never takes the posts below those already filled.
        var fewer = Self.form()
        fewer.posts = 1
        guard case .failure(let edit) = validator.validate(fewer, today: Self.today, filledPosts: 2) else {
            Issue.record("accepted fewer posts than filled")
            return
        }
        #expect(edit.errors == [FieldError(field: "posts", code: "belowFilled")])
    }

    @Test func anEmployerFormNamesEveryBadField() throws {
        let validator = IntakeValidator(catalog: try Fixtures.catalog())
        let good = EmployerForm(
            name: "Тээвэр ХХК", registerNumber: "501 2345", sector: "H", aimagCode: "UB-SB", soumCode: "UB-SB-05",
            contactName: "Б. Төмөр", phone: "9911-4455")
        let details = try validator.validate(good).get()
        #expect(details.registerNumber == "5012345")
        #expect(details.phone.digits == "99114455")
        let bad = EmployerForm(
            name: "", registerNumber: "12", sector: "Z", aimagCode: "UB-SB", soumCode: nil, contactName: "x",
            phone: "7011")
        guard case .failure(let failure) = validator.validate(bad) else {
            Issue.record("accepted a bad employer")
            return
        }
        #expect(
            failure.errors.map { "\($0.field).\($0.code)" } == [
                "name.required", "registerNumber.organisationNumber", "sector.unknownCode", "soumCode.required",
                "phone.wrongLength",
            ])
    }

    // MARK: - Candidates

    static let matcher = MatchingTests.matcher

    static func person(_ n: Int, _ profile: JobseekerProfile, status: JobseekerStatus = .unemployed)
        -> CandidateProfile
    {
        CandidateProfile(
            registrationID: UUID(uuidString: String(format: "00000000-0000-7000-8000-%012d", n))!,
            profile: profile, status: status)
    }

    @Test func candidatesHaveTheScoreAndReasonsTheirOwnListGivesTheVacancy() {
        let vacancy = MatchingTests.vacancy(
            "V-1", isco: "8332", education: "upper_secondary", skills: ["жолоо барих", "ачаа тээвэр"],
            licences: ["driving-c"], experience: 4)
        var people: [CandidateProfile] = []
        let skills = [["жолоо барих", "ачаа тээвэр"], ["жолоо"], ["Ачаа тээвэр", "харилцаа"], ["нягтлан"]]
        let codes = ["8332", "83", "8331", "9112", "833"]
        let places: [(String, String?)] = [("UB-SB", "UB-SB-05"), ("UB-SB", "UB-SB-01"), ("UB-BZ", "UB-BZ-01")]
        for n in 0..<120 {
            let (aimag, soum) = places[n % 3]
            people.append(
                Self.person(
                    n,
                    JobseekerProfile(
                        occupationCodes: [codes[n % 5]], skills: skills[n % 4],
                        educationCode: n % 7 == 0 ? "primary" : "vocational",
                        licences: n % 6 == 0 ? [] : ["driving-c"], experienceYears: n % 9, aimagCode: aimag,
                        soumCode: soum), status: n % 4 == 3 ? .student : .unemployed))
        }
        let ranking = CandidateRanking(matcher: Self.matcher)
        let ranked = ranking.rank(vacancy, among: people)
        #expect(!ranked.isEmpty)
        for person in people {
            // The person's own ranked list, with this one vacancy among others.
            let own = Self.matcher.rank(
                person.profile, [vacancy, MatchingTests.vacancy("V-2", isco: "9112")], today: MatchingTests.today
            ).first { $0.reference == "V-1" }
            let candidate = ranked.first { $0.registrationID == person.registrationID }
            #expect(candidate?.match == own)
        }
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.match.score >= $1.match.score })

        let available = ranking.rank(
            vacancy, among: people, filter: CandidateFilter(aimagCode: "UB-SB", statuses: [.unemployed]),
            excluding: [ranked[0].registrationID])
        #expect(!available.contains { $0.registrationID == ranked[0].registrationID })
        for candidate in available {
            let person = people.first { $0.registrationID == candidate.registrationID }!
            #expect(person.status == .unemployed && person.profile.aimagCode == "UB-SB")
        }
    }

    // MARK: - Follow-ups

    static func office(_ zone: String) -> Office {
        Office(
            code: "X", name: LocalizedText(mn: "X", en: "X"), adminUnitCode: "UB-SB",
            timeZone: TimeZone(identifier: zone)!)
    }

    @Test func followUpsFallDueByTheOfficeDayOfThePlacement() {
        // 2026-08-31 16:30 UTC: 23:30 on the 31st in Hovd (UTC+7), 00:30 on 1 September in Ulaanbaatar.
        let instant = Date(timeIntervalSince1970: 1_788_193_800)
        let hovd = FollowUpSchedule.dueDates(placedAt: instant, in: Self.office("Asia/Hovd"))
        #expect(hovd.map(\.months) == [3, 6, 12])
        #expect(hovd.map(\.dueOn.description) == ["2026-11-30", "2027-02-28", "2027-08-31"])
        let capital = FollowUpSchedule.dueDates(placedAt: instant, in: Self.office("Asia/Ulaanbaatar"))
        #expect(capital.map(\.dueOn.description) == ["2026-12-01", "2027-03-01", "2027-09-01"])
        // A leap day.
        let leap = FollowUpSchedule.dueDates(placedOn: CivilDate(year: 2027, month: 11, day: 29)!)
        #expect(leap.map(\.dueOn.description) == ["2028-02-29", "2028-05-29", "2028-11-29"])
    }

    @Test func theMedianTimeToFill() {
        #expect(EmployerFigures.median([]) == nil)
        #expect(EmployerFigures.median([7, 1, 3]) == 3)
        #expect(EmployerFigures.median([4, 1, 3, 10]) == 3.5)
    }
}
