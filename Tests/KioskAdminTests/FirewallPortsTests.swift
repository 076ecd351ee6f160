import Foundation
import KioskAdmin
import KioskApp
import Testing

@Suite("the firewall lets in the kiosk's configured ports")
struct FirewallPortsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theSetIsRefilledWithPortAndTLSPort() {
        var configuration = KioskConfiguration()
        configuration.port = 9090
        configuration.tlsPort = 9443
        #expect(
            FirewallPorts.script(configuration)
                == "flush set inet lswo_filter kiosk_ports\nadd element inet lswo_filter kiosk_ports { 9090, 9443 }\n")
        configuration.tlsPort = nil
        #expect(FirewallPorts.ports(configuration) == [9090])
        // The same port twice is one element (nft refuses a set with a duplicate); 0 is no port.
        configuration.tlsPort = 9090
        #expect(FirewallPorts.ports(configuration) == [9090])
        configuration.port = 0
        configuration.tlsPort = nil
        #expect(FirewallPorts.script(configuration) == "flush set inet lswo_filter kiosk_ports\n")
    }

    /// The appliance's nftables.conf, loaded by the real nft in a network namespace of its own,
    /// then the generated commands: the set holds the configured ports, not 8080 and 8443.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft")))
    func nftTakesTheScriptOnTheAppliancesRules() throws {
        var configuration = KioskConfiguration()
        configuration.port = 8181
        configuration.tlsPort = 8444
        let script = FirewallPorts.script(configuration)
        let rules = Self.repository.appendingPathComponent("Provisioning/image/nftables.conf").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = [
            "--net", "sh", "-c",
            "nft -f \"$1\" && printf '%s' \"$2\" | nft -f - && nft list set inet lswo_filter kiosk_ports", "sh",
            rules, script,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.contains("elements = { 8181, 8444 }"), "\(said)")
        #expect(!said.contains("8080"), "\(said)")
    }
}
