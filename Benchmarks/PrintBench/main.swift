// Rendering figures for the printing targets (issue 4): a 500-vacancy A4 list to PDF, and one
// queue ticket to ESC/POS raster. Run through Benchmarks/run.sh (release build).
import Foundation
import KioskCore
import Printing

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func measure(runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs { times.append(milliseconds(try clock.measure(body))) }
    return times
}

let arguments = CommandLine.arguments
let vacancies = Int(arguments.dropFirst().first ?? "") ?? 500
let runs = 15

let labels = VacancyList.Labels(
    title: "Ажлын байрны жагсаалт", employer: "Ажил олгогч", location: "Байршил", wage: "Цалин",
    hours: "Цагийн хуваарь", howToApply: "Хэрхэн хүсэлт гаргах", reference: "Код", filters: "Шүүлтүүр",
    noFilters: "бүгд", empty: "Олдсонгүй", page: "Хуудас %d / %d")
let titles = ["Барилгын цахилгаанчин", "Нягтлан бодогч", "Худалдагч", "Тогооч", "Жолооч (C ангилал)", "Үйлчлэгч"]
let list = VacancyList(
    office: "Сүхбаатар дүүргийн Хөдөлмөр, халамжийн үйлчилгээний хэлтэс", generated: "2026-11-23 10:15",
    filters: ["Байршил: Улаанбаатар", "Сүүлийн 30 хоногт"],
    entries: (1...vacancies).map { index in
        VacancyList.Entry(
            title: "\(titles[index % titles.count]) \(index)", employer: "Өлзий-Үүрийн туяа ХХК",
            location: "Улаанбаатар, Сүхбаатар дүүрэг, \(index % 20 + 1)-р хороо",
            wage: "\(1_000_000 + index * 1000)–\(1_500_000 + index * 1000) ₮", hours: "Бүтэн цаг",
            howToApply: "Анкетаа 7011-\(1000 + index) утсаар эсвэл биечлэн ирж өгнө үү.",
            reference: String(format: "V-2026-%05d", index))
    }, labels: labels)

let renderer = VacancyListRenderer()
_ = try renderer.render(list)  // fonts loaded, caches warm: the service renders many lists
var pages = 0
var bytes = 0
let pdfTimes = try measure(runs: runs) {
    let output = try renderer.render(list)
    pages = output.pages
    bytes = output.pdf.count
}
print(
    String(
        format: "A4 list, %d vacancies → PDF (%d pages, %d KB): median %.0f ms, p95 %.0f ms (%d runs)", vacancies,
        pages, bytes / 1024, percentile(pdfTimes, 0.5), percentile(pdfTimes, 0.95), runs))

let slip = TicketSlip(
    office: LocalizedText(mn: "Сүхбаатар дүүргийн Хөдөлмөр, халамжийн үйлчилгээний хэлтэс", en: "Sükhbaatar LSWO"),
    number: "А-123", service: LocalizedText(mn: "Ажил хайгчийн бүртгэл", en: "Jobseeker registration"),
    priority: LocalizedText(mn: "Ахмад настан", en: "Elderly person"),
    peopleAhead: LocalizedText(mn: "Таны өмнө 12 хүн байна", en: "12 people ahead of you"),
    wait: LocalizedText(mn: "Хүлээх хугацаа: 25–40 минут", en: "Estimated wait: 25–40 minutes"),
    issued: "2026-11-23 10:15", statusURL: "http://kiosk.office.lan:8080/t/01a205f5-5c2c-7718-ab16-e11c59517857",
    scanHint: LocalizedText(mn: "Утсаараа уншуулж дугаараа хянаарай", en: "Scan to follow your number"),
    instruction: LocalizedText(mn: "Дугаараа дэлгэц дээр гарахыг хүлээнэ үү", en: "Wait for your number on the screen"))
for paper in ThermalPaper.allCases {
    let thermal = ThermalRenderer(paper: paper)
    _ = thermal.render(slip.document)
    var size = 0
    let times = measure(runs: 200) { size = thermal.render(slip.document).escpos.count }
    print(
        String(
            format: "Ticket → ESC/POS raster, %d dots (%d KB): median %.1f ms, p95 %.1f ms (200 runs)", paper.dots,
            size / 1024, percentile(times, 0.5), percentile(times, 0.95)))
}
