public import Foundation

/// The short link in the weekly vacancy digest (issue 22): `{public_url}/v/{token}` opens the
/// person's list of matching vacancies on a phone. The token is random (16 characters of 57, about
/// 93 bits), names nobody, and expires; the kiosk keeps only its SHA-256.
public enum VacancyLink {
    /// Letters and digits that are not easily mistaken for each other.
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
    public static let length = 16
    /// How long a link opens the list: two weeks, so last week's link still works until the next.
    public static let lifetime: TimeInterval = 14 * 24 * 3600

    public static func token() -> String { Secret.code(length, from: alphabet) }

    /// True for a string that could be a token (anything else is refused before any lookup).
    public static func isWellFormed(_ token: String) -> Bool {
        token.count == length && token.allSatisfy { alphabet.contains($0) }
    }

    /// The digest kept of a token.
    public static func digest(_ token: String) -> String { Secret.digest(token) }
}

/// Where the kiosk finds whose list a link opens.
public protocol VacancyLinkSource: Sendable {
    /// The registration a well-formed, unexpired token opens; nil for an unknown or expired one.
    func registration(token: String, at now: Date) async throws -> UUID?
}
