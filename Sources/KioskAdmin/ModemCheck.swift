import Foundation

/// The office's USB GSM modem as the kernel sees it (issue 22): a modem of a make the udev rule
/// names (`Provisioning/udev/70-lswo-kiosk.rules`) with a serial port, read from sysfs, so a
/// modem pulled out is told apart from a daemon that is stopped. `root` is `/sys` (umockdev
/// redirects it to its test bed in tests).
public struct USBModem: Sendable, Equatable {
    public var vendorID: String
    public var productID: String
    public var name: String
    /// The USB port (`1-2`) and the serial ports it offers (`ttyUSB0`).
    public var port: String
    public var ttys: [String]

    /// USB vendor ids of the modems the udev rule gives `/dev/gsm-modem`: Huawei, ZTE, Quectel, SIMCom.
    public static let vendors = ["12d1": "Huawei", "19d2": "ZTE", "2c7c": "Quectel", "1e0e": "SIMCom"]

    /// The `Device` of the `[gammu]` section of gammu-smsd's configuration (`/dev/gsm-modem`).
    public static func device(smsdrc: String) -> String? {
        guard let text = try? String(contentsOfFile: smsdrc, encoding: .utf8) else { return nil }
        var section = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                section = line.lowercased()
                continue
            }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if section == "[gammu]", parts.count == 2, parts[0].lowercased() == "device" { return parts[1] }
        }
        return nil
    }

    /// The modems on USB now, in port order.
    public static func scan(root: String = "/sys") -> [USBModem] {
        let devices = root + "/bus/usb/devices"
        let manager = FileManager.default
        func attribute(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var found: [USBModem] = []
        for port in (try? manager.contentsOfDirectory(atPath: devices))?.sorted() ?? [] where !port.contains(":") {
            let device = devices + "/" + port
            guard let vendor = attribute(device + "/idVendor"), let make = vendors[vendor] else { continue }
            var ttys: [String] = []
            let interfaces = ((try? manager.contentsOfDirectory(atPath: device)) ?? []).filter {
                $0.hasPrefix(port + ":")
            }
            for interface in interfaces.sorted() {
                let entries = (try? manager.contentsOfDirectory(atPath: device + "/" + interface)) ?? []
                ttys += entries.filter { $0.hasPrefix("ttyUSB") || $0.hasPrefix("ttyACM") }
            }
            let product = attribute(device + "/product") ?? attribute(device + "/idProduct") ?? ""
            found.append(
                USBModem(
                    vendorID: vendor, productID: attribute(device + "/idProduct") ?? "",
                    name: "\(make) \(product)".trimmingCharacters(in: .whitespaces), port: port, ttys: ttys.sorted()))
        }
        return found
    }
}

extension Doctor {
    /// `usb_modem`: a USB GSM modem with a serial port is plugged in. Said in English and
    /// Mongolian (office staff read it); the messages wait in the queue while it is out.
    public static func usbModemCheck(_ modems: [USBModem], waiting: Int) -> DoctorReport.Check {
        let name = "usb_modem"
        guard let modem = modems.first(where: { !$0.ttys.isEmpty }) else {
            let english =
                modems.isEmpty
                ? "no USB GSM modem is plugged in: plug it in again; \(waiting) messages wait and go once it is back"
                : "the USB GSM modem \(modems[0].name) offers no serial port yet: unplug it and plug it in again"
            let mongolian =
                modems.isEmpty
                ? "USB GSM модем залгаагүй байна: дахин залгана уу; \(waiting) мессеж хүлээж байгаа, модем ирэхэд илгээгдэнэ"
                : "USB GSM модем \(modems[0].name) цуваа порт үүсгээгүй байна: салгаад дахин залгана уу"
            return .init(
                name, .failure, english, summaryMN: mongolian,
                facts: ["modems": "\(modems.count)", "waiting": "\(waiting)"])
        }
        return .init(
            name, .ok, "\(modem.name) at USB port \(modem.port), \(modem.ttys.joined(separator: ", "))",
            summaryMN: "\(modem.name) модем USB порт \(modem.port)-д залгаатай, \(modem.ttys.joined(separator: ", "))",
            facts: [
                "modem": modem.name, "usb_id": "\(modem.vendorID):\(modem.productID)", "port": modem.port,
                "tty": modem.ttys.joined(separator: ","),
            ])
    }
}
