public import Foundation
public import LMISProtocol

/// The update the hub offers this kiosk's channel (`DATA/update-offer.json`), kept from the
/// answer to each heartbeat: `kiosk doctor` reports it as available, `kiosk update --latest`
/// installs it. No offer in the answer removes the file.
public enum UpdateOfferRecord {
    public static func file(in dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("update-offer.json")
    }

    /// Keeps `offer` (or removes the kept one when nil).
    public static func keep(_ offer: UpdateOffer?, in dataDirectory: URL) throws {
        let url = file(in: dataDirectory)
        guard let offer else {
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            return
        }
        try LMISCoding.encoder.encode(offer).write(to: url, options: .atomic)
    }

    /// The offer kept from the last heartbeat's answer, and when it was kept; nil when none.
    public static func read(in dataDirectory: URL) -> (offer: UpdateOffer, keptAt: Date)? {
        let url = file(in: dataDirectory)
        guard let data = try? Data(contentsOf: url),
            let offer = try? LMISCoding.decoder.decode(UpdateOffer.self, from: data),
            let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
        else { return nil }
        return (offer, modified)
    }
}
