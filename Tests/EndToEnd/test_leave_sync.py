"""Leave days are the office's, not one device's (issue 23): the head enters a counsellor's day
off on the console of one kiosk; after a sync round the office's second kiosk refuses a booking
with her that day (both languages) and its booking form skips the day, while a kiosk of another
office still books her namesake there. Taking the day back on the first console frees it on the
second after the next round. Two real kiosks and a third of another office, a real hub."""
import datetime
from zoneinfo import ZoneInfo

from conftest import registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_appointments import book, register
from test_case_elsewhere import two_offices
from test_grievance import sign_in
from test_vacancies import sync

PERSON, OTHER = registry_number(331), registry_number(332)
FIXED_HOLIDAYS = {(1, 1), (3, 8), (6, 1), (7, 11), (7, 12), (7, 13), (7, 14), (7, 15), (11, 26), (12, 29)}


def open_day_ahead(days: int = 7) -> str:
    """An office day (a weekday, not a fixed holiday) at least `days` after today in Ulaanbaatar."""
    day = datetime.datetime.now(ZoneInfo("Asia/Ulaanbaatar")).date() + datetime.timedelta(days=days)
    while day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS:
        day += datetime.timedelta(days=1)
    return day.isoformat()


def booking(process, person: dict, day: str, time: str) -> tuple[int, dict]:
    return process.request("POST", "/api/v1/staff/appointments", {
        "registrationId": person["id"], "serviceCode": "Б", "date": day, "time": time, "staffId": "ajiltan2"},
        cookie=process.staff_cookie("ajiltan1", 3))


def test_a_leave_day_entered_on_one_kiosk_blocks_booking_on_the_offices_other_kiosk(
        browser, kiosk, hub, tmp_path, artifacts):
    day = open_day_ahead()
    offices = two_offices(kiosk, hub, tmp_path)
    first, first_dir = offices["UB-SB"]
    elsewhere, elsewhere_dir = offices["UB-BZ"]
    second_dir = tmp_path / "UB-SB-2"
    second = kiosk(data_dir=second_dir, env={"KIOSK_SYNC_INTERVAL": "3600", "KIOSK_OFFICE_CODE": "UB-SB"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    assert sync("enrol", "--hub", hub["base"], "--code", code, data_dir=second_dir).returncode == 0
    person = register(second, PERSON, "Өлзийсайхан")
    other = register(elsewhere, OTHER, "Түвшинжаргал")

    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, first, "darga", "4")
        page.goto(first.base + "/staff/appointments?lang=mn")
        page.wait_for_selector("#leave-counsellor option[value='ajiltan2']", state="attached")
        page.select_option("#leave-counsellor", "ajiltan2")
        page.fill("#leave-date", day)
        page.click("#leave-add")
        page.wait_for_selector(f"#leave-list [data-leave='ajiltan2/{day}']")
        assert errors == []

    for data_dir in (first_dir, second_dir, elsewhere_dir):
        result = sync("now", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
    assert hub["sql"]("SELECT office_code || ' ' || staff_id || ' ' || day || ' ' || removed "
                      "FROM office_calendar_day") == f"UB-SB ajiltan2 {day} false"

    # The second kiosk of the office refuses her that day, on its console, in both languages.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, second, "ajiltan1", "3")
        page.goto(second.base + "/staff/appointments?lang=mn")
        page.wait_for_selector(f"#leave-list [data-leave='ajiltan2/{day}']")
        book(page, PERSON, day, "11:00", counsellor="ajiltan2")
        page.wait_for_selector("#book-error:has-text('чөлөөтэй')")
        page.wait_for_function(
            "document.getElementById('free-days').textContent.includes('Дараагийн сул өдрүүд')")
        assert day not in page.inner_text("#free-days")
        check_screen(page, artifacts, "01-refused-on-the-second-kiosk", reach=False)
        assert errors == []
    status, refused = booking(second, person, day, "14:00")
    assert status == 409 and refused["error"]["code"] == "appointment.onLeave", refused
    assert "чөлөөтэй" in refused["error"]["message"]["mn"] and "away" in refused["error"]["message"]["en"]

    # Another office never received it: its ajiltan2 is booked that day.
    status, booked = booking(elsewhere, other, day, "11:00")
    assert status == 201, booked
    status, listed = elsewhere.request("GET", "/api/v1/staff/appointments/leave",
                                       cookie=elsewhere.staff_cookie("darga", 4))
    assert status == 200 and listed["leave"] == [], listed

    # Taken back on the first console: free on the second after the next round.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, first, "darga", "4")
        page.goto(first.base + "/staff/appointments?lang=en")
        page.click(f"#leave-list [data-leave='ajiltan2/{day}'] button")
        page.wait_for_selector("#leave-list li.hint")
    for data_dir in (first_dir, second_dir):
        result = sync("now", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
    status, booked = booking(second, person, day, "14:00")
    assert status == 201, booked
    assert hub["sql"]("SELECT removed FROM office_calendar_day") == "t"
