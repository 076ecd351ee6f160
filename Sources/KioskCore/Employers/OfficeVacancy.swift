public import Foundation

/// A vacancy an office took in for an employer: the vacancy as search and matching read it,
/// and the office's bookkeeping of it (posts filled, open or closed, each change a revision).
public struct OfficeVacancy: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open
        /// Closed by the employer or the officer before every post was filled.
        case closed
        /// Every post filled.
        case filled
    }

    public var vacancy: Vacancy
    public var employerID: UUID
    public var officeCode: String
    /// A job that did not exist before (the monthly indicators' "newly created jobs").
    public var newlyCreated: Bool
    public var status: Status
    public var filledPosts: Int
    /// 1 when taken in; each edit, close or filled post adds one (the hub keeps the newest).
    public var revision: Int
    /// The office day it was taken in, and the day it was closed or filled.
    public var registeredOn: CivilDate
    public var endedOn: CivilDate?
    public var staffID: String

    public init(
        vacancy: Vacancy, employerID: UUID, officeCode: String, newlyCreated: Bool, status: Status, filledPosts: Int,
        revision: Int, registeredOn: CivilDate, endedOn: CivilDate?, staffID: String
    ) {
        self.vacancy = vacancy
        self.employerID = employerID
        self.officeCode = officeCode
        self.newlyCreated = newlyCreated
        self.status = status
        self.filledPosts = filledPosts
        self.revision = revision
        self.registeredOn = registeredOn
        self.endedOn = endedOn
        self.staffID = staffID
    }

    public var reference: String { vacancy.reference }
    public var openPosts: Int { max(0, vacancy.posts - filledPosts) }

    /// `V-UB-SB-2026-00042`: the office's code keeps the references of offices apart.
    public static func reference(officeCode: String, year: Int, number: Int64) -> String {
        "V-\(officeCode)-\(year)-\(String(number).leftPadded(to: 5))"
    }
}

/// What an officer types for a vacancy, as the JSON API receives it.
public struct VacancyForm: Sendable, Hashable, Codable {
    public var title: String?
    public var titleEn: String?
    public var iscoCode: String?
    public var skills: [String]?
    public var education: String?
    public var licences: [String]?
    public var experienceYears: Int?
    public var aimagCode: String?
    public var soumCode: String?
    public var hours: String?
    public var wageMin: Int?
    public var wageMax: Int?
    public var posts: Int?
    public var closesOn: String?
    public var howToApply: String?
    public var newlyCreated: Bool?

    public init(
        title: String? = nil, titleEn: String? = nil, iscoCode: String? = nil, skills: [String]? = nil,
        education: String? = nil, licences: [String]? = nil, experienceYears: Int? = nil, aimagCode: String? = nil,
        soumCode: String? = nil, hours: String? = nil, wageMin: Int? = nil, wageMax: Int? = nil, posts: Int? = nil,
        closesOn: String? = nil, howToApply: String? = nil, newlyCreated: Bool? = nil
    ) {
        self.title = title
        self.titleEn = titleEn
        self.iscoCode = iscoCode
        self.skills = skills
        self.education = education
        self.licences = licences
        self.experienceYears = experienceYears
        self.aimagCode = aimagCode
        self.soumCode = soumCode
        self.hours = hours
        self.wageMin = wageMin
        self.wageMax = wageMax
        self.posts = posts
        self.closesOn = closesOn
        self.howToApply = howToApply
        self.newlyCreated = newlyCreated
    }
}

/// A checked vacancy form: everything but the reference and the dates the store gives it.
public struct VacancyTerms: Sendable, Hashable {
    public var title: String
    public var titleEn: String?
    public var iscoCode: String
    public var skills: [String]
    public var education: String?
    public var licences: [String]
    public var experienceYears: Int
    public var aimagCode: String
    public var soumCode: String?
    public var hours: String
    public var wageMin: Int?
    public var wageMax: Int?
    public var posts: Int
    public var closesOn: CivilDate
    public var howToApply: String
    public var newlyCreated: Bool

    /// The vacancy as the kiosk's search holds it.
    public func vacancy(reference: String, employer: String, postedOn: CivilDate) -> Vacancy {
        Vacancy(
            reference: reference, title: title, titleEn: titleEn, iscoCode: iscoCode, employer: employer,
            aimagCode: aimagCode, soumCode: soumCode, wageMin: wageMin, wageMax: wageMax, hours: hours,
            education: education, skills: skills, licences: licences, experienceYears: experienceYears, posts: posts,
            postedOn: postedOn.description, closesOn: closesOn.description, howToApply: howToApply)
    }
}

extension IntakeValidator {
    public static let maxTitleLength = 120
    public static let maxSkills = 15
    public static let maxSkillLength = 60
    public static let maxHowToApplyLength = 300
    public static let maxPosts = 500
    public static let maxWage = 100_000_000
    /// A vacancy stays open at most a year.
    public static let maxOpenDays = 366

    /// Checks a vacancy form on `today` (the office's day): the closing date from today to a
    /// year ahead, a four-digit ISCO-08 unit group the catalog knows, wages with the top at
    /// least the bottom, at least one post and never fewer than `filledPosts` (an edit).
    public func validate(_ form: VacancyForm, today: CivilDate, filledPosts: Int = 0)
        -> Result<VacancyTerms, ValidationFailure>
    {
        var errors: [FieldError] = []
        func fail(_ field: String, _ code: String) { errors.append(FieldError(field: field, code: code)) }
        let title = text(form.title, "title", limit: Self.maxTitleLength, required: true, &errors)
        let titleEn = text(form.titleEn, "titleEn", limit: Self.maxTitleLength, required: false, &errors)
        var isco: String?
        if let code = trimmed(form.iscoCode) {
            if code.count == 4, code.allSatisfy({ $0.isASCII && $0.isNumber }), catalog.occupation(code) != nil {
                isco = code
            } else {
                fail("iscoCode", "unknownCode")
            }
        } else {
            fail("iscoCode", "required")
        }
        var skills: [String] = []
        var seen = Set<String>()
        for raw in form.skills ?? [] {
            guard let skill = text(raw, "skills", limit: Self.maxSkillLength, required: false, &errors) else {
                continue
            }
            if seen.insert(skill.lowercased()).inserted { skills.append(skill) }
        }
        if skills.count > Self.maxSkills { fail("skills", "tooMany") }
        var education: String?
        if let code = trimmed(form.education) {
            if catalog.educationLevel(code) != nil { education = code } else { fail("education", "unknownCode") }
        }
        var licences: [String] = []
        for code in form.licences ?? [] where !licences.contains(code) {
            if Licence.codes.contains(code) { licences.append(code) } else { fail("licences", "unknownCode") }
        }
        let experience = form.experienceYears ?? 0
        if !(0...RegistrationValidator.maxExperienceYears).contains(experience) {
            fail("experienceYears", "outOfRange")
        }
        let place = place(aimag: form.aimagCode, soum: form.soumCode, soumRequired: false, &errors)
        var hours: String?
        if let raw = trimmed(form.hours) {
            if VacancyQuery.hoursValues.contains(raw) { hours = raw } else { fail("hours", "unknownCode") }
        } else {
            fail("hours", "required")
        }
        for (field, wage) in [("wageMin", form.wageMin), ("wageMax", form.wageMax)] {
            if let wage, !(0...Self.maxWage).contains(wage) { fail(field, "outOfRange") }
        }
        if let low = form.wageMin, let high = form.wageMax, high < low { fail("wageMax", "belowMinimum") }
        let posts = form.posts ?? 0
        if form.posts == nil {
            fail("posts", "required")
        } else if !(1...Self.maxPosts).contains(posts) {
            fail("posts", "outOfRange")
        } else if posts < filledPosts {
            fail("posts", "belowFilled")
        }
        var closes: CivilDate?
        if let raw = trimmed(form.closesOn) {
            if let date = CivilDate(iso8601: raw) {
                if date < today || date > today.adding(days: Self.maxOpenDays) {
                    fail("closesOn", "outOfRange")
                } else {
                    closes = date
                }
            } else {
                fail("closesOn", "notADate")
            }
        } else {
            fail("closesOn", "required")
        }
        let howToApply = text(
            form.howToApply, "howToApply", limit: Self.maxHowToApplyLength, required: true, &errors)
        guard errors.isEmpty, let title, let isco, let place, let hours, let closes, let howToApply else {
            return .failure(ValidationFailure(errors: errors))
        }
        return .success(
            VacancyTerms(
                title: title, titleEn: titleEn, iscoCode: isco, skills: skills, education: education,
                licences: licences, experienceYears: experience, aimagCode: place.aimag, soumCode: place.soum,
                hours: hours, wageMin: form.wageMin, wageMax: form.wageMax, posts: posts, closesOn: closes,
                howToApply: howToApply, newlyCreated: form.newlyCreated ?? false))
    }
}
