"""The queue end to end: tickets, a staff member at a counter, the display board's event stream."""
import http.client
import json
import subprocess
import time

from conftest import KIOSK_BIN, ROOT, KioskProcess


def sign_in(process: KioskProcess, username="ajiltan1", counter=1) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=10)
    connection.request("POST", "/api/v1/staff/sessions",
                       json.dumps({"username": username, "pin": "2468", "counter": counter}),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 201
    return response.getheader("Set-Cookie").split(";")[0]


def post(process: KioskProcess, path: str, body=None, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=10)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if cookie:
        headers["Cookie"] = cookie
        headers["Origin"] = process.base
    connection.request("POST", path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


class EventStream:
    """A minimal SSE reader over a raw HTTP connection."""

    def __init__(self, process: KioskProcess, last_event_id: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=5)
        headers = {"Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/api/v1/display/events", headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next_call(self, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        event = {}
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line == "":
                if event.get("event") == "call":
                    return event
                event = {}
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(": ")
            event[key] = json.loads(value) if key == "data" else value
        raise TimeoutError("no call event")

    def close(self):
        self.connection.close()


def test_calls_reach_the_display_stream_and_resume_without_loss(kiosk):
    process = kiosk()
    cookie = sign_in(process)
    for _ in range(3):
        assert post(process, "/api/v1/tickets", {"serviceCode": "А"})[0] == 201

    stream = EventStream(process)
    sent = time.monotonic()
    status, first = post(process, "/api/v1/counters/1/call-next", cookie=cookie)
    assert status == 200
    event = stream.next_call()
    latency = time.monotonic() - sent
    assert event["data"]["number"] == first["number"] == "А-001"
    assert event["data"]["counter"] == 1
    assert latency < 0.3, f"display update took {latency * 1000:.0f} ms"
    first_id = event["id"]
    stream.close()

    # While the board is away, two more calls happen; it reconnects with Last-Event-ID.
    post(process, f"/api/v1/tickets/{first['id']}/recall", cookie=cookie)
    post(process, f"/api/v1/tickets/{first['id']}/start", cookie=cookie)
    post(process, f"/api/v1/tickets/{first['id']}/finish", {"outcome": "registered"}, cookie=cookie)
    status, second = post(process, "/api/v1/counters/1/call-next", cookie=cookie)
    assert status == 200
    resumed = EventStream(process, last_event_id=first_id)
    replay = [resumed.next_call(), resumed.next_call()]
    assert [(e["data"]["kind"], e["data"]["number"]) for e in replay] == [("recalled", "А-001"), ("called", "А-002")]
    assert int(replay[0]["id"]) > int(first_id)
    resumed.close()


def test_staff_calls_a_ticket_while_the_board_updates(browser, kiosk, artifacts):
    process = kiosk()
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "Д", "priority": "elderly"})
    assert status == 201 and ticket["number"] == "Д-001"

    board_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    board = board_context.new_page()
    clips = []
    board.on("request", lambda request: clips.append(request.url.split("/api/v1/speech/clips/")[1])
             if "/api/v1/speech/clips/" in request.url else None)
    board.goto(process.base + "/display")
    board.wait_for_selector("#waiting-count:text-is('1')")
    board.screenshot(path=str(artifacts / "01-board-waiting.png"))

    staff_context = browser.new_context(viewport={"width": 1600, "height": 1000})
    staff = staff_context.new_page()
    staff.goto(process.base + "/staff")
    staff.fill("#username", "ajiltan2")
    staff.fill("#pin", "2468")
    staff.select_option("#counter", "5")
    staff.click("#sign-in-form button[type=submit]")
    staff.wait_for_selector("#console:not([hidden])")
    staff.wait_for_selector("#waiting td.mono:has-text('Д-001')")
    staff.screenshot(path=str(artifacts / "02-console-waiting.png"))

    staff.click("#call-next")
    started = time.monotonic()
    board.wait_for_selector("#now-number:text-is('Д-001')", timeout=3000)
    latency = time.monotonic() - started
    assert board.inner_text("#now-counter") == "5"
    assert "flash" in board.get_attribute("#now", "class")
    board.screenshot(path=str(artifacts / "03-board-called.png"))
    assert latency < 1.0  # includes the click round trip through the browser
    # The kiosk's voice (nothing recorded here: espeak-ng, Mongolian by its Kyrgyz voice) announces
    # in Mongolian, "Дугаар Д нэг, тав дугаар цонхонд очно уу", then in English, "Ticket number Д
    # one, please go to counter five", stitched from clips of the same source as the audio mode.
    for _ in range(150):
        if len(clips) >= 10:
            break
        board.wait_for_timeout(100)
    assert clips[:10] == ["mn/ticket", "mn/letter04", "mn/n1", "mn/n5", "mn/counter",
                          "en/ticket", "en/letter04", "en/n1", "en/counter", "en/n5"]

    staff.wait_for_selector(".ticket-card[data-ticket='Д-001']")
    # No-show waits for the 2-minute grace period, and the card counts it down.
    staff.wait_for_selector(".ticket-card[data-ticket='Д-001'] .grace-countdown:has-text('Ирээгүй гэж тэмдэглэх хүртэл 1:')")
    assert staff.is_disabled(".ticket-card[data-ticket='Д-001'] button:has-text('Ирээгүй')")
    staff.click(".ticket-card[data-ticket='Д-001'] button:has-text('Үйлчилж эхлэх')")
    staff.wait_for_selector(".ticket-card[data-ticket='Д-001'] select.outcome")
    staff.select_option(".ticket-card[data-ticket='Д-001'] select.outcome", "counselled")
    staff.click(".ticket-card[data-ticket='Д-001'] button:has-text('Дуусгах')")
    staff.wait_for_selector(".ticket-card[data-ticket='Д-001']", state="detached")
    staff.screenshot(path=str(artifacts / "04-console-done.png"))
    status, final = 0, {}
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=5)
    connection.request("GET", f"/api/v1/tickets/{ticket['id']}")
    final = json.loads(connection.getresponse().read())
    assert final["state"] == "finished"
    board_context.close()
    staff_context.close()


def test_voice_sets_are_reported(kiosk, tmp_path):
    """Both languages speak every phrase (espeak-ng where nothing is recorded); clips an office
    recorded and imported with `kiosk voice import` are played instead and counted."""
    recorded = tmp_path / "recorded" / "mn"
    recorded.mkdir(parents=True)
    for key, text in (("ticket", "Дугаар"), ("counter", "дугаар цонхонд очно уу")):
        subprocess.run(["espeak-ng", "-v", "ky", "-w", str(recorded / f"{key}.wav"), "--", text], check=True)
    data = tmp_path / "data"
    imported = subprocess.run([KIOSK_BIN, "voice", "import", str(tmp_path / "recorded"), "--data-dir", str(data),
                               "--kiosk-dir", str(ROOT / "Kiosk")], capture_output=True, text=True)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "mn: imported 2 clips, refused 0" in imported.stdout
    process = kiosk(data_dir=data)
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=5)
    connection.request("GET", "/api/v1/display/voices")
    voices = json.loads(connection.getresponse().read())
    assert voices["en"]["complete"] is True and voices["en"]["recorded"] == 0
    assert voices["en"]["synthesised"] == voices["en"]["phrases"] > 500
    assert voices["mn"]["complete"] is True and voices["mn"]["missing"] == 0 and voices["mn"]["recorded"] == 2
    for key, source in (("ticket", "recorded"), ("n5", "synthesised")):
        connection.request("GET", f"/api/v1/speech/clips/mn/{key}")
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200 and answer.getheader("X-Speech-Source") == source


def test_a_visitor_rates_the_service_on_the_ticket_status_page(browser, kiosk, artifacts):
    """From the QR code on the ticket: after the service, a phone shows five faces; the rating is kept."""
    process = kiosk()
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201
    cookie = sign_in(process, counter=1)
    status, called = post(process, "/api/v1/counters/1/call-next", cookie=cookie)
    assert status == 200 and called["id"] == ticket["id"]
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    # The QR code's address carries the ticket's rating code; the status path alone asks for it.
    assert ticket["statusURL"].endswith("?k=" + ticket["ratingCode"].replace("-", ""))
    page.goto(process.base + ticket["statusPath"])
    assert page.locator("#feedback-code").is_visible()
    page.goto(process.base + ticket["statusPath"] + "?k=" + ticket["ratingCode"].replace("-", ""))
    assert page.locator("#feedback-code").count() == 0
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    faces = page.locator("#feedback-form input[name=rating]")
    assert faces.count() == 5
    page.locator("#feedback-form button[type=submit]").click()
    # The browser itself asks for a face first (the field is required).
    assert page.locator("#feedback-form").is_visible()
    page.locator("label.face-choice").nth(3).click()
    page.fill("#feedback-comment", "Хурдан, эелдэг үйлчилсэн")
    page.screenshot(path=str(artifacts / "rating.png"))
    page.locator("#feedback-form button[type=submit]").click()
    page.wait_for_selector("#feedback-given")
    assert "Баярлалаа" in page.inner_text("#feedback-given")
    assert page.inner_text("#feedback-given-label") == "Сайн"
    page.screenshot(path=str(artifacts / "rated.png"))
    phone.close()

    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=10)
    connection.request("GET", f"/api/v1/tickets/{ticket['id']}/feedback")
    answer = connection.getresponse()
    stored = json.loads(answer.read())
    assert answer.status == 200 and stored["rating"] == 4 and stored["comment"] == "Хурдан, эелдэг үйлчилсэн"


def http_get_json(process: KioskProcess, path: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200, response.status
    return json.loads(response.read())
