"""An office without a GSM modem (`sms_route = hub`): a real `kiosk serve` enrolled with a real
`lmis-hub` (simulated operator gateway, real PostgreSQL) hands its messages to the hub, which
forwards them to the operator; the delivery report and a reply come back to the kiosk's queue."""
import json
import re
import sqlite3
import time
import urllib.request

from conftest import TOKEN, registration_form
from test_sms_protocol import sms_hub  # noqa: F401 (fixture: the hub told to use the simulated gateway)
from test_sync import sync_cli


def submissions(hub) -> list:
    request = urllib.request.Request(hub["base"] + "/admin/simulated-sms-gateway/submissions",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for(condition, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    return condition()


def test_a_one_time_code_goes_through_the_hub_and_its_report_and_a_reply_come_back(sms_hub, hub, kiosk, tmp_path):  # noqa: F811
    data = tmp_path / "data"
    process = kiosk(data_dir=data, env={"KIOSK_SMS_ROUTE": "hub", "KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrolled = sync_cli("enrol", "--hub", hub["base"], "--code", code, data_dir=data)
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr

    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201, created
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    assert status == 201
    headers = {"X-Kiosk-Session": session["session"]}
    status, sent = process.request("POST", "/api/v1/kiosk/proofs/code",
                                   {"registryNumber": "УБ90051223", "language": "mn"}, headers=headers)
    assert status == 202, sent

    # The operator got it once, to the phone on file, with the code and nothing else about the person.
    given = wait_for(lambda: submissions(hub))
    assert len(given) == 1, given
    assert given[0]["to"].endswith("99112233")
    text = given[0]["text"]
    for secret in ["УБ90051223", "Сарангэрэл", "Болд", created["reference"]]:
        assert secret not in text
    typed = re.search(r"\b(\d{6})\b", text).group(1)
    status, proved = process.request("POST", "/api/v1/kiosk/proofs/code/verify", {"code": typed}, headers=headers)
    assert status == 200, proved

    with sqlite3.connect(data / "kiosk.sqlite") as db:
        # The simulated operator reports delivery at once; the kiosk records it from the hub.
        assert wait_for(lambda: db.execute("SELECT state FROM sms_message").fetchall() == [("delivered",)]), \
            db.execute("SELECT state FROM sms_message").fetchall()
        # The person writes back: the reply reaches this office's staff through the hub.
        hub["admin"]("POST", "/admin/simulated-sms-gateway/replies", {"from": "99112233", "text": "Баярлалаа"})
        assert wait_for(lambda: db.execute("SELECT phone, text FROM sms_received").fetchall() == [
            ("99112233", "Баярлалаа")]), db.execute("SELECT phone, text FROM sms_received").fetchall()
    status, overview = process.request("GET", "/api/v1/staff/messages", cookie=process.staff_cookie("ajiltan1"))
    assert status == 200 and overview["route"] == "hub", overview
    # Nothing was handed twice, and the kiosk's log names no phone number.
    assert len(submissions(hub)) == 1
    assert "99112233" not in process.log.read_text()
