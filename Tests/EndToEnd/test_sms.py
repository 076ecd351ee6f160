"""Issue 22: the office's own text messages through the real gammu-smsd and gammu's dummy phone.

The daemon drives a phone emulated in a folder: what it sends lands in the spool's `sent/`
folder (the test reads the code there, as the visitor reads it on their phone), and a message
saved in the dummy phone's inbox is a received one. The tests start and stop the daemon."""
import re
import shutil
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import registration_form

pytestmark = pytest.mark.skipif(shutil.which("gammu-smsd") is None, reason="gammu-smsd is not installed")


class GammuLab:
    def __init__(self, root: Path):
        self.root = root
        self.spool = root / "spool"
        self.phone = root / "phone"
        for folder in ["inbox", "outbox", "sent", "error", "staging", "done"]:
            (self.spool / folder).mkdir(parents=True, exist_ok=True)
        self.phone.mkdir(parents=True, exist_ok=True)
        self.config = root / "smsdrc"
        folder = lambda name: f"{self.spool / name}/"  # noqa: E731
        self.config.write_text("\n".join([
            "[gammu]", f"Device = {self.phone}", "Model = dummy", "Connection = none", "",
            "[smsd]", "Service = files", f"InboxPath = {folder('inbox')}", f"OutboxPath = {folder('outbox')}",
            f"SentSMSPath = {folder('sent')}", f"ErrorSMSPath = {folder('error')}", "InboxFormat = detail",
            "OutboxFormat = unicode", "DeliveryReport = sms", "CommTimeout = 1", "LoopSleep = 1",
            "ReceiveFrequency = 1", f"LogFile = {root / 'smsd.log'}", "DebugLevel = 0", ""]))
        self.daemon: subprocess.Popen | None = None

    def start(self):
        self.daemon = subprocess.Popen(["gammu-smsd", "-c", str(self.config)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                self.daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()

    def files(self, folder: str) -> list[Path]:
        return sorted((self.spool / folder).iterdir())

    def texts(self, folder: str = "sent") -> list[str]:
        return [path.read_bytes().decode("utf-16") for path in self.files(folder)]

    def wait(self, condition, timeout: float = 20.0):
        return wait_for(condition, timeout)


@pytest.fixture
def gammu(tmp_path):
    lab = GammuLab(tmp_path / "gammu")
    lab.start()
    yield lab
    lab.stop()


def sms_kiosk(kiosk, gammu, env: dict | None = None, **kwargs):
    return kiosk(env={"KIOSK_SMS_ROUTE": "gammu", "KIOSK_SMS_SPOOL": str(gammu.spool),
                      "KIOSK_SMS_SMSDRC": str(gammu.config), **(env or {})}, **kwargs)


def quiet_hours_away() -> dict:
    """Quiet hours (which hold all but codes and "turn near") two hours ahead of now in
    Ulaanbaatar, so a test of another kind passes whatever hour it runs."""
    import datetime
    hour = (datetime.datetime.now(datetime.timezone.utc).hour + 8) % 24
    return {"KIOSK_SMS_QUIET_HOURS": f"{(hour + 2) % 24}-{(hour + 3) % 24}"}


def test_a_one_time_code_sent_to_the_phone_on_file_proves_the_person(kiosk, gammu):
    process = sms_kiosk(kiosk, gammu)
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    assert status == 201
    headers = {"X-Kiosk-Session": session["session"]}
    status, sent = process.request("POST", "/api/v1/kiosk/proofs/code",
                                   {"registryNumber": "УБ90051223", "language": "mn"}, headers=headers)
    assert status == 202, sent
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    name = gammu.files("sent")[0].name
    assert "_+97699112233_" in name and name.endswith(".txtd")
    text = gammu.texts()[0]
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert text.startswith("Таны нэг удаагийн код") and "5 минут" in text
    # Nothing about the person beyond the code: no registry number, no name.
    for secret in ["УБ90051223", "Сарангэрэл", "Болд", created["reference"]]:
        assert secret not in text
    wrong = "000000" if code != "000000" else "111111"
    status, refused = process.request("POST", "/api/v1/kiosk/proofs/code/verify", {"code": wrong}, headers=headers)
    assert status == 401 and refused["error"]["code"] == "proof.wrongCode", refused
    status, proved = process.request("POST", "/api/v1/kiosk/proofs/code/verify", {"code": code}, headers=headers)
    assert status == 200, proved
    # The phone number is not in the kiosk's log.
    assert "99112233" not in process.log.read_text() and "1223" not in process.log.read_text().replace("УБ90051223", "")


def queue_directly(database: Path, count: int) -> list[str]:
    """Messages as the kiosk queues them (one-time codes: no consent needed), written while it is stopped."""
    ids = []
    with sqlite3.connect(database) as db:
        for n in range(count):
            # A UUIDv7: its first 48 bits are the time in milliseconds.
            millis = int(time.time() * 1000) + n
            raw = uuid.uuid4().hex
            hex_id = f"{millis:012x}7{raw[13:16]}{raw[16:]}"
            message_id = str(uuid.UUID(hex_id))
            ids.append(message_id)
            db.execute(
                "INSERT INTO sms_message (id, kind, phone, text, parts, encoding, state, created_at, due_at) "
                "VALUES (?, 'one_time_code', '99112233', ?, 1, 'ucs2', 'queued', "
                "strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'))",
                (message_id, f"Код {n:04d}"))
    return ids


def test_kill_9_of_the_kiosk_while_sending_and_a_stopped_daemon_lose_and_double_nothing(kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    process.kill()
    ids = queue_directly(data / "kiosk.sqlite", 40)
    # Killed (SIGKILL) again and again while it hands messages to the daemon, which sends them
    # (gammu-smsd sends about one a second from the dummy phone).
    for _ in range(3):
        process = sms_kiosk(kiosk, gammu, data_dir=data)
        time.sleep(0.15)
        process.kill()
    # The daemon stops (the modem pulled out): messages wait in its outbox.
    gammu.stop()
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT count(*) FROM sms_message WHERE state = 'queued'").fetchone()[0] == 0)
    waiting = len(gammu.files("outbox"))
    gammu.start()
    assert gammu.wait(lambda: len(gammu.files("sent")) == 40, timeout=90), (waiting, len(gammu.files("sent")))
    sent_ids = [path.name.rsplit("_", 1)[1].split(".")[0] for path in gammu.files("sent")]
    assert sorted(sent_ids) == sorted(i.replace("-", "") for i in ids)
    assert sorted(gammu.texts()) == sorted(f"Код {n:04d}" for n in range(40))
    assert gammu.files("error") == []


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_stop_reply_is_recorded_and_other_replies_wait_for_staff(kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    subprocess.run(["gammu", "-c", str(gammu.config), "savesms", "TEXT", "-folder", "1", "-unread", "-sender",
                    "+97688112233", "-textutf8", "Сайн байна уу, ажил байна уу?"], check=True, capture_output=True)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT count(*) FROM sms_received").fetchone()[0] == 1)
        assert db.execute("SELECT phone, text, stopped_kind FROM sms_received").fetchall() == [
            ("88112233", "Сайн байна уу, ажил байна уу?", None)]
    assert gammu.files("inbox") == []
    # Staff read it on the console's messages view, with the modem's state; others may not.
    status, overview = process.request("GET", "/api/v1/staff/messages", cookie=process.staff_cookie("ajiltan1"))
    assert status == 200, overview
    assert [(reply["phone"], reply["text"]) for reply in overview["replies"]] == [
        ("88112233", "Сайн байна уу, ажил байна уу?")]
    assert overview["route"] == "gammu"
    modem = overview["modem"]
    assert modem["daemonRunning"] and modem["modemPresent"] and modem["simReady"] and modem["onNetwork"], modem
    status, refused = process.request("GET", "/api/v1/staff/messages", cookie=process.staff_cookie("tekhnik"))
    assert status == 403, refused
    status, refused = process.request("GET", "/api/v1/staff/messages")
    assert status == 401, refused
    # The daemon stops: the console says so.
    gammu.stop()
    status, overview = process.request("GET", "/api/v1/staff/messages", cookie=process.staff_cookie("darga"))
    assert status == 200 and not overview["modem"]["daemonRunning"], overview
    process.kill()


def test_messages_by_kind_and_parts_after_a_code(kiosk, gammu):
    process = sms_kiosk(kiosk, gammu)
    assert process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))[0] == 201
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    headers = {"X-Kiosk-Session": session["session"]}
    assert process.request("POST", "/api/v1/kiosk/proofs/code", {"registryNumber": "УБ90051223", "language": "en"},
                           headers=headers)[0] == 202
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    assert gammu.texts()[0].startswith("Your one-time code: ")
    status, overview = process.request("GET", "/api/v1/staff/messages", cookie=process.staff_cookie())
    assert status == 200
    assert overview["kinds"] == [{"kind": "one_time_code", "messages": 1, "parts": 1, "delivered": 0, "failed": 0}]
    assert overview["queued"] == 0


def test_a_grievance_answer_reaches_the_filer_who_left_a_phone_and_stop_ends_it(kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data, env=quiet_hours_away())
    filed = []
    for text in ["Дараалал удаан байна.", "Ажилтан тусалсангүй."]:
        status, grievance = process.request("POST", "/api/v1/grievances", {
            "category": "serviceQuality", "text": text, "contactName": "Бат", "contactPhone": "95112233"})
        assert status == 201, grievance
        filed.append(grievance["trackingCode"])
    # Acknowledging sends nothing; the answer (resolved) does.
    cookie = process.staff_cookie("darga")
    steps = f"/api/v1/staff/grievances/{filed[0]}/steps"
    assert process.request("POST", steps, {"action": "acknowledge"}, cookie=cookie)[0] == 200
    status, body = process.request("POST", steps, {"action": "resolve", "note": "Шийдвэрлэсэн"}, cookie=cookie)
    assert status == 200, body
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    name = gammu.files("sent")[0].name
    assert "_+97695112233_" in name
    text = gammu.texts()[0]
    assert text.startswith("Таны гомдлын хариу гарлаа") and "Бат" not in text and "Дараалал" not in text
    # The filer replies ЗОГС: the answer to the second grievance is not sent.
    subprocess.run(["gammu", "-c", str(gammu.config), "savesms", "TEXT", "-folder", "1", "-unread", "-sender",
                    "+97695112233", "-textutf8", "ЗОГС"], check=True, capture_output=True)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT stopped_kind FROM sms_received").fetchall() == [("grievance_update",)])
    status, body = process.request("POST", f"/api/v1/staff/grievances/{filed[1]}/steps",
                                   {"action": "resolve", "note": "Шийдвэрлэсэн"}, cookie=cookie)
    assert status == 200, body
    time.sleep(2)
    assert len(gammu.files("sent")) + len(gammu.files("done")) == 1
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert db.execute("SELECT count(*) FROM sms_message").fetchone()[0] == 1


def test_a_returning_person_proves_at_the_kiosk_by_the_code_texted_to_their_phone(browser, kiosk, gammu, artifacts):
    from test_journey import next_step, open_journey, shot, tap, wait_step

    process = sms_kiosk(kiosk, gammu)
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    context, page, errors = open_journey(browser, process, language="en")
    tap(page, "УБ90051223")
    next_step(page)
    wait_step(page, "prove")
    assert page.is_visible("#prove-by-sms")
    shot(page, artifacts, "01-prove-offers-a-code")
    page.click("#prove-by-sms")
    wait_step(page, "provecode")
    # The code as the dummy phone sent it, typed on the on-screen digit keys.
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    code = re.search(r"\b(\d{6})\b", gammu.texts()[0]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    tap(page, wrong)
    next_step(page)
    page.wait_for_selector("#provecode-error:has-text('not the code we sent')")
    shot(page, artifacts, "02-wrong-code")
    page.fill("#provecode-input", "")
    tap(page, code)
    next_step(page)
    wait_step(page, "known")
    assert page.inner_text("#known-name") == "Б. Сарангэрэл"
    assert page.inner_text("#known-reference") == created["reference"]
    shot(page, artifacts, "03-proved-by-code")
    assert [e for e in errors if "401" not in e] == []
    context.close()


def test_turn_near_reaches_a_consenting_ticket_holder_when_three_are_ahead(kiosk, gammu):
    process = sms_kiosk(kiosk, gammu)
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    officer = process.staff_cookie("ajiltan1")
    # The person agrees at the desk; bad input is refused with the reason.
    status, refused = process.request("POST", "/api/v1/staff/messages/consent",
                                      {"phone": "1234", "kind": "turn_near", "granted": True}, cookie=officer)
    assert status == 400 and refused["error"]["field"] == "phone", refused
    status, _ = process.request("POST", "/api/v1/staff/messages/consent",
                                {"phone": "99112233", "kind": "turn_near", "granted": True}, cookie=officer)
    assert status == 204
    tickets = []
    for holder in [None, None, None, None, created["id"]]:
        body = {"serviceCode": "А", "language": "mn"} | ({"registrationId": holder} if holder else {})
        status, ticket = process.request("POST", "/api/v1/tickets", body)
        assert status == 201, ticket
        tickets.append(ticket)
    status, called = process.request("POST", "/api/v1/counters/1/call-next", {}, cookie=officer)
    assert status == 200, called
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    text = gammu.texts()[0]
    assert text.startswith(f"{tickets[4]['number']} дугаар: таны өмнө 3 хүн байна."), text
    assert f"/t/{tickets[4]['id']}" in text
    assert "УБ90051223" not in text and "Сарангэрэл" not in text
