"""Vacancies end to end: vacancies published at a real hub reach a real kiosk through `kiosk sync
now`; in Chromium a visitor searches on the on-screen keyboard, opens a vacancy and prints the list
(checked at the print lab's A4 printer) and a registered person's top five (at the receipt
printer); an officer sees the same matches on the console and refers the person, and the referral
reaches the hub."""

import subprocess
import time

from conftest import KIOSK_BIN, registration_form
from screens import check_screen
from test_printing import ocr, settled_receipts

VACANCIES = [
    # reference, title, English title, ISCO, skills, posted
    ("V-2026-00101", "Ачааны машины жолооч", "Truck driver", "8332", ["жолоо барих"], "2026-11-20"),
    ("V-2026-00102", "Автобусны жолооч", "Bus driver", "8331", ["жолоо барих", "харилцаа"], "2026-11-18"),
    ("V-2026-00103", "Үйлчлэгч", "Cleaner", "9112", [], "2026-11-19"),
    ("V-2026-00104", "Өрлөгчин", "Bricklayer", "7112", ["өрлөг"], "2026-11-17"),
    ("V-2026-00105", "Жолоочийн туслах", "Driver's mate", "9333", ["ачаа"], "2026-11-10"),
]


def publish(hub, posted_on: dict[str, str] | None = None) -> None:
    """Publishes VACANCIES at the hub; `posted_on` moves some posting dates (by reference)."""
    posted_on = posted_on or {}
    hub["admin"]("PUT", "/admin/vacancies", [{
        "reference": reference, "title": title, "titleEn": title_en, "iscoCode": isco,
        "employer": "Өргөө Үйлчилгээ ХХК", "aimagCode": "UB-SB", "soumCode": "UB-SB-05",
        "wageMin": 1_200_000, "wageMax": 1_800_000, "hours": "fullTime", "skills": skills, "experienceYears": 1,
        "posts": 2, "postedOn": posted_on.get(reference, posted), "closesOn": "2099-01-31", "howToApply": "Ажилтан 3-т хандана уу",
        "officeCode": "UB-SB", "newlyCreated": False,
    } for reference, title, title_en, isco, skills, posted in VACANCIES])


def sync(*args: str, data_dir) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK_BIN, "sync", *args, "--data-dir", str(data_dir)], capture_output=True, text=True,
                          timeout=60)


def type_on_screen(page, text: str) -> None:
    page.wait_for_selector("#keyboard:not([hidden])")  # the keyboard comes with the step that asks for a word
    for letter in text.upper():
        page.click(f'#keyboard .key[data-key="{letter}"]:visible')


def kiosk_with_vacancies(start, hub, data_dir):
    """A kiosk enrolled at the hub, holding the vacancies above (synced, not copied)."""
    process = start(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    assert sync("enrol", "--hub", hub["base"], "--code", code, data_dir=data_dir).returncode == 0
    publish(hub)
    assert sync("now", data_dir=data_dir).returncode == 0
    return process


def test_search_open_print_match_and_refer(browser, printing_kiosk, print_lab, hub, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    process = kiosk_with_vacancies(printing_kiosk, hub, data_dir)

    # A visitor searches "жолооч" on the on-screen keyboard: the titles with the word come first.
    context = browser.new_context(viewport={"width": 1280, "height": 1024})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(process.base + "/kiosk/mn/vacancies")
    # Any step can jump to the list: straight away, all five.
    page.click("#v-what .show-jobs")
    page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 5')")
    page.click("#v-new-search")
    page.click("#v-by-word")
    type_on_screen(page, "жолооч")
    page.click("#keyboard .key-go")
    page.click("#v-where .show-jobs")
    page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
    assert page.is_hidden("#keyboard")
    cards = page.locator(".vacancy-card")
    assert [cards.nth(i).get_attribute("data-reference") for i in range(3)] == [
        "V-2026-00101", "V-2026-00102", "V-2026-00105"]
    assert "1 200 000–1 800 000 ₮" in cards.nth(0).inner_text()
    page.screenshot(path=str(artifacts / "search.png"))

    # The detail screen shows the code to quote at a desk.
    cards.nth(0).click()
    page.wait_for_selector("#detail-view:not([hidden])")
    assert page.inner_text("#d-reference") == "V-2026-00101"
    assert page.inner_text("#d-title") == "Ачааны машины жолооч"
    assert "Ажилтан 3-т хандана уу" in page.inner_text("#d-apply")
    page.screenshot(path=str(artifacts / "detail.png"))
    page.click("#detail-back")

    # "Print this list": the A4 printer receives the three results with their codes.
    before_a4 = len(print_lab.a4_documents())
    page.click("#print-a4")
    page.wait_for_selector("#print-status.ok")
    document = print_lab.wait_for_a4(before_a4 + 1)[-1]
    text = subprocess.run(["pdftotext", "-layout", str(document), "-"], capture_output=True, text=True).stdout
    for reference in ("V-2026-00101", "V-2026-00102", "V-2026-00105"):
        assert reference in text, text
    assert "V-2026-00103" not in text and "Хайлт: жолооч" in text
    assert not errors

    # Narrowed to a khoroo: the khoroo list follows the district chosen; a chip changes it.
    page.click("#filter-chips .edit")  # the word: back to its step, and on to the list again
    page.wait_for_selector("#v-word:not([hidden])")
    page.click("#search")
    page.wait_for_selector("#v-results:not([hidden])")
    page.click("#v-new-search")
    page.click("#v-by-word")
    type_on_screen(page, "жолооч")
    page.click("#search")
    page.click('#v-aimags [data-aimag="UB-SB"]')
    page.click('#v-soums [data-soum="UB-SB-05"]')
    page.click("#v-hours .show-jobs")
    page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
    page.locator("#filter-chips .edit", has_text="5-р хороо").click()
    page.click('#v-soums [data-soum="UB-SB-01"]')
    page.wait_for_selector("#found:has-text('Ажлын байр олдсонгүй')")
    check_screen(page, artifacts, "none-found")

    # In English, the Latin keys search the English titles.
    page.goto(process.base + "/kiosk/en/vacancies")
    page.click("#v-by-word")
    page.click("#key-layout")
    type_on_screen(page, "bricklayer")
    page.click("#search")
    page.click("#v-where .show-jobs")
    page.wait_for_selector("#found:has-text('Jobs found: 1')")
    assert page.locator(".vacancy-card").first.get_attribute("data-reference") == "V-2026-00104"
    # The Mongolian employer's name on the English screen says its language.
    assert page.locator(".vacancy-card .v-employer").first.get_attribute("lang") == "mn"

    # A registered person's matches, with reasons; the top five go to the receipt printer.
    # Registered at a screen session, whose proof the kiosk page hands to the vacancy page in the
    # fragment (as `kiosk.js` does); the page takes it into memory and cleans its address.
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    assert status == 201
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"),
                                      headers={"X-Kiosk-Session": session["session"]})
    assert status == 201
    page.goto(process.base + f"/kiosk/mn/vacancies?for={created['id']}"
              f"#session={session['session']}&proof={created['proof']['token']}")
    page.wait_for_selector("#tab-matches[aria-pressed='true']")
    page.wait_for_selector(".vacancy-card .reason-yourOccupation")
    assert "proof=" not in page.url
    matched = page.locator(".vacancy-card")
    assert matched.count() == 2  # the truck (1 of 1 skills) and the bus (1 of 2), both in group 83
    assert "Таны мэргэжил" in matched.nth(0).inner_text()
    before = settled_receipts(print_lab)
    page.click("#print-top5")
    page.wait_for_selector("#print-status.ok")
    read = ocr(print_lab.wait_for_receipts(before + 1)[-1]["image"])
    assert "V-2026-00101" in read and "V-2026-00102" in read, read
    check_screen(page, artifacts, "matches")
    assert not errors
    context.close()

    # The officer sees the same list on the console and refers the person to the truck job.
    staff = browser.new_page()
    staff.goto(process.base + "/staff")
    staff.fill("#username", "ajiltan1")
    staff.fill("#pin", "2468")
    staff.click("#sign-in-form button[type=submit]")
    staff.wait_for_selector("#console:not([hidden])")
    staff.fill("#matches-registry", "УБ90051223")
    staff.click("#matches-form button[type=submit]")
    staff.wait_for_selector('.match[data-reference="V-2026-00101"] .refer')
    staff.fill('.match[data-reference="V-2026-00101"] .note', "Даваа гарагт очно")
    staff.click('.match[data-reference="V-2026-00101"] .refer')
    staff.wait_for_selector('.match[data-reference="V-2026-00101"] .referred')
    staff.screenshot(path=str(artifacts / "console-matches.png"))

    # The list of khoroo 5 on A4, for an officer who visits it.
    staff.wait_for_selector('#area-soum option[value="UB-SB-05"]', state="attached")
    staff.select_option("#area-soum", "UB-SB-05")
    before_area = len(print_lab.a4_documents())
    staff.click("#area-print")
    staff.wait_for_selector("#area-status.ok")
    area = print_lab.wait_for_a4(before_area + 1)[-1]
    text = subprocess.run(["pdftotext", "-layout", str(area), "-"], capture_output=True, text=True).stdout
    assert "Байршил: Сүхбаатар дүүрэг, 5-р хороо" in text, text
    assert all(reference in text for reference, *_ in VACANCIES), text
    staff.close()

    assert sync("now", data_dir=data_dir).returncode == 0
    deadline = time.monotonic() + 20
    query = ("SELECT vacancy_reference || '|' || staff_id || '|' || note FROM referral "
             f"WHERE registration_id = '{created['id']}'")
    while hub["sql"](query) != "V-2026-00101|ajiltan1|Даваа гарагт очно":
        assert time.monotonic() < deadline, hub["sql"](query)
        time.sleep(0.3)
