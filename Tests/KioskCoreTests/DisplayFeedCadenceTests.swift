import KioskCore
import Testing

@Suite("Display feed cadence: counts, keep-alives and waits, with time moved by hand")
struct DisplayFeedCadenceTests {
    let start = ContinuousClock.now

    @Test("The first count is read at once; then once a second while nothing changes")
    func countEverySecond() {
        var cadence = DisplayFeedCadence(start: start)
        #expect(cadence.countDue(at: start))
        cadence.countRead(at: start)
        #expect(!cadence.countDue(at: start + .milliseconds(999)))
        #expect(cadence.wait(at: start + .milliseconds(10)) == .seconds(1))
        #expect(cadence.countDue(at: start + .seconds(1)))
    }

    @Test("After a queue write the count follows within a quarter of a second, not sooner")
    func countAfterChange() {
        var cadence = DisplayFeedCadence(start: start)
        cadence.countRead(at: start)
        cadence.queueChanged()
        #expect(!cadence.countDue(at: start + .milliseconds(100)))
        #expect(cadence.wait(at: start + .milliseconds(100)) == .milliseconds(150))
        #expect(cadence.countDue(at: start + .milliseconds(250)))
        #expect(cadence.wait(at: start + .milliseconds(400)) == .zero)
        cadence.countRead(at: start + .milliseconds(250))
        #expect(cadence.wait(at: start + .milliseconds(250)) == .seconds(1))
    }

    @Test("A keep-alive goes out after 15 s without writing, and not while calls flow")
    func keepAlive() {
        var cadence = DisplayFeedCadence(start: start)
        #expect(!cadence.keepAliveDue(at: start + .seconds(14)))
        cadence.wrote(at: start + .seconds(10))
        #expect(!cadence.keepAliveDue(at: start + .seconds(20)))
        #expect(cadence.keepAliveDue(at: start + .seconds(25)))
    }

    @Test("Over an office day of quiet: one count a second, one keep-alive every 15 s")
    func quietDay() {
        var cadence = DisplayFeedCadence(start: start)
        var now = start
        var counts = 0
        var keepAlives = 0
        let end = start + .seconds(9 * 3600)
        while now < end {
            if cadence.countDue(at: now) {
                cadence.countRead(at: now)
                counts += 1
            }
            if cadence.keepAliveDue(at: now) {
                cadence.wrote(at: now)
                keepAlives += 1
            }
            now += cadence.wait(at: now)
        }
        #expect(counts == 9 * 3600)
        // At 15 s, 30 s, … up to the last before the day's end.
        #expect(keepAlives == 9 * 3600 / 15 - 1)
    }
}
