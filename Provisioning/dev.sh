#!/usr/bin/env bash
# Developer entry point. On a fresh Debian 12 machine with only the Swift 6.3 toolchain:
#   Provisioning/dev.sh run    install what is missing, build, serve the demo office from ./var/
#   Provisioning/dev.sh test   install what is missing, build, run every test suite
#   Provisioning/dev.sh test --unit   only the unit layer (Tests/Unit): no cupsd, PostgreSQL,
#                              umockdev or Chromium, and the hub and HTTP client are not built
# Debian packages are installed only when missing; Python test tools live in ./.venv.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# What building and running needs: SQLite headers for GRDB, libxcrypt for staff PIN hashes,
# time zone data for Asia/Hovd,
# fonts with Mongolian Cyrillic (Ө ө Ү ү) for the screens, espeak-ng for the kiosk's voice
# (phrases without a recording; Mongolian by its Kyrgyz voice), curl for the health check,
# libcups for printing, cairo and pango for laying out tickets and PDF lists, libusb for the
# fingerprint readers, zlib for the gzip bodies of the LMIS protocol.
BUILD_PACKAGES=(git libsqlite3-dev libcrypt-dev pkg-config tzdata ca-certificates curl
    libcups2-dev libcairo2-dev libpango1.0-dev libusb-1.0-0-dev zlib1g-dev)
RUN_PACKAGES=(fonts-noto-core fonts-dejavu-core espeak-ng
    gammu gammu-smsd)
# What the tests add: a real Chromium for the browser tests, Python for Playwright and pytest,
# a private cupsd with an IPP Everywhere printer (ippeveprinter, which needs a D-Bus daemon),
# poppler to read PDFs back, tesseract with Mongolian to read printed tickets back,
# umockdev to replay recorded USB sessions of real fingerprint sensors, and PostgreSQL 15 for
# the LMIS hub (the tests start their own private cluster; Debian's default one is not used),
# HAProxy in front of two hubs (the test starts its own; the package's service is not used),
# iproute2 for the rural link test's network namespaces, RAUC with squashfs-tools and openssl for the A/B update test (bundles signed at test time),
# systemd-container (systemd-nspawn) to start each root slot, pgBouncer in transaction mode
# between a hub and PostgreSQL (started by its test; the package's service is not used).
TEST_PACKAGES=(chromium python3 python3-venv cups-daemon cups-client cups-ipp-utils dbus-daemon
    poppler-utils tesseract-ocr tesseract-ocr-mon tesseract-ocr-eng umockdev libumockdev-dev
    postgresql-15 postgresql-client-15 faketime haproxy iproute2 rauc squashfs-tools openssl systemd-container
    pgbouncer)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the given Debian packages that are not installed yet, and nothing else.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# A virtual environment with the pinned Python test tools; rebuilt when the pins change.
ensure_venv() {
    local requirements="$ROOT/Tests/EndToEnd/requirements.txt"
    local stamp="$ROOT/.venv/.requirements"
    if [ ! -x "$ROOT/.venv/bin/python" ]; then
        log "creating .venv"
        /usr/bin/python3 -m venv "$ROOT/.venv"
    fi
    local without="$ROOT/Tests/EndToEnd/requirements-nodeps.txt"
    if ! cat "$requirements" "$without" | cmp -s - "$stamp"; then
        log "installing Python test tools"
        "$ROOT/.venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
        "$ROOT/.venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$without"
        cat "$requirements" "$without" > "$stamp"
    fi
}

# The ESC/POS printer emulator (emupos, PyPI) needs Python 3.13, which Debian 12 lacks:
# use python3.13 from pyenv or PATH, or the one KIOSK_PYTHON313 names (it also overrules an
# existing venv; KIOSK_PYTHON313=/nonexistent acts as if there were none). Its own venv,
# .venv-emupos, keeps it apart. Without a Python 3.13 the run goes on: KIOSK_SKIP_EMUPOS=1 makes
# the tests that need emupos (the print lab's, Swift and pytest) skip with that reason.
ensure_emupos_venv() {
    local requirements="$ROOT/Tests/EndToEnd/requirements-emupos.txt"
    local stamp="$ROOT/.venv-emupos/.requirements"
    if [ -n "${KIOSK_PYTHON313:-}" ] || [ ! -x "$ROOT/.venv-emupos/bin/python" ]; then
        local python=""
        local candidates=("${KIOSK_PYTHON313:-}")
        if [ -z "${KIOSK_PYTHON313:-}" ]; then
            # pyenv's shim is on PATH even when 3.13 is not the selected version, so try each for real.
            candidates=("${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3.13
                /root/.pyenv/versions/3.13*/bin/python3.13 "$(command -v python3.13 || true)")
        fi
        for candidate in "${candidates[@]}"; do
            if [ -n "$candidate" ] && [ -x "$candidate" ] &&
                "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
                python=$candidate
                break
            fi
        done
        if [ -z "$python" ]; then
            log "Python 3.13 not found: the tests that need the ESC/POS emulator emupos are skipped"
            export KIOSK_SKIP_EMUPOS=1
            return 0
        fi
        if [ ! -x "$ROOT/.venv-emupos/bin/python" ]; then
            log "creating .venv-emupos with $python"
            "$python" -m venv "$ROOT/.venv-emupos"
        fi
    fi
    if ! cmp -s "$requirements" "$stamp"; then
        log "installing emupos"
        "$ROOT/.venv-emupos/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$stamp"
    fi
}

build() {
    log "building ($*)"
    swift build "$@"
}

cmd_run() {
    ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}"
    build --product kiosk
    local host=${KIOSK_HOST:-127.0.0.1} port=${KIOSK_PORT:-8080}
    mkdir -p "$ROOT/var"
    cat >&2 <<TXT

  Kiosk screen   http://$host:$port/kiosk
  Staff console  http://$host:$port/staff
  Display board  http://$host:$port/display
  Health         http://$host:$port/healthz
  Database       $ROOT/var/kiosk.sqlite     (Ctrl-C stops the service)

TXT
    exec "$ROOT/.build/debug/kiosk" serve --host "$host" --port "$port" --data-dir "$ROOT/var" "$@"
}

# The unit layer: domain, use cases, router, store on a SQLite file, rendering. Its own package
# (Tests/Unit, linking the same test folders) builds only what these tests need.
cmd_test_unit() {
    local started=$SECONDS
    # espeak-ng: the router tests hear the kiosk's voice synthesise real clips.
    ensure_packages "${BUILD_PACKAGES[@]}" fonts-noto-core fonts-dejavu-core poppler-utils espeak-ng
    log "swift test (unit layer, Tests/Unit)"
    (cd "$ROOT/Tests/Unit" && swift build --build-tests && swift test --skip-build)
    log "unit tests passed in $((SECONDS - started)) s"
}

cmd_test() {
    if [ "${1:-}" = "--unit" ]; then
        cmd_test_unit
        return
    fi
    local started=$SECONDS
    ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_venv
    ensure_emupos_venv
    build --build-tests
    log "swift format lint"
    swift format lint --strict --recursive --parallel Package.swift Sources Tests Benchmarks
    log "swift test"
    swift test --skip-build
    # The sensor drivers against recorded sessions: libumockdev replays them in-process, which
    # needs its preload library (and skips those tests in the run above).
    # The test binary runs directly (not through `swift test`) so that the time limit reaches it.
    log "swift test: fingerprint readers on recorded USB sessions (umockdev)"
    timeout 600 umockdev-wrapper "$ROOT/.build/debug/lswo-kioskPackageTests.xctest" \
        --testing-library swift-testing --filter FingerprintUSBTests
    log "end-to-end tests (real service process, real Chromium)"
    KIOSK_BIN="$ROOT/.build/debug/kiosk" CHROMIUM="$(command -v chromium)" \
        "$ROOT/.venv/bin/python" -m pytest -q "$ROOT/Tests/EndToEnd"
    # The appliance (issue 10): its root filesystem from the Debian mirror with mmdebstrap (the
    # Debian base is cached in /var/tmp/lswo-kiosk-image; about 4 minutes the first time), booted
    # with systemd-nspawn: kiosk.service ready (Type=notify), /healthz, the Chromium policy, the
    # systemd-analyze security bound. KIOSK_SKIP_IMAGE=1 leaves it out.
    if [ "${KIOSK_SKIP_IMAGE:-0}" != 1 ]; then
        log "appliance image: root filesystem booted with systemd-nspawn"
        LSWO_KIOSK_BIN="$ROOT/.build/debug/kiosk" timeout 1500 /usr/bin/python3 "$ROOT/Tests/Image/test_image_boot.py"
        # A/B updates (issue 24): bundles signed at test time, loop-device root slots, each booted
        # under systemd-nspawn with the data partition; about 2 minutes (docs/updates.md).
        log "A/B updates: RAUC bundles into loop-device slots, booted with systemd-nspawn"
        LSWO_KIOSK_BIN="$ROOT/.build/debug/kiosk" timeout 600 /usr/bin/python3 "$ROOT/Tests/Update/test_update.py"
    fi
    log "all tests passed in $((SECONDS - started)) s"
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    *)
        echo "usage: Provisioning/dev.sh run [kiosk serve options] | test [--unit]" >&2
        exit 64
        ;;
esac
