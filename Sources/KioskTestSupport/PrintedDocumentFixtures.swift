import Foundation
public import KioskCore

/// Documents the printing tests print: a ticket slip and a vacancy list in Mongolian.
public enum PrintedDocumentFixtures {
    /// A ticket with every Mongolian letter the renderer must draw.
    public static let slip = TicketSlip(
        office: LocalizedText(
            mn: "Сүхбаатар дүүргийн Хөдөлмөр, халамжийн үйлчилгээний хэлтэс", en: "Sükhbaatar district LSWO"),
        number: "А-001",
        service: LocalizedText(mn: "Бүртгэл", en: "Registration"),
        priority: LocalizedText(mn: "Ахмад настан", en: "Elderly person"),
        peopleAhead: LocalizedText(mn: "Таны өмнө 3 хүн байна", en: "3 people ahead of you"),
        wait: LocalizedText(mn: "Хүлээх хугацаа: 10–20 минут", en: "Estimated wait: 10–20 minutes"),
        issued: "2026-11-23 09:41",
        statusURL: "http://kiosk.local:8080/t/0196a1b2-0000-7000-8000-000000000001",
        scanHint: LocalizedText(mn: "Утсаараа уншуулж дугаараа хянана уу", en: "Scan to follow your number"),
        instruction: LocalizedText(
            mn: "Дугаараа дэлгэц дээр гарахыг хүлээнэ үү", en: "Wait for your number on the screen"))

    public static let labels = VacancyList.Labels(
        title: "Ажлын байрны жагсаалт", employer: "Ажил олгогч", location: "Байршил", wage: "Цалин",
        hours: "Цагийн хуваарь", howToApply: "Хэрхэн хүсэлт гаргах", reference: "Код", filters: "Шүүлтүүр",
        noFilters: "бүгд", empty: "Тохирох ажлын байр олдсонгүй.", page: "Хуудас %d / %d")

    /// A list of `count` vacancies.
    public static func vacancyList(_ count: Int) -> VacancyList {
        VacancyList(
            office: "Сүхбаатар дүүргийн ХХҮХ", generated: "2026-11-23 10:15",
            filters: ["Байршил: Сүхбаатар дүүрэг", "Хайлт: «жолооч»"],
            entries: (1...max(count, 1)).prefix(count).map { index in
                VacancyList.Entry(
                    title: "Үйлчлүүлэгчтэй харилцах ажилтан \(index)", employer: "Өлзий & Түмэн ХХК",
                    location: "Улаанбаатар, Сүхбаатар дүүрэг, 1-р хороо", wage: "1 200 000–1 500 000 ₮",
                    hours: "Бүтэн цаг", howToApply: "Анкетаа 7011-2233 утсаар эсвэл биечлэн өгнө <яаралтай>",
                    reference: String(format: "V-2026-%05d", index))
            },
            labels: labels)
    }
}
