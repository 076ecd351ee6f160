"""Issue 23: the hub's indicator breakdowns as the operators see them. A kiosk registers two
people and syncs; the hub's page (`/admin/indicators`, server-rendered, in Mongolian with English
beside it) shows the month's totals and the breakdowns by sex, age group, education, disability
and time out of work for the whole country and, through its form, for the office; it passes axe at
1366×768 and 1920×1080 and downloads the same month's CSV; a bad month is a page saying so;
without the admin token both are refused."""

import datetime
from zoneinfo import ZoneInfo

from conftest import TOKEN, registration_form, registry_number
from screens import check_screen
from test_fleet import get
from test_hub_employers_page import downloaded_csv
from test_sync import sync_cli

COLUMNS = ["month", "office", "dimension", "group", "registered_jobseekers", "registered_unemployed",
           "found_job_through_office", "career_guidance_beneficiaries"]
DIMENSIONS = ["sex", "ageGroup", "education", "disability", "timeUnemployed"]


def first_cells(page, dimension: str) -> dict[str, str]:
    """A dimension's table: each group's registered jobseekers."""
    rows = page.locator(f"table[data-dimension='{dimension}'] tbody tr[data-group]")
    return {rows.nth(i).get_attribute("data-group"): rows.nth(i).locator("td").first.inner_text()
            for i in range(rows.count())}


def test_the_indicators_page_for_the_country_and_an_office_and_its_csv(browser, kiosk, hub, tmp_path, artifacts):
    data_dir = tmp_path / "data"
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    code = hub["admin"]("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})["code"]
    enrol = sync_cli("enrol", "--hub", hub["base"], "--code", code, data_dir=data_dir)
    assert enrol.returncode == 0, enrol.stdout + enrol.stderr
    for index, given in ((401, "Сарангэрэл"), (402, "Өнөрбаяр")):
        status, created = process.request("POST", "/api/v1/registrations",
                                          registration_form(registry_number(index), givenName=given))
        assert status == 201, created
    now = sync_cli("now", data_dir=data_dir)
    assert now.returncode == 0, now.stdout + now.stderr
    month = datetime.datetime.now(ZoneInfo("Asia/Ulaanbaatar")).strftime("%Y-%m")
    # The page's default month is the hub's (UTC) month: ask for the office's month by name.
    query = f"?month={month}"

    for size in ((1366, 768), (1920, 1080)):
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_extra_http_headers({"Authorization": f"Bearer {TOKEN}"})
        page.goto(hub["base"] + "/admin/operations")
        page.click("nav a[href='/admin/indicators']")
        page.wait_for_url("**/admin/indicators")
        page.goto(hub["base"] + "/admin/indicators" + query)
        assert page.locator("html").get_attribute("lang") == "mn"
        assert page.inner_text("h1") == "Үзүүлэлтийн задаргаа · Indicator breakdown"
        assert page.locator("select[name='office'] option:checked").inner_text() == "Улсын хэмжээнд · Whole country"
        assert "The country's figures are the offices' figures added up." in page.inner_text("#note")
        assert page.locator("tr[data-group='total'] td").first.inner_text() == "2"
        for dimension in DIMENSIONS:
            counts = first_cells(page, dimension)
            assert sum(int(n) for n in counts.values()) == 2, (dimension, counts)
        assert set(first_cells(page, "ageGroup")) >= {"15-24", "25-34", "35-54", "55+"}
        assert page.inner_text("#dimension-sex") == "Хүйс · Sex"
        check_screen(page, artifacts, f"hub-indicators-country-{size[0]}x{size[1]}", reach=False)

        # The office through the form: the same two people, the form keeping the choice.
        page.select_option("select[name='office']", "UB-SB")
        page.click("button[type='submit']")
        page.wait_for_url(f"**/admin/indicators?month={month}&office=UB-SB")
        assert page.locator("select[name='office'] option:checked").inner_text() == "UB-SB"
        assert page.locator("tr[data-group='total'] td").first.inner_text() == "2"
        assert "added up" not in page.inner_text("#note")
        check_screen(page, artifacts, f"hub-indicators-office-{size[0]}x{size[1]}", reach=False)
        assert errors == []
        if size == (1366, 768):
            # The same month's CSV, from the page's link.
            rows = downloaded_csv(page)
            assert rows[0] == COLUMNS
            assert rows[1] == [month, "UB-SB", "total", "", "2", rows[1][5], "0", "0"]
            for dimension in DIMENSIONS:
                assert sum(int(r[4]) for r in rows[2:] if r[2] == dimension) == 2, dimension

            # A month with nothing in it: zeros, said in both languages where a table is empty.
            page.fill("input[name='month']", "2025-01")
            page.click("button[type='submit']")
            page.wait_for_url("**/admin/indicators?month=2025-01*")
            assert page.locator("tr[data-group='total'] td").first.inner_text() == "0"
            assert "Nothing in this month." in page.locator("table[data-dimension='education']").inner_text()
            check_screen(page, artifacts, "hub-indicators-empty", reach=False)
            # A month that is not one and an office the hub does not know: a page saying so.
            for bad in ("?month=2025-13", "?month=2025-01&office=NOWHERE"):
                answer = page.goto(hub["base"] + "/admin/indicators" + bad)
                assert answer.status == 400
                assert page.inner_text("h1") == "Хүсэлт буруу · Invalid request"
                check_screen(page, artifacts, "hub-indicators-bad", reach=False)
        page.close()

    # Operators only.
    for path in ["/admin/indicators", "/admin/indicators.csv"]:
        assert get(hub, path, token=None)[0] == 401
        assert get(hub, path, token="wrong")[0] == 401
