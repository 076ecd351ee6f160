public import Foundation

extension MinutiaeRecord {
    /// The record as one line of JSON with sorted keys (`kiosk fingerprint read-record --json`):
    /// the header's fields, and each view with its minutiae (`type` is `ending`, `bifurcation`
    /// or `other`).
    public var json: String {
        let views: [[String: Any]] = views.map { view in
            [
                "fingerPosition": Int(view.fingerPosition), "viewNumber": Int(view.viewNumber),
                "impressionType": Int(view.impressionType), "quality": Int(view.quality),
                "minutiae": view.minutiae.map {
                    [
                        "type": $0.kind == .ending ? "ending" : $0.kind == .bifurcation ? "bifurcation" : "other",
                        "x": $0.x, "y": $0.y, "angle": Int($0.angle), "quality": Int($0.quality),
                    ] as [String: Any]
                },
            ]
        }
        let object: [String: Any] = [
            "width": width, "height": height, "resolution": [horizontalResolution, verticalResolution],
            "equipmentCertification": Int(equipmentCertification), "captureDeviceType": Int(captureDeviceType),
            "views": views, "extendedDataBytes": extendedData.map(\.count),
        ]
        // Only numbers, strings, arrays and dictionaries: serialisation cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The record for a person: a line for the header (`name`, its size), then one a view.
    public func summary(name: String, byteCount: Int) -> [String] {
        [
            "\(name): ISO/IEC 19794-2:2005, \(byteCount) bytes, image \(width)x\(height), "
                + "\(horizontalResolution)x\(verticalResolution) pixels/cm, \(views.count) finger view(s)"
        ]
            + views.map { view in
                let endings = view.minutiae.filter { $0.kind == .ending }.count
                let bifurcations = view.minutiae.filter { $0.kind == .bifurcation }.count
                return "  finger \(view.fingerPosition) view \(view.viewNumber) impression \(view.impressionType): "
                    + "quality \(view.quality), \(view.minutiae.count) minutiae "
                    + "(\(endings) endings, \(bifurcations) bifurcations)"
            }
    }
}
