"""Check-in for an appointment by finger (issue 23), with the virtual reader (the demo prints in
order: the right index finger 01-03, the left 04-06, then the right again 07), over two office
days under libfaketime (the wall clock is faked, monotonic time stays real; the virtual reader waits
on a thread, since Swift's Task.sleep never wakes under libfaketime). Day 1: a visitor registers at the kiosk and enrols two fingers; an
officer finds them on the console's appointments page and books a meeting with a counsellor for
the next day at 10:30. Day 2, 10:22: a walk-in takes a counselling ticket; the visitor chooses
"I have an appointment" and touches the reader; the ticket that comes is the check-in for that
meeting, and the counsellor calls it before the walk-in who came earlier."""
import signal

from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_appointments import book_at_half_past_ten, processes, start_at  # noqa: F401 (processes is a fixture)
from test_grievance import sign_in
from test_journey import fill_new_registration, next_step, open_journey, wait_step
from test_random_api import stop

NUMBER = "ТА85061512"
WALK_IN = registry_number(311)
DAY1, DAY2 = "2026-03-02", "2026-03-03"  # a Monday and a Tuesday


def test_a_visitor_booked_on_the_console_checks_in_by_finger_and_is_called_first(
        browser, tmp_path, monkeypatch, processes, artifacts):  # noqa: F811
    data_dir = tmp_path / "data"
    env = {"KIOSK_FINGERPRINT_READER": "virtual"}
    # Day 1, 10:00 in Ulaanbaatar: the visitor registers with two fingers at the kiosk.
    process = start_at(tmp_path, monkeypatch, f"{DAY1} 02:00:00", data_dir, processes, env)
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
    status, walk_in = process.request("POST", "/api/v1/registrations", registration_form(WALK_IN, givenName="Батцэцэг"))
    assert status == 201, walk_in

    # The officer books tomorrow's meeting on the console, as at the counter.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        book_at_half_past_ten(page, process, NUMBER, DAY2)
        assert errors == []
    cookie = process.staff_cookie("ajiltan1", 3)
    status, day = process.request("GET", f"/api/v1/staff/appointments?date={DAY2}", cookie=cookie)
    assert status == 200, day
    [booked] = day["appointments"]
    assert (booked["time"], booked["at"], booked["state"]) == ("10:30", f"{DAY2}T02:30:00Z", "booked")
    assert stop(process, signal.SIGTERM) == 0

    # Day 2, 10:22: a walk-in takes a counselling ticket first.
    process = start_at(tmp_path, monkeypatch, f"{DAY2} 02:22:00", data_dir, processes, env)
    status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "Б", "registryNumber": WALK_IN})
    assert status == 201, ticket

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
    booked_number = screen.inner_text("#ticket-number")
    assert "10:30" in screen.inner_text("#ticket-appointment")
    assert screen.inner_text("#ticket-ahead") == "0"  # the walk-in before it does not count
    check_screen(screen, artifacts, "appointment-finger-ticket", axe=True)
    assert errors == []
    context.close()

    # The appointment is kept, with the ticket; the counsellor calls it before the walk-in.
    cookie = process.staff_cookie("ajiltan1", 3)
    status, day = process.request("GET", f"/api/v1/staff/appointments?date={DAY2}", cookie=cookie)
    assert status == 200, day
    [kept] = day["appointments"]
    assert kept["id"] == booked["id"] and kept["state"] == "checkedIn" and kept["ticketId"]
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "ajiltan1", "3")
        page.click("#call-next")
        page.wait_for_selector(f"#current .ticket-card[data-ticket='{booked_number}']")
        check_screen(page, artifacts, "appointment-finger-called-first", reach=False, axe=False)
    cookie = process.staff_cookie("ajiltan1", 3)  # signing in on the console ended the earlier session
    status, second = process.request("POST", "/api/v1/counters/3/call-next", cookie=cookie)
    assert status == 200 and second["number"] == ticket["number"]
