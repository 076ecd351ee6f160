import Crypto
public import Foundation
import KioskCore
import LMISProtocol

/// What `kiosk doctor` learns from the hub: whether it answers, whether it accepts this
/// device's signature, and how far the kiosk's clock is from the hub's.
public struct LinkCheck: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// No enrolment in the office database.
        case notEnrolled = "not_enrolled"
        /// Nothing answered at the hub's address.
        case unreachable
        /// A signed request was answered normally.
        case accepted
        /// The hub refused this device's signed request (revoked, unknown key, bad signature).
        case refused
        /// The hub refused the request's timestamp: the kiosk's clock is wrong.
        case clockOff = "clock_off"
    }

    public var outcome: Outcome
    public var hubURL: String?
    /// The hub's error code or the transport failure, when there was one.
    public var detail: String?
    /// Seconds to add to the kiosk's clock to get the hub's (nil when the hub's time is unknown).
    public var clockOffsetSeconds: Double?
    /// Round trip of the hub's health check, in milliseconds.
    public var roundTripMilliseconds: Int?

    public init(
        outcome: Outcome, hubURL: String? = nil, detail: String? = nil, clockOffsetSeconds: Double? = nil,
        roundTripMilliseconds: Int? = nil
    ) {
        self.outcome = outcome
        self.hubURL = hubURL
        self.detail = detail
        self.clockOffsetSeconds = clockOffsetSeconds
        self.roundTripMilliseconds = roundTripMilliseconds
    }
}

extension SyncEngine {
    /// Asks the hub's health page (its `Date` gives the hub's clock) and then sends one signed,
    /// read-only request: the change feed from where this kiosk stands, signed with the kiosk's
    /// own clock, uncorrected, so that a wrong clock shows. Changes nothing in the database.
    public func checkLink() async -> LinkCheck {
        let enrolment: SyncEnrolment
        let key: DeviceKey
        do {
            guard let found = try await store.enrolment() else { return LinkCheck(outcome: .notEnrolled) }
            enrolment = found
            guard let loaded = try DeviceKey.load(from: keyURL) else {
                return LinkCheck(
                    outcome: .refused, hubURL: found.hubURL, detail: SyncError.badKeyFile(keyURL.path).description)
            }
            key = loaded
        } catch {
            return LinkCheck(outcome: .refused, detail: "\(error)")
        }
        var check = LinkCheck(outcome: .unreachable, hubURL: enrolment.hubURL)
        let client: HubClient
        do {
            client = try HubClient(baseURL: enrolment.hubURL, caFile: caFile, timeout: .seconds(15))
            let sent = Date()
            let health = try await client.send("GET", "/health", signer: nil)
            let elapsed = Date().timeIntervalSince(sent)
            check.roundTripMilliseconds = Int(elapsed * 1000)
            if let date = health.headers["date"].flatMap(Self.httpDate) {
                // The hub's Date is cut to whole seconds (half a second early on average), and
                // was read about halfway through the round trip.
                check.clockOffsetSeconds = date.addingTimeInterval(0.5).timeIntervalSince(
                    sent.addingTimeInterval(elapsed / 2))
            }
            var target = LMISPath.changes
            if let cursor = try await store.cursor(),
                let encoded = cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
            {
                target += "?cursor=\(encoded)"
            }
            let signer = HubClient.Signer(
                key: key, keyID: RequestSigning.keyID(publicKey: key.privateKey.publicKey), now: { Date() })
            let answer = try await client.send("GET", target, signer: signer)
            switch answer.status {
            case 200:
                check.outcome = .accepted
            case 401 where answer.problem?.error == .staleTimestamp:
                check.outcome = .clockOff
                check.detail = answer.problem?.description
                if let hubTime = answer.problem.flatMap({ LMISTime.parse($0.serverTime) }) {
                    check.clockOffsetSeconds = hubTime.timeIntervalSinceNow
                }
            default:
                check.outcome = .refused
                check.detail = answer.problem?.description ?? "HTTP \(answer.status)"
            }
        } catch {
            check.detail = (error as? SyncError)?.description ?? "\(error)"
        }
        return check
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
