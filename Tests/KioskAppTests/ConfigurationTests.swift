import Foundation
import KioskApp
import KioskCore
import Printing
import Testing

@Suite("kiosk serve configuration")
struct ConfigurationTests {
    @Test func defaultsServeTheDemoOffice() {
        let configuration = KioskConfiguration()
        #expect(configuration.port == 8080)
        #expect(configuration.office.code == "UB-SB")
        #expect(configuration.office.timeZone.identifier == "Asia/Ulaanbaatar")
        #expect(configuration.defaultLanguage == .mn)
    }

    @Test func fileThenEnvironmentThenFlagsEachOverrideTheLast() throws {
        var configuration = KioskConfiguration()
        try configuration.apply(
            fileContents: """
                # western office
                office_code = MN-043
                office_unit = "MN-043"
                time_zone = Asia/Hovd
                port = 9000
                """, path: "kiosk.conf")
        try configuration.apply(environment: ["KIOSK_PORT": "9100", "PATH": "/bin"])
        try configuration.set("host", "0.0.0.0")
        #expect(configuration.office.code == "MN-043")
        #expect(configuration.office.timeZone.identifier == "Asia/Hovd")
        #expect(configuration.port == 9100)
        #expect(configuration.host == "0.0.0.0")
    }

    @Test(arguments: [
        ("port", "70000"), ("port", "http"), ("time_zone", "Mars/Olympus"), ("language", "ru"),
        ("office_code", "ub sb"), ("idle_seconds", "1"), ("colour", "blue"),
        ("public_url", "kiosk.lan"), ("thermal_queue", "Receipt Printer"), ("a4_queue", "a/b"),
        ("thermal_paper", "72"), ("thermal_status", "printer:port"), ("cups_server", ""), ("tls_port", "https"),
        ("allow_http_hub", "yes"), ("closed_days", "2027-02-30"), ("closed_days", "8 Feb"),
    ])
    func badValuesAreNamed(_ key: String, _ value: String) {
        var configuration = KioskConfiguration()
        #expect(throws: ConfigurationError.self) { try configuration.set(key, value) }
        do {
            try configuration.set(key, value)
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix(key))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func closedDaysAreAListOfDates() throws {
        var configuration = KioskConfiguration()
        try configuration.apply(environment: ["KIOSK_CLOSED_DAYS": "2027-02-08, 2027-02-09,2027-02-10"])
        #expect(
            configuration.closedDays
                == Set(["2027-02-08", "2027-02-09", "2027-02-10"].compactMap { CivilDate(iso8601: $0) }))
        try configuration.set("closed_days", "")
        #expect(configuration.closedDays.isEmpty)
    }

    @Test func httpsForStaffIsOffUntilATLSPortIsSetAndItsFilesDefaultToTheDataFolder() throws {
        var configuration = KioskConfiguration()
        #expect(configuration.tlsPort == nil && !configuration.allowHTTPHub)
        try configuration.apply(fileContents: "data_dir = /var/lib/kiosk\ntls_port = 8443\n", path: "kiosk.conf")
        #expect(configuration.tlsPort == 8443 && configuration.tlsHost == "0.0.0.0")
        #expect(configuration.tlsFiles.certificate == "/var/lib/kiosk/tls/server.pem")
        #expect(configuration.tlsFiles.key == "/var/lib/kiosk/tls/server.key")
        try configuration.set("tls_cert_file", "/etc/ssl/office.pem")
        #expect(configuration.tlsFiles.certificate == "/etc/ssl/office.pem")
        // The demo PIN only while the demo accounts are on.
        #expect(configuration.signInPolicy.demoMode)
        try configuration.set("demo_staff", "false")
        #expect(!configuration.signInPolicy.demoMode)
    }

    @Test func badFileLinesNameTheLine() {
        var configuration = KioskConfiguration()
        #expect(throws: ConfigurationError(key: "kiosk.conf:2", problem: "is not a `key = value` line")) {
            try configuration.apply(fileContents: "port = 8080\nnonsense\n", path: "kiosk.conf")
        }
    }

    @Test func printersFromSettings() throws {
        var configuration = KioskConfiguration()
        try configuration.apply(
            fileContents: """
                cups_server = 127.0.0.1:6310
                thermal_queue = Kiosk-Receipt
                a4_queue =
                thermal_paper = 58
                thermal_status = /dev/usb/lp0
                public_url = http://192.168.10.5:8080
                """, path: "kiosk.conf")
        let printing = try KioskServer.printConfiguration(configuration)
        #expect(printing.server == PrintServer(host: "127.0.0.1", port: 6310))
        #expect(printing.thermalQueue == "Kiosk-Receipt")
        #expect(printing.a4Queue == nil)
        #expect(printing.paper == .mm58)
        #expect(printing.thermalStatus == .endpoint(.device(path: "/dev/usb/lp0")))
        #expect(configuration.publicURL == "http://192.168.10.5:8080")
        #expect(try KioskServer.printConfiguration(KioskConfiguration()).thermalStatus == .automatic)
    }
}

@Suite("kiosk config file lines")
struct ConfigLineTests {
    @Test func aHashInAValueOrInQuotesIsKeptAndACommentAfterABlankIsNot() throws {
        var configuration = KioskConfiguration()
        try configuration.apply(
            fileContents: """
                office_name_en = Office#3 # a comment
                office_name_mn = "Салбар #3"  # quoted
                public_url = http://kiosk.lan:8080/#top
                """, path: "kiosk.conf")
        #expect(configuration.officeNameEN == "Office#3")
        #expect(configuration.officeNameMN == "Салбар #3")
        #expect(configuration.publicURL == "http://kiosk.lan:8080/#top")
    }

    @Test func anUnclosedQuoteNamesTheLine() {
        var configuration = KioskConfiguration()
        #expect(
            throws: ConfigurationError(
                key: "kiosk.conf:2",
                problem: "has a quoted value without its closing `\"` (only a `#` comment may follow one)")
        ) {
            try configuration.apply(fileContents: "port = 8080\noffice_name_en = \"Office\n", path: "kiosk.conf")
        }
    }
}
