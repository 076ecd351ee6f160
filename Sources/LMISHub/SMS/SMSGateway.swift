public import Foundation

/// One message the hub gives an operator's gateway. `reference` is the kiosk's own message id,
/// sent along so that a gateway that keeps client references can refuse a second copy.
public struct SMSGatewayMessage: Sendable, Hashable {
    public var reference: String
    /// Mongolian mobile number, eight digits.
    public var to: String
    public var text: String

    public init(reference: String, to: String, text: String) {
        self.reference = reference
        self.to = to
        self.text = text
    }
}

/// Why a gateway did not take a message.
public enum SMSGatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Down, busy or unreachable: the hub tries again with back-off.
    case unavailable(String)
    /// Taken as never sendable (a number the operator refuses): the message fails at once.
    case refused(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "gateway unavailable: \(reason)"
        case .refused(let reason): "refused by the gateway: \(reason)"
        }
    }
}

/// Something the gateway tells the hub, in the gateway's order (`position`).
public struct SMSGatewayEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The final word on a message the gateway took (its id).
        case report(gatewayID: String, delivered: Bool, reason: String?)
        /// A message a phone sent to the office's number.
        case reply(gatewayID: String, from: String, text: String)
    }

    public var position: String
    public var kind: Kind
    public var at: Date

    public init(position: String, kind: Kind, at: Date) {
        self.position = position
        self.kind = kind
        self.at = at
    }
}

/// An operator's SMS gateway as the hub uses it. The operator's own adapter (its HTTPS API,
/// credentials and the agreed calls) belongs in a sibling file implementing this protocol, chosen
/// by the `sms_gateway` setting; `SimulatedSMSGateway` stands in for it in tests and demos.
public protocol SMSGateway: Sendable {
    /// Gives the gateway one message; its id for the message when taken.
    func submit(_ message: SMSGatewayMessage) async throws(SMSGatewayError) -> String
    /// Events after `position` (from the start when nil), oldest first, at most `limit`.
    func events(after position: String?, limit: Int) async throws -> [SMSGatewayEvent]
}
