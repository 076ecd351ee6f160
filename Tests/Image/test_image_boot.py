"""Boots the LSWO Kiosk appliance root filesystem with `systemd-nspawn --boot` and checks it.

Builds the rootfs with Provisioning/image/build.sh --rootfs-only (which caches it by a hash of
its inputs, so a second run does not rebuild it), boots it read-only with a throwaway overlay
(`--volatile=overlay`) and its own network namespace (only loopback: nothing on the host's
port 8080 can answer for it), then checks:

- kiosk.service is active, runs as the kiosk user and answers /healthz inside the container;
- the Chromium managed policy file is valid JSON whose keys are all known policy names
  (chromium-policy-names.txt, and present in the installed Chromium binary);
- `systemd-analyze security kiosk.service` stays at or below EXPOSURE_BOUND;
- the journald size limits and the kernel settings for slow links are in effect;
- `kiosk boot-check` serves its copy under kiosk.service's own sandbox (the kiosk user, seccomp,
  no new privileges, no capabilities), and fails when a drop-in on kiosk.service takes bind().

Needs root. Run: `sudo python3 Tests/Image/test_image_boot.py` or `sudo pytest -s Tests/Image`.
Environment: LSWO_KIOSK_BIN (default .build/debug/kiosk), LSWO_IMAGE_OUT (build output folder,
default /var/tmp/lswo-kiosk-image).

The screen session (cage-kiosk.service) needs a real display and input devices, so in a
container it fails; that is expected and not checked here.
"""

import json
import mmap
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = REPO / "Provisioning" / "image" / "build.sh"
KIOSK_BIN = Path(os.environ.get("LSWO_KIOSK_BIN", REPO / ".build" / "debug" / "kiosk"))
OUT = Path(os.environ.get("LSWO_IMAGE_OUT", "/var/tmp/lswo-kiosk-image"))
POLICY_PATH = "etc/chromium/policies/managed/lswo-kiosk.json"
KNOWN_POLICIES = HERE / "chromium-policy-names.txt"
# `systemd-analyze security` exposure of kiosk.service (0 = locked down, 10 = unprotected).
EXPOSURE_BOUND = 2.0  # measured 1.5 (systemd 252, bookworm)
BOOT_TIMEOUT = 180
ROOT_MIB = 4096


def log(message):
    print(f"[image-test] {message}", flush=True)


def known_policy_names():
    names = set()
    for line in KNOWN_POLICIES.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def check_policy_file(path, chromium_binary=None):
    """Valid JSON object; every key a known policy name (and in Chromium's binary when given)."""
    policies = json.loads(Path(path).read_text())
    assert isinstance(policies, dict) and policies, "the policy file must be a non-empty JSON object"
    unknown = sorted(set(policies) - known_policy_names())
    assert not unknown, f"unknown Chromium policy names: {unknown}"
    assert policies.get("URLBlocklist") == ["*"], "everything must be blocked but the local service"
    allowed = policies.get("URLAllowlist", [])
    assert allowed and all(re.match(r"^(https?://)?(127\.0\.0\.1|localhost):8080(/|$)", u) for u in allowed), allowed
    assert policies.get("DeveloperToolsAvailability") == 2
    assert policies.get("DownloadRestrictions") == 3
    assert policies.get("PrintingEnabled") is False
    if chromium_binary and Path(chromium_binary).exists():
        with open(chromium_binary, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            missing = [name for name in policies if data.find(name.encode() + b"\0") < 0]
        assert not missing, f"policy names not found in {chromium_binary}: {missing}"
    return policies


class Container:
    """A booted `systemd-nspawn --boot` container of the rootfs, or of the disk image's root
    partition (`image=`: nspawn finds it by its Discoverable Partitions type, as the boot does)."""

    def __init__(self, rootfs, log_path, image=None, extra=(), network="--private-network"):
        self.rootfs = rootfs
        self.log_file = open(log_path, "w")
        self.started = time.monotonic()
        source = ["--image", str(image)] if image else ["--directory", str(rootfs)]
        self.process = subprocess.Popen(
            [
                "systemd-nspawn", "--quiet", "--boot", *source,
                # No machined/system bus in a sandbox whose PID 1 is not systemd.
                "--register=no", "--keep-unit",
                network, "--volatile=overlay", "--console=pipe",
                "--machine=lswo-kiosk-test", *extra,
            ],
            stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.leader = self._find_leader()

    def _find_leader(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"systemd-nspawn exited with {self.process.returncode}: {self.log()}")
            children = []
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                try:
                    children += (task / "children").read_text().split()
                except OSError:
                    pass
            for child in children:
                try:
                    if Path(f"/proc/{child}/comm").read_text().strip() == "systemd":
                        return int(child)
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError("the container's init did not start")

    def run(self, *command, check=True, timeout=60):
        result = subprocess.run(
            ["nsenter", "--target", str(self.leader), "--mount", "--uts", "--ipc", "--net", "--pid", "--",
             *command],
            capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed ({result.returncode}): {result.stdout}{result.stderr}")
        return result

    def log(self):
        self.log_file.flush()
        return Path(self.log_file.name).read_text()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # nspawn powers the container off
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def build_rootfs():
    assert KIOSK_BIN.exists(), f"no kiosk binary at {KIOSK_BIN} (swift build --product kiosk)"
    started = time.monotonic()
    subprocess.run([str(BUILD), "--rootfs-only", "--kiosk-bin", str(KIOSK_BIN), "--out", str(OUT)], check=True)
    return OUT / "rootfs", time.monotonic() - started


def test_image_boots():
    if os.geteuid() != 0:
        import pytest
        pytest.skip("booting the image needs root")
    rootfs, build_seconds = build_rootfs()
    log(f"rootfs ready in {build_seconds:.0f} s: {rootfs}")

    # Static checks on the tree itself.
    policies = check_policy_file(rootfs / POLICY_PATH, rootfs / "usr/lib/chromium/chromium")
    log(f"Chromium policy file: {len(policies)} known policies")
    for path in ["usr/bin/kiosk", "usr/share/lswo-kiosk/templates", "etc/lswo-kiosk/kiosk.conf",
                 "etc/udev/rules.d/70-lswo-kiosk.rules", "etc/systemd/journald.conf.d/50-lswo-kiosk.conf",
                 "etc/sysctl.d/60-lswo-kiosk.conf",
                 "usr/lib/systemd/system/kiosk.service", "usr/lib/systemd/system/cage-kiosk.service"]:
        assert (rootfs / path).exists(), f"missing /{path} in the rootfs"
    assert (rootfs / "etc/udev/rules.d/70-lswo-kiosk.rules").read_bytes() == \
        (REPO / "Provisioning/udev/70-lswo-kiosk.rules").read_bytes()

    # A veth pair: the container's own network namespace, reachable from the host through one link
    # (for the firewall check), with nothing else on it.
    container = Container(rootfs, OUT / "boot-test.log", network="--network-veth")
    try:
        ready_seconds = None
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if container.process.poll() is not None:
                raise AssertionError(f"the container stopped: {container.log()}")
            health = container.run("curl", "-fsS", "--max-time", "2", "http://127.0.0.1:8080/healthz",
                                   check=False, timeout=10)
            if health.returncode == 0:
                ready_seconds = time.monotonic() - container.started
                break
            time.sleep(0.25)
        if ready_seconds is None:
            journal = container.run("journalctl", "-b", "--no-pager", "-n", "80", check=False).stdout
            raise AssertionError(f"/healthz did not answer within {BOOT_TIMEOUT} s:\n{journal}")
        log(f"boot to /healthz: {ready_seconds:.1f} s; /healthz said: {health.stdout.strip()[:200]}")

        assert container.run("systemctl", "is-active", "kiosk.service", check=False).stdout.strip() == "active"
        # Type=notify: systemd heard READY=1 with the status line, and watches the service.
        shown = container.run("systemctl", "show", "-p", "Type,StatusText,WatchdogUSec", "kiosk.service").stdout
        assert "Type=notify" in shown and "StatusText=serving office" in shown, shown
        assert "WatchdogUSec=30s" in shown, shown
        page = container.run("curl", "-fsS", "--max-time", "5", "http://127.0.0.1:8080/kiosk").stdout
        assert "<html" in page, "the kiosk screen did not render (templates in /usr/share/lswo-kiosk)"
        verify = container.run("systemd-analyze", "verify", "kiosk.service", "cage-kiosk.service", check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        main_pid = container.run("systemctl", "show", "-P", "MainPID", "kiosk.service").stdout.strip()
        status = container.run("cat", f"/proc/{main_pid}/status").stdout
        uid = re.search(r"^Uid:\s+(\d+)", status, re.M).group(1)
        user = container.run("getent", "passwd", uid).stdout.split(":")[0]
        assert user == "kiosk", f"kiosk.service runs as {user}"
        groups = container.run("id", "-Gn", "kiosk").stdout.split()
        assert "lswo-kiosk" in groups, groups

        security = container.run("systemd-analyze", "security", "--no-pager", "kiosk.service").stdout
        exposure = float(re.search(r"Overall exposure level for kiosk\.service:\s*([0-9.]+)", security).group(1))
        log(f"systemd-analyze security kiosk.service: {exposure} (bound {EXPOSURE_BOUND})")
        (OUT / "security-kiosk.txt").write_text(security)
        assert exposure <= EXPOSURE_BOUND, security

        journald = container.run("systemd-analyze", "cat-config", "systemd/journald.conf").stdout
        assert re.search(r"^SystemMaxUse=\S+", journald, re.M), "journald size limit not in effect"
        # The kernel settings for slow links (sysctl.d, applied by systemd-sysctl at boot).
        for name, value in [("tcp_notsent_lowat", "16384"), ("tcp_orphan_retries", "1")]:
            said = container.run("cat", f"/proc/sys/net/ipv4/{name}").stdout.strip()
            assert said == value, f"net.ipv4.{name} is {said}, not {value}"

        state = container.run("stat", "-c", "%U %a", "/var/lib/kiosk").stdout.split()
        assert state == ["kiosk", "700"], state
        assert container.run("test", "-s", "/var/lib/kiosk/kiosk.sqlite", check=False).returncode == 0

        # The hardening must not break the service: no denied system calls or operations.
        time.sleep(2)
        journal = container.run("journalctl", "-b", "-u", "kiosk.service", "--no-pager", "-o", "cat").stdout
        denied = [line for line in journal.splitlines()
                  if "errno=1" in line or "Operation not permitted" in line or "Permission denied" in line]
        limits = container.run("cat", f"/proc/{main_pid}/limits").stdout
        if not re.search(r"^Max nice priority\s+24\s", limits, re.M):
            # LimitNICE=-4 needs CAP_SYS_RESOURCE, which a sandboxed container may not have; then
            # libdispatch's (harmless) complaint that it cannot raise a thread's priority remains.
            log("LimitNICE=-4 not applied here (no CAP_SYS_RESOURCE?): ignoring libdispatch's priority errors")
            denied = [line for line in denied if "Failed to set thread priority" not in line]
        else:
            denied += [line for line in journal.splitlines() if "Failed to set thread priority" in line]
        assert not denied, "kiosk.service hit its sandbox:\n" + "\n".join(denied[:10])

        for unit in ["cups.service", "systemd-journald.service"]:
            assert container.run("systemctl", "is-active", unit, check=False).stdout.strip() == "active", unit
        failed = container.run("systemctl", "--failed", "--no-legend", "--plain", check=False).stdout
        log(f"failed units in the container: {failed.split() or 'none'}")

        # The technician's commands on the appliance itself. Doctor with the image's own config:
        # the service and its database are fine; not yet enrolled, no printers set up: not fit.
        doctor = container.run("kiosk", "doctor", "--json", check=False, timeout=120)
        assert doctor.returncode == 1, doctor.stdout + doctor.stderr
        report = json.loads(doctor.stdout)
        found = {check["name"]: check["verdict"] for check in report["checks"]}
        assert found["service"] == "ok" and found["database"] == "ok" and found["disk"] == "ok", report
        assert found["hub"] == "failure" and report["fitToOpen"] is False, report
        # Provision one thing (the western aimags' time zone): the config file is rewritten in
        # place with its owner and mode, and the service restarts on it.
        mode = container.run("stat", "-c", "%U:%G %a", "/etc/lswo-kiosk/kiosk.conf").stdout.strip()
        before_pid = main_pid
        provision = container.run("kiosk", "provision", "--non-interactive", "--no-discovery", "--thermal", "keep",
                                  "--a4", "keep", "--reader", "auto", "--time-zone", "Asia/Hovd",
                                  check=False, timeout=120)
        assert provision.returncode == 0, provision.stdout + provision.stderr
        assert "time_zone: Asia/Ulaanbaatar -> Asia/Hovd" in provision.stdout, provision.stdout
        assert "kiosk.service restarted" in provision.stdout, provision.stdout
        assert container.run("stat", "-c", "%U:%G %a", "/etc/lswo-kiosk/kiosk.conf").stdout.strip() == mode
        assert "time_zone = Asia/Hovd" in container.run("cat", "/etc/lswo-kiosk/kiosk.conf").stdout
        deadline = time.monotonic() + 60
        while container.run("curl", "-fsS", "--max-time", "2", "http://127.0.0.1:8080/healthz",
                            check=False, timeout=10).returncode != 0:
            assert time.monotonic() < deadline, "the service did not come back after kiosk provision"
            time.sleep(0.25)
        after_pid = container.run("systemctl", "show", "-P", "MainPID", "kiosk.service").stdout.strip()
        assert after_pid != before_pid, "kiosk.service was not restarted"
        log(f"kiosk doctor and kiosk provision on the appliance: ok (config {mode})")

        check_boot_check_sandbox(container)
        check_office_network(container)
        check_fonts(container)
        check_speech_under_hardening(container)
        check_screen_session(container)

        (OUT / "boot-figures.txt").write_text(
            f"rootfs build (or cache check): {build_seconds:.0f} s\n"
            f"boot to /healthz: {ready_seconds:.1f} s\n"
            f"kiosk.service exposure: {exposure}\n")
    finally:
        container.stop()

BOOT_CHECK = ["kiosk", "boot-check", "--config", "/etc/lswo-kiosk/kiosk.conf", "--data-dir", "/var/lib/kiosk"]
# A drop-in that takes bind() from kiosk.service's system calls: a kiosk under it cannot listen.
NO_BIND_DIR = "/run/systemd/system/kiosk.service.d"
NO_BIND = f"{NO_BIND_DIR}/90-image-test-no-bind.conf"


def check_boot_check_sandbox(container):
    """`kiosk boot-check`, as kiosk-mark-good runs it on a new slot's first boot, serves the copy
    under kiosk.service's own sandbox: the kernel's view of the process that answered /healthz is
    the kiosk user, a seccomp filter, no new privileges, no capabilities; and a sandbox setting the
    kiosk cannot live with (a drop-in on kiosk.service only) makes the check fail, so such a slot
    would be marked bad instead of kept."""
    started = time.monotonic()
    # From a service of root's own, as kiosk-mark-good.service runs it (its condition, a kernel
    # command line with rauc.slot=, is not met in the container).
    proof = container.run("systemd-run", "--wait", "--pipe", "--quiet", "--unit=image-test-mark-good",
                          *BOOT_CHECK, check=False, timeout=200)
    assert proof.returncode == 0, proof.stdout + proof.stderr
    ran = re.search(r"ran as kiosk-boot-check\.service under kiosk\.service's sandbox \((\d+) settings\): "
                    r"user kiosk \(uid \d+\), seccomp filter on, no new privileges, no capabilities$",
                    proof.stdout, re.M)
    assert ran and int(ran.group(1)) >= 30, proof.stdout
    assert container.run("test", "-e", "/var/lib/kiosk/boot-check", check=False).returncode != 0, \
        "the copy was left behind"
    assert container.run("systemctl", "show", "-P", "LoadState", "kiosk-boot-check.service").stdout.strip() \
        == "not-found", "the proof's unit was left behind"
    log(f"kiosk boot-check under kiosk.service's sandbox ({ran.group(1)} settings): proven in "
        f"{time.monotonic() - started:.1f} s; {ran.group(0)}")

    container.run("mkdir", "-p", NO_BIND_DIR)
    container.run("sh", "-c", f"printf '[Service]\\nSystemCallFilter=~bind\\n' > {NO_BIND}")
    container.run("systemctl", "daemon-reload")
    started = time.monotonic()
    try:
        broken = container.run(*BOOT_CHECK, "--timeout", "60", check=False, timeout=200)
    finally:
        container.run("rm", "-f", NO_BIND)
        container.run("systemctl", "daemon-reload")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "did not answer /healthz" in broken.stdout and "not proven" in broken.stdout, broken.stdout
    assert container.run("test", "-e", "/var/lib/kiosk/boot-check", check=False).returncode != 0
    assert container.run("systemctl", "is-active", "kiosk.service", check=False).stdout.strip() == "active"
    said = next(line for line in broken.stdout.splitlines() if "did not answer /healthz" in line)
    log(f"kiosk boot-check with bind() taken from kiosk.service's sandbox: not proven in "
        f"{time.monotonic() - started:.1f} s, as it must be: {said} {broken.stdout.splitlines()[-2].strip()}")


# The container's end of the veth pair and the host's, on a /30 of their own.
HOST_ADDRESS, CONTAINER_ADDRESS = "10.231.77.1", "10.231.77.2"
LISTENER = """
import socket, sys, threading
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port))
    s.listen()
    while True:
        c, _ = s.accept()
        c.sendall(b"open %d\\n" % port)
        c.close()
for port in map(int, sys.argv[2:]):
    threading.Thread(target=serve, args=(port,), daemon=True).start()
print("listening", flush=True)
threading.Event().wait()
"""


def check_office_network(container):
    """The firewall is loaded and lets in only what it lists: from the host, over the veth link, a
    listener on the kiosk's port 8080 answers and the same listener on an unlisted port does not
    (dropped: no answer at all). avahi-daemon runs; ipp-usb is started by udev for its printers."""
    import socket
    assert container.run("systemctl", "is-active", "nftables.service", check=False).stdout.strip() == "active"
    ruleset = container.run("nft", "list", "ruleset").stdout
    assert "table inet lswo_filter" in ruleset and "policy drop" in ruleset, ruleset
    # The kiosk's ports are kiosk.conf's (`port = 8080`, no `tls_port`), filled in at boot.
    assert wait_for(lambda: container.run("systemctl", "is-active", "kiosk-firewall-ports.service",
                                          check=False).stdout.strip() == "active", 30,
                    "kiosk-firewall-ports.service did not run")
    ports = container.run("nft", "list", "set", "inet", "lswo_filter", "kiosk_ports").stdout
    assert "elements = { 8080 }" in ports, ports
    inside = ["nsenter", "--target", str(container.leader), "--net", "--"]
    # The host's end of the pair: the link whose index the container's host0 names as its peer.
    [host0] = json.loads(subprocess.run([*inside, "ip", "-j", "link", "show", "host0"], check=True,
                                        capture_output=True, text=True).stdout)
    links = json.loads(subprocess.run(["ip", "-j", "link", "show"], check=True, capture_output=True,
                                      text=True).stdout)
    [host_link] = [link["ifname"] for link in links if link["ifindex"] == host0["link_index"]]
    subprocess.run(["ip", "addr", "add", f"{HOST_ADDRESS}/30", "dev", host_link], check=True)
    subprocess.run(["ip", "link", "set", host_link, "up"], check=True)
    subprocess.run([*inside, "ip", "addr", "add", f"{CONTAINER_ADDRESS}/30", "dev", "host0"], check=True)
    subprocess.run([*inside, "ip", "link", "set", "host0", "up"], check=True)
    # The host's python in the container's network namespace (the image has none): the firewall
    # is the namespace's, whoever listens.
    listener = subprocess.Popen([*inside, "python3", "-c", LISTENER, CONTAINER_ADDRESS, "8080", "9999"],
                                stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert listener.stdout.readline().strip() == "listening"

        def knock(port):
            try:
                with socket.create_connection((CONTAINER_ADDRESS, port), timeout=3) as connection:
                    return connection.recv(64).decode().strip()
            except OSError as error:
                return type(error).__name__

        wait_for(lambda: knock(8080) == "open 8080", 30, "the kiosk's port is not reachable from outside")
        opened, closed = knock(8080), knock(9999)
        assert closed in ("TimeoutError", "timeout"), f"an unlisted port answered from outside: {closed}"
        log(f"firewall: port 8080 reachable from outside ({opened}), port 9999 dropped ({closed})")
    finally:
        os.killpg(listener.pid, signal.SIGTERM)
        listener.wait(timeout=10)
    assert container.run("systemctl", "is-enabled", "avahi-daemon.service", check=False).stdout.strip() == "enabled"
    assert wait_for(lambda: container.run("systemctl", "is-active", "avahi-daemon.service",
                                          check=False).stdout.strip() == "active", 30, "avahi-daemon is not running")
    # ipp-usb.service has no [Install]: udev's rule wants it when an IPP-over-USB printer appears.
    assert container.run("systemctl", "is-enabled", "ipp-usb.service", check=False).stdout.strip() == "static"
    rule = container.run("cat", "/usr/lib/udev/rules.d/71-ipp-usb.rules").stdout
    assert 'SYSTEMD_WANTS' in rule and "ipp-usb.service" in rule, rule
    nsswitch = container.run("cat", "/etc/nsswitch.conf").stdout
    assert re.search(r"^hosts:.*\bmdns4_minimal\b", nsswitch, re.M), nsswitch


def screen_symbols():
    """Every character the screens show beyond Basic Latin: templates, scripts, styles, texts."""
    found = set()
    for path in (REPO / "Kiosk").rglob("*"):
        if path.suffix in {".mustache", ".js", ".css", ".json", ".html"} and path.is_file() \
                and not {"reference", "fingerprints"} & set(path.relative_to(REPO / "Kiosk").parts):
            found |= {ch for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7E and not ch.isspace()}
    return found


def check_fonts(container):
    """A font in the image for every symbol the screens use (Mongolian Cyrillic, ₮, arrows, ⌫, ✓ …)."""
    symbols = screen_symbols()
    assert {"Ө", "ө", "Ү", "ү", "₮", "⌫"} <= symbols, "the scan missed the screens' symbols"
    missing = [f"U+{ord(ch):04X} {ch}" for ch in sorted(symbols)
               if not container.run("fc-list", f":charset={ord(ch):x}", "family").stdout.strip()]
    assert not missing, f"no font in the image has: {missing}"
    log(f"fonts: all {len(symbols)} symbols the screens use are covered")


def check_speech_under_hardening(container):
    """kiosk.service speaks a Mongolian phrase with espeak-ng (its Kyrgyz voice): the clip is made
    by the service's own espeak-ng run, under the unit's sandbox (no writable-executable memory,
    system-call filter, private /tmp), and comes back as a WAV."""
    said = container.run("curl", "-fsS", "-D", "/tmp/clip.headers", "-o", "/tmp/clip.wav", "--max-time", "60",
                         "http://127.0.0.1:8080/api/v1/speech/clips/mn/attract.welcome", check=False, timeout=90)
    journal = container.run("journalctl", "-b", "-u", "kiosk.service", "--no-pager", "-n", "20", "-o", "cat",
                            check=False).stdout
    assert said.returncode == 0, said.stderr + journal
    headers = container.run("cat", "/tmp/clip.headers").stdout.lower()
    assert "content-type: audio/wav" in headers and "x-speech-source: synthesised" in headers, headers
    head = container.run("head", "-c", "12", "/tmp/clip.wav").stdout
    size = int(container.run("stat", "-c", "%s", "/tmp/clip.wav").stdout)
    assert head.startswith("RIFF") and head.endswith("WAVE") and size > 8000, (head, size)
    text = json.loads((REPO / "Kiosk/locales/mn.json").read_text(encoding="utf-8"))["attract"]["welcome"]
    assert re.search("[а-яөү]", text, re.I), text
    log(f"speech under kiosk.service's hardening: {size} bytes of WAV for «{text[:40]}»")


# The screen session, made to run where there is no display: wlroots' headless backend with
# its software renderer, no tty and no PAM login (logind gives a container no seat). Only
# for the test: on the appliance cage takes tty1's seat. What is checked is the rest: cage
# starts Chromium as kiosk-screen, Chromium loads the kiosk screen from the local service,
# and the unit starts it all again when Chromium dies.
SCREEN_TEST_DROP_IN = """[Unit]
ConditionPathExists=
[Service]
TTYPath=
PAMName=
StandardInput=null
RuntimeDirectory=kiosk-screen
Environment=XDG_RUNTIME_DIR=/run/kiosk-screen WLR_BACKENDS=headless WLR_RENDERER=pixman
Environment=WLR_LIBINPUT_NO_DEVICES=1 WLR_HEADLESS_OUTPUTS=1
"""


def service_connections(container):
    """Established TCP connections to port 8080 from a client in the container (/proc/net/tcp)."""
    table = container.run("cat", "/proc/net/tcp", "/proc/net/tcp6").stdout.splitlines()
    return sum(1 for line in table if len(line.split()) > 3 and line.split()[3] == "01"
               and line.split()[2].endswith(":1F90"))


def chromium_pids(container):
    listing = container.run("ps", "-eo", "pid,user:20,comm", "--no-headers").stdout.splitlines()
    return [int(line.split()[0]) for line in listing
            if line.split()[2] == "chromium" and line.split()[1] == "kiosk-screen"]


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(what)


def check_screen_session(container):
    container.run("mkdir", "-p", "/run/systemd/system/cage-kiosk.service.d")
    container.run("sh", "-c", f"cat > /run/systemd/system/cage-kiosk.service.d/headless-test.conf <<'EOF'\n"
                              f"{SCREEN_TEST_DROP_IN}EOF")
    container.run("systemctl", "daemon-reload")
    started = time.monotonic()
    container.run("systemctl", "start", "--no-block", "cage-kiosk.service")
    try:
        first = wait_for(lambda: chromium_pids(container), 90, "cage did not start Chromium as kiosk-screen:\n"
                         + container.run("journalctl", "-b", "-u", "cage-kiosk", "--no-pager", "-n", "30",
                                         check=False).stdout)
        wait_for(lambda: service_connections(container), 90, "Chromium did not load the kiosk screen")
        log(f"screen session: cage + Chromium up and on the kiosk screen {time.monotonic() - started:.1f} s"
            " after start")
        restarts = int(container.run("systemctl", "show", "-P", "NRestarts", "cage-kiosk.service").stdout)
        container.run("kill", "-KILL", str(min(first)))
        wait_for(lambda: int(container.run("systemctl", "show", "-P", "NRestarts",
                                           "cage-kiosk.service").stdout) > restarts,
                 60, "cage-kiosk.service was not restarted after Chromium died")
        again = wait_for(lambda: [pid for pid in chromium_pids(container) if pid not in first], 90,
                         "no new Chromium after the restart")
        log(f"screen session: Chromium killed, the unit restarted it (new pid {min(again)})")
    finally:
        container.run("systemctl", "stop", "cage-kiosk.service", check=False)


def partitions(image):
    """The disk image's GPT partitions: name -> (offset, size) in bytes."""
    table = json.loads(subprocess.run(["sfdisk", "-J", str(image)], check=True, capture_output=True,
                                      text=True).stdout)["partitiontable"]
    sector = table.get("sectorsize", 512)
    return {p["name"]: (p["start"] * sector, p["size"] * sector, p["type"].upper()) for p in table["partitions"]}


def test_disk_image_boots():
    """The disk image itself: GPT with an EFI system partition holding systemd-boot, a loader
    entry a root slot and the kernel, root slots A and B of the x86-64 root type, and the data
    partition. nspawn cannot boot a disk image without the host's udev (`--image=`), so slot A is
    attached read-only through a loop device at its offset and the data partition read-write and
    mounted where the fstab mounts it (/data): the service's state lands on the data partition."""
    if os.geteuid() != 0:
        import pytest
        pytest.skip("attaching the disk image needs root")
    # A slot too small for the root is refused before any disk is made.
    small = subprocess.run([str(BUILD), "--kiosk-bin", str(KIOSK_BIN), "--out", str(OUT), "--root-mib", "512"],
                           capture_output=True, text=True)
    assert small.returncode != 0 and "does not fit a 512 MiB slot" in small.stderr, small.stderr[-2000:]
    # A bundle is named by its kiosk's version (`kiosk --version`): another stated name is refused first.
    version = subprocess.run([str(KIOSK_BIN), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    (OUT / "unused.cert.pem").touch()
    (OUT / "unused.key.pem").touch()
    misnamed = subprocess.run([str(BUILD), "--kiosk-bin", str(KIOSK_BIN), "--out", str(OUT), "--bundle", f"{version}-x",
                               "--signing-cert", str(OUT / "unused.cert.pem"), "--signing-key",
                               str(OUT / "unused.key.pem")], capture_output=True, text=True)
    assert misnamed.returncode != 0 and f"the kiosk binary is version {version}" in misnamed.stderr, misnamed.stderr
    assert not list(OUT.glob("*.raucb"))
    started = time.monotonic()
    subprocess.run([str(BUILD), "--kiosk-bin", str(KIOSK_BIN), "--out", str(OUT), "--root-mib", str(ROOT_MIB)],
                   check=True)
    image = OUT / "lswo-kiosk.img"
    build_seconds = time.monotonic() - started
    parts = partitions(image)
    assert set(parts) == {"esp", "root-a", "root-b", "lswo-data"}, parts
    esp_offset, _, esp_type = parts["esp"]
    assert esp_type == "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
    assert parts["root-a"][2] == parts["root-b"][2] == "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"
    assert parts["lswo-data"][2] == "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
    # Fixed slots (build.sh --root-mib, 4096 by default) with room for bigger roots.
    assert parts["root-a"][1] == parts["root-b"][1] == ROOT_MIB << 20, parts
    rootfs_mib = int(subprocess.run(["du", "-sm", "--one-file-system", str(OUT / "rootfs")], check=True,
                                    capture_output=True, text=True).stdout.split()[0])
    assert rootfs_mib < ROOT_MIB // 2, f"the root ({rootfs_mib} MiB) leaves under half of a {ROOT_MIB} MiB slot"
    for path in ["::/EFI/BOOT/BOOTX64.EFI", "::/loader/loader.conf", "::/loader/entries/lswo-A.conf",
                 "::/loader/entries/lswo-B+0.conf", "::/lswo/A/vmlinuz", "::/lswo/A/initrd.img"]:
        found = subprocess.run(["mdir", "-b", "-i", f"{image}@@{esp_offset}", path], capture_output=True, text=True)
        assert found.returncode == 0, f"{path} missing on the ESP: {found.stderr}"
    for name, number, slot in [("lswo-A.conf", 2, "A"), ("lswo-B+0.conf", 3, "B")]:
        entry = subprocess.run(["mtype", "-i", f"{image}@@{esp_offset}", f"::/loader/entries/{name}"],
                               check=True, capture_output=True, text=True).stdout
        root_uuid = subprocess.run(["sfdisk", "--part-uuid", str(image), str(number)], check=True,
                                   capture_output=True, text=True).stdout.strip()
        assert f"root=partuuid={root_uuid.lower()} rauc.slot={slot.lower()}" in entry.lower(), entry
        # Each slot boots the kernel in its own ESP folder (an update writes only the new slot's).
        assert f"linux /lswo/{slot}/vmlinuz\ninitrd /lswo/{slot}/initrd.img\n" in entry, entry

    offset, size, _ = parts["root-a"]
    loop = subprocess.run(["losetup", "--find", "--show", "--read-only", "--offset", str(offset),
                           "--sizelimit", str(size), str(image)], check=True, capture_output=True,
                          text=True).stdout.strip()
    data_offset, data_size, _ = parts["lswo-data"]
    data_loop = subprocess.run(["losetup", "--find", "--show", "--offset", str(data_offset),
                                "--sizelimit", str(data_size), str(image)], check=True, capture_output=True,
                               text=True).stdout.strip()
    mountpoint = Path(tempfile.mkdtemp(prefix="lswo-disk-root-"))
    data = Path(tempfile.mkdtemp(prefix="lswo-disk-data-"))
    container = None
    try:
        subprocess.run(["mount", "-o", "ro", loop, str(mountpoint)], check=True)
        subprocess.run(["mount", data_loop, str(data)], check=True)
        assert (data / "etc-lswo-kiosk/kiosk.conf").is_file() and (data / "kiosk").is_dir()
        container = Container(mountpoint, OUT / "disk-boot-test.log", extra=[f"--bind={data}:/data"])
        deadline = time.monotonic() + BOOT_TIMEOUT
        ready = None
        while time.monotonic() < deadline and ready is None:
            if container.run("curl", "-fsS", "--max-time", "2", "http://127.0.0.1:8080/healthz",
                             check=False, timeout=10).returncode == 0:
                ready = time.monotonic() - container.started
            else:
                time.sleep(0.25)
        assert ready is not None, container.run("journalctl", "-b", "--no-pager", "-n", "60", check=False).stdout
        assert container.run("systemctl", "is-active", "kiosk.service", check=False).stdout.strip() == "active"
        # The state is on the data partition, bound to /var/lib/kiosk; the slot is marked good once
        # kiosk.service answers (rauc's status: the booted slot told by rauc.slot= is not on this
        # kernel's command line, so only the unit's ordering and start are checked here).
        assert (data / "kiosk/kiosk.sqlite").is_file(), list((data / "kiosk").iterdir())
        assert container.run("findmnt", "-n", "-o", "TARGET", "/var/lib/kiosk", check=False).stdout.strip() \
            == "/var/lib/kiosk"
        assert container.run("systemctl", "is-enabled", "kiosk-mark-good.service", check=False).stdout.strip() \
            == "enabled"
        size_mib = image.stat().st_size >> 20
        used_mib = (image.stat().st_blocks * 512) >> 20
        log(f"disk image: {size_mib} MiB ({used_mib} MiB allocated), built in {build_seconds:.0f} s; "
            f"its root partition boots to /healthz in {ready:.1f} s")
        with open(OUT / "boot-figures.txt", "a") as figures:
            figures.write(f"disk image: {size_mib} MiB ({used_mib} MiB allocated), build {build_seconds:.0f} s, "
                          f"root partition boot to /healthz {ready:.1f} s\n")
    finally:
        if container:
            container.stop()
        subprocess.run(["umount", str(mountpoint)], check=False)
        subprocess.run(["umount", str(data)], check=False)
        subprocess.run(["losetup", "-d", loop], check=False)
        subprocess.run(["losetup", "-d", data_loop], check=False)
        mountpoint.rmdir()
        data.rmdir()


if __name__ == "__main__":
    test_image_boots()
    test_disk_image_boots()
    log("passed")
