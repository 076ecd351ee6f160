"""A grievance from the kiosk to its resolution: filed on the touchscreen with the on-screen
keyboard, triaged on the staff console by the office head, followed by its code at the kiosk."""
import re

from conftest import KioskProcess
from screens import check_screen


def sign_in(page, process: KioskProcess, username: str, counter: str):
    page.goto(process.base + "/staff")
    page.fill("#username", username)
    page.fill("#pin", "2468")
    page.select_option("#counter", counter)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")


def type_on_screen(page, text: str):
    """Touches the on-screen keyboard's keys, as a visitor would."""
    for letter in text:
        key = " " if letter == " " else letter.upper()
        page.locator(f'#keyboard .key[data-key="{key}"]').first.click()


def test_a_grievance_is_filed_at_the_kiosk_and_followed_to_resolution(browser, kiosk, artifacts):
    process = kiosk()
    screen = browser.new_context(viewport={"width": 1280, "height": 1024}, has_touch=True).new_page()
    screen.goto(process.base + "/kiosk/mn/grievance")
    # One question a screen: what about, what happened, where, a reply or not, check and send.
    screen.click("#g-start")
    screen.click('#g-categories [data-category="staffConduct"]')
    screen.wait_for_selector("#g-text-step:not([hidden])")
    type_on_screen(screen, "цонх хаалттай")
    assert screen.input_value("#g-text") == "Цонх хаалттай"
    screen.click("#g-text-next")
    screen.click('#g-areas [data-area="Үйлчилгээний цонх"]')
    screen.click("#g-anonymous")
    screen.wait_for_selector("#g-check:not([hidden])")
    assert screen.inner_text("#g-check-text") == "Цонх хаалттай"
    assert screen.inner_text("#g-check-contact") == "Нэрээ нууцалсан"
    screen.screenshot(path=str(artifacts / "filing.png"))
    screen.click("#g-send")
    screen.wait_for_selector("#g-received:not([hidden])")
    code = screen.inner_text("#g-code")
    assert re.fullmatch(r"GR-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert "хүлээн авлаа" in screen.inner_text("#g-acknowledgement")
    screen.screenshot(path=str(artifacts / "received.png"))

    # An officer does not see a grievance about staff conduct; the office head does and resolves it.
    officer = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    sign_in(officer, process, "ajiltan1", "1")
    officer.wait_for_selector("#grievance-panel:not([hidden])")
    assert officer.locator(f'#grievance-list li[data-code="{code}"]').count() == 0
    head = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    sign_in(head, process, "darga", "2")
    item = head.locator(f'#grievance-list li[data-code="{code}"]')
    item.wait_for()
    assert "Цонх хаалттай" in item.inner_text()
    item.locator('[data-action="acknowledge"]').click()
    head.locator(f'#grievance-list li[data-code="{code}"] [data-action="acknowledge"]').wait_for(state="detached")
    item = head.locator(f'#grievance-list li[data-code="{code}"]')
    item.locator('[data-field="note"]').fill("Ажилтантай ярилцаж, уучлал гуйлгасан")
    item.locator('[data-action="resolve"]').click()
    head.locator(f'#grievance-list li[data-code="{code}"]').wait_for(state="detached")
    head.check("#grievance-all")
    resolved = head.locator(f'#grievance-list li[data-code="{code}"]')
    resolved.wait_for()
    assert "Шийдвэрлэсэн" in resolved.inner_text() and "darga" in resolved.inner_text()
    head.screenshot(path=str(artifacts / "console.png"))

    # Back at the kiosk, the visitor's code shows the grievance resolved.
    screen.goto(process.base + "/kiosk/mn/grievance")
    screen.click("#g-start-follow")
    # A code that does not exist: the screen says so and stays.
    for letter in "ACDE2346":
        screen.locator(f'#code-keypad .key[data-key="{letter}"]').click()
    screen.click("#g-show")
    screen.wait_for_selector("#g-follow-error:has-text('олдсонгүй')")
    check_screen(screen, artifacts, "follow-not-found")
    screen.locator('#code-keypad .key[data-action="clear"]').click()
    for letter in code.replace("-", "")[2:]:
        screen.locator(f'#code-keypad .key[data-key="{letter}"]').click()
    assert screen.input_value("#g-code-input") == code
    check_screen(screen, artifacts, "follow-code")
    screen.click("#g-show")
    screen.wait_for_selector("#g-status:not([hidden])")
    assert screen.inner_text("#g-state") == "Шийдвэрлэсэн"
    assert screen.locator("#g-steps li").count() == 3
    check_screen(screen, artifacts, "followed")


def test_a_visitor_back_at_the_kiosk_rates_the_service_by_the_ticket_number(browser, kiosk, artifacts):
    from test_queue import post, sign_in as staff_session
    process = kiosk()
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201
    cookie = staff_session(process, counter=1)
    assert post(process, "/api/v1/counters/1/call-next", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200

    screen = browser.new_context(viewport={"width": 1280, "height": 1024}, has_touch=True).new_page()
    screen.goto(process.base + "/kiosk/mn/grievance")
    screen.click("#g-start-rate")
    for key in ["А", "0", "0", "1"]:
        screen.locator(f'#number-keypad .key[data-key="{key}"]').click()
    assert screen.input_value("#r-number") == "А-001"
    screen.click("#r-next")
    # The number alone finds nothing to rate: the rating code printed on the ticket is needed.
    screen.click("#r-find")
    screen.wait_for_selector("#r-error:has-text('үнэлгээний код')")
    assert screen.is_hidden("#r-faces-step")
    check_screen(screen, artifacts, "rating-code-missing")
    for key in ticket["ratingCode"].replace("-", ""):
        screen.locator(f'#code-keypad .key[data-key="{key}"]').click()
    assert screen.input_value("#r-code") == ticket["ratingCode"]
    screen.click("#r-find")
    screen.wait_for_selector("#r-faces-step:not([hidden])")
    assert screen.inner_text("#r-ticket") == ticket["number"]
    screen.click('#r-faces [data-rating="5"]')
    type_on_screen(screen, "баярлалаа")
    screen.screenshot(path=str(artifacts / "rating.png"))
    screen.click("#r-send")
    screen.wait_for_selector("#r-thanks:not([hidden])")

    from test_queue import http_get_json
    stored = http_get_json(process, f"/api/v1/tickets/{ticket['id']}/feedback")
    assert stored["rating"] == 5 and stored["comment"] == "Баярлалаа"


def test_a_technician_console_shows_the_board_not_the_people(browser, kiosk):
    """The technician sees waiting numbers, printers and the link; no call button, no records, no grievances."""
    process = kiosk()
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    sign_in(page, process, "tekhnik", "6")
    assert not page.is_visible("#call-next")
    assert not page.is_visible("#matches-panel")
    page.wait_for_timeout(800)  # the grievance panel asks once at start and after sign-in
    assert not page.is_visible("#grievance-panel")
