import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import Logging
import NIOCore

/// The kiosk's voice, for the touchscreen's audio mode and the display board's announcements:
/// one source for both (`SpeechClips`: a recording, else espeak-ng).
///
/// Callers: the touchscreen and the display board, which have no sign-in (as every kiosk screen).
/// What keeps this from being an open speech synthesiser: only phrases of the catalogue are
/// spoken (a key, or a screen's text mapped to keys), synthesised once and kept, and every client
/// is throttled.
struct VoiceAPI: Sendable {
    let speech: LiveSpeech
    let throttle: Throttle
    let locales: Locales
    let strict: StrictJSON

    /// Most texts and characters one plan request may carry (a screen's question, its choices, its alerts).
    static let maximumTexts = 40
    static let maximumCharacters = 4000

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("display/voices") { _, _ in try await voices() }
        group.get("speech/clips/:language/:key") { _, context in
            try Throttles.take(throttle, context, locales)
            return try await clip(
                language: context.parameters.require("language"), key: context.parameters.require("key"),
                logger: context.logger)
        }
        group.post("speech/plan") { request, context in
            try Throttles.take(throttle, context, locales)
            return try await plan(request)
        }
    }

    struct VoiceSet: Encodable {
        /// Whether every phrase can be spoken (recorded, or synthesised).
        let complete: Bool
        /// Phrases neither recorded nor synthesisable.
        let missing: Int
        let phrases: Int
        let recorded: Int
        /// Phrases spoken by espeak-ng because no recording exists.
        let synthesised: Int
    }

    /// Per language: how many phrases are recorded and whether the rest can be synthesised. The
    /// board speaks a language whose set is complete; the console says which.
    func voices() async throws -> Response {
        let clips = try await speech.clips()
        var sets: [String: VoiceSet] = [:]
        let synthesis = clips.canSynthesise
        for language in Language.allCases {
            let phrases = clips.catalog.keys(language).count
            let recorded = clips.recordedCount(language)
            sets[language.rawValue] = VoiceSet(
                complete: phrases > 0 && (recorded == phrases || synthesis),
                missing: synthesis ? 0 : phrases - recorded, phrases: phrases, recorded: recorded,
                synthesised: synthesis ? phrases - recorded : 0)
        }
        return try JSON.response(sets)
    }

    func language(_ code: String) throws -> Language {
        guard let language = Language(rawValue: code) else {
            throw APIError(status: .notFound, code: "notFound", message: locales.both("api.notFound"))
        }
        return language
    }

    /// `GET speech/clips/{mn|en}/{key}`: the WAV of one phrase; `X-Speech-Source` says whether it is
    /// a recording or synthesised. 404 for a key that is no phrase.
    func clip(language code: String, key: String, logger: Logger) async throws -> Response {
        let language = try language(code)
        let found: (data: Data, source: SpeechClips.Source)?
        do {
            found = try await speech.clips().clip(key, language)
        } catch {
            logger.error(
                "speech clip could not be made",
                metadata: ["kiosk.speech.key": "\(key)", "kiosk.error": "\(String(describing: type(of: error)))"])
            throw APIError(
                status: .serviceUnavailable, code: "speechUnavailable", message: locales.both("api.speechUnavailable"))
        }
        guard let found else {
            throw APIError(
                status: .notFound, code: "speechUnknownPhrase", message: locales.both("api.speechUnknownPhrase"))
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "audio/wav", .cacheControl: "max-age=300",
                HTTPField.Name("X-Speech-Source")!: found.source.rawValue,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: found.data)))
    }

    struct PlanRequest: Decodable {
        let language: String
        let texts: [String]
    }

    struct Utterance: Encodable {
        let clips: [String]
        let unknownWords: Int
    }

    /// `POST speech/plan` `{"language": "mn", "texts": [...]}`: for each text as it stands on the
    /// screen, the clip URLs that speak it (its known phrases, numbers and letters; other words are
    /// left out and counted).
    func plan(_ request: Request) async throws -> Response {
        let body = try await strict.decode(PlanRequest.self, from: request, allowedKeys: ["language", "texts"])
        guard let language = Language(rawValue: body.language) else {
            throw APIError(
                status: .badRequest, code: "invalidFields", message: locales.both("api.invalidFields"),
                field: "language")
        }
        guard body.texts.count <= Self.maximumTexts,
            body.texts.reduce(0, { $0 + $1.count }) <= Self.maximumCharacters
        else {
            throw APIError(
                status: .badRequest, code: "speechTooMuch", message: locales.both("api.speechTooMuch"), field: "texts")
        }
        let catalog = try await speech.clips().catalog
        let utterances = body.texts.map { text in
            let plan = catalog.plan(text, language)
            return Utterance(
                clips: plan.keys.map { "/api/v1/speech/clips/\(language.rawValue)/\($0)" },
                unknownWords: plan.unknownWords)
        }
        return try JSON.response(["utterances": utterances])
    }
}
