import FingerprintReplay
import FingerprintUSB
import Testing

extension ReplayTests {
    @Test("one probe for kiosk doctor and kiosk fingerprint list: the reader is found, claimed and answers")
    func probe() throws {
        let bed = try ReplayBed(.aes3500)
        // doctor's probe brings the sensor up (the recording's first commands); list's only claims it.
        let answered = try ReaderProbe.scan(handshake: true, limit: 1)
        #expect(answered.map(\.model) == [Recording.aes3500.model])
        #expect(answered.first?.state == .ready)
        let found = try ReaderProbe.scan()
        #expect(found.map(\.model) == [Recording.aes3500.model])
        #expect(found.first?.state == .ready)
        withExtendedLifetime(bed) {}
    }
}
