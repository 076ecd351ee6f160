"""The bundled reference data against a real `kiosk serve`: every aimag and district has its
soums or khoroos, a person can register in each, and the occupations people name are found."""
import time
from urllib.parse import quote

from conftest import registration_form, registry_number

CYRILLIC = set("АБВГДЕЁЖЗИЙКЛМНОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмноөпрстуүфхцчшщъыьэюя")


def items(process, path: str) -> list:
    status, body = process.request("GET", path)
    assert status == 200, body
    return body["items"]


def test_a_person_registers_in_a_soum_of_every_aimag_and_a_khoroo_of_every_district(kiosk):
    process = kiosk()
    top = items(process, "/api/v1/reference/admin-units")
    assert sorted(unit["kind"] for unit in top).count("aimag") == 21
    assert sorted(unit["kind"] for unit in top).count("district") == 9
    cookie = process.staff_cookie()
    for index, unit in enumerate(top):
        children = items(process, f"/api/v1/reference/admin-units?parent={unit['code']}")
        assert children, f"{unit['code']} has nothing to choose under it"
        assert {child["kind"] for child in children} == {"soum" if unit["kind"] == "aimag" else "khoroo"}
        for child in children:
            assert child["name"]["en"] and set(child["name"]["mn"]) & CYRILLIC, child
        # A different place in each list: the first, the last and the ones between.
        child = children[(index * 7) % len(children)]
        number = registry_number(4000 + index)
        status, created = process.request("POST", "/api/v1/registrations", registration_form(
            number, aimagCode=unit["code"], soumCode=child["code"]))
        assert status == 201, (unit["code"], child["code"], created)
        status, read = process.request("GET", f"/api/v1/registrations/{created['id']}", cookie=cookie)
        assert status == 200, read
        address = read.get("address", read)
        assert (address["aimagCode"], address["soumCode"]) == (unit["code"], child["code"])


def test_a_soum_of_another_aimag_is_refused_with_a_reason_in_both_languages(kiosk):
    process = kiosk()
    status, body = process.request("POST", "/api/v1/registrations", registration_form(
        registry_number(4100), aimagCode="MN-071", soumCode="UB-BZ-43"))
    assert status == 422, body
    errors = [error for error in body["error"]["fields"] if error["field"] == "soumCode"]
    assert [error["code"] for error in errors] == ["notInAimag"], body
    assert errors[0]["message"]["mn"] and errors[0]["message"]["en"], errors


def test_the_occupations_people_name_come_first(kiosk):
    process = kiosk()
    for query, expected in [("тогоо", "5120"), ("худалд", "5223"), ("харуул", "5414"), ("малч", "6121"),
                            ("няра", "4321"), ("жолоо", "8322"), ("cook", "5120")]:
        found = items(process, "/api/v1/reference/occupations?limit=5&q=" + quote(query))
        assert found and found[0]["code"] == expected, (query, [item["code"] for item in found])
        assert found[0]["kind"] == "unit"


def test_the_whole_country_costs_little_at_start_and_per_request(kiosk, tmp_path):
    started = time.monotonic()
    process = kiosk()
    first_start = time.monotonic() - started  # installs the bundled set into a new database
    process.stop()
    started = time.monotonic()
    process.start()
    again = time.monotonic() - started
    timings = []
    for _ in range(20):
        begun = time.monotonic()
        items(process, "/api/v1/reference/admin-units?parent=UB-BZ")
        items(process, "/api/v1/reference/occupations?limit=12&q=" + quote("тог"))
        timings.append(time.monotonic() - begun)
    timings.sort()
    print(f"start with install {first_start:.2f} s, start again {again:.2f} s, "
          f"khoroos + occupation search median {timings[10] * 1000:.1f} ms")
    assert timings[10] < 0.25
