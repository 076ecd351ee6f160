import Foundation
import LMISProtocol
import Testing

@testable import LMISHub

/// Publishing a channel's update bundle (`PUT /admin/update-channels/{channel}`) against a real
/// PostgreSQL: a version kiosks can order, and a channel that moves forward unless rolled back.
@Suite(.serialized) struct UpdateChannelTests {
    struct Body: Encodable {
        var version: String
        var url = "https://updates.example.mn/lswo-kiosk.raucb"
        var sizeBytes: Int64 = 600 << 20
        var sha256 = String(repeating: "ab", count: 32)
        var allowDowngrade: Bool?

        init(_ version: String, allowDowngrade: Bool? = nil) {
            self.version = version
            self.allowDowngrade = allowDowngrade
        }
    }

    func offered(_ hub: HubHarness, _ channel: String) async throws -> String? {
        let (status, data) = try await hub.call("GET", "/admin/update-channels")
        #expect(status == 200)
        return try LMISCoding.decoder.decode([UpdateOffer].self, from: data).first { $0.channel == channel }?.version
    }

    @Test func aChannelMovesForwardUnlessTheOperatorRollsItBack() async throws {
        let hub = try await HubHarness.start()
        defer { Task { await hub.stop() } }
        #expect(try await hub.call("PUT", "/admin/update-channels/pilot", Body("0.9.2")).0 == 200)
        // 0.10.0 is newer than 0.9.2 (runs of digits, not text).
        #expect(try await hub.call("PUT", "/admin/update-channels/pilot", Body("0.10.0")).0 == 200)
        // The same version again (a corrected address or checksum) is taken.
        #expect(try await hub.call("PUT", "/admin/update-channels/pilot", Body("0.10.0")).0 == 200)

        // A slip to an older version is refused, and says how to roll back.
        let (status, data) = try await hub.call("PUT", "/admin/update-channels/pilot", Body("0.9.3"))
        let said = String(decoding: data, as: UTF8.self)
        #expect(status == 409)
        #expect(said.contains("offers 0.10.0") && said.contains("allowDowngrade"))
        #expect(try await offered(hub, "pilot") == "0.10.0")
        // Another channel is not held by this one's version.
        #expect(try await hub.call("PUT", "/admin/update-channels/stable", Body("0.8.0")).0 == 200)

        // Rolled back on purpose.
        #expect(try await hub.call("PUT", "/admin/update-channels/pilot", Body("0.9.3", allowDowngrade: true)).0 == 200)
        #expect(try await offered(hub, "pilot") == "0.9.3")

        // A name that cannot be ordered is refused before anything is stored.
        for version in ["latest", "v1.0", "1.0 beta", "", String(repeating: "1", count: 41)] {
            let (status, data) = try await hub.call("PUT", "/admin/update-channels/pilot", Body(version))
            #expect(status == 400, "\(version)")
            #expect(String(decoding: data, as: UTF8.self).contains("version"))
        }
        #expect(try await offered(hub, "pilot") == "0.9.3")
    }

    @Test func versionsAreOrderedByTheirNumbers() {
        #expect(UpdateOffer.compareVersions("0.9.2", "0.10.0") < 0)
        #expect(UpdateOffer.compareVersions("1.0", "1.0.0") == 0)
        #expect(UpdateOffer.compareVersions("2026.12.1-pilot", "2026.11.30") > 0)
        #expect(UpdateOffer.compareVersions("2", "10") < 0)
        #expect(UpdateOffer.isVersion("0.7.0") && UpdateOffer.isVersion("2"))
        #expect(UpdateOffer.isVersion("1.2.3+build.7~rc1"))
        #expect(!UpdateOffer.isVersion("stable") && !UpdateOffer.isVersion("v1") && !UpdateOffer.isVersion("1 2"))
    }
}
