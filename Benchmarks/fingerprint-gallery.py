#!/usr/bin/env python3
"""Distinct generated fingers for the 1:N figures (issue 8): thousands of fingers from the
project's generator (../shared/tools/fingerprints/synth_fp.py), in batches, about twice as fast.

The generator spends nearly all its time growing each finger's master print: per Gabor
iteration one inverse FFT of the whole canvas per filter of the bank, of which only the pixels
of that filter's orientation and period bin are kept. Here the same growth runs with real FFTs
(the canvas is real and every filter real and point-symmetric, so half the spectrum holds it all)
and with each bin's pixel indices found once instead of per iteration. Everything else (the
orientation field, the period map, the bank, the impressions, the file names, the manifest) is
the generator's own code, imported, so a finger is the one synth_fp.py makes for the same seed:
`--check` compares one master print with the generator's (they agree to about 1e-13).

Fingers are made in batches (`--batch`), the manifest growing after each one, so a run that is
stopped leaves whole batches; `--first` starts at another finger index (finger ids are
101 + index, as synth_fp.py names them) to extend a gallery.

    python3 -m venv /tmp/fpgen && /tmp/fpgen/bin/pip install numpy scipy pillow
    /tmp/fpgen/bin/python Benchmarks/fingerprint-gallery.py OUT --fingers 10500 --impressions 4 \
        --sensor 180x256 --seed 2026
    .build-release/release/fingerprint-bench --gallery OUT --accuracy-sizes 1000,10000
"""
import argparse
import csv
import os
import sys
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
# The generator: $SYNTH_FP_DIR, else ../shared/tools/fingerprints beside the repository, else the
# workplace's /work/shared/tools/fingerprints (CI clones the repository elsewhere).
GENERATOR_DIRS = [os.path.join(HERE, "..", "..", "shared", "tools", "fingerprints"), "/work/shared/tools/fingerprints"]
sys.path.insert(0, os.environ.get("SYNTH_FP_DIR") or next(
    (folder for folder in GENERATOR_DIRS if os.path.exists(os.path.join(folder, "synth_fp.py"))), GENERATOR_DIRS[0]))

import numpy as np  # noqa: E402
from scipy import fft  # noqa: E402

import synth_fp  # noqa: E402

generator_master_print = synth_fp.master_print


def master_print(rng, n=synth_fp.MASTER, iters=14, nbins=12, pbins=2):
    """synth_fp.master_print, with the same random draws in the same order."""
    orientation, finger_class = synth_fp.orientation_field(rng, n)
    period = synth_fp.period_map(rng, n)
    periods = np.linspace(period.min(), period.max(), pbins)
    bank = synth_fp.gabor_bank(n, periods, nbins)
    orientation_bin = (np.round((np.mod(orientation, np.pi)) / (np.pi / nbins)).astype(int)) % nbins
    period_bin = np.abs(period[..., None] - periods[None, None, :]).argmin(-1)
    image = np.zeros((n, n))
    seeds = rng.integers(8, 20)
    image[rng.integers(0, n, seeds), rng.integers(0, n, seeds)] = 1.0
    image += rng.normal(0, 0.02, (n, n))
    columns = n // 2 + 1
    filters = []
    for (period_index, orientation_index), response in bank.items():
        pixels = np.flatnonzero((orientation_bin == orientation_index) & (period_bin == period_index))
        if pixels.size:
            filters.append((np.ascontiguousarray(response[:, :columns]), pixels))
    for _ in range(iters):
        spectrum = fft.rfft2(image)
        grown = np.zeros(n * n)
        for response, pixels in filters:
            grown[pixels] = fft.irfft2(spectrum * response, s=(n, n)).ravel()[pixels]
        grown = grown.reshape(n, n)
        grown /= np.abs(grown).max() + 1e-9
        image = np.clip(grown * 3.0, -1, 1)
    return image, orientation, finger_class


def check(arguments):
    ours = master_print(np.random.default_rng([arguments.seed, 0]), iters=arguments.iters,
                        nbins=arguments.obins, pbins=arguments.pbins)[0]
    theirs = generator_master_print(np.random.default_rng([arguments.seed, 0]), iters=arguments.iters,
                                    nbins=arguments.obins, pbins=arguments.pbins)[0]
    difference = float(np.abs(ours - theirs).max())
    print(f"largest difference from synth_fp.master_print: {difference:.3g}")
    return 0 if difference < 1e-9 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--first", type=int, default=0, help="first finger index (id 101 + index)")
    parser.add_argument("--fingers", type=int, default=1000)
    parser.add_argument("--impressions", type=int, default=4)
    parser.add_argument("--sensor", default="180x256", help="WxH in output pixels")
    parser.add_argument("--dpi", type=float, default=500.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quality", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--iters", type=int, default=14)
    parser.add_argument("--obins", type=int, default=12)
    parser.add_argument("--pbins", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--check", action="store_true", help="compare one master print with synth_fp's and stop")
    arguments = parser.parse_args()
    if arguments.check:
        return check(arguments)
    synth_fp.master_print = master_print  # one_finger (run in the worker processes) uses this one
    os.makedirs(arguments.out, exist_ok=True)
    width, height = map(int, arguments.sensor.lower().split("x"))
    scale = arguments.dpi / 500.0
    manifest = os.path.join(arguments.out, "manifest.csv")
    if not os.path.exists(manifest):
        with open(manifest, "w", newline="") as handle:
            csv.writer(handle).writerow(["file", "finger", "impression", "class", "quality", "width", "height", "dpi"])
    end = arguments.first + arguments.fingers
    with Pool(arguments.jobs) as pool:
        for start in range(arguments.first, end, arguments.batch):
            batch = range(start, min(start + arguments.batch, end))
            rows = pool.starmap(synth_fp.one_finger, [(arguments, f, width, height, scale) for f in batch])
            with open(manifest, "a", newline="") as handle:
                csv.writer(handle).writerows(row for finger in rows for row in finger)
            print(f"fingers {101 + batch[0]}..{101 + batch[-1]} written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
