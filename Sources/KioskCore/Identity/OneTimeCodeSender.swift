/// Sends a one-time code to the phone on file, so a returning visitor can prove who they are
/// with their phone. The seam for the office's SMS link (roadmap: messages to jobseekers by
/// SMS): no adapter exists yet, so `IdentityProofs` offers the code only where one is configured.
public protocol OneTimeCodeSender: Sendable {
    /// Sends `code` to `phone`, worded in `language`. Throws when the message could not be sent.
    func send(code: String, to phone: PhoneNumber, language: Language) async throws
}
