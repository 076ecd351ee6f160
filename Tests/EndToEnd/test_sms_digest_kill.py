"""Issue 22/23: the weekly digest writes each queued message and its `vacancy_link` row together
(one transaction). The kiosk is killed (SIGKILL) again and again while it queues a digest for many
people; after every kill and after the last restart, every queued digest message has its link, no
link exists without its message, no person gets two, and the links of the messages the daemon sent
open the person's list. Through the real gammu-smsd with its dummy phone."""
import hashlib
import shutil
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from conftest import KioskProcess, registration_form, registry_number
from test_sms import GammuLab, gammu, wait_for  # noqa: F401  (the fixture)
from test_sms_digest import LINK, TITLES, digest_env, drivers_wanted, fetch

pytestmark = pytest.mark.skipif(shutil.which("gammu-smsd") is None, reason="gammu-smsd is not installed")

PEOPLE = 300
DONE = "vacancy digests queued"


def drivers_who_agreed(process, cookie: str, count: int):
    for n in range(count):
        phone = f"9910{n:04d}"
        status, person = process.request("POST", "/api/v1/registrations", registration_form(
            registry_number(600 + n), phone=phone, occupationCode="8332", desiredOccupationCode="8332",
            skills=["жолоо барих"]))
        assert status == 201, person
        status, _ = process.request("POST", "/api/v1/staff/messages/consent",
                                    {"phone": phone, "kind": "vacancy_digest", "granted": True}, cookie=cookie)
        assert status == 204


def messages_and_links(database) -> tuple[dict[str, str], set[str], int]:
    """The digest messages by their link's SHA-256 (with their state), the links kept, and how many
    people have more than one message."""
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT text, state FROM sms_message WHERE kind = 'vacancy_digest'").fetchall()
        links = {digest for (digest,) in db.execute("SELECT token_sha256 FROM vacancy_link")}
        doubled = db.execute("SELECT count(*) FROM (SELECT dedupe_key FROM sms_message WHERE kind = 'vacancy_digest' "
                             "GROUP BY dedupe_key HAVING count(*) > 1)").fetchone()[0]
    messages = {}
    for text, state in rows:
        match = LINK.search(text)
        assert match, text
        messages[hashlib.sha256(match.group(2).encode()).hexdigest()] = state
    assert len(messages) == len(rows), "two messages share a link"
    return messages, links, doubled


def starting(data, env) -> tuple[KioskProcess, float]:
    """`kiosk serve` starting in the background (the digest runs while it starts, before it answers),
    and when it was started."""
    process = KioskProcess(data, env=env)
    began = time.monotonic()

    def start():
        try:
            process.start(timeout=120)
        except RuntimeError:
            pass  # killed before it answered

    threading.Thread(target=start, daemon=True).start()
    assert wait_for(lambda: process.process is not None, timeout=10)
    return process, began


def writing(database) -> bool:
    """True while another connection holds the database's write lock (a write transaction is open)."""
    try:
        db = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=0, isolation_level=None)
    except sqlite3.OperationalError:
        return False  # not created yet
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


def kill(process: KioskProcess):
    process.process.kill()
    process.process.wait(timeout=10)


def test_kill_9_mid_digest_leaves_no_message_without_its_link_and_no_link_without_its_message(kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    env = digest_env(gammu)
    process = kiosk(data_dir=data, env=env)
    cookie = process.staff_cookie("ajiltan1")
    drivers_wanted(process, cookie)
    drivers_who_agreed(process, cookie, PEOPLE)
    process.kill()

    # Each run below starts from this copy, where this week's digest is not yet queued; they hand
    # their messages to a spool whose daemon never runs, so that nothing of them is sent.
    pristine = tmp_path / "pristine"
    shutil.copytree(data, pristine)
    idle = digest_env(GammuLab(tmp_path / "idle-gammu"))

    def fresh(folder):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(pristine, folder)
        return folder

    # How long the kiosk takes from its start to the digest's log line on this machine.
    timed, began = starting(fresh(tmp_path / "trial"), idle)
    assert wait_for(lambda: DONE in timed.log.read_text(), timeout=120)
    took = time.monotonic() - began
    kill(timed)
    assert len(messages_and_links(tmp_path / "trial" / "kiosk.sqlite")[0]) == PEOPLE

    # Killed (SIGKILL) at points spread over that time and after it, each from the copy.
    seen = []
    def straddled():
        return ({count for _, _, count in seen} == {0, PEOPLE}
                and any(open_write and count == 0 for _, open_write, count in seen))

    fractions = (0.3, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.2, 1.5)
    # A second sweep only when the machine's load moved the digest past the first.
    for index, fraction in enumerate(fractions * 2):
        if index >= len(fractions) and straddled():
            break
        process, began = starting(fresh(data), idle)
        time.sleep(max(0.0, began + took * fraction - time.monotonic()))
        open_write = writing(data / "kiosk.sqlite")
        kill(process)
        messages, links, doubled = messages_and_links(data / "kiosk.sqlite")
        assert set(messages) == links, (fraction, len(messages), len(links))
        assert doubled == 0
        seen.append((fraction, open_write, len(messages)))
        if not messages:
            shutil.rmtree(tmp_path / "killed", ignore_errors=True)
            shutil.copytree(data, tmp_path / "killed")
    # The kills straddle the digest: some left none of it, the later ones all (it is one transaction),
    # and at least one came while a write was open (the digest's, the only long one) and left nothing.
    assert straddled(), seen

    # Restarted (with the daemon) after the latest kill that left nothing: everyone gets exactly one
    # message with its link, and no link is left over.
    shutil.rmtree(data)
    shutil.copytree(tmp_path / "killed", data)
    process = kiosk(data_dir=data, env=env)
    assert wait_for(lambda: len(messages_and_links(data / "kiosk.sqlite")[0]) == PEOPLE, timeout=120), seen
    messages, links, doubled = messages_and_links(data / "kiosk.sqlite")
    assert set(messages) == links and len(links) == PEOPLE and doubled == 0
    # The messages the daemon sent (about one a second) open the person's list of the four vacancies.
    assert gammu.wait(lambda: len(gammu.files("sent")) >= 3, timeout=60)
    for text in gammu.texts()[:5]:
        match = LINK.search(text)
        assert match and hashlib.sha256(match.group(2).encode()).hexdigest() in links, text
        status, page = fetch(f"{process.base}/v/{match.group(2)}")
        assert status == 200 and page.count('class="vacancy-link-item"') == len(TITLES), page[:300]
    print(f"\nstart to digest done: {took:.2f} s; kills (fraction of it, a write open at the kill, digest messages after): {seen}")
