"""Counsellors' leave days on the console (issue 23): the office head enters a day off for an
officer who already has a meeting booked that day; the page lists that meeting for rebooking;
a new booking with the officer that day is refused with the reason in both languages; the
booking form offers the officer's next free days without it. An officer sees only themselves in
the leave form, and the server refuses them another's day."""
from conftest import registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_appointments import DAY1, DAY2, book, processes, register, start_at  # noqa: F401
from test_grievance import sign_in

PERSON = registry_number(311)


def test_the_head_enters_a_leave_day_and_the_booked_meeting_comes_back_for_rebooking(
        browser, tmp_path, monkeypatch, processes, artifacts):  # noqa: F811
    process = start_at(tmp_path, monkeypatch, f"{DAY1} 02:00:00", tmp_path / "data", processes)
    person = register(process, PERSON, "Өлзийсайхан")
    officer = process.staff_cookie("ajiltan2", 3)
    status, booked = process.request("POST", "/api/v1/staff/appointments", {
        "registrationId": person["id"], "serviceCode": "Б", "date": DAY2, "time": "11:00", "staffId": "ajiltan2"},
        cookie=officer)
    assert status == 201, booked
    # An officer may not enter another's leave; the reason comes in both languages.
    status, refused = process.request("POST", "/api/v1/staff/appointments/leave",
                                      {"staffId": "ajiltan1", "date": DAY2}, cookie=officer)
    assert status == 403 and refused["error"]["code"] == "appointment.notYourLeave"
    assert "дарга" in refused["error"]["message"]["mn"] and "head" in refused["error"]["message"]["en"]

    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "darga", "4")
        page.goto(process.base + "/staff/appointments?lang=mn")
        page.wait_for_selector("#leave-counsellor option[value='ajiltan2']", state="attached")
        page.wait_for_selector("#free-days:has-text('" + DAY2 + "')")
        page.select_option("#leave-counsellor", "ajiltan2")
        page.fill("#leave-date", DAY2)
        page.click("#leave-add")
        page.wait_for_selector(f"#leave-done [data-rebook='{booked['id']}']")
        done = page.inner_text("#leave-done")
        assert "Сарангэрэл" in done and "чөлөөтэй" in done and "11:00" in done and "Өлзийсайхан" in done
        assert page.get_attribute(f"[data-rebook='{booked['id']}'] a", "href").startswith(
            f"/staff/cases/{person['id']}")
        page.wait_for_selector(f"#leave-list [data-leave='ajiltan2/{DAY2}']")
        check_screen(page, artifacts, "01-leave-added", reach=False)

        # Booking with her on that day is refused; the form's free days skip it.
        book(page, PERSON, DAY2, "14:00", counsellor="ajiltan2")
        page.wait_for_selector("#book-error:has-text('чөлөөтэй')")
        page.wait_for_function(
            "document.getElementById('free-days').textContent.includes('Дараагийн сул өдрүүд')")
        free = page.inner_text("#free-days")
        assert DAY2 not in free and "2026-03-04" in free, free
        page.fill("#day-date", DAY2)
        page.click("#day-form button[type=submit]")
        page.wait_for_selector("#day-calendar:has-text('Сарангэрэл')")
        check_screen(page, artifacts, "02-booking-refused", reach=False)
        assert errors == []

    # The officer's own form offers only herself; she takes the day back and is bookable again.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "ajiltan2", "3")
        page.goto(process.base + "/staff/appointments?lang=en")
        page.wait_for_selector(f"#leave-list [data-leave='ajiltan2/{DAY2}'] button")
        options = page.eval_on_selector_all("#leave-counsellor option", "os => os.map(o => o.value)")
        assert options == ["ajiltan2"]
        page.click(f"#leave-list [data-leave='ajiltan2/{DAY2}'] button")
        page.wait_for_selector("#leave-list li.hint")
    status, again = process.request("POST", "/api/v1/staff/appointments", {
        "registrationId": person["id"], "serviceCode": "Б", "date": DAY2, "time": "14:00", "staffId": "ajiltan2"},
        cookie=process.staff_cookie("ajiltan2", 3))
    assert status == 201, again
