"""Printing end to end: the real kiosk process, the private cupsd, the ESC/POS emulator and Chromium."""
import re
import subprocess
import time

from conftest import KioskProcess
from test_journey import open_journey


def ocr(image: str) -> str:
    """What tesseract reads on a printed receipt (Mongolian and English), lines joined."""
    text = subprocess.run(["tesseract", image, "-", "-l", "mon+eng"], capture_output=True, text=True, check=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout
    return " ".join(text.split())


def settled_receipts(lab) -> int:
    """The number of finished receipts once none has arrived for 300 ms (an earlier test's job
    may still be on its way)."""
    count = len(lab.receipts())
    while True:
        time.sleep(0.3)
        now = len(lab.receipts())
        if now == count:
            return now
        count = now


def take_ticket(browser, process: KioskProcess, service="Д"):
    context, page, errors = open_journey(browser, process, register_only=False)
    page.click(f'.service-option[data-service="{service}"]')
    page.wait_for_selector('.step.active[data-step="ticket"]')
    page.wait_for_selector("#ticket-print:not(:empty)")
    return context, page, errors


def test_a_ticket_taken_on_the_screen_comes_out_of_the_printer(browser, printing_kiosk, print_lab, artifacts):
    process = printing_kiosk(env={"KIOSK_PUBLIC_URL": "http://kiosk.office.lan:8080"})
    before = settled_receipts(print_lab)
    context, page, errors = take_ticket(browser, process)
    assert page.inner_text("#ticket-print") == "Тасалбараа доорх принтерээс авна уу."
    # The screen shows the same address as the QR code: where phones reach the kiosk.
    assert page.inner_text("#ticket-status").startswith("kiosk.office.lan:8080/t/")
    assert "print-failed" not in (page.get_attribute("#ticket-print", "class") or "")
    receipt = print_lab.wait_for_receipts(before + 1)[-1]
    ticket_id = process.request("GET", "/api/v1/queue", cookie=process.staff_cookie())[1]["waiting"][0]["id"]
    assert receipt["cut"]
    # The QR code carries the ticket's rating code: only its holder can rate the visit.
    assert len(receipt["qr"]) == 1
    assert re.fullmatch(rf"http://kiosk\.office\.lan:8080/t/{ticket_id}\?k=[A-Z0-9]{{8}}", receipt["qr"][0]), receipt["qr"]
    read = ocr(receipt["image"])
    for words in ("Д-001", "Нийгмийн халамжийн үйлчилгээ", "Social welfare", "Дугаараа дэлгэц дээр гарахыг хүлээнэ үү"):
        assert words in read, read
    page.screenshot(path=str(artifacts / "ticket-printed.png"))
    assert not errors
    context.close()


def test_paper_out_keeps_the_number_on_screen_and_reaches_the_console(browser, printing_kiosk, print_lab, artifacts):
    process = printing_kiosk()
    print_lab.set_fault("paper-out")
    before = settled_receipts(print_lab)
    context, page, errors = take_ticket(browser, process)
    assert page.inner_text("#ticket-number") == "Д-001"
    assert "Принтер ажиллахгүй байна" in page.inner_text("#ticket-print")
    assert "print-failed" in page.get_attribute("#ticket-print", "class")
    assert page.is_visible("#ticket-print-again")
    page.screenshot(path=str(artifacts / "kiosk-paper-out.png"))

    staff = browser.new_page()
    staff.goto(process.base + "/staff")
    staff.fill("#username", "ajiltan1")
    staff.fill("#pin", "2468")
    staff.click("#sign-in-form button[type=submit]")
    staff.wait_for_selector("#printer-alerts:not([hidden]) .printer-fault[data-printer='thermal']")
    assert "Цаас дууссан" in staff.inner_text("#printer-alerts")
    staff.screenshot(path=str(artifacts / "console-paper-out.png"))

    # A new roll: the console clears on the next check, and "print again" prints the ticket.
    print_lab.clear_fault("paper-out")
    staff.wait_for_selector("#printer-alerts", state="hidden", timeout=15000)
    page.click("#ticket-print-again")
    page.wait_for_selector("#ticket-print:has-text('Тасалбараа доорх принтерээс авна уу.')")
    assert len(print_lab.wait_for_receipts(before + 1)) == before + 1
    assert not errors
    context.close()
    staff.close()


def test_a_jam_and_a_stopped_queue_reach_the_console(browser, printing_kiosk, print_lab, artifacts):
    process = printing_kiosk()
    cookie = process.staff_cookie()
    print_lab.jam()
    try:
        status, ticket = process.request("POST", "/api/v1/tickets", {"serviceCode": "Д", "print": True})
        assert status == 201 and ticket["print"]["status"] == "sent"  # CUPS takes it; the backend jams
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            printers = process.request("GET", "/api/v1/printers", cookie=cookie)[1]["printers"]
            thermal = next(p for p in printers if p["role"] == "thermal")
            if {"jam", "stopped"} <= {f["code"] for f in thermal["faults"]}:
                break
            time.sleep(0.5)
        assert {"jam", "stopped"} <= {f["code"] for f in thermal["faults"]}, thermal
        assert not thermal["ready"]
        status, refused = process.request("POST", "/api/v1/tickets", {"serviceCode": "Д", "print": True})
        assert refused["print"]["status"] == "failed"
        assert refused["print"]["faults"][0]["message"]["mn"] == "Цаас гацсан"
    finally:
        print_lab.unjam()

    subprocess.run(["cupsdisable", "-h", print_lab.cups_server, "-r", "toner replaced", print_lab.a4_queue], check=True)
    try:
        staff = browser.new_page()
        staff.goto(process.base + "/staff")
        staff.fill("#username", "ajiltan2")
        staff.fill("#pin", "2468")
        staff.click("#sign-in-form button[type=submit]")
        staff.wait_for_selector("#printer-alerts .printer-fault[data-printer='a4']", timeout=15000)
        assert "Хэвлэх дараалал зогссон" in staff.inner_text("#printer-alerts")
        # CUPS's own English words are a folded detail, not the alert's line.
        alert = "#printer-alerts .printer-fault[data-printer='a4']"
        assert "toner replaced" not in staff.inner_text(alert + " .printer-line")
        assert staff.get_attribute(alert + " .printer-detail span", "lang") == "en"
        assert "toner replaced" in staff.text_content(alert + " .printer-detail")
        staff.click(alert + " .printer-detail summary")
        assert "toner replaced" in staff.inner_text("#printer-alerts")
        staff.screenshot(path=str(artifacts / "console-a4-stopped.png"))
        staff.close()
    finally:
        subprocess.run(["cupsenable", "-h", print_lab.cups_server, print_lab.a4_queue], check=True)


def test_technician_commands_report_and_print_test_pages(printing_kiosk, print_lab, tmp_path):
    import os
    from conftest import KIOSK_BIN

    env = {**os.environ, "KIOSK_CUPS_SERVER": print_lab.cups_server}
    status = subprocess.run([KIOSK_BIN, "printers", "status"], capture_output=True, text=True, env=env, timeout=30)
    assert status.returncode == 0, status.stdout + status.stderr
    assert "thermal printer (Thermal): ok" in status.stdout
    before = settled_receipts(print_lab)
    test = subprocess.run([KIOSK_BIN, "printers", "test"], capture_output=True, text=True, env=env, timeout=90)
    assert test.returncode == 0, test.stdout + test.stderr
    assert "thermal printer (Thermal): printed" in test.stdout
    assert "a4 printer (A4): printed" in test.stdout
    receipt = print_lab.wait_for_receipts(before + 1)[-1]
    assert "Өө Үү" in ocr(receipt["image"])
    pdf = print_lab.wait_for_a4(1)[-1]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Туршилтын хуудас" in text

    print_lab.set_fault("cover-open")
    try:
        failed = subprocess.run([KIOSK_BIN, "printers", "test", "--timeout", "5"], capture_output=True, text=True,
                                env=env, timeout=60)
        assert failed.returncode == 1
        assert "thermal printer (Thermal): FAILED" in failed.stdout
        assert "cover-open" in failed.stdout
    finally:
        print_lab.clear_fault("cover-open")
