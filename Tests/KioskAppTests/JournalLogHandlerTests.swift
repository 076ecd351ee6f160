import Foundation
import JournalLogging
import Logging
import Testing

/// Lines journald files at their level: the syslog priority in front, one entry a line.
@Suite("Journal log lines")
struct JournalLogHandlerTests {
    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func eachLevelHasItsSyslogPriority(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(level) == priority)
        #expect(
            JournalLogHandler(label: "kiosk").line(level: level, message: "x", metadata: nil)
                .hasPrefix("<\(priority)>kiosk: x"))
    }

    @Test func metadataFollowsSortedOnOneLine() {
        var handler = JournalLogHandler(label: "lmis-hub")
        handler[metadataKey: "hub.office"] = "UB-SB"
        let line = handler.line(
            level: .warning, message: "sync round\nfailed", metadata: ["hub.device": "k1", "a.first": "two\nlines"])
        #expect(line == "<4>lmis-hub: sync round failed a.first=two lines hub.device=k1 hub.office=UB-SB")
    }

    @Test func onlyTheStreamSystemdHandedIsTheJournal() {
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: [:]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        var status = stat()
        #expect(fstat(2, &status) == 0)
        let ours = "\(status.st_dev):\(status.st_ino)"
        #expect(JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": ours]))
        #expect(!JournalLogHandler.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "\(status.st_dev):1"]))
    }
}
