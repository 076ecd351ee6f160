public enum Sex: String, Sendable, Codable, CaseIterable {
    case male
    case female
}
