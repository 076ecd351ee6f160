"""Issue 20: a person's details open only to that person or to staff, on the real service.

A returning visitor without fingers is kindly sent to an officer; the officer, having seen the ID
card, types the kiosk screen's code and the registry number on the console, and the details open
on that screen alone. Proof by finger is in `test_fingerprint.py`."""
import re

from conftest import registration_form, registry_number
from test_journey import next_step, open_journey, shot, tap, wait_step


def test_an_officer_confirms_a_visitor_for_the_kiosk_screen_on_the_console(browser, kiosk, artifacts):
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201

    context, page, errors = open_journey(browser, process, language="en")
    tap(page, "УБ90051223")
    next_step(page)
    wait_step(page, "prove")
    # No fingers here: the visitor is sent to an officer, kindly, with the screen's code.
    assert page.is_hidden("#prove-finger") and page.is_visible("#prove-staff-only")
    assert "show your ID card to an officer" in page.inner_text("#prove-staff-only")
    code = page.inner_text("#prove-code").replace(" ", "")
    assert re.fullmatch(r"\d{6}", code), code
    for secret in ["Сарангэрэл", "Болд", "2233", created["reference"], created["id"]]:
        assert secret not in page.content()
    shot(page, artifacts, "01-sent-to-an-officer")

    staff = browser.new_page(viewport={"width": 1280, "height": 900})
    staff.goto(process.base + "/staff?lang=en")
    staff.fill("#username", "ajiltan1")
    staff.fill("#pin", "2468")
    staff.click("#sign-in-form button[type=submit]")
    staff.wait_for_selector("#console:not([hidden])")
    # A wrong code is refused with the reason; nothing opens anywhere.
    staff.fill("#proof-code", "000000" if code != "000000" else "111111")
    staff.fill("#proof-registry", "УБ90051223")
    staff.check("#proof-seen")
    staff.click("#proof-form button[type=submit]")
    staff.wait_for_selector("#proof-error:has-text('No kiosk screen shows this code')")
    staff.fill("#proof-code", "")
    staff.fill("#proof-code", code)
    staff.click("#proof-form button[type=submit]")
    staff.wait_for_selector("#proof-done:has-text('Б. Сарангэрэл')")
    assert created["reference"] in staff.inner_text("#proof-done")
    staff.screenshot(path=str(artifacts / "02-console-confirms.png"))

    # The kiosk screen showing that code opens the person's details.
    wait_step(page, "known")
    assert page.inner_text("#known-name") == "Б. Сарангэрэл"
    assert page.inner_text("#known-reference") == created["reference"]
    shot(page, artifacts, "03-opened")
    page.click("#known-update")
    wait_step(page, "names")
    assert page.input_value("#givenName") == "Сарангэрэл"
    page.click("#finish")
    page.wait_for_url("**/kiosk")
    assert "Сарангэрэл" not in page.content()
    assert errors == []
    staff.close()
    context.close()


def test_the_attacks_of_the_issue_are_refused_by_the_service(kiosk):
    """What an outsider on the office network tried, against the real process."""
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    # Lookup: known, and how to prove it; nothing else.
    status, known = process.request("POST", "/api/v1/registrations/lookup", {"registryNumber": "УБ90051223"})
    assert status == 200 and known == {"status": "known", "proofs": ["staff"]}
    # Registering the number again: no id.
    status, conflict = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 409 and "existingId" not in conflict["error"] and conflict["error"]["proofs"] == ["staff"]
    # With the id all the same (learnt elsewhere): no change, no fingers, no matches.
    for method, path, body in [
            ("PUT", f"/api/v1/registrations/{created['id']}", registration_form("УБ90051223", phone="88000000")),
            ("PUT", f"/api/v1/registrations/{created['id']}?fingerprints=x", registration_form("УБ90051223")),
            ("GET", f"/api/v1/registrations/{created['id']}/matches", None),
            ("GET", f"/api/v1/registrations/{created['id']}", None)]:
        status, answer = process.request(method, path, body)
        assert status == 401 and answer["error"]["code"] == "proof.required", (method, path, answer)
    # Rating another visitor's ticket by its id or number: refused without its code.
    status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201 and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", ticket["ratingCode"])
    status, refused = process.request("POST", f"/api/v1/tickets/{ticket['id']}/feedback", {"rating": 1})
    assert status == 403 and refused["error"]["code"] == "feedback.wrongCode"
    # 3,000 lookups in 2.2 s: now a burst, then 429 with Retry-After.
    statuses = [process.request("POST", "/api/v1/registrations/lookup", {"registryNumber": "УБ90051223"})[0]
                for _ in range(15)]
    assert statuses.count(429) >= 5, statuses


def test_a_proof_outlives_a_restart_of_the_service(kiosk, tmp_path):
    """A visitor proved at the screen keeps their proof when `kiosk serve` restarts (an update,
    a crash) for its remaining minutes; "Finish" on the restarted service still ends it."""
    data = tmp_path / "data"
    process = kiosk(data_dir=data)
    status, session = process.request("POST", "/api/v1/kiosk/sessions")
    assert status == 201
    screen = {"X-Kiosk-Session": session["session"]}
    status, created = process.request("POST", "/api/v1/registrations", registration_form(registry_number(4711)),
                                      headers=screen)
    assert status == 201, created
    proof = {**screen, "X-Kiosk-Proof": created["proof"]["token"]}
    path = f"/api/v1/registrations/{created['id']}"
    assert process.request("GET", path, headers=proof)[0] == 200
    assert process.terminate() == 0

    again = kiosk(data_dir=data)
    status, person = again.request("GET", path, headers=proof)
    assert status == 200 and person["id"] == created["id"], person
    # The restarted service has the proof under its digest only: the token is nowhere in its files.
    token = created["proof"]["token"].encode()
    assert not any(token in file.read_bytes() for file in data.iterdir() if file.is_file())
    assert again.request("POST", "/api/v1/kiosk/sessions/finish", headers=screen)[0] == 204
    status, refused = again.request("GET", path, headers=proof)
    assert status == 401 and refused["error"]["code"] == "proof.invalid", refused
