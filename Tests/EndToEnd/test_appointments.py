"""Appointments over two office days under libfaketime (issue 23): an officer books a person's next
meeting on the console for the next day; that day the person checks in at the kiosk with their
registry number ("I have an appointment") and is called before walk-ins who took tickets earlier,
near the booked time; an appointment nobody came to is marked missed. An office in Asia/Hovd books
the same wall-clock time an hour later in UTC."""
import signal
import sqlite3

import pytest

import conftest
from conftest import KioskProcess, registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_grievance import sign_in
from test_journey import next_step, open_journey, prove_by_staff, tap, wait_step
from test_random_api import stop

DAY1, DAY2 = "2026-03-02", "2026-03-03"  # a Monday and a Tuesday
KEEPER, MISSER, WALK1, WALK2 = (registry_number(i) for i in (301, 302, 303, 304))


def start_at(tmp_path, monkeypatch, stamp: str, data_dir, started, env=None) -> KioskProcess:
    """`kiosk serve` whose clock starts at `stamp` (UTC) and runs on; monotonic time stays real."""
    wrapper = tmp_path / f"kiosk-at-{stamp.replace(' ', 'T').replace(':', '')}"
    wrapper.write_text(f'#!/bin/sh\nexec faketime -f "@{stamp}" "{KIOSK_BIN}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(conftest, "KIOSK_BIN", str(wrapper))
    process = KioskProcess(data_dir, env={"TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1", **(env or {})})
    started.append(process.start(timeout=60))
    return process


KIOSK_BIN = conftest.KIOSK_BIN


@pytest.fixture
def processes():
    started: list[KioskProcess] = []
    yield started
    for process in started:
        if process.process and process.process.poll() is None:
            stop(process, signal.SIGKILL)


def register(process: KioskProcess, number: str, given: str) -> dict:
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number, givenName=given))
    assert status == 201, created
    return created


def book(page, number: str, date: str, time: str, counsellor: str = "", counter: str = ""):
    page.fill("#find-registry", number)
    page.click("#find-form button[type=submit]")
    page.wait_for_selector("#book-form:not([hidden])")
    page.select_option("#book-service", "Б")
    page.fill("#book-date", date)
    page.fill("#book-time", time)
    page.select_option("#book-counsellor", counsellor)
    page.select_option("#book-counter", counter)
    page.evaluate("document.getElementById('book-done').textContent = ''")
    page.click("#book-submit")


def book_at_half_past_ten(page, process: KioskProcess, number: str, date: str):
    """Signed in as the counsellor at counter 3, books `number` with them at 10:30 on `date`."""
    sign_in(page, process, "ajiltan1", "3")
    page.goto(process.base + "/staff/appointments?lang=en")
    page.wait_for_selector("#book-counsellor option[value='ajiltan1']", state="attached")
    book(page, number, date, "10:30", counsellor="ajiltan1")
    page.wait_for_selector("#book-done:has-text('10:30')")
    assert f"{date} at 10:30 with Бат-Эрдэнэ" in page.inner_text("#book-done")


def test_booked_visitor_is_called_before_earlier_walk_ins_and_a_missed_one_is_marked(
        browser, tmp_path, monkeypatch, processes, artifacts):
    data_dir = tmp_path / "data"
    # Day 1, 10:00 in Ulaanbaatar: the officer books tomorrow's meetings on the console.
    process = start_at(tmp_path, monkeypatch, f"{DAY1} 02:00:00", data_dir, processes)
    register(process, KEEPER, "Тэмүүлэн")
    register(process, MISSER, "Өнөрмаа")
    register(process, WALK1, "Батцэцэг")
    register(process, WALK2, "Үүрцайх")
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        book_at_half_past_ten(page, process, KEEPER, DAY2)
        check_screen(page, artifacts, "01-booked", reach=False)
        # The counsellor is taken ten minutes later; a closed day is refused with the reason.
        book(page, MISSER, DAY2, "10:40", counsellor="ajiltan1")
        page.wait_for_selector("#book-error:has-text('already has an appointment')")
        book(page, MISSER, "2026-03-08", "09:00", counter="3")
        page.wait_for_selector("#book-error:has-text('closed on that day')")
        book(page, MISSER, DAY2, "09:00", counter="3")
        page.wait_for_selector("#book-done:has-text('09:00')")
        page.fill("#day-date", DAY2)
        page.click("#day-form button[type=submit]")
        page.wait_for_selector("#day-rows tr[data-state='booked'] >> nth=1")
        check_screen(page, artifacts, "02-tomorrow", reach=False)
        assert errors == []
    status, day = process.request("GET", f"/api/v1/staff/appointments?date={DAY2}", cookie=process.staff_cookie())
    assert status == 200
    assert [(a["time"], a["at"]) for a in day["appointments"]] == [
        ("09:00", f"{DAY2}T01:00:00Z"), ("10:30", f"{DAY2}T02:30:00Z")]
    assert stop(process, signal.SIGTERM) == 0

    # Day 2, 10:22: two walk-ins take counselling tickets; then the booked person checks in.
    process = start_at(tmp_path, monkeypatch, f"{DAY2} 02:22:00", data_dir, processes)
    walk_ins = []
    for number in (WALK1, WALK2):
        status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "Б", "registryNumber": number})
        assert status == 201, ticket
        walk_ins.append(ticket["number"])
    context, screen, errors = open_journey(browser, process, language="en", register_only=False)
    screen.click("#appointment-start")
    wait_step(screen, "registryNumber")
    tap(screen, KEEPER)
    next_step(screen)
    wait_step(screen, "prove")
    screen.click("#prove-ticket")
    wait_step(screen, "ticket")
    booked_number = screen.inner_text("#ticket-number")
    assert booked_number == "Б-003"
    assert "checked in for your 10:30 appointment" in screen.inner_text("#ticket-appointment")
    assert screen.inner_text("#ticket-ahead") == "0"  # the walk-ins before it do not count
    check_screen(screen, artifacts, "03-checked-in", axe=True)
    assert "Тэмүүлэн" not in screen.content()  # checked in by number alone: nothing about them shown
    assert errors == []
    context.close()
    # Checking in again finds nothing open; someone with no appointment is told what to do.
    status, answer = process.request("POST", "/api/v1/appointments/check-in", {"registryNumber": KEEPER})
    assert status == 404 and answer["error"]["code"] == "appointment.noneToday"

    # 10:2x is inside the window before 10:30: the counsellor calls the booked ticket first.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "ajiltan1", "3")
        page.click("#call-next")
        page.wait_for_selector(f"#current .ticket-card[data-ticket='{booked_number}']")
        check_screen(page, artifacts, "04-called-first", reach=False, axe=False)
    cookie = process.staff_cookie("ajiltan1", 3)
    status, second = process.request("POST", "/api/v1/counters/3/call-next", cookie=cookie)
    assert status == 200 and second["number"] == walk_ins[0]

    # The 09:00 appointment's check-in closed at 09:30: it is missed; the day shows both.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "ajiltan2", "1")
        page.goto(process.base + "/staff/appointments?lang=en")
        page.wait_for_selector("#day-rows tr[data-state='missed']")
        assert page.locator("#day-rows tr[data-state='checkedIn']").count() == 1
        assert "Missed" in page.inner_text("#day-rows tr[data-state='missed']")
        page.wait_for_selector("#figure-missed:has-text('1')")
        assert page.inner_text("#figure-kept") == "1"
        check_screen(page, artifacts, "05-day-with-missed", reach=False)
        page.goto(process.base + f"/staff/dashboard?lang=en&from={DAY1}&to={DAY2}")
        assert page.inner_text("#case-figures [data-appointments='kept'] dd") == "1"
        assert page.inner_text("#case-figures [data-appointments='missed'] dd") == "1"
    status, reminders = process.request("GET", "/api/v1/staff/appointments/reminders", cookie=cookie)
    assert status == 200 and reminders["today"] == [] and reminders["nextOpenDay"] == []
    assert stop(process, signal.SIGTERM) == 0

    # Each change went to the outbox once: two bookings, the check-in, the missed mark.
    with sqlite3.connect(data_dir / "kiosk.sqlite") as db:
        states = [row[0] for row in db.execute(
            "SELECT json_extract(payload, '$.appointment.state') FROM outbox "
            "WHERE record_type = 'appointment.recorded' ORDER BY seq")]
    assert sorted(states) == ["booked", "booked", "checkedIn", "missed"]


def test_an_office_in_hovd_books_its_own_wall_clock_time(tmp_path, monkeypatch, processes):
    process = start_at(tmp_path, monkeypatch, f"{DAY1} 02:00:00", tmp_path / "hovd",
                       processes, env={"KIOSK_TIME_ZONE": "Asia/Hovd"})
    person = register(process, KEEPER, "Тэмүүлэн")
    cookie = process.staff_cookie("ajiltan1", 3)
    status, booked = process.request(
        "POST", "/api/v1/staff/appointments",
        {"registrationId": person["id"], "serviceCode": "Б", "date": DAY2, "time": "10:30", "staffId": "ajiltan1"},
        cookie=cookie)
    assert status == 201, booked
    assert (booked["date"], booked["time"], booked["at"]) == (DAY2, "10:30", f"{DAY2}T03:30:00Z")
    # 09:00 in Hovd is 02:00 UTC: a booking for 08:59 today is in the past there.
    status, refused = process.request(
        "POST", "/api/v1/staff/appointments",
        {"registrationId": person["id"], "serviceCode": "Б", "date": DAY1, "time": "08:59", "counter": 3},
        cookie=cookie)
    assert status == 422 and refused["error"]["code"] == "appointment.inPast"
    assert "өнгөрсөн" in refused["error"]["message"]["mn"]


def test_a_proved_visitor_checks_in_from_the_greeting(browser, tmp_path, monkeypatch, processes, artifacts):
    """The proof of who one is (here an officer's release; a finger gives the same proof) opens the
    greeting, whose ticket button checks in for the appointment."""
    process = start_at(tmp_path, monkeypatch, f"{DAY1} 02:00:00", tmp_path / "data", processes)
    person = register(process, KEEPER, "Тэмүүлэн")
    cookie = process.staff_cookie("ajiltan2", 1)
    status, booked = process.request(
        "POST", "/api/v1/staff/appointments",
        {"registrationId": person["id"], "serviceCode": "Б", "date": DAY1, "time": "10:30", "counter": 3},
        cookie=cookie)
    assert status == 201, booked
    context, screen, errors = open_journey(browser, process, language="mn", register_only=False)
    screen.click("#appointment-start")
    wait_step(screen, "registryNumber")
    tap(screen, KEEPER)
    next_step(screen)
    prove_by_staff(screen, process, KEEPER)
    assert screen.inner_text("#known-name") == "Б. Тэмүүлэн"
    screen.click("#known-ticket")
    wait_step(screen, "ticket")
    assert "10:30" in screen.inner_text("#ticket-appointment")
    assert "уулзалтдаа бүртгүүллээ" in screen.inner_text("#ticket-appointment")
    assert screen.inner_text("#ticket-registration").strip() != ""
    check_screen(screen, artifacts, "checked-in-proved")
    assert errors == []
    context.close()
    # Whoever serves counter 3 calls it; the booking is kept.
    counter3 = process.staff_cookie("ajiltan1", 3)
    status, called = process.request("POST", "/api/v1/counters/3/call-next", cookie=counter3)
    assert status == 200 and called["number"] == "Б-001"
    status, day = process.request("GET", f"/api/v1/staff/appointments?date={DAY1}", cookie=counter3)
    assert status == 200, day
    assert [a["state"] for a in day["appointments"]] == ["checkedIn"]


def test_someone_without_a_registration_is_told_there_is_no_appointment(browser, kiosk):
    process = kiosk()
    context, screen, errors = open_journey(browser, process, language="en", register_only=False)
    screen.click("#appointment-start")
    wait_step(screen, "registryNumber")
    tap(screen, KEEPER)
    next_step(screen)
    screen.wait_for_selector('[data-error-for="registryNumber"]:has-text("no appointment for you today")')
    assert errors == []
    context.close()
