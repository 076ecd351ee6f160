"""Advice on placing the finger again (issue 26): a capture the quality gate refuses gets a prompt
that says what to change (a wet finger, a dry one, a finger off the middle of the reader), on the
screen in the visitor's language and in audio mode as the kiosk's speech phrase. The virtual
reader "captures" generated images from a folder of the test's own, in turn."""
import struct
import zlib
from pathlib import Path

import pytest

from screens import check_screen, sized_page
from test_journey import open_journey
from test_speech import requested, wait_until


def write_grey_png(path: Path, width: int, height: int, pixel) -> None:
    """An 8-bit greyscale PNG of `pixel(x, y)`."""
    rows = b"".join(b"\x00" + bytes(pixel(x, y) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
                     + chunk(b"IEND", b""))


def ridges(dark: int, light: int, left: int = 0, right: int = 200):
    """Slanted ridges between columns `left` and `right` of a 200×240 image, white elsewhere."""
    return lambda x, y: (dark if (x // 4 + y // 9) % 2 == 0 else light) if left <= x < right else 255


def advice_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "captures"
    folder.mkdir()
    # A wet finger: dark, and the ridges run together (little contrast).
    write_grey_png(folder / "1-wet.png", 200, 240, ridges(25, 50))
    # The finger only at the reader's left edge.
    write_grey_png(folder / "2-off-centre.png", 200, 240, ridges(40, 220, 0, 50))
    return folder


def test_each_refused_capture_says_what_to_change_in_both_languages(kiosk, tmp_path):
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual",
                         "KIOSK_FINGERPRINT_IMAGES": str(advice_folder(tmp_path))})
    for problem, english, mongolian in (("tooWet", "Your finger seems wet", "Хуруу тань нойтон байна"),
                                        ("offCentre", "middle of the reader", "яг голд нь")):
        status, body = process.request("POST", "/api/v1/fingerprint/capture")
        assert status == 200, body
        assert body["accepted"] is False and body["problem"] == problem, body
        assert english in body["message"]["en"] and mongolian in body["message"]["mn"], body


def test_the_fingerprint_step_shows_and_speaks_the_advice(browser, kiosk, tmp_path, artifacts):
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual",
                         "KIOSK_FINGERPRINT_IMAGES": str(advice_folder(tmp_path))})
    # On the screen: the registry-number step's reader pad, in Mongolian.
    context, page, errors = open_journey(browser, process)
    page.wait_for_selector("#identify-box:not([hidden])")
    page.click("#identify-pad")
    page.wait_for_selector("#identify-status:has-text('Хуруу тань нойтон байна')", timeout=20000)
    page.click("#identify-pad")
    page.wait_for_selector("#identify-status:has-text('яг голд нь')", timeout=20000)
    assert page.get_attribute("#identify-pad", "data-state") == "ready"
    assert errors == []
    context.close()

    # In audio mode the same advice is spoken: the status is a live region, read as its phrase.
    with sized_page(browser, "1280x800") as page:
        page.goto(process.base + "/kiosk")
        page.wait_for_selector("#audio-start")
        page.keyboard.press("Numpad5")
        wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")
        page.click('[data-lang="en"]')
        page.wait_for_url("**/kiosk/en/register")
        page.click("#only-register")
        page.wait_for_selector('.step.active[data-step="registryNumber"]')
        wait_until(page, "() => !!(window.kioskSpeech && window.kioskSpeech.active)")
        page.click("#identify-pad")
        page.wait_for_selector("#identify-status:has-text('Your finger seems wet')", timeout=20000)
        wait_until(page, "() => window.kioskSpeech.requested.some(u => u.endsWith('/en/fingerprint.problems.tooWet'))")
        assert "en/fingerprint.problems.tooWet" in requested(page)
        check_screen(page, artifacts, "fingerprint-advice-wet", reach=False)


@pytest.mark.parametrize("size", ["1920x1080", "1080x1920", "1280x800"])
def test_the_advice_fits_every_touchscreen_in_normal_and_large_text(browser, kiosk, tmp_path, artifacts, size):
    """Each refused capture's advice at the landscape, portrait and 1280×800 screens, in normal and
    large text (1280×800 in normal text is walked above): the pad, the advice and every button on
    screen, axe clean. The reader's captures come in turn: wet, off-centre, wet, …"""
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual",
                         "KIOSK_FINGERPRINT_IMAGES": str(advice_folder(tmp_path))})
    for large in (False, True) if size != "1280x800" else (True,):
        with sized_page(browser, size, has_touch=True, locale="mn-MN") as page:
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(process.base + "/kiosk/mn/register" + ("?text=large" if large else ""))
            page.wait_for_selector('.step.active[data-step="service"]')
            page.click("#only-register")
            page.wait_for_selector('.step.active[data-step="registryNumber"]')
            page.wait_for_selector("#identify-box:not([hidden])")
            assert page.get_attribute("#toggle-text", "aria-pressed") == ("true" if large else "false")
            text = "large" if large else "normal"
            for number, advice in ((1, "Хуруу тань нойтон байна"), (2, "яг голд нь")):
                page.click("#identify-pad")
                page.wait_for_selector(f"#identify-status:has-text('{advice}')", timeout=20000)
                assert page.get_attribute("#identify-pad", "data-state") == "ready"
                assert page.is_visible("#identify-status")
                check_screen(page, artifacts / "fingerprint-advice", f"{size}-{text}-{number}")
            assert errors == []
