"""Random sequences of API calls against the real `kiosk serve` process, over several office days
under libfaketime (issue 20): visitors register, update their details, take tickets (sometimes
tapping twice with one Idempotency-Key) and rate finished ones; officers sign in, call the next
ticket, finish or mark no-shows. The service is restarted between days (once by SIGTERM, once by
kill -9). Nothing may answer 5xx, and every acknowledged registration and ticket must be there
afterwards, through the staff API and in the SQLite file.

The seed is 20 unless `RANDOM_API_SEED=n` says otherwise; it is printed with the outcome."""
import json
import os
import random
import signal
import sqlite3
import time
import urllib.error
import urllib.request
import uuid

import pytest

import conftest
from conftest import KioskProcess, registration_form, registry_number

DAYS = ["2026-03-02", "2026-03-03", "2026-03-04"]  # Monday to Wednesday
STEPS_PER_DAY = 500
SERVICES = {"А": [1, 2], "Б": [3], "В": [1, 3], "Д": [5, 6]}
NEEDS_REGISTRATION = {"Б", "В"}


class Client:
    def __init__(self, process: KioskProcess):
        self.process = process
        self.calls = 0

    def call(self, method: str, path: str, body=None, cookie: str | None = None, key: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if cookie:
            headers["Cookie"] = cookie
            headers["Origin"] = self.process.base  # the staff console's own origin (same-origin rule)
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(self.process.base + path, data=data, method=method, headers=headers)
        self.calls += 1
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, raw, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), error.headers
        assert status < 500, f"{method} {path} answered {status}: {raw[:300]!r}"
        body = json.loads(raw) if raw and "json" in (answer_headers.get("Content-Type") or "") else {}
        return status, body, answer_headers


def start_day(tmp_path, monkeypatch, day: str, data_dir, started):
    """`kiosk serve` under faketime (libfaketime), the office clock at 10:00 in Ulaanbaatar
    (02:00 UTC) on `day` and running on from there; monotonic time stays real."""
    wrapper = tmp_path / f"kiosk-on-{day}"
    wrapper.write_text(f'#!/bin/sh\nexec faketime -f "@{day} 02:00:00" "{KIOSK_BIN}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(conftest, "KIOSK_BIN", str(wrapper))
    process = KioskProcess(data_dir, env={"TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}).start(timeout=60)
    started.append(process)
    return process


def kiosk_pid(process: KioskProcess) -> int:
    """faketime runs the kiosk as its child: signals go to the child, faketime returns its status."""
    pid = process.process.pid
    return int(open(f"/proc/{pid}/task/{pid}/children").read().split()[0])


def stop(process: KioskProcess, sig: int) -> int:
    os.kill(kiosk_pid(process), sig)
    return process.process.wait(timeout=10)


KIOSK_BIN = conftest.KIOSK_BIN


@pytest.fixture
def processes():
    started: list[KioskProcess] = []
    yield started
    for process in started:
        if process.process and process.process.poll() is None:
            stop(process, signal.SIGKILL)


def test_random_calls_over_office_days_lose_nothing_and_never_answer_5xx(tmp_path, monkeypatch, processes):
    seed = int(os.environ.get("RANDOM_API_SEED", "20"))
    print(f"RANDOM_API_SEED={seed}")
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    registrations: dict[str, str] = {}  # id -> registry number, acknowledged
    tickets: dict[str, str] = {}  # id -> number, acknowledged
    rating_codes: dict[str, str | None] = {}  # id -> the code printed on the ticket
    next_person = rng.randrange(0, 80000)
    deadline = time.monotonic() + 60

    for day_index, day in enumerate(DAYS):
        process = start_day(tmp_path, monkeypatch, day, data_dir, processes)
        client = Client(process)
        status, services, _ = client.call("GET", "/api/v1/services")
        assert status == 200
        cookies: dict[int, str] = {}
        called: dict[int, str] = {}  # counter -> ticket id being served
        finished: list[str] = []
        for _ in range(STEPS_PER_DAY):
            if time.monotonic() > deadline:
                break
            action = rng.choices(
                ["register", "update", "ticket", "double-tap", "sign-in", "call", "finish", "no-show", "rate",
                 "read"],
                weights=[12, 6, 16, 6, 4, 14, 10, 3, 4, 5])[0]
            if action == "register":
                number = registry_number(next_person)
                next_person += 1
                key = str(uuid.uuid4())
                form = registration_form(number, phone=f"99{rng.randrange(100000, 999999)}")
                status, body, _ = client.call("POST", "/api/v1/registrations", form, key=key)
                assert status in (201, 409), body
                if status == 201:
                    registrations[body["id"]] = number
                    if rng.random() < 0.3:  # the answer was lost: the screen sends it again
                        again, replay, headers = client.call("POST", "/api/v1/registrations", form, key=key)
                        assert again == 201 and replay["id"] == body["id"]
                        assert headers.get("Idempotent-Replayed") == "true"
            elif action == "update" and registrations:
                rid, number = rng.choice(sorted(registrations.items()))
                form = registration_form(number, phone=f"88{rng.randrange(100000, 999999)}")
                status, body, _ = client.call("PUT", f"/api/v1/registrations/{rid}", form)
                assert status in (200, 401, 403, 409, 422), body
            elif action in ("ticket", "double-tap"):
                code = rng.choice(sorted(SERVICES))
                request = {"serviceCode": code, "language": rng.choice(["mn", "en"])}
                if code in NEEDS_REGISTRATION or (registrations and rng.random() < 0.3):
                    if not registrations:
                        continue
                    request["registrationId"] = rng.choice(sorted(registrations))
                key = str(uuid.uuid4())
                status, body, _ = client.call("POST", "/api/v1/tickets", request, key=key)
                assert status in (201, 409, 422), body
                if status == 201:
                    tickets[body["id"]] = body["number"]
                    rating_codes[body["id"]] = body.get("ratingCode")
                    if action == "double-tap":
                        again, replay, _ = client.call("POST", "/api/v1/tickets", request, key=key)
                        assert again == 201 and replay["id"] == body["id"] and replay["number"] == body["number"]
            elif action == "sign-in":
                counter = rng.choice([1, 2, 3, 5, 6])
                if counter not in cookies:
                    cookies[counter] = process.staff_cookie(rng.choice(["ajiltan1", "ajiltan2"]), counter)
            elif action == "call" and cookies:
                counter = rng.choice(sorted(cookies))
                if counter in called:
                    continue
                status, body, _ = client.call("POST", f"/api/v1/counters/{counter}/call-next", cookie=cookies[counter])
                assert status in (200, 404), body
                if status == 200:
                    assert body["id"] in tickets
                    called[counter] = body["id"]
            elif action in ("finish", "no-show") and called:
                counter = rng.choice(sorted(called))
                ticket_id = called.pop(counter)
                if action == "finish":
                    outcome = rng.choice(["registered", "counselled", "referredToProgramme", "placedInJob", "other"])
                    status, body, _ = client.call(
                        "POST", f"/api/v1/tickets/{ticket_id}/finish", {"outcome": outcome}, cookie=cookies[counter])
                    assert status in (200, 409), body
                    if status == 200:
                        finished.append(ticket_id)
                else:
                    status, body, _ = client.call(
                        "POST", f"/api/v1/tickets/{ticket_id}/no-show", {"backToQueue": False}, cookie=cookies[counter])
                    assert status in (200, 409), body
            elif action == "rate" and finished:
                ticket_id = rng.choice(finished)
                rating = {"rating": rng.randint(1, 5)}
                if rng.random() < 0.7 and rating_codes.get(ticket_id):
                    rating["code"] = rating_codes[ticket_id]  # the holder, with the code from the ticket
                status, body, _ = client.call("POST", f"/api/v1/tickets/{ticket_id}/feedback", rating)
                # 429: the kiosk's rating throttle, a clear answer like the others.
                assert status in (201, 200, 400, 401, 403, 404, 409, 422, 429), body
            elif action == "read" and tickets:
                ticket_id = rng.choice(sorted(tickets))
                status, body, _ = client.call("GET", f"/api/v1/tickets/{ticket_id}")
                assert status == 200 and body["number"] == tickets[ticket_id]
        # End of the day: a graceful restart, or a crash.
        if day_index % 2 == 0:
            assert stop(process, signal.SIGTERM) == 0
        else:
            stop(process, signal.SIGKILL)

    # Everything acknowledged is still there: through the staff API of a fresh process…
    process = start_day(tmp_path, monkeypatch, DAYS[-1], data_dir, processes)
    client = Client(process)
    cookie = process.staff_cookie("ajiltan1", 1)
    for rid, number in registrations.items():
        status, body, _ = client.call("GET", f"/api/v1/registrations/{rid}", cookie=cookie)
        assert status == 200 and body["registryNumber"] == number, (rid, status)
    for ticket_id, number in tickets.items():
        status, body, _ = client.call("GET", f"/api/v1/tickets/{ticket_id}")
        assert status == 200 and body["number"] == number, (ticket_id, status)
    assert stop(process, signal.SIGTERM) == 0
    # … and in the SQLite file, with nothing more than was acknowledged (one ticket per double tap).
    with sqlite3.connect(data_dir / "kiosk.sqlite") as database:
        stored_registrations = {row[0].lower() for row in database.execute("SELECT id FROM registration")}
        stored_tickets = {row[0].lower() for row in database.execute("SELECT id FROM ticket")}
    assert {rid.lower() for rid in registrations} == stored_registrations
    assert {tid.lower() for tid in tickets} == stored_tickets
    print(f"{len(registrations)} registrations, {len(tickets)} tickets over {len(DAYS)} days, seed {seed}")
    assert len(tickets) > 20 and len(registrations) > 10
