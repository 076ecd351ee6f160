"""The hub's SMS route as docs/lmis-protocol.yaml describes it, spoken by the document's Python
client against a real `lmis-hub serve` process (simulated operator gateway) on real PostgreSQL:
messages taken once by id, delivery reports and a reply back until acknowledged, refusals."""
import base64
import time
import uuid

import pytest

from test_lmis_protocol import Device, check


@pytest.fixture
def sms_hub(monkeypatch):
    """The `hub` fixture's process, told to use the simulated gateway (read from the environment
    when the hub starts)."""
    monkeypatch.setenv("LMIS_HUB_SMS_GATEWAY", "simulated")
    monkeypatch.setenv("LMIS_HUB_SMS_POLL_MILLISECONDS", "100")


def enrolled(hub) -> Device:
    device = Device(hub["base"])
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    proof = base64.b64encode(device.key.sign(f"LMIS-enrol-v1\n{code}\n{device.public}".encode())).decode()
    status, _, answer = device.request("POST", "/v1/enrol", {
        "code": code, "publicKey": device.public, "deviceName": "python", "softwareVersion": "1", "proof": proof},
        signed=False)
    assert status == 200, answer
    device.key_id = answer["deviceID"]
    return device


def updates_until(device: Device, done, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, _, answer = device.request("GET", "/v1/sms/updates")
        assert status == 200, answer
        check("SMSRelayUpdates", answer)
        if done(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def test_sms_through_the_hub_as_the_document_says(sms_hub, hub):
    device = enrolled(hub)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    batch = {"messages": [{"id": first, "to": "88112233", "text": "Таны ээлж ойртлоо: А-012"},
                          {"id": second, "to": "99112233", "text": "Tany eelj oirtloo: A-013"}]}
    check("SMSRelayBatch", batch)
    status, _, answer = device.request("POST", "/v1/sms", batch)
    assert status == 200, answer
    check("SMSRelayAccepted", answer)
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted"]
    # The same batch again (a lost answer, say): taken before, sent once.
    status, _, answer = device.request("POST", "/v1/sms", batch, gzip_body=True)
    assert [r["status"] for r in answer["results"]] == ["duplicate", "duplicate"]

    answer = updates_until(device, lambda a: len(a["reports"]) == 2)
    assert {r["messageID"]: r["outcome"] for r in answer["reports"]} == {first: "delivered", second: "delivered"}
    assert hub["sql"]("SELECT count(*) FROM simulated_sms_submission") == "2"

    # A reply from the first number comes to this device.
    hub["admin"]("POST", "/admin/simulated-sms-gateway/replies", {"from": "88112233", "text": "STOP"})
    answer = updates_until(device, lambda a: len(a["received"]) == 1)
    assert [(r["from"], r["text"]) for r in answer["received"]] == [("88112233", "STOP")]
    acknowledgement = {"reports": [first, second], "received": [answer["received"][0]["id"]]}
    check("SMSRelayAcknowledgement", acknowledgement)
    status, _, echoed = device.request("POST", "/v1/sms/updates/acknowledge", acknowledgement)
    assert status == 200 and echoed == acknowledgement
    check("SMSRelayAcknowledgement", echoed)
    assert updates_until(device, lambda a: False, timeout=0.3) == {"reports": [], "received": []}

    # Refusals, each a Problem: unsigned, a bad number.
    status, _, problem = device.request("POST", "/v1/sms", batch, signed=False)
    assert status == 401
    check("Problem", problem)
    bad = {"messages": [{"id": str(uuid.uuid4()), "to": "+97688112233", "text": "x"}]}
    status, _, problem = device.request("POST", "/v1/sms", bad)
    assert status == 400 and "eight digits" in problem["message"], problem
    check("Problem", problem)


def test_a_hub_without_a_gateway_closes_the_route(hub):
    device = enrolled(hub)
    status, _, problem = device.request("POST", "/v1/sms", {"messages": [
        {"id": str(uuid.uuid4()), "to": "88112233", "text": "Сайн уу"}]})
    assert status == 503, problem
    check("Problem", problem)
    assert "sms_gateway = none" in problem["message"]
