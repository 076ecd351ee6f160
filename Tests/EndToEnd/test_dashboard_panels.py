"""The office head's dashboard shows, on the page itself, the text messages by kind today and this
week (issue 22) and the employers panel (issue 27): vacancies and posts registered, filled and the
placements that follow, in the period shown. Real kiosk, real gammu-smsd (dummy phone), Chromium."""
import sqlite3

from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_employers import hire_a_consenting_driver
from test_follow_up_sms import reply
from test_grievance import sign_in
from test_sms import gammu, sms_kiosk, wait_for  # noqa: F401 (fixture)


def db_count(data, query: str) -> int:
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        return db.execute(query).fetchone()[0]


def test_the_head_sees_messages_and_employer_figures_on_the_dashboard(browser, kiosk, gammu, tmp_path, artifacts):  # noqa: F811
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    cookie = process.staff_cookie("ajiltan1", 3)
    status, person = process.request("POST", "/api/v1/registrations", registration_form(
        registry_number(41), occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих"]))
    assert status == 201, person
    # A one-time code (sent through the dummy phone), then a reply for staff and a STOP.
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    status, _ = process.request("POST", "/api/v1/kiosk/proofs/code",
                                {"registryNumber": registry_number(41), "language": "mn"},
                                headers={"X-Kiosk-Session": session["session"]})
    assert status == 202
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    # "Follow-up" consent, then a vacancy, a referral and a hire: a placement, three questions queued.
    hire_a_consenting_driver(process, cookie, person["id"])
    reply(gammu, "Сайн байна уу")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT count(*) FROM sms_received").fetchone()[0] == 1)

    with sized_page(browser, "staff") as page:
        sign_in(page, process, "darga", "1")
        page.goto(process.base + "/staff/dashboard?lang=en")
        page.wait_for_selector("#sms-panel")
        today = page.locator("#sms-panel-today")
        assert today.locator('tr[data-kind="one_time_code"] td').all_inner_texts() == ["0", "1", "0", "0", "1"]
        # The three follow-up questions are queued for 3, 6 and 12 months on: not today's or this week's.
        assert db_count(data, "SELECT count(*) FROM sms_message WHERE kind = 'follow_up'") == 3
        assert today.locator('tr[data-kind="follow_up"]').count() == 0
        assert page.locator('#sms-panel-week tr[data-kind="follow_up"]').count() == 0
        assert page.locator('[data-sms="today-staff"] dd').inner_text() == "1"
        assert page.locator('[data-sms="week-staff"] dd').inner_text() == "1"
        assert page.locator('[data-sms="today-stop"] dd').inner_text() == "0"
        assert page.locator("#sms-panel-week tr[data-kind='one_time_code'] th").inner_text() == "One-time codes"
        panel = page.locator("#employer-panel")
        figure = lambda key: panel.locator(f'[data-employer-figure="{key}"] dd').inner_text()  # noqa: E731
        assert figure("vacanciesRegistered") == "1"
        assert figure("postsRegistered") == "1"
        assert figure("newlyCreated") == "1"
        assert figure("vacanciesFilled") == "1"
        assert figure("placements") == "1"
        rows = page.locator("#employer-panel-table tbody tr")
        assert rows.count() == 1
        assert rows.nth(0).locator("th").inner_text() == "Тээвэр Логистик ХХК"
        assert rows.nth(0).locator("td").all_inner_texts()[1:] == ["1", "1"]
        check_screen(page, artifacts, "dashboard-panels-en", reach=False)
        page.locator("#sms-panel").screenshot(path=str(artifacts / "sms-panel-en.png"))
        # Mongolian: the same figures, the kinds named in Mongolian.
        page.goto(process.base + "/staff/dashboard?lang=mn")
        page.wait_for_selector("#employer-panel")
        assert page.locator("#employer-panel h2").inner_text() == "Ажил олгогч ба ажлын байр"
        assert page.locator("#sms-panel-today tr[data-kind='one_time_code'] th").inner_text() == "Нэг удаагийн код"
        check_screen(page, artifacts, "dashboard-panels-mn", reach=False)


def test_an_office_without_texts_shows_no_messages_panel_but_the_employers_panel(browser, kiosk, artifacts):
    process = kiosk()
    with sized_page(browser, "staff") as page:
        sign_in(page, process, "darga", "1")
        page.goto(process.base + "/staff/dashboard?lang=en")
        page.wait_for_selector("#employer-panel")
        assert page.locator("#sms-panel").count() == 0
        assert page.locator('#employer-panel [data-employer-figure="vacanciesRegistered"] dd').inner_text() == "0"
        assert page.locator("#employer-panel").inner_text().count("No employer figures in the period.") == 1
