"""The fleet seen from the centre: a kiosk's heartbeats reach the real hub, whose operations page
(server-rendered, in Chromium) lists what needs a technician, `GET /admin/devices` carries the
latest heartbeat and `/metrics` speaks Prometheus's text format."""

import json
import re
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from conftest import KIOSK_BIN, TOKEN, registration_form, registry_number
from screens import check_screen


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK_BIN, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60)


def get(hub, path: str, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(hub["base"] + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_operations_page_lists_what_needs_a_technician(browser, kiosk, hub, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    assert cli("sync", "enrol", "--hub", hub["base"], "--code", code, "--name", "Касс 1",
               data_dir=data_dir).returncode == 0
    status, _ = process.request("POST", "/api/v1/registrations", registration_form(registry_number(1)))
    assert status == 201
    now = cli("sync", "now", data_dir=data_dir)
    assert now.returncode == 0, now.stdout

    # Never backed up: the page says so, in both languages.
    status, body = get(hub, "/admin/devices")
    [device] = json.loads(body)
    assert device["heartbeat"]["softwareVersion"] and device["heartbeat"]["diskFreeBytes"] > 0
    assert device["needs"] == ["no-backup"], device
    page = browser.new_page()
    page.set_extra_http_headers({"Authorization": f"Bearer {TOKEN}"})
    page.goto(hub["base"] + "/admin/operations")
    row = page.locator(f"tr[data-device='{device['id']}']")
    assert row.locator("[data-need='no-backup']").inner_text().startswith("2 өдөр нөөцлөөгүй")
    assert "1 need a technician" in page.locator("#summary").inner_text()
    check_screen(page, artifacts, "operations-page", reach=False)

    # A backup, and the next heartbeat: nothing needs doing.
    assert cli("backup", data_dir=data_dir).returncode == 0
    assert cli("sync", "heartbeat", data_dir=data_dir).returncode == 0
    page.reload()
    assert page.locator(f"tr[data-device='{device['id']}'] .ok").count() == 1
    assert "0 need a technician" in page.locator("#summary").inner_text()

    # Prometheus text, per office; only with the token.
    assert get(hub, "/metrics", token=None)[0] == 401
    status, metrics = get(hub, "/metrics")
    assert status == 200
    assert re.search(r'^lmis_office_devices\{office="UB-SB"\} 1(\.0)?$', metrics, re.M), metrics
    assert re.search(r'^lmis_office_records_waiting\{office="UB-SB"\} 0(\.0)?$', metrics, re.M)
    assert re.search(r'^lmis_office_devices_needing\{office="UB-SB",need="no-backup"\} 0(\.0)?$', metrics, re.M)
    assert re.search(r'^lmis_records_received_total\{office="UB-SB",status="applied"\} [1-9]', metrics, re.M)
    assert re.search(r'^lmis_sync_request_duration_seconds_count\{office="UB-SB",path="upload"\} [1-9]', metrics,
                     re.M)
    assert "# TYPE lmis_sync_request_duration_seconds histogram" in metrics
    # The operations page and the device list are for operators only.
    assert get(hub, "/admin/operations", token="wrong")[0] == 401
