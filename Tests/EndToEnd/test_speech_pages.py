"""Audio mode beyond the registration journey, in real Chromium with the kiosk's real voice: the
grievance and vacancy screens show the same audio toggle as the journey and are walked with the
numeric keypad alone, each step's question heard; the idle warning waits while the screen is
speaking; and a visitor typing fast costs the throttled voice no plan request per key."""
import datetime
import json
import re
import time

import pytest

from conftest import ROOT
from screens import SIZES, check_screen, sized_page
from test_speech import (keypad_choose, keypad_focus, keypad_type, phrase_keys, played, question_heard, requested,
                         start_audio_mode, wait_until)
from test_vacancies import VACANCIES, kiosk_with_vacancies, publish, sync


TEXTS = phrase_keys()


def heard(page, section: str, artifacts, label: str, refused: list) -> None:
    """`section` is the step on screen and its question has been played."""
    page.wait_for_selector(f"#{section}:not([hidden])")
    question_heard(page, f"#{section} h1", TEXTS, refused)
    check_screen(page, artifacts, f"keypad-{label}", reach=False, axe=False)


def refusals(page) -> list:
    """The voice's answers other than 200 (a 429 is the throttle), collected from now on."""
    refused: list = []
    page.on("response", lambda r: refused.append((r.status, r.url.split("/api/v1/speech/")[1]))
            if "/api/v1/speech/" in r.url and r.status != 200 else None)
    return refused


def test_the_audio_toggle_on_the_grievance_and_vacancy_screens(browser, kiosk, artifacts):
    process = kiosk()
    for path in ("grievance", "vacancies"):
        for size in SIZES:
            with sized_page(browser, size, has_touch=True) as page:
                page.goto(f"{process.base}/kiosk/mn/{path}")
                toggle = page.wait_for_selector("#toggle-audio")
                assert toggle.get_attribute("aria-pressed") == "false"
                toggle.click()
                wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")
                assert toggle.get_attribute("aria-pressed") == "true"
                wait_played_any(page, "mn/speech.on")
                check_screen(page, artifacts, f"speech-toggle-{path}-{size}", axe=size == "1280x800")
                # A touch on it again ends the mode, with its falling cue and "audio mode is off".
                toggle.click()
                assert toggle.get_attribute("aria-pressed") == "false"
                wait_played_any(page, "mn/speech.off")


def wait_played_any(page, clip: str) -> None:
    wait_until(page, f"() => window.kioskSpeech.played.some(u => u.endsWith('/{clip}'))")


def test_a_grievance_filed_with_the_keypad_alone(browser, kiosk, artifacts):
    process = kiosk()
    with sized_page(browser, "1080x1920") as page:
        refused = refusals(page)
        start_audio_mode(page, process.base + "/kiosk/mn/grievance", "#g-menu:not([hidden])")
        heard(page, "g-menu", artifacts, "grievance-menu", refused)
        keypad_choose(page, "#g-start")
        heard(page, "g-category", artifacts, "grievance-category", refused)
        keypad_choose(page, '#g-categories [data-category="serviceQuality"]')
        heard(page, "g-text-step", artifacts, "grievance-text", refused)
        keypad_type(page, "#g-text", "ЦОНХ")
        keypad_choose(page, "#g-text-next")
        heard(page, "g-area", artifacts, "grievance-area", refused)
        # Back (.) returns to the step before, whose question is said again.
        count = len(played(page))
        page.keyboard.press("NumpadDecimal")
        page.wait_for_selector("#g-text-step:not([hidden])")
        wait_until(page, f"() => window.kioskSpeech.played.slice({count}).some(u => u.endsWith('/mn/grievance.text'))")
        keypad_choose(page, "#g-text-next")
        heard(page, "g-area", artifacts, "grievance-area-again", refused)
        keypad_choose(page, '#g-areas [data-area=""]')
        heard(page, "g-contact", artifacts, "grievance-contact", refused)
        keypad_choose(page, "#g-anonymous")
        heard(page, "g-check", artifacts, "grievance-check", refused)
        assert page.inner_text("#g-check-text") == "Цонх"
        keypad_choose(page, "#g-send")
        page.wait_for_selector("#g-received:not([hidden])")
        code = page.inner_text("#g-code")
        assert re.fullmatch(r"GR-[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
        heard(page, "g-received", artifacts, "grievance-received", refused)
        assert not [r for r in refused if r[0] == 429], refused
    status, found = process.request("GET", f"/api/v1/grievances/{code}")
    assert status == 200 and "serviceQuality" in json.dumps(found), found


def test_a_vacancy_search_with_the_keypad_alone(browser, kiosk, hub, tmp_path, artifacts):
    process = kiosk_with_vacancies(kiosk, hub, tmp_path / "data")
    with sized_page(browser, "1280x800") as page:
        refused = refusals(page)
        start_audio_mode(page, process.base + "/kiosk/mn/vacancies", "#v-what:not([hidden])")
        # Each step's question heard, then a choice made on it: any work, Сүхбаатар, a khoroo, full
        # time, any wage, posted any time.
        for section, choice in (("v-what", '#v-groups [data-occupation=""]'), ("v-where", '#v-aimags [data-aimag="UB-SB"]'),
                                ("v-soum", '#v-soums [data-soum="UB-SB-05"]'),
                                ("v-hours", '#v-hours-choices [data-hours="fullTime"]'),
                                ("v-wage", '#v-wages [data-wage=""]'), ("v-posted", '#v-posted-choices [data-posted=""]')):
            heard(page, section, artifacts, f"vacancies-{section}", refused)
            keypad_choose(page, choice)
        page.wait_for_selector("#found:has-text('Олдсон ажлын байр: 5')")
        # The count is said as it changes (the list's live status): "found" and the number five.
        wait_until(page, "() => window.kioskSpeech.played.some(u => u.endsWith('/mn/n5'))")
        keypad_choose(page, '.vacancy-card[data-reference="V-2026-00103"]')
        page.wait_for_selector("#detail-view:not([hidden])")
        assert page.inner_text("#d-reference") == "V-2026-00103"
        # The vacancy's own title is the employer's words, not a phrase: its heading is moved to
        # and the way back is said.
        keypad_focus(page, "#detail-back")
        keys = TEXTS[re.sub(r"^\W+", "", page.inner_text("#detail-back")).strip()]  # one phrase, several keys
        wait_until(page, f"() => window.kioskSpeech.played.some(u => {json.dumps(keys)}.some(k => u.endsWith('/' + k)))")
        page.keyboard.press("Numpad5")
        page.wait_for_selector("#v-results:not([hidden])")
        check_screen(page, artifacts, "keypad-vacancies-results", reach=False, axe=False)
        assert not [r for r in refused if r[0] == 429], refused


@pytest.mark.parametrize("screen", ["grievance", "register"])
def test_the_idle_warning_waits_while_the_screen_speaks(browser, kiosk, artifacts, screen):
    """On a screen beside the journey (idle.js) and on the journey itself (kiosk.js)."""
    idle = 5
    process = kiosk("--idle-seconds", str(idle), env={"KIOSK_COUNTDOWN_SECONDS": "5"})
    with sized_page(browser, "1280x800", has_touch=True) as page:
        page.goto(f"{process.base}/kiosk/mn/{screen}")
        page.wait_for_selector("#toggle-audio")
        page.click("#toggle-audio")  # the last touch: the idle time starts here
        began = time.monotonic()
        wait_until(page, "() => window.kioskSpeech.speaking")
        # The greeting, the screen's words and the keys are said with no key pressed: longer than
        # the idle time, and the warning does not cover them.
        while page.evaluate("window.kioskSpeech.speaking"):
            assert page.is_hidden("#idle-overlay"), f"the warning came {time.monotonic() - began:.1f} s into the speech"
            page.wait_for_timeout(100)
        ended = time.monotonic()
        spoke = ended - began
        assert spoke > idle + 1, f"the greeting took {spoke:.1f} s, too short to show the idle timer waiting"
        assert played(page)[-1] == "mn/speech.keys", played(page)
        # The idle time runs from the end of the speech.
        page.wait_for_selector("#idle-overlay:not([hidden])", timeout=(idle + 4) * 1000)
        waited = time.monotonic() - ended
        assert idle - 1 <= waited <= idle + 3, f"the warning came {waited:.1f} s after the speech"
        check_screen(page, artifacts, f"speech-idle-after-speech-{screen}", reach=False, axe=False)
        print(f"\nidle warning on {screen}: speech {spoke:.1f} s with the idle time at {idle} s; warning {waited:.1f} s after it")


def test_fast_typing_asks_the_voice_for_no_plan_per_key(browser, kiosk, artifacts):
    process = kiosk()
    with sized_page(browser, "1280x800") as page:
        refused = refusals(page)
        start_audio_mode(page, process.base + "/kiosk/mn/grievance", "#g-menu:not([hidden])")
        keypad_choose(page, "#g-start")
        page.wait_for_selector("#g-category:not([hidden])")
        keypad_choose(page, '#g-categories [data-category="other"]')
        page.wait_for_selector("#g-text-step:not([hidden])")
        keypad_type(page, "#g-text", "АБ")
        letters = json.loads((ROOT / "Kiosk" / "assets" / "audio" / "phrases.json").read_text(encoding="utf-8"))["letters"]
        first = f"mn/letter{letters.index('А'):02d}"
        second = f"mn/letter{letters.index('Б'):02d}"
        wait_until(page, f"() => window.kioskSpeech.played.some(u => u.endsWith('/{second}'))")
        keypad_focus(page, '#keyboard .key[data-key="А"]')
        plans = page.evaluate("window.kioskSpeech.plans")
        asked = len(requested(page))
        # 30 keys as fast as a keypad repeats: each says its letter and what the field holds.
        for _ in range(30):
            page.keyboard.press("Numpad5")
            page.wait_for_timeout(30)
        assert page.input_value("#g-text") == "Аб" + "а" * 30
        wait_until(page, "() => !window.kioskSpeech.speaking", timeout_ms=60000)
        # Every letter was planned before: no plan request at all, the clips still asked for.
        assert page.evaluate("window.kioskSpeech.plans") == plans
        assert len(requested(page)) > asked
        assert played(page)[-1] == first, played(page)[-5:]
        assert not refused, refused
    print(f"\nfast typing: 30 keys, {plans} plan requests before them and none for them")


def test_posted_within_days_on_the_vacancy_search(browser, kiosk, hub, tmp_path, artifacts):
    """The search's last question: posted in the last day, 7 days, 30 days or any time, in both
    languages; the list is filtered by it and its chip leads back to the question."""
    data_dir = tmp_path / "data"
    process = kiosk_with_vacancies(kiosk, hub, data_dir)
    today = datetime.date.today()
    ages = dict(zip((v[0] for v in VACANCIES), (0, 5, 20, 60, 60)))  # days since each was posted
    publish(hub, {reference: (today - datetime.timedelta(days=age)).isoformat() for reference, age in ages.items()})
    assert sync("now", data_dir=data_dir).returncode == 0
    labels = {"mn": ["Хэзээ ч хамаагүй", "Сүүлийн 1 хоногт", "Сүүлийн 7 хоногт", "Сүүлийн 30 хоногт"],
              "en": ["Any time", "In the last day", "In the last 7 days", "In the last 30 days"]}
    found = {"mn": "Олдсон ажлын байр", "en": "Jobs found"}
    for language, size in (("mn", "1920x1080"), ("en", "1080x1920")):
        with sized_page(browser, size, has_touch=True) as page:
            page.goto(f"{process.base}/kiosk/{language}/vacancies")
            for days, label, count in (("1", 1, 1), ("7", 2, 2), ("30", 3, 3), ("", 0, 5)):
                for choice in ('#v-groups [data-occupation=""]', '#v-aimags [data-aimag=""]',
                               '#v-hours-choices [data-hours=""]', '#v-wages [data-wage=""]'):
                    page.click(choice)
                page.wait_for_selector("#v-posted:not([hidden])")
                choices = [t.strip() for t in page.locator("#v-posted-choices .choice").all_inner_texts()]
                assert choices == labels[language], choices
                if days == "1":
                    check_screen(page, artifacts, f"vacancies-posted-{language}-{size}")
                page.click(f'#v-posted-choices [data-posted="{days}"]')
                page.wait_for_selector(f"#found:has-text('{found[language]}: {count}')")
                assert page.locator(".vacancy-card").count() == count
                # The only filter chosen is the only chip.
                chips = [c.replace("✎", "").strip() for c in page.locator("#filter-chips .edit").all_inner_texts()]
                assert chips == ([labels[language][label]] if days else []), chips
                if days == "30":
                    check_screen(page, artifacts, f"vacancies-posted-30-{language}-{size}", axe=False)
                    # The chip goes back to the question, and a new answer back to the list.
                    page.click("#filter-chips .edit")
                    page.wait_for_selector("#v-posted:not([hidden])")
                    page.click('#v-posted-choices [data-posted="7"]')
                    page.wait_for_selector(f"#found:has-text('{found[language]}: 2')")
                page.click("#v-new-search")
    status, answer = process.request("GET", "/api/v1/vacancies?postedWithinDays=7")
    assert status == 200 and answer["total"] == 2, answer
