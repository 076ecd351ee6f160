"""Every staff console page a role can open, in a real Chromium at the office PCs' screens
(1366×768, 1280×800 and 1920×1080), in Mongolian and English: axe-core finds nothing critical or
serious, and each page's main actions are on screen without scrolling (the rest of a long page, a
case file's history say, is reached by scrolling, as on any page). An officer, the office head and
the technician each walk the pages their role opens; the technician is sent back from the rest."""

import pytest

from conftest import registration_form, registry_number
from screens import check_screen
from test_grievance import sign_in

SIZES = [(1366, 768), (1280, 800), (1920, 1080)]

# page → (the permission's roles, the path, what shows it has loaded, its main actions).
PAGES = {
    "console": (("ajiltan1", "darga"), "/staff", "#console:not([hidden])",
                ["#call-next", "#sign-out", "#dashboard-link", "#cases-link", "#employers-link",
                 "#appointments-link", "#messages-link"]),
    # «Sync now» shows only at a kiosk enrolled with the LMIS (none here).
    "console-technician": (("tekhnik",), "/staff", "#console:not([hidden])", ["#sign-out"]),
    "dashboard": (("ajiltan1", "darga"), "/staff/dashboard", "#indicators", ["#period-show"]),
    "cases": (("ajiltan1", "darga"), "/staff/cases", "#case-search-form", ["#case-search-form input", "#case-find"]),
    "case-file": (("ajiltan1", "darga"), "/staff/cases/{person}", "#case-details:not([hidden]) #case-name",
                  ["#case-name"]),
    "employers": (("ajiltan1", "darga"), "/staff/employers", "#find-form", ["#find-q", "#find-button"]),
    "appointments": (("ajiltan1", "darga"), "/staff/appointments", "#find-form", ["#find-registry"]),
    "programmes": (("ajiltan1", "darga"), "/staff/programmes", "#person-panel", ["#find-registry"]),
    # The replies that need a person are the page's work; recording a consent is below them.
    "messages": (("ajiltan1", "darga"), "/staff/messages", "#consent-form", ["#modem-title", "#replies-title"]),
}
ROLES = {"ajiltan1": "1", "darga": "2", "tekhnik": "3"}

_OFF_SCREEN = """
(selectors) => selectors.flatMap((selector) => {
  const found = [...document.querySelectorAll(selector)].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  });
  if (found.length === 0) return [selector + ' (not shown)'];
  return found.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.top < -1 || r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1;
  }).map((el) => selector + ' ' + JSON.stringify([Math.round(el.getBoundingClientRect().top),
                                                   Math.round(el.getBoundingClientRect().bottom)]));
})
"""


def main_actions_off_screen(page, selectors: list[str]) -> list[str]:
    """The page's main actions not shown or not wholly on screen, scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0)")
    return page.evaluate(_OFF_SCREEN, selectors)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_console_page_at_office_screen_sizes(browser, kiosk, artifacts, size):
    process = kiosk()
    status, person = process.request("POST", "/api/v1/registrations", registration_form(registry_number(77)))
    assert status == 201, person
    width, height = size
    problems = []
    for user, counter in ROLES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, user, counter)
        for name, (users, path, loaded, main) in PAGES.items():
            if user not in users:
                continue
            for language in ("mn", "en"):
                page.goto(process.base + path.replace("{person}", person["id"]) + f"?lang={language}")
                page.wait_for_selector(loaded)
                page.wait_for_load_state("networkidle")
                shot = f"{width}x{height}-{user}-{name}-{language}"
                missing = main_actions_off_screen(page, main)
                if missing:
                    problems.append(f"{shot}: main actions off screen: {missing}")
                try:
                    check_screen(page, artifacts, shot, reach=False)
                except AssertionError as failure:
                    problems.append(str(failure)[:600])
        if user == "tekhnik":
            # The pages of people's records are not the technician's: sent back to the console, or
            # refused with the reason.
            for path in ("/staff/dashboard", "/staff/cases", "/staff/cases/" + person["id"], "/staff/employers",
                         "/staff/appointments", "/staff/programmes", "/staff/messages"):
                response = page.goto(process.base + path)
                refused = response.status == 403 and "staff.role" in response.text()
                assert refused or page.url.startswith(process.base + "/staff?"), (path, response.status, page.url)
        assert errors == [], (user, errors)
        context.close()
    assert problems == [], "\n".join(problems)
