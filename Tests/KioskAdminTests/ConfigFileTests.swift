import Foundation
import KioskAdmin
import KioskApp
import KioskCore
import Testing

@Suite("the config file kiosk provision edits")
struct ConfigFileTests {
    let shipped = """
        # LSWO Kiosk configuration
        host = 127.0.0.1
        port = 8080   # the local service

        # Set during provisioning:
        # office_code = UB-SB
        # thermal_queue = Thermal
        """

    @Test func aSettingIsChangedInItsLineAndEverythingElseStays() throws {
        var file = ConfigFile(text: shipped)
        try file.set("port", "9000")
        #expect(
            file.text == shipped.replacingOccurrences(of: "port = 8080   # the local service", with: "port = 9000")
                + "\n")
        #expect(file.value("port") == "9000")
    }

    @Test func aCommentedExampleBecomesTheSettingAndAnUnknownOneIsAppended() throws {
        var file = ConfigFile(text: shipped)
        try file.set("office_code", "MN-043")
        try file.set("time_zone", "Asia/Hovd")
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains("office_code = MN-043"))
        #expect(!lines.contains("# office_code = UB-SB"))
        #expect(lines.contains("# thermal_queue = Thermal"))
        #expect(lines.dropLast().last == "time_zone = Asia/Hovd")
        #expect(try file.validated().office.timeZone.identifier == "Asia/Hovd")
    }

    @Test func anEmptyValueAndOneWithSpacesRoundTrip() throws {
        var file = ConfigFile(text: "")
        try file.set("a4_queue", "")
        try file.set("office_name_en", "Khovd Aimag Labour Office ")
        let configuration = try file.validated()
        #expect(configuration.a4Queue == "")
        #expect(configuration.officeNameEN == "Khovd Aimag Labour Office ")
        #expect(ConfigFile(text: file.text).value("office_name_en") == "Khovd Aimag Labour Office ")
    }

    @Test func aValueThatWouldBreakTheFileIsRefused() {
        var file = ConfigFile(text: shipped)
        #expect(throws: ConfigurationError.self) { try file.set("office_name_en", "Office #3") }
        #expect(throws: ConfigurationError.self) { try file.set("office_name_en", "two\nlines") }
        #expect(file == ConfigFile(text: shipped))
    }

    @Test func changesListWhatDiffers() throws {
        let before = ConfigFile(text: shipped)
        var after = before
        try after.set("port", "9000")
        try after.set("office_code", "UB-BZ")
        let changes = before.changes(to: after)
        #expect(changes.map(\.key) == ["office_code", "port"])
        #expect(changes[0].before == nil && changes[0].after == "UB-BZ")
        #expect(changes[1].before == "8080" && changes[1].after == "9000")
        #expect(before.changes(to: before).isEmpty)
    }

    @Test func writingReplacesTheFileWholeAndKeepsItsMode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.conf").path
        var file = ConfigFile(text: shipped)
        try file.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == shipped + "\n")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o640)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try file.set("port", "9000")
        try file.write(to: path)
        #expect(try ConfigFile(contentsOf: path).value("port") == "9000")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["kiosk.conf"])
    }

    @Test func aMissingFileIsAnEmptyOne() throws {
        let file = try ConfigFile(contentsOf: "/nonexistent/kiosk.conf")
        #expect(file.text == "")
    }

    @Test func aValueStartingWithAQuoteRoundTripsThroughTheFile() throws {
        var file = ConfigFile(text: "")
        try file.set("office_name_en", "\"Best\" office")
        #expect(file.text == "office_name_en = \"\"Best\" office\"\n")
        #expect(try file.validated().officeNameEN == "\"Best\" office")
        #expect(file.value("office_name_en") == "\"Best\" office")
    }
}
