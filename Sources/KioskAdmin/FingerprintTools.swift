public import Fingerprint
import FingerprintUSB
public import Foundation

/// The technician's fingerprint commands: ISO/IEC 19794-2 records, and the USB readers.
public enum FingerprintTools {
    /// `kiosk fingerprint read-record`: the record checked, for a person or (`json`) for scripts.
    public static func readRecord(file: String, json: Bool) -> CommandOutput {
        guard let data = FileManager.default.contents(atPath: file) else {
            return CommandOutput(["error: cannot read \(file)"], exitCode: 1)
        }
        let record: MinutiaeRecord
        do {
            record = try MinutiaeRecord(bytes: [UInt8](data))
        } catch {
            return CommandOutput(["error: \(file) is not a valid ISO/IEC 19794-2:2005 record: \(error)"], exitCode: 1)
        }
        return CommandOutput(json ? [record.json] : record.summary(name: file, byteCount: data.count))
    }

    /// `kiosk fingerprint record`: each PNG image one finger view of the record written to `out`.
    /// Views of one finger are numbered 0, 1, … in the order given; `fingers` gives the positions
    /// in turn (0, unknown, for the rest).
    public static func record(images: [String], fingers: [Int], dpi: Int?, out: String) -> CommandOutput {
        let extractor = FeatureExtractor()
        var templates: [FingerprintTemplate] = []
        for path in images {
            guard let data = FileManager.default.contents(atPath: path) else {
                return CommandOutput(["error: cannot read \(path)"], exitCode: 1)
            }
            do {
                templates.append(extractor.extract(try GreyImage(png: [UInt8](data), dpi: dpi)))
            } catch {
                return CommandOutput(["error: \(path): \(error)"], exitCode: 1)
            }
        }
        var seen: [UInt8: UInt8] = [:]
        let views = templates.enumerated().map { index, template in
            let position = UInt8(index < fingers.count ? fingers[index] : 0)
            let number = seen[position, default: 0]
            seen[position] = number + 1
            return (fingerPosition: position, viewNumber: min(number, 15), template: template)
        }
        let record = MinutiaeRecord(views: views)
        guard let bytes = record.bytes else {
            return CommandOutput(["error: \(record.problems.joined(separator: "; "))"], exitCode: 1)
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            return CommandOutput(["error: cannot write \(out): \(error.localizedDescription)"], exitCode: 1)
        }
        return CommandOutput([
            "wrote \(out): \(bytes.count) bytes, \(views.count) finger view(s), "
                + record.views.map { "\($0.minutiae.count) minutiae" }.joined(separator: ", ")
        ])
    }

    /// `kiosk fingerprint list`: the supported readers on the bus, each with its state; exit 1 when there is none.
    public static func list() throws -> CommandOutput {
        let probes = try ReaderProbe.scan()
        if probes.isEmpty {
            return CommandOutput(["no supported reader found (supported: \(SensorModel.supported))"], exitCode: 1)
        }
        return CommandOutput(
            probes.map { probe in
                let state =
                    switch probe.state {
                    case .ready: "ready"
                    case .busy: "in use (the kiosk service has it)"
                    case .noAccess: "no access (check the udev rule and the service's group)"
                    case .openFailed(let error), .claimFailed(let error), .notAnswering(let error): "error: \(error)"
                    }
                let (info, model) = (probe.info, probe.model)
                return "\(model.name)  \(info.id)  bus \(info.bus) address \(info.address) port \(info.portPath)  "
                    + "driver \(model.driver)  \(model.width)x\(model.height) at \(model.dpi) dpi  \(state)"
            })
    }

    /// `kiosk fingerprint capture`: one image from the first supported reader, written as PNG.
    public static func capture(out: String, timeout: Int, say: (String) -> Void) throws -> CommandOutput {
        let context = try USBContext()
        guard let (info, model) = try context.supportedReaders().first else {
            return CommandOutput(["no supported reader found"], exitCode: 1)
        }
        let handle = try context.open(info)
        let driver = model.driver(for: handle)
        defer {
            driver.close()
            handle.close()
        }
        say("\(model.name) at port \(info.portPath): place a finger on the reader")
        do {
            try driver.open()
            let image = try driver.capture(CaptureControl(fingerTimeout: .seconds(timeout))) { say("finger down") }
            try Data(image.png()).write(to: URL(fileURLWithPath: out))
            let assessment = CaptureAssessment(image)
            return CommandOutput([
                "wrote \(out): \(image.width)x\(image.height) at \(image.dpi) dpi, coverage "
                    + "\(Int(assessment.coverage * 100)) %, \(assessment.problem.map { "problem: \($0.rawValue)" } ?? "acceptable")"
            ])
        } catch let error as ReaderError {
            return CommandOutput(["capture failed: \(error)"], exitCode: 1)
        }
    }
}
