import Foundation
import Hummingbird
import KioskCore

/// `/api/v1/display/voices`: which announcement clip sets the board can speak with.
struct VoiceAPI: Sendable {
    /// `Kiosk/` folder, whose `assets/audio/` holds the clips.
    let kioskDirectory: URL

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("display/voices") { _, _ in try voices() }
    }

    struct VoiceSet: Encodable {
        let complete: Bool
        let missing: Int
    }

    /// Which announcement clip sets are complete in `Kiosk/assets/audio/<language>/`. The board
    /// speaks only with a complete set, and otherwise chimes and flashes; the console says so.
    func voices() throws -> Response {
        let audio = kioskDirectory.appendingPathComponent("assets/audio")
        guard let data = try? Data(contentsOf: audio.appendingPathComponent("phrases.json")),
            let phrases = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return try JSON.response([String: VoiceSet]()) }
        var sets: [String: VoiceSet] = [:]
        for language in Language.allCases {
            let keys = (phrases[language.rawValue] as? [String: Any])?.keys.map { $0 } ?? []
            let missing = keys.filter { key in
                !FileManager.default.fileExists(
                    atPath: audio.appendingPathComponent("\(language.rawValue)/\(key).wav").path)
            }.count
            sets[language.rawValue] = VoiceSet(complete: !keys.isEmpty && missing == 0, missing: missing)
        }
        return try JSON.response(sets)
    }
}
