"""The OpenAPI document in docs/ is valid and describes what the service really answers."""
import copy
import json
import urllib.error
import urllib.request

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

from conftest import ROOT, registration_form, registry_number

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


def call(base: str, method: str, path: str, body=None, raw: bytes | None = None, content_type="application/json",
         cookie: str | None = None, headers: dict | None = None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": content_type, **(headers or {})}
    if cookie:
        headers["Cookie"] = cookie
        headers["Origin"] = base
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def check(template: str, method: str, status: int, body):
    operation = SPEC["paths"][template][method.lower()]
    assert str(status) in operation["responses"], f"{method} {template} answered undocumented {status}"
    documented = resolve(operation["responses"][str(status)])
    if "content" not in documented:
        assert body is None, f"{method} {template} {status} answered a body it does not document"
        return
    schema = documented["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator(schema).validate(body)


def test_every_answer_matches_the_document(kiosk):
    process = kiosk()
    base = process.base
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
    cookie = process.staff_cookie()
    cases.append(("/api/v1/registrations/{id}", "GET", *call(base, "GET", f"/api/v1/registrations/{rid}", cookie=cookie)))
    cases.append(("/api/v1/registrations/{id}", "GET", *call(base, "GET", "/api/v1/registrations/nope", cookie=cookie)))
    keep = registration_form("УБ90051223", phone=None, keepPhone=True)
    cases.append(("/api/v1/registrations/{id}", "PUT", *call(base, "PUT", f"/api/v1/registrations/{rid}", keep)))
    # Proofs: a screen session, an officer's release, the person opened with the proof.
    status, session = call(base, "POST", "/api/v1/kiosk/sessions")
    cases.append(("/api/v1/kiosk/sessions", "POST", status, session))
    on_screen = {"X-Kiosk-Session": session["session"]}
    cases.append(("/api/v1/kiosk/sessions/current", "GET", *call(base, "GET", "/api/v1/kiosk/sessions/current",
                                                                 headers=on_screen)))
    cases.append(("/api/v1/kiosk/sessions/current", "GET", *call(base, "GET", "/api/v1/kiosk/sessions/current")))
    release = {"sessionCode": session["code"], "registryNumber": "УБ90051223"}
    cases.append(("/api/v1/staff/kiosk-proofs", "POST", *call(base, "POST", "/api/v1/staff/kiosk-proofs", release)))
    cases.append(("/api/v1/staff/kiosk-proofs", "POST", *call(
        base, "POST", "/api/v1/staff/kiosk-proofs", {"sessionCode": "x", "registryNumber": "УБ90051223"},
        cookie=cookie)))
    cases.append(("/api/v1/staff/kiosk-proofs", "POST", *call(base, "POST", "/api/v1/staff/kiosk-proofs", release,
                                                              cookie=cookie)))
    status, proved = call(base, "GET", "/api/v1/kiosk/sessions/current", headers=on_screen)
    cases.append(("/api/v1/kiosk/sessions/current", "GET", status, proved))
    proof = {"X-Kiosk-Proof": proved["proof"]["token"]}
    cases.append(("/api/v1/registrations/{id}", "GET", *call(base, "GET", f"/api/v1/registrations/{rid}",
                                                             headers=proof)))
    cases.append(("/api/v1/registrations/{id}", "PUT", *call(base, "PUT", f"/api/v1/registrations/{rid}", keep,
                                                             headers=proof)))
    cases.append(("/api/v1/registrations/{id}", "PUT", *call(
        base, "PUT", "/api/v1/registrations/0190e6a0-0000-7000-8000-000000000000", keep, headers=proof)))
    cases.append(("/api/v1/kiosk/proofs/code", "POST", *call(base, "POST", "/api/v1/kiosk/proofs/code",
                                                             {"registryNumber": "УБ90051223"}, headers=on_screen)))
    cases.append(("/api/v1/kiosk/proofs/code/verify", "POST", *call(base, "POST", "/api/v1/kiosk/proofs/code/verify",
                                                                    {"code": "123456"}, headers=on_screen)))
    cases.append(("/api/v1/kiosk/sessions/finish", "POST", *call(base, "POST", "/api/v1/kiosk/sessions/finish",
                                                                 headers=on_screen)))
    revisions = f"/api/v1/staff/registrations/{rid}/revisions"
    cases.append(("/api/v1/staff/registrations/{id}/revisions", "GET", *call(base, "GET", revisions)))
    cases.append(("/api/v1/staff/registrations/{id}/revisions", "GET", *call(base, "GET", revisions, cookie=cookie)))
    cases.append(("/api/v1/staff/registrations/{id}/revisions", "GET", *call(
        base, "GET", "/api/v1/staff/registrations/0190e6a0-0000-7000-8000-000000000000/revisions", cookie=cookie)))
    technician = process.staff_cookie("tekhnik")
    cases.append(("/api/v1/staff/registrations/{id}/revisions", "GET", *call(base, "GET", revisions,
                                                                             cookie=technician)))
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
    for expected in [200, 401, 403, 404]:
        assert ("/api/v1/staff/registrations/{id}/revisions", "GET", expected) in statuses
    for expected in [200, 401, 403]:
        assert ("/api/v1/registrations/{id}", "PUT", expected) in statuses
    for expected in [200, 401, 404]:
        assert ("/api/v1/staff/kiosk-proofs", "POST", expected) in statuses


def test_queue_answers_match_the_document(kiosk):
    base = kiosk().base
    cases = [("/api/v1/services", "GET", *call(base, "GET", "/api/v1/services"))]
    status, ticket = call(base, "POST", "/api/v1/tickets", {"serviceCode": "А", "priority": "elderly"})
    cases.append(("/api/v1/tickets", "POST", status, ticket))
    cases.append(("/api/v1/tickets", "POST", *call(base, "POST", "/api/v1/tickets", {"serviceCode": "Б"})))
    cases.append(("/api/v1/tickets", "POST", *call(base, "POST", "/api/v1/tickets", {"service": "А"})))
    cases.append(("/api/v1/tickets/{id}", "GET", *call(base, "GET", f"/api/v1/tickets/{ticket['id']}")))
    cases.append(("/api/v1/staff/sessions", "POST", *call(
        base, "POST", "/api/v1/staff/sessions", {"username": "ajiltan1", "pin": "0000", "counter": 1})))
    cases.append(("/api/v1/counters/{counter}/call-next", "POST", *call(base, "POST", "/api/v1/counters/1/call-next")))
    request = urllib.request.Request(
        base + "/api/v1/staff/sessions", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"username": "ajiltan1", "pin": "2468", "counter": 1}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        cases.append(("/api/v1/staff/sessions", "POST", response.status, json.loads(response.read())))
        cookie = response.headers["Set-Cookie"].split(";")[0]

    def staff(method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Cookie": cookie, "Origin": base})
        try:
            with urllib.request.urlopen(req, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    cases.append(("/api/v1/staff/session", "GET", *staff("GET", "/api/v1/staff/session")))
    cases.append(("/api/v1/counters/{counter}/call-next", "POST", *staff("POST", "/api/v1/counters/2/call-next")))
    cases.append(("/api/v1/counters/{counter}/call-next", "POST", *staff("POST", "/api/v1/counters/1/call-next")))
    cases.append(("/api/v1/counters/{counter}/call-next", "POST", *staff("POST", "/api/v1/counters/1/call-next")))
    path = f"/api/v1/tickets/{ticket['id']}"
    cases.append(("/api/v1/tickets/{id}/{action}", "POST", *staff("POST", path + "/park")))
    cases.append(("/api/v1/tickets/{id}/{action}", "POST", *staff("POST", path + "/start")))
    cases.append(("/api/v1/tickets/{id}/{action}", "POST", *staff("POST", path + "/finish", {"outcome": "nope"})))
    # Ratings: refused without the ticket's code, and while it is being served; given once the
    # service is finished.
    code = ticket["ratingCode"]
    cases.append(("/api/v1/tickets/{id}/feedback", "POST", *call(base, "POST", path + "/feedback", {"rating": 5})))
    cases.append(("/api/v1/tickets/{id}/feedback", "POST", *call(base, "POST", path + "/feedback",
                                                                 {"rating": 5, "code": code})))
    cases.append(("/api/v1/tickets/{id}/feedback", "POST", *call(base, "POST", path + "/feedback",
                                                                 {"rating": 0, "code": code})))
    cases.append(("/api/v1/tickets/{id}/feedback", "GET", *call(base, "GET", path + "/feedback")))
    for action in ("resume", "start"):
        cases.append(("/api/v1/tickets/{id}/{action}", "POST", *staff("POST", path + "/" + action)))
    finished = staff("POST", path + "/finish", {"outcome": "counselled"})
    assert finished[0] == 200, finished
    cases.append(("/api/v1/tickets/{id}/{action}", "POST", *finished))
    cases.append(("/api/v1/feedback/ticket", "POST", *call(base, "POST", "/api/v1/feedback/ticket",
                                                           {"number": ticket["number"], "code": code})))
    cases.append(("/api/v1/feedback/ticket", "POST", *call(base, "POST", "/api/v1/feedback/ticket",
                                                           {"number": ticket["number"], "code": "AAAA-AAAA"})))
    cases.append(("/api/v1/tickets/{id}/feedback", "POST", *call(base, "POST", path + "/feedback",
                                                                 {"rating": 4, "comment": "Сайн", "code": code})))
    cases.append(("/api/v1/tickets/{id}/feedback", "GET", *call(base, "GET", path + "/feedback")))
    cases.append(("/api/v1/queue", "GET", *staff("GET", "/api/v1/queue")))
    # Grievances: filed, refused, tracked, triaged.
    status, grievance = call(base, "POST", "/api/v1/grievances",
                             {"category": "serviceQuality", "text": "Удаан", "contactName": "Бат",
                              "contactPhone": "99112233"})
    cases.append(("/api/v1/grievances", "POST", status, grievance))
    cases.append(("/api/v1/grievances", "POST", *call(base, "POST", "/api/v1/grievances", {"category": "x"})))
    cases.append(("/api/v1/grievances", "POST", *call(base, "POST", "/api/v1/grievances", {"kind": "x"})))
    code = grievance["trackingCode"]
    cases.append(("/api/v1/grievances/{code}", "GET", *call(base, "GET", f"/api/v1/grievances/{code}")))
    cases.append(("/api/v1/grievances/{code}", "GET", *call(base, "GET", "/api/v1/grievances/GR-AAAA-AAAA")))
    cases.append(("/api/v1/staff/grievances", "GET", *staff("GET", "/api/v1/staff/grievances")))
    cases.append(("/api/v1/staff/grievances", "GET", *call(base, "GET", "/api/v1/staff/grievances")))
    cases.append(("/api/v1/staff/grievances/{code}", "GET", *staff("GET", f"/api/v1/staff/grievances/{code}")))
    cases.append(("/api/v1/staff/grievances/{code}", "GET", *staff("GET", "/api/v1/staff/grievances/GR-AAAA-AAAA")))
    steps = f"/api/v1/staff/grievances/{code}/steps"
    cases.append(("/api/v1/staff/grievances/{code}/steps", "POST", *staff("POST", steps, {"action": "acknowledge"})))
    cases.append(("/api/v1/staff/grievances/{code}/steps", "POST", *staff("POST", steps, {"action": "acknowledge"})))
    cases.append(("/api/v1/staff/grievances/{code}/steps", "POST", *staff("POST", steps, {"action": "assign"})))
    cases.append(("/api/v1/staff/grievances/{code}/steps", "POST", *staff("POST", steps, {"action": "x", "y": 1})))
    cases.append(("/api/v1/sync", "POST", *staff("POST", "/api/v1/sync")))
    cases.append(("/api/v1/sync", "POST", *call(base, "POST", "/api/v1/sync")))
    cases.append(("/api/v1/vacancies", "GET", *call(base, "GET", "/api/v1/vacancies?q=%D0%B6%D0%BE%D0%BB%D0%BE%D0%BE%D1%87")))
    cases.append(("/api/v1/vacancies", "GET", *call(base, "GET", "/api/v1/vacancies?pageSize=500")))
    cases.append(("/api/v1/vacancies/{reference}", "GET", *call(base, "GET", "/api/v1/vacancies/V-0")))
    cases.append(("/api/v1/vacancies/print", "POST", *call(base, "POST", "/api/v1/vacancies/print",
                                                          {"printer": "a4", "search": "q=жолооч"})))
    cases.append(("/api/v1/vacancies/print", "POST", *call(base, "POST", "/api/v1/vacancies/print",
                                                          {"printer": "fax"})))
    _, session = call(base, "POST", "/api/v1/kiosk/sessions")
    _, person = call(base, "POST", "/api/v1/registrations", registration_form(registry_number(4242)),
                     headers={"X-Kiosk-Session": session["session"]})
    proof = {"X-Kiosk-Proof": person["proof"]["token"]}
    cases.append(("/api/v1/registrations/{id}/matches", "GET",
                  *call(base, "GET", f"/api/v1/registrations/{person['id']}/matches", headers=proof)))
    cases.append(("/api/v1/registrations/{id}/matches", "GET",
                  *call(base, "GET", f"/api/v1/registrations/{person['id']}/matches")))
    cases.append(("/api/v1/registrations/{id}/matches", "GET",
                  *call(base, "GET", "/api/v1/registrations/01930000-0000-7000-8000-000000000000/matches")))
    cases.append(("/api/v1/staff/matches", "GET", *call(base, "GET", "/api/v1/staff/matches?registryNumber=x")))
    cases.append(("/api/v1/staff/matches", "GET", *staff("GET", f"/api/v1/staff/matches?registrationId={person['id']}")))
    cases.append(("/api/v1/referrals", "POST", *staff("POST", "/api/v1/referrals",
                                                      {"registrationId": person["id"], "vacancyReference": "V-0"})))
    cases.append(("/api/v1/display/voices", "GET", *call(base, "GET", "/api/v1/display/voices")))
    cases.append(("/api/v1/speech/plan", "POST",
                  *call(base, "POST", "/api/v1/speech/plan", {"language": "mn", "texts": ["А-012"]})))
    cases.append(("/api/v1/speech/plan", "POST",
                  *call(base, "POST", "/api/v1/speech/plan", {"language": "mn", "texts": ["x"] * 41})))
    cases.append(("/api/v1/speech/clips/{language}/{key}", "GET",
                  *call(base, "GET", "/api/v1/speech/clips/mn/no.such.phrase")))
    # Lifting a lock is the head's; a cookie change from another site is refused.
    cases.append(("/api/v1/staff/accounts/{username}/unlock", "POST",
                  *staff("POST", "/api/v1/staff/accounts/ajiltan2/unlock")))
    evil = urllib.request.Request(base + "/api/v1/counters/1/call-next", method="POST",
                                  headers={"Cookie": cookie, "Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(evil, timeout=10)
    cases.append(("/api/v1/counters/{counter}/call-next", "POST", refused.value.code,
                  json.loads(refused.value.read())))
    assert cases[-1][3]["error"]["code"] == "staff.crossOrigin" and cases[-2][3]["error"]["code"] == "staff.role"
    statuses = set()
    for template, method, status, body in cases:
        check(template, method, status, body)
        statuses.add((template, status))
    for expected in [("/api/v1/counters/{counter}/call-next", code) for code in (200, 401, 403, 404)] + [
            ("/api/v1/tickets/{id}/{action}", code) for code in (200, 409, 422)] + [
            ("/api/v1/tickets/{id}/feedback", code) for code in (200, 201, 403, 404, 409, 422)] + [
            ("/api/v1/feedback/ticket", 200), ("/api/v1/feedback/ticket", 404)] + [
            ("/api/v1/grievances", 201), ("/api/v1/grievances", 422), ("/api/v1/grievances", 400),
            ("/api/v1/grievances/{code}", 200), ("/api/v1/grievances/{code}", 404),
            ("/api/v1/staff/grievances", 200), ("/api/v1/staff/grievances", 401),
            ("/api/v1/staff/grievances/{code}", 200), ("/api/v1/staff/grievances/{code}", 404)] + [
            ("/api/v1/staff/grievances/{code}/steps", code) for code in (200, 400, 409, 422)]:
        assert expected in statuses, expected


def test_printing_answers_match_the_document(printing_kiosk, print_lab):
    process = printing_kiosk()
    base = process.base
    cookie = process.staff_cookie()
    cases = []
    status, ticket = call(base, "POST", "/api/v1/tickets", {"serviceCode": "А", "print": True})
    assert ticket["print"]["status"] == "sent"
    cases.append(("/api/v1/tickets", "POST", status, ticket))
    print_lab.set_fault("paper-out")
    try:
        status, refused = call(base, "POST", "/api/v1/tickets", {"serviceCode": "А", "print": True})
        assert refused["print"]["faults"][0]["code"] == "paper-out"
        cases.append(("/api/v1/tickets", "POST", status, refused))
        cases.append(("/api/v1/tickets/{id}/print", "POST", *call(base, "POST", f"/api/v1/tickets/{ticket['id']}/print",
                                                                  {"ratingCode": ticket["ratingCode"]})))
    finally:
        print_lab.clear_fault("paper-out")
    cases.append(("/api/v1/tickets/{id}/print", "POST", *call(base, "POST", f"/api/v1/tickets/{ticket['id']}/print")))
    cases.append(("/api/v1/tickets/{id}/print", "POST", *call(base, "POST", "/api/v1/tickets/nope/print")))
    status, saved = call(base, "POST", "/api/v1/registrations", registration_form(registry_number(7)))
    cases.append(("/api/v1/registrations/{id}/receipt", "POST",
                  *call(base, "POST", f"/api/v1/registrations/{saved['id']}/receipt", cookie=cookie)))
    cases.append(("/api/v1/registrations/{id}/receipt", "POST",
                  *call(base, "POST", f"/api/v1/registrations/{saved['id']}/receipt")))
    cases.append(("/api/v1/registrations/{id}/receipt", "POST",
                  *call(base, "POST", "/api/v1/registrations/01936f1e-0000-7000-8000-000000000000/receipt",
                        cookie=cookie)))
    cases.append(("/api/v1/printers", "GET", *call(base, "GET", "/api/v1/printers")))
    request = urllib.request.Request(base + "/api/v1/printers", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        printers = json.loads(response.read())
        cases.append(("/api/v1/printers", "GET", response.status, printers))
    assert [p["queue"] for p in printers["printers"]] == ["Thermal", "A4"]
    request = urllib.request.Request(base + "/api/v1/queue", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        cases.append(("/api/v1/queue", "GET", response.status, json.loads(response.read())))
    statuses = set()
    for template, method, status, body in cases:
        check(template, method, status, body)
        statuses.add((template, status))
    assert {("/api/v1/tickets/{id}/print", 200), ("/api/v1/tickets/{id}/print", 400),
            ("/api/v1/registrations/{id}/receipt", 404), ("/api/v1/printers", 401)} <= statuses


def test_fingerprint_answers_match_the_document(kiosk):
    base = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual"}).base
    check("/api/v1/fingerprint/status", "GET", *call(base, "GET", "/api/v1/fingerprint/status"))
    check("/api/v1/fingerprint/capture", "POST", *call(base, "POST", "/api/v1/fingerprint/capture"))
    status, started = call(base, "POST", "/api/v1/fingerprint/enrolments")
    check("/api/v1/fingerprint/enrolments", "POST", status, started)
    capture = f"/api/v1/fingerprint/enrolments/{started['id']}/capture"
    check("/api/v1/fingerprint/enrolments/{id}/capture", "POST", *call(base, "POST", capture, {"finger": "rightIndex"}))
    check("/api/v1/fingerprint/enrolments/{id}/capture", "POST", *call(base, "POST", capture, {"finger": "nose"}))
    check("/api/v1/fingerprint/enrolments/{id}/capture", "POST", *call(base, "POST", capture, {"finger": 1}))
    check("/api/v1/fingerprint/identify", "POST", *call(base, "POST", "/api/v1/fingerprint/identify"))
    _, session = call(base, "POST", "/api/v1/kiosk/sessions")
    on_screen = {"X-Kiosk-Session": session["session"]}
    check("/api/v1/fingerprint/identify", "POST", *call(base, "POST", "/api/v1/fingerprint/identify",
                                                        headers=on_screen))
    unknown = {"registryNumber": "ЧЕ05231414"}
    check("/api/v1/fingerprint/verify", "POST", *call(base, "POST", "/api/v1/fingerprint/verify", unknown,
                                                      headers=on_screen))
    check("/api/v1/fingerprint/verify", "POST", *call(base, "POST", "/api/v1/fingerprint/verify",
                                                      {"registrationId": "x"}, headers=on_screen))
    check("/api/v1/fingerprint/verify", "POST", *call(base, "POST", "/api/v1/fingerprint/verify",
                                                      {"registryNumber": "x"}, headers=on_screen))
    staff = "/api/v1/staff/registrations/0190e6a0-0000-7000-8000-000000000000/fingerprints"
    check("/api/v1/staff/registrations/{id}/fingerprints", "GET", *call(base, "GET", staff))
    check("/api/v1/staff/registrations/{id}/fingerprints", "DELETE", *call(base, "DELETE", staff))


def read_events(base: str, path: str, wanted: int, timeout: float = 5.0) -> list[tuple[str, dict]]:
    """The first `wanted` events (name, data) of an event stream, read with a raw socket."""
    import socket
    import time
    from urllib.parse import urlsplit

    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: kiosk\r\nAccept: text/event-stream\r\n\r\n".encode())
    raw = b""
    events: list[tuple[str, dict]] = []
    deadline = time.monotonic() + timeout
    while len(events) < wanted and time.monotonic() < deadline:
        raw += sock.recv(65536)
        events = []
        for block in raw.decode("utf-8", "replace").split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
            if "event" in lines and "data" in lines:
                events.append((lines["event"], json.loads(lines["data"])))
    sock.close()
    assert raw.startswith(b"HTTP/1.1 200") and b"text/event-stream" in raw.split(b"\r\n\r\n")[0]
    return events


def event_schemas(template: str) -> dict:
    content = SPEC["paths"][template]["get"]["responses"]["200"]["content"]["text/event-stream"]
    return {name: resolve(schema) for name, schema in content["x-event-data"].items()}


def test_event_streams_idempotency_ticket_ids_and_lockout_match_the_document(kiosk):
    process = kiosk()
    base = process.base
    # Event streams: each event's data is what the document says for its name.
    status, ticket = call(base, "POST", "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201
    cookie = process.staff_cookie()
    assert call(base, "POST", "/api/v1/counters/1/call-next", cookie=cookie)[0] == 200
    schemas = event_schemas("/api/v1/display/events")
    events = read_events(base, "/api/v1/display/events", 2)
    assert {name for name, _ in events} == {"call", "waiting"}
    for name, data in events:
        jsonschema.Draft202012Validator(schemas[name]).validate(data)
    schemas = event_schemas("/api/v1/fingerprint/events")
    events = read_events(base, "/api/v1/fingerprint/events", 1)
    assert events and events[0][0] == "status"
    jsonschema.Draft202012Validator(schemas["status"]).validate(events[0][1])

    # A malformed ticket id where a ticket action is asked: 400, the message naming the ticket.
    status, body = call(base, "POST", "/api/v1/tickets/not-a-ticket/finish", {"outcome": "other"}, cookie=cookie)
    check("/api/v1/tickets/{id}/{action}", "POST", status, body)
    assert status == 400 and body["error"]["field"] == "id"
    assert "ticket" in body["error"]["message"]["en"] and "тасалбар" in body["error"]["message"]["mn"]

    # Idempotency-Key: the replay is the first answer; a key that is no UUID is a documented 400.
    request = urllib.request.Request(
        base + "/api/v1/tickets", method="POST", data=json.dumps({"serviceCode": "Д"}).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": "4f6c1c52-5d2e-4b8e-9a37-0c1d2e3f4a5b"})
    answers = []
    for _ in range(2):
        with urllib.request.urlopen(request, timeout=10) as response:
            answers.append((response.status, json.loads(response.read()), response.headers.get("Idempotent-Replayed")))
    for status, body, _ in answers:
        check("/api/v1/tickets", "POST", status, body)
    assert answers[0][1] == answers[1][1] and answers[1][2] == "true"
    bad = urllib.request.Request(request.full_url, method="POST", data=request.data,
                                 headers={"Content-Type": "application/json", "Idempotency-Key": "twice"})
    try:
        urllib.request.urlopen(bad, timeout=10)
        raise AssertionError("a key that is no UUID was accepted")
    except urllib.error.HTTPError as error:
        body = json.loads(error.read())
        check("/api/v1/tickets", "POST", error.code, body)
        assert error.code == 400 and body["error"]["code"] == "invalidIdempotencyKey"
    assert "IdempotencyKey" in json.dumps(SPEC["paths"]["/api/v1/registrations"]["post"]["parameters"])
    assert "IdempotencyKey" in json.dumps(SPEC["paths"]["/api/v1/grievances"]["post"]["parameters"])

    # Five wrong PINs: the documented 429 with Retry-After.
    statuses = [call(base, "POST", "/api/v1/staff/sessions", {"username": "ajiltan2", "pin": "1357", "counter": 2})
                for _ in range(6)]
    check("/api/v1/staff/sessions", "POST", *statuses[-1])
    assert statuses[-1][0] == 429

    # /healthz says whether the database is writable.
    check("/healthz", "GET", *call(base, "GET", "/healthz"))
    assert call(base, "GET", "/healthz")[1]["database"] == "writable"
