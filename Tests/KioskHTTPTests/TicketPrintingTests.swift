import Foundation
import HTTPTypes
import KioskCore
import KioskHTTPTestSupport
import KioskTestSupport
import Testing

/// Taking a printed ticket through the router, with a recording printer in place of CUPS (the
/// print lab's suite, `KioskHTTPPrintTests`, prints for real).
@Suite("Tickets printed, on a recording printer")
struct TicketPrintingTests {
    @Test("the slip printed is the ticket answered: number, its status address with the rating code")
    func printedSlip() async throws {
        let printer = RecordingPrinter()
        let app = try await TestApp(printer: printer)
        try await app.test { client in
            let (response, ticket) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "А", "print": true}"#)
            #expect(response.status == .created)
            #expect((ticket["print"] as? [String: Any])?["status"] as? String == "sent")
            let slip = try #require(printer.tickets.first)
            #expect(printer.tickets.count == 1)
            #expect(slip.number == ticket["number"] as? String)
            let id = try #require(ticket["id"] as? String)
            let code = try #require(ticket["ratingCode"] as? String)
            #expect(slip.statusURL.contains("/t/\(id)?k="))
            #expect(slip.statusURL.hasSuffix(code.replacingOccurrences(of: "-", with: "")))
        }
    }

    @Test("no paper: the ticket is still issued, the answer names the fault, nothing is printed")
    func paperOut() async throws {
        let printer = RecordingPrinter()
        printer.fail(.thermal, with: [.paperOut])
        let app = try await TestApp(printer: printer)
        try await app.test { client in
            let (response, ticket) = try await client.json(
                .post, "/api/v1/tickets", #"{"serviceCode": "А", "print": true}"#)
            #expect(response.status == .created)
            let print = try #require(ticket["print"] as? [String: Any])
            #expect(print["status"] as? String == "failed")
            #expect((print["faults"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["paper-out"])
            #expect(printer.documents.isEmpty)
            #expect(ticket["number"] as? String != nil)
        }
    }
}
