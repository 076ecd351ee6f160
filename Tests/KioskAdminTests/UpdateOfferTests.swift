import Foundation
import KioskAdmin
import KioskApp
import LMISProtocol
import LMISSync
import Testing

@Suite("updates offered by the hub and downloaded by kiosk update")
struct UpdateOfferTests {
    let good = UpdateOffer(
        channel: "pilot", version: "0.7.0", url: "https://updates.example.mn/lswo-kiosk-0.7.0.raucb",
        sizeBytes: 600 << 20, sha256: String(repeating: "ab", count: 32), publishedAt: nil)

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("update-offer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func anOfferNeedsAChannelVersionHTTPSAddressSizeAndSHA256() {
        #expect(good.problems.isEmpty)
        var bad = good
        bad.channel = "Pilot!"
        bad.version = "0.7 beta"
        bad.url = "http://updates.example.mn/x.raucb"
        bad.sizeBytes = 0
        bad.sha256 = String(repeating: "AB", count: 32)
        #expect(
            bad.problems.map { $0.prefix(while: { $0 != ":" }) } == [
                "channel", "version", "url", "sizeBytes", "sha256",
            ])
        #expect(UpdateOffer.isChannel("stable") && UpdateOffer.isChannel("pilot-2"))
        #expect(
            !UpdateOffer.isChannel("-x") && !UpdateOffer.isChannel("")
                && !UpdateOffer.isChannel(String(repeating: "a", count: 33)))
    }

    @Test func theChannelSettingIsChecked() throws {
        var configuration = KioskConfiguration()
        #expect(configuration.updateChannel == "stable")
        try configuration.set("update_channel", "pilot")
        #expect(configuration.updateChannel == "pilot")
        #expect(throws: ConfigurationError.self) { try configuration.set("update_channel", "Pilot") }
        #expect(throws: ConfigurationError.self) { try configuration.set("update_max_mib", "1") }
    }

    @Test func theDoctorSaysWhenAnotherVersionIsOffered() throws {
        let data = try folder()
        defer { try? FileManager.default.removeItem(at: data) }
        var configuration = KioskConfiguration()
        configuration.dataDirectory = data.path
        let doctor = Doctor(configuration: configuration)
        #expect(doctor.updateCheck().verdict == .ok)
        try UpdateOfferRecord.keep(good, in: data)
        let offered = doctor.updateCheck()
        #expect(offered.verdict == .warning)
        #expect(
            offered.summary
                == "update available: version 0.7.0 on channel pilot (600.0 MiB); install with kiosk update --latest")
        var same = good
        same.version = KioskServer.softwareVersion
        try UpdateOfferRecord.keep(same, in: data)
        #expect(doctor.updateCheck().verdict == .ok)
        // An answer without an offer removes the kept one.
        try UpdateOfferRecord.keep(nil, in: data)
        #expect(UpdateOfferRecord.read(in: data) == nil)
    }

    @Test func aDownloadIsRefusedBeforeAnythingIsFetchedOrWritten() throws {
        let data = try folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let updates = data.appendingPathComponent("updates")
        func refusal(_ url: String, sha256: String? = nil, size: Int64? = nil) -> String {
            let download = BundleDownload(
                url: url, sha256: sha256, sizeBytes: size, maxBytes: 1 << 30, caFile: nil, directory: updates,
                curl: "/nonexistent/curl")
            do {
                _ = try download.run()
                return "downloaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal("http://updates.example.mn/a.raucb").hasPrefix("only https:// addresses"))
        #expect(refusal("/media/usb/a.raucb").hasPrefix("only https:// addresses"))
        #expect(refusal("https://updates.example.mn/a.raucb", sha256: "123").hasPrefix("--sha256 must be"))
        #expect(refusal("https://updates.example.mn/a.raucb", size: 2 << 30).contains("more than the limit"))
        #expect(!FileManager.default.fileExists(atPath: updates.path))
    }
}
