#!/usr/bin/env python3
"""Harder fingerprint sets (issue 26): the project's master prints, impressions made the way
real skin and the three supported readers spoil them.

The master print of each finger is the generator's (../shared/tools/fingerprints/synth_fp.py,
grown quicker by fingerprint-gallery.py, the same print for the same seed). The impressions are
made here, because the generator has no knob for these:
- plastic distortion: the skin held by friction in a contact core while the rest of the finger
  is pushed and twisted (the core stays, the displacement grows to its full size over a ring
  around it), on top of a smooth random field twice the generator's;
- partial prints: a smaller contact area, often off the sensor's middle;
- dry skin: thin ridges broken into dots by fine-grained gaps; wet skin: thick ridges that merge
  into dark smudges; chosen per impression (`--dry`, `--wet` give the shares);
- the reader: its window, resolution and noise. `aes3500` 256×256 at 500 dpi (area sensor,
  fixed-pattern column noise); `nb1010` 256×180 at 385 dpi (low contrast, row noise, the image
  resampled to the sensor's dpi, which the PNG's pHYs chunk states); `upek` 144×384 at 500 dpi
  (a swipe sensor: the finger's speed varies along the swipe, stretching and squeezing bands of
  rows, and a narrow window).

Deterministic: the same arguments give the same files byte for byte (`--check-determinism`
makes one finger twice and compares). FVC naming `<finger>_<impression>.png` from finger 101,
and `manifest.csv` with each impression's skin and contact share.

    /tmp/fpgen/bin/python Benchmarks/fingerprint-hard.py OUT --reader aes3500 --fingers 40 --seed 2401
    Benchmarks/fingerprint-hard-sets.sh [ROOT]   # the report's sets, made again
"""
import argparse
import csv
import importlib.util
import math
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
from PIL import Image  # noqa: E402
from scipy import ndimage  # noqa: E402

import synth_fp  # noqa: E402

_spec = importlib.util.spec_from_file_location("fingerprint_gallery", os.path.join(HERE, "fingerprint-gallery.py"))
_gallery = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_gallery)

# Reader: window (w, h) in sensor pixels, dpi, noise sd (grey levels), contrast range (fg, bg).
READERS = {
    "aes3500": dict(size=(256, 256), dpi=500, noise=(4, 12), fg=(25, 90), bg=(190, 240)),
    "nb1010": dict(size=(256, 180), dpi=385, noise=(5, 14), fg=(60, 120), bg=(170, 220)),
    "upek": dict(size=(144, 384), dpi=500, noise=(3, 10), fg=(20, 80), bg=(200, 245)),
}


def plastic(rng, xx, yy, cx, cy):
    """Cappelli-style plastic distortion: a rigid push and twist outside a contact core, none
    inside, growing smoothly across the ring between (output coordinates relative to the centre)."""
    r = np.hypot(xx - cx, yy - cy)
    r0 = rng.uniform(25, 55)
    r1 = r0 + rng.uniform(50, 110)
    t = np.clip((r - r0) / (r1 - r0), 0, 1)
    weight = t * t * (3 - 2 * t)  # smoothstep
    push = rng.normal(0, 6, 2)
    twist = math.radians(rng.normal(0, 4))
    px, py = xx - cx, yy - cy
    tx = math.cos(twist) * px - math.sin(twist) * py - px + push[0]
    ty = math.sin(twist) * px + math.cos(twist) * py - py + push[1]
    return weight * tx, weight * ty


def impression(rng, master, reader, skin):
    spec = READERS[reader]
    out_w, out_h = spec["size"]
    scale = spec["dpi"] / 500.0
    n = master.shape[0]
    W, H = int(round(out_w / scale)), int(round(out_h / scale))
    ang = math.radians(rng.normal(0, 15))
    tx, ty = rng.normal(0, 25), rng.normal(0, 30)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    xx -= W / 2
    yy -= H / 2
    if reader == "upek":
        # swipe speed: the row the sensor thinks it reads drifts from the row it reads
        speed = 1 + synth_fp.smooth_field(rng, (H, 1), 30, 0.25)[:, 0]
        rows = np.cumsum(speed) - speed.sum() / 2
        yy = np.broadcast_to(rows[:, None], (H, W)).copy()
    c, s = math.cos(ang), math.sin(ang)
    mx = c * xx - s * yy + n / 2 + tx
    my = s * xx + c * yy + n / 2 + ty
    # plastic distortion about a contact core near the middle, plus a smooth field
    dmag = rng.uniform(4.0, 12.0)
    dx = synth_fp.smooth_field(rng, (n, n), 30, dmag)
    dy = synth_fp.smooth_field(rng, (n, n), 30, dmag)
    px, py = plastic(rng, xx, yy, rng.normal(0, 20), rng.normal(0, 20))
    mxi = np.clip(mx, 0, n - 1).astype(int)
    myi = np.clip(my, 0, n - 1).astype(int)
    mx = mx + dx[myi, mxi] + px
    my = my + dy[myi, mxi] + py
    ridge = ndimage.map_coordinates(master, [my, mx], order=1, mode="constant", cval=-1)
    # contact: smaller and off-centre when partial
    partial = rng.random() < 0.4
    reach = (0.3, 0.5) if partial else (0.45, 0.65)
    shift = 0.22 if partial else 0.08
    cx, cy = W / 2 + rng.normal(0, W * shift), H / 2 + rng.normal(0, H * shift)
    ax = rng.uniform(*reach) * max(W, 160)
    ay = rng.uniform(reach[0] + 0.1, reach[1] + 0.15) * max(H, 200)
    row, column = np.mgrid[0:H, 0:W]  # window pixels (yy is the swipe's rows on a swipe sensor)
    ell = ((column - cx) / ax) ** 2 + ((row - cy) / ay) ** 2
    contact = 1 / (1 + np.exp((ell - 1) * 8))
    steep = rng.uniform(2.5, 5.0)
    if skin == "dry":
        bias = rng.uniform(0.3, 0.6) + synth_fp.smooth_field(rng, (H, W), 20, 0.3)
        gaps = ndimage.gaussian_filter(rng.normal(0, 1, (H, W)), rng.uniform(1.2, 2.0))
        gaps /= gaps.std() + 1e-9
        ink = 1 / (1 + np.exp(-steep * (ridge - bias)))
        ink *= (gaps > rng.uniform(-0.6, 0.0)).astype(float)
        blur = rng.uniform(0.3, 0.7)
    elif skin == "wet":
        bias = -rng.uniform(0.3, 0.65) + synth_fp.smooth_field(rng, (H, W), 20, 0.3)
        ink = 1 / (1 + np.exp(-steep * (ridge - bias)))
        smudge = np.clip(synth_fp.smooth_field(rng, (H, W), 10, 1.2), 0, 1)
        ink = np.maximum(ink, smudge)
        blur = rng.uniform(1.0, 1.8)
    else:
        bias = rng.normal(0, 0.25) + synth_fp.smooth_field(rng, (H, W), 25, 0.3)
        ink = 1 / (1 + np.exp(-steep * (ridge - bias)))
        blur = rng.uniform(0.4, 1.0)
    ink *= contact
    ink = ndimage.gaussian_filter(ink, blur)
    bg = rng.uniform(*spec["bg"])
    fg = rng.uniform(*spec["fg"])
    img = bg - (bg - fg) * ink
    img += rng.normal(0, rng.uniform(*spec["noise"]), img.shape)
    if reader == "aes3500":
        img += rng.normal(0, 6, (1, W))  # fixed-pattern column noise
    elif reader == "nb1010":
        img += rng.normal(0, 5, (H, 1))  # row noise
    img = np.clip(img, 0, 255)
    pil = Image.fromarray(img.astype(np.uint8))
    if scale != 1.0:
        pil = pil.resize((out_w, out_h), Image.BILINEAR)
    return pil, float(contact.mean())


def one_finger(a, f):
    # the master print: the generator's for this seed and finger
    rng = np.random.default_rng([a.seed, f])
    master, _, cls = _gallery.master_print(rng, iters=a.iters, nbins=a.obins, pbins=a.pbins)
    # the impressions: a stream of their own, so the masters stay the generator's
    rng = np.random.default_rng([a.seed, f, 26])
    rows = []
    for i in range(a.impressions):
        draw = rng.random()
        skin = "dry" if draw < a.dry else "wet" if draw < a.dry + a.wet else "normal"
        im, contact = impression(rng, master, a.reader, skin)
        name = f"{101 + f}_{1 + i}.png"
        dpi = READERS[a.reader]["dpi"]
        im.save(os.path.join(a.out, name), dpi=(dpi, dpi))
        w, h = READERS[a.reader]["size"]
        rows.append((name, 101 + f, 1 + i, cls, skin, round(contact, 3), w, h, dpi))
    return rows


def make(a):
    os.makedirs(a.out, exist_ok=True)
    with Pool(a.jobs) as pool:
        rows = [r for rs in pool.starmap(one_finger, [(a, f) for f in range(a.fingers)]) for r in rs]
    with open(os.path.join(a.out, "manifest.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "finger", "impression", "class", "skin", "contact", "width", "height", "dpi"])
        w.writerows(rows)


def check_determinism(a):
    """One finger made twice in two folders: the same bytes, or exit 1."""
    import filecmp
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        first, second = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        for out in (first, second):
            a.out, a.fingers = out, 1
            make(a)
        names = sorted(os.listdir(first))
        match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
        print(f"{len(match)} files the same, {len(mismatch) + len(errors)} different")
        return 0 if not mismatch and not errors and len(match) == len(names) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--reader", choices=sorted(READERS), default="aes3500")
    ap.add_argument("--fingers", type=int, default=40)
    ap.add_argument("--impressions", type=int, default=8)
    ap.add_argument("--seed", type=int, default=2401)
    ap.add_argument("--dry", type=float, default=0.25, help="share of impressions on dry skin")
    ap.add_argument("--wet", type=float, default=0.25, help="share of impressions on wet skin")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--iters", type=int, default=14)
    ap.add_argument("--obins", type=int, default=12)
    ap.add_argument("--pbins", type=int, default=2)
    ap.add_argument("--check-determinism", action="store_true", help="make one finger twice and compare")
    a = ap.parse_args()
    if a.check_determinism:
        return check_determinism(a)
    make(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
