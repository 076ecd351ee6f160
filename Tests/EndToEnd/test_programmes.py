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
