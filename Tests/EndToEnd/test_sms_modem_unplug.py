"""Issue 22: the office's USB GSM modem pulled out and plugged in again. umockdev presents the
modem's sysfs side (a Huawei stick with its ttyUSB0, `modem/huawei-e3531.umockdev`) to `kiosk
doctor`, then takes it away: the doctor says the modem is missing, in English and Mongolian, with
the messages that wait. gammu itself cannot drive an emulated tty here, so the daemon's side of
the unplug is the real gammu-smsd (dummy phone) stopped while the modem is out and started again
when it is back: the messages wait in its outbox, survive a restart of the kiosk, and each is sent
once."""
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import KIOSK_BIN, free_port
from test_provision import doctor
from test_sms import gammu, queue_directly, sms_kiosk, wait_for  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(
    shutil.which("gammu-smsd") is None or shutil.which("umockdev-run") is None,
    reason="gammu-smsd or umockdev is not installed")

MODEM = Path(__file__).parent / "modem" / "huawei-e3531.umockdev"


def doctor_config(tmp_path: Path, gammu, data: Path) -> Path:
    """The appliance's settings: gammu-smsd drives /dev/gsm-modem (the udev rule's name); the
    spool is the test daemon's, so the doctor counts the messages really waiting."""
    smsdrc = tmp_path / "appliance-smsdrc"
    smsdrc.write_text("[gammu]\nDevice = /dev/gsm-modem\nConnection = at\n\n[smsd]\nService = files\n")
    config = tmp_path / "kiosk.conf"
    config.write_text(f"data_dir = {data}\nport = {free_port()}\nfingerprint_reader = none\nthermal_queue =\n"
                      f"a4_queue =\nsms_route = gammu\nsms_spool = {gammu.spool}\nsms_smsdrc = {smsdrc}\n")
    return config


def usb_modem(report: dict) -> dict:
    return next(check for check in report["checks"] if check["name"] == "usb_modem")


def test_a_modem_pulled_out_is_reported_in_both_languages_and_its_messages_go_once_when_it_is_back(
        kiosk, gammu, tmp_path):
    data = tmp_path / "data"
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    config = doctor_config(tmp_path, gammu, data)

    # Plugged in: the doctor finds the stick and its serial port.
    _, report = doctor(config, prefix=["umockdev-run", "-d", str(MODEM), "--"])
    check = usb_modem(report)
    assert check["verdict"] == "ok", check
    assert check["summary"] == "Huawei HUAWEI Mobile at USB port 1-2, ttyUSB0", check
    assert "модем USB порт 1-2-д залгаатай" in check["summaryMN"], check
    assert check["facts"]["usb_id"] == "12d1:1001"

    # Pulled out: the daemon loses its modem (stopped here), and messages keep coming.
    gammu.stop()
    process.kill()
    ids = queue_directly(data / "kiosk.sqlite", 12)
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        assert wait_for(lambda: db.execute("SELECT count(*) FROM sms_message WHERE state = 'queued'").fetchone()[0] == 0)
    assert len(gammu.files("outbox")) == 12 and gammu.files("sent") == []
    empty = tmp_path / "no-devices"
    empty.mkdir()
    status, report = doctor(config, prefix=["umockdev-wrapper"], env={"UMOCKDEV_DIR": str(empty)})
    check = usb_modem(report)
    assert status == 1 and check["verdict"] == "failure", check
    assert check["summary"] == ("no USB GSM modem is plugged in: plug it in again; 12 messages wait and go once "
                                "it is back"), check
    assert check["summaryMN"] == ("USB GSM модем залгаагүй байна: дахин залгана уу; 12 мессеж хүлээж байгаа, "
                                  "модем ирэхэд илгээгдэнэ"), check
    # The text report says it in both languages too.
    text = subprocess.run(["umockdev-wrapper", KIOSK_BIN, "doctor", "--config", str(config)], capture_output=True,
                          text=True, timeout=180, env={**__import__("os").environ, "UMOCKDEV_DIR": str(empty)}).stdout
    assert "[FAIL] usb_modem" in text and "USB GSM модем залгаагүй байна" in text, text

    # Still out across a restart of the kiosk: nothing lost, nothing handed twice.
    process.stop()
    process = sms_kiosk(kiosk, gammu, data_dir=data)
    time.sleep(2)
    assert len(gammu.files("outbox")) == 12 and gammu.files("sent") == []

    # Back: the doctor finds it, the daemon starts again and sends each message once.
    _, report = doctor(config, prefix=["umockdev-run", "-d", str(MODEM), "--"])
    assert usb_modem(report)["verdict"] == "ok"
    gammu.start()
    assert gammu.wait(lambda: len(gammu.files("sent")) == 12, timeout=90), len(gammu.files("sent"))
    time.sleep(2)
    sent_ids = [path.name.rsplit("_", 1)[1].split(".")[0] for path in gammu.files("sent")]
    assert sorted(sent_ids) == sorted(i.replace("-", "") for i in ids)
    assert gammu.files("error") == [] and gammu.files("outbox") == []
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        # The queue holds each once, none waiting to be handed again or given up.
        states = dict(db.execute("SELECT state, count(*) FROM sms_message GROUP BY state").fetchall())
    assert sum(states.values()) == 12 and "queued" not in states and "failed" not in states, states
