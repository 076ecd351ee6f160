"""Audio mode in real Chromium: started on the attract screen without touching any text, a
registration's first steps walked with the numeric keypad alone, and every phrase spoken from
the kiosk's voice (WAV clips of known phrases; espeak-ng here, Mongolian by its Kyrgyz voice)."""
import json
import re
import struct
import urllib.request

from conftest import ROOT
from screens import SIZES, check_screen, sized_page


def wav_problems(data: bytes) -> list[str]:
    """What keeps `data` from being a playable 16-bit PCM mono WAV with sound in it."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return ["not RIFF/WAVE"]
    at, fmt, samples = 12, None, b""
    while at + 8 <= len(data):
        chunk, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", data[at + 8:at + 24])
        elif chunk == b"data":
            samples = data[at + 8:at + 8 + size]
            break
        at += 8 + size + size % 2
    if fmt is None:
        return ["no fmt chunk"]
    problems = []
    if fmt[0] != 1 or fmt[1] != 1 or fmt[5] != 16:
        problems.append(f"format {fmt}")
    values = struct.unpack(f"<{len(samples) // 2}h", samples[: len(samples) // 2 * 2])
    if len(values) < fmt[2] * 0.1 or max((abs(v) for v in values), default=0) < 330:
        problems.append("too short or silent")
    return problems


def played(page) -> list[str]:
    """The clips the page has played so far, as `language/key`."""
    return [url.split("/api/v1/speech/clips/")[1] for url in page.evaluate("window.kioskSpeech.played")]


def requested(page) -> list[str]:
    """The clips the page has asked the kiosk's voice for, as `language/key`."""
    return [url.split("/api/v1/speech/clips/")[1] for url in page.evaluate("window.kioskSpeech.requested")]


def wait_until(page, function: str, timeout_ms: int = 45000) -> None:
    """Polls `function` in the page until it answers true (the pages' CSP forbids in-page eval)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(function):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false: {function}")


def wait_played(page, *clips: str, timeout_ms: int = 45000) -> list[str]:
    """Waits until each of `clips` has been played (after those already counted)."""
    for _ in range(timeout_ms // 100):
        done = played(page)
        if all(clip in done for clip in clips):
            return done
        page.wait_for_timeout(100)
    raise AssertionError(f"not played: {[c for c in clips if c not in played(page)]}; played: {played(page)}")


def test_the_audio_button_on_the_attract_screen_at_every_size(browser, kiosk, artifacts):
    process = kiosk()
    for size in SIZES:
        with sized_page(browser, size) as page:
            page.goto(process.base + "/kiosk")
            button = page.wait_for_selector("#audio-start")
            # Large enough to find by touch: a third of the screen's width at least.
            box = button.bounding_box()
            assert box["width"] >= SIZES[size][0] / 3 and box["height"] >= 88, box
            check_screen(page, artifacts, f"speech-attract-{size}")


def test_audio_mode_walks_a_registration_with_the_keypad_alone(browser, kiosk, artifacts):
    process = kiosk()
    with sized_page(browser, "1280x800") as page:
        answers = {}
        page.on("response", lambda r: answers.setdefault(r.url, r.status) if "/api/v1/speech/" in r.url else None)
        page.on("console", lambda m: print("console:", m.text) if m.type == "error" else None)
        page.goto(process.base + "/kiosk")
        page.wait_for_selector("#audio-start")
        # Any key of the numeric keypad starts it: nothing on the screen is read or touched.
        page.keyboard.press("Numpad5")
        wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")
        # The greeting in both languages, the screen's words, the keys: asked for at once, played in
        # turn (the visitor may cut in with a key at any time).
        wait_played(page, "mn/speech.on", "mn/attract.welcome")
        asked = requested(page)
        for clip in ("mn/attract.touch", "mn/speech.keys", "en/speech.on", "en/attract.welcome", "en/attract.touch",
                     "en/speech.keys"):
            assert clip in asked, asked
        assert asked.index("mn/speech.keys") < asked.index("en/speech.on")
        assert page.get_attribute("#audio-start", "aria-pressed") == "true"
        check_screen(page, artifacts, "speech-01-attract-on", axe=False)

        # 2 moves to the first choice, which is said in its own language; 5 chooses it.
        page.keyboard.press("Numpad2")
        wait_played(page, "mn/language.mn")
        assert page.evaluate("document.activeElement.getAttribute('data-lang')") == "mn"
        page.keyboard.press("Numpad2")
        wait_played(page, "en/language.en")
        before = played(page).count("mn/language.mn")
        page.keyboard.press("Numpad8")
        wait_until(page, f"() => window.kioskSpeech.played.filter(u => u.endsWith('/mn/language.mn')).length > {before}")
        page.keyboard.press("Numpad5")
        page.wait_for_url("**/kiosk/mn/register**")
        # The mode goes on for this visit: the first step's question is spoken in Mongolian.
        wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")
        wait_played(page, "mn/speech.on", "mn/steps.service.title")
        assert not any(clip.startswith("en/") for clip in played(page))
        # The journey's own layout is checked by its tests; here the screenshots show the focus.
        check_screen(page, artifacts, "speech-02-service", reach=False, axe=False)

        # The choices one by one (the priorities, then the services): each service's letter and name
        # (from the office's configuration) and whether it needs registration.
        for _ in range(12):
            page.keyboard.press("Numpad2")
            if page.evaluate("() => document.activeElement.getAttribute('data-service')") == "А":
                break
        wait_played(page, "mn/letter00", "mn/service.00")
        assert page.evaluate("document.activeElement.getAttribute('data-service')") == "А"
        page.keyboard.press("Numpad2")
        wait_played(page, "mn/letter01", "mn/service.01", "mn/steps.service.needsRegistration")
        assert page.evaluate("document.activeElement.getAttribute('data-service')") == "Б"
        # Repeat (0) says the question and the choice again.
        count = played(page).count("mn/steps.service.title")
        page.keyboard.press("Numpad0")
        wait_until(page, "() => window.kioskSpeech.played.filter(u => u.endsWith('/mn/steps.service.title')).length > "
                   + str(count))
        page.keyboard.press("Numpad5")
        page.wait_for_selector("section[data-step=registryNumber].active")
        wait_played(page, "mn/steps.registryNumber.title", "mn/steps.registryNumber.hint")
        check_screen(page, artifacts, "speech-03-registry-number", reach=False, axe=False)

        # The on-screen keyboard is reached by groups (9: the back/next buttons, then the keys) and
        # typed on with 5; each key is said with what the field now holds.
        groups = []
        for _ in range(5):
            page.keyboard.press("Numpad9")
            groups.append(page.evaluate("() => (document.activeElement.closest('.step, .nav-bar, #keyboard') || {}).className"))
            if "keyboard" in groups[-1]:
                break
        assert any("nav-bar" in g for g in groups) and "keyboard" in groups[-1], groups
        first = page.evaluate("() => document.activeElement.getAttribute('data-key')")
        letters = json.loads((ROOT / "Kiosk" / "assets" / "audio" / "phrases.json").read_text(encoding="utf-8"))["letters"]

        def clip(key):
            return f"mn/n{key}" if key.isdigit() else f"mn/letter{letters.index(key):02d}"

        page.keyboard.press("Numpad5")
        wait_played(page, clip(first))
        page.keyboard.press("Numpad6")
        second = page.evaluate("() => document.activeElement.getAttribute('data-key')")
        page.keyboard.press("Numpad5")
        assert page.input_value("#registryNumber") == first + second
        wait_played(page, clip(second))
        check_screen(page, artifacts, "speech-04-typing", reach=False, axe=False)
        # Back (.) returns to the services, whose question is spoken again.
        count = played(page).count("mn/steps.service.title")
        page.keyboard.press("NumpadDecimal")
        page.wait_for_selector("section[data-step=service].active")
        wait_until(page, "() => window.kioskSpeech.played.filter(u => u.endsWith('/mn/steps.service.title')).length > "
                   + str(count))

        # Every clip the page asked for was answered, and each is a WAV with sound in it.
        urls = sorted(set(page.evaluate("window.kioskSpeech.requested")))
        assert len(urls) >= 12
        assert all(answers.get(process.base + url, 200) == 200 for url in urls), answers
        for url in urls:
            with urllib.request.urlopen(process.base + url, timeout=20) as response:
                assert response.headers["Content-Type"] == "audio/wav"
                assert response.headers["X-Speech-Source"] == "synthesised"
                assert wav_problems(response.read()) == [], url
        print(f"audio mode: {len(urls)} distinct clips, "
              f"{page.evaluate('window.kioskSpeech.unknownWords')} words of no phrase left out")


def phrase_keys() -> dict[str, list[str]]:
    """Every Mongolian locale text, with the clips (`mn/<key>`) that say it (a text found in two
    places of the locale files is played under either key)."""
    texts: dict[str, list[str]] = {}

    def flatten(node, prefix=""):
        for key, value in node.items():
            if isinstance(value, dict):
                flatten(value, f"{prefix}{key}.")
            else:
                texts.setdefault(str(value).strip(), []).append(f"mn/{prefix}{key}")

    flatten(json.loads((ROOT / "Kiosk" / "locales" / "mn.json").read_text(encoding="utf-8")))
    return texts


def question_heard(page, heading: str, texts: dict[str, list[str]], refused: list) -> None:
    """Waits until the question in `heading` has been played: its phrase (a phrase the same in two
    places of the locale files is played under either key), perhaps after a mark such as ✓ and
    followed by one such as «(заавал биш)»."""
    question = re.sub(r"^\W+", "", page.inner_text(heading).strip())
    said = max((text for text in texts if len(text) > 3 and question.startswith(text)), key=len, default="")
    keys = texts.get(said, [])
    assert keys, f"the question {question!r} is no phrase"
    try:
        wait_until(page, f"() => window.kioskSpeech.played.some(u => {json.dumps(keys)}.some(k => u.endsWith('/' + k)))")
    except AssertionError:
        raise AssertionError(f"{question!r}: none of {keys} played; last played {played(page)[-12:]}, "
                             f"asked {requested(page)[-12:]}, refused {refused[-5:]}") from None


def start_audio_mode(page, url: str, ready: str) -> None:
    """Opens `url` and starts audio mode with a key of the keypad, as a visitor who cannot read the
    screen would, once `ready` is on it."""
    page.goto(url)
    page.wait_for_selector(ready)
    page.keyboard.press("Numpad5")
    wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")


def keypad_focus(page, selector: str, limit: int = 250) -> None:
    """Moves with the keypad alone (2 forward; at the end, 8 back) until `selector` has the focus."""
    here = "(s) => !!document.activeElement && document.activeElement.matches(s)"
    where = ("() => { const e = document.activeElement; return e ? [[...document.querySelectorAll('*')].indexOf(e), "
             "e.id, e.textContent.trim().slice(0, 40)].join('|') : '' }")
    for key in ("Numpad2", "Numpad8"):
        last = None
        for _ in range(limit):
            if page.evaluate(here, selector):
                return
            # At a quick person's pace (the voice is throttled per screen at 600 requests a minute).
            page.keyboard.press(key, delay=40)
            page.wait_for_timeout(110)
            now = page.evaluate(where)
            if now == last:
                break  # the end of the screen's list: "end" is said and the focus stays
            last = now
    step = page.evaluate("() => (document.querySelector('.step.active') || {}).outerHTML.slice(0, 200)")
    raise AssertionError(f"the keypad cannot reach {selector} on {step}, at {page.evaluate(where)}")


def keypad_choose(page, selector: str) -> None:
    keypad_focus(page, selector)
    page.keyboard.press("Numpad5")


def keypad_type(page, field: str, text: str) -> None:
    """Types `text` into `field` on the on-screen keyboard: the field, then each key, reached and
    chosen by keypad (the keys show capitals; the screen writes names as names)."""
    keypad_choose(page, field)
    # 9 jumps group by group (the fields, the back/next buttons, the keys), so no other field is
    # passed on the way: a field the focus passes over becomes the one the keys type into.
    for _ in range(6):
        if page.evaluate("() => !!(document.activeElement && document.activeElement.closest('#keyboard'))"):
            break
        page.keyboard.press("Numpad9")
    for character in text:
        keypad_choose(page, f'#keyboard .key[data-key="{character}"]')
    assert page.input_value(field).upper() == text, (page.input_value(field), text, page.evaluate(
        "() => [...document.querySelectorAll('input')].map(i => i.id + '=' + i.value + (i.classList.contains('focused') ? '*' : '')).join(' ')"))


def test_audio_mode_walks_a_whole_registration_to_a_ticket_with_the_keypad_alone(browser, kiosk, artifacts):
    """A visitor who cannot read the screen registers and takes a ticket with the numeric keypad
    only: no touch, no click; each step's question is spoken in Mongolian on arrival."""
    process = kiosk()
    with sized_page(browser, "1080x1920") as page:
        refused = []
        page.on("response", lambda r: refused.append((r.status, r.url.split("/api/v1/speech/")[1]))
                if "/api/v1/speech/" in r.url and r.status != 200 else None)
        start_audio_mode(page, process.base + "/kiosk", "#audio-start")
        keypad_choose(page, '[data-lang="mn"]')
        page.wait_for_url("**/kiosk/mn/register**")
        wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")

        texts = phrase_keys()

        def arrive(step: str) -> None:
            """The step is shown and its question spoken."""
            page.wait_for_selector(f'.step.active[data-step="{step}"]')
            question_heard(page, ".step.active h1", texts, refused)
            check_screen(page, artifacts, f"keypad-{step}", reach=False, axe=False)

        arrive("service")
        keypad_choose(page, '.service-option[data-service="Б"]')
        arrive("registryNumber")
        keypad_type(page, "#registryNumber", "ТА85061513")
        keypad_choose(page, "#next")
        arrive("names")
        keypad_type(page, "#familyName", "ДОРЖ")
        keypad_type(page, "#givenName", "ӨЛЗИЙ")
        keypad_choose(page, "#next")
        arrive("phone")
        keypad_type(page, "#phone", "88112233")
        keypad_choose(page, "#next")
        arrive("address")
        page.wait_for_selector("#soum-options .option")
        keypad_choose(page, "#soum-options .option")
        arrive("education")
        keypad_choose(page, '[data-choice="educationCode"] .option[data-value="vocational"]')
        arrive("occupation")
        keypad_type(page, "#occupation-search", "ЖОЛ")
        page.wait_for_selector('[data-choice="occupationCode"] .option[data-value="83"]')
        keypad_choose(page, '[data-choice="occupationCode"] .option[data-value="83"]')
        arrive("skills")
        keypad_choose(page, "#next")
        arrive("experience")
        keypad_choose(page, '[data-choice="experienceYears"] .option[data-value="6"]')
        arrive("desiredJob")
        keypad_choose(page, '[data-choice="desiredOccupationCode"] .option[data-value="83"]')
        arrive("disability")
        keypad_choose(page, '[data-choice="hasDisability"] .option[data-value="false"]')
        arrive("status")
        keypad_choose(page, '[data-choice="status"] .option[data-value="unemployed"]')
        arrive("consent")
        keypad_choose(page, "#consent")
        arrive("review")
        keypad_choose(page, "#next")
        arrive("ticket")
        number = page.inner_text("#ticket-number")
        assert number.startswith("Б-"), number
        keypad_choose(page, "#ticket-finish")
        page.wait_for_url("**/kiosk")
    status, found = process.request("POST", "/api/v1/registrations/lookup", {"registryNumber": "ТА85061513"})
    assert status == 200 and found["status"] == "known", found
