import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Testing

@testable import KioskHTTP

@Suite("The kiosk's voice: clips of known phrases only, synthesised once, a recording first")
struct VoiceAPITests {
    @Test("a screen's text becomes clip URLs; each is a WAV espeak-ng made once and keeps")
    func planAndClips() async throws {
        let app = try await TestApp()
        try await app.test { client in
            let (planned, plan) = try await client.json(
                .post, "/api/v1/speech/plan",
                #"{"language": "mn", "texts": ["Тавтай морилно уу", "А-012", "ямар нэг үл мэдэгдэх"]}"#)
            #expect(planned.status == .ok)
            let utterances = try #require(plan["utterances"] as? [[String: Any]])
            #expect(utterances.count == 3)
            #expect(
                utterances[1]["clips"] as? [String] == [
                    "/api/v1/speech/clips/mn/letter00", "/api/v1/speech/clips/mn/n10a", "/api/v1/speech/clips/mn/n2",
                ])
            #expect((utterances[2]["unknownWords"] as? Int ?? 0) >= 2)

            let first = try await client.execute(uri: "/api/v1/speech/clips/mn/n5", method: .get) { $0 }
            #expect(first.status == .ok)
            #expect(first.headers[.contentType] == "audio/wav")
            #expect(first.headers[HTTPField.Name("X-Speech-Source")!] == "synthesised")
            let clip = try #require(WAVClip(Data(first.body.readableBytesView)))
            #expect(clip.problems().isEmpty)
            // Kept on disk: asked again, the same bytes from the cache.
            let cached = try FileManager.default.contentsOfDirectory(
                atPath: app.temp.directory.appendingPathComponent("speech-cache/mn").path)
            #expect(cached.count == 1 && cached[0].hasPrefix("n5-"))
            let second = try await client.execute(uri: "/api/v1/speech/clips/mn/n5", method: .get) { $0 }
            #expect(Data(second.body.readableBytesView) == Data(first.body.readableBytesView))
        }
    }

    @Test("a recording is played instead of the synthesised voice")
    func recordingFirst() async throws {
        let app = try await TestApp()
        let folder = app.temp.directory.appendingPathComponent("voice/mn")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let recorded = try await SpeechClips.synthesise(
            "ажилтан", voice: .init(name: "ky", wordsPerMinute: 120), espeak: "/usr/bin/espeak-ng",
            into: folder.appendingPathComponent("ticket.wav"))
        try await app.test { client in
            let answer = try await client.execute(uri: "/api/v1/speech/clips/mn/ticket", method: .get) { $0 }
            #expect(answer.headers[HTTPField.Name("X-Speech-Source")!] == "recorded")
            #expect(Data(answer.body.readableBytesView) == recorded)
            let (_, voices) = try await client.json(.get, "/api/v1/display/voices")
            let mn = try #require(voices["mn"] as? [String: Any])
            #expect(mn["complete"] as? Bool == true)
            #expect(mn["recorded"] as? Int == 1)
            #expect((mn["phrases"] as? Int ?? 0) > 400)
        }
    }

    @Test("no open synthesiser: unknown keys, paths and languages are 404; too much text is 400, in both languages")
    func refusals() async throws {
        let app = try await TestApp()
        try await app.test { client in
            for uri in [
                "/api/v1/speech/clips/mn/no.such.phrase", "/api/v1/speech/clips/mn/.hidden",
                "/api/v1/speech/clips/de/n5",
            ] {
                let (answer, body) = try await client.json(.get, uri)
                #expect(answer.status == .notFound, "\(uri)")
                #expect((body["error"] as? [String: Any])?["message"] != nil)
            }
            let (unknown, body) = try await client.json(.get, "/api/v1/speech/clips/mn/no.such.phrase")
            #expect(unknown.status == .notFound)
            let message = try #require((body["error"] as? [String: Any])?["message"] as? [String: String])
            #expect(
                message["mn"]?.contains("дуут жагсаалт") == true && message["en"]?.contains("spoken phrases") == true)
            let many = "[" + Array(repeating: "\"x\"", count: 41).joined(separator: ",") + "]"
            let (tooMany, tooManyBody) = try await client.json(
                .post, "/api/v1/speech/plan", #"{"language": "mn", "texts": \#(many)}"#)
            #expect(tooMany.status == .badRequest)
            #expect((tooManyBody["error"] as? [String: Any])?["code"] as? String == "speechTooMuch")
            let (badLanguage, _) = try await client.json(
                .post, "/api/v1/speech/plan", #"{"language": "de", "texts": []}"#)
            #expect(badLanguage.status == .badRequest)
            let (extra, _) = try await client.json(
                .post, "/api/v1/speech/plan", #"{"language": "mn", "texts": [], "voice": "ru"}"#)
            #expect(extra.status == .badRequest)
        }
    }
}
