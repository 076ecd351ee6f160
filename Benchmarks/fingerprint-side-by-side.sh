#!/bin/sh
# EER, FMR100 and FMR1000 of our matcher (fingerprint-bench, the FVC protocol) beside the NBIS
# peer's (../shared/tools/fingerprints/eval_peer.py, MINDTCT + Bozorth3) on the same sets: the two
# fixture sets and the harder sets of Benchmarks/fingerprint-hard-sets.sh (made first if missing).
# The peer needs its venv: python3 -m venv .venv-peer && .venv-peer/bin/pip install nbis-py==0.1.3 numpy pillow
# About 5 minutes a set for the peer, under a minute for ours, on two idle cores.
#   Benchmarks/fingerprint-side-by-side.sh [ROOT]
set -eu
cd "$(dirname "$0")/.."
root=${1:-.build-fingerprint-sets}
shared=${SHARED:-../shared}
bench=.build-release/release/fingerprint-bench
[ -x "$bench" ] || nice -n 15 swift build -c release --static-swift-stdlib --product fingerprint-bench --scratch-path .build-release
Benchmarks/fingerprint-hard-sets.sh "$root"
for set in "$shared/fixtures/fingerprints/synthetic-180x256-seed23" "$shared/fixtures/fingerprints/synthetic-300x300-seed11" \
    "$root/hard-aes3500-seed2401" "$root/hard-nb1010-seed2402" "$root/hard-upek-seed2403"; do
    ours=$(nice -n 15 "$bench" --set "$set" --people '' | grep '^EER=')
    peer=$(nice -n 15 .venv-peer/bin/python "$shared/tools/fingerprints/eval_peer.py" "$set" --peer nbis | grep '^EER=')
    echo "$(basename "$set")"
    echo "  ours: $ours"
    echo "  nbis: $peer"
done
