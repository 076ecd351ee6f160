"""A first visit and a return, walked as a visitor does, counting every tap on the screen.

Counted: every trusted click on the page (language, services, choices, Next, Finish, a pad of the
demo fingerprint reader), excluding on-screen keyboard keys that type a character: those are the
characters a person must type whatever the design. Backspace and "clear" count as taps.
"""
import re

from conftest import registration_form
from test_journey import choose, next_step, open_journey, tap, wait_step

COUNT_TAPS = """
(() => {
  document.addEventListener("click", (event) => {
    if (!event.isTrusted) return;
    const key = event.target.closest && event.target.closest(".key[data-key]");
    window.__kioskTap(key ? "character" : "tap");
  }, true);
})();
"""


class Taps:
    """Taps and typed characters across the pages of one browser context."""

    def __init__(self, context):
        self.taps = 0
        self.characters = 0
        context.expose_binding("__kioskTap", lambda _source, kind: self._count(kind))
        context.add_init_script(COUNT_TAPS)

    def _count(self, kind: str):
        if kind == "character":
            self.characters += 1
        else:
            self.taps += 1


def new_visit(browser, process, language="mn", viewport=None):
    """A context that counts taps, on the attract screen."""
    context = browser.new_context(viewport=viewport or {"width": 1920, "height": 1080}, has_touch=True,
                                  locale="mn-MN")
    taps = Taps(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(process.base + "/kiosk")
    return context, page, taps, errors


def test_taps_of_todays_full_registration(browser, kiosk):
    """Today's journey: a Ховд visitor registers with two fingers and takes a ticket."""
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual", "KIOSK_OFFICE_UNIT": "MN-043",
                         "KIOSK_TIME_ZONE": "Asia/Hovd"})
    context, page, taps, errors = new_visit(browser, process)
    page.click('[data-lang="mn"]')
    wait_step(page, "service")
    page.click('.service-option[data-service="Б"]')
    wait_step(page, "registryNumber")
    tap(page, "ТА85061512")
    next_step(page)
    wait_step(page, "names")
    tap(page, "ДОРЖ")
    page.click("#givenName")
    tap(page, "ӨЛЗИЙ")
    next_step(page)
    wait_step(page, "phone")
    tap(page, "88112233")
    next_step(page)
    wait_step(page, "address")
    page.locator("#soum-options .option", has_text="Жаргалант").click()
    next_step(page)
    wait_step(page, "education")
    choose(page, "educationCode", "vocational")
    next_step(page)
    wait_step(page, "occupation")
    tap(page, "ЖОЛ")
    page.wait_for_selector('[data-choice="occupationCode"] .option[data-value="83"]')
    choose(page, "occupationCode", "83")
    next_step(page)
    wait_step(page, "skills")
    tap(page, "ГАГНУУР")
    page.click("#skill-add")
    tap(page, "ЖОЛОО БАРИХ")
    page.click("#skill-add")
    page.click('.licence-option[data-licence="driving-c"]')
    next_step(page)
    wait_step(page, "experience")
    for _ in range(6):
        page.click("#experience-plus")
    next_step(page)
    wait_step(page, "desiredJob")
    tap(page, "ЖОЛ")
    page.wait_for_selector('[data-choice="desiredOccupationCode"] .option[data-value="83"]')
    choose(page, "desiredOccupationCode", "83")
    next_step(page)
    wait_step(page, "disability")
    choose(page, "hasDisability", "false")
    next_step(page)
    wait_step(page, "status")
    choose(page, "status", "unemployed")
    next_step(page)
    wait_step(page, "consent")
    page.click("#consent")
    next_step(page)
    wait_step(page, "fingerprint")
    page.wait_for_selector("#fingerprint-finger:has-text('Хурууны хээ тань бүртгэгдлээ')", timeout=60000)
    next_step(page)
    wait_step(page, "review")
    next_step(page)
    wait_step(page, "ticket")
    assert re.fullmatch(r"Б-\d{3}", page.inner_text("#ticket-number"))
    page.click("#ticket-finish")
    page.wait_for_url("**/kiosk")
    print(f"\nfull registration with two fingers (today): {taps.taps} taps, {taps.characters} characters")
    assert errors == []
    context.close()

    # Next visit: by finger to a ticket.
    context, page, taps, errors = new_visit(browser, process)
    page.click('[data-lang="mn"]')
    wait_step(page, "service")
    page.click('.service-option[data-service="Б"]')
    wait_step(page, "registryNumber")
    page.wait_for_selector("#identify-box:not([hidden])")
    page.click("#identify-pad")
    wait_step(page, "known")
    page.click("#known-ticket")
    wait_step(page, "ticket")
    print(f"returning by finger to a ticket (today): {taps.taps} taps")
    assert errors == []
    context.close()
