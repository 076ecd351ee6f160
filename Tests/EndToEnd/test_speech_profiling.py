"""Audio mode reads the profiling questions (issue 23): in real Chromium with the kiosk's real
voice, a visitor who cannot read the screen starts audio mode with the keypad on the profiling
screen, hears each question and, moving over them, its answers (the questionnaire's own texts,
phrases of the voice's catalogue: no word of them is unknown), and answers with the keypad."""
import urllib.parse

from conftest import registration_form, registry_number
from screens import check_screen, sized_page
from test_case import ANSWERS
from test_speech import keypad_choose, keypad_focus, played, start_audio_mode, wait_until


def heard(page, clip: str) -> None:
    try:
        wait_until(page, f"() => window.kioskSpeech.played.some(u => u.endsWith('/{clip}'))")
    except AssertionError:
        raise AssertionError(f"{clip} not played; last played {played(page)[-12:]}") from None


def test_the_profiling_questions_and_answers_are_spoken_and_answered_with_the_keypad(browser, kiosk, artifacts):
    process = kiosk()
    number = registry_number(4410)
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    proof = process.proof(number)
    fragment = "#session=" + urllib.parse.quote(proof["X-Kiosk-Session"]) + "&proof=" + \
        urllib.parse.quote(proof["X-Kiosk-Proof"])
    with sized_page(browser, "1080x1920") as page:
        start_audio_mode(page, f"{process.base}/kiosk/mn/profiling?for={created['id']}{fragment}",
                         "#p-start:not([disabled])")
        heard(page, "mn/case.profiling.title")
        keypad_choose(page, "#p-start")
        # The first question, then its answers as the keypad moves over them.
        page.wait_for_selector("#p-question:not([hidden])")
        heard(page, "mn/profiling.timeOutOfWork")
        keypad_focus(page, f'#p-answers .choice[data-answer="{ANSWERS[0]}"]')
        heard(page, f"mn/profiling.timeOutOfWork.{ANSWERS[0]}")
        check_screen(page, artifacts, "speech-profiling-question-1", reach=False, axe=False)
        page.keyboard.press("Numpad5")
        page.wait_for_selector("#p-counter:has-text('2')")
        heard(page, "mn/profiling.education")
        keypad_choose(page, f'#p-answers .choice[data-answer="{ANSWERS[1]}"]')
        page.wait_for_selector("#p-counter:has-text('3')")
        heard(page, "mn/profiling.skillsInDemand")
        # Every word of the questions heard so far was a phrase of the catalogue.
        assert page.evaluate("window.kioskSpeech.unknownWords") == 0
        # The rest by touch; the check screen and the answer are spoken too.
        for index, answer in enumerate(ANSWERS[2:], start=3):
            page.wait_for_selector(f"#p-counter:has-text('{index}')")
            page.click(f'#p-answers .choice[data-answer="{answer}"]')
        page.wait_for_selector("#p-check:not([hidden])")
        heard(page, "mn/case.profiling.checkTitle")
        keypad_choose(page, "#p-send")
        page.wait_for_selector("#p-done:not([hidden])")
        heard(page, "mn/case.profiling.doneTitle")
        assert page.evaluate("window.kioskSpeech.unknownWords") == 0
