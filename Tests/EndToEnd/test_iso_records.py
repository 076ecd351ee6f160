"""ISO/IEC 19794-2:2005 finger minutiae records against another implementation (issue 8).

No tool on Debian or PyPI writes standard 2005 records (NBIS's Python exports write resolution 0
and no finger view). The closest is PyPI's `afis` (an independent MIT implementation of the
record layout, installed by dev.sh without its image-processing dependencies): its reader
parses a record field by field, and its writer follows the same layout except for two things its
own source states: the version field is "020\\0" instead of " 20\\0", and the minutia quality
is scaled to 0-255. So:

- the kiosk's records (`kiosk fingerprint record`) are read back by afis's reader, and both
  readers must see the same header, finger views and minutiae;
- afis's records are refused by the kiosk's reader for their version field, with that reason;
  with the version field set right (and qualities kept within 0-100) the kiosk reads exactly
  the minutiae afis wrote.
"""
import importlib.util
import json
import math
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import KIOSK_BIN
from test_fingerprint import _fixtures

SET = _fixtures() / "fingerprints" / "synthetic-180x256-seed23"


def afis_templates():
    """afis's record codec (`afis/algorithms/templates.py`, numpy only), loaded from its file:
    the package's own `__init__` imports the extractors, whose dependencies are not installed."""
    spec = importlib.util.find_spec("afis")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("PyPI afis is not installed in the test venv (Provisioning/dev.sh test installs it)")
    path = Path(list(spec.submodule_search_locations)[0]) / "algorithms" / "templates.py"
    module_spec = importlib.util.spec_from_file_location("afis_templates", path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module  # dataclasses look their module up there
    module_spec.loader.exec_module(module)
    return module


def kiosk(*arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([KIOSK_BIN, "fingerprint", *arguments], capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def read_with_kiosk(path: Path) -> dict:
    return json.loads(kiosk("read-record", str(path), "--json").stdout)


def angle_byte(theta: float) -> int:
    return round(math.degrees(theta) % 360 / 360 * 256) % 256


def test_kiosk_records_read_by_afis(tmp_path):
    record = tmp_path / "two-fingers.fmr"
    out = kiosk("record", str(SET / "101_1.png"), str(SET / "102_1.png"), "--finger", "2", "--finger", "7",
                "--out", str(record)).stdout
    assert "2 finger view(s)" in out
    data = record.read_bytes()
    ours = read_with_kiosk(record)
    assert [view["fingerPosition"] for view in ours["views"]] == [2, 7]
    # The layout's own arithmetic: 24-byte header, per view 4 + 6 per minutia + 2.
    assert len(data) == 24 + sum(4 + 6 * len(view["minutiae"]) + 2 for view in ours["views"])
    assert struct.unpack(">I", data[8:12])[0] == len(data)

    codec = afis_templates()
    header, minutiae = codec.decode_iso19794_2(data)  # afis reads the first view
    first = ours["views"][0]
    assert (header.width, header.height) == (ours["width"], ours["height"]) == (180, 256)
    assert (header.resolution_x, header.resolution_y) == (197, 197)  # 500 dpi in pixels per centimetre
    assert header.finger_position == 2 and header.image_quality == first["quality"]
    assert len(minutiae) == len(first["minutiae"]) >= 15
    for (x, y, theta, kind, quality), mine in zip(minutiae, first["minutiae"]):
        assert (int(x), int(y)) == (mine["x"], mine["y"])
        assert angle_byte(theta) == mine["angle"]
        assert ("bifurcation" if kind == 1 else "ending") == mine["type"]
        assert round(quality * 255) == mine["quality"]  # afis reads the quality byte as a fraction of 255

    # One view per image, numbered per finger.
    one = tmp_path / "one-finger-twice.fmr"
    kiosk("record", str(SET / "101_1.png"), str(SET / "101_2.png"), "--finger", "2", "--finger", "2",
          "--out", str(one))
    assert [(v["fingerPosition"], v["viewNumber"]) for v in read_with_kiosk(one)["views"]] == [(2, 0), (2, 1)]


def test_afis_records_read_by_the_kiosk(tmp_path):
    codec = afis_templates()
    import numpy as np

    given = [  # x, y, angle byte, kind (afis: 0 ending, 1 bifurcation), quality byte
        (12, 40, 0, 0, 60), (179, 255, 255, 1, 100), (90, 128, 64, 0, 1), (3, 200, 200, 1, 0),
        (150, 17, 128, 0, 35),
    ]
    rows = np.array([(x, y, a * 2 * math.pi / 256, kind, q / 255) for x, y, a, kind, q in given])
    header = codec.FingerprintTemplateHeader(width=180, height=256, resolution_x=197, resolution_y=197,
                                             finger_position=7, impression_type=0, image_quality=73)
    written = codec.encode_iso19794_2(header, rows)

    as_written = tmp_path / "afis.fmr"
    as_written.write_bytes(written)
    refused = kiosk("read-record", str(as_written), check=False)
    assert refused.returncode == 1
    assert "version 020 is not 2005" in refused.stdout

    fixed = tmp_path / "afis-version-fixed.fmr"
    fixed.write_bytes(written[:4] + b" 20\x00" + written[8:])
    record = read_with_kiosk(fixed)
    assert (record["width"], record["height"], record["resolution"]) == (180, 256, [197, 197])
    assert len(record["views"]) == 1 and record["extendedDataBytes"] == [0]
    view = record["views"][0]
    assert (view["fingerPosition"], view["quality"], view["impressionType"]) == (7, 73, 0)
    assert [(m["x"], m["y"], m["angle"], m["type"], m["quality"]) for m in view["minutiae"]] == [
        (x, y, a, "bifurcation" if kind else "ending", q) for x, y, a, kind, q in given]

    # afis's 0-255 qualities are out of the 2005 range: refused, with the reason.
    loud = tmp_path / "afis-quality-255.fmr"
    loud_rows = rows.copy()
    loud_rows[0, 4] = 1.0
    loud.write_bytes(b"FMR\x00 20\x00" + codec.encode_iso19794_2(header, loud_rows)[8:])
    refused = kiosk("read-record", str(loud), check=False)
    assert refused.returncode == 1 and "quality" in refused.stdout


def test_damaged_records_are_refused_with_the_reason(tmp_path):
    record = tmp_path / "good.fmr"
    kiosk("record", str(SET / "103_1.png"), "--finger", "7", "--out", str(record))
    data = record.read_bytes()
    cases = {
        "truncated.fmr": (data[:-5], "says"),
        "not-a-record.fmr": (b"\x89PNG\r\n\x1a\n" + data[8:], "no FMR format identifier"),
        "long.fmr": (data + b"\x00\x00", "says"),
    }
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = kiosk("read-record", str(path), check=False)
        assert result.returncode == 1, name
        assert reason in result.stdout, (name, result.stdout)
    missing = kiosk("read-record", str(tmp_path / "absent.fmr"), check=False)
    assert missing.returncode == 1 and "cannot read" in missing.stdout
    bad_finger = kiosk("record", str(SET / "103_1.png"), "--finger", "11", "--out", str(tmp_path / "x.fmr"),
                       check=False)
    assert bad_finger.returncode != 0 and "finger position 11 is not 0–10" in bad_finger.stderr
