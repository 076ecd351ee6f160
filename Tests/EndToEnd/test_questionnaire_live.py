"""A questionnaire the hub pushes is asked at once (issue 23): while `kiosk serve` runs, its sync
round takes the new version from the hub's feed; the next profile at the kiosk is asked the new
question, while a visitor already halfway through keeps the version they began (their answers are
read under it); the voice speaks the new question, and `kiosk voice phrases` lists it to record."""
import json
import os
import sqlite3
import subprocess
import time
import urllib.parse

from conftest import KIOSK_BIN, ROOT, registration_form, registry_number
from screens import check_screen, sized_page
from test_case import ANSWERS
from test_questionnaire_push import put_profiling
from test_sync_streams import enrol

NEW_MN = "Сүүлийн ажлаасаа хойш хэр удаж байна вэ"
NEW_EN = "How long since your last job"


def profiling_url(process, number: str) -> str:
    status, created = process.request("POST", "/api/v1/registrations", registration_form(number))
    assert status == 201, created
    proof = process.proof(number)
    return (f"{process.base}/kiosk/mn/profiling?for={created['id']}#session="
            + urllib.parse.quote(proof["X-Kiosk-Session"]) + "&proof=" + urllib.parse.quote(proof["X-Kiosk-Proof"]))


def profile_versions(data_dir) -> list[str]:
    with sqlite3.connect(data_dir / "kiosk.sqlite") as db:
        return [row[0] for row in db.execute("SELECT questionnaire_version FROM case_profile ORDER BY answered_at")]


def test_a_pushed_questionnaire_is_asked_at_once_and_a_profile_in_progress_keeps_its_version(
        browser, kiosk, hub, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    bundled = json.loads((ROOT / "Kiosk/reference/profiling.json").read_text())
    assert enrol(hub, data_dir).returncode == 0
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "5"})
    begun_url = profiling_url(process, registry_number(5101))
    later_url = profiling_url(process, registry_number(5102))

    with sized_page(browser, "1920x1080") as begun, sized_page(browser, "1920x1080") as later:
        # The first visitor starts under the bundled questionnaire and answers two questions.
        begun.goto(begun_url)
        begun.wait_for_selector("#p-start:not([disabled])")
        begun.click("#p-start")
        first_question = begun.inner_text("#p-question-title")
        assert first_question == bundled["questions"][0]["text"]["mn"]
        for index, answer in enumerate(ANSWERS[:2]):
            begun.wait_for_selector(f"#p-counter:has-text('{index + 1}')")
            begun.click(f'#p-answers .choice[data-answer="{answer}"]')

        # The hub pushes a new version with the first question reworded; the running kiosk takes
        # it in its own sync round, with no restart.
        new = json.loads(json.dumps(bundled))
        new["version"] = "hub-live-2027.1"
        new["questions"][0]["text"] = {"mn": NEW_MN, "en": NEW_EN}
        assert put_profiling(hub, [new]) == 200
        deadline = time.monotonic() + 60
        while process.request("GET", "/api/v1/profiling/questionnaire")[1].get("version") != new["version"]:
            assert time.monotonic() < deadline, "the running kiosk never asked the pushed questionnaire"
            time.sleep(0.5)
        assert "profiling questionnaire from the hub" in process.log.read_text()

        # The next visitor is asked the new question.
        later.goto(later_url)
        later.wait_for_selector("#p-start:not([disabled])")
        later.click("#p-start")
        later.wait_for_selector(f"#p-question-title:has-text('{NEW_MN}')")
        check_screen(later, artifacts, "questionnaire-live-new-question-1920x1080")
        for index, answer in enumerate(ANSWERS):
            later.wait_for_selector(f"#p-counter:has-text('{index + 1}')")
            later.click(f'#p-answers .choice[data-answer="{answer}"]')
        later.wait_for_selector("#p-check:not([hidden])")

        # The first visitor finishes under the version they began, then the second sends.
        for index, answer in enumerate(ANSWERS[2:], start=3):
            begun.wait_for_selector(f"#p-counter:has-text('{index}')")
            begun.click(f'#p-answers .choice[data-answer="{answer}"]')
        begun.wait_for_selector("#p-check:not([hidden])")
        assert first_question in begun.inner_text("#p-check-list")
        begun.click("#p-send")
        begun.wait_for_selector("#p-done:not([hidden])")
        later.click("#p-send")
        later.wait_for_selector("#p-done:not([hidden])")
    assert profile_versions(data_dir) == [bundled["version"], new["version"]]

    # The voice's plan for the profiling screen was built again from the new questionnaire.
    status, plan = process.request("POST", "/api/v1/speech/plan", {"language": "mn", "texts": [NEW_MN]})
    assert status == 200
    assert plan["utterances"][0] == {"clips": ["/api/v1/speech/clips/mn/profiling.timeOutOfWork"], "unknownWords": 0}

    # The recording list reads the received questionnaire too.
    listed = subprocess.run(
        [KIOSK_BIN, "voice", "phrases", "--language", "mn", "--kiosk-dir", str(ROOT / "Kiosk")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "KIOSK_DATA_DIR": str(data_dir)})
    assert listed.returncode == 0, listed.stderr
    assert f"profiling.timeOutOfWork\t{NEW_MN}" in listed.stdout.splitlines()
