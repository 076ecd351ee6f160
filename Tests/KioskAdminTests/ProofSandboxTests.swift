import Foundation
import Testing

@testable import KioskAdmin

@Suite("the boot check's proof borrows kiosk.service's sandbox")
struct ProofSandboxTests {
    static let unitFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Provisioning/image/kiosk.service")

    @Test func theImagesUnitGivesItsHardeningAndNotItsLifecycle() throws {
        let text = try String(contentsOf: Self.unitFile, encoding: .utf8)
        let sandbox = ProofSandbox.parse(unitText: "# /usr/lib/systemd/system/kiosk.service\n" + text)
        #expect(sandbox.user == "kiosk" && sandbox.group == "kiosk")
        for setting in [
            "NoNewPrivileges=yes", "CapabilityBoundingSet=", "ProtectSystem=strict", "StateDirectory=kiosk",
            "DeviceAllow=char-usb rw", "SystemCallFilter=@system-service", "SystemCallFilter=~@privileged @resources",
            "SupplementaryGroups=lswo-kiosk", "LimitNICE=-4", "SystemCallErrorNumber=EPERM",
        ] {
            #expect(sandbox.properties.contains(setting), "\(setting)")
        }
        // The filter's order is its meaning: the allow list, the ones taken out, the one put back.
        let filters = sandbox.properties.filter { $0.hasPrefix("SystemCallFilter=") }
        #expect(
            filters == [
                "SystemCallFilter=@system-service", "SystemCallFilter=~@privileged @resources",
                "SystemCallFilter=setpriority",
            ])
        for key in ["Type", "ExecStart", "WatchdogSec", "NotifyAccess", "Restart", "RestartSec", "Description"] {
            #expect(!sandbox.properties.contains { $0.hasPrefix(key + "=") }, "\(key)")
        }
        // Every [Service] line of the file but the lifecycle ones, none of [Unit] or [Install].
        var section = ""
        var expected = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = String(line) }
            if section == "[Service]", let key = line.split(separator: "=").first,
                !ProofSandbox.lifecycle.contains(String(key)), line.contains("=")
            {
                expected += 1
            }
        }
        #expect(sandbox.properties.count == expected && expected >= 30)
    }

    @Test func dropInsComeAfterTheFileAndLinesJoin() {
        let sandbox = ProofSandbox.parse(
            unitText: """
                # /usr/lib/systemd/system/kiosk.service
                [Unit]
                Description=x
                [Service]
                ExecStart=/usr/bin/kiosk serve
                User=kiosk
                SystemCallFilter=@system-service \\
                    @network-io

                # /run/systemd/system/kiosk.service.d/90-test.conf
                [Service]
                SystemCallFilter=~bind
                User=other
                """)
        #expect(
            sandbox.properties == [
                "User=kiosk", "SystemCallFilter=@system-service @network-io", "SystemCallFilter=~bind", "User=other",
            ])
        #expect(sandbox.user == "other" && sandbox.group == nil)
    }

    @Test func systemdRunGetsEverySettingThenTheProofsOwn() {
        let sandbox = ProofSandbox(properties: ["User=kiosk", "SystemCallFilter=~@privileged @resources"])
        let arguments = sandbox.runArguments(
            command: ["/usr/bin/kiosk", "serve"], environment: ["KIOSK_TLS_PORT": "", "KIOSK_SMS_ROUTE": "none"],
            log: URL(fileURLWithPath: "/var/lib/kiosk/boot-check/serve.log"))
        #expect(
            arguments == [
                "--quiet", "--unit=kiosk-boot-check.service", "--service-type=exec", "--property=User=kiosk",
                "--property=SystemCallFilter=~@privileged @resources",
                "--property=StandardOutput=append:/var/lib/kiosk/boot-check/serve.log",
                "--property=StandardError=append:/var/lib/kiosk/boot-check/serve.log",
                "--setenv=KIOSK_SMS_ROUTE=none", "--setenv=KIOSK_TLS_PORT=", "--", "/usr/bin/kiosk", "serve",
            ])
    }
}
