"""The jobseeker's case: a visitor answers the profiling questions at the kiosk after registering;
an officer finds the case, confirms the group, writes a plan with two steps and a note, and prints
the plan on A4 (read back with pdftotext). Technicians are refused the case."""
import datetime
import sqlite3
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import registration_form, registry_number
from screens import SIZES, STAFF_SIZE, check_screen, sized_page
from test_grievance import sign_in
from test_journey import fill_new_registration, next_step, open_journey, wait_step

# One answer a question, in the questionnaire's order (Kiosk/reference/profiling.json): long out
# of work, full-time care and little searching; the rest without barriers.
ANSWERS = ["over2y", "vocational", "yes", "over5y", "no", "fullTime", "no", "no", "35to54", "no", "little", "now"]


def answer_all(page, artifacts=None, prefix="") -> None:
    page.click("#p-start")
    for index, answer in enumerate(ANSWERS):
        page.wait_for_selector(f"#p-counter:has-text('{index + 1}')")
        if artifacts is not None and index in (0, 4):
            check_screen(page, artifacts, f"{prefix}question-{index + 1}")
        page.click(f'#p-answers .choice[data-answer="{answer}"]')
    page.wait_for_selector("#p-check:not([hidden])")


def test_a_visitor_profiles_at_the_kiosk_after_registering(browser, kiosk, artifacts):
    process = kiosk()
    number = registry_number(4321)
    context, page, errors = open_journey(browser, process)
    fill_new_registration(page, number, "ОЮУН", "ЦЭЦЭГ")
    page.click("#consent")
    wait_step(page, "review")
    next_step(page)
    wait_step(page, "done")
    page.click("#done-profile")
    page.wait_for_url("**/kiosk/mn/profiling?for=*")
    assert "#" not in page.url and "proof" not in page.url, "the proof leaves the address at once"
    page.wait_for_selector("#p-start:not([disabled])")
    check_screen(page, artifacts, "profiling-1920x1080-intro")
    answer_all(page, artifacts, "profiling-1920x1080-")
    check_screen(page, artifacts, "profiling-1920x1080-check")
    # "Change" on the check screen returns to that question, and back to the check after it.
    page.click("#p-check-list div:nth-child(2) .edit")
    page.wait_for_selector("#p-question:not([hidden])")
    page.click('#p-answers .choice[data-answer="higher"]')
    page.wait_for_selector("#p-check:not([hidden])")
    page.click("#p-send")
    page.wait_for_selector("#p-done:not([hidden])")
    assert "ажилтан" in page.inner_text("#p-done-text").lower()
    check_screen(page, artifacts, "profiling-1920x1080-done")
    assert not errors, errors
    context.close()

    cookie = process.staff_cookie()
    status, found = process.request("GET", "/api/v1/staff/cases?q=" + urllib.parse.quote(number), cookie=cookie)
    assert status == 200 and len(found["people"]) == 1, found
    status, case = process.request("GET", f"/api/v1/staff/cases/{found['people'][0]['id']}", cookie=cookie)
    assert status == 200, case
    profile = case["profile"]
    # 3 (over two years) + 3 (full-time care) + 1 (little search) = 7: medium barriers.
    assert profile["score"] == 7 and profile["suggestedGroup"] == "medium", profile
    assert profile.get("answeredBy") is None
    assert [r["question"] for r in profile["reasons"]] == ["timeOutOfWork", "care", "jobSearch"]
    assert any(a["answer"]["en"] == "Higher education" for a in profile["answers"])


@pytest.mark.parametrize("size", ["1280x800", "1080x1920"])
@pytest.mark.parametrize("text", ["normal", "large"])
def test_the_profiling_questions_fit_every_touchscreen(browser, kiosk, artifacts, size, text):
    process = kiosk()
    number = registry_number(4400)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    proof = process.proof(number)
    fragment = "#session=" + urllib.parse.quote(proof["X-Kiosk-Session"]) + "&proof=" + \
        urllib.parse.quote(proof["X-Kiosk-Proof"])
    query = "&text=large" if text == "large" else ""
    with sized_page(browser, size, has_touch=True) as page:
        page.goto(f"{process.base}/kiosk/en/profiling?for={created['id']}{query}{fragment}")
        page.wait_for_selector("#p-start:not([disabled])")
        check_screen(page, artifacts, f"profiling-{size}-{text}-intro")
        answer_all(page, artifacts, f"profiling-{size}-{text}-")
        check_screen(page, artifacts, f"profiling-{size}-{text}-check")
        page.click("#p-send")
        page.wait_for_selector("#p-done:not([hidden])")
        check_screen(page, artifacts, f"profiling-{size}-{text}-done")


def test_an_officer_confirms_the_group_writes_a_plan_and_a_note_and_prints_it(
        browser, printing_kiosk, print_lab, artifacts):
    process = printing_kiosk()
    number = registry_number(4500)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    person = created["id"]
    answers = {"registrationId": person, "answers": dict(zip(
        ["timeOutOfWork", "education", "skillsInDemand", "experience", "health", "care", "housingTransport",
         "literacy", "ageGroup", "herding", "jobSearch", "motivation"], ANSWERS))}
    # The same answers sent twice under one key (a retry after a lost answer) are kept once.
    headers = {**process.proof(number), "Idempotency-Key": str(uuid.uuid4())}
    first = process.request("POST", "/api/v1/profiling", answers, headers=headers)
    again = process.request("POST", "/api/v1/profiling", answers, headers=headers)
    assert first[0] == 201 and again == first, (first, again)
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM case_profile").fetchone()[0] == 1
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE record_type = 'case.profiled'").fetchone()[0] == 1

    # A technician is refused the case, on the server.
    technician = process.staff_cookie("tekhnik", 6)
    status, refused = process.request("GET", f"/api/v1/staff/cases/{person}", cookie=technician)
    assert status == 403 and refused["error"]["code"] == "staff.role"

    before = len(print_lab.a4_documents())
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "ajiltan1", "1")
        page.click("#cases-link")
        page.wait_for_url("**/staff/cases?lang=mn")
        page.fill("#case-q", number.lower())
        page.click("#case-find")
        page.click(f"#case-results a[href^='/staff/cases/{person}']")
        page.wait_for_selector("#case:not([hidden])")
        assert page.get_attribute("#profile-suggested", "data-group") == "medium"
        assert "Удаан хугацаагаар ажилгүй" in page.inner_text("#profile-reasons")
        check_screen(page, artifacts, "case-page-profiled", reach=False)

        # The officer confirms the suggestion (no reason needed for a confirmation).
        page.click("#decision-save")
        page.wait_for_selector("#profile-decided[data-group='medium']")

        page.select_option("#plan-counsellor", "ajiltan1")
        page.fill("#plan-goals", "Асрамжийн ажилд орох; хүүхдээ цэцэрлэгт оруулах")
        page.click("#plan-save")
        page.wait_for_selector("#step-form:not([hidden])")
        today = datetime.date.today()
        steps = [("month", "applyToVacancies", "Асрагчийн 3 ажлын байранд өргөдөл өгөх", today + datetime.timedelta(days=10)),
                 ("year", "attendProgramme", "Асаргааны мэргэжлийн сургалтад хамрагдах", today + datetime.timedelta(days=200))]
        for index, (horizon, kind, text, due) in enumerate(steps):
            page.select_option("#step-horizon", horizon)
            page.select_option("#step-kind", kind)
            page.fill("#step-text", text)
            page.fill("#step-due", due.isoformat())
            page.click("#step-add")
            page.wait_for_selector(f"#plan-step-table tbody tr:nth-child({index + 1})")
        page.select_option("#note-kind", "visit")
        page.fill("#note-text", "Хүүхэд асрах тул өглөөний ээлжийн ажил хайна.")
        page.click("#note-add")
        page.wait_for_selector("#note-list li[data-note]")
        check_screen(page, artifacts, "case-page-plan", reach=False)

        # This kiosk has no LMIS link: asking for the case at other offices says it could not.
        page.click("#elsewhere-ask")
        page.wait_for_selector("#elsewhere-status[data-status='error']")
        assert "ХЗЗМНС" in page.inner_text("#elsewhere-status")

        page.click("#plan-print-a4")
        page.wait_for_selector("#plan-print-status[data-status='sent']")
        assert not errors, errors

        # The dashboard's caseload: the person profiled (medium), one plan open, the counsellor's share.
        page.goto(process.base + "/staff/dashboard?lang=mn")
        page.wait_for_selector("#caseload")
        assert page.inner_text("#caseload [data-group='medium'] dd") == "1"
        assert page.inner_text("#caseload-open-plans dd") == "1"
        assert page.inner_text("#caseload-overdue dd") == "0"
        assert page.inner_text("#caseload-counsellors tr[data-counsellor='ajiltan1'] td") == "1"
        check_screen(page, artifacts, "dashboard-caseload", reach=False)

    pdf = print_lab.wait_for_a4(before + 1)[-1]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ["Миний үйл ажиллагааны төлөвлөгөө", created["reference"], "Асрамжийн ажилд орох",
                     "Асрагчийн 3 ажлын байранд өргөдөл өгөх", "Асаргааны мэргэжлийн сургалтад хамрагдах",
                     "Дараагийн сар", "Дараагийн 12 сар"]:
        assert expected in text, (expected, text)

    # Every read and change of the case is on record, with the officer.
    cookie = process.staff_cookie()
    status, log = process.request("GET", f"/api/v1/staff/cases/{person}/access", cookie=cookie)
    actions = [entry["action"] for entry in log["access"]]
    assert {"read", "decide", "plan", "step", "note"} <= set(actions), actions
    assert {entry["staffId"] for entry in log["access"]} == {"ajiltan1"}
