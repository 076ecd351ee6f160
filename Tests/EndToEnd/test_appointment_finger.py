"""Check-in for an appointment by finger (issue 23), with the virtual reader (the demo prints in
order: the right index finger 01-03, the left 04-06, then the right again 07): a visitor registers
and enrols two fingers; they have a meeting with a counsellor in 2 minutes; at the kiosk "I have
an appointment" and a touch of the reader find them, and the ticket that comes is the check-in
for that meeting.

The meeting is written into the office database rather than booked on the console: booking
refuses closed days and hours outside the service's, and the virtual reader does not capture
under libfaketime (its waits run on a clock libfaketime fakes), so a booking on the real clock
would fail at night and at weekends. Booking itself is walked in test_appointments.py."""
import datetime
import sqlite3
import urllib.parse
import uuid
from zoneinfo import ZoneInfo

from screens import check_screen
from test_journey import fill_new_registration, next_step, open_journey, wait_step

NUMBER = "ТА85061512"


def stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_visitor_checks_in_for_the_appointment_by_finger(browser, kiosk, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_FINGERPRINT_READER": "virtual"})
    context, page, errors = open_journey(browser, process)
    fill_new_registration(page, NUMBER, "ДОРЖ", "ӨЛЗИЙ")
    wait_step(page, "consent")
    page.click("#consent")
    wait_step(page, "fingerprint")
    page.wait_for_selector("#fingerprint-finger:has-text('Хурууны хээ тань бүртгэгдлээ')", timeout=90000)
    wait_step(page, "review")
    next_step(page)
    wait_step(page, "done")
    assert errors == []
    context.close()

    cookie = process.staff_cookie("ajiltan1", 3)
    status, found = process.request(
        "GET", "/api/v1/staff/appointments/find?registryNumber=" + urllib.parse.quote(NUMBER), cookie=cookie)
    assert status == 200, found
    now = datetime.datetime.now(datetime.timezone.utc)
    at = now + datetime.timedelta(minutes=2)
    office_day = at.astimezone(ZoneInfo("Asia/Ulaanbaatar")).date().isoformat()
    appointment = str(uuid.uuid4())
    with sqlite3.connect(data_dir / "kiosk.sqlite") as db:
        [office] = db.execute("SELECT DISTINCT office_code FROM outbox").fetchone()
        db.execute("INSERT INTO appointment (id, office_code, registration_id, service_code, at, office_day, "
                   "staff_id, booked_by, booked_at, state) VALUES (?, ?, ?, 'Б', ?, ?, 'ajiltan1', 'ajiltan1', ?, "
                   "'booked')", (appointment, office, found["id"], stamp(at), office_day, stamp(now)))
    local = at.astimezone(ZoneInfo("Asia/Ulaanbaatar")).strftime("%H:%M")

    # At the kiosk: "I have an appointment", then the finger instead of the registry number.
    context, screen, errors = open_journey(browser, process, register_only=False)
    screen.click("#appointment-start")
    wait_step(screen, "registryNumber")
    screen.wait_for_selector("#identify-box:not([hidden])")
    screen.click("#identify-pad")
    wait_step(screen, "known")
    assert screen.inner_text("#known-name") == "Д. Өлзий"
    check_screen(screen, artifacts, "appointment-finger-known", axe=True)
    screen.click("#known-ticket")
    wait_step(screen, "ticket")
    assert local in screen.inner_text("#ticket-appointment")
    check_screen(screen, artifacts, "appointment-finger-ticket", axe=True)
    assert errors == []
    context.close()

    # The appointment is kept, with the ticket that waits for its counsellor.
    status, day = process.request("GET", f"/api/v1/staff/appointments?date={office_day}", cookie=cookie)
    assert status == 200, day
    [kept] = day["appointments"]
    assert kept["id"] == appointment and kept["state"] == "checkedIn" and kept["ticketId"]
