import Foundation
import KioskCore
import KioskTestSupport
import Printing
import Testing

/// Real printing: libcups against a private cupsd, an IPP Everywhere A4 printer and an
/// ESC/POS emulator. Serialized, since they share the lab's printers.
@Suite(
    "Printing through CUPS", .serialized,
    .enabled(if: PrintLab.skipReason == nil, Comment(rawValue: PrintLab.skipReason ?? "")))
struct CUPSPrintingTests {
    let lab: PrintLab
    let cups: CUPSClient

    init() throws {
        lab = try PrintLab.shared.get()
        cups = CUPSClient(server: PrintServer(lab.cupsServer)!)
    }

    func service(
        thermal: String? = "Thermal", a4: String? = "A4", status: PrintConfiguration.StatusSource = .automatic,
        ticketTimeout: Duration = .seconds(60)
    ) -> PrintService {
        PrintService(
            configuration: PrintConfiguration(
                server: PrintServer(lab.cupsServer)!, thermalQueue: thermal, a4Queue: a4, paper: .mm80,
                thermalStatus: status, ticketTimeout: ticketTimeout))
    }

    @Test("lists both queues with their state and device")
    func destinations() async throws {
        try await lab.exclusively { lab in
            let printers = try await cups.printers()
            let names = Set(printers.map(\.queue))
            #expect(names.isSuperset(of: ["A4", "Thermal"]))
            let thermal = try #require(printers.first { $0.queue == "Thermal" })
            #expect(thermal.deviceURI == "socket://\(lab.escposHost):\(lab.escposPort)")
            #expect(thermal.isAcceptingJobs)
            #expect(thermal.faults.isEmpty)
            let a4 = try await cups.printer("A4")
            #expect(a4.state == .idle)
        }
    }

    @Test("a ticket reaches the receipt printer: Mongolian text as raster, the QR code, the cut")
    func ticket() async throws {
        try await lab.exclusively { lab in
            let before = try await lab.settledReceiptCount()
            let printing = service()
            let outcome = await printing.print(PrintedDocumentFixtures.slip)
            #expect(outcome.status == .sent)
            let job = try #require(outcome.job)
            let final = try await cups.wait(for: PrintJobID(job), timeout: .seconds(10))
            #expect(final.state == .completed)
            let receipts = try await lab.waitForReceipts(before + 1)
            let receipt = try #require(receipts.last)
            #expect(receipt.cut)
            #expect(receipt.qrCodes == [PrintedDocumentFixtures.slip.statusURL])
            let read = try PrintLab.ocr(receipt.image)
            for words in ["А-001", "Бүртгэл", "Registration", "Таны өмнө 3 хүн байна", "үү", "Ахмад настан"] {
                #expect(read.contains(words), "OCR did not find \(words) in:\n\(read)")
            }
            await printing.drain()
            #expect(await printing.health().first { $0.role == .thermal }?.isReady == true)
        }
    }

    @Test("paper out: the kiosk does not send the ticket, the fault shows until a new roll is in")
    func paperOut() async throws {
        try await lab.exclusively { lab in
            let printing = service()
            try lab.setFault("paper-out")
            defer { try? lab.clearFault("paper-out") }
            let before = try await lab.settledReceiptCount()
            let outcome = await printing.print(PrintedDocumentFixtures.slip)
            #expect(outcome.status == .failed)
            #expect(outcome.faults == [.paperOut])
            #expect(outcome.job == nil)
            #expect(await printing.health().first { $0.role == .thermal }?.faults == [.paperOut])

            try lab.clearFault("paper-out")
            let health = await printing.refresh()
            #expect(health.first { $0.role == .thermal }?.faults == [])
            #expect(lab.receipts().count == before)
        }
    }

    @Test("the printer's own status: cover open, offline, paper low, and nothing listening")
    func statusProbe() async throws {
        try await lab.exclusively { lab in
            let probe = StatusProbe(endpoint: .tcp(host: lab.escposHost, port: lab.escposPort))
            #expect(probe.check() == .answered(faults: [], replies: [0x12, 0x12, 0x12, 0x12]))
            for (fault, expected) in [
                ("cover-open", PrinterFault.coverOpen), ("offline", .offline), ("paper-near-end", .paperLow),
            ] {
                try lab.setFault(fault)
                defer { try? lab.clearFault(fault) }
                guard case .answered(let faults, _) = probe.check() else {
                    Issue.record("no answer with \(fault)")
                    continue
                }
                #expect(faults == [expected])
            }
            let closed = StatusProbe(endpoint: .tcp(host: "127.0.0.1", port: 1), timeout: .milliseconds(300))
            guard case .unreachable = closed.check() else {
                Issue.record("a closed port must be unreachable")
                return
            }
            let gone = StatusProbe(endpoint: .device(path: "/dev/usb/lp-kiosk-missing"))
            guard case .unreachable(let message) = gone.check() else {
                Issue.record("a missing device must be unreachable")
                return
            }
            #expect(message.contains("No such file"))
        }
    }

    @Test("a vacancy list reaches the A4 printer as a PDF with its Mongolian text")
    func a4() async throws {
        try await lab.exclusively { lab in
            let before = lab.a4Documents().count
            let outcome = await service().print(PrintedDocumentFixtures.vacancyList(30))
            #expect(outcome.status == .sent)
            let documents = try await lab.waitForA4(before + 1)
            #expect(documents.count == before + 1)
            let text = try PDFText.extract(try Data(contentsOf: try #require(documents.last)))
            #expect(text.contains("Ажлын байрны жагсаалт"))
            #expect(text.contains("V-2026-00030"))
        }
    }

    @Test("a stopped queue is a fault: nothing is sent, staff see it, and it clears when the queue runs again")
    func stoppedQueue() async throws {
        try await lab.exclusively { lab in
            try lab.cupsCommand("cupsdisable", "-r", "paper jam reported by staff", "A4")
            defer { try? lab.cupsCommand("cupsenable", "A4") }
            let status = try await cups.printer("A4")
            #expect(status.state == .stopped)
            #expect(status.message == "paper jam reported by staff")
            let printing = service()
            let outcome = await printing.print(PrintedDocumentFixtures.vacancyList(2))
            #expect(outcome.status == .failed)
            #expect(outcome.faults.contains(.stopped))
            #expect(outcome.detail.contains("paper jam reported by staff"))

            // A job sent straight to the stopped queue waits; cancelling it works.
            let job = try await cups.submit(Data("%PDF-1.4\n".utf8), format: .pdf, to: "A4", title: "held")
            #expect(try await cups.job(job).state == .pending)
            try await cups.cancel(job, on: "A4")
            #expect(try await cups.job(job).state == .canceled)

            try lab.cupsCommand("cupsenable", "A4")
            #expect(await printing.refresh().first { $0.role == .a4 }?.isReady == true)
        }
    }

    @Test("a ticket that cannot reach its printer is cancelled after its timeout and reported")
    func unreachablePrinter() async throws {
        try await lab.exclusively { lab in
            try lab.cupsCommand("lpadmin", "-p", "Gone", "-E", "-v", "socket://127.0.0.1:1", "-m", "raw")
            defer { try? lab.cupsCommand("lpadmin", "-x", "Gone") }
            let printing = service(thermal: "Gone", a4: nil, status: .none, ticketTimeout: .seconds(2))
            let outcome = await printing.print(PrintedDocumentFixtures.slip)
            #expect(outcome.status == .sent)
            await printing.drain()
            let job = try await cups.job(PrintJobID(try #require(outcome.job)))
            #expect(job.state == .canceled)
            let health = try #require(await printing.health().first)
            #expect(health.faults.contains(.failed))
            #expect(health.detail.contains("did not print in time"))
        }
    }

    @Test("a jam the printer reports stops the queue; staff see a jam until it is cleared")
    func jam() async throws {
        try await lab.exclusively { lab in
            try lab.jam()
            defer { try? lab.unjam() }
            let printing = service(ticketTimeout: .seconds(2))
            let outcome = await printing.print(PrintedDocumentFixtures.slip)
            #expect(outcome.status == .sent)
            await printing.drain()
            let health = try #require(await printing.health().first { $0.role == .thermal })
            #expect(health.faults.contains(.jam))
            #expect(health.faults.contains(.stopped))
            #expect(!health.isReady)
            let refused = await printing.print(PrintedDocumentFixtures.slip)
            #expect(refused.status == .failed)
            #expect(refused.faults.first == .jam)

            // Cleared and restarted: CUPS still remembers the jam until a job reaches the
            // printer, so the kiosk prints, and the jam is gone after that job.
            try lab.unjam()
            let next = await printing.print(PrintedDocumentFixtures.slip)
            #expect(next.status == .sent)
            await printing.drain()
            #expect(await printing.health().first { $0.role == .thermal }?.faults == [])
        }
    }

    @Test("wrong queue names and a dead server give specific errors")
    func errors() async throws {
        try await lab.exclusively { lab in
            await #expect(throws: PrintError(.queueNotFound, "CUPS at \(lab.cupsServer) has no NoSuchQueue")) {
                try await cups.printer("NoSuchQueue")
            }
            let dead = CUPSClient(server: PrintServer(host: "127.0.0.1", port: 1), timeout: .seconds(1))
            do {
                _ = try await dead.printers()
                Issue.record("a dead server must fail")
            } catch let error as PrintError {
                #expect(error.kind == .serverUnreachable)
            }
            let outcome = await service(thermal: "NoSuchQueue").print(PrintedDocumentFixtures.slip)
            #expect(outcome.status == .failed)
        }
    }
}

@Suite(
    "Finding printers for kiosk provision", .serialized,
    .enabled(if: PrintLab.skipReason == nil, Comment(rawValue: PrintLab.skipReason ?? "")))
struct PrinterDiscoveryTests {
    let lab: PrintLab

    init() throws { lab = try PrintLab.shared.get() }

    @Test("the receipt printer's raw port answers DLE EOT: a thermal printer")
    func thermalByProbe() async throws {
        let found = PrinterProbe.probe("\(lab.escposHost):\(lab.escposPort)")
        #expect(found.count == 1)
        #expect(found.first?.use == .thermal)
        #expect(found.first?.uri == "socket://\(lab.escposHost):\(lab.escposPort)")
        #expect(found.first?.note == "answers DLE EOT: ready")
    }

    @Test("nothing listening, or a port that is no printer, finds nothing")
    func nothing() async throws {
        let listener = try #require(PrintServer(lab.cupsServer))
        // cupsd speaks IPP but has no /ipp/print printer; a closed port answers nothing at all.
        #expect(PrinterProbe.probe("127.0.0.1:1").isEmpty)
        #expect(PrinterProbe.probe("ipp://\(listener.host):\(listener.port)/ipp/print").isEmpty)
    }

    @Test("CUPS' backends list devices; a backend's entry for a typed address is not one")
    func backends() async throws {
        let cups = CUPSClient(server: PrintServer(lab.cupsServer)!, timeout: .seconds(30))
        guard FileManager.default.fileExists(atPath: "/usr/lib/cups/daemon/cups-deviced") else {
            // Debian's `cups-daemon` alone has no cups-deviced (the appliance has `cups`): a
            // clear refusal, which kiosk provision reports before probing the named addresses.
            await #expect {
                _ = try await cups.devices(seconds: 5)
            } throws: { error in
                (error as? PrintError)?.kind == .rejected && "\(error)".contains("cups-deviced")
            }
            return
        }
        // The lab's cupsd has the ipp and socket backends: each offers only an entry
        // ("network ipp", "network socket") for an address the technician types.
        let devices = try await cups.devices(seconds: 5)
        #expect(devices.isEmpty, "\(devices)")
    }
}
