"""Employer services end to end in a real Chromium against the real `kiosk serve`: an officer
registers an employer and takes in a vacancy; the vacancy is in the kiosk's own vacancy search at
once; the candidates the console ranks for it match a table worked out by hand from `JobMatcher`'s
documented score; the officer refers two, records one hired and one not hired (a post filled, a
placement with follow-ups at 3, 6 and 12 months, one answered from a call), then fills the last
post; the figures follow; the confirmation and the shortlist read back from their PDFs."""

import datetime
import subprocess
import urllib.parse
import urllib.request

from conftest import registration_form, registry_number
from playwright.sync_api import expect
from screens import check_screen
from test_grievance import sign_in

# Each person: given name, overrides of the registration form. The vacancy asks for ISCO 8332
# (heavy truck drivers), skills «жолоо барих» and «ачаа тээвэр», upper secondary education,
# licence C, 4 years, in UB-SB khoroo 5. Scores by JobMatcher's rules (Matching.swift):
#   skills 50 × matched ÷ 2; occupation 25 same code, 20 a group holding the other, 15 same minor
#   group; place 15 same khoroo, 8 same district; experience 10 × years ÷ 4 (at most 10).
PEOPLE = [
    ("Батболд", dict(occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих", "ачаа тээвэр"],
                     licences=["driving-c"], experienceYears=6, soumCode="UB-SB-05")),
    ("Ганзориг", dict(occupationCode="83", desiredOccupationCode="83", skills=["жолоо барих"],
                      licences=["driving-c"], experienceYears=2, soumCode="UB-SB-01", educationCode="upper_secondary")),
    ("Дорж", dict(occupationCode="8331", desiredOccupationCode="8331", skills=["жолоо барих", "харилцаа"],
                  licences=["driving-b", "driving-c"], experienceYears=10, aimagCode="UB-BZ", soumCode="UB-BZ-01",
                  educationCode="bachelor")),
    # No licence C: a must-have missing.
    ("Эрдэнэ", dict(occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих", "ачаа тээвэр"],
                    licences=[], experienceYears=6)),
    # Primary education below the vacancy's upper secondary.
    ("Лхагва", dict(occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих", "ачаа тээвэр"],
                    licences=["driving-c"], experienceYears=6, educationCode="primary")),
    # None of the skills.
    ("Нарантуяа", dict(occupationCode="2411", desiredOccupationCode="2411", skills=["нягтлан бодох"],
                       licences=["driving-c"], experienceYears=6)),
    # A student (not available full-time): shown unless the officer filters by availability.
    ("Оюун", dict(occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих", "ачаа тээвэр"],
                  licences=["driving-c"], experienceYears=5, soumCode="UB-SB-02", status="student")),
]
# given name → (score, reasons) worked out by hand.
EXPECTED = [
    ("Батболд", 100, "50 skills 2/2 + 25 same code 8332 + 15 khoroo 5 + 10 experience 6 ≥ 4"),
    ("Оюун", 93, "50 + 25 + 8 same district + 10"),
    ("Ганзориг", 58, "25 skills 1/2 + 20 group 83 holds 8332 + 8 district + 5 experience 2 of 4"),
    ("Дорж", 50, "25 skills 1/2 + 15 same minor group 833 + 0 other district + 10"),
]


def register_people(process) -> dict[str, str]:
    """Registers the people above at the kiosk; given name → reference."""
    references = {}
    for index, (given, overrides) in enumerate(PEOPLE):
        form = registration_form(registry_number(4000 + index), givenName=given, **overrides)
        status, body = process.request("POST", "/api/v1/registrations", form)
        assert status == 201, body
        references[given] = body["reference"]
    return references


def pdf_text(process, href: str, cookie: str) -> str:
    request = urllib.request.Request(process.base + href, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        data = response.read()
    assert data.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def candidate_rows(page) -> list[tuple[str, int]]:
    rows = page.locator("#candidates-table tbody tr")
    found = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        found.append((cells.nth(1).inner_text().split(" ")[1], int(cells.nth(2).inner_text())))
    return found


def figure(page, key: str) -> str:
    return page.locator(f'[data-figure="{key}"] dd').inner_text()


def a_driver_vacancy(process, cookie: str) -> dict:
    """An employer registered at UB-SB with one open post of a truck driver (ISCO 8332)."""
    status, employer = process.request("POST", "/api/v1/staff/employers", {
        "name": "Тээвэр Логистик ХХК", "registerNumber": "5012345", "sector": "H", "aimagCode": "UB-SB",
        "soumCode": "UB-SB-05", "contactName": "Б. Төмөр", "phone": "99114455"}, cookie=cookie)
    assert status == 201, employer
    status, vacancy = process.request("POST", f"/api/v1/staff/employers/{employer['id']}/vacancies", {
        "title": "Ачааны машины жолооч", "iscoCode": "8332", "skills": ["жолоо барих"], "aimagCode": "UB-SB",
        "hours": "fullTime", "posts": 1, "howToApply": "Ажилтан 3-т хандана уу", "newlyCreated": True,
        "closesOn": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()}, cookie=cookie)
    assert status == 201, vacancy
    return vacancy


def open_transport_employer(page, process, username: str, counter: str):
    """Signs in on the console and opens «Тээвэр Логистик ХХК» on the employers page, found by name."""
    sign_in(page, process, username, counter)
    page.goto(process.base + "/staff/employers?lang=mn")
    page.fill("#find-q", "Тээвэр")
    page.click("#find-button")
    page.click("#find-results button:has-text('Тээвэр Логистик ХХК')")
    page.wait_for_selector("#employer-panel:not([hidden])")


def hire_a_consenting_driver(process, cookie: str, person_id: str) -> dict:
    """99112233 agrees to follow-up questions; the person is referred to a driver vacancy and hired.
    Returns the hire (its placement and follow-ups)."""
    status, consent = process.request("POST", "/api/v1/staff/messages/consent",
                                      {"phone": "99112233", "kind": "follow_up", "granted": True}, cookie=cookie)
    assert status == 204, consent
    vacancy = a_driver_vacancy(process, cookie)
    status, referred = process.request(
        "POST", f"/api/v1/staff/office-vacancies/{vacancy['reference']}/referrals",
        {"registrationIds": [person_id]}, cookie=cookie)
    assert status == 201, referred
    status, hired = process.request(
        "POST", f"/api/v1/staff/vacancy-referrals/{referred['referrals'][0]['id']}/outcome", {"outcome": "hired"},
        cookie=cookie)
    assert status == 201, hired
    return hired


def test_employer_vacancy_candidates_referral_hire_and_figures(browser, kiosk, artifacts):
    process = kiosk()
    references = register_people(process)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, process, "ajiltan1", "1")
    page.click("#employers-link")
    page.wait_for_selector("#employer-form")
    assert page.inner_text("h1") == "Ажил олгогч, ажлын байр"

    # A registration number that is not 7 digits is refused next to its field, in Mongolian.
    page.fill("#e-name", "Тээвэр Логистик ХХК")
    page.fill("#e-registerNumber", "12345")
    page.select_option("#e-sector", "H")
    page.select_option("#e-aimagCode", "UB-SB")
    page.wait_for_selector("#e-soumCode option[value='UB-SB-05']", state="attached")
    page.select_option("#e-soumCode", "UB-SB-05")
    page.fill("#e-contactName", "Б. Төмөр")
    page.fill("#e-phone", "9911 4455")
    page.click("#employer-save")
    page.wait_for_selector("[data-error-for='registerNumber']:has-text('7 оронтой')")
    page.fill("#e-registerNumber", "5012345")
    page.click("#employer-save")
    page.wait_for_selector("#employer-panel:not([hidden])")
    assert page.inner_text("#employer-name") == "Тээвэр Логистик ХХК"
    check_screen(page, artifacts, "employer-registered", reach=False)

    # Found again by a word of its name or the start of its number.
    for query in ("логистик", "50123"):
        page.fill("#find-q", query)
        page.click("#find-button")
        page.wait_for_selector("#find-results button:has-text('Тээвэр Логистик ХХК')")

    # The vacancy, with what matching reads.
    page.fill("#v-title", "Ачааны машины жолооч")
    page.fill("#v-titleEn", "Heavy truck driver")
    page.fill("#v-iscoCode", "8332")
    page.fill("#v-skills", "жолоо барих, ачаа тээвэр")
    page.select_option("#v-education", "upper_secondary")
    page.check("input[name=licences][value='driving-c']")
    page.fill("#v-experienceYears", "4")
    page.wait_for_selector("#v-soumCode option[value='UB-SB-05']", state="attached")
    page.select_option("#v-soumCode", "UB-SB-05")
    page.select_option("#v-hours", "fullTime")
    page.fill("#v-wageMin", "1800000")
    page.fill("#v-wageMax", "1500000")
    page.fill("#v-posts", "2")
    # Beyond a year is refused; two months ahead will do.
    page.fill("#v-closesOn", "2099-01-31")
    page.fill("#v-howToApply", "Ажилтан 3-т хандана уу")
    page.check("#v-newlyCreated")
    page.click("#vacancy-save")
    # A wage range upside down is refused, then mended.
    page.wait_for_selector("[data-error-for='wageMax']:has-text('доод')")
    assert "нэг жилийн дотор" in page.inner_text("[data-error-for='closesOn']")
    page.fill("#v-wageMax", "2400000")
    page.fill("#v-closesOn", (datetime.date.today() + datetime.timedelta(days=60)).isoformat())
    page.click("#vacancy-save")
    page.wait_for_selector("#vacancy-saved[data-reference]")
    reference = page.get_attribute("#vacancy-saved", "data-reference")
    assert reference.startswith("V-UB-SB-") and len(reference.split("-")[-1]) == 5
    page.wait_for_selector(f"#vacancies-table tr[data-reference='{reference}']")

    # In the kiosk's own vacancy search at once, on the touchscreen.
    kiosk_page = browser.new_context(viewport={"width": 1280, "height": 1024}).new_page()
    kiosk_page.goto(process.base + "/kiosk/mn/vacancies")
    kiosk_page.click("#v-what .show-jobs")
    card = kiosk_page.locator(f".vacancy-card[data-reference='{reference}']")
    card.wait_for()
    assert "Ачааны машины жолооч" in card.inner_text()
    assert "1 800 000–2 400 000 ₮" in card.inner_text()
    kiosk_page.context.close()

    # An edit keeps the code: the wage's top raised, the search shows it at once.
    page.click(f"#vacancies-table tr[data-reference='{reference}'] button:has-text('Засах')")
    expect(page.locator("#v-soumCode")).to_have_value("UB-SB-05")
    page.fill("#v-wageMax", "2500000")
    page.click("#vacancy-save")
    page.wait_for_selector(f"#vacancy-saved:has-text('{reference} ажлын байр өөрчлөгдлөө')")
    status, found = process.request("GET", "/api/v1/vacancies/" + reference)
    assert status == 200 and found["wageMax"] == 2_500_000 and found["reference"] == reference
    assert found["soumCode"] == "UB-SB-05"
    page.click(f"#vacancies-table tr[data-reference='{reference}'] button:has-text('Засах')")
    expect(page.locator("#v-soumCode")).to_have_value("UB-SB-05")
    page.fill("#v-wageMax", "2400000")
    page.click("#vacancy-save")
    page.wait_for_selector(f"#vacancy-saved:has-text('{reference} ажлын байр өөрчлөгдлөө')")

    # The employer's confirmation, read back from the PDF.
    cookie = "kiosk_staff=" + next(c["value"] for c in page.context.cookies() if c["name"] == "kiosk_staff")
    href = page.get_attribute(f"[data-pdf='{reference}']", "href")
    text = pdf_text(process, href, cookie)
    assert "Ажлын байр бүртгэсэн тухай баталгаа" in text
    assert reference in text
    assert "5012345" in text and "Тээвэр Логистик ХХК" in text
    assert "1 800 000–2 400 000 ₮" in text

    # Ranked candidates: the hand-worked table (must-haves leave three people out).
    page.click(f"#vacancies-table tr[data-reference='{reference}'] button:has-text('Ажил хайгчид')")
    page.wait_for_selector("#candidates-table tbody tr")
    assert candidate_rows(page) == [(name, score) for name, score, _ in EXPECTED]
    first_reasons = page.locator("#candidates-table tbody tr").nth(0).locator("td").nth(3).inner_text()
    assert first_reasons == "Мэргэжил нь тохирно; 2 ур чадвараас 2-тэй; Тухайн сум, хороонд амьдардаг"
    check_screen(page, artifacts, "employer-candidates", reach=False)
    # Available people only: the student goes.
    page.select_option("#c-status", "unemployed")
    page.click("#candidates-show")
    expect(page.locator("#candidates-table tbody tr")).to_have_count(3)
    assert [name for name, _ in candidate_rows(page)] == ["Батболд", "Ганзориг", "Дорж"]

    # Refer the two best; they leave the list.
    page.check(f"#candidates-table tr[data-candidate='{references['Батболд']}'] input")
    page.check(f"#candidates-table tr[data-candidate='{references['Ганзориг']}'] input")
    page.click("#refer-chosen")
    page.wait_for_selector("#refer-done:has-text('2 хүн илгээгдлээ')")
    expect(page.locator("#candidates-table tbody tr")).to_have_count(1)

    # The shortlist: only what candidates share with an employer.
    text = pdf_text(process, page.get_attribute("#shortlist-link", "href"), cookie)
    assert "Танд илгээсэн ажил хайгчид" in text
    assert references["Батболд"] in text and "Батболд" in text and "Ганзориг" in text
    assert "99112233" not in text and "9911 2233" not in text
    assert registry_number(4000) not in text and "Дорж" not in text

    # Hired and not hired: a post filled, a placement, its follow-ups.
    row = page.locator("#referrals-table tbody tr", has_text="Батболд")
    row.locator("button:has-text('Ажилд авсан')").click()
    page.wait_for_selector("#referrals-table tbody tr:has-text('Батболд'):has-text('Ажилд авсан ·')")
    page.locator("#referrals-table tbody tr", has_text="Ганзориг").locator("button:has-text('Ажилд аваагүй')").click()
    page.wait_for_selector("#referrals-table tbody tr:has-text('Ганзориг'):has-text('Ажилд аваагүй ·')")
    page.wait_for_selector(f"#vacancies-table tr[data-reference='{reference}']:has-text('1 / 2')")
    assert page.inner_text("#placements-count") == "Ажилд орсон хүн: 1"
    expect(page.locator("#follow-ups-list li")).to_have_count(3)
    items = page.locator("#follow-ups-list li")
    assert [items.nth(i).inner_text().split(" · ")[1] for i in range(3)] == ["3 сар", "6 сар", "12 сар"]
    items.nth(0).locator("button:has-text('Тэр ажилдаа байгаа')").click()
    expect(page.locator("#follow-ups-list li")).to_have_count(2)

    page.click("#figures-show")
    page.wait_for_selector("[data-figure='postsFilled'] dd:text-is('1')")
    assert figure(page, "vacanciesRegistered") == "1"
    assert figure(page, "postsRegistered") == "2"
    assert figure(page, "newlyCreatedPosts") == "2"
    assert figure(page, "vacanciesFilled") == "0"
    assert figure(page, "referralsPerVacancy") == "2"

    # The student is referred and hired too: the last post filled, the vacancy leaves the search.
    page.click(f"#vacancies-table tr[data-reference='{reference}'] button:has-text('Ажил хайгчид')")
    page.select_option("#c-status", "")
    page.click("#candidates-show")
    page.wait_for_selector(f"#candidates-table tr[data-candidate='{references['Оюун']}']")
    page.check(f"#candidates-table tr[data-candidate='{references['Оюун']}'] input")
    page.click("#refer-chosen")
    page.wait_for_selector("#refer-done:has-text('1 хүн илгээгдлээ')")
    page.locator("#referrals-table tbody tr", has_text="Оюун").locator("button:has-text('Ажилд авсан')").click()
    page.wait_for_selector(f"#vacancies-table tr[data-reference='{reference}']:has-text('Бүрэн орсон')")
    page.wait_for_selector("[data-figure='vacanciesFilled'] dd:text-is('1')")
    assert figure(page, "postsFilled") == "2"
    assert figure(page, "medianDaysToFill") == "0"
    sector_row = page.locator("#sectors-table tbody tr").nth(0).inner_text()
    assert sector_row.split("\t") == ["H · Тээвэр, агуулахын үйл ажиллагаа", "1", "2", "2"]
    status, found = process.request("GET", "/api/v1/vacancies?q=" + urllib.parse.quote("жолооч"))
    assert status == 200 and all(v["reference"] != reference for v in found["vacancies"])

    # The CSV of the figures.
    request = urllib.request.Request(process.base + page.get_attribute("#figures-csv", "href"),
                                     headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    assert body.startswith(b"\xef\xbb\xbf")
    csv = body.decode("utf-8-sig")
    assert "postsFilled,2" in csv and '"Тээвэр Логистик ХХК",H,1,2' in csv
    page.screenshot(path=str(artifacts / "employers-done.png"), full_page=True)
    assert errors == []


def test_the_employer_desk_is_for_officers_only(kiosk):
    process = kiosk()
    status, body = process.request("POST", "/api/v1/staff/employers", {"name": "x"})
    assert status == 401, body
    technician = process.staff_cookie("tekhnik", 1)
    status, body = process.request("GET", "/api/v1/staff/employers?q=a", cookie=technician)
    assert status == 403, body
    assert body["error"]["message"]["mn"]


def test_a_vacancy_taken_in_at_one_office_is_found_at_another_after_a_sync(browser, kiosk, hub, tmp_path):
    from test_case_elsewhere import two_offices
    from test_vacancies import sync

    offices = two_offices(kiosk, hub, tmp_path)

    process, data_dir = offices["UB-SB"]
    cookie = process.staff_cookie()
    vacancy = a_driver_vacancy(process, cookie)
    reference = vacancy["reference"]
    assert sync("now", data_dir=data_dir).returncode == 0
    assert hub["sql"](f"SELECT office_code || ' ' || deleted FROM vacancy WHERE reference = '{reference}'") \
        == "UB-SB false"
    assert hub["sql"]("SELECT count(*) FROM employer WHERE register_number = '5012345'") == "1"

    # At the other office's touchscreen after its sync.
    other, other_dir = offices["UB-BZ"]
    assert sync("now", data_dir=other_dir).returncode == 0
    page = browser.new_context(viewport={"width": 1280, "height": 1024}).new_page()
    page.goto(other.base + "/kiosk/mn/vacancies")
    page.click("#v-what .show-jobs")
    page.locator(f".vacancy-card[data-reference='{reference}']").wait_for()
    page.context.close()

    # Closed at its office: gone from the other office's search after both sync.
    status, closed = process.request("POST", f"/api/v1/staff/office-vacancies/{reference}/close", {}, cookie=cookie)
    assert status == 200 and closed["status"] == "closed"
    assert sync("now", data_dir=data_dir).returncode == 0
    assert sync("now", data_dir=other_dir).returncode == 0
    status, found = other.request("GET", f"/api/v1/vacancies/{reference}")
    assert status == 404, found
