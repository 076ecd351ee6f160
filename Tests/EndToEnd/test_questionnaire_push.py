"""The hub pushes a new profiling questionnaire (issue 23): `PUT /admin/reference/profiling` with
one questionnaire keyed by its version; kiosks take it in their next sync and ask it from their
next start, while profiles already answered keep the version they were answered under. A broken
questionnaire never reaches a kiosk's start; the hub refuses one without a version or several."""
import json
import urllib.error

import pytest

from conftest import ROOT
from test_sync_streams import enrol, sync_cli


def put_profiling(hub, items) -> int:
    try:
        hub["admin"]("PUT", "/admin/reference/profiling", items)
        return 200
    except urllib.error.HTTPError as error:
        return error.code


def test_a_questionnaire_from_the_hub_is_asked_from_the_next_start(kiosk, hub, tmp_path):
    data_dir = tmp_path / "data"
    bundled = json.loads((ROOT / "Kiosk/reference/profiling.json").read_text())
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    status, asked = process.request("GET", "/api/v1/profiling/questionnaire")
    assert status == 200 and asked["version"] == bundled["version"]
    process.terminate()
    assert enrol(hub, data_dir).returncode == 0

    # What the hub refuses: no version, two at once.
    assert put_profiling(hub, [{k: v for k, v in bundled.items() if k != "version"}]) == 400
    assert put_profiling(hub, [bundled, {**bundled, "version": "other"}]) == 400

    # A broken questionnaire (a threshold that no score reaches, in the wrong order) is taken by
    # the hub as data but never by the kiosk: the start still asks the bundled one.
    broken = {**bundled, "version": "broken-2027.0", "thresholds": {"medium": 50, "high": 10}}
    assert put_profiling(hub, [broken]) == 200
    assert sync_cli("now", data_dir=data_dir).returncode == 0
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    assert process.request("GET", "/api/v1/profiling/questionnaire")[1]["version"] == bundled["version"]
    process.terminate()

    # A good one, with a question reworded: synced, then asked from the next start.
    new = json.loads(json.dumps(bundled))
    new["version"] = "hub-2027.1"
    new["questions"][0]["text"] = {"mn": "Хэдэн сар ажилгүй байна вэ? (шинэ)", "en": "How many months out of work? (new)"}
    assert put_profiling(hub, [new]) == 200
    assert sync_cli("now", data_dir=data_dir).returncode == 0
    process = kiosk(data_dir=data_dir, env={"KIOSK_SYNC_INTERVAL": "3600"})
    status, asked = process.request("GET", "/api/v1/profiling/questionnaire")
    assert status == 200 and asked["version"] == "hub-2027.1"
    assert asked["questions"][0]["text"]["mn"].endswith("(шинэ)")
    assert "profiling questionnaire from the hub" in process.log.read_text()
    process.terminate()
