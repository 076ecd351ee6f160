"""Issue 27: the vacancy intake form picks the ISCO-08 unit group from the bundled occupation list
searched by Mongolian or English words (and the words people use), as the kiosk's occupation
search does; the chosen group's name stands under its code, and the vacancy is saved with it."""
import datetime

from playwright.sync_api import expect

from screens import STAFF_SIZE, check_screen, sized_page
from test_employers import open_transport_employer


def test_the_officer_finds_and_picks_the_occupation_by_words(browser, kiosk, artifacts):
    process = kiosk()
    cookie = process.staff_cookie("ajiltan2", 2)
    status, employer = process.request("POST", "/api/v1/staff/employers", {
        "name": "Тээвэр Логистик ХХК", "registerNumber": "5012345", "sector": "H", "aimagCode": "UB-SB",
        "soumCode": "UB-SB-05", "contactName": "Б. Төмөр", "phone": "99114455"}, cookie=cookie)
    assert status == 201, employer
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_transport_employer(page, process, "ajiltan1", "1")

        # Mongolian words people use for the job find the unit group (its keywords: «ачааны машины жолооч»).
        page.fill("#v-isco-search", "ачааны машины жолооч")
        page.wait_for_selector("#v-isco-results [data-isco='8332']")
        codes = page.locator("#v-isco-results [data-isco]").evaluate_all("(bs) => bs.map(b => b.dataset.isco)")
        assert all(len(code) == 4 for code in codes), codes
        # A listbox of options without list bullets (nor the employer search's list).
        assert page.get_attribute("#v-isco-results", "role") == "listbox"
        assert page.locator("#v-isco-results > [role='option']").count() == len(codes)
        for selector in ["#v-isco-results", "#v-isco-results > li", "#find-results", "#find-results > li"]:
            assert page.locator(selector).first.evaluate("(e) => getComputedStyle(e).listStyleType") == "none"
        # The keyboard: Down from the search into the options, Down again, Enter picks.
        page.focus("#v-isco-search")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.isco") == codes[0]
        if len(codes) > 1:
            page.keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.dataset.isco") == codes[1]
        picked = page.evaluate("document.activeElement.dataset.isco")
        page.keyboard.press("Enter")
        assert page.input_value("#v-iscoCode") == picked
        assert page.get_attribute(f"#v-isco-results [data-isco='{picked}']", "aria-selected") == "true"
        check_screen(page, artifacts, "isco-picker-mn", reach=False)
        page.locator(".isco-picker").screenshot(path=str(artifacts / "isco-picker-results-mn.png"))
        page.click("#v-isco-results [data-isco='8332']")
        assert page.input_value("#v-iscoCode") == "8332"
        # The chosen line is written after the click's own handlers; wait for it rather than race it.
        expect(page.locator("#v-isco-chosen")).to_have_text("8332 · Хүнд даацын ачааны машины жолооч")

        # English words too; nothing found is said so.
        page.fill("#v-isco-search", "truck driver")
        page.wait_for_selector("#v-isco-results [data-isco='8332']")
        page.fill("#v-isco-search", "жжжжжж")
        page.wait_for_selector("#v-isco-count:has-text('олдсонгүй')")
        # A code typed by hand shows its name as well.
        page.fill("#v-iscoCode", "2411")
        page.wait_for_selector("#v-isco-chosen:has-text('2411 ·')")
        page.fill("#v-isco-search", "жолооч")
        page.wait_for_selector("#v-isco-results [data-isco='8332']")
        page.click("#v-isco-results [data-isco='8332']")

        # Saved with the picked code.
        page.fill("#v-title", "Ачааны машины жолооч")
        page.select_option("#v-aimagCode", "UB-SB")
        page.select_option("#v-hours", "fullTime")
        page.fill("#v-posts", "1")
        page.fill("#v-closesOn", (datetime.date.today() + datetime.timedelta(days=30)).isoformat())
        page.fill("#v-howToApply", "Ажилтан 3-т хандана уу")
        page.click("#vacancy-save")
        page.wait_for_selector("#vacancy-saved[data-reference]")
        reference = page.get_attribute("#vacancy-saved", "data-reference")
        assert errors == []
    status, found = process.request("GET", "/api/v1/vacancies/" + reference)
    assert status == 200 and found["iscoCode"] == "8332", found
