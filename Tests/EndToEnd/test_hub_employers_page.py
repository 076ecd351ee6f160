"""Issue 27: the hub's employer breakdown as the operators see it. A kiosk takes in an employer
and a vacancy and syncs; the hub's page (`/admin/employers`, server-rendered, in Mongolian with
English beside it) shows the figures by sector and by employer in Chromium, passes axe, asks for
another period with its form, and downloads the same period's CSV (RFC 4180, UTF-8 with the
Cyrillic name, the documented header row); without the admin token both are refused."""

import csv
import io
import subprocess

from conftest import KIOSK_BIN, TOKEN
from screens import check_screen
from test_employers import a_driver_vacancy
from test_fleet import get

COLUMNS = ["level", "from", "to", "office", "sector", "register_number", "employer_name", "offices", "vacancies",
           "posts", "newly_created_posts", "vacancies_filled", "placements", "newly_created_placements"]


def downloaded_csv(page) -> list[list[str]]:
    """The rows of the CSV the page's `#csv` link downloads (UTF-8 with a byte-order mark, CRLF)."""
    with page.expect_download() as download:
        page.click("#csv")
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_the_employers_page_and_its_csv(browser, kiosk, hub, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrol = subprocess.run([KIOSK_BIN, "sync", "enrol", "--hub", hub["base"], "--code", code, "--data-dir",
                            str(data_dir)], capture_output=True, text=True, timeout=60)
    assert enrol.returncode == 0, enrol.stdout + enrol.stderr
    vacancy = a_driver_vacancy(process, process.staff_cookie())
    now = subprocess.run([KIOSK_BIN, "sync", "now", "--data-dir", str(data_dir)], capture_output=True, text=True,
                         timeout=60)
    assert now.returncode == 0, now.stdout + now.stderr
    assert hub["sql"](f"SELECT count(*) FROM office_vacancy WHERE reference = '{vacancy['reference']}'") == "1"

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.set_extra_http_headers({"Authorization": f"Bearer {TOKEN}"})
    page.goto(hub["base"] + "/admin/operations")
    page.click("nav a[href='/admin/employers']")
    page.wait_for_url("**/admin/employers")
    row = page.locator("tr[data-employer='5012345']")
    assert row.locator("th").inner_text() == "Тээвэр Логистик ХХК"
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "5012345"
    assert cells.nth(1).inner_text() == "H · Тээвэр, агуулахын үйл ажиллагаа · Transport and storage"
    assert cells.nth(2).inner_text() == "UB-SB"
    # Vacancies, posts, newly created posts, filled, placements, into newly created jobs.
    assert [cells.nth(i).inner_text() for i in range(3, 9)] == ["1", "1", "1", "0", "0", "0"]
    assert page.locator("tr[data-sector='H'] td").first.inner_text() == "1"
    assert page.locator("html").get_attribute("lang") == "mn"
    assert page.locator("h2#by-employer").inner_text() == "Ажил олгогчоор · By employer"
    check_screen(page, artifacts, "hub-employers-page", reach=False)

    # The same period's CSV, from the page's link.
    rows = downloaded_csv(page)
    assert rows[0] == COLUMNS
    employers = [dict(zip(COLUMNS, r)) for r in rows[1:] if r[0] == "employer"]
    assert [(e["register_number"], e["employer_name"], e["sector"], e["posts"], e["newly_created_posts"])
            for e in employers] == [("5012345", "Тээвэр Логистик ХХК", "H", "1", "1")]

    # Another period through the form: nothing in it, said in both languages.
    page.fill("input[name='from']", "2025-01-01")
    page.fill("input[name='to']", "2025-01-31")
    page.click("button[type='submit']")
    page.wait_for_url("**/admin/employers?from=2025-01-01&to=2025-01-31*")
    assert page.locator("tr[data-employer]").count() == 0
    assert "Nothing in this period." in page.locator("table").first.inner_text()
    check_screen(page, artifacts, "hub-employers-page-empty", reach=False)
    # A period the other way round: a page saying so, in both languages.
    page.goto(hub["base"] + "/admin/employers?from=2025-02-01&to=2025-01-01")
    assert "Хугацаа буруу" in page.inner_text("h1") and "Invalid period" in page.inner_text("h1")
    page.close()

    # Operators only.
    for path in ["/admin/employers", "/admin/employer-breakdown.csv"]:
        assert get(hub, path, token=None)[0] == 401
        assert get(hub, path, token="wrong")[0] == 401
