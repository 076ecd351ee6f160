"""The office's own dashboard breaks the indicators that count people down by sex, age group,
education, disability and time out of work (issue 23), as the hub does: a table per dimension
for the period chosen, in Mongolian and English, at the console's 1366×768 and at 1920×1080,
with reach and axe checks. The figures are checked against the office database here; against a
hand-counted history in `IndicatorBreakdownSourceTests`."""
import sqlite3

from conftest import registration_form, registry_number
from screens import check_screen, sized_page
from test_grievance import sign_in

DIMENSIONS = ["sex", "ageGroup", "education", "disability", "timeUnemployed"]


def cells(page, table: str, group: str) -> list[str]:
    return page.locator(f'#breakdown-{table} tr[data-group="{group}"] td').all_inner_texts()


def test_the_head_sees_the_indicators_broken_down_in_both_languages(browser, kiosk, tmp_path, artifacts):
    data = tmp_path / "data"
    process = kiosk(data_dir=data)
    for index, disability in [(5201, False), (5202, True), (5203, False)]:
        status, created = process.request("POST", "/api/v1/registrations",
                                          registration_form(registry_number(index), hasDisability=disability))
        assert status == 201, created
    with sqlite3.connect(data / "kiosk.sqlite") as db:
        by_sex = dict(db.execute("SELECT sex, count(*) FROM registration GROUP BY sex").fetchall())
        unemployed = db.execute("SELECT count(*) FROM registration WHERE status = 'unemployed'").fetchone()[0]

    for size in ["staff", "1920x1080"]:
        with sized_page(browser, size) as page:
            sign_in(page, process, "darga", "1")
            for lang, title, female in [("mn", "Үзүүлэлтүүдийн задаргаа", "Эмэгтэй"),
                                        ("en", "Indicators broken down", "Female")]:
                page.goto(f"{process.base}/staff/dashboard?lang={lang}")
                page.wait_for_selector("#breakdown-panel")
                assert page.inner_text("#breakdown-title") == title
                assert [page.get_attribute(f"#breakdown-{d}", "id") for d in DIMENSIONS] == \
                    [f"breakdown-{d}" for d in DIMENSIONS]
                # Columns: registered jobseekers, registered unemployed, found a job, career guidance.
                for dimension in DIMENSIONS:
                    total = page.locator(f"#breakdown-{dimension} tfoot td").all_inner_texts()
                    assert total == ["3", str(unemployed), "0", "0"], (dimension, total)
                assert cells(page, "sex", "female")[0] == str(by_sex.get("female", 0))
                assert cells(page, "sex", "male")[0] == str(by_sex.get("male", 0))
                assert page.locator('#breakdown-sex tr[data-group="female"] th').inner_text() == female
                assert cells(page, "disability", "yes")[0] == "1"
                assert cells(page, "disability", "no")[0] == "2"
                assert cells(page, "timeUnemployed", "notProfiled")[0] == "3"
                # The page is long (the screen is scrolled): every table fits the width, nothing sideways.
                width = page.viewport_size["width"]
                for dimension in DIMENSIONS:
                    box = page.locator(f"#breakdown-{dimension}").bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (dimension, box)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                check_screen(page, artifacts, f"dashboard-breakdown-{lang}-{size}", reach=False)
                page.locator("#breakdown-panel").screenshot(
                    path=str(artifacts / f"dashboard-breakdown-panel-{lang}-{size}.png"))
