import Foundation
import Logging
import PostgresNIO

/// Employer services across offices (issue 27) for the LMIS: vacancies and posts the offices took
/// in, those filled, the placements that followed and newly created jobs, by employer (one row per
/// state registration number, whichever offices registered it) and by sector (ISIC section).
///
/// An employer registered at several offices is named, and counted under the sector, of its most
/// recent registration by the time the office took it (`created_at`; the later record id on a tie),
/// whichever office sent it and whenever it arrived, also when `office` keeps one office's figures.
public struct EmployerBreakdown: Codable, Sendable, Hashable {
    public struct Figures: Codable, Sendable, Hashable {
        /// Vacancies taken in during the period, their posts, and the posts of newly created jobs.
        public var vacancies: Int64
        public var posts: Int64
        public var newlyCreatedPosts: Int64
        /// Vacancies whose last post was filled during the period.
        public var vacanciesFilled: Int64
        /// Hires during the period (each fills a post), and those into newly created jobs.
        public var placements: Int64
        public var newlyCreatedPlacements: Int64

        public init(
            vacancies: Int64, posts: Int64, newlyCreatedPosts: Int64, vacanciesFilled: Int64, placements: Int64,
            newlyCreatedPlacements: Int64
        ) {
            self.vacancies = vacancies
            self.posts = posts
            self.newlyCreatedPosts = newlyCreatedPosts
            self.vacanciesFilled = vacanciesFilled
            self.placements = placements
            self.newlyCreatedPlacements = newlyCreatedPlacements
        }

        static let zero = Figures(
            vacancies: 0, posts: 0, newlyCreatedPosts: 0, vacanciesFilled: 0, placements: 0, newlyCreatedPlacements: 0)

        mutating func add(_ other: Figures) {
            vacancies += other.vacancies
            posts += other.posts
            newlyCreatedPosts += other.newlyCreatedPosts
            vacanciesFilled += other.vacanciesFilled
            placements += other.placements
            newlyCreatedPlacements += other.newlyCreatedPlacements
        }
    }

    public struct Employer: Codable, Sendable, Hashable {
        public var registerNumber: String
        public var name: String
        public var sector: String
        /// The offices that registered the employer.
        public var offices: [String]
        public var figures: Figures
    }

    public struct Sector: Codable, Sendable, Hashable {
        public var sector: String
        public var figures: Figures
    }

    /// Office days, inclusive.
    public var from: String
    public var to: String
    /// Only this office's figures, when asked.
    public var office: String?
    public var bySector: [Sector]
    public var byEmployer: [Employer]
}

extension HubStore {
    /// Longest period asked for at once, in days.
    static let breakdownMaxDays = 400

    /// The breakdown over office days `from`…`to` (YYYY-MM-DD, inclusive), of every office or of `office`.
    public func employerBreakdown(from: String, to: String, office: String?) async throws -> EmployerBreakdown {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        guard from.count == 10, to.count == 10, let start = day.date(from: from), let end = day.date(from: to) else {
            throw HubStoreError("from and to must be dates like 2026-12-01")
        }
        guard start <= end else { throw HubStoreError("from must not be after to") }
        guard end.timeIntervalSince(start) <= Double(Self.breakdownMaxDays) * 86_400 else {
            throw HubStoreError("a period of at most \(Self.breakdownMaxDays) days")
        }
        var employers: [EmployerBreakdown.Employer] = []
        let rows = try await client.query(
            """
            WITH chosen AS (
                SELECT * FROM employer WHERE \(office)::text IS NULL OR office_code = \(office)::text
            ), v AS (
                SELECT e.register_number, count(*) AS vacancies, sum(ov.posts)::bigint AS posts,
                    sum(CASE WHEN ov.newly_created THEN ov.posts ELSE 0 END)::bigint AS newly_created_posts
                FROM office_vacancy ov JOIN chosen e ON e.id = ov.employer_id
                WHERE ov.registered_on BETWEEN \(from)::date AND \(to)::date
                GROUP BY e.register_number
            ), f AS (
                SELECT e.register_number, count(*) AS filled
                FROM office_vacancy ov JOIN chosen e ON e.id = ov.employer_id
                WHERE ov.status = 'filled' AND ov.ended_on BETWEEN \(from)::date AND \(to)::date
                GROUP BY e.register_number
            ), p AS (
                SELECT e.register_number, count(*) AS placements,
                    count(*) FILTER (WHERE pl.newly_created) AS newly_created_placements
                FROM placement pl JOIN chosen e ON e.id = pl.employer_id
                WHERE pl.placed_on BETWEEN \(from)::date AND \(to)::date
                GROUP BY e.register_number
            ), latest AS (
                SELECT DISTINCT ON (register_number) register_number, name, sector
                FROM employer ORDER BY register_number, created_at DESC, record_id DESC
            ), names AS (
                SELECT c.register_number, l.name, l.sector,
                    string_agg(DISTINCT c.office_code, ',' ORDER BY c.office_code) AS offices
                FROM chosen c JOIN latest l ON l.register_number = c.register_number
                GROUP BY c.register_number, l.name, l.sector
            )
            SELECT n.register_number, n.name, n.sector, n.offices,
                coalesce(v.vacancies, 0), coalesce(v.posts, 0), coalesce(v.newly_created_posts, 0),
                coalesce(f.filled, 0), coalesce(p.placements, 0), coalesce(p.newly_created_placements, 0)
            FROM names n
            LEFT JOIN v ON v.register_number = n.register_number
            LEFT JOIN f ON f.register_number = n.register_number
            LEFT JOIN p ON p.register_number = n.register_number
            WHERE v.register_number IS NOT NULL OR f.register_number IS NOT NULL OR p.register_number IS NOT NULL
            ORDER BY n.name, n.register_number
            """, logger: logger)
        for try await (number, name, sector, offices, vacancies, posts, newly, filled, placements, newlyPlaced)
            in rows.decode((String, String, String, String, Int64, Int64, Int64, Int64, Int64, Int64).self)
        {
            employers.append(
                EmployerBreakdown.Employer(
                    registerNumber: number, name: name, sector: sector,
                    offices: offices.split(separator: ",").map(String.init),
                    figures: .init(
                        vacancies: vacancies, posts: posts, newlyCreatedPosts: newly, vacanciesFilled: filled,
                        placements: placements, newlyCreatedPlacements: newlyPlaced)))
        }
        var sectors: [String: EmployerBreakdown.Figures] = [:]
        for employer in employers { sectors[employer.sector, default: .zero].add(employer.figures) }
        return EmployerBreakdown(
            from: from, to: to, office: office,
            bySector: sectors.sorted { $0.key < $1.key }.map {
                EmployerBreakdown.Sector(sector: $0.key, figures: $0.value)
            },
            byEmployer: employers)
    }
}
