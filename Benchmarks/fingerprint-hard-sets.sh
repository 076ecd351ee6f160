#!/bin/sh
# The harder fingerprint sets of issue 26, made again byte for byte (Benchmarks/fingerprint-hard.py):
# one set per supported reader, 40 fingers x 8 impressions, a quarter of the impressions on dry
# skin and a quarter on wet, partial prints and strong plastic distortion. About 10 minutes on
# two cores. Then the figures, ours beside the NBIS peer's:
#   .build-release/release/fingerprint-bench --set ROOT/hard-aes3500-seed2401 ... --people ''
#   .venv-peer/bin/python ../shared/tools/fingerprints/eval_peer.py ROOT/hard-aes3500-seed2401 --peer nbis
# Needs numpy, scipy and pillow (python3 -m venv /tmp/fpgen && /tmp/fpgen/bin/pip install numpy scipy pillow).
set -eu
root=${1:-.build-fingerprint-sets}
python=${PYTHON:-/tmp/fpgen/bin/python}
here=$(dirname "$0")
make() { # reader seed
    out="$root/hard-$1-seed$2"
    if [ -f "$out/manifest.csv" ]; then echo "$out: there already"; return; fi
    nice -n 15 "$python" "$here/fingerprint-hard.py" "$out" --reader "$1" --seed "$2" --fingers 40 --impressions 8
    echo "$out: made"
}
make aes3500 2401
make nb1010 2402
make upek 2403
