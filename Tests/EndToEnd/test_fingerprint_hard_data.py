"""The harder fingerprint sets' generator (Benchmarks/fingerprint-hard.py, issue 26): the same
arguments make the same files, another seed other files, each reader its window and resolution,
and dry and wet skin what they should look like."""
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "Benchmarks" / "fingerprint-hard.py"


def make(out, *arguments):
    subprocess.run([sys.executable, str(SCRIPT), str(out), "--fingers", "1", "--impressions", "2", "--jobs", "1",
                    *arguments], check=True, capture_output=True, timeout=300)
    with open(out / "manifest.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_same_arguments_make_the_same_bytes():
    result = subprocess.run([sys.executable, str(SCRIPT), "unused", "--check-determinism", "--reader", "upek",
                             "--impressions", "2", "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 files the same, 0 different" in result.stdout


def test_each_reader_has_its_window_and_resolution_and_seeds_differ(tmp_path):
    rows = make(tmp_path / "nb", "--reader", "nb1010", "--seed", "7")
    assert [row["file"] for row in rows] == ["101_1.png", "101_2.png"]
    image = Image.open(tmp_path / "nb" / "101_1.png")
    assert image.size == (256, 180)
    assert round(image.info["dpi"][0]) == 385
    other = make(tmp_path / "nb-other", "--reader", "nb1010", "--seed", "8")
    assert len(other) == 2
    assert (tmp_path / "nb" / "101_1.png").read_bytes() != (tmp_path / "nb-other" / "101_1.png").read_bytes()
    make(tmp_path / "upek", "--reader", "upek", "--seed", "7")
    assert Image.open(tmp_path / "upek" / "101_1.png").size == (144, 384)


def test_dry_skin_leaves_less_ridge_ink_than_wet_skin(tmp_path):
    dry = make(tmp_path / "dry", "--seed", "9", "--dry", "1", "--wet", "0")
    wet = make(tmp_path / "wet", "--seed", "9", "--dry", "0", "--wet", "1")
    assert {row["skin"] for row in dry} == {"dry"}
    assert {row["skin"] for row in wet} == {"wet"}

    def dark_share(folder):
        # ridge ink inside the contact area: pixels well below the background's grey
        pixels = np.concatenate([np.asarray(Image.open(folder / f"101_{i}.png"), dtype=float).ravel()
                                 for i in (1, 2)])
        return float((pixels < 140).mean())

    assert dark_share(tmp_path / "dry") < dark_share(tmp_path / "wet")
