/// A page of the hub's change feed. The hub writes it directly (`HubRouter.changes`); the kiosk
/// reads it with this type.
public struct ChangesResponse: Codable, Sendable, Hashable {
    public var epoch: String
    /// Where the next request continues.
    public var cursor: String
    /// True when the request's cursor was from another epoch: the kiosk must drop what it holds
    /// from the hub and keep only what this fresh feed (from the start) gives it.
    public var reset: Bool
    /// True when more changes wait after this page.
    public var more: Bool
    public var changes: [Change]

    public init(epoch: String, cursor: String, reset: Bool, more: Bool, changes: [Change]) {
        self.epoch = epoch
        self.cursor = cursor
        self.reset = reset
        self.more = more
        self.changes = changes
    }
}
