"""The LMIS protocol document (docs/lmis-protocol.yaml) is valid and describes what the hub
really answers, to a client written here in Python from the document alone: Ed25519 signatures
with `cryptography`, gzip bodies, the change feed, snapshots, identity checks and refusals."""

import base64
import copy
import gzip
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid

import jsonschema
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from openapi_spec_validator import validate

from conftest import ROOT

SPEC = yaml.safe_load((ROOT / "docs" / "lmis-protocol.yaml").read_text(encoding="utf-8"))


def schema(name: str) -> dict:
    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                target = SPEC
                for part in node["$ref"].removeprefix("#/").split("/"):
                    target = target[part]
                return resolve(copy.deepcopy(target))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node
    return resolve(SPEC["components"]["schemas"][name])


def check(name: str, body) -> None:
    jsonschema.validate(body, schema(name), format_checker=jsonschema.FormatChecker())


class Device:
    """A kiosk as the document describes one."""

    def __init__(self, base: str):
        self.base = base
        self.key = Ed25519PrivateKey.generate()
        self.public = base64.b64encode(self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
        self.key_id = None

    def request(self, method: str, target: str, body=None, signed=True, gzip_body=False, headers=None,
                timestamp=None):
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        sent = gzip.compress(data) if gzip_body else data
        all_headers = {"Accept-Encoding": "gzip", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if gzip_body:
            all_headers["Content-Encoding"] = "gzip"
        if signed:
            stamp = str(timestamp if timestamp is not None else int(time.time()))
            nonce = secrets.token_hex(8)
            digest = hashlib.sha256(sent).hexdigest()
            text = f"LMIS-v1\n{method}\n{target}\n{digest}\n{stamp}\n{nonce}\n{self.key_id}"
            all_headers.update({
                "LMIS-Key": self.key_id, "LMIS-Timestamp": stamp, "LMIS-Nonce": nonce, "LMIS-Body-SHA256": digest,
                "LMIS-Signature": base64.b64encode(self.key.sign(text.encode())).decode()})
        request = urllib.request.Request(self.base + target, method=method, data=sent if body is not None else None,
                                         headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                return response.status, dict(response.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, dict(error.headers), json.loads(raw) if raw else None


def test_document_is_valid_openapi():
    validate(SPEC)


def test_a_client_written_from_the_document_talks_to_the_hub(hub):
    device = Device(hub["base"])
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrolment = {"code": code.lower(), "publicKey": device.public, "deviceName": "python", "softwareVersion": "1",
                 "proof": base64.b64encode(device.key.sign(f"LMIS-enrol-v1\n{code.lower()}\n{device.public}".encode()))
                 .decode()}
    check("EnrolmentRequest", enrolment)
    status, _, answer = device.request("POST", "/v1/enrol", enrolment, signed=False)
    assert status == 200, answer
    check("EnrolmentResponse", answer)
    device.key_id = answer["deviceID"]
    assert answer["officeCode"] == "UB-SB"
    # The code works once.
    status, _, answer = device.request("POST", "/v1/enrol", enrolment, signed=False)
    assert status == 403
    check("Problem", answer)
    assert answer["error"] == "invalid_code"

    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    person = {"id": str(uuid.uuid4()), "reference": "UB-SB-000001", "officeCode": "UB-SB", "revision": 1,
              "createdAt": now, "updatedAt": now, "registryNumber": "ӨҮ90051223", "familyName": "Өлзий",
              "givenName": "Үүрцайх", "birthDate": "1990-05-12", "sex": "female", "status": "unemployed",
              "phone": "99112233", "aimagCode": "UB-SB", "soumCode": "UB-SB-05", "educationCode": "vocational",
              "skills": [], "experienceYears": 0, "desiredOccupationCode": "83", "hasDisability": False,
              "consentTextVersion": "2026-1", "consentAcceptedAt": now, "language": "mn"}
    batch = {"stream": "registration", "records": [
        {"id": str(uuid.uuid4()), "sequence": 1, "type": "registration.created", "createdAt": now,
         "payload": {"registration": person}},
        {"id": str(uuid.uuid4()), "sequence": 2, "type": "registration.created", "createdAt": now,
         "payload": {"registration": {**person, "id": str(uuid.uuid4()), "registryNumber": "bad"}}},
    ]}
    check("UploadBatch", batch)
    status, _, answer = device.request("POST", "/v1/upload", batch, gzip_body=True)
    assert status == 200, answer
    check("UploadResponse", answer)
    assert [r["status"] for r in answer["results"]] == ["applied", "rejected"], answer
    assert "registry number bad" in answer["results"][1]["reason"]
    status, _, answer = device.request("POST", "/v1/upload", batch)
    assert [r["status"] for r in answer["results"]] == ["duplicate", "rejected"]

    # A record of another stream in the batch is refused as a whole.
    mixed = {"stream": "queue", "records": batch["records"][:1]}
    status, _, answer = device.request("POST", "/v1/upload", mixed)
    assert status == 400 and answer["error"] == "bad_request"

    hub["admin"]("PUT", "/admin/vacancies", [{
        "reference": "V-2026-00001", "title": "Өрөмдлөгийн мастер", "iscoCode": "8113", "employer": "Эрдэнэт ҮХ",
        "aimagCode": "OR", "hours": "shift", "skills": ["өрөмдлөг"], "experienceYears": 2, "posts": 3,
        "postedOn": "2026-11-01", "closesOn": "2099-01-31", "howToApply": "Биечлэн", "newlyCreated": True}])
    hub["admin"]("PUT", "/admin/reference/occupations", [{"code": "8113", "nameMn": "Өрөмдлөгчин", "nameEn": "Driller"}])
    status, _, feed = device.request("GET", "/v1/changes")
    assert status == 200
    check("ChangesResponse", feed)
    assert {(c["kind"], c["key"]) for c in feed["changes"]} == {("vacancy", "V-2026-00001"), ("occupations", "8113")}
    check("Vacancy", next(c["data"] for c in feed["changes"] if c["kind"] == "vacancy"))
    status, _, again = device.request("GET", "/v1/changes?cursor=" + feed["cursor"])
    assert again["changes"] == [] and again["reset"] is False
    status, _, other = device.request("GET", "/v1/changes?cursor=000000:0")
    assert other["reset"] is True and len(other["changes"]) == 2

    status, headers, snapshot = device.request("GET", "/v1/reference/occupations")
    assert status == 200
    check("ReferenceSnapshot", snapshot)
    status, _, _ = device.request("GET", "/v1/reference/occupations", headers={"If-None-Match": headers["ETag"]})
    assert status == 304

    status, _, identity = device.request("POST", "/v1/identity", {"registryNumber": "ӨҮ90051223"})
    assert status == 200
    check("IdentityResponse", identity)
    assert identity["result"] == "notFound"

    status, _, hub_status = device.request("GET", "/v1/status")
    check("HubStatus", hub_status)
    assert hub_status["received"] == 2 and hub_status["highestSequence"] == 2 and hub_status["quarantined"] == 1

    # A heartbeat written from the document: the hub answers the highest sequence it knows,
    # including what the heartbeat reports made but not sent.
    beat = {"softwareVersion": "python-client", "sentAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "lastSequence": 5, "waiting": 3, "clockOffsetSeconds": 0.5, "printer": "paper-out", "reader": "absent",
            "checks": [{"name": "printer.thermal", "verdict": "fault", "detail": "paper-out"}]}
    check("Heartbeat", beat)
    status, _, heard = device.request("POST", "/v1/heartbeat", beat)
    assert status == 200 and heard["highestSequence"] == 5, heard
    for wrong in [{"waiting": -1}, {"checks": [{"name": "printer.thermal", "verdict": "broken"}]}]:
        status, _, refused = device.request("POST", "/v1/heartbeat", {**beat, **wrong})
        assert status == 400 and refused["error"] == "bad_request", refused
        check("Problem", refused)

    # Refusals carry the Problem shape and the hub's clock.
    status, _, answer = device.request("GET", "/v1/status", timestamp=int(time.time()) - 3600)
    assert status == 401 and answer["error"] == "stale_timestamp"
    check("Problem", answer)
    bomb = gzip.compress(b" " * (9 << 20))
    request = urllib.request.Request(hub["base"] + "/v1/upload", data=bomb, method="POST",
                                     headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("a gzip bomb was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 413
        check("Problem", json.loads(error.read()))
