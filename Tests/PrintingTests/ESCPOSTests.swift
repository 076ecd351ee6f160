import KioskCore
import Printing
import Testing

@Suite("ESC/POS commands and printer status")
struct ESCPOSTests {
    @Test("raster goes out as GS v 0 bands of at most 256 rows, with the row width in bytes")
    func rasterBands() {
        var bitmap = Bitmap(width: 20, height: 300)
        bitmap[0, 0] = true
        bitmap[19, 299] = true
        var commands = ESCPOS()
        commands.raster(bitmap)
        let bytes = commands.bytes
        // First band: 3 bytes wide (20 dots), 256 rows.
        #expect(Array(bytes.prefix(8)) == [0x1D, 0x76, 0x30, 0x00, 3, 0, 0x00, 0x01])
        #expect(bytes[8] == 0x80)
        let second = 8 + 3 * 256
        #expect(Array(bytes[second..<second + 8]) == [0x1D, 0x76, 0x30, 0x00, 3, 0, 44, 0])
        #expect(bytes.last == 0x10)  // dot 19 of the last row: bit 4 of its third byte
        #expect(bytes.count == 8 + 3 * 256 + 8 + 3 * 44)
    }

    @Test("a native QR code: model 2, module size, error correction, stored data with its length, print")
    func qrCode() {
        var commands = ESCPOS()
        commands.qrCode("http://k/t/1", moduleSize: 6, errorCorrection: .medium)
        let data = Array("http://k/t/1".utf8)
        #expect(
            commands.bytes
                == [0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0]
                + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 6]
                + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, 49]
                + [0x1D, 0x28, 0x6B, UInt8(data.count + 3), 0, 0x31, 0x50, 0x30] + data
                + [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30])
    }

    @Test(
        "DLE EOT replies read as faults (Epson's bit meanings, replies as emupos and TM printers send them)",
        arguments: [
            ([0x12, 0x12, 0x12, 0x12], []),
            ([0x12, 0x12, 0x12, 0x1E], [PrinterFault.paperLow]),
            ([0x1A, 0x32, 0x12, 0x7E], [.paperOut]),
            ([0x1A, 0x16, 0x12, 0x12], [.coverOpen]),
            ([0x1A, 0x12, 0x12, 0x12], [.offline]),
            ([0x1A, 0x12, 0x1A, 0x12], [.jam]),
            ([0x1A, 0x52, 0x32, 0x12], [.failed]),
            // Not status bytes (fixed bits wrong): ignored rather than misread.
            ([0xFF, 0x00, 0xFF, 0x00], []),
        ] as [([UInt8], [PrinterFault])])
    func statusBits(replies: [UInt8], expected: [PrinterFault]) {
        var table: [ESCPOS.StatusRequest: UInt8] = [:]
        for (request, byte) in zip(ESCPOS.StatusRequest.allCases, replies) { table[request] = byte }
        #expect(ESCPOS.faults(from: table) == expected)
    }

    @Test("CUPS printer-state-reasons map to faults; routine reasons need nobody")
    func stateReasons() {
        #expect(PrinterFault(stateReason: "media-empty-error") == .paperOut)
        #expect(PrinterFault(stateReason: "media-needed") == .paperOut)
        #expect(PrinterFault(stateReason: "media-jam-error") == .jam)
        #expect(PrinterFault(stateReason: "media-low-warning") == .paperLow)
        #expect(PrinterFault(stateReason: "door-open-error") == .coverOpen)
        #expect(PrinterFault(stateReason: "offline-report") == .offline)
        #expect(PrinterFault(stateReason: "paused") == .stopped)
        #expect(PrinterFault(stateReason: "fuser-over-temp-error") == .failed)
        #expect(PrinterFault(stateReason: "none") == nil)
        #expect(PrinterFault(stateReason: "connecting-to-device") == nil)
        let status = PrinterStatus(
            queue: "A4", state: .stopped, reasons: ["paused", "media-jam-error"], isAcceptingJobs: false)
        #expect(status.faults == [.jam, .stopped, .notAcceptingJobs])
    }

    @Test("status endpoints: from settings and from a CUPS socket:// device")
    func endpoints() {
        #expect(StatusEndpoint("192.168.1.50") == .tcp(host: "192.168.1.50", port: 9100))
        #expect(StatusEndpoint("tcp://printer.lan:9101") == .tcp(host: "printer.lan", port: 9101))
        #expect(StatusEndpoint("/dev/usb/lp0") == .device(path: "/dev/usb/lp0"))
        #expect(StatusEndpoint("host:99999") == nil)
        #expect(StatusEndpoint(deviceURI: "socket://10.0.0.7:9100?waiteof=false") == .tcp(host: "10.0.0.7", port: 9100))
        #expect(StatusEndpoint(deviceURI: "usb://EPSON/TM-T20III") == nil)
        #expect(PrintServer("127.0.0.1:631") == PrintServer(host: "127.0.0.1", port: 631))
        #expect(PrintServer("/run/cups/cups.sock") == PrintServer(host: "/run/cups/cups.sock", port: 0))
        #expect(PrintServer("host:0") == nil)
        #expect(ThermalPaper(configuration: "58mm") == .mm58)
    }
}
