import FingerprintUSB
import Testing

@Suite("Opening a reader just plugged in: doubling waits, then left alone")
struct ReopenScheduleTests {
    @Test("Six attempts over about three seconds, no wait after the last")
    func sixAttempts() {
        var schedule = ReopenSchedule()
        var waits: [Duration] = []
        while let wait = schedule.failed() { waits.append(wait) }
        #expect(waits == [100, 200, 400, 800, 1600].map { Duration.milliseconds($0) })
        #expect(schedule.failures == 6)
        #expect(waits.reduce(.zero, +) == .milliseconds(3100))
    }

    @Test("A reader that opens at once needs no schedule; one attempt gives up at once")
    func single() {
        var schedule = ReopenSchedule(attempts: 1)
        #expect(schedule.failed() == nil)
    }
}
