import Foundation
public import KioskCore
public import KioskStore

/// Vacancies written straight into a kiosk database the way the sync service writes them (the
/// search index and the change count follow by trigger), for tests and benchmarks.
public enum VacancyFixtures {
    public static func vacancy(
        _ reference: String, _ title: String, titleEn: String? = nil, isco: String = "9313", employer: String = "ХХК",
        aimag: String = "UB-SB", soum: String? = "UB-SB-05", wage: (Int?, Int?) = (nil, nil),
        hours: String = "fullTime", education: String? = nil, skills: [String] = [], licences: [String] = [],
        experience: Int = 0, posted: String = "2026-11-10", closes: String = "2026-12-31",
        howToApply: String = "Ажилтан 3"
    ) -> Vacancy {
        Vacancy(
            reference: reference, title: title, titleEn: titleEn, iscoCode: isco, employer: employer, aimagCode: aimag,
            soumCode: soum, wageMin: wage.0, wageMax: wage.1, hours: hours, education: education, skills: skills,
            licences: licences, experienceYears: experience, posts: 1, postedOn: posted, closesOn: closes,
            howToApply: howToApply)
    }

    public static func store(_ vacancies: [Vacancy], in database: AppDatabase) async throws {
        try await database.storeVacancies(vacancies)
    }
}
