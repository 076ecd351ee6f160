import FingerprintUSB
import Foundation
import Testing

@Suite("udev rule for the readers")
struct UdevRuleTests {
    @Test("every supported reader has a rule giving the service's group access")
    func everyReaderHasARule() throws {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Provisioning/udev/70-lswo-kiosk.rules")
        let lines = try String(contentsOf: rules, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        for model in SensorModel.all {
            let vendor = String(format: "%04x", model.id.vendor)
            let product = String(format: "%04x", model.id.product)
            let rule = lines.first {
                $0.contains("ATTR{idVendor}==\"\(vendor)\"") && $0.contains("ATTR{idProduct}==\"\(product)\"")
            }
            #expect(rule?.contains("GROUP=\"lswo-kiosk\"") == true, "\(model)")
            #expect(rule?.contains("MODE=\"0660\"") == true, "\(model)")
        }
    }
}
