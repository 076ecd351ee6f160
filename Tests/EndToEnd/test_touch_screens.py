"""The step-by-step touch screens beside the registration journey, walked as a visitor would at the
three touchscreen sizes in normal and large text: a rating, a grievance and a vacancy search. Every
step is checked with `check_screen` (everything to touch inside the viewport, axe-core, a
screenshot in test-artifacts/), and the taps are counted and printed."""
import re

import pytest

from screens import SIZES, check_screen, sized_page
from test_queue import post, sign_in as staff_session
from test_vacancies import publish, sync

MODES = [(size, text) for size in SIZES for text in ("normal", "large")]
# axe-core sees the same markup at every size; it runs on each step at the widest and the tightest
# screen (1280×800 in large text), which keeps the walk within CI's time.
AXE_MODES = {("1920x1080", "normal"), ("1280x800", "large"), ("1080x1920", "large")}


class Taps:
    """Touches on the screen: characters a person must type, and all the others."""

    def __init__(self, page):
        self.page = page
        self.characters = 0
        self.other = 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.other += 1

    def type(self, keyboard: str, text: str) -> None:
        for letter in text:
            key = " " if letter == " " else letter.upper()
            self.page.locator(f'{keyboard} .key[data-key="{key}"]').first.click()
            self.characters += 1


def step(page, section: str) -> None:
    """The step is on screen and its question has the focus."""
    page.wait_for_selector(f"#{section}:not([hidden])")
    focused = page.evaluate("document.activeElement && document.activeElement.closest('section')?.id")
    assert focused == section, f"focus is in {focused}, not {section}"


def finished_ticket(process, cookie: str) -> dict:
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201, ticket
    assert post(process, "/api/v1/counters/1/call-next", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200
    return ticket


def query(text: str) -> str:
    return "?text=large" if text == "large" else ""


@pytest.fixture(scope="module")
def counts():
    found: dict[str, tuple[int, int, int]] = {}
    yield found
    for journey, (screens, characters, other) in found.items():
        print(f"\n{journey}: {screens} screens, {other} taps beside {characters} typed characters")


def test_rating_step_by_step(browser, kiosk, artifacts, counts):
    process = kiosk()
    cookie = staff_session(process, counter=1)
    for size, text in MODES:
        ticket = finished_ticket(process, cookie)
        name = f"rating-{size}-{text}"
        with sized_page(browser, size, has_touch=True) as page:
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            taps = Taps(page)
            page.goto(process.base + "/kiosk/mn/grievance" + query(text))
            step(page, "g-menu")
            check_screen(page, artifacts, f"{name}-01-menu", axe=(size, text) in AXE_MODES)
            taps.tap("#g-start-rate")
            step(page, "r-number-step")
            taps.tap("#r-next")  # nothing typed: the screen says what is missing
            assert "А-012" in page.inner_text("#r-number-error")
            taps.other -= 1
            taps.type("#number-keypad", ticket["number"].replace("-", ""))
            assert page.input_value("#r-number") == ticket["number"]
            check_screen(page, artifacts, f"{name}-02-number", axe=(size, text) in AXE_MODES)
            taps.tap("#r-next")
            step(page, "r-code-step")
            taps.type("#code-keypad", ticket["ratingCode"].replace("-", ""))
            check_screen(page, artifacts, f"{name}-03-code", axe=(size, text) in AXE_MODES)
            taps.tap("#r-find")
            step(page, "r-faces-step")
            assert page.inner_text("#r-ticket") == ticket["number"]
            check_screen(page, artifacts, f"{name}-04-faces", axe=(size, text) in AXE_MODES)
            taps.tap('#r-faces [data-rating="4"]')
            step(page, "r-comment-step")
            taps.type("#keyboard", "сайн")
            check_screen(page, artifacts, f"{name}-05-comment", axe=(size, text) in AXE_MODES)
            taps.tap("#r-send")
            step(page, "r-thanks")
            check_screen(page, artifacts, f"{name}-06-thanks", axe=(size, text) in AXE_MODES)
            assert not errors, errors
            if (size, text) == MODES[0]:
                counts["rating"] = (6, taps.characters, taps.other)
        status, stored = process.request("GET", f"/api/v1/tickets/{ticket['id']}/feedback")
        assert status == 200 and stored["rating"] == 4 and stored["comment"] == "Сайн", stored


def test_grievance_step_by_step(browser, kiosk, artifacts, counts):
    process = kiosk()
    for size, text in MODES:
        name = f"grievance-{size}-{text}"
        with sized_page(browser, size, has_touch=True) as page:
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            taps = Taps(page)
            page.goto(process.base + "/kiosk/mn/grievance" + query(text))
            step(page, "g-menu")
            taps.tap("#g-start")
            step(page, "g-category")
            check_screen(page, artifacts, f"{name}-01-category", axe=(size, text) in AXE_MODES)
            taps.tap('#g-categories [data-category="serviceQuality"]')
            step(page, "g-text-step")
            taps.tap("#g-text-next")  # nothing written yet: the screen asks for it
            assert page.inner_text("#g-text-error") == "Юу болсныг бичнэ үү."
            taps.other -= 1
            check_screen(page, artifacts, f"{name}-02-text-error", axe=(size, text) in AXE_MODES)
            # The whole sentence once (for the tap count); a word at the other sizes keeps the walk short.
            words = "цонх хаалттай" if (size, text) == MODES[0] else "цонх"
            taps.type("#keyboard", words)
            assert page.input_value("#g-text") == words.capitalize()
            check_screen(page, artifacts, f"{name}-02-text", axe=(size, text) in AXE_MODES)
            taps.tap("#g-text-next")
            step(page, "g-area")
            check_screen(page, artifacts, f"{name}-03-area", axe=(size, text) in AXE_MODES)
            taps.tap('#g-areas [data-area="Үйлчилгээний цонх"]')
            step(page, "g-contact")
            check_screen(page, artifacts, f"{name}-04-contact", axe=(size, text) in AXE_MODES)
            taps.tap("#g-named")
            step(page, "g-name-step")
            taps.type("#keyboard", "болд")
            check_screen(page, artifacts, f"{name}-05-name", axe=(size, text) in AXE_MODES)
            taps.tap("#g-name-next")
            step(page, "g-phone-step")
            assert page.get_attribute("#keyboard", "data-mode") == "digits"
            taps.type("#keyboard", "99112233")
            check_screen(page, artifacts, f"{name}-06-phone", axe=(size, text) in AXE_MODES)
            taps.tap("#g-phone-next")
            step(page, "g-check")
            assert page.inner_text("#g-check-contact") == "Болд, 99112233"
            check_screen(page, artifacts, f"{name}-07-check", axe=(size, text) in AXE_MODES)
            # "Change" from the check screen returns to it.
            taps.tap('#g-check [data-edit="g-area"]')
            step(page, "g-area")
            taps.tap('#g-areas [data-area="Хүлээлгийн танхим"]')
            step(page, "g-check")
            assert page.inner_text("#g-check-area") == "Хүлээлгийн танхим"
            taps.other -= 2
            taps.tap("#g-send")
            step(page, "g-received")
            assert re.fullmatch(r"GR-[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text("#g-code"))
            check_screen(page, artifacts, f"{name}-08-received", axe=(size, text) in AXE_MODES)
            assert not errors, errors
            if (size, text) == MODES[0]:
                counts["grievance (with a reply; the change from the check screen not counted)"] = (9, taps.characters, taps.other)


def test_vacancy_search_step_by_step(browser, kiosk, hub, tmp_path, artifacts, counts):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    assert sync("enrol", "--hub", hub["base"], "--code", code, data_dir=data_dir).returncode == 0
    publish(hub)
    assert sync("now", data_dir=data_dir).returncode == 0
    for size, text in MODES:
        name = f"vacancies-{size}-{text}"
        with sized_page(browser, size, has_touch=True) as page:
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            taps = Taps(page)
            page.goto(process.base + "/kiosk/mn/vacancies" + query(text))
            step(page, "v-what")
            check_screen(page, artifacts, f"{name}-01-what", axe=(size, text) in AXE_MODES)
            taps.tap("#v-by-word")
            step(page, "v-word")
            taps.type("#keyboard", "жолооч")
            check_screen(page, artifacts, f"{name}-02-word", axe=(size, text) in AXE_MODES)
            taps.tap("#search")
            step(page, "v-where")
            check_screen(page, artifacts, f"{name}-03-where", axe=(size, text) in AXE_MODES)
            taps.tap('#v-aimags [data-aimag="UB-SB"]')
            step(page, "v-soum")
            check_screen(page, artifacts, f"{name}-04-soum", axe=(size, text) in AXE_MODES)
            taps.tap('#v-soums [data-soum="UB-SB-05"]')
            step(page, "v-hours")
            check_screen(page, artifacts, f"{name}-05-hours", axe=(size, text) in AXE_MODES)
            taps.tap('#v-hours-choices [data-hours="fullTime"]')
            step(page, "v-wage")
            check_screen(page, artifacts, f"{name}-06-wage", axe=(size, text) in AXE_MODES)
            taps.tap('#v-wages [data-wage="1200000"]')
            step(page, "v-results")
            page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
            assert page.locator("#filter-chips li").count() == 5
            check_screen(page, artifacts, f"{name}-07-results", axe=(size, text) in AXE_MODES)
            taps.tap('.vacancy-card[data-reference="V-2026-00101"]')
            step(page, "detail-view")
            assert page.inner_text("#d-reference") == "V-2026-00101"
            check_screen(page, artifacts, f"{name}-08-detail", axe=(size, text) in AXE_MODES)
            if (size, text) == MODES[0]:
                counts["vacancy search (a word, district, khoroo, hours, wage, one vacancy)"] = (
                    8, taps.characters, taps.other)
            page.click("#detail-back")
            step(page, "v-results")
            # A filter chip returns to its step, and the choice there back to the list.
            page.locator("#filter-chips .edit", has_text="Бүтэн цаг").click()
            step(page, "v-hours")
            page.click('#v-hours-choices [data-hours=""]')
            step(page, "v-results")
            page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
            assert page.locator("#filter-chips li").count() == 4
            # The way back to the services of the journey.
            page.click("#v-to-services")
            page.wait_for_url(re.compile(r"/kiosk/mn/register"))
            assert ("text=large" in page.url) == (text == "large")
            assert not errors, errors


def test_the_more_time_warning_comes_before_the_reset(browser, kiosk, artifacts):
    process = kiosk("--idle-seconds", "5", env={"KIOSK_COUNTDOWN_SECONDS": "5"})
    for path in ("/kiosk/mn/grievance", "/kiosk/mn/vacancies"):
        with sized_page(browser, "1280x800", has_touch=True) as page:
            page.goto(process.base + path)
            page.wait_for_selector("#idle-overlay:not([hidden])", timeout=9000)
            assert page.evaluate("document.activeElement.id") == "idle-more"
            # What the visitor left on screen is hidden under the warning.
            assert page.evaluate("getComputedStyle(document.querySelector('main')).visibility") == "hidden"
            check_screen(page, artifacts, f"idle-{path.rsplit('/', 1)[-1]}")
            page.click("#idle-more")
            assert page.is_hidden("#idle-overlay")
            assert page.evaluate("getComputedStyle(document.querySelector('main')).visibility") == "visible"
    # Without a touch the count ends on the welcome screen.
    with sized_page(browser, "1280x800", has_touch=True) as page:
        page.goto(process.base + "/kiosk/mn/grievance")
        page.wait_for_selector("#idle-overlay:not([hidden])", timeout=9000)
        page.wait_for_url(re.compile(r"/kiosk$"), timeout=30000)

