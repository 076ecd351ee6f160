"""The hub's operators' API (docs/hub-admin-openapi.yaml) is valid OpenAPI and describes what a
running hub answers, with a kiosk enrolled and sending heartbeats."""

import copy
import json
import subprocess
import urllib.error
import urllib.request

import jsonschema
import yaml
from openapi_spec_validator import validate

from conftest import KIOSK_BIN, ROOT, TOKEN, registration_form, registry_number

SPEC = yaml.safe_load((ROOT / "docs" / "hub-admin-openapi.yaml").read_text(encoding="utf-8"))


def resolve(node):
    """Inlines every local $ref (the document has no cycles)."""
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


def call(base: str, method: str, path: str, body=None, token: str | None = TOKEN):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def check(template: str, method: str, answer) -> object:
    status, content_type, raw = answer
    operation = SPEC["paths"][template][method.lower()]
    assert str(status) in operation["responses"], f"{method} {template} answered undocumented {status}: {raw[:200]}"
    documented = resolve(operation["responses"][str(status)])
    media = content_type.split(";")[0]
    assert media in documented["content"], f"{method} {template} {status} answered undocumented {media}"
    schema = documented["content"][media]["schema"]
    body = json.loads(raw) if media == "application/json" else raw.decode()
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)
    return body


def test_document_is_valid_openapi():
    validate(SPEC)


def test_the_hub_answers_as_documented(kiosk, hub, tmp_path):
    base = hub["base"]
    check("/health", "GET", call(base, "GET", "/health", token=None))
    for template, method, path in [("/admin/devices", "GET", "/admin/devices"), ("/metrics", "GET", "/metrics"),
                                   ("/admin/operations", "GET", "/admin/operations")]:
        check(template, method, call(base, method, path, token=None))
        check(template, method, call(base, method, path, token="not-the-token"))
    check("/admin/offices/{code}", "PUT", call(base, "PUT", "/admin/offices/UB-BZD", {"name": "Баянзүрх"}))
    check("/admin/offices/{code}", "PUT", call(base, "PUT", "/admin/offices/UB-BZD", {"name": ""}))
    code = check("/admin/enrolment-codes", "POST",
                 call(base, "POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"}))["code"]
    check("/admin/enrolment-codes", "POST", call(base, "POST", "/admin/enrolment-codes", {"officeCode": "NOPE"}))
    check("/admin/enrolment-codes", "POST",
          call(base, "POST", "/admin/enrolment-codes", {"officeCode": "UB-SB", "validHours": 0}))

    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    sync = [KIOSK_BIN, "sync"]
    assert subprocess.run(sync + ["enrol", "--hub", base, "--code", code, "--data-dir", str(data_dir)],
                          capture_output=True).returncode == 0
    status, _ = process.request("POST", "/api/v1/registrations", registration_form(registry_number(3)))
    assert status == 201
    assert subprocess.run(sync + ["now", "--data-dir", str(data_dir)], capture_output=True).returncode == 0

    devices = check("/admin/devices", "GET", call(base, "GET", "/admin/devices"))
    assert devices and devices[0]["heartbeat"]["waiting"] >= 0
    check("/metrics", "GET", call(base, "GET", "/metrics"))
    check("/admin/operations", "GET", call(base, "GET", "/admin/operations"))
    check("/admin/offices/{code}/indicators", "GET", call(base, "GET", "/admin/offices/UB-SB/indicators?month=2026-12"))
    check("/admin/offices/{code}/indicators", "GET", call(base, "GET", "/admin/offices/UB-SB/indicators?month=12"))
    breakdown = check("/admin/offices/{code}/indicators/breakdown", "GET",
                      call(base, "GET", "/admin/offices/UB-SB/indicators/breakdown?month=2026-12"))
    assert [d["name"] for d in breakdown["dimensions"]] == ["sex", "ageGroup", "education", "disability",
                                                              "timeUnemployed"]
    for dimension in breakdown["dimensions"]:
        assert sum(g["registeredJobseekers"] for g in dimension["groups"]) == breakdown["totals"]["registeredJobseekers"]
    assert breakdown["totals"]["registeredJobseekers"] >= 1
    check("/admin/offices/{code}/indicators/breakdown", "GET",
          call(base, "GET", "/admin/offices/UB-SB/indicators/breakdown?month=12"))
    check("/admin/offices/{code}/indicators/breakdown", "GET",
          call(base, "GET", "/admin/offices/UB-SB/indicators/breakdown?month=2026-12", token=None))
    check("/admin/quarantine", "GET", call(base, "GET", "/admin/quarantine?office=UB-SB"))
    check("/admin/employer-breakdown", "GET", call(base, "GET", "/admin/employer-breakdown"))
    check("/admin/employer-breakdown", "GET",
          call(base, "GET", "/admin/employer-breakdown?from=2026-12-01&to=2026-12-31&office=UB-SB"))
    check("/admin/employer-breakdown", "GET", call(base, "GET", "/admin/employer-breakdown?from=2026-13-01"))
    check("/admin/employer-breakdown", "GET", call(base, "GET", "/admin/employer-breakdown", token=None))
    check("/admin/employer-breakdown.csv", "GET", call(base, "GET", "/admin/employer-breakdown.csv"))
    check("/admin/employer-breakdown.csv", "GET", call(base, "GET", "/admin/employer-breakdown.csv?to=2020-01-01"))
    check("/admin/employer-breakdown.csv", "GET", call(base, "GET", "/admin/employer-breakdown.csv", token=None))
    check("/admin/employers", "GET", call(base, "GET", "/admin/employers"))
    check("/admin/employers", "GET", call(base, "GET", "/admin/employers?from=2026-13-01"))
    check("/admin/employers", "GET", call(base, "GET", "/admin/employers", token=None))
    check("/admin/vacancies", "PUT", call(base, "PUT", "/admin/vacancies", [{
        "reference": "V-2026-00001", "title": "Нярав", "iscoCode": "4321", "employer": "ХХК", "aimagCode": "UB-SB",
        "hours": "full", "skills": [], "experienceYears": 0, "posts": 1, "postedOn": "2026-12-01",
        "closesOn": "2099-01-01", "howToApply": "Биечлэн", "newlyCreated": False}]))
    check("/admin/vacancies", "PUT", call(base, "PUT", "/admin/vacancies", [{"reference": "V-1"}]))
    check("/admin/vacancies/{reference}", "DELETE", call(base, "DELETE", "/admin/vacancies/V-2026-00001"))
    check("/admin/vacancies/{reference}", "DELETE", call(base, "DELETE", "/admin/vacancies/V-2026-00001"))
    check("/admin/reference/{kind}", "PUT", call(base, "PUT", "/admin/reference/nonsense", []))
    check("/admin/devices/{id}/revoke", "POST", call(base, "POST", "/admin/devices/no-such-device/revoke"))
    check("/admin/devices/{id}/revoke", "POST", call(base, "POST", f"/admin/devices/{devices[0]['id']}/revoke"))
    offer = {"version": "0.7.0", "url": "https://updates.example.mn/lswo-kiosk-0.7.0.raucb",
             "sizeBytes": 600 << 20, "sha256": "ab" * 32}
    check("/admin/update-channels/{channel}", "PUT", call(base, "PUT", "/admin/update-channels/pilot", offer))
    check("/admin/update-channels/{channel}", "PUT",
          call(base, "PUT", "/admin/update-channels/Pilot!", {**offer, "url": "http://x", "sha256": "0"}))
    check("/admin/update-channels/{channel}", "PUT",
          call(base, "PUT", "/admin/update-channels/pilot", offer, token=None))
    assert [o["version"] for o in check("/admin/update-channels", "GET",
                                        call(base, "GET", "/admin/update-channels"))] == ["0.7.0"]
    check("/admin/update-channels/{channel}", "DELETE", call(base, "DELETE", "/admin/update-channels/pilot"))
    check("/admin/update-channels/{channel}", "DELETE", call(base, "DELETE", "/admin/update-channels/pilot"))
    check("/admin/epoch/rotate", "POST", call(base, "POST", "/admin/epoch/rotate"))
