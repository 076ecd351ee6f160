"""Fingerprint readers end to end: the real `kiosk` binary on recorded USB sessions of real
sensors (umockdev-run), and the kiosk screen following the reader in Chromium."""
import sqlite3
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from conftest import KIOSK_BIN, ROOT
from test_journey import fill_new_registration, next_step, open_journey, shot, tap, wait_step

def _fixtures() -> Path:
    """`$KIOSK_FIXTURES`, else `../shared/fixtures` beside the repository, else the workplace's
    `/work/shared/fixtures` (CI clones the repository elsewhere)."""
    import os
    if os.environ.get("KIOSK_FIXTURES"):
        return Path(os.environ["KIOSK_FIXTURES"])
    beside = ROOT.parent / "shared" / "fixtures"
    return beside if beside.exists() else Path("/work/shared/fixtures")


FIXTURES = _fixtures() / "usb"


def grey_png(path: Path) -> tuple[int, int, bytes]:
    """Width, height and grey levels of an 8-bit grey or RGB PNG (non-interlaced), read with
    the standard library only: an independent reader for the kiosk's own PNG writer."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (0, 2)
    channels = 1 if colour == 0 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[::channels]))
        previous = line
    return width, height, b"".join(rows)


def replay(recording: str, *command: str) -> subprocess.CompletedProcess:
    folder = FIXTURES / recording
    if (folder / "capture.ioctl").exists():
        node = (folder / "capture.ioctl").read_text().split("\n", 1)[0].split(" ", 1)[1]
        source = ["-i", f"{node}={folder / 'capture.ioctl'}"]
    else:
        sysfs = next(line[3:] for line in (folder / "device").read_text().splitlines() if line.startswith("P: "))
        source = ["-p", f"/sys{sysfs}={folder / 'capture.pcapng'}"]
    return subprocess.run(["umockdev-run", "-d", str(folder / "device"), *source, "--", KIOSK_BIN, *command],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("recording,size,dpi", [
    ("nb1010", (256, 180), 385), ("upektc_img", (144, 384), 500), ("aes3500", (256, 256), 500)])
def test_technician_capture_gives_the_reference_image(recording, size, dpi, tmp_path):
    listed = replay(recording, "fingerprint", "list")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "ready" in listed.stdout and f"{size[0]}x{size[1]} at {dpi} dpi" in listed.stdout
    out = tmp_path / "finger.png"
    captured = replay(recording, "fingerprint", "capture", "--out", str(out))
    assert captured.returncode == 0, captured.stdout + captured.stderr
    assert f"wrote {out}: {size[0]}x{size[1]} at {dpi} dpi" in captured.stdout
    ours = grey_png(out)
    reference = grey_png(FIXTURES / recording / "capture.png")
    assert ours[:2] == size == reference[:2]
    assert ours[2] == reference[2]


def test_no_reader_is_a_clear_failure(tmp_path):
    # No device in the test bed: nothing to list, nothing to capture, exit 1 with a reason.
    listed = subprocess.run(["umockdev-wrapper", KIOSK_BIN, "fingerprint", "list"], capture_output=True, text=True,
                            timeout=30, env={"UMOCKDEV_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert listed.returncode == 1
    assert "no supported reader found" in listed.stdout


def test_a_visitor_enrols_two_fingers_and_is_recognised_by_touch_next_time(browser, kiosk, artifacts):
    """The virtual reader "captures" the demo prints in order: the right index finger (01-03),
    the left (04-06), then the right (07) and the left (08) again."""
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual"})
    status, body = process.request("GET", "/api/v1/fingerprint/status")
    assert body == {"state": "ready", "reader": "virtual"}
    context, page, errors = open_journey(browser, process)
    fill_new_registration(page, "ТА85061512", "ДОРЖ", "ӨЛЗИЙ")
    wait_step(page, "consent")
    page.click("#consent")
    wait_step(page, "fingerprint")
    # The right index finger is asked for first; three agreeing prints complete it, then the left.
    page.wait_for_selector("#fingerprint-finger:has-text('Баруун гарын долоовор')")
    page.wait_for_selector("#fingerprint-finger:has-text('Одоо зүүн гарын долоовор')", timeout=60000)
    page.wait_for_selector("#fingerprint-finger:has-text('Хурууны хээ тань бүртгэгдлээ')", timeout=60000)
    assert page.get_attribute("#fingerprint-pad", "data-state") == "accepted"
    assert page.is_hidden("#fingerprint-skip")
    shot(page, artifacts, "fingerprint-enrolled")
    wait_step(page, "review")  # both fingers done: on to the review by itself
    next_step(page)
    wait_step(page, "done")
    reference = page.inner_text("#done-reference")
    context.close()

    # Next visit: a touch of the reader instead of the registry number.
    context, page, errors2 = open_journey(browser, process)
    wait_step(page, "registryNumber")
    page.wait_for_selector("#identify-box:not([hidden])")
    page.click("#identify-pad")
    wait_step(page, "known")
    assert page.inner_text("#known-name") == "Д. Өлзий"
    assert page.inner_text("#known-reference") == reference
    shot(page, artifacts, "fingerprint-recognised")
    # Recognised by finger, the person may update at once: no second finger is asked for.
    page.click("#known-update")
    wait_step(page, "names")
    assert page.input_value("#givenName") == "Өлзий"
    assert errors == [] and errors2 == []
    context.close()

    # Someone typing that registry number sees nothing about the person until one of the
    # enrolled fingers is shown (1:1, on the server); the next print is 08, the left index finger.
    context, page, errors3 = open_journey(browser, process)
    wait_step(page, "registryNumber")
    tap(page, "ТА85061512")
    next_step(page)
    wait_step(page, "prove")
    assert page.is_visible("#prove-finger") and page.is_visible("#prove-staff-with-finger")
    assert "Өлзий" not in page.content() and reference not in page.content()
    shot(page, artifacts, "fingerprint-prove")
    page.click("#prove-pad")
    page.wait_for_selector("#prove-status:has-text('Баярлалаа, баталгаажлаа')", timeout=30000)
    wait_step(page, "known")
    assert page.inner_text("#known-name") == "Д. Өлзий"
    # The proof is the page's alone: it opens the person's matches, then Finish ends it.
    token = page.evaluate("""() => new Promise(resolve => {
        const original = window.fetch;
        window.fetch = function (url, options) {
            resolve(options && options.headers && options.headers["X-Kiosk-Proof"]);
            return original.apply(this, arguments);
        };
        document.getElementById("known-update").click();
    })""")
    assert token and len(token) == 64
    wait_step(page, "names")
    assert page.input_value("#givenName") == "Өлзий"
    status, _ = process.request("GET", f"/api/v1/registrations/{registration_id(process)}/matches",
                                headers={"X-Kiosk-Proof": token})
    assert status == 200
    page.click("#finish")
    page.wait_for_url("**/kiosk")
    deadline = time.time() + 5
    while time.time() < deadline:
        status, body = process.request("GET", f"/api/v1/registrations/{registration_id(process)}/matches",
                                       headers={"X-Kiosk-Proof": token})
        if status == 401:
            break
        time.sleep(0.1)
    assert status == 401 and body["error"]["code"] == "proof.invalid"
    assert errors3 == []
    context.close()


def registration_id(process) -> str:
    with sqlite3.connect(process.data_dir / "kiosk.sqlite") as db:
        return db.execute("SELECT id FROM registration").fetchone()[0]


def test_reader_states_stream_to_the_screen(kiosk):
    """The event stream shows each state of a capture in order: place, read, lift, ready."""
    import json
    import threading
    import urllib.request

    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual"})
    seen = []

    def listen():
        with urllib.request.urlopen(process.base + "/api/v1/fingerprint/events", timeout=10) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    if len(seen) >= 5:
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    status, result = process.request("POST", "/api/v1/fingerprint/capture")
    assert status == 200 and result["accepted"] is True
    listener.join(timeout=10)
    assert [s["state"] for s in seen] == ["ready", "waitingForFinger", "captured", "waitingForLift", "ready"]
    assert all(s["reader"] == "virtual" for s in seen)
    # Two captures at once: the second is told the reader is busy.
    results = []
    threads = [threading.Thread(target=lambda: results.append(process.request("POST", "/api/v1/fingerprint/capture")[1]))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(str(r.get("problem")) for r in results) == ["None", "busy"]


def test_without_a_reader_the_kiosk_says_so(kiosk):
    process = kiosk()
    status, body = process.request("POST", "/api/v1/fingerprint/capture")
    assert status == 200 and body["accepted"] is False and body["problem"] == "absent"
    assert body["message"]["en"].startswith("No fingerprint reader")
