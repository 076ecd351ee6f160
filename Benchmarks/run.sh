#!/usr/bin/env bash
# Builds the release binary (in .build-release, apart from the debug build) and prints the
# performance figures. Arguments go to bench.py (--runs N, --duration S). The binaries are built
# as the appliance's is (Provisioning/image/build.sh --build-release: the Swift standard library
# linked in), so the figures are those of what ships, and the two never rebuild each other's
# scratch folder by building with different flags.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# `Benchmarks/run.sh rural-link [...]`: only the sync backlog over an emulated rural link (issue 25;
# root: network namespaces and TUN devices). Arguments go to Benchmarks/rural_link.py.
if [ "${1:-}" = "rural-link" ]; then
    shift
    swift build -c release --static-swift-stdlib --product kiosk --scratch-path .build-release
    swift build -c release --static-swift-stdlib --product lmis-hub --scratch-path .build-release
    exec "$ROOT/.venv/bin/python" Benchmarks/rural_link.py "$@"
fi
# wrk drives HTTP load; libcurl's development link is what a benchmark that uses URLSession
# (BenchKiosk: sms-bench, employer-bench) needs to link with the static Swift standard library.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing[@]}"; else sudo apt-get update -qq && sudo apt-get install -y -qq "${missing[@]}"; fi
fi
swift build -c release --static-swift-stdlib --product kiosk --scratch-path .build-release
swift build -c release --static-swift-stdlib --product print-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product usb-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product sync-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product vacancy-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product office-day-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product fingerprint-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product dashboard-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product case-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product sms-bench --scratch-path .build-release
swift build -c release --static-swift-stdlib --product employer-bench --scratch-path .build-release
# Registration figures (issue 2), a simulated office day through the queue API (issue 3),
# printing (issue 4: rendering, then tickets through a private cupsd to the ESC/POS emulator;
# needs the test tools of Provisioning/dev.sh test: cups-daemon, cups-ipp-utils, .venv-emupos).
/usr/bin/python3 Benchmarks/bench.py "$@"
.build-release/release/office-day-bench
# The office dashboard over a year of a busy office (issue 9).
.build-release/release/dashboard-bench
# A counsellor's case page with five years of history (issue 23).
.build-release/release/case-bench
# Text messages handed to gammu-smsd's outbox, and the delay to the outbox (issue 22).
.build-release/release/sms-bench
.build-release/release/print-bench
# Fingerprint captures (issue 5) on recorded sessions, replayed in-process by libumockdev.
umockdev-wrapper .build-release/release/usb-bench
# LMIS sync (issue 6): backlog upload, vacancy download, 300 kiosks at once, on a private
# PostgreSQL 15 (needs postgresql-15 from Provisioning/dev.sh test).
.build-release/release/sync-bench
# Vacancies (issue 7): search and matches on 50,000 vacancies, and the 500-row A4 list through the
# release kiosk, a private cupsd and ippeveprinter.
.build-release/release/vacancy-bench
# Fingerprints (issue 8): the FVC protocol on the fixture sets (add --set DIR for more, and
# --gallery DIR for 1:N accuracy on distinct generated fingers), identification time among
# 10 000 and 100 000 enrolled people.
.build-release/release/fingerprint-bench
# Employers (issue 27): candidates for a vacancy among 50,000 registered people.
.build-release/release/employer-bench
exec /usr/bin/python3 Benchmarks/printing.py
