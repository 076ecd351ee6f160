"""The staff console on a staff PC's screen (1366×768) in a real Chromium: "call next" and, after a
call, every action on the called ticket are on screen without scrolling; the waiting list marks
the tickets this counter cannot call; axe-core finds nothing critical or serious on the console's
states or on the office figures page."""
from screens import axe_violations, check_screen, sized_page
from test_grievance import sign_in
from test_queue import post

# What an officer must reach: "call next" and the controls of the tickets at the counter.
REACH = "#call-next, #current .ticket-card button, #current .ticket-card select, #parked .ticket-card button"

_OFF_SCREEN = """
(selector) => [...document.querySelectorAll(selector)].filter((el) => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  return r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight;
}).map((el) => (el.textContent || el.id || el.tagName).trim().slice(0, 40))
"""


def off_screen(page) -> list[str]:
    """The console's controls an officer needs that lie outside the viewport, scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0)")
    return page.evaluate(_OFF_SCREEN, REACH)


def check_console(page, artifacts, name: str) -> None:
    """The officer's controls on screen, then axe-core and a screenshot of this state."""
    missing = off_screen(page)
    assert missing == [], f"{name}: off screen at 1366×768: {missing}"
    check_screen(page, artifacts, name, reach=False)


def test_the_console_fits_a_staff_pc_and_passes_axe(browser, kiosk, artifacts):
    process = kiosk()
    # Counter 1 serves А and В; Д is served at counters 5 and 6 only.
    for code in ("А", "Д", "А"):
        assert post(process, "/api/v1/tickets", {"serviceCode": code})[0] == 201
    grievance = {"category": "serviceQuality", "text": "Дараалал удаан байна."}
    assert post(process, "/api/v1/grievances", grievance)[0] == 201
    with sized_page(browser, "1366x768") as page:
        page.goto(process.base + "/staff")
        check_screen(page, artifacts, "console-01-sign-in", reach=False)
        sign_in(page, process, "ajiltan1", "1")
        page.wait_for_selector("#waiting tr[data-ticket='Д-001']")

        # The waiting list: Д-001 is marked as not this counter's, in the officer's language.
        other = page.locator("#waiting tr[data-ticket='Д-001']")
        assert other.get_attribute("data-callable") == "false"
        assert "Энэ цонх дуудахгүй" in other.inner_text()
        assert page.locator("#waiting tr[data-ticket='А-001']").get_attribute("data-callable") == "true"
        check_console(page, artifacts, "console-02-waiting")

        # Called: every action on the ticket is on screen without scrolling.
        page.click("#call-next")
        page.wait_for_selector("#current .ticket-card[data-ticket='А-001']")
        assert page.locator("#current .ticket-card button").count() >= 6
        check_console(page, artifacts, "console-03-called")

        # Being served, then parked: the same.
        page.click("#current .ticket-card[data-ticket='А-001'] button.start")
        page.wait_for_selector("#current .ticket-card[data-ticket='А-001'] button.finish")
        check_console(page, artifacts, "console-04-serving")
        page.click("#current .ticket-card[data-ticket='А-001'] button.park")
        page.wait_for_selector("#parked .ticket-card[data-ticket='А-001']")
        page.click("#call-next")
        page.wait_for_selector("#current .ticket-card[data-ticket='А-002']")
        check_console(page, artifacts, "console-05-called-and-parked")

        # In English the marks and the controls are the officer's language too.
        page.click(".top-bar .toggle")
        page.wait_for_selector("#waiting tr[data-ticket='Д-001']")
        assert "Not called at this counter" in page.locator("#waiting tr[data-ticket='Д-001']").inner_text()
        check_console(page, artifacts, "console-06-english")

        # The office head's console adds the grievances and the sign-in locks.
        page.click("#sign-out")
        page.wait_for_selector("#sign-in:not([hidden])")
        sign_in(page, process, "darga", "1")
        page.wait_for_selector("#grievance-list li")
        page.wait_for_selector("#locks-panel:not([hidden])")
        check_console(page, artifacts, "console-07-head")

        # The office figures page.
        page.goto(process.base + "/staff/dashboard")
        page.wait_for_selector("#indicators")
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts / "dashboard-1366x768.png"))
