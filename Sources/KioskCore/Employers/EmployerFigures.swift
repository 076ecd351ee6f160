/// The office's figures of employer services over a period of office days.
public struct EmployerFigures: Sendable, Hashable {
    public struct EmployerRow: Sendable, Hashable {
        public var employerID: String
        public var name: String
        public var sector: String
        public var vacancies: Int
        public var placements: Int

        public init(employerID: String, name: String, sector: String, vacancies: Int, placements: Int) {
            self.employerID = employerID
            self.name = name
            self.sector = sector
            self.vacancies = vacancies
            self.placements = placements
        }
    }

    public struct SectorRow: Sendable, Hashable {
        public var sector: String
        public var vacancies: Int
        public var posts: Int
        public var postsFilled: Int
        public var placements: Int

        public init(sector: String, vacancies: Int, posts: Int, postsFilled: Int, placements: Int) {
            self.sector = sector
            self.vacancies = vacancies
            self.posts = posts
            self.postsFilled = postsFilled
            self.placements = placements
        }
    }

    /// Vacancies taken in during the period, and their posts.
    public var vacanciesRegistered: Int
    public var postsRegistered: Int
    /// Posts of newly created jobs among them.
    public var newlyCreatedPosts: Int
    /// Vacancies whose last post was filled during the period.
    public var vacanciesFilled: Int
    /// Placements (hires) during the period: each fills one post.
    public var postsFilled: Int
    /// Days from intake to the last post filled, over the vacancies filled in the period.
    public var medianDaysToFill: Double?
    /// Referrals to the office's vacancies taken in during the period, per such vacancy.
    public var referralsPerVacancy: Double?
    public var employers: [EmployerRow]
    public var sectors: [SectorRow]

    public init(
        vacanciesRegistered: Int, postsRegistered: Int, newlyCreatedPosts: Int, vacanciesFilled: Int, postsFilled: Int,
        medianDaysToFill: Double?, referralsPerVacancy: Double?, employers: [EmployerRow], sectors: [SectorRow]
    ) {
        self.vacanciesRegistered = vacanciesRegistered
        self.postsRegistered = postsRegistered
        self.newlyCreatedPosts = newlyCreatedPosts
        self.vacanciesFilled = vacanciesFilled
        self.postsFilled = postsFilled
        self.medianDaysToFill = medianDaysToFill
        self.referralsPerVacancy = referralsPerVacancy
        self.employers = employers
        self.sectors = sectors
    }

    /// The median of `values` (the mean of the two middle ones for an even count); nil when empty.
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }
}
