"""The technician's on-site commands end to end: `kiosk provision` against a real LMIS hub and the
print lab's cupsd (queues made with lpadmin, a test ticket printed on the ESC/POS emulator and a
test page on the IPP Everywhere printer), and `kiosk doctor` on a healthy office and on broken
ones: a stopped printer, paper out, no reader, the hub down, a revoked device, a wrong clock
(libfaketime) and a damaged database."""
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import KIOSK_BIN, ROOT, KioskProcess, free_port, registration_form, registry_number
from test_fingerprint import FIXTURES

SHIPPED_CONFIG = ROOT / "Provisioning/image/kiosk.conf"


def appliance_config(tmp_path: Path, port: int | None = None) -> Path:
    """The image's config file, with this test's folders in place of /var/lib and /usr/share."""
    text = SHIPPED_CONFIG.read_text()
    text = text.replace("data_dir = /var/lib/kiosk", f"data_dir = {tmp_path / 'data'}")
    text = text.replace("kiosk_dir = /usr/share/lswo-kiosk", f"kiosk_dir = {ROOT / 'Kiosk'}")
    text = text.replace("port = 8080", f"port = {port or free_port()}")
    path = tmp_path / "etc" / "kiosk.conf"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def settings(path: Path) -> dict:
    values = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"')
    return values


def run(*args: str, stdin: str | None = None, env: dict | None = None, prefix: list[str] | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*(prefix or []), KIOSK_BIN, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def lpstat(lab, *args: str) -> str:
    return subprocess.run(["lpstat", "-h", lab.cups_server, *args], capture_output=True, text=True,
                          timeout=30).stdout


def provision(config: Path, hub, lab, *extra: str) -> subprocess.CompletedProcess:
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    return run("provision", "--config", str(config), "--non-interactive", "--no-restart",
               "--hub", hub["base"], "--enrolment-code", code, "--cups-server", lab.cups_server,
               "--thermal-queue", "ProvThermal", "--a4-queue", "ProvA4",
               "--probe", f"127.0.0.1:{lab.escpos_port}", "--probe", f"127.0.0.1:{lab.ipp_port}", *extra)


def expected_disk_verdict(report: dict, data_dir: Path) -> str:
    """The disk verdict the reported free space calls for (`Doctor.diskCheck`: failure below
    256 MiB, warning below 1 GiB or a tenth of the disk), after checking that the reported
    figures are this disk's (within 2 GiB of what statvfs says now)."""
    facts = next(check["facts"] for check in report["checks"] if check["name"] == "disk")
    free, total = int(facts["free_bytes"]), int(facts["total_bytes"])
    now = os.statvfs(data_dir)
    assert total == now.f_blocks * now.f_frsize, (facts, now)
    assert abs(free - now.f_bavail * now.f_frsize) < 2 << 30, (facts, now)
    if free < 256 << 20:
        return "failure"
    return "warning" if free < 1 << 30 or free * 10 < total else "ok"


def doctor(config: Path, *extra: str, **kwargs) -> tuple[int, dict]:
    result = run("doctor", "--config", str(config), "--json", *extra, **kwargs)
    assert result.returncode in (0, 1, 2), result.stdout + result.stderr
    report = json.loads(result.stdout)
    return result.returncode, report


def verdicts(report: dict) -> dict:
    return {check["name"]: check["verdict"] for check in report["checks"]}


def summary(report: dict, name: str) -> str:
    return next(check["summary"] for check in report["checks"] if check["name"] == name)


def test_provision_enrols_makes_the_queues_prints_and_can_change_one_thing(hub, print_lab, tmp_path):
    print_lab.clear_faults()
    config = appliance_config(tmp_path)
    receipts_before = len(print_lab.receipts())
    pages_before = len(print_lab.a4_documents())

    done = provision(config, hub, print_lab)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "hub: enrolled as" in out and "for office UB-SB" in out
    assert f"thermal (receipt) printer: queue ProvThermal -> socket://127.0.0.1:{print_lab.escpos_port}" in out
    assert f"A4 printer: queue ProvA4 -> ipp://127.0.0.1:{print_lab.ipp_port}/ipp/print" in out
    # No reader on this machine's USB: said plainly, and the setting is left alone.
    assert "warning: no supported fingerprint reader on USB" in out
    assert "test print on thermal printer (ProvThermal): printed" in out
    assert "test print on a4 printer (ProvA4): printed" in out

    # The config file: the new settings, the shipped comments kept, the time zone from the hub.
    written = settings(config)
    assert written["office_code"] == "UB-SB"
    assert written["office_name_mn"] == "Сүхбаатар дүүргийн ХХҮХ"
    assert written["thermal_queue"] == "ProvThermal" and written["a4_queue"] == "ProvA4"
    assert written["cups_server"] == print_lab.cups_server
    assert written["time_zone"] == "Asia/Ulaanbaatar"
    text = config.read_text()
    assert text.startswith("# LSWO Kiosk configuration")
    assert "# A real office has no demo staff" in text
    assert not list(config.parent.glob(".*tmp")), "the temporary file of the atomic write was left behind"

    # The queues in CUPS: a raw queue to the receipt printer, an IPP Everywhere queue to the A4 one.
    devices = lpstat(print_lab, "-v")
    assert f"ProvThermal: socket://127.0.0.1:{print_lab.escpos_port}" in devices
    assert f"ProvA4: ipp://127.0.0.1:{print_lab.ipp_port}/ipp/print" in devices
    # The test ticket reached the thermal printer (every Mongolian letter, rendered as raster),
    # and the test page the A4 printer.
    receipts = print_lab.wait_for_receipts(receipts_before + 1, timeout=30)
    assert len(receipts) == receipts_before + 1
    deadline = time.monotonic() + 30
    while len(print_lab.a4_documents()) < pages_before + 1:
        assert time.monotonic() < deadline, "the A4 test page did not arrive"
        time.sleep(0.2)
    # The hub knows the device.
    assert hub["sql"]("SELECT count(*) FROM device") == "1"

    # Run again to change one thing: only the time zone changes; no new enrolment, no test print.
    before = config.read_text()
    again = run("provision", "--config", str(config), "--non-interactive", "--no-restart", "--no-discovery",
                "--time-zone", "Asia/Hovd")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "time_zone: Asia/Ulaanbaatar -> Asia/Hovd" in again.stdout
    assert "hub: enrolled as" in again.stdout and "keeping queue ProvThermal" in again.stdout
    assert "test print" not in again.stdout
    changed = [line for line in zip(before.splitlines(), config.read_text().splitlines()) if line[0] != line[1]]
    assert changed == [("time_zone = Asia/Ulaanbaatar", "time_zone = Asia/Hovd")]
    assert hub["sql"]("SELECT count(*) FROM device") == "1"
    time.sleep(1)
    assert len(print_lab.receipts()) == receipts_before + 1

    # A refused enrolment code and a wrong time zone stop with a reason and change nothing.
    before = config.read_bytes()
    wrong = run("provision", "--config", str(config), "--non-interactive", "--no-restart", "--no-discovery",
                "--hub", hub["base"], "--enrolment-code", "AAAA-BBBB-CCCC")
    assert wrong.returncode == 1
    assert "provisioning stopped: enrolment with" in wrong.stdout and "invalid_code" in wrong.stdout
    zone = run("provision", "--config", str(config), "--non-interactive", "--no-restart", "--no-discovery",
               "--time-zone", "Europe/Paris")
    assert zone.returncode == 1 and "time_zone must be one of Asia/Ulaanbaatar" in zone.stdout
    assert config.read_bytes() == before


def test_interactive_provisioning_asks_and_checks_each_answer(hub, print_lab, tmp_path):
    config = appliance_config(tmp_path)
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    # Office code: a bad one is asked again; time zone: a wrong one is asked again; the code and
    # the hub; the thermal printer: the one found (1); the A4 printer: none (after "keep" the
    # lab's own A4 queue, which the shipped config names).
    answers = "\n".join(["ub sb", "UB-BZ", "Europe/Paris", "Asia/Hovd", code, hub["base"], "1", "2"]) + "\n"
    done = run("provision", "--config", str(config), "--interactive", "--no-restart", "--no-discovery",
               "--cups-server", print_lab.cups_server, "--thermal-queue", "AskedThermal",
               "--probe", f"127.0.0.1:{print_lab.escpos_port}", "--no-test-print", stdin=answers)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Office code (e.g. UB-SB) [UB-SB]:" in out
    assert "office_code must be 2-16 capital Latin letters" in out
    assert "time_zone must be one of" in out
    assert "1) ESC/POS receipt printer at socket://127.0.0.1:" in out
    # The enrolment code is for UB-SB; the technician typed UB-BZ: the hub's office wins, and the
    # kiosk says so.
    assert "warning: office code UB-BZ replaced by UB-SB, the office the hub enrolled this kiosk for" in out
    written = settings(config)
    assert written["office_code"] == "UB-SB" and written["time_zone"] == "Asia/Hovd"
    assert written["thermal_queue"] == "AskedThermal" and written["a4_queue"] == ""
    assert "AskedThermal: socket://127.0.0.1:" in lpstat(print_lab, "-v")


def test_doctor_on_a_healthy_office_and_on_broken_ones(hub, print_lab, tmp_path):
    print_lab.clear_faults()
    port = free_port()
    config = appliance_config(tmp_path, port)
    done = provision(config, hub, print_lab, "--reader", "virtual", "--no-test-print")
    assert done.returncode == 0, done.stdout + done.stderr
    data_dir = tmp_path / "data"

    # Before the service runs: not fit to open, and it says why.
    status, report = doctor(config)
    assert status == 1 and report["fitToOpen"] is False
    assert verdicts(report)["service"] == "failure"

    service = KioskProcess(data_dir, "--config", str(config), env={
        "KIOSK_THERMAL_QUEUE": "ProvThermal", "KIOSK_A4_QUEUE": "ProvA4", "KIOSK_FINGERPRINT_READER": "virtual"})
    service.port = port
    service.start()
    try:
        for index in range(3):
            assert service.request("POST", "/api/v1/registrations", registration_form(registry_number(index)))[0] == 201

        status, report = doctor(config)
        found = verdicts(report)
        assert report["fitToOpen"] is True, report
        for name in ("service", "database", "thermal_printer", "a4_printer", "hub", "signature"):
            assert found[name] == "ok", (name, report)
        # The disk is this machine's, shared with whatever else runs here: the verdict must be
        # the one its free space calls for (1 GiB and a tenth of the disk), not always "ok".
        assert found["disk"] == expected_disk_verdict(report, data_dir), report
        # The clock is as this machine keeps it (a container may not be NTP-synchronised), but
        # it agrees with the hub's.
        assert found["clock"] in ("ok", "warning") and "of the LMIS hub" in summary(report, "clock")
        assert found["fingerprint_reader"] == "warning"  # the virtual demo reader
        assert found["sync_backlog"] == "ok"
        assert status == 2  # fit to open, with warnings

        text = run("doctor", "--config", str(config))
        assert text.returncode == 2 and "Fit to open, with" in text.stdout
        assert "[ok  ] signature" in text.stdout

        # A stopped printer queue.
        subprocess.run(["cupsdisable", "-h", print_lab.cups_server, "ProvThermal"], check=True, timeout=30)
        try:
            status, report = doctor(config)
            assert status == 1 and verdicts(report)["thermal_printer"] == "failure"
            assert "stopped" in summary(report, "thermal_printer")
        finally:
            subprocess.run(["cupsenable", "-h", print_lab.cups_server, "ProvThermal"], check=True, timeout=30)
        # Paper out, as the printer itself says (DLE EOT).
        print_lab.set_fault("paper-out")
        try:
            status, report = doctor(config)
            assert status == 1 and "paper-out" in summary(report, "thermal_printer")
        finally:
            print_lab.clear_faults()
        # A real reader is wanted but the service has none.
        status, report = doctor(config, env={"KIOSK_FINGERPRINT_READER": "usb"})
        assert status == 1 and verdicts(report)["fingerprint_reader"] == "failure"
        assert "no USB reader" in summary(report, "fingerprint_reader")
        # The kiosk's clock two hours fast: the hub's clock says so, and refuses the signature.
        status, report = doctor(config, prefix=["faketime", "-f", "+2h"], env={"FAKETIME_DONT_FAKE_MONOTONIC": "1"})
        assert status == 1
        assert verdicts(report)["clock"] == "failure" and "2 h 0 min ahead of the LMIS hub" in summary(report, "clock")
        assert verdicts(report)["signature"] == "failure" and "clock" in summary(report, "signature")
        # A damaged copy of the database.
        damaged = tmp_path / "damaged"
        damaged.mkdir()
        with sqlite3.connect(data_dir / "kiosk.sqlite") as source, sqlite3.connect(damaged / "kiosk.sqlite") as copy:
            source.backup(copy)
        with open(damaged / "kiosk.sqlite", "r+b") as file:
            size = file.seek(0, 2)
            for offset in range(8192, size, 8192):
                file.seek(offset + 100)
                file.write(b"\xa5" * 200)
        status, report = doctor(config, "--data-dir", str(damaged))
        assert status == 1 and verdicts(report)["database"] == "failure"
        assert "damaged" in summary(report, "database")
        # A copy still missing its last schema step (as after an update, before the service
        # restarts): doctor says so and leaves the schema as it found it.
        older = tmp_path / "older"
        older.mkdir()
        with sqlite3.connect(data_dir / "kiosk.sqlite") as source, sqlite3.connect(older / "kiosk.sqlite") as copy:
            source.backup(copy)
            last = copy.execute("SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1").fetchone()[0]
            copy.execute("DELETE FROM grdb_migrations WHERE identifier = ?", (last,))
        status, report = doctor(config, "--data-dir", str(older))
        assert verdicts(report)["database"] == "warning" and "1 schema steps wait" in summary(report, "database")
        for name in ("hub", "signature", "sync_backlog"):
            assert verdicts(report)[name] == "warning" and "waits for schema steps" in summary(report, name), name
        with sqlite3.connect(older / "kiosk.sqlite") as copy:
            assert copy.execute("SELECT count(*) FROM grdb_migrations WHERE identifier = ?", (last,)).fetchone()[0] == 0

        # The device revoked at the hub: the signature is refused.
        device = hub["sql"]("SELECT id FROM device")
        hub["admin"]("POST", f"/admin/devices/{device}/revoke", {})
        status, report = doctor(config)
        assert status == 1 and verdicts(report)["signature"] == "failure"
        assert "refuses this device" in summary(report, "signature")

        # The hub down: the office can still open (it works offline), with a warning.
        hub["process"].terminate()
        hub["process"].wait(timeout=10)
        status, report = doctor(config)
        assert verdicts(report)["hub"] == "warning" and "cannot be reached" in summary(report, "hub")
        assert verdicts(report)["signature"] == "warning"
        assert status == 2 and report["fitToOpen"] is True
    finally:
        service.stop()


def test_doctor_finds_the_reader_on_usb_and_says_when_there_is_none(tmp_path):
    config = tmp_path / "kiosk.conf"
    config.write_text(f"data_dir = {tmp_path / 'data'}\nport = {free_port()}\nfingerprint_reader = usb\n"
                      "thermal_queue =\na4_queue =\n")
    folder = FIXTURES / "nb1010"
    node = (folder / "capture.ioctl").read_text().split("\n", 1)[0].split(" ", 1)[1]
    status, report = doctor(config, prefix=["umockdev-run", "-d", str(folder / "device"), "-i",
                                            f"{node}={folder / 'capture.ioctl'}", "--"])
    assert verdicts(report)["fingerprint_reader"] == "ok", report
    assert "NEXT Biometrics NB-1010-U at port" in summary(report, "fingerprint_reader")
    status, report = doctor(config, prefix=["umockdev-wrapper"], env={"UMOCKDEV_DIR": str(tmp_path)})
    assert status == 1 and verdicts(report)["fingerprint_reader"] == "failure"
    assert "no supported reader on USB" in summary(report, "fingerprint_reader")
