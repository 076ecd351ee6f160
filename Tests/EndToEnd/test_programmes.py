"""Employment promotion programmes on the console (issue 23): the office's places against its
quota, a person's eligibility with the reason for each rule, a referral that takes a place, and its
outcome; in Mongolian."""
from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_grievance import sign_in


def test_an_officer_refers_an_eligible_person_and_records_the_outcome(browser, kiosk, artifacts):
    process = kiosk()
    number = registry_number(5)  # born 1970: 56 in 2026
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "ajiltan1", "4")
        page.goto(process.base + "/staff/programmes?lang=mn")
        page.wait_for_selector("#places-rows tr >> nth=5")
        assert page.locator("#places-rows tr").count() == 6
        assert "Залуучуудын" in page.inner_text("#places-rows")
        page.fill("#find-registry", number)
        page.click("#find-form button[type=submit]")
        page.wait_for_selector("#eligibility .programme-card >> nth=5")
        eligible = page.locator("#eligibility .programme-card.eligible")
        assert sorted(eligible.evaluate_all("cards => cards.map(c => c.dataset.programme)")) == ["seniors", "skills"]
        youth = page.inner_text("#eligibility [data-programme='youth']")
        assert "Хамрагдах боломжгүй" in youth and "Нас 56: хөтөлбөр 15–34 насныханд зориулагдсан." in youth
        check_screen(page, artifacts, "01-eligibility", reach=False)
        page.click("#eligibility [data-refer='skills']")
        page.wait_for_selector("#person-done:has-text('хамрууллаа')")
        page.wait_for_selector("#places-rows tr[data-programme='skills'] td[data-used]:has-text('1')")
        # Referred again while the place is held: refused with the reason.
        page.click("#eligibility [data-refer='skills']")
        page.wait_for_selector("#person-error:has-text('үр дүнгүй хамрагдаж')")
        page.wait_for_selector("#referrals [data-referral='skills'] form")
        page.select_option("#referrals [data-referral='skills'] select", "completed")
        page.click("#referrals [data-referral='skills'] button[type=submit]")
        page.wait_for_selector("#referrals [data-referral='skills']:has-text('Дүүргэсэн')")
        check_screen(page, artifacts, "02-outcome", reach=False)
        # The office dashboard shows the places used against the quota.
        page.goto(process.base + "/staff/dashboard?lang=en")
        row = page.locator("#case-figures tr[data-programme='skills'] td")
        assert row.all_inner_texts()[:3] == ["40", "1", "39"]
        check_screen(page, artifacts, "03-dashboard", reach=False)
        assert errors == []
    status, places = process.request("GET", "/api/v1/staff/programmes", cookie=process.staff_cookie())
    skills = next(p for p in places["programmes"] if p["code"] == "skills")
    assert (skills["quota"], skills["used"], skills["completed"]) == (40, 1, 1)


def next_open_day(after_days: int = 1) -> str:
    """A weekday at least `after_days` after today in Ulaanbaatar that is not a fixed public holiday."""
    import datetime
    from zoneinfo import ZoneInfo
    holidays = {(1, 1), (3, 8), (6, 1), (7, 11), (7, 12), (7, 13), (7, 14), (7, 15), (11, 26), (12, 29)}
    day = datetime.datetime.now(ZoneInfo("Asia/Ulaanbaatar")).date() + datetime.timedelta(days=after_days)
    while day.weekday() >= 5 or (day.month, day.day) in holidays:
        day += datetime.timedelta(days=1)
    return day.isoformat()


def test_the_case_page_shows_the_persons_appointments_and_programmes_and_opens_their_pages(
        browser, kiosk, artifacts):
    process = kiosk()
    number = registry_number(5)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    cookie = process.staff_cookie("ajiltan1", 4)
    day = next_open_day()
    status, booked = process.request(
        "POST", "/api/v1/staff/appointments",
        {"registrationId": created["id"], "serviceCode": "Б", "date": day, "time": "10:30", "staffId": "ajiltan1"},
        cookie=cookie)
    assert status == 201, booked
    status, referred = process.request(
        "POST", "/api/v1/staff/programmes/referrals", {"registrationId": created["id"], "programmeCode": "skills"},
        cookie=cookie)
    assert status == 201, referred
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "ajiltan1", "4")
        page.goto(process.base + f"/staff/cases/{created['id']}?lang=mn")
        page.wait_for_selector("#booked-appointments li:has-text('10:30')")
        assert f"{day} 10:30 · Б" in page.inner_text("#booked-appointments")
        assert "Товлосон" in page.inner_text("#booked-appointments")
        page.wait_for_selector("#booked-programmes li:has-text('илгээсэн')")
        check_screen(page, artifacts, "case-booked", reach=False)
        # "Programmes this person may join" opens the programmes page on this person.
        page.click("#booked-refer")
        page.wait_for_selector("#eligibility .programme-card >> nth=5")
        assert page.input_value("#find-registry") == number
        page.go_back()
        page.click("#booked-book")
        page.wait_for_selector("#book-form:not([hidden])")
        assert page.input_value("#find-registry") == number
        assert errors == []
