"""A person's case follows them (issue 23): someone registered at Sükhbaatar registers again at
Bayanzürkh; when the Bayanzürkh officer opens the case, the page asks the LMIS by itself and
shows the other office's summary with a notice at the top (no button to press). Each ask is a
read in the case's access record. A person known at this office only gets no notice."""
from conftest import registration_form, registry_number
from screens import STAFF_SIZE, check_screen, sized_page
from test_grievance import sign_in

PERSON = registry_number(321)


def two_offices(kiosk, hub, tmp_path) -> dict:
    """A kiosk at Sükhbaatar and one at Bayanzürkh, each enrolled with `hub` (syncing on command
    only): office code -> (process, data folder)."""
    from test_vacancies import sync

    hub["admin"]("PUT", "/admin/offices/UB-BZ", {"name": "Баянзүрх дүүргийн ХХҮХ", "adminUnit": "UB-BZ"})
    offices = {}
    for code in ("UB-SB", "UB-BZ"):
        data_dir = tmp_path / code
        process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600", "KIOSK_OFFICE_CODE": code})
        enrolment = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": code})["code"]
        assert sync("enrol", "--hub", hub["base"], "--code", enrolment, data_dir=data_dir).returncode == 0
        offices[code] = (process, data_dir)
    return offices


def test_the_case_at_another_office_is_shown_when_the_case_opens(browser, kiosk, hub, tmp_path, artifacts):
    from test_vacancies import sync

    offices = two_offices(kiosk, hub, tmp_path)

    first, first_dir = offices["UB-SB"]
    status, registered = first.request("POST", "/api/v1/registrations", registration_form(PERSON, givenName="Мөнхзул"))
    assert status == 201, registered
    assert sync("now", data_dir=first_dir).returncode == 0

    other, _ = offices["UB-BZ"]
    status, again = other.request("POST", "/api/v1/registrations", registration_form(PERSON, givenName="Мөнхзул"))
    assert status == 201, again

    def reads(process, person) -> int:
        status, log = process.request("GET", f"/api/v1/staff/cases/{person}/access",
                                      cookie=process.staff_cookie("ajiltan2", 1))
        assert status == 200, log
        return sum(1 for entry in log["access"] if entry["action"] == "read")

    with sized_page(browser, STAFF_SIZE[0]) as page:
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, other, "ajiltan1", "3")
        page.goto(other.base + f"/staff/cases/{again['id']}?lang=mn")
        page.wait_for_selector("#elsewhere-notice:not([hidden])")
        assert "UB-SB" in page.inner_text("#elsewhere-notice")
        assert page.get_attribute("#case-elsewhere", "data-other-offices") == "UB-SB"
        assert "UB-SB" in page.inner_text("#elsewhere-view")
        check_screen(page, artifacts, "01-elsewhere-shown", reach=False)
        # The page read the case and asked the LMIS: two reads on record; asking again is a third.
        assert reads(other, again["id"]) == 2
        page.evaluate("document.getElementById('elsewhere-status').removeAttribute('data-status')")
        page.click("#elsewhere-ask")
        page.wait_for_selector("#elsewhere-status[data-status='ok']")
        assert reads(other, again["id"]) == 3

        # Someone known at the first office only: no notice. (The first person's registration at
        # Bayanzürkh reaches the LMIS by itself within seconds: uploads do not wait for a round.)
        status, alone = first.request("POST", "/api/v1/registrations", registration_form(registry_number(322)))
        assert status == 201, alone
        assert sync("now", data_dir=first_dir).returncode == 0
        sign_in(page, first, "ajiltan1", "3")
        page.goto(first.base + f"/staff/cases/{alone['id']}?lang=en")
        page.wait_for_selector("#elsewhere-status[data-status='ok']")
        assert page.is_hidden("#elsewhere-notice")
        assert page.get_attribute("#case-elsewhere", "data-other-offices") == ""
        assert errors == []
