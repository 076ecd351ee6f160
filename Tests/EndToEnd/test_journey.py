"""The registration journey on the touchscreen, in a real Chromium, tapping the on-screen keyboard."""
import re
import sqlite3

import pytest

from conftest import registration_form

LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}


def tap(page, text: str):
    """Types by tapping on-screen keys, as a visitor does (space and hyphen have their own keys)."""
    for character in text:
        page.click(f'.key[data-key="{character}"]')


def next_step(page):
    page.click("#next")


def shot(page, artifacts, name: str):
    page.screenshot(path=str(artifacts / f"{name}.png"))


def open_journey(browser, kiosk_process, language="mn", viewport=LANDSCAPE, clock=False, register_only=True):
    context = browser.new_context(viewport=viewport, has_touch=True, locale="mn-MN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Script errors fail a test; a 4xx answer the screen handles (shown as a field error) does not.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    if clock:
        page.clock.install()
    page.goto(kiosk_process.base + "/kiosk")
    # The browser's own start page is the only entry before ours; the journey must add none.
    page.history_baseline = page.evaluate("history.length")
    page.click(f'[data-lang="{language}"]')
    page.wait_for_url(f"**/kiosk/{language}/register")
    page.wait_for_selector('.step.active[data-step="service"]')
    if register_only:
        page.click("#only-register")
        page.wait_for_selector('.step.active[data-step="registryNumber"]')
    return context, page, errors


def active_step(page) -> str:
    return page.get_attribute(".step.active", "data-step")


def wait_step(page, name: str):
    page.wait_for_selector(f'.step.active[data-step="{name}"]')


def choose(page, field: str, value: str):
    page.click(f'[data-choice="{field}"] .option[data-value="{value}"]')


def prove_by_staff(page, process, number: str):
    """A returning visitor without fingers: the screen asks for an officer and shows its code; an
    officer who has seen the ID card releases the details to that screen (here through the API,
    `test_identity.py` does it on the console)."""
    wait_step(page, "prove")
    assert page.is_visible("#prove-staff-only")
    code = page.inner_text("#prove-code").replace(" ", "")
    assert re.fullmatch(r"\d{6}", code), code
    process.release(code, number)
    wait_step(page, "known")


def fill_new_registration(page, number: str, family: str, given: str):
    """Walks a new person's registration by touch from the registry number to the consent step,
    with the shortest valid answers."""
    tap(page, number)
    next_step(page)
    wait_step(page, "names")
    tap(page, family)
    page.click("#givenName")
    tap(page, given)
    next_step(page)
    wait_step(page, "phone")
    tap(page, "88112233")
    next_step(page)
    wait_step(page, "address")
    choose(page, "aimagCode", "UB-SB")
    page.wait_for_selector('#soum-options .option[data-value="UB-SB-05"]')
    choose(page, "soumCode", "UB-SB-05")  # a choice that is the whole question moves on by itself
    wait_step(page, "education")
    choose(page, "educationCode", "vocational")
    for step in ["occupation", "skills", "experience"]:
        wait_step(page, step)
        next_step(page)
    wait_step(page, "desiredJob")
    tap(page, "ЖОЛ")
    page.wait_for_selector('[data-choice="desiredOccupationCode"] .option[data-value="83"]')
    choose(page, "desiredOccupationCode", "83")
    wait_step(page, "disability")
    choose(page, "hasDisability", "false")
    wait_step(page, "status")
    choose(page, "status", "unemployed")
    wait_step(page, "consent")


def test_mongolian_registration_by_touch(browser, kiosk, artifacts):
    process = kiosk()
    context, page, errors = open_journey(browser, process)
    shot(page, artifacts, "01-registry-number")

    # A mistyped number gets a specific message, in Mongolian, on the same screen.
    tap(page, "ҮӨ88133157")
    next_step(page)
    page.wait_for_selector('[data-error-for="registryNumber"]:has-text("төрсөн огноо")')
    shot(page, artifacts, "02-registry-number-error")
    page.click('.key[data-action="clear"]')
    tap(page, "ҮӨ88123157")
    next_step(page)

    wait_step(page, "names")
    tap(page, "ӨЛЗИЙ")
    page.click("#givenName")
    tap(page, "СҮХ-БАТ")
    assert page.input_value("#familyName") == "Өлзий"
    assert page.input_value("#givenName") == "Сүх-Бат"
    shot(page, artifacts, "03-names")
    next_step(page)

    wait_step(page, "phone")
    tap(page, "70112233")
    next_step(page)
    page.wait_for_selector('[data-error-for="phone"]:has-text("Гар утасны дугаар биш")')
    page.click('.key[data-action="clear"]')
    tap(page, "88112233")
    shot(page, artifacts, "04-phone")
    next_step(page)

    wait_step(page, "address")
    choose(page, "aimagCode", "UB-SB")
    page.wait_for_selector('#soum-options .option[data-value="UB-SB-05"]')
    shot(page, artifacts, "05-address")
    choose(page, "soumCode", "UB-SB-05")

    wait_step(page, "education")
    choose(page, "educationCode", "vocational")

    wait_step(page, "occupation")
    tap(page, "ЖОЛ")
    page.wait_for_selector('[data-choice="occupationCode"] .option[data-value="83"]')
    shot(page, artifacts, "06-occupation")
    choose(page, "occupationCode", "83")

    wait_step(page, "skills")
    tap(page, "ГАГНУУР")
    page.click("#skill-add")
    assert page.locator("#skill-list .chip").count() == 1
    tap(page, "ЖОЛОО БАРИХ")  # typed and not added: kept all the same
    page.click('.licence-option[data-licence="driving-c"]')  # a driving licence, category C
    assert page.get_attribute('.licence-option[data-licence="driving-c"]', "aria-pressed") == "true"
    shot(page, artifacts, "07-skills")
    next_step(page)

    wait_step(page, "experience")
    for _ in range(6):
        page.click("#experience-plus")
    next_step(page)

    wait_step(page, "desiredJob")
    tap(page, "ЖОЛ")
    page.wait_for_selector('[data-choice="desiredOccupationCode"] .option[data-value="83"]')
    choose(page, "desiredOccupationCode", "83")

    wait_step(page, "disability")
    next_step(page)  # nothing chosen yet
    page.wait_for_selector('[data-error-for="hasDisability"]:not(:empty)')
    choose(page, "hasDisability", "false")

    wait_step(page, "status")
    choose(page, "status", "unemployed")

    wait_step(page, "consent")
    # Agreeing is the only way on: no "Next" that passes it by.
    assert page.is_hidden("#next")
    shot(page, artifacts, "08-consent")
    page.click("#consent")

    wait_step(page, "review")
    review = page.inner_text("#review")
    for expected in ["ҮӨ88123157", "1988-12-31", "Эрэгтэй", "Өлзий Сүх-Бат", "88112233", "5-р хороо", "Гагнуур",
                     "Жолооны үнэмлэх C ангилал"]:
        assert expected in review
    shot(page, artifacts, "09-review")
    next_step(page)

    wait_step(page, "done")
    reference = page.inner_text("#done-reference")
    assert re.fullmatch(r"UB-SB-\d{6}", reference)
    shot(page, artifacts, "10-done")

    # The stored record is what was tapped in, with its outbox record.
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        row = db.execute(
            "SELECT family_name, given_name, phone, soum_code, education_code, occupation_code, experience_years, "
            "sex, birth_date, reference, id, licences FROM registration WHERE registry_number = ?",
            ("ҮӨ88123157",)).fetchone()
        assert row[:10] == ("Өлзий", "Сүх-Бат", "88112233", "UB-SB-05", "vocational", "83", 6, "male",
                            "1988-12-31", reference)
        assert row[11] == "driving-c"
        skills = [r[0] for r in db.execute(
            "SELECT skill FROM registration_skill WHERE registration_id = ? ORDER BY position", (row[10],))]
        assert skills == ["Гагнуур", "Жолоо барих"]
        assert db.execute("SELECT record_type, seq FROM outbox").fetchall() == [("registration.created", 1)]

    # Finish leaves nothing personal: not on screen, not in the DOM, storage or history.
    page.click("#done-finish")
    page.wait_for_url("**/kiosk")
    shot(page, artifacts, "11-after-finish")
    html = page.content()
    for secret in ["ҮӨ88123157", "Өлзий", "88112233", reference]:
        assert secret not in html
    assert page.evaluate("history.length") == page.history_baseline
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert context.cookies() == []
    page.go_back()
    assert page.url == "about:blank"  # back leads out of the kiosk, never to a visitor's screen
    assert errors == []
    context.close()


def test_returning_person_updates_instead_of_duplicating(browser, kiosk, artifacts):
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    context, page, errors = open_journey(browser, process)
    tap(page, "УБ90051223")
    next_step(page)
    # Nothing about the person shows before they prove who they are.
    wait_step(page, "prove")
    assert "Сарангэрэл" not in page.content() and "2233" not in page.content()
    shot(page, artifacts, "00-prove")
    prove_by_staff(page, process, "УБ90051223")
    assert page.inner_text("#known-name") == "Б. Сарангэрэл"
    assert page.inner_text("#known-phone") == "•••• 2233"
    assert "99112233" not in page.content()
    shot(page, artifacts, "01-known")
    update_from_known(page, given_name="Сарангэрэл")
    wait_step(page, "done")
    assert page.inner_text("#done-reference") == created["reference"]
    shot(page, artifacts, "02-updated")

    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT COUNT(*), MAX(revision), MAX(experience_years), MAX(phone) FROM registration"
                          ).fetchone() == (1, 2, 7, "99112233")
        assert [r[0] for r in db.execute("SELECT record_type FROM outbox ORDER BY seq")] == [
            "registration.created", "registration.updated"]
    assert errors == []
    context.close()


def test_idle_countdown_then_reset(browser, kiosk, artifacts):
    process = kiosk()
    context, page, errors = open_journey(browser, process, clock=True)
    tap(page, "УБ9005")
    page.clock.run_for(59_000)
    assert page.is_hidden("#idle-overlay")
    page.clock.run_for(2_000)
    assert page.is_visible("#idle-overlay")
    assert int(page.inner_text("#idle-count")) >= 19  # at least 20 s to answer
    shot(page, artifacts, "01-countdown")

    page.click("#idle-more")  # "I need more time" keeps everything
    assert page.is_hidden("#idle-overlay")
    assert page.input_value("#registryNumber") == "УБ9005"

    page.clock.run_for(61_000)
    assert page.is_visible("#idle-overlay")
    page.clock.run_for(21_000)
    page.wait_for_url("**/kiosk")
    assert "УБ9005" not in page.content()
    assert page.evaluate("history.length") == page.history_baseline
    assert errors == []
    context.close()


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_touch_targets_and_layout(browser, kiosk, artifacts, viewport):
    process = kiosk()
    context, page, errors = open_journey(browser, process, language="en", viewport=viewport)
    shot(page, artifacts, "01-registry-number")
    for large in [False, True]:
        if large:
            page.click("#toggle-text")
            page.click("#toggle-contrast")
            shot(page, artifacts, "02-large-contrast")
        sizes = page.eval_on_selector_all(
            "button", "els => els.filter(e => e.offsetParent !== null).map(e => "
                      "{const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]})")
        small = [s for s in sizes if s[1] < 48 or s[2] < 48]
        assert not small, f"touch targets under 48 px: {small[:5]}"
        # Everything needed to move on is on screen without scrolling.
        for selector in ["#next", "#finish", '.key[data-key="Ө"]', '.key[data-key="Ү"]']:
            box = page.locator(selector).bounding_box()
            assert box and box["y"] + box["height"] <= viewport["height"], selector
    assert "Enter your registry number" in page.inner_text(".step.active h1")
    assert errors == []
    context.close()


def test_a_ticket_straight_away_with_priority(browser, kiosk, artifacts):
    process = kiosk()
    context, page, errors = open_journey(browser, process, register_only=False)
    shot(page, artifacts, "01-services")
    page.click('.priority-option[data-priority="elderly"]')
    page.click('.service-option[data-service="Д"]')
    wait_step(page, "ticket")
    assert page.inner_text("#ticket-number") == "Д-001"
    assert "Ахмад настан" in page.inner_text("#ticket-priority")
    assert page.inner_text("#ticket-ahead") == "0"
    # No service has finished yet and no counter is open: no invented estimate.
    assert "тооцох мэдээлэл" in page.inner_text("#ticket-wait")
    shot(page, artifacts, "02-ticket")
    page.click("#ticket-finish")
    page.wait_for_url("**/kiosk")
    assert "Д-001" not in page.content()
    assert errors == []
    context.close()


def test_registered_service_ticket_for_a_returning_person(browser, kiosk, artifacts):
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    context, page, errors = open_journey(browser, process, register_only=False)
    page.click('.service-option[data-service="Б"]')
    wait_step(page, "registryNumber")
    tap(page, "УБ90051223")
    next_step(page)
    # Without proof the visitor still takes their ticket; nothing about them is shown.
    wait_step(page, "prove")
    page.click("#prove-ticket")
    wait_step(page, "ticket")
    assert page.inner_text("#ticket-number") == "Б-001"
    assert page.is_hidden("#ticket-registration") and created["reference"] not in page.content()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", page.inner_text("#ticket-rating-code"))
    shot(page, artifacts, "01-ticket")
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT registration_id FROM ticket").fetchone()[0] == created["id"]
    assert errors == []
    context.close()


def update_from_known(page, given_name=None):
    """A returning visitor opens their details and confirms them all, one more year of experience
    (the phone left empty keeps the stored number); `given_name`: the name the form must show."""
    page.click("#known-update")
    wait_step(page, "names")
    if given_name is not None:
        assert page.input_value("#givenName") == given_name
    next_step(page)
    wait_step(page, "phone")
    next_step(page)
    for step in ["address", "education", "occupation", "skills"]:
        wait_step(page, step)
        next_step(page)
    wait_step(page, "experience")
    page.click("#experience-plus")
    next_step(page)
    for step in ["desiredJob", "disability", "status"]:
        wait_step(page, step)
        next_step(page)
    wait_step(page, "consent")
    page.click("#consent")
    wait_step(page, "review")
    next_step(page)


def test_a_returning_visitor_with_a_ticket_updates_their_details(browser, kiosk, artifacts):
    """The defect of issue 19: after a ticket for a service that needs registration (В), an update
    answered 500 with an empty body and the screen said "connection lost"."""
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    status, _ = process.request("POST", "/api/v1/tickets", {"serviceCode": "В", "registrationId": created["id"]})
    assert status == 201
    context, page, errors = open_journey(browser, process)
    tap(page, "УБ90051223")
    next_step(page)
    prove_by_staff(page, process, "УБ90051223")
    update_from_known(page)
    wait_step(page, "done")
    assert page.inner_text("#done-reference") == created["reference"]
    shot(page, artifacts, "01-updated")
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT id, revision, experience_years FROM registration").fetchall() == [
            (created["id"], 2, 7)]
        assert db.execute("SELECT registration_id FROM ticket").fetchall() == [(created["id"],)]
        assert db.execute("SELECT revision, channel, changed_fields FROM registration_revision ORDER BY revision"
                          ).fetchall()[1:] == [(2, "kiosk", "experienceYears")]
    assert errors == []
    context.close()


def test_a_failing_store_shows_a_reference_for_staff_and_logs_it(browser, kiosk, artifacts):
    """A store that refuses the write (here a trigger, as a damaged disk would) is answered with a
    reference on screen, in the visitor's language, and the same reference in the service's log,
    never "connection lost" and never the person's data in the log."""
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        db.execute("CREATE TRIGGER refuse BEFORE UPDATE ON registration BEGIN SELECT RAISE(ABORT, 'disk'); END")
    context, page, errors = open_journey(browser, process)
    tap(page, "УБ90051223")
    next_step(page)
    prove_by_staff(page, process, "УБ90051223")
    update_from_known(page)
    page.locator("#submit-error", has_text=re.compile(r"[0-9A-F]{8}")).wait_for()
    shown = page.inner_text("#submit-error")
    box = page.locator("#submit-error").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= LANDSCAPE["height"] - 80, box  # above the bar
    shot(page, artifacts, "01-refused")
    match = re.search(r"\b([0-9A-F]{8})\b", shown)
    assert match, shown
    assert "ажилтанд" in shown
    assert active_step(page) == "review"
    log = process.log.read_text()
    assert match.group(1) in log
    assert "request failed" in log and "PUT" in log and "/api/v1/registrations/{id}" in log
    for secret in ["УБ90051223", "Сарангэрэл", "99112233"]:
        assert secret not in log
    # Nothing was half written: the registration is as it was, with no second revision.
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT revision FROM registration").fetchall() == [(1,)]
        assert db.execute("SELECT COUNT(*) FROM registration_revision").fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone() == (1,)
    # The screen reported a 500 to the console; that is the failure under test, not a script error.
    assert [e for e in errors if "500" not in e] == []
    context.close()


def test_staff_see_a_persons_revisions_on_the_console(browser, kiosk, artifacts):
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    status, _ = process.request("PUT", f"/api/v1/registrations/{created['id']}",
                                registration_form("УБ90051223", phone="88112233"),
                                headers=process.proof("УБ90051223"))
    assert status == 200
    status, _ = process.request("PUT", f"/api/v1/registrations/{created['id']}",
                                registration_form("УБ90051223", phone="88112233", experienceYears=9),
                                cookie=process.staff_cookie(counter=2))
    assert status == 200
    staff = browser.new_page(viewport={"width": 1280, "height": 800})
    staff.goto(process.base + "/staff")
    staff.fill("#username", "ajiltan1")
    staff.fill("#pin", "2468")
    staff.click("#sign-in-form button[type=submit]")
    staff.wait_for_selector("#console:not([hidden])")
    staff.fill("#matches-registry", "УБ90051223")
    staff.click("#matches-form button[type=submit]")
    staff.wait_for_selector("#revisions-box:not([hidden])")
    staff.click("#revisions-box summary")
    lines = staff.locator("#revisions-list li").all_inner_texts()
    assert len(lines) == 3, lines
    assert lines[0].startswith("3-р хувилбар") and "2-р цонх" in lines[0] and "ажилласан жил" in lines[0], lines
    assert lines[1].startswith("2-р хувилбар") and "киоскоор" in lines[1] and "утас" in lines[1], lines
    assert lines[2].startswith("1-р хувилбар") and "бүртгүүлсэн" in lines[2], lines
    staff.screenshot(path=str(artifacts / "console-revisions.png"))
    staff.close()
