"""Appointment reminders by SMS from the console: an officer books with "remind by SMS" (the
person agrees at the counter) at an office whose modem is gammu-smsd's dummy phone; the booking
queues the evening-before and on-the-day reminders with their due times, a cancellation takes
them back, and an office without texts neither offers nor accepts it."""
import sqlite3

from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_grievance import sign_in
from test_programmes import next_open_day
from test_sms import gammu, sms_kiosk  # noqa: F401 (fixture)


def test_a_booking_with_reminders_queues_two_and_a_cancellation_takes_them_back(browser, kiosk, gammu, tmp_path, artifacts):  # noqa: F811
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    number = registry_number(11)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    # Two days ahead at least: for tomorrow, after 18:00 in Ulaanbaatar the evening-before
    # reminder is already past and rightly not queued.
    day = next_open_day(after_days=2)
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "ajiltan1", "4")
        page.goto(process.base + f"/staff/appointments?lang=mn&registryNumber={number}")
        page.wait_for_selector("#book-form:not([hidden])")
        page.fill("#book-date", day)
        page.fill("#book-time", "10:30")
        page.wait_for_selector("#book-counsellor option[value='ajiltan1']", state="attached")
        page.select_option("#book-counsellor", "ajiltan1")
        page.check("#book-remind")
        check_screen(page, artifacts, "book-with-reminder", reach=False)
        page.click("#book-submit")
        page.wait_for_selector("#book-done:not(:empty), #book-error:not(:empty)")
        assert page.inner_text("#book-error") == ""
        assert errors == []
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        rows = db.execute("SELECT kind, state, text, due_at > created_at FROM sms_message ORDER BY due_at").fetchall()
        consent = db.execute("SELECT kind, source FROM sms_consent WHERE withdrawn_at IS NULL").fetchall()
    assert consent == [("appointment_reminder", "staff")]
    assert [(kind, state, later) for kind, state, _, later in rows] == [
        ("appointment_reminder", "queued", 1), ("appointment_reminder", "queued", 1)]
    assert all("10:30" in text and "Сануулга" in text for _, _, text, _ in rows)
    assert gammu.files("sent") == []  # due later, not now
    cookie = process.staff_cookie("ajiltan1", 4)
    status, listed = process.request("GET", f"/api/v1/staff/appointments/person/{created['id']}", cookie=cookie)
    assert status == 200 and len(listed["appointments"]) == 1, listed
    status, cancelled = process.request(
        "POST", f"/api/v1/staff/appointments/{listed['appointments'][0]['id']}/cancel", {}, cookie=cookie)
    assert status == 200, cancelled
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert db.execute("SELECT count(*) FROM sms_message").fetchone()[0] == 0


def test_an_office_without_texts_neither_offers_nor_accepts_reminders(browser, kiosk, artifacts):
    process = kiosk()
    number = registry_number(12)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    status, refused = process.request(
        "POST", "/api/v1/staff/appointments",
        {"registrationId": created["id"], "serviceCode": "Б", "date": next_open_day(), "time": "10:30",
         "staffId": "ajiltan1", "remindBySMS": True},
        cookie=process.staff_cookie("ajiltan1", 4))
    assert status == 422 and refused["error"]["code"] == "appointment.remindBySMS", refused
    assert "SMS" in refused["error"]["message"]["mn"]
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "ajiltan1", "4")
        page.goto(process.base + "/staff/appointments?lang=en")
        page.wait_for_selector("#find-form")
        assert page.locator("#book-remind").count() == 0
