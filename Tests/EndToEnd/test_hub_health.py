"""The hub without its database: `/health` and signed requests answer 503 with `Retry-After`
within a second (not after the PostgreSQL client's minute of connection attempts, then a 500),
and the hub serves again once PostgreSQL is back."""

import subprocess
import time
import urllib.error
import urllib.request

from conftest import KIOSK_BIN, registration_form, registry_number


def health(base: str) -> tuple[int, str | None, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + "/health", timeout=10) as response:
            return response.status, None, time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After"), time.monotonic() - started


def test_the_hub_answers_503_at_once_while_its_database_is_down(kiosk, hub, tmp_path):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    sync = [KIOSK_BIN, "sync", "--data-dir", str(data_dir)]
    assert subprocess.run(sync[:2] + ["enrol", "--hub", hub["base"], "--code", code, "--data-dir", str(data_dir)],
                          capture_output=True).returncode == 0
    assert health(hub["base"])[0] == 200

    assert hub["postgres"]("stop")["ok"]
    time.sleep(1.1)  # the last good answer is kept for a second
    status, retry_after, seconds = health(hub["base"])
    assert status == 503 and retry_after is not None and seconds < 1.5, (status, seconds)
    status, body = process.request("POST", "/api/v1/registrations", registration_form(registry_number(1)))
    assert status == 201, body
    started = time.monotonic()
    round_ = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True, text=True,
                            timeout=60)
    elapsed = time.monotonic() - started
    assert round_.returncode == 1 and "503" in round_.stdout, round_.stdout
    assert elapsed < 5, elapsed
    print(f"database down: /health 503 in {seconds * 1000:.0f} ms; `kiosk sync now` refused (503) in {elapsed:.2f} s")
    # A 500 is logged as "request failed" (HubRouter.guarded); a bare "500" would also match the
    # random hex of a request id now and then.
    assert "request failed" not in (tmp_path / "hub.log").read_text(errors="replace")

    assert hub["postgres"]("start")["ok"]
    deadline = time.monotonic() + 20
    while health(hub["base"])[0] != 200:
        assert time.monotonic() < deadline, "the hub did not come back with its database"
        time.sleep(0.2)
    again = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert hub["sql"]("SELECT count(*) FROM person") == "1"
