"""The office figures page of the staff console in a real Chromium: an officer serves a
visitor, opens the figures from the console and finds the day's ticket in the indicators, the
charts (server-drawn SVG) and a CSV that a spreadsheet reads as UTF-8."""
import urllib.request

from test_grievance import sign_in
from test_queue import post


def test_an_officer_opens_the_office_figures_from_the_console(browser, kiosk, artifacts):
    process = kiosk()
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, process, "ajiltan1", "1")
    cookie = process.staff_cookie("ajiltan2", 2)
    assert post(process, "/api/v1/counters/2/call-next", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200

    page.click("#dashboard-link")
    page.wait_for_selector("#indicators")
    assert page.inner_text("h1") == "Албаны үзүүлэлт"
    guidance = page.locator('[data-indicator="careerGuidance"] dd')
    assert guidance.inner_text() == "1"
    assert page.locator('[data-indicator="officers"] dd').inner_text() == "1"
    # The charts are inline SVG with bars the browser lays out.
    assert page.locator("#chart-days svg rect.series-0").count() >= 1
    box = page.locator("#chart-hours svg").bounding_box()
    assert box and box["width"] > 300
    page.screenshot(path=str(artifacts / "dashboard-mn.png"), full_page=True)

    # English, then a preset period; the period survives the language switch.
    page.click(".top-bar .toggle")
    page.wait_for_selector("text=LMIS indicators")
    page.click("text=Last 30 days")
    page.wait_for_selector("#period")
    start, end = page.input_value("#period-from"), page.input_value("#period-to")
    assert start < end
    assert page.locator('[data-indicator="careerGuidance"] dd').inner_text() == "1"
    page.screenshot(path=str(artifacts / "dashboard-en.png"), full_page=True)

    # The indicators' CSV link answers UTF-8 with a byte-order mark, both languages' names in it.
    href = page.locator("#indicators a.csv-link").get_attribute("href")
    request = urllib.request.Request(process.base + href, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    assert body.startswith(b"\xef\xbb\xbf")
    assert "careerGuidance,Мэргэжлийн чиг баримжаа авсан,Received career guidance,1" in body.decode("utf-8-sig")
