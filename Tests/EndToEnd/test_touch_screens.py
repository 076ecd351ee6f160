"""The step-by-step touch screens beside the registration journey, walked as a visitor would at the
three touchscreen sizes in normal and large text: a rating, a grievance and a vacancy search. Every
step is checked with `check_screen` (everything to touch inside the viewport, axe-core, a
screenshot in test-artifacts/), and the taps are counted and printed."""
import re
from contextlib import contextmanager

import pytest

from screens import SIZES, check_screen, sized_page
from test_queue import post, sign_in as staff_session
from test_vacancies import kiosk_with_vacancies

MODES = [(size, text) for size in SIZES for text in ("normal", "large")]
# axe-core sees the same markup at every size; it runs on each step at the widest and the tightest
# screen (1280×800 in large text), which keeps the walk within CI's time.
AXE_MODES = {("1920x1080", "normal"), ("1280x800", "large"), ("1080x1920", "large")}


class Visit:
    """One visitor's walk at one size and text mode: touches counted (characters a person must
    type, and all the others), each step awaited with the focus on its question, each screen
    checked and photographed as `<journey>-<size>-<text>-<label>`."""

    def __init__(self, page, artifacts, journey: str, size: str, text: str):
        self.page, self.artifacts, self.size, self.text = page, artifacts, size, text
        self.prefix = f"{journey}-{size}-{text}"
        self.characters = 0
        self.other = 0

    def to(self, selector: str, section: str, label: str | None = None) -> None:
        """Touches `selector`, which leads to the step `section`; checks that screen if labelled."""
        self.page.locator(selector).first.click()
        self.other += 1
        self.at(section, label)

    def at(self, section: str, label: str | None = None) -> None:
        """The step is on screen and its question has the focus (then checked if labelled)."""
        self.page.wait_for_selector(f"#{section}:not([hidden])")
        focused = self.page.evaluate("document.activeElement && document.activeElement.closest('section')?.id")
        assert focused == section, f"focus is in {focused}, not {section}"
        if label:
            self.check(label)

    def check(self, label: str) -> None:
        check_screen(self.page, self.artifacts, f"{self.prefix}-{label}", axe=(self.size, self.text) in AXE_MODES)

    def type(self, keyboard: str, text: str) -> None:
        for letter in text:
            key = " " if letter == " " else letter.upper()
            self.page.locator(f'{keyboard} .key[data-key="{key}"]').first.click()
            self.characters += 1

    @property
    def first(self) -> bool:
        """The walk whose taps are reported (1920×1080, normal text)."""
        return (self.size, self.text) == MODES[0]


def finished_ticket(process, cookie: str) -> dict:
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201, ticket
    assert post(process, "/api/v1/counters/1/call-next", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200
    return ticket


@contextmanager
def walk(browser, process, artifacts, journey: str, size: str, text: str, path: str):
    """A visitor's page at one size and text mode, opened at `path`; no script error on the way."""
    with sized_page(browser, size, has_touch=True) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(process.base + path + ("?text=large" if text == "large" else ""))
        yield Visit(page, artifacts, journey, size, text)
        assert not errors, errors


@pytest.fixture(scope="module")
def counts():
    found: dict[str, tuple[int, int, int]] = {}
    yield found
    for journey, (screens, characters, other) in found.items():
        print(f"\n{journey}: {screens} screens, {other} taps beside {characters} typed characters")


def test_rating_step_by_step(browser, kiosk, artifacts, counts, tmp_path):
    for size, text in MODES:
        # A kiosk for each walk: the touchscreen is one client, whose ratings are throttled to 10 at
        # once and 10 a minute, and six quick walks ask 12 (a find and a send each).
        process = kiosk(data_dir=tmp_path / f"{size}-{text}")
        cookie = staff_session(process, counter=1)
        ticket = finished_ticket(process, cookie)
        with walk(browser, process, artifacts, "rating", size, text, "/kiosk/mn/grievance") as visit:
            page = visit.page
            visit.at("g-menu", "01-menu")
            visit.to("#g-start-rate", "r-number-step")
            page.click("#r-next")  # nothing typed: the screen says what is missing
            assert "А-012" in page.inner_text("#r-number-error")
            visit.type("#number-keypad", ticket["number"].replace("-", ""))
            assert page.input_value("#r-number") == ticket["number"]
            visit.check("02-number")
            visit.to("#r-next", "r-code-step")
            visit.type("#code-keypad", ticket["ratingCode"].replace("-", ""))
            visit.check("03-code")
            visit.to("#r-find", "r-faces-step", "04-faces")
            assert page.inner_text("#r-ticket") == ticket["number"]
            visit.to('#r-faces [data-rating="4"]', "r-comment-step")
            visit.type("#keyboard", "сайн")
            visit.check("05-comment")
            visit.to("#r-send", "r-thanks", "06-thanks")
            if visit.first:
                counts["rating"] = (6, visit.characters, visit.other)
        status, stored = process.request("GET", f"/api/v1/tickets/{ticket['id']}/feedback")
        assert status == 200 and stored["rating"] == 4 and stored["comment"] == "Сайн", stored


def test_grievance_step_by_step(browser, kiosk, artifacts, counts):
    process = kiosk()
    for size, text in MODES:
        with walk(browser, process, artifacts, "grievance", size, text, "/kiosk/mn/grievance") as visit:
            page = visit.page
            visit.at("g-menu")
            visit.to("#g-start", "g-category", "01-category")
            visit.to('#g-categories [data-category="serviceQuality"]', "g-text-step")
            page.click("#g-text-next")  # nothing written yet: the screen asks for it
            assert page.inner_text("#g-text-error") == "Юу болсныг бичнэ үү."
            visit.check("02-text-error")
            # The whole sentence once (for the tap count); a word at the other sizes keeps the walk short.
            words = "цонх хаалттай" if visit.first else "цонх"
            visit.type("#keyboard", words)
            assert page.input_value("#g-text") == words.capitalize()
            visit.check("02-text")
            visit.to("#g-text-next", "g-area", "03-area")
            visit.to('#g-areas [data-area="Үйлчилгээний цонх"]', "g-contact", "04-contact")
            visit.to("#g-named", "g-name-step")
            visit.type("#keyboard", "болд")
            visit.check("05-name")
            visit.to("#g-name-next", "g-phone-step")
            assert page.get_attribute("#keyboard", "data-mode") == "digits"
            visit.type("#keyboard", "99112233")
            visit.check("06-phone")
            visit.to("#g-phone-next", "g-check", "07-check")
            assert page.inner_text("#g-check-contact") == "Болд, 99112233"
            # "Change" from the check screen returns to it (not counted: a correction).
            page.click('#g-check [data-edit="g-area"]')
            page.click('#g-areas [data-area="Хүлээлгийн танхим"]')
            visit.at("g-check")
            assert page.inner_text("#g-check-area") == "Хүлээлгийн танхим"
            visit.to("#g-send", "g-received", "08-received")
            assert re.fullmatch(r"GR-[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text("#g-code"))
            if visit.first:
                counts["grievance (with a reply)"] = (9, visit.characters, visit.other)


def test_vacancy_search_step_by_step(browser, kiosk, hub, tmp_path, artifacts, counts):
    process = kiosk_with_vacancies(kiosk, hub, tmp_path / "data")
    for size, text in MODES:
        with walk(browser, process, artifacts, "vacancies", size, text, "/kiosk/mn/vacancies") as visit:
            page = visit.page
            visit.at("v-what", "01-what")
            visit.to("#v-by-word", "v-word")
            visit.type("#keyboard", "жолооч")
            visit.check("02-word")
            visit.to("#search", "v-where", "03-where")
            visit.to('#v-aimags [data-aimag="UB-SB"]', "v-soum", "04-soum")
            visit.to('#v-soums [data-soum="UB-SB-05"]', "v-hours", "05-hours")
            visit.to('#v-hours-choices [data-hours="fullTime"]', "v-wage", "06-wage")
            visit.to('#v-wages [data-wage="1200000"]', "v-posted", "07-posted")
            visit.to('#v-posted-choices [data-posted=""]', "v-results")
            page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
            assert page.locator("#filter-chips li").count() == 5
            visit.check("08-results")
            visit.to('.vacancy-card[data-reference="V-2026-00101"]', "detail-view", "09-detail")
            assert page.inner_text("#d-reference") == "V-2026-00101"
            if visit.first:
                counts["vacancy search (a word, district, khoroo, hours, wage, posted, one vacancy)"] = (
                    9, visit.characters, visit.other)
            page.click("#detail-back")
            visit.at("v-results")
            # A filter chip returns to its step, and the choice there back to the list.
            page.locator("#filter-chips .edit", has_text="Бүтэн цаг").click()
            visit.at("v-hours")
            page.click('#v-hours-choices [data-hours=""]')
            visit.at("v-results")
            page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 3')")
            assert page.locator("#filter-chips li").count() == 4
            # The way back to the services of the journey.
            page.click("#v-to-services")
            page.wait_for_url(re.compile(r"/kiosk/mn/register"))
            assert ("text=large" in page.url) == (text == "large")


def test_the_more_time_warning_comes_before_the_reset(browser, kiosk, artifacts):
    process = kiosk("--idle-seconds", "5", env={"KIOSK_COUNTDOWN_SECONDS": "5"})
    for path in ("/kiosk/mn/grievance", "/kiosk/mn/vacancies"):
        with sized_page(browser, "1280x800", has_touch=True) as page:
            page.goto(process.base + path)
            page.wait_for_selector("#idle-overlay:not([hidden])", timeout=9000)
            assert page.evaluate("document.activeElement.id") == "idle-more"
            assert int(page.inner_text("#idle-count")) <= 5  # the office's countdown, not the default 20 s
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



def test_a_grievance_in_english_on_the_latin_keys(browser, kiosk, artifacts):
    process = kiosk()
    with walk(browser, process, artifacts, "grievance-en", "1280x800", "large", "/kiosk/en/grievance") as visit:
        page = visit.page
        visit.to("#g-start", "g-category")
        visit.to('#g-categories [data-category="other"]', "g-text-step")
        page.click("#key-layout")
        assert page.is_hidden("#keys-cyrillic") and page.inner_text("#key-layout") == "АБВ"
        visit.type("#keyboard", "no ramp")
        assert page.input_value("#g-text") == "No ramp"
        visit.check("02-text-latin")
        visit.to("#g-text-next", "g-area")
        visit.to('#g-areas [data-area=""]', "g-contact")
        visit.to("#g-named", "g-name-step")
        visit.type("#keyboard", "ann")
        visit.to("#g-name-next", "g-phone-step")
        # A phone number takes digits only, whichever letters were shown before.
        assert page.is_visible('#keyboard .key[data-key="9"]') and page.is_hidden('#keyboard .key[data-key="A"]')
        visit.type("#keyboard", "88112233")
        visit.check("06-phone")
        visit.to("#g-phone-next", "g-check")
        assert page.inner_text("#g-check-area") == "Not about a particular place"
        visit.to("#g-send", "g-received")
