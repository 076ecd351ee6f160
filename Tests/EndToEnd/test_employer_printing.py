"""Issue 27: the employer's vacancy confirmation and the shortlist go to the office's A4 queue on
the real cupsd of the print lab (an IPP Everywhere A4 printer), not only to the officer's browser;
the printed PDFs are read back. A stopped queue and an office without an A4 printer answer with
the reason in both languages."""
import subprocess

from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_employers import a_driver_vacancy, open_transport_employer


def printed_text(pdf) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_confirmation_and_shortlist_go_to_the_a4_queue(browser, printing_kiosk, print_lab, artifacts):
    process = printing_kiosk()
    cookie = process.staff_cookie("ajiltan1")
    vacancy = a_driver_vacancy(process, cookie)
    reference = vacancy["reference"]
    status, person = process.request("POST", "/api/v1/registrations", registration_form(
        registry_number(61), givenName="Батболд", occupationCode="8332", desiredOccupationCode="8332",
        skills=["жолоо барих"]))
    assert status == 201, person
    status, referred = process.request("POST", f"/api/v1/staff/office-vacancies/{reference}/referrals",
                                       {"registrationIds": [person["id"]]}, cookie=cookie)
    assert status == 201, referred
    before = len(print_lab.a4_documents())

    # The confirmation, from the employer's page on the console.
    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_transport_employer(page, process, "ajiltan2", "2")
        page.click(f"[data-print='{reference}']")
        page.wait_for_selector("#vacancy-print-status[data-status='sent']")
        assert page.inner_text("#vacancy-print-status") == "Албаны A4 принтер рүү илгээлээ."
        check_screen(page, artifacts, "employer-confirmation-printed", reach=False)
        assert errors == []
    confirmation = printed_text(print_lab.wait_for_a4(before + 1)[-1])
    assert reference in confirmation and "Ачааны машины жолооч" in confirmation

    # The shortlist: the candidate's name, nothing they did not agree to share.
    status, answer = process.request("POST", f"/api/v1/staff/office-vacancies/{reference}/shortlist/print?lang=en",
                                     cookie=cookie)
    assert status == 200 and answer["status"] == "sent", answer
    assert answer["message"]["en"] == "Sent to the office's A4 printer."
    shortlist = printed_text(print_lab.wait_for_a4(before + 2)[-1])
    assert "Батболд" in shortlist and "Candidates referred to you" in shortlist
    for private in [registry_number(61), "99112233"]:
        assert private not in shortlist

    # Only staff who manage employers; a stopped A4 queue is said so, and nothing is printed.
    status, refused = process.request("POST", f"/api/v1/staff/office-vacancies/{reference}/shortlist/print")
    assert status == 401, refused
    subprocess.run(["cupsdisable", "-h", print_lab.cups_server, "-r", "toner", print_lab.a4_queue], check=True)
    try:
        status, answer = process.request(
            "POST", f"/api/v1/staff/office-vacancies/{reference}/confirmation/print", cookie=cookie)
        assert status == 200 and answer["status"] == "failed", answer
        assert answer["message"]["mn"].startswith("A4 принтер ажиллахгүй")
    finally:
        subprocess.run(["cupsenable", "-h", print_lab.cups_server, print_lab.a4_queue], check=True)
    status, _ = process.request("POST", "/api/v1/staff/office-vacancies/V-NONE-1/confirmation/print", cookie=cookie)
    assert status == 404


def test_an_office_without_an_a4_printer_is_told_so(kiosk):
    process = kiosk()
    cookie = process.staff_cookie("ajiltan1")
    reference = a_driver_vacancy(process, cookie)["reference"]
    status, answer = process.request(
        "POST", f"/api/v1/staff/office-vacancies/{reference}/confirmation/print", cookie=cookie)
    assert status == 200 and answer["status"] == "unavailable", answer
    assert "a4_queue" in answer["message"]["en"]
