public import Foundation
import GRDB
public import KioskCore

/// The weekly digest of new matching vacancies (issue 22): once the week's sending time has come
/// (Monday 10:00 in the office's time zone by default), each registered person whose phone agreed
/// to `vacancy_digest` gets one message counting the vacancies posted in the last 7 days that
/// `JobMatcher` matches to them: how many, the titles of as many as fit the message's `parts` parts
/// (in Cyrillic, or in Latin where the office sends this kind in Latin), "+N more", and a short
/// link to the person's list (`VacancyLink`). The message's dedupe key names the person and the
/// ISO week, so a restart, a second run or a second sender queues nothing twice; a STOP reply
/// withdraws the consent, and the next week's digest is not queued.
public struct VacancyDigests: Sendable {
    let database: AppDatabase
    let catalog: SQLiteVacancyCatalog
    let matcher: JobMatcher
    public var rules: SMSRules
    public var wording: SMSWording
    /// ISO weekday (1 Monday … 7 Sunday) and hour, local time, from which the week's digest goes.
    public var weekday: Int
    public var hour: Int
    /// The office's address phones reach (`public_url`), for the link to the person's list.
    public var publicURL: String
    /// The most parts a digest may take (titles are left out to fit).
    public var parts: Int

    public init(
        database: AppDatabase, catalog: SQLiteVacancyCatalog, matcher: JobMatcher, rules: SMSRules,
        wording: SMSWording, weekday: Int = 1, hour: Int = 10, publicURL: String, parts: Int = 2
    ) {
        self.publicURL = publicURL
        self.parts = parts
        self.database = database
        self.catalog = catalog
        self.matcher = matcher
        self.rules = rules
        self.wording = wording
        self.weekday = weekday
        self.hour = hour
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = rules.timeZone
        return calendar
    }

    /// The ISO week `date` falls in (`2026-W49`) and when that week's digest may go; nil before then.
    public func week(of date: Date) -> String? {
        let calendar = calendar
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        guard let year = parts.yearForWeekOfYear, let week = parts.weekOfYear,
            let start = calendar.date(from: parts),
            let day = calendar.date(byAdding: .day, value: weekday - 1, to: start),
            let due = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day), date >= due
        else { return nil }
        return String(format: "%04d-W%02d", year, week)
    }

    /// Queues this week's digests that are due and not yet queued. Returns how many were queued.
    @discardableResult
    public func run(at now: Date) async throws -> Int {
        guard let week = week(of: now) else { return 0 }
        let calendar = calendar
        let today = CivilDate(now, calendar: calendar)
        let since = CivilDate(calendar.date(byAdding: .day, value: -7, to: now) ?? now, calendar: calendar)
        let rules = rules
        let wording = wording
        let matcher = matcher
        let catalog = catalog
        let (publicURL, parts) = (publicURL, parts)
        return try await database.write { db in
            try db.execute(
                sql: "DELETE FROM vacancy_link WHERE expires_at <= ?", arguments: [Outbox.utcTimestamp(now)])
            let all = try catalog.facts(db)
            let fresh = all.facts.filter { $0.postedOn >= since.description && $0.closesOn >= today.description }
            guard !fresh.isEmpty else { return 0 }
            let index = SkillIndex(fresh)
            var titles: [String: LocalizedText] = [:]
            let titleRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT reference, title, coalesce(json_extract(data, '$.titleEn'), '') FROM vacancy
                    WHERE posted_on >= ?
                    """, arguments: [since.description])
            while let row = try titleRows.next() {
                let title: String = row[1]
                let english: String = row[2]
                titles[row[0] as String] = LocalizedText(mn: title, en: english.isEmpty ? title : english)
            }
            var skills: [String: [String]] = [:]
            let skillRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.registration_id, s.skill FROM registration_skill s
                    JOIN registration r ON r.id = s.registration_id
                    JOIN sms_consent c ON c.phone = r.phone AND c.kind = ? AND c.withdrawn_at IS NULL
                    ORDER BY s.registration_id, s.position
                    """, arguments: [SMSKind.vacancyDigest.rawValue])
            while let row = try skillRows.next() { skills[row[0] as String, default: []].append(row[1]) }
            let people = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.phone, r.language, r.aimag_code, r.soum_code, r.education_code,
                        r.occupation_code, r.desired_occupation_code, r.experience_years, r.licences
                    FROM registration r
                    JOIN sms_consent c ON c.phone = r.phone AND c.kind = ? AND c.withdrawn_at IS NULL
                    WHERE NOT EXISTS (
                        SELECT 1 FROM sms_message m WHERE m.dedupe_key = 'vacancy_digest:' || r.id || ':' || ?)
                    ORDER BY r.id
                    """, arguments: [SMSKind.vacancyDigest.rawValue, week])
            var queued = 0
            for row in people {
                let id: String = row["id"]
                guard let phone = try? PhoneNumber(parsing: row["phone"]) else { continue }
                let occupation: String? = row["occupation_code"]
                let licences: String = row["licences"]
                let profile = JobseekerProfile(
                    occupationCodes: [row["desired_occupation_code"]] + (occupation.map { [$0] } ?? []),
                    skills: skills[id] ?? [], educationCode: row["education_code"],
                    licences: Set(licences.split(separator: ",").map(String.init)),
                    experienceYears: row["experience_years"], aimagCode: row["aimag_code"],
                    soumCode: row["soum_code"])
                let matches = matcher.rank(profile, fresh, index: index, today: today.description)
                guard !matches.isEmpty else { continue }
                let language = (row["language"] as String?).flatMap(Language.init(code:)) ?? .mn
                let token = VacancyLink.token()
                let text = wording.digest(
                    count: matches.count, titles: matches.compactMap { titles[$0.reference]?[language] },
                    link: publicURL + "/v/" + token, language, parts: parts)
                do {
                    try db.inSavepoint {
                        try db.queueSMS(
                            kind: .vacancyDigest, to: phone, text: text, dedupeKey: "vacancy_digest:\(id):\(week)",
                            rules: rules, at: now)
                        try db.execute(
                            sql: """
                                INSERT INTO vacancy_link (token_sha256, registration_id, created_at, expires_at)
                                VALUES (?, ?, ?, ?)
                                """,
                            arguments: [
                                VacancyLink.digest(token), id, Outbox.utcTimestamp(now),
                                Outbox.utcTimestamp(now.addingTimeInterval(VacancyLink.lifetime)),
                            ])
                        return .commit
                    }
                    queued += 1
                } catch is SMSRefusal {
                    continue
                }
            }
            return queued
        }
    }
}

/// The links of the weekly digest, as the kiosk keeps them (kiosk v48 `vacancy_link`).
public struct SQLiteVacancyLinks: VacancyLinkSource {
    let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    public func registration(token: String, at now: Date) async throws -> UUID? {
        guard VacancyLink.isWellFormed(token) else { return nil }
        let id = try await database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT registration_id FROM vacancy_link WHERE token_sha256 = ? AND expires_at > ?",
                arguments: [VacancyLink.digest(token), Outbox.utcTimestamp(now)])
        }
        return id.flatMap(UUID.init(uuidString:))
    }
}
