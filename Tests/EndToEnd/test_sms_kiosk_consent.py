"""Issue 22: a visitor who takes a ticket types a mobile number on the kiosk's digit keys and agrees
to "your turn is near"; a registered person who proved who they are also chooses the other kinds
for the phone on file. The real gammu-smsd and its dummy phone carry the message."""
import sqlite3

import pytest

from conftest import registration_form
from screens import SIZES, check_screen, sized_page
from test_journey import tap
from test_sms import gammu, sms_kiosk  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(
    __import__("shutil").which("gammu-smsd") is None, reason="gammu-smsd is not installed")


def assert_above_the_keys(page):
    """The step's controls are not covered by the on-screen digit keys (fixed at the bottom)."""
    covered = page.evaluate("""() => {
        const keys = document.getElementById('keyboard').getBoundingClientRect().top;
        return Array.from(document.querySelectorAll('.step.active button, .step.active input'))
            .filter(el => el.getClientRects().length && el.getBoundingClientRect().bottom > keys + 1)
            .map(el => el.id || el.textContent.trim());
    }""")
    assert covered == [], covered


def take_ticket_on_screen(page, process, language: str, large: bool):
    page.goto(process.base + f"/kiosk/{language}/register" + ("?text=large" if large else ""))
    page.wait_for_selector('.step.active[data-step="service"]')
    page.click('.service-option[data-service="А"]')
    page.wait_for_selector('.step.active[data-step="ticket"]')
    return page.inner_text("#ticket-number")


def test_the_ticket_screen_takes_a_phone_and_consent_and_turn_near_reaches_it(browser, kiosk, gammu, artifacts):
    process = sms_kiosk(kiosk, gammu)
    officer = process.staff_cookie("ajiltan1")
    # Four people ahead, then the visitor at the screen.
    for _ in range(4):
        status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "А", "language": "mn"})
        assert status == 201, ticket
    with sized_page(browser, "1920x1080", has_touch=True) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        number = take_ticket_on_screen(page, process, "mn", large=False)
        assert page.is_visible("#ticket-texts")
        page.click("#ticket-texts")
        page.wait_for_selector('.step.active[data-step="texts"]')
        # Only "turn near" is offered to a visitor nobody knows, already chosen.
        assert page.is_visible('.texts-kind[data-kind="turn_near"]')
        assert page.get_attribute('.texts-kind[data-kind="turn_near"]', "aria-pressed") == "true"
        assert not page.is_visible('.texts-kind[data-kind="vacancy_digest"]')
        check_screen(page, artifacts / "sms-kiosk", "01-texts-step-mn")
        # A landline is refused with the reason, in the page's language.
        tap(page, "70112233")
        page.click("#texts-save")
        page.wait_for_selector("#texts-phone-error:has-text('гар утасны дугаар биш')")
        check_screen(page, artifacts / "sms-kiosk", "02-not-mobile-mn")
        page.fill("#texts-phone", "")
        tap(page, "99112233")
        page.click("#texts-save")
        page.wait_for_selector('.step.active[data-step="ticket"]')
        assert "•••• 2233" in page.inner_text("#ticket-texts-saved")
        assert errors == []
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert db.execute("SELECT phone FROM ticket_phone").fetchall() == [("99112233",)]
        assert db.execute("SELECT kind, source, withdrawn_at FROM sms_consent WHERE phone = '99112233'").fetchall() \
            == [("turn_near", "kiosk", None)]
    status, called = process.request("POST", "/api/v1/counters/1/call-next", {}, cookie=officer)
    assert status == 200, called
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    text = gammu.texts()[0]
    assert text.startswith(f"{number} дугаар: таны өмнө 3 хүн байна."), text
    assert "_+97699112233_" in gammu.files("sent")[0].name
    # The typed number is not in the kiosk's log.
    assert "99112233" not in process.log.read_text()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_texts_step_fits_every_screen_in_large_text_and_english(browser, kiosk, gammu, artifacts, size):
    process = sms_kiosk(kiosk, gammu)
    for large in (False, True):
        with sized_page(browser, size, has_touch=True) as page:
            take_ticket_on_screen(page, process, "en", large=large)
            page.click("#ticket-texts")
            page.wait_for_selector('.step.active[data-step="texts"]')
            assert page.is_visible('#keyboard .key[data-key="9"]')
            check_screen(page, artifacts / "sms-kiosk", f"03-texts-{size}-{'large' if large else 'normal'}-en")
            assert_above_the_keys(page)
            page.click("#texts-save")
            page.wait_for_selector("#texts-phone-error:has-text('Type your mobile number')")
            check_screen(page, artifacts / "sms-kiosk", f"04-texts-required-{size}-{'large' if large else 'normal'}")


def test_a_proved_person_chooses_kinds_for_the_phone_on_file_and_the_server_refuses_what_is_not_allowed(kiosk, gammu):
    process = sms_kiosk(kiosk, gammu)
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    proof = process.proof("УБ90051223")
    status, ticket = process.request(
        "POST", "/api/v1/tickets", {"serviceCode": "А", "language": "en", "registrationId": created["id"]},
        headers=proof)
    assert status == 201, ticket
    path = f"/api/v1/tickets/{ticket['id']}/texts"
    # Without the proof only "turn near" is offered, and nothing about the person is told.
    status, options = process.request("GET", path)
    assert status == 200 and options == {"offered": ["turn_near"], "granted": []}, options
    status, options = process.request("GET", path, headers=proof)
    assert status == 200, options
    assert options["offered"] == ["turn_near", "vacancy_digest", "appointment_reminder", "follow_up"]
    assert options["maskedPhoneOnFile"] == "•••• 2233" and options["granted"] == []
    # Another screen (no rating code of this ticket) cannot attach a phone to it.
    status, refused = process.request("POST", path, {"ratingCode": "000000", "kinds": ["turn_near"],
                                                     "phone": "88112233"})
    assert status == 403 and refused["error"]["code"] == "smsKiosk.notThisTicket", refused
    code = ticket["ratingCode"]
    # The person's kinds need their proof.
    status, refused = process.request("POST", path, {"ratingCode": code, "kinds": ["vacancy_digest"]})
    assert status == 401 and refused["error"]["code"] == "proof.required", refused
    status, refused = process.request("POST", path, {"ratingCode": code, "kinds": ["one_time_code"]}, headers=proof)
    assert status == 422 and refused["error"]["fields"][0]["field"] == "kinds", refused
    assert refused["error"]["fields"][0]["message"]["mn"] and refused["error"]["fields"][0]["message"]["en"]
    status, refused = process.request("POST", path, {"ratingCode": code, "kinds": ["turn_near"], "phone": "9911"},
                                      headers=proof)
    assert status == 422 and refused["error"]["fields"][0]["code"] == "smsKiosk.phone.wrongLength", refused
    # Empty phone: the one on file.
    status, saved = process.request("POST", path, {"ratingCode": code, "kinds": ["turn_near", "vacancy_digest"]},
                                    headers=proof)
    assert status == 200, saved
    assert saved == {"granted": ["turn_near", "vacancy_digest"], "maskedPhone": "•••• 2233"}
    status, options = process.request("GET", path, headers=proof)
    assert options["granted"] == ["turn_near", "vacancy_digest"], options
    # Unchosen later: withdrawn.
    status, saved = process.request("POST", path, {"ratingCode": code, "kinds": ["turn_near"]}, headers=proof)
    assert status == 200 and saved["granted"] == ["turn_near"], saved
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        rows = dict(db.execute("SELECT kind, withdrawn_at IS NULL FROM sms_consent WHERE phone = '99112233'"))
    # Kinds never agreed to have nothing to withdraw.
    assert rows == {"turn_near": 1, "vacancy_digest": 0}
    # A ticket no longer waiting takes no texts.
    officer = process.staff_cookie("ajiltan1")
    status, called = process.request("POST", "/api/v1/counters/1/call-next", {}, cookie=officer)
    assert status == 200 and called["id"] == ticket["id"], called
    status, refused = process.request("POST", path, {"ratingCode": code, "kinds": ["turn_near"]}, headers=proof)
    assert status == 409 and refused["error"]["code"] == "smsKiosk.ticketDone", refused


def test_an_office_without_texts_offers_none(browser, kiosk, artifacts):
    process = kiosk()
    status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "А", "language": "mn"})
    assert status == 201
    status, refused = process.request("GET", f"/api/v1/tickets/{ticket['id']}/texts")
    assert status == 503 and refused["error"]["code"] == "sms.unavailable", refused
    with sized_page(browser, "1280x800", has_touch=True) as page:
        take_ticket_on_screen(page, process, "mn", large=False)
        assert page.query_selector("#ticket-texts") is None


def test_the_weekly_vacancy_digest_goes_once_a_week_to_people_who_agreed_and_stop_ends_it(kiosk, gammu, tmp_path):
    from test_employers import a_driver_vacancy
    from test_follow_up_sms import reply
    from test_sms import wait_for
    from conftest import registry_number

    data = tmp_path / "data"
    from test_sms_digest import awake

    # Due from Monday 00:00 office time, quiet hours away from now: whatever day and hour it runs.
    env = awake()
    process = kiosk(data_dir=data, env={"KIOSK_SMS_ROUTE": "gammu", "KIOSK_SMS_SPOOL": str(gammu.spool),
                                        "KIOSK_SMS_SMSDRC": str(gammu.config), **env})
    cookie = process.staff_cookie("ajiltan1")
    # A driver who agreed, a driver who did not, an accountant who agreed (nothing matches him).
    people = [("99112233", "8332", ["жолоо барих"], True), ("88112233", "8332", ["жолоо барих"], False),
              ("95112233", "2411", ["нягтлан бодох"], True)]
    for index, (phone, code, skills, agreed) in enumerate(people):
        status, person = process.request("POST", "/api/v1/registrations", registration_form(
            registry_number(300 + index), phone=phone, occupationCode=code, desiredOccupationCode=code,
            skills=skills))
        assert status == 201, person
        if agreed:
            status, _ = process.request("POST", "/api/v1/staff/messages/consent",
                                        {"phone": phone, "kind": "vacancy_digest", "granted": True}, cookie=cookie)
            assert status == 204
    a_driver_vacancy(process, cookie)
    # The digest runs when the kiosk starts (and every five minutes): restart it twice.
    for _ in range(2):
        process.stop()
        process = kiosk(data_dir=data, env={"KIOSK_SMS_ROUTE": "gammu", "KIOSK_SMS_SPOOL": str(gammu.spool),
                                            "KIOSK_SMS_SMSDRC": str(gammu.config), **env})
        assert gammu.wait(lambda: len(gammu.files("sent")) >= 1)
    time_after = gammu.wait(lambda: False, timeout=3)
    assert not time_after
    assert len(gammu.files("sent")) == 1
    assert "_+97699112233_" in gammu.files("sent")[0].name
    text = gammu.texts()[0]
    assert text.startswith("ХХҮХ: танд 1 шинэ ажил: Ачааны машины жолооч. Бүгд: http://"), text
    assert "/v/" in text and text.endswith(" ЗОГС-болих"), text
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        keys = db.execute("SELECT dedupe_key FROM sms_message WHERE kind = 'vacancy_digest'").fetchall()
    assert len(keys) == 1 and keys[0][0].startswith("vacancy_digest:") and "-W" in keys[0][0]
    # STOP withdraws the consent; next week's digest is not queued for the number.
    reply(gammu, "ЗОГС")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute(
            "SELECT withdrawn_at IS NOT NULL FROM sms_consent WHERE phone = '99112233' AND kind = 'vacancy_digest'"
        ).fetchone() == (1,))
        # As if a week had passed: this week's message forgotten, the digest runs again at a restart.
        db.execute("DELETE FROM sms_message WHERE kind = 'vacancy_digest'")
        db.commit()
    process.stop()
    process = kiosk(data_dir=data, env={"KIOSK_SMS_ROUTE": "gammu", "KIOSK_SMS_SPOOL": str(gammu.spool),
                                        "KIOSK_SMS_SMSDRC": str(gammu.config), **env})
    process.request("GET", "/healthz")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert not wait_for(lambda: db.execute(
            "SELECT count(*) FROM sms_message WHERE kind = 'vacancy_digest'").fetchone()[0] > 0, timeout=3)


@pytest.mark.parametrize("size", ["1280x800", "1080x1920"])
def test_a_proved_person_sees_all_their_kinds_on_the_screen_and_saves_them(browser, kiosk, gammu, artifacts, size):
    from test_journey import prove_by_staff

    process = sms_kiosk(kiosk, gammu)
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    with sized_page(browser, size, has_touch=True) as page:
        page.goto(process.base + "/kiosk/mn/register?text=large")
        page.wait_for_selector('.step.active[data-step="service"]')
        page.click('.service-option[data-service="Б"]')
        page.wait_for_selector('.step.active[data-step="registryNumber"]')
        tap(page, "УБ90051223")
        page.click("#next")
        prove_by_staff(page, process, "УБ90051223")
        page.wait_for_selector('.step.active[data-step="known"]')
        page.click("#known-ticket")
        page.wait_for_selector('.step.active[data-step="ticket"]')
        page.click("#ticket-texts")
        page.wait_for_selector('.step.active[data-step="texts"]')
        assert page.inner_text("#texts-on-file-phone") == "•••• 2233"
        for kind in ["turn_near", "vacancy_digest", "appointment_reminder", "follow_up"]:
            assert page.is_visible(f'.texts-kind[data-kind="{kind}"]')
        check_screen(page, artifacts / "sms-kiosk", f"05-proved-person-{size}-large-mn")
        assert_above_the_keys(page)
        page.click('.texts-kind[data-kind="vacancy_digest"]')
        # Nothing typed: the phone on file.
        page.click("#texts-save")
        page.wait_for_selector('.step.active[data-step="ticket"]')
        assert "•••• 2233" in page.inner_text("#ticket-texts-saved")
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        assert dict(db.execute("SELECT kind, source FROM sms_consent WHERE phone = '99112233'")) == {
            "turn_near": "kiosk", "vacancy_digest": "kiosk"}
        # The phone on file is not copied for the ticket.
        assert db.execute("SELECT count(*) FROM ticket_phone").fetchone() == (0,)


def test_audio_mode_reads_the_texts_step_and_the_keypad_alone_saves_it(browser, kiosk, gammu, artifacts):
    from test_speech import keypad_choose, keypad_type, phrase_keys, question_heard, start_audio_mode

    process = sms_kiosk(kiosk, gammu)
    with sized_page(browser, "1280x800", has_touch=True) as page:
        refused: list = []
        start_audio_mode(page, process.base + "/kiosk/mn/register", '.step.active[data-step="service"]')
        keypad_choose(page, '.service-option[data-service="А"]')
        page.wait_for_selector('.step.active[data-step="ticket"]')
        keypad_choose(page, "#ticket-texts")
        page.wait_for_selector('.step.active[data-step="texts"]')
        question_heard(page, "#texts-title", phrase_keys(), refused)
        keypad_type(page, "#texts-phone", "99112233")
        keypad_choose(page, "#texts-save")
        page.wait_for_selector('.step.active[data-step="ticket"]')
        assert "•••• 2233" in page.inner_text("#ticket-texts-saved")
        check_screen(page, artifacts / "sms-kiosk", "06-audio-saved", reach=False, axe=False)
    assert refused == []
