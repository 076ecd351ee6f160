import Foundation
import HTTPTypes
import Hummingbird
import KioskCore
import KioskHTTP
import KioskHTTPTestSupport
import KioskTestSupport
import NIOCore
import Printing
import Testing

/// The screens' printing endpoints against the real print lab (cupsd, emupos, ippeveprinter).
/// Serialized with each other: they share the lab's receipt printer and its faults.
@Suite(
    "Printing API", .serialized, .enabled(if: PrintLab.skipReason == nil, Comment(rawValue: PrintLab.skipReason ?? "")))
struct PrintAPITests {
    let lab: PrintLab

    init() throws { lab = try PrintLab.shared.get() }

    func app() async throws -> TestApp {
        try await TestApp(
            printer: PrintService(
                configuration: PrintConfiguration(
                    server: PrintServer(lab.cupsServer)!, thermalQueue: "Thermal", a4Queue: "A4")))
    }

    @Test("a kiosk ticket is printed with its status link in the QR code; without `print` nothing prints")
    func ticket() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            let before = try await lab.settledReceiptCount()
            try await app.test { client in
                let (response, body) = try await client.json(
                    .post, "/api/v1/tickets", #"{"serviceCode": "А", "language": "mn", "print": true}"#)
                #expect(response.status == .created)
                let print = try #require(body["print"] as? [String: Any])
                #expect(print["status"] as? String == "sent")
                #expect((print["message"] as? [String: String])?["mn"] == "Тасалбараа доорх принтерээс авна уу.")
                let id = try #require(body["id"] as? String)
                // The QR code carries the ticket's rating code: only its holder can rate the service.
                let code = try #require(body["ratingCode"] as? String).replacingOccurrences(of: "-", with: "")
                let receipts = try await lab.waitForReceipts(before + 1)
                #expect(receipts.last?.qrCodes == ["http://kiosk.example:8080/t/\(id)?k=\(code)"])

                let (_, quiet) = try await client.json(.post, "/api/v1/tickets", #"{"serviceCode": "А"}"#)
                #expect(quiet["print"] == nil)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(lab.receipts().count == before + 1)
        }
    }

    @Test("a grievance's acknowledgement prints with its tracking code in the QR code")
    func grievanceSlip() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            let before = try await lab.settledReceiptCount()
            try await app.test { client in
                let (_, filed) = try await client.json(
                    .post, "/api/v1/grievances", #"{"category": "other", "text": "Өрөө хүйтэн байна"}"#)
                let code = try #require(filed["trackingCode"] as? String)
                let (response, print) = try await client.json(.post, "/api/v1/grievances/\(code)/print")
                #expect(response.status == .ok && print["status"] as? String == "sent")
                #expect((print["message"] as? [String: String])?["mn"] == "Баримтаа доорх принтерээс авна уу.")
                let receipts = try await lab.waitForReceipts(before + 1)
                #expect(receipts.last?.qrCodes == [code])
                let (missing, _) = try await client.json(.post, "/api/v1/grievances/GR-AAAA-AAAA/print")
                #expect(missing.status == .notFound)
            }
        }
    }

    @Test("paper out: the ticket is still issued, the answer names the fault in both languages, printing again works")
    func paperOut() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            let before = try await lab.settledReceiptCount()
            try lab.setFault("paper-out")
            defer { try? lab.clearFault("paper-out") }
            try await app.test { client in
                let (response, body) = try await client.json(
                    .post, "/api/v1/tickets", #"{"serviceCode": "А", "print": true}"#)
                #expect(response.status == .created)
                let print = try #require(body["print"] as? [String: Any])
                #expect(print["status"] as? String == "failed")
                let faults = try #require(print["faults"] as? [[String: Any]])
                #expect(faults.first?["code"] as? String == "paper-out")
                #expect((faults.first?["message"] as? [String: String])?["mn"] == "Цаас дууссан")
                #expect((print["message"] as? [String: String])?["en"]?.contains("note your number") == true)

                let cookie = try await client.staffCookie(app)
                let (_, overview) = try await client.staffGet("/api/v1/queue", cookie: cookie)
                let printers = try #require(overview["printers"] as? [[String: Any]])
                let thermal = try #require(printers.first { $0["role"] as? String == "thermal" })
                #expect(thermal["ready"] as? Bool == false)
                #expect((thermal["name"] as? [String: String])?["mn"] == "Тасалбарын принтер")

                try lab.clearFault("paper-out")
                let id = try #require(body["id"] as? String)
                let (again, retried) = try await client.json(.post, "/api/v1/tickets/\(id)/print")
                #expect(again.status == .ok)
                #expect(retried["status"] as? String == "sent")
                #expect(try await lab.waitForReceipts(before + 1).count == before + 1)
            }
        }
    }

    @Test("the registration receipt carries the reference, the next steps and the office hours")
    func receipt() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            let before = try await lab.settledReceiptCount()
            try await app.test { client in
                // Registered at a screen session: the receipt names the person, so it needs their proof.
                let screen = try await client.kioskSession()
                let (_, created) = try await client.json(
                    .post, "/api/v1/registrations", encoded(Fixtures.form()), headers: .session(screen.id))
                let id = try #require(created["id"] as? String)
                let reference = try #require(created["reference"] as? String)
                let proof = try #require((created["proof"] as? [String: Any])?["token"] as? String)
                let (refused, _) = try await client.json(.post, "/api/v1/registrations/\(id)/receipt")
                #expect(refused.status == .unauthorized)
                let (response, body) = try await client.json(
                    .post, "/api/v1/registrations/\(id)/receipt", headers: .proof(proof))
                #expect(response.status == .ok)
                #expect(body["status"] as? String == "sent")
                let receipt = try #require(try await lab.waitForReceipts(before + 1).last)
                let read = try PrintLab.ocr(receipt.image)
                for words in [reference, "Бүртгэл амжилттай", "Ажлын цаг", "Registration complete"] {
                    #expect(read.contains(words), "OCR did not find \(words) in:\n\(read)")
                }
            }
        }
    }

    @Test("a search printed on A4 carries every result's code; a person's top 5 on the receipt printer")
    func vacancyLists() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            var vacancies: [Vacancy] = []
            for index in 1...40 {
                let even = index % 2 == 0
                let posted: String = String(format: "2026-11-%02d", index % 20 + 1)
                vacancies.append(
                    VacancyFixtures.vacancy(
                        String(format: "V-2026-%05d", index), even ? "Өрлөгчин" : "Үйлчлэгч",
                        isco: even ? "7112" : "9112", wage: (1_000_000, 1_400_000 + index * 1000),
                        skills: even ? ["жолоо барих"] : [], posted: posted))
            }
            vacancies.append(VacancyFixtures.vacancy("V-LATE", "Өрлөгчин", closes: "2026-11-01"))
            try await VacancyFixtures.store(vacancies, in: app.temp.database)
            let beforeA4 = lab.a4Documents().count
            let beforeReceipts = try await lab.settledReceiptCount()
            try await app.test { client in
                let (response, body) = try await client.json(
                    .post, "/api/v1/vacancies/print",
                    #"{"printer": "a4", "language": "mn", "search": "q=%D3%A9%D1%80%D0%BB%D3%A9%D0%B3&aimag=UB-SB"}"#)
                #expect(response.status == .ok)
                #expect(body["status"] as? String == "sent")
                #expect(
                    (body["message"] as? [String: String])?["en"] == "Your list is printing. Collect it from staff.")
                let documents = try await lab.waitForA4(beforeA4 + 1)
                let text = try PDFText.extract(try Data(contentsOf: try #require(documents.last)))
                #expect(text.contains("Хайлт: өрлөг"))
                for index in stride(from: 2, through: 40, by: 2) {
                    #expect(text.contains(String(format: "V-2026-%05d", index)))
                }
                #expect(!text.contains("V-2026-00001") && !text.contains("V-LATE"))

                let screen = try await client.kioskSession()
                let (_, created) = try await client.json(
                    .post, "/api/v1/registrations", encoded(Fixtures.form()), headers: .session(screen.id))
                let id = try #require(created["id"] as? String)
                let proof = try #require((created["proof"] as? [String: Any])?["token"] as? String)
                let (thermal, answer) = try await client.json(
                    .post, "/api/v1/vacancies/print", #"{"printer": "thermal", "registrationId": "\#(id)"}"#,
                    headers: .proof(proof))
                #expect(thermal.status == .ok && answer["status"] as? String == "sent")
                let receipt = try #require(try await lab.waitForReceipts(beforeReceipts + 1).last)
                let read = try PrintLab.ocr(receipt.image)
                #expect(read.contains("Танд тохирох ажлын байр"), "OCR read:\n\(read)")
                // The twenty even ones fit equally (the skill, the khoroo): the five newest print,
                // days 19, 17 and 15 (index 18, 38, 16, 36, 14), and not the sixth (34).
                for code in ["V-2026-00018", "V-2026-00038", "V-2026-00016", "V-2026-00036", "V-2026-00014"] {
                    #expect(read.contains(code), "OCR did not find \(code) in:\n\(read)")
                }
                #expect(!read.contains("V-2026-00034"))

                let (bad, error) = try await client.json(.post, "/api/v1/vacancies/print", #"{"printer": "fax"}"#)
                #expect(bad.status == .badRequest && error.error["field"] as? String == "printer")
            }
        }
    }

    @Test("printing again: only a waiting ticket, a known id, a well-formed id")
    func reprintRules() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            try await app.test { client in
                #expect(try await client.json(.post, "/api/v1/tickets/not-a-uuid/print").0.status == .badRequest)
                #expect(try await client.json(.post, "/api/v1/tickets/\(UUID())/print").0.status == .notFound)
                // A receipt names a person: without their proof or staff, nothing (not even whether
                // the id is anyone's).
                #expect(
                    try await client.json(.post, "/api/v1/registrations/\(UUID())/receipt").0.status == .unauthorized)
                let (_, ticket) = try await client.json(.post, "/api/v1/tickets", #"{"serviceCode": "А"}"#)
                let id = try #require(ticket["id"] as? String)
                let cookie = try await client.staffCookie(app)
                let unknownReceipt = try await client.execute(
                    uri: "/api/v1/registrations/\(UUID())/receipt", method: .post,
                    headers: [.cookie: cookie, .origin: TestApp.origin]
                ) { $0 }
                #expect(unknownReceipt.status == .notFound)
                _ = try await client.execute(
                    uri: "/api/v1/counters/1/call-next", method: .post,
                    headers: [.cookie: cookie, .origin: TestApp.origin]
                ) { $0 }
                let (called, body) = try await client.json(.post, "/api/v1/tickets/\(id)/print")
                #expect(called.status == .conflict)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "print.ticketNotWaiting")
            }
        }
    }

    @Test("printers: staff only; a kiosk without printers says so instead of failing")
    func printersEndpoint() async throws {
        try await lab.exclusively { lab in
            let app = try await app()
            try await app.test { client in
                #expect(try await client.json(.get, "/api/v1/printers").0.status == .unauthorized)
                let cookie = try await client.staffCookie(app)
                let (response, body) = try await client.staffGet("/api/v1/printers", cookie: cookie)
                #expect(response.status == .ok)
                let printers = try #require(body["printers"] as? [[String: Any]])
                #expect(printers.map { $0["queue"] as? String } == ["Thermal", "A4"])
            }
            let bare = try await TestApp()
            try await bare.test { client in
                let (_, body) = try await client.json(.post, "/api/v1/tickets", #"{"serviceCode": "А", "print": true}"#)
                #expect((body["print"] as? [String: Any])?["status"] as? String == "unavailable")
            }
        }
    }
}
