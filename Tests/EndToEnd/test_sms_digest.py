"""Issue 22: the weekly vacancy digest names the new matching vacancies (as many titles as fit
its parts, in Cyrillic or in MNS 5217:2012 Latin per the office's setting, then "+N more") and
links to the person's list by a random token that expires. Through the real gammu-smsd with its
dummy phone, and through a real hub to the simulated operator gateway; STOP ends the next one."""
import datetime
import re
import sqlite3
import urllib.error
import urllib.request

import pytest

from conftest import registration_form, registry_number
from screens import check_screen
from test_follow_up_sms import reply
from test_sms import gammu, quiet_hours_away, wait_for  # noqa: F401  (the fixture)
from test_sms_hub_route import submissions
from test_sms_hub_route import wait_for as found_within
from test_sms_protocol import sms_hub  # noqa: F401  (the fixture)
from test_sync import sync_cli

TITLES = ["Ачааны машины жолооч", "Автобусны жолооч", "Түргэн тусламжийн жолооч", "Хүргэлтийн жолооч"]
NAME, REGISTRY = "Сарангэрэл", registry_number(410)
LINK = re.compile(r"(http://127\.0\.0\.1:\d+)/v/([A-Za-z0-9]{16})\b")


def drivers_wanted(process, cookie: str):
    """One employer with four driver vacancies (ISCO 8332), posted today."""
    status, employer = process.request("POST", "/api/v1/staff/employers", {
        "name": "Тээвэр Логистик ХХК", "registerNumber": "5012345", "sector": "H", "aimagCode": "UB-SB",
        "soumCode": "UB-SB-05", "contactName": "Б. Төмөр", "phone": "99114455"}, cookie=cookie)
    assert status == 201, employer
    closes = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    for title in TITLES:
        status, vacancy = process.request("POST", f"/api/v1/staff/employers/{employer['id']}/vacancies", {
            "title": title, "iscoCode": "8332", "skills": ["жолоо барих"], "aimagCode": "UB-SB",
            "hours": "fullTime", "posts": 1, "howToApply": "Ажилтан 3-т хандана уу", "newlyCreated": True,
            "closesOn": closes}, cookie=cookie)
        assert status == 201, vacancy


def a_driver_who_agreed(process, cookie: str):
    status, person = process.request("POST", "/api/v1/registrations", registration_form(
        REGISTRY, phone="99112233", occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих"]))
    assert status == 201, person
    status, _ = process.request("POST", "/api/v1/staff/messages/consent",
                                {"phone": "99112233", "kind": "vacancy_digest", "granted": True}, cookie=cookie)
    assert status == 204


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def awake() -> dict:
    """The digest is due from Monday 00:00 office time, so whatever day the test runs; quiet hours
    (which hold the digest) are put two hours ahead of now in Ulaanbaatar, whatever hour it runs."""
    return {"KIOSK_SMS_DIGEST_TIME": "1 0", **quiet_hours_away()}


def digest_env(gammu, **more) -> dict:
    return {"KIOSK_SMS_ROUTE": "gammu", "KIOSK_SMS_SPOOL": str(gammu.spool), "KIOSK_SMS_SMSDRC": str(gammu.config),
            **awake(), **more}


@pytest.mark.skipif(__import__("shutil").which("gammu-smsd") is None, reason="gammu-smsd is not installed")
def test_the_digest_names_the_vacancies_that_fit_and_its_link_opens_the_list(browser, kiosk, gammu, tmp_path,
                                                                            artifacts):
    data = tmp_path / "data"
    process = kiosk(data_dir=data, env=digest_env(gammu))
    cookie = process.staff_cookie("ajiltan1")
    a_driver_who_agreed(process, cookie)
    drivers_wanted(process, cookie)
    # The digest runs when the kiosk starts (and every five minutes).
    process.stop()
    process = kiosk(data_dir=data, env=digest_env(gammu))
    assert gammu.wait(lambda: len(gammu.files("sent")) >= 1)
    text = gammu.texts()[0]
    assert text.startswith("ХХҮХ: танд 4 шинэ ажил: "), text
    shown = [title for title in TITLES if title in text]
    assert 1 <= len(shown) < 4, text
    assert f"+{4 - len(shown)} бусад" in text and text.endswith("ЗОГС-болих"), text
    # Two UCS-2 parts at most (67 characters each when concatenated).
    assert len(text.encode("utf-16-le")) // 2 <= 134, len(text)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert db.execute("SELECT parts, encoding FROM sms_message WHERE kind = 'vacancy_digest'").fetchall() == [
            (2, "ucs2")]
        # Only the token's digest is kept.
        token = LINK.search(text).group(2)
        assert db.execute("SELECT count(*) FROM vacancy_link WHERE token_sha256 = ?", (token,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM vacancy_link").fetchone() == (1,)
    for secret in [NAME, REGISTRY, "Болд"]:
        assert secret not in text

    # The link opens the person's list on a phone, in the person's language, naming nobody.
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{process.base}/v/{token}")
        items = page.locator(".vacancy-link-item h2").all_inner_texts()
        assert sorted(items) == sorted(TITLES), items
        body = page.inner_text("body")
        for secret in [NAME, REGISTRY, "Болд", "99112233"]:
            assert secret not in body
        check_screen(page, artifacts / "sms-digest", "01-vacancy-list-phone-mn")
        page.click("a[lang=en]")
        page.wait_for_selector("html[lang=en]")
        assert "Vacancies that match you" in page.inner_text("h1")
        check_screen(page, artifacts / "sms-digest", "02-vacancy-list-phone-en")
    finally:
        context.close()
    # A token nobody was given, or a malformed one: 410, said in the language asked for.
    status, page = fetch(f"{process.base}/v/AbCdEfGhJkMnPqRs")
    assert status == 410 and "Энэ холбоосын хугацаа дууссан" in page
    status, page = fetch(f"{process.base}/v/..%2Fetc?lang=en")
    assert status in (404, 410)
    status, page = fetch(f"{process.base}/v/AbCdEfGhJkMnPqRs?lang=en")
    assert status == 410 and "This link has expired" in page
    # Expired: the same token two weeks on.
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        db.execute("UPDATE vacancy_link SET expires_at = '2000-01-01T00:00:00.000Z'")
        db.commit()
    status, page = fetch(f"{process.base}/v/{token}")
    assert status == 410 and "Энэ холбоосын хугацаа дууссан" in page and "Ачааны" not in page


@pytest.mark.skipif(__import__("shutil").which("gammu-smsd") is None, reason="gammu-smsd is not installed")
def test_an_office_that_sends_the_digest_in_latin_fits_more_titles(kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    env = digest_env(gammu, KIOSK_SMS_LATIN="vacancy_digest")
    process = kiosk(data_dir=data, env=env)
    cookie = process.staff_cookie("ajiltan1")
    a_driver_who_agreed(process, cookie)
    drivers_wanted(process, cookie)
    process.stop()
    process = kiosk(data_dir=data, env=env)
    assert gammu.wait(lambda: len(gammu.files("sent")) >= 1)
    text = gammu.texts()[0]
    assert text.startswith("KhKhÜKh: tand 4 shine ajil: "), text
    assert "Achaany mashiny jolooch" in text and LINK.search(text), text
    assert text.endswith("ZOGS-bolikh"), text
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        parts, encoding = db.execute("SELECT parts, encoding FROM sms_message WHERE kind = 'vacancy_digest'").fetchone()
    assert encoding == "gsm7" and parts <= 2


def test_the_digest_goes_through_the_hub_and_a_stop_reply_there_ends_the_next_one(sms_hub, hub, kiosk,  # noqa: F811
                                                                               tmp_path):
    data = tmp_path / "data"
    env = {"KIOSK_SMS_ROUTE": "hub", "KIOSK_SYNC_INTERVAL": "3600", **awake()}
    process = kiosk(data_dir=data, env=env)
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrolled = sync_cli("enrol", "--hub", hub["base"], "--code", code, data_dir=data)
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
    cookie = process.staff_cookie("ajiltan1")
    a_driver_who_agreed(process, cookie)
    drivers_wanted(process, cookie)
    process.stop()
    process = kiosk(data_dir=data, env=env)

    given = found_within(lambda: submissions(hub))
    assert given and len(given) == 1, given
    assert given[0]["to"].endswith("99112233")
    text = given[0]["text"]
    assert text.startswith("ХХҮХ: танд 4 шинэ ажил: ") and "Ачааны машины жолооч" in text, text
    assert "бусад" in text and LINK.search(text), text
    for secret in [NAME, REGISTRY, "Болд"]:
        assert secret not in text
    # The link works on the hub route too (the office's vacancies come back in the hub's feed
    # after the first sync, so the list may be empty for a moment).
    link = f"{process.base}/v/{LINK.search(text).group(2)}"
    assert found_within(lambda: fetch(link)[0] == 200 and fetch(link)[1].count('class="vacancy-link-item"') == 4)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        # The simulated operator reports delivery; the kiosk records it from the hub.
        assert wait_for(lambda: db.execute(
            "SELECT state FROM sms_message WHERE kind = 'vacancy_digest'").fetchone() == ("delivered",))

    # STOP by reply through the operator: the consent is withdrawn and next week's digest not queued.
    hub["admin"]("POST", "/admin/simulated-sms-gateway/replies", {"from": "+97699112233", "text": "ЗОГС"})
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute(
            "SELECT withdrawn_at IS NOT NULL, source FROM sms_consent WHERE phone = '99112233' "
            "AND kind = 'vacancy_digest'").fetchone() == (1, "reply"))
        # As if a week had passed: this week's message forgotten, the digest runs again at a restart.
        db.execute("DELETE FROM sms_message WHERE kind = 'vacancy_digest'")
        db.commit()
    process.stop()
    process = kiosk(data_dir=data, env=env)
    process.request("GET", "/healthz")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert not wait_for(lambda: db.execute(
            "SELECT count(*) FROM sms_message WHERE kind = 'vacancy_digest'").fetchone()[0] > 0, timeout=3)
    assert len(submissions(hub)) == 1
