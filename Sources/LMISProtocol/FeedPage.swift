/// A page of the hub's change feed as the kiosk reads it: vacancies straight into their type,
/// other kinds (small reference items) as JSON.
public struct FeedPage: Decodable, Sendable {
    public struct Item: Decodable, Sendable {
        public let kind: String
        public let key: String
        public let deleted: Bool
        /// A vacancy that reads as one; nil for a tombstone or one this kiosk cannot read.
        public let vacancy: VacancyRecord?
        public let data: JSONValue?

        enum CodingKeys: String, CodingKey { case kind, key, deleted, data }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(String.self, forKey: .kind)
            key = try container.decode(String.self, forKey: .key)
            deleted = try container.decode(Bool.self, forKey: .deleted)
            if kind == "vacancy" {
                vacancy = try? container.decodeIfPresent(VacancyRecord.self, forKey: .data)
                data = nil
            } else {
                vacancy = nil
                data = try container.decodeIfPresent(JSONValue.self, forKey: .data)
            }
        }
    }

    public let epoch: String
    public let cursor: String
    public let reset: Bool
    public let more: Bool
    public let changes: [Item]
}
