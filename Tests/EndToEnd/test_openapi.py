"""The OpenAPI document in docs/ is valid and describes what the service really answers."""
import copy
import json
import urllib.error
import urllib.request

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from conftest import ROOT, registration_form

SPEC = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))


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


def test_document_is_valid_openapi():
    validate(SPEC)


def call(base: str, method: str, path: str, body=None, raw: bytes | None = None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def check(template: str, method: str, status: int, body):
    operation = SPEC["paths"][template][method.lower()]
    assert str(status) in operation["responses"], f"{method} {template} answered undocumented {status}"
    schema = resolve(operation["responses"][str(status)])["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator(schema).validate(body)


def test_every_answer_matches_the_document(kiosk):
    base = kiosk().base
    cases = []
    status, created = call(base, "POST", "/api/v1/registrations", registration_form("УБ90051223"))
    cases.append(("/api/v1/registrations", "POST", status, created))
    rid = created["id"]
    cases.append(("/api/v1/registrations", "POST", *call(base, "POST", "/api/v1/registrations",
                                                         registration_form("УБ90051223"))))
    cases.append(("/api/v1/registrations", "POST", *call(base, "POST", "/api/v1/registrations",
                                                         registration_form("УБ20250123", phone="1"))))
    cases.append(("/api/v1/registrations", "POST", *call(base, "POST", "/api/v1/registrations", raw=b"{oops")))
    cases.append(("/api/v1/registrations", "POST", *call(base, "POST", "/api/v1/registrations",
                                                         raw=b"{}", content_type="text/plain")))
    cases.append(("/api/v1/registrations", "POST", *call(base, "POST", "/api/v1/registrations",
                                                         raw=b'{"desiredJob":"' + b"a" * 70000 + b'"}')))
    cases.append(("/api/v1/registrations/{id}", "GET", *call(base, "GET", f"/api/v1/registrations/{rid}")))
    cases.append(("/api/v1/registrations/{id}", "GET", *call(base, "GET", "/api/v1/registrations/nope")))
    cases.append(("/api/v1/registrations/{id}", "PUT", *call(base, "PUT", f"/api/v1/registrations/{rid}",
                                                             registration_form("УБ90051223", phone=None,
                                                                               keepPhone=True))))
    cases.append(("/api/v1/registrations/lookup", "POST", *call(base, "POST", "/api/v1/registrations/lookup",
                                                                {"registryNumber": "уб90051223"})))
    cases.append(("/api/v1/registrations/lookup", "POST", *call(base, "POST", "/api/v1/registrations/lookup",
                                                                {"registryNumber": "ЧЕ05231414"})))
    cases.append(("/api/v1/registrations/lookup", "POST", *call(base, "POST", "/api/v1/registrations/lookup",
                                                                {"registryNumber": "Q"})))
    cases.append(("/api/v1/registrations/validate", "POST", *call(
        base, "POST", "/api/v1/registrations/validate?fields=phone,givenName", {"phone": "70"})))
    cases.append(("/api/v1/reference/admin-units", "GET", *call(base, "GET", "/api/v1/reference/admin-units")))
    cases.append(("/api/v1/reference/admin-units", "GET", *call(
        base, "GET", "/api/v1/reference/admin-units?parent=MN-043")))
    cases.append(("/api/v1/reference/admin-units", "GET", *call(
        base, "GET", "/api/v1/reference/admin-units?parent=XX")))
    cases.append(("/api/v1/reference/education-levels", "GET", *call(
        base, "GET", "/api/v1/reference/education-levels")))
    cases.append(("/api/v1/reference/occupations", "GET", *call(
        base, "GET", "/api/v1/reference/occupations?q=%D0%B1%D0%B0%D0%B3%D1%88")))  # багш
    cases.append(("/api/v1/reference/occupations", "GET", *call(
        base, "GET", "/api/v1/reference/occupations?limit=500")))
    cases.append(("/api/v1/reference/statuses", "GET", *call(base, "GET", "/api/v1/reference/statuses")))
    cases.append(("/healthz", "GET", *call(base, "GET", "/healthz")))

    statuses = {(template, method, status) for template, method, status, _ in cases}
    for template, method, status, body in cases:
        check(template, method, status, body)
    # The cases above reach the documented error answers too, not only the happy paths.
    for expected in [201, 409, 422, 400, 415, 413]:
        assert ("/api/v1/registrations", "POST", expected) in statuses
