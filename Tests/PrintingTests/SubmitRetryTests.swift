import Testing

@testable import Printing

@Suite("Handing a job to CUPS again: once, only after a quick refusal")
struct SubmitRetryTests {
    @Test("A scheduler that refuses at once (restarting) gets one more try after 200 ms")
    func restarting() {
        var retry = SubmitRetry()
        #expect(retry.failed(.serverUnreachable, after: .milliseconds(3)) == .milliseconds(200))
        #expect(retry.failed(.serverUnreachable, after: .milliseconds(3)) == nil)
    }

    @Test("A slow refusal (a timeout) is not retried: the visitor waits one timeout at most")
    func timeout() {
        var retry = SubmitRetry()
        #expect(retry.failed(.serverUnreachable, after: .seconds(2)) == nil)
    }

    @Test("A queue that refuses the job is not asked again")
    func rejected() {
        var retry = SubmitRetry()
        #expect(retry.failed(.rejected, after: .milliseconds(1)) == nil)
        var missing = SubmitRetry()
        #expect(missing.failed(.queueNotFound, after: .milliseconds(1)) == nil)
    }
}
