"""A private, throwaway printing lab for end-to-end tests: never touches the system CUPS.

What `PrintLab.start()` brings up, every process in its own session and every file under `workdir`:

- a private D-Bus bus with a system-bus configuration. ippeveprinter needs one: it fails
  with "Unable to initialize DNS-SD" when no D-Bus system bus is reachable, even with `-r off`.
  The private bus also keeps cupsd's colord calls away from the host's system bus;
- `ippeveprinter`, an IPP Everywhere printer on a free loopback port that accepts PDF. Its
  print command keeps a copy of every document it gets (`a4_spool_dir`) next to an
  `.attrs` file holding the job's IPP attributes as ippeveprinter passes them (IPP_MEDIA_COL=...);
- a private `cupsd` (foreground, own ServerRoot/ServerBin/DataDir/spool/cache/state/logs,
  `Listen 127.0.0.1:PORT`, no browsing, no TLS, no authentication) with the queues
  `A4` (`-m everywhere` on the ippeveprinter, default media A4) and `Thermal`
  (a raw queue, `socket://127.0.0.1:ESCPOS_PORT -m raw`);
- emupos (an ESC/POS receipt printer emulator) from its own Python 3.13 virtual environment:
  an Epson TM-T20III (80 mm, 576 dots) on a free loopback port, and its control API on another.

Use it as a context manager (`with PrintLab(tmp_path) as lab: ...`) or from the command line:
`python3 print_peers.py up --dir DIR [--emupos-python PATH]` prints one line of JSON with the
endpoints, then keeps the lab up until its stdin is closed or it gets SIGTERM/SIGINT/SIGHUP.

Only the Python 3.11 standard library is used here; emupos runs in a separate interpreter
(`--emupos-python`, else $KIOSK_EMUPOS_PYTHON, else `.venv-emupos/bin/python` in the repository).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
EMUPOS_DEVICE = "thermal"
EMUPOS_PROFILE = "epson-tm-t20iii"  # 80 mm, 576 dots at 203 dpi; also xprinter-xp80t, rongta-rp326
FAULTS = ("paper-near-end", "paper-out", "cover-open", "offline")  # emupos fault names
SYSTEM_SOCKET_BACKEND = Path("/usr/lib/cups/backend/socket")  # Debian package `cups`, if installed
SYSTEM_IPP_BACKEND = Path("/usr/lib/cups/backend/ipp")
CUPS_DATA = Path("/usr/share/cups")
CUPS_EXEC = Path("/usr/lib/cups/daemon/cups-exec")

# IPP job-state and printer-state enums (RFC 8011).
JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
              7: "canceled", 8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}


def default_emupos_python() -> str:
    return os.environ.get("KIOSK_EMUPOS_PYTHON") or str(ROOT / ".venv-emupos" / "bin" / "python")


def emupos_skip_reason() -> str | None:
    """Why the tests that need the lab skip, None when they run: `Provisioning/dev.sh test` sets
    KIOSK_SKIP_EMUPOS=1 when it finds no Python 3.13, which emupos needs."""
    if os.environ.get("KIOSK_SKIP_EMUPOS") == "1":
        return "Python 3.13 not found, so the ESC/POS emulator emupos cannot run (KIOSK_SKIP_EMUPOS=1)"
    return None


def free_ports(count: int) -> list[int]:
    """Distinct free loopback TCP ports (all bound at once, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind((LOOPBACK, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def make_pdf(lines: list[str], width: float = 595.28, height: float = 841.89) -> bytes:
    """A one-page A4 PDF with the given lines in Helvetica (ASCII), readable by pdftotext."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = "BT /F1 14 Tf 72 %.2f Td 18 TL %s ET" % (
        height - 72, " ".join("(%s) '" % escape(line) for line in lines))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>" % (width, height),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(content.encode("latin-1")), content),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (number, body)).encode("latin-1")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)).encode()
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref)).encode()
    return out


# --- ESC/POS helpers (for tests that talk to the emulator directly) ---------------------------

def escpos_raster(width_bytes: int, rows: bytes | int) -> bytes:
    """GS v 0 m=0: `rows` raw bitmap bytes (MSB = leftmost dot), or that many all-black rows."""
    data = b"\xff" * (width_bytes * rows) if isinstance(rows, int) else rows
    height = len(data) // width_bytes
    return b"\x1dv0\x00" + struct.pack("<HH", width_bytes, height) + data


def escpos_qr(data: bytes, module_size: int = 6, error_correction: str = "M") -> bytes:
    """GS ( k: QR model 2, module size, error correction, store data, print."""
    def fn(body: bytes) -> bytes:
        return b"\x1d(k" + struct.pack("<H", len(body)) + body
    return (fn(b"\x31\x41\x32\x00") + fn(b"\x31\x43" + bytes([module_size]))
            + fn(b"\x31\x45" + bytes([48 + "LMQH".index(error_correction)]))
            + fn(b"\x31\x50\x30" + data) + fn(b"\x31\x51\x30"))


ESCPOS_INIT = b"\x1b@"
ESCPOS_CUT = b"\x1dVB\x00"  # GS V 66 0: feed and partial cut


# --- a minimal IPP client (Get-Jobs, Get-Printer-Attributes) -----------------------------------

def _ipp_attr(tag: int, name: str, values: list) -> bytes:
    out = b""
    for index, value in enumerate(values):
        raw = struct.pack(">i", value) if isinstance(value, int) else str(value).encode()
        key = name.encode() if index == 0 else b""
        out += bytes([tag]) + struct.pack(">H", len(key)) + key + struct.pack(">H", len(raw)) + raw
    return out


def ipp_request(server: str, path: str, operation: int, attributes: list[tuple[int, str, list]],
                timeout: float = 5.0) -> tuple[int, list[tuple[int, dict]]]:
    """Send one IPP request; returns (status-code, [(group-tag, {name: [values]}), ...])."""
    body = struct.pack(">BBHi", 2, 0, operation, 1) + b"\x01"
    body += _ipp_attr(0x47, "attributes-charset", ["utf-8"])
    body += _ipp_attr(0x48, "attributes-natural-language", ["en"])
    for tag, name, values in attributes:
        body += _ipp_attr(tag, name, values)
    body += b"\x03"
    host, port = server.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/ipp"})
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"IPP {path}: HTTP {response.status}")
    status = struct.unpack(">H", data[2:4])[0]
    groups: list[tuple[int, dict]] = []
    position, last = 8, None
    while position < len(data):
        tag = data[position]
        position += 1
        if tag == 0x03:
            break
        if tag < 0x10:
            groups.append((tag, {}))
            continue
        (name_length,) = struct.unpack(">H", data[position:position + 2])
        name = data[position + 2:position + 2 + name_length].decode()
        position += 2 + name_length
        (value_length,) = struct.unpack(">H", data[position:position + 2])
        raw = data[position + 2:position + 2 + value_length]
        position += 2 + value_length
        if tag in (0x21, 0x23) and value_length == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag == 0x22:
            value = bool(raw[0])
        elif 0x40 <= tag <= 0x4F:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        if not groups:
            continue
        attributes_of_group = groups[-1][1]
        if name:
            last = name
            attributes_of_group.setdefault(name, []).append(value)
        elif last is not None and tag not in (0x34, 0x37, 0x4A):
            attributes_of_group.setdefault(last, []).append(value)
    return status, groups


# --- the lab --------------------------------------------------------------------------------

SOCKET_BACKEND = r'''#!{python} -I
"""socket:// (AppSocket) backend for the private cupsd of print_peers.py.

Stands in for CUPS' own socket backend, which Debian ships in the `cups` package: send the
job to host:port, half-close, wait for the printer to close. Like CUPS' backend it keeps
retrying while the printer does not accept connections, so the job stays "processing".
"""
import os, socket, sys, time, urllib.parse

def log(line):
    print(line, file=sys.stderr, flush=True)

if len(sys.argv) == 1:
    print('network socket "Unknown" "AppSocket/HP JetDirect (print_peers)"', flush=True)
    sys.exit(0)
if len(sys.argv) not in (6, 7):
    log("Usage: socket job-id user title copies options [file]")
    sys.exit(1)
uri = urllib.parse.urlsplit(os.environ.get("DEVICE_URI", ""))
host, port = uri.hostname or "127.0.0.1", uri.port or 9100
if len(sys.argv) == 7:
    with open(sys.argv[6], "rb") as file:
        data = file.read()
    copies = max(1, int(sys.argv[4] or "1"))
else:
    data, copies = sys.stdin.buffer.read(), 1
# A jam, as a real printer's backend reports one: print_peers' jam() writes this file.
if os.path.exists({jam_file!r}):
    log("STATE: +media-jam-error")
    log("ERROR: Paper jam at the cutter.")
    sys.exit(4)  # CUPS_BACKEND_STOP: the queue stops until someone fixes the printer
log("STATE: -media-jam-error")
log("STATE: +connecting-to-device")
while True:
    try:
        connection = socket.create_connection((host, port), timeout=10)
        break
    except OSError as error:
        log("INFO: The printer at %s:%d is not answering (%s); retrying." % (host, port, error))
        time.sleep(1)
log("STATE: -connecting-to-device")
log("INFO: Sending data to the printer.")
with connection:
    for _ in range(copies):
        connection.sendall(data)
    connection.shutdown(socket.SHUT_WR)
    connection.settimeout(60)
    try:
        while True:
            reply = connection.recv(4096)
            if not reply:
                break
            try:
                os.write(3, reply)  # back-channel: status bytes the printer sent
            except OSError:
                pass
    except socket.timeout:
        log("WARNING: The printer did not close the connection within 60 s.")
log("INFO: Print file sent.")
sys.exit(0)
'''

A4_COMMAND = '''#!/bin/sh
# ippeveprinter print command: keep a copy of the document and its job attributes, print nothing.
set -e
dir={directory}
name=$(basename "$1")
env | grep -E '^(IPP_|CONTENT_TYPE=)' > "$dir/.$name.attrs.part" || true
cp "$1" "$dir/.$name.part"
mv "$dir/.$name.attrs.part" "$dir/$name.attrs"
mv "$dir/.$name.part" "$dir/$name"
'''

BUS_CONFIG = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
'''

CUPS_FILES_CONF = '''ServerRoot {etc}
ServerBin {bin}
DataDir {data}
RequestRoot {spool}
TempDir {spool}/tmp
CacheDir {cache}
StateDir {state}
AccessLog {log}/access_log
ErrorLog {log}/error_log
PageLog {log}/page_log
Printcap {state}/printcap
FileDevice No
SystemGroup {group}
'''

CUPSD_CONF = '''LogLevel {log_level}
MaxLogSize 0
Listen 127.0.0.1:{port}
ServerAlias *
Browsing No
BrowseLocalProtocols none
DefaultShared No
DefaultAuthType None
DefaultEncryption Never
WebInterface No
IdleExitTimeout 0
ErrorPolicy {error_policy}
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
'''

# No pdftopdf here (cups-filters is not installed): the everywhere PPD wants
# application/vnd.cups-pdf, so PDF passes through unchanged to the IPP printer.
CUPS_CONVS = "application/pdf application/vnd.cups-pdf 66 -\n"


class LabError(RuntimeError):
    pass


class PrintLab:
    """ippeveprinter + private cupsd + emupos, all on loopback, all under `workdir`."""

    a4_queue = "A4"
    thermal_queue = "Thermal"

    def __init__(self, workdir, emupos_python: str | None = None, *,
                 emupos_profile: str = EMUPOS_PROFILE, job_idle_timeout_ms: int = 2000,
                 error_policy: str = "abort-job", log_level: str = "info",
                 start_timeout: float = 30.0):
        self.workdir = Path(workdir).resolve()
        self.emupos_python = emupos_python or default_emupos_python()
        self.emupos_profile = emupos_profile
        self.job_idle_timeout_ms = job_idle_timeout_ms
        self.error_policy = error_policy
        self.log_level = log_level
        self.start_timeout = start_timeout
        self.processes: dict[str, subprocess.Popen] = {}
        self._short_dir: str | None = None
        self.logs_dir = self.workdir / "logs"
        self.a4_spool_dir = self.workdir / "a4-received"
        self.receipts_dir = self.workdir / "emupos" / "receipts"
        self.cups_dir = self.workdir / "cups"
        self.cups_port = self.ipp_port = self.escpos_port = self.emupos_api_port = 0
        self.cups_server = self.emupos_api = self.a4_printer_uri = self.thermal_device_uri = ""
        self.dbus_address = ""
        self.socket_backend = ""
        self.jam_file = Path(workdir).resolve() / "thermal-jam"
        self.startup_seconds = 0.0
        self.escpos_host = LOOPBACK
        self.emupos_device = EMUPOS_DEVICE

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> "PrintLab":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "PrintLab":
        began = time.monotonic()
        try:
            self._start(began + self.start_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = round(time.monotonic() - began, 3)
        return self

    def _start(self, deadline: float) -> None:
        if not os.access(self.emupos_python, os.X_OK):
            raise LabError(f"no emupos Python at {self.emupos_python}: create the venv "
                           "(python3.13 -m venv .venv-emupos && .venv-emupos/bin/pip install "
                           "emupos==0.4.0) or set KIOSK_EMUPOS_PYTHON")
        for tool in ("dbus-daemon", "ippeveprinter", "cupsd", "lpadmin"):
            if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
                raise LabError(f"`{tool}` is not installed (Debian: dbus-daemon cups-daemon "
                               "cups-client cups-ipp-utils)")
        for name in ("logs", "a4-received", "ipp", "cups", "emupos", "dbus"):
            shutil.rmtree(self.workdir / name, ignore_errors=True)
        for directory in (self.logs_dir, self.a4_spool_dir, self.receipts_dir):
            directory.mkdir(parents=True, exist_ok=True)
        (self.cups_port, self.ipp_port, self.escpos_port,
         self.emupos_api_port) = free_ports(4)
        self.cups_server = f"{LOOPBACK}:{self.cups_port}"
        self.emupos_api = f"http://{LOOPBACK}:{self.emupos_api_port}"
        self.a4_printer_uri = f"ipp://{LOOPBACK}:{self.ipp_port}/ipp/print"
        self.thermal_device_uri = f"socket://{LOOPBACK}:{self.escpos_port}"

        self._launch_emupos()  # the slowest (~1.5 s of Python imports): runs while the rest starts
        self._launch_dbus(deadline)
        self._launch_ippeveprinter()
        self._launch_cupsd()
        self._wait_port("ippeveprinter", self.ipp_port, deadline)
        self._wait_port("cupsd", self.cups_port, deadline)
        self._lpadmin("-p", self.a4_queue, "-E", "-v", self.a4_printer_uri, "-m", "everywhere")
        self._lpadmin("-p", self.a4_queue, "-o", "media-default=iso_a4_210x297mm",
                      "-o", "PageSize=A4")
        self._lpadmin("-p", self.thermal_queue, "-E", "-v", self.thermal_device_uri, "-m", "raw")
        self._wait_emupos(deadline)

    def stop(self) -> None:
        """Stop everything this lab started (whole process groups); safe to call twice."""
        processes, self.processes = dict(self.processes), {}
        for process in reversed(list(processes.values())):  # cupsd first, emupos last
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=5)
            _signal_group(process, signal.SIGKILL)  # children left in its group (backends...)
            for stream in (process.stdout, process.stderr, process.stdin):
                if stream:
                    stream.close()
        if self._short_dir:
            shutil.rmtree(self._short_dir, ignore_errors=True)
            self._short_dir = None

    # --- the processes --------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], *, env: dict | None = None,
               cwd: Path | None = None, stdout=None) -> subprocess.Popen:
        log = open(self.logs_dir / f"{name}.log", "wb")
        try:
            process = subprocess.Popen(
                command, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                stdout=stdout if stdout is not None else log, stderr=log, start_new_session=True)
        finally:
            log.close()
        self.processes[name] = process
        return process

    def _lab_env(self) -> dict:
        return {"DBUS_SYSTEM_BUS_ADDRESS": self.dbus_address, "CUPS_SERVER": self.cups_server}

    def _launch_emupos(self) -> None:
        directory = self.workdir / "emupos"
        config = {
            "schema": 1,
            "api": {"host": LOOPBACK, "port": self.emupos_api_port},
            "devices": [{
                "id": EMUPOS_DEVICE, "type": "printer", "profile": self.emupos_profile,
                "connections": [{"tcp": {"host": LOOPBACK, "port": self.escpos_port}}],
                "receipts_dir": str(self.receipts_dir),
                "job_idle_timeout_ms": self.job_idle_timeout_ms,
            }],
        }
        (directory / "emupos.yaml").write_text(json.dumps(config, indent=2) + "\n")  # JSON is YAML
        self._spawn("emupos", [self.emupos_python, "-m", "emupos.cli.app", "run",
                               "--config", str(directory / "emupos.yaml")],
                    cwd=directory, env={"NO_COLOR": "1", "COLUMNS": "200", "PYTHONUNBUFFERED": "1"})

    def _launch_dbus(self, deadline: float) -> None:
        directory = self.workdir / "dbus"
        directory.mkdir(parents=True)
        path = directory / "system_bus_socket"
        if len(str(path)) > 100:  # sun_path holds 108 bytes
            self._short_dir = tempfile.mkdtemp(prefix="print-peers-")
            path = Path(self._short_dir) / "bus"
        (directory / "bus.conf").write_text(BUS_CONFIG.format(socket=path))
        process = self._spawn("dbus", ["dbus-daemon", f"--config-file={directory / 'bus.conf'}",
                                       "--nofork", "--nopidfile", "--print-address=1"],
                              stdout=subprocess.PIPE)
        line = b""
        while not line.endswith(b"\n"):  # printed once the bus listens
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise LabError("dbus-daemon did not start: " + self._log_tail("dbus"))
            ready, _, _ = select.select([process.stdout], [], [], remaining)
            if ready:
                chunk = os.read(process.stdout.fileno(), 4096)
                if not chunk:
                    raise LabError("dbus-daemon exited: " + self._log_tail("dbus"))
                line += chunk
        self.dbus_address = line.decode().strip()

    def _launch_ippeveprinter(self) -> None:
        directory = self.workdir / "ipp"
        (directory / "spool").mkdir(parents=True)
        (directory / "keys").mkdir()
        command_path = directory / "keep-document.sh"
        command_path.write_text(A4_COMMAND.format(directory=shlex.quote(str(self.a4_spool_dir))))
        command_path.chmod(0o755)
        # -n localhost: ippeveprinter needs both an IPv4 and an IPv6 listener; for -n 127.0.0.1
        # it finds no IPv6 address and exits ("Unable to create IPv6 listener").
        self._spawn("ippeveprinter", [
            "ippeveprinter", "-r", "off", "-n", "localhost", "-p", str(self.ipp_port),
            "-f", "application/pdf", "-c", str(command_path), "-d", str(directory / "spool"),
            "-K", str(directory / "keys"), "-M", "LSWO Lab", "-m", "A4 Laser", "A4 Lab"],
            env=self._lab_env())

    def _launch_cupsd(self) -> None:
        root = self.cups_dir
        etc, bin_, data = root / "etc", root / "bin", root / "data"
        for directory in (etc, bin_ / "backend", bin_ / "filter", bin_ / "daemon",
                          bin_ / "notifier", data / "banners", root / "spool" / "tmp",
                          root / "cache", root / "state", root / "log"):
            directory.mkdir(parents=True, exist_ok=True)
        for entry in CUPS_DATA.iterdir():  # mime.types, ppdc, drv, ... but no banners (absent)
            if not (data / entry.name).exists():
                (data / entry.name).symlink_to(entry)
        (bin_ / "daemon" / "cups-exec").symlink_to(CUPS_EXEC)
        # CUPS-Get-Devices (lpinfo -v, kiosk provision) runs cups-deviced, which runs the backends;
        # Debian ships it in `cups`, which tests do not need (without it the request fails).
        if (CUPS_EXEC.parent / "cups-deviced").exists():
            (bin_ / "daemon" / "cups-deviced").symlink_to(CUPS_EXEC.parent / "cups-deviced")
        # Backends without group/other permissions run as root, others as `lp` (when cupsd
        # runs as root); `lp` may not be able to read spool files under a private workdir.
        mode = 0o700 if os.geteuid() == 0 else 0o755
        shutil.copyfile(SYSTEM_IPP_BACKEND, bin_ / "backend" / "ipp")
        (bin_ / "backend" / "ipp").chmod(mode)
        socket_backend = bin_ / "backend" / "socket"
        if SYSTEM_SOCKET_BACKEND.exists():
            shutil.copyfile(SYSTEM_SOCKET_BACKEND, socket_backend)
            self.socket_backend = "cups"
        else:
            socket_backend.write_text(
                SOCKET_BACKEND.replace("{python}", sys.executable)
                .replace("{jam_file!r}", repr(str(self.jam_file))))
            self.socket_backend = "print_peers"
        socket_backend.chmod(mode)
        group = "root" if os.geteuid() == 0 else _group_name()
        (etc / "cups-files.conf").write_text(CUPS_FILES_CONF.format(
            etc=etc, bin=bin_, data=data, spool=root / "spool", cache=root / "cache",
            state=root / "state", log=root / "log", group=group))
        (etc / "cupsd.conf").write_text(CUPSD_CONF.format(
            port=self.cups_port, log_level=self.log_level, error_policy=self.error_policy))
        (etc / "print-peers.convs").write_text(CUPS_CONVS)
        self._spawn("cupsd", ["cupsd", "-f", "-c", str(etc / "cupsd.conf"),
                              "-s", str(etc / "cups-files.conf")], env=self._lab_env())

    def _lpadmin(self, *args: str) -> None:
        result = subprocess.run(["lpadmin", "-h", self.cups_server, *args], env={
            **os.environ, **self._lab_env()}, capture_output=True, text=True, timeout=30)
        # CUPS 2.4 prints a deprecation warning for -m raw and -m everywhere; it still works.
        if result.returncode != 0:
            raise LabError(f"lpadmin {' '.join(args)} failed: {result.stderr.strip()}\n"
                           + self._log_tail("cupsd", self.cups_dir / "log" / "error_log"))

    def _wait_port(self, name: str, port: int, deadline: float) -> None:
        while True:
            process = self.processes[name]
            if process.poll() is not None:
                raise LabError(f"{name} exited with {process.returncode}: {self._log_tail(name)}")
            try:
                with socket.create_connection((LOOPBACK, port), timeout=0.5):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise LabError(f"{name} does not listen on port {port}: {self._log_tail(name)}")
            time.sleep(0.01)

    def _wait_emupos(self, deadline: float) -> None:
        while True:
            process = self.processes["emupos"]
            if process.poll() is not None:
                raise LabError(f"emupos exited with {process.returncode}: "
                               + self._log_tail("emupos"))
            try:
                if self._api("GET", "/api/v1/health", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise LabError("emupos did not answer: " + self._log_tail("emupos"))
            time.sleep(0.02)

    def _log_tail(self, name: str, path: Path | None = None, lines: int = 15) -> str:
        path = path or self.logs_dir / f"{name}.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # --- emupos: receipts and faults --------------------------------------------------------

    def _api(self, method: str, path: str, body=None, timeout: float = 5.0) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(LOOPBACK, self.emupos_api_port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, None if body is None else json.dumps(body), headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def receipts(self) -> list[dict]:
        """Completed receipts, oldest first, read from emupos' receipts directory.

        Each: id, completed_at, boundary ("cut", "connection-closed" or "idle-timeout"),
        cut (boundary == "cut"), width_dots, height_dots, image (PNG path), text (the text
        dump), qr (data of every QR code, from "[qr DATA]" dump lines), images ("WxH" of
        every raster/bit image, from "[image WxH]" lines), barcodes ("[barcode SYMBOLOGY HRI]").
        """
        result = []
        for meta_path in self.receipts_dir.glob(f"{EMUPOS_DEVICE}-*.json"):
            try:
                meta = json.loads(meta_path.read_text())
                text = meta_path.with_suffix(".txt").read_text(encoding="utf-8")
            except (OSError, ValueError):
                continue
            lines = text.splitlines()
            result.append({
                "id": meta["id"],
                "completed_at": meta["completed_at"],
                "boundary": meta["boundary"],
                "cut": meta["boundary"] == "cut",
                "width_dots": meta["width_dots"],
                "height_dots": meta["height_dots"],
                "image": str(meta_path.with_suffix(".png")),
                "text": text,
                "qr": [line[4:-1] for line in lines
                       if line.startswith("[qr ") and line.endswith("]")],
                "images": [line[7:-1] for line in lines
                           if re.fullmatch(r"\[image \d+x\d+\]", line)],
                "barcodes": [line[9:-1] for line in lines
                             if line.startswith("[barcode ") and line.endswith("]")],
            })
        return sorted(result, key=lambda receipt: (receipt["completed_at"], receipt["id"]))

    def wait_for_receipts(self, n: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            receipts = self.receipts()
            if len(receipts) >= n:
                return receipts
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(receipts)} of {n} receipts after {timeout} s; emupos:\n"
                                   + self._log_tail("emupos"))
            time.sleep(0.02)

    def set_fault(self, name: str) -> None:
        """paper-near-end, paper-out, cover-open or offline (underscores are accepted)."""
        self._fault("PUT", name)

    def clear_fault(self, name: str) -> None:
        self._fault("DELETE", name)

    def set_toner(self, level: int) -> None:
        """Sets the A4 printer's toner level in percent (ippeveprinter's supplies form; its waste
        toner box stays at 25 %). The printer then says `toner-low-report` below about 5 %, and
        cupsd learns it with the next job, from CUPS's ipp backend."""
        url = f"http://localhost:{self.ipp_port}/supplies?supply0=25&supply1={int(level)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            if response.status != 200:
                raise LabError(f"ippeveprinter supplies: HTTP {response.status}")

    def clear_faults(self) -> None:
        for name in self.faults():
            self.clear_fault(name)

    def _fault(self, method: str, name: str) -> None:
        fault = name.replace("_", "-").lower()
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; emupos knows {', '.join(FAULTS)}")
        status, body = self._api(method, f"/api/v1/devices/{EMUPOS_DEVICE}/faults/{fault}")
        if status != 204:
            raise LabError(f"emupos {method} fault {fault}: HTTP {status} {body!r}")

    def faults(self) -> list[str]:
        status, body = self._api("GET", f"/api/v1/devices/{EMUPOS_DEVICE}")
        if status != 200:
            raise LabError(f"emupos device state: HTTP {status} {body!r}")
        return list(json.loads(body)["state"]["faults"])

    def printer_state(self) -> dict:
        """emupos' view: {"faults": [...], "drawer": "open"|"closed"}."""
        status, body = self._api("GET", f"/api/v1/devices/{EMUPOS_DEVICE}")
        return json.loads(body)["state"]

    def dle_eot(self, n: int, timeout: float = 2.0) -> int:
        """Send DLE EOT n on a new ESC/POS connection and return the one status byte."""
        with socket.create_connection((LOOPBACK, self.escpos_port), timeout=timeout) as s:
            s.sendall(bytes([0x10, 0x04, n]))
            reply = s.recv(1)
        if not reply:
            raise LabError(f"no reply to DLE EOT {n}")
        return reply[0]

    def send_escpos(self, data: bytes) -> None:
        """Write bytes straight to the emulated printer, bypassing CUPS, and close."""
        with socket.create_connection((LOOPBACK, self.escpos_port), timeout=5) as s:
            s.sendall(data)

    # --- the A4 printer -----------------------------------------------------------------

    def jam(self) -> None:
        """Jam the thermal printer: its next job fails in the backend with `media-jam-error`
        and CUPS stops the queue, as with a real printer's backend. Needs the lab's own socket
        backend (the system one, from Debian's `cups`, cannot be told to jam)."""
        if self.socket_backend != "print_peers":
            raise LabError("jam() needs the lab's socket backend")
        self.jam_file.write_text("jam\n")

    def unjam(self) -> None:
        """Clear the jam and start the queue again (`cupsenable`), as a technician does."""
        self.jam_file.unlink(missing_ok=True)
        subprocess.run(["cupsenable", "-h", self.cups_server, self.thermal_queue], check=True,
                       capture_output=True, timeout=10)

    def a4_documents(self) -> list[Path]:
        """Documents ippeveprinter received (complete files), in job order."""
        def job_number(path: Path) -> int:
            match = re.match(r"(\d+)-", path.name)
            return int(match.group(1)) if match else 0
        documents = [path for path in self.a4_spool_dir.iterdir()
                     if not path.name.startswith(".") and not path.name.endswith(".attrs")]
        return sorted(documents, key=job_number)

    def a4_job_attributes(self, document: Path) -> dict[str, str]:
        """The IPP_* variables ippeveprinter gave its print command for that document."""
        attributes = {}
        for line in Path(f"{document}.attrs").read_text().splitlines():
            key, _, value = line.partition("=")
            attributes[key] = value
        return attributes

    def wait_for_a4(self, n: int, timeout: float = 10.0) -> list[Path]:
        deadline = time.monotonic() + timeout
        while True:
            documents = self.a4_documents()
            if len(documents) >= n:
                return documents
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(documents)} of {n} A4 documents after {timeout} s")
            time.sleep(0.02)

    # --- CUPS -----------------------------------------------------------------------------

    def cups_jobs(self, queue: str | None = None, which: str = "all") -> list[dict]:
        """Jobs of the private cupsd (Get-Jobs): id, state, state_reasons, name, queue, message."""
        path = f"/printers/{queue}" if queue else "/"
        uri = f"ipp://{self.cups_server}{path}"
        status, groups = ipp_request(self.cups_server, path, 0x000A, [
            (0x45, "printer-uri", [uri]), (0x44, "which-jobs", [which]),
            (0x44, "requested-attributes", ["job-id", "job-state", "job-state-reasons",
                                            "job-name", "job-printer-uri",
                                            "job-printer-state-message"])])
        jobs = []
        for tag, attributes in groups:
            if tag != 0x02 or "job-id" not in attributes:
                continue
            state = attributes.get("job-state", [0])[0]
            jobs.append({
                "id": attributes["job-id"][0],
                "state": JOB_STATES.get(state, str(state)),
                "state_reasons": attributes.get("job-state-reasons", []),
                "name": (attributes.get("job-name") or [""])[0],
                "queue": (attributes.get("job-printer-uri") or [""])[0].rsplit("/", 1)[-1],
                "message": (attributes.get("job-printer-state-message") or [""])[0],
            })
        return sorted(jobs, key=lambda job: job["id"])

    def cups_printer(self, queue: str) -> dict:
        """state ("idle", "processing", "stopped"), state_reasons, message, accepting."""
        path = f"/printers/{queue}"
        status, groups = ipp_request(self.cups_server, path, 0x000B, [
            (0x45, "printer-uri", [f"ipp://{self.cups_server}{path}"]),
            (0x44, "requested-attributes", ["printer-state", "printer-state-reasons",
                                            "printer-state-message",
                                            "printer-is-accepting-jobs"])])
        for tag, attributes in groups:
            if tag == 0x04:
                state = attributes.get("printer-state", [0])[0]
                return {"state": PRINTER_STATES.get(state, str(state)),
                        "state_reasons": attributes.get("printer-state-reasons", []),
                        "message": (attributes.get("printer-state-message") or [""])[0],
                        "accepting": (attributes.get("printer-is-accepting-jobs") or [None])[0]}
        raise LabError(f"no printer {queue!r} (IPP status 0x{status:04x})")

    def wait_for_job_state(self, job_id: int, states: tuple[str, ...] | str,
                           timeout: float = 10.0) -> dict:
        states = (states,) if isinstance(states, str) else states
        deadline = time.monotonic() + timeout
        while True:
            job = next((job for job in self.cups_jobs() if job["id"] == job_id), None)
            if job and job["state"] in states:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} is {job} after {timeout} s, not {states}")
            time.sleep(0.02)

    # --- description ----------------------------------------------------------------------

    def endpoints(self) -> dict:
        return {
            "cups_server": self.cups_server,
            "cups_port": self.cups_port,
            "a4_queue": self.a4_queue,
            "thermal_queue": self.thermal_queue,
            "a4_printer_uri": self.a4_printer_uri,
            "thermal_device_uri": self.thermal_device_uri,
            "escpos_host": self.escpos_host,
            "escpos_port": self.escpos_port,
            "emupos_api": self.emupos_api,
            "emupos_device": self.emupos_device,
            "receipts_dir": str(self.receipts_dir),
            "a4_spool_dir": str(self.a4_spool_dir),
            "ipp_port": self.ipp_port,
            "dbus_system_bus_address": self.dbus_address,
            "socket_backend": self.socket_backend,
            "jam_file": str(self.jam_file),
            "workdir": str(self.workdir),
            "logs_dir": str(self.logs_dir),
            "cups_error_log": str(self.cups_dir / "log" / "error_log"),
            "pid": os.getpid(),
            "startup_seconds": self.startup_seconds,
        }


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    """Signal the process group of a child started with start_new_session (pgid == its pid)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_name() -> str:
    import grp
    try:
        return grp.getgrgid(os.getegid()).gr_name
    except KeyError:
        return str(os.getegid())


# --- command line ---------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the lab, print one JSON line, stay up until "
                                        "stdin closes or SIGTERM")
    up.add_argument("--dir", required=True, help="work directory (created; lab subfolders reset)")
    up.add_argument("--emupos-python", default=None,
                    help="Python of the emupos venv (default: $KIOSK_EMUPOS_PYTHON, else "
                         ".venv-emupos/bin/python in the repository)")
    up.add_argument("--profile", default=EMUPOS_PROFILE, help="emupos printer profile")
    args = parser.parse_args(argv)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    lab = PrintLab(args.dir, args.emupos_python, emupos_profile=args.profile)
    try:
        try:
            lab.start()
        except LabError as error:
            print(f"print_peers: {error}", file=sys.stderr, flush=True)
            return 1
        sys.stdout.write(json.dumps(lab.endpoints()) + "\n")
        sys.stdout.flush()
        while os.read(sys.stdin.fileno(), 4096):  # until the parent closes our stdin
            pass
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # finish cleaning up first
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        began = time.monotonic()
        lab.stop()
        print(f"print_peers: stopped in {time.monotonic() - began:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
