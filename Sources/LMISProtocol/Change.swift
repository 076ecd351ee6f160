/// One change in the download feed. A deletion is a tombstone: `deleted` with no data. A
/// vacancy is read straight into `VacancyRecord`; other kinds (small reference items) as JSON.
public struct Change: Codable, Sendable, Hashable {
    /// `vacancy`, or a reference kind (`admin-units`, `occupations`, …).
    public var kind: String
    public var key: String
    public var deleted: Bool
    /// A vacancy that reads as one; nil for a tombstone, another kind, or one this kiosk cannot read.
    public var vacancy: VacancyRecord?
    /// The item of another kind; nil for a vacancy.
    public var data: JSONValue?

    public init(kind: String, key: String, deleted: Bool, data: JSONValue?) {
        self.kind = kind
        self.key = key
        self.deleted = deleted
        self.data = data
    }

    public init(vacancy: VacancyRecord) {
        self.kind = "vacancy"
        self.key = vacancy.reference
        self.deleted = false
        self.vacancy = vacancy
    }

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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(key, forKey: .key)
        try container.encode(deleted, forKey: .deleted)
        if let vacancy {
            try container.encode(vacancy, forKey: .data)
        } else {
            try container.encodeIfPresent(data, forKey: .data)
        }
    }
}
