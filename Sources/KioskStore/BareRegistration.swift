public import Foundation
public import GRDB

/// A registration row with only what the dashboard reads varying (when, the status), written
/// straight into the table, for store tests and the dashboard benchmark.
public enum BareRegistration {
    public static func insert(
        _ db: Database, id: String, number: Int, officeCode: String, status: String, at instant: Date
    ) throws {
        let created = Outbox.utcTimestamp(instant)
        try db.execute(
            sql: """
                INSERT INTO registration (id, reference, office_code, revision, registry_number, family_name,
                    given_name, birth_date, sex, phone, aimag_code, soum_code, education_code,
                    experience_years, desired_occupation_code, has_disability, status, consent_text_version,
                    consent_accepted_at, language, created_at, updated_at)
                VALUES (?, ?, ?, 1, ?, 'БАТ', 'ДОРЖ', '1990-01-01', 'male', '99112233', 'UB', 'UB-SB', 'secondary',
                    2, '7112', 0, ?, 'v1', ?, 'mn', ?, ?)
                """,
            arguments: [id, "R-\(number)", officeCode, "УБ\(10_000_000 + number)", status, created, created, created])
    }
}
