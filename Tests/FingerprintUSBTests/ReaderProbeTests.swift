import FingerprintReplay
import FingerprintUSB
import Testing

extension ReplayTests {
    @Test("one probe for kiosk doctor and kiosk fingerprint list: the reader is found, claimed and answers")
    func probe() throws {
        let bed = try ReplayBed(.aes3500)
        let found = try ReaderProbe.scan()
        #expect(found.map(\.model) == [Recording.aes3500.model])
        #expect(found.first?.state == .ready)
        withExtendedLifetime(bed) {}
    }
}
