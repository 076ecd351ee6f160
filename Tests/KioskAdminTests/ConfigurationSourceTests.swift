import Foundation
import KioskAdmin
import KioskApp
import KioskCore
import Logging
import Testing

@Suite("one configuration loader for every command")
struct ConfigurationSourceTests {
    static let file = """
        # western office
        office_code = MN-043
        office_unit = MN-043
        time_zone = Asia/Hovd
        port = 9000
        thermal_queue = Receipt
        office_name_en = "Khovd #1"
        """

    @Test func serveDoctorPrintersStaffSyncAndProvisionSeeTheSameSettings() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-config-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.conf").path
        try Self.file.write(toFile: path, atomically: true, encoding: .utf8)
        let environment = ["KIOSK_PORT": "9100", "KIOSK_A4_QUEUE": "Office", "KIOSK_DATA_DIR": "/nowhere"]
        let source = ConfigurationSource(
            file: path, environment: environment, flags: ["data_dir": folder.path, "host": nil])

        let serve = try source.load()
        #expect(serve.officeCode == "MN-043" && serve.timeZone == "Asia/Hovd" && serve.officeNameEN == "Khovd #1")
        #expect(serve.port == 9100 && serve.a4Queue == "Office" && serve.thermalQueue == "Receipt")
        #expect(serve.dataDirectory == folder.path && serve.host == "127.0.0.1")

        #expect(try Doctor(source: source).configuration == serve)
        #expect(try PrinterAdministration(source: source).configuration == serve)
        #expect(try StaffAdministration(source: source).configuration == serve)
        #expect(try SyncAdministration(source: source, logger: Logger(label: "test")).configuration == serve)
        // provision has no --data-dir: the file and the environment.
        var request = ProvisionRequest(configPath: path)
        request.environment = environment
        let provision = try Provisioner(request: request, prompter: nil, say: { _ in }).configuration()
        #expect(provision == (try ConfigurationSource(file: path, environment: environment).load()))
        #expect(provision.dataDirectory == "/nowhere" && provision.port == 9100)
    }

    @Test func flagsOverrideTheEnvironmentWhichOverridesTheFile() throws {
        let source = ConfigurationSource(
            file: nil, environment: ["KIOSK_PORT": "9100", "KIOSK_HOST": "0.0.0.0"], flags: ["port": "9200"])
        let configuration = try source.load(fileText: "port = 9000\nlanguage = en\n")
        #expect(configuration.port == 9200 && configuration.host == "0.0.0.0" && configuration.defaultLanguage == .en)
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: UnreadableConfigFile(path: "/nonexistent/kiosk.conf", permissionDenied: false)) {
            try ConfigurationSource(file: "/nonexistent/kiosk.conf", environment: [:]).load()
        }
        #expect(
            UnreadableConfigFile(path: "/x.conf", permissionDenied: false).description
                == "cannot read config file /x.conf")
    }

    @Test func aBadFlagIsNamed() {
        #expect(throws: ConfigurationError.self) {
            try ConfigurationSource(file: nil, environment: [:], flags: ["port": "http"]).load()
        }
    }
}
