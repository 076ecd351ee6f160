"""Follow-up by SMS (issues 22, 23): a hire records a placement with follow-ups at 3, 6 and 12
months; each queues "are you working?" for its day at 10:00 office time to the person's phone,
which agreed to follow-up messages; when the first goes out through the real gammu-smsd (dummy
phone), a reply of «1» answers that follow-up on the person's case (channel SMS, once, with its
outbox record), and another reply is left for staff."""
import sqlite3
import subprocess

from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_employers import hire_a_consenting_driver
from test_grievance import sign_in
from test_sms import gammu, sms_kiosk, wait_for  # noqa: F401 (fixture)


def reply(gammu, text: str):
    subprocess.run(["gammu", "-c", str(gammu.config), "savesms", "TEXT", "-folder", "1", "-unread", "-sender",
                    "+97699112233", "-textutf8", text], check=True, capture_output=True)


def test_a_reply_to_the_follow_up_question_answers_it_on_the_case(browser, kiosk, gammu, tmp_path, artifacts):  # noqa: F811
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    cookie = process.staff_cookie("ajiltan1", 3)
    status, person = process.request("POST", "/api/v1/registrations", registration_form(
        registry_number(21), occupationCode="8332", desiredOccupationCode="8332", skills=["жолоо барих"]))
    assert status == 201, person
    hired = hire_a_consenting_driver(process, cookie, person["id"])
    follow_ups = {f["months"]: f for f in hired["followUps"]}
    assert sorted(follow_ups) == [3, 6, 12]

    with sqlite3.connect(data / "kiosk.sqlite") as db:
        queued = db.execute(
            "SELECT dedupe_key, due_at, text FROM sms_message WHERE kind = 'follow_up' ORDER BY due_at").fetchall()
        # One question a follow-up, due on its day at 10:00 in Ulaanbaatar (02:00 UTC); nothing about the job.
        assert [(key, due) for key, due, _ in queued] == [
            (f"follow_up:{follow_ups[m]['id']}", f"{follow_ups[m]['dueOn']}T02:00:00.000Z") for m in (3, 6, 12)]
        assert all(text.startswith("ХХҮХ: Та ажилтай юу?") and "Тээвэр" not in text for _, _, text in queued)
        # Three months on: the first question is due now.
        db.execute("UPDATE sms_message SET due_at = created_at WHERE dedupe_key = ?", (queued[0][0],))
        db.commit()
    assert gammu.wait(lambda: len(gammu.files("sent")) == 1)
    assert gammu.texts()[0].startswith("ХХҮХ: Та ажилтай юу?")

    reply(gammu, "1 тийм")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute(
            "SELECT answer, channel FROM follow_up WHERE id = ?", (follow_ups[3]["id"],)).fetchone()
            == ("stillInJob", "sms"))
        assert db.execute("SELECT count(*) FROM follow_up WHERE answer IS NOT NULL").fetchone()[0] == 1
        assert db.execute(
            "SELECT count(*) FROM outbox WHERE record_type = 'followUp.answered'").fetchone()[0] == 1
    # A second «1» answers nothing more; a question in words waits for staff.
    reply(gammu, "1")
    reply(gammu, "Цалин хэзээ гарах вэ?")
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT count(*) FROM sms_received").fetchone()[0] == 3)
        assert db.execute(
            "SELECT count(*) FROM outbox WHERE record_type = 'followUp.answered'").fetchone()[0] == 1
    status, overview = process.request("GET", "/api/v1/staff/messages", cookie=cookie)
    assert status == 200, overview
    assert sorted(r["text"] for r in overview["replies"]) == ["1", "Цалин хэзээ гарах вэ?"]

    # The console's messages page: the modem, the reply left for staff, what went by kind; a consent told at the desk.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, process, "ajiltan1", "3")
        page.click("#messages-link")
        page.wait_for_selector("#kinds-rows tr[data-kind='follow_up']")
        assert page.locator("#replies-rows tr").count() == 2
        assert "Цалин хэзээ гарах вэ?" in page.inner_text("#replies-rows")
        assert page.locator("#kinds-rows tr[data-kind='follow_up'] td").all_inner_texts()[:2] == ["3", "3"]
        assert "тийм" in page.inner_text("#modem-state")
        page.fill("#consent-phone", "88112233")
        page.select_option("#consent-kind", "turn_near")
        page.click("#consent-save")
        page.wait_for_selector("#consent-status:has-text('Бүртгэлээ')")
        check_screen(page, artifacts, "messages", reach=False)
        assert errors == []
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert ("88112233", "turn_near", "staff") in db.execute(
            "SELECT phone, kind, source FROM sms_consent WHERE withdrawn_at IS NULL").fetchall()
    # A technician sees none of it.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        sign_in(page, process, "tekhnik", "3")
        response = page.goto(process.base + "/staff/messages?lang=mn")
        assert response.status == 403 and page.locator("#kinds-rows").count() == 0
