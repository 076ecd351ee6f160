"""A printer's warnings, not only its faults: the print lab's IPP Everywhere printer reports its
toner nearly used up (`toner-low-report`, passed on by cupsd after a job), and the kiosk raises a
warning on the staff console, in the officer's language, and in `kiosk doctor`; a new cartridge
clears both."""
import json
import os
import subprocess
import time

from conftest import KIOSK_BIN
from print_peers import make_pdf
from screens import STAFF_SIZE, check_screen


def a4_job(lab, tmp_path) -> None:
    """A page printed on the A4 queue straight through cupsd: CUPS's ipp backend reads the
    printer's state on the way."""
    document = tmp_path / "page.pdf"
    document.write_bytes(make_pdf(["LSWO"]))
    subprocess.run(["lp", "-h", lab.cups_server, "-d", lab.a4_queue, str(document)], check=True, timeout=30,
                   capture_output=True)


def a4_faults(process, cookie: str, until, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        printers = process.request("GET", "/api/v1/printers", cookie=cookie)[1]["printers"]
        a4 = next(p for p in printers if p["role"] == "a4")
        if until(a4) or time.monotonic() > deadline:
            return a4
        time.sleep(0.5)


def doctor_a4(lab) -> dict:
    result = subprocess.run([KIOSK_BIN, "doctor", "--json"], capture_output=True, text=True, timeout=120, env={
        **os.environ, "KIOSK_CUPS_SERVER": lab.cups_server, "KIOSK_A4_QUEUE": lab.a4_queue,
        "KIOSK_THERMAL_QUEUE": lab.thermal_queue})
    report = json.loads(result.stdout)
    return next(check for check in report["checks"] if check["name"] == "a4_printer")


def test_toner_low_reaches_the_console_and_the_doctor(browser, printing_kiosk, print_lab, tmp_path, artifacts):
    process = printing_kiosk()
    cookie = process.staff_cookie()
    print_lab.set_toner(4)
    try:
        a4_job(print_lab, tmp_path)
        a4 = a4_faults(process, cookie, lambda p: p["faults"])
        assert [f["code"] for f in a4["faults"]] == ["toner-low"], a4
        assert a4["faults"][0]["message"] == {"mn": "Хорны нөөц дуусах дөхсөн", "en": "Toner running low"}
        assert a4["ready"] is True  # a warning: vacancy lists still print

        staff = browser.new_page(viewport={"width": STAFF_SIZE[1][0], "height": STAFF_SIZE[1][1]})
        staff.goto(process.base + "/staff")
        staff.fill("#username", "ajiltan2")
        staff.fill("#pin", "2468")
        staff.click("#sign-in-form button[type=submit]")
        alert = "#printer-alerts .printer-warning[data-printer='a4']"
        staff.wait_for_selector(alert, timeout=15000)
        assert "Хорны нөөц дуусах дөхсөн" in staff.inner_text(alert + " .printer-line")
        check_screen(staff, artifacts, "console-toner-low", reach=False)

        check = doctor_a4(print_lab)
        assert check["verdict"] == "warning" and "toner-low" in check["summary"], check
    finally:
        print_lab.set_toner(75)
    # A new cartridge: the next job reads the printer again, and the warning goes.
    a4_job(print_lab, tmp_path)
    staff.wait_for_selector("#printer-alerts .printer-warning[data-printer='a4']", state="detached", timeout=30000)
    # (A fresh session: the console's sign-in at the same counter ended the first one.)
    a4 = a4_faults(process, process.staff_cookie(), lambda p: not p["faults"])
    assert a4["faults"] == [], a4
    assert doctor_a4(print_lab)["verdict"] == "ok"
    staff.close()
