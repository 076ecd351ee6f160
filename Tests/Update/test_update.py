"""A/B updates with RAUC, without firmware: bundles signed at test time, installed by `kiosk update`
into loop-device root slots, each slot "booted" under systemd-nspawn with the data partition.

What is real: rauc 1.8 (`rauc bundle`, `rauc install`, `rauc status mark-good/mark-bad`) with the
appliance's system.conf (Provisioning/image/rauc/system.conf, its slot devices pointed at loop
devices), its systemd-boot backend (rauc-systemd-boot) writing loader entries into an ESP folder,
kiosk-mark-good, `kiosk update`, ext4 slot images on loop devices and an ext4 data partition.

What is emulated, and why:
- The slots hold a small root (the kiosk binary and the libraries it loads, Kiosk/, time zones,
  os-release with the version) instead of the 1.6 GiB appliance root: three full slot images and
  bundles would add ten minutes to `dev.sh test`. The full root and disk image are booted by
  Tests/Image; `build.sh --bundle` makes the full bundle the same way (`rauc bundle`).
- "Booting" a slot: the loader's choice is made as systemd-boot makes it (Boot Loader
  Specification boot counting: an entry with no tries left sorts after the others, then by
  sort-key; a try is counted down when an entry with a counter is started), the slot is mounted
  read-only, kiosk-mark-good runs on the host (its `kiosk boot-check` in the slot's root under
  systemd-nspawn) and then, only if it succeeded, as kiosk.service's `Requires=` has it, the slot's
  `kiosk serve` under systemd-nspawn with the data partition's folders bound where the fstab binds
  them (/var/lib/kiosk, /etc/lswo-kiosk); the small root has no systemd. RAUC's service (`rauc service`; the `rauc` command talks to
  it over D-Bus) runs on a private D-Bus bus, started at each boot in a mount namespace whose
  /proc/cmdline holds the loader entry's `rauc.slot=`, as the kernel's would.

Checks: data written under version 1 is there under version 2 (the staff account, the device's
secret files, the database); a backup is made before the update; the new slot's kiosk proves itself
on a migrated copy of the database (`kiosk boot-check`, run by kiosk-mark-good before kiosk.service)
and only after its slot is marked good is the live database backed up and migrated; a bundle whose
kiosk fails on the migrated copy is installed, its slot is never marked good, the loader falls back
to the running slot and the data partition is untouched (same bytes, the database's SHA-256
included) and the old kiosk serves; a bundle signed by another key is refused and nothing is
written. Every slot carries the same kiosk binary: "the database of version 1" is the data written
under version 1 with the kiosk's newest schema step taken back out (`one_step_older`).
Needs root. Run: `sudo python3 Tests/Update/test_update.py`.
Environment: LSWO_KIOSK_BIN (default .build/debug/kiosk), LSWO_UPDATE_OUT (work folder, default
/var/tmp/lswo-kiosk-update).
"""

import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RAUC_DIR = REPO / "Provisioning" / "image" / "rauc"
KIOSK_BIN = Path(os.environ.get("LSWO_KIOSK_BIN", REPO / ".build" / "debug" / "kiosk"))
OUT = Path(os.environ.get("LSWO_UPDATE_OUT", "/var/tmp/lswo-kiosk-update"))
# The slots' fixed size, and the size of the root images bundles carry (RAUC grows them to the slot).
SLOT_MIB = 512
IMAGE_MIB = 400
PIN = "480517"


def log(message):
    print(f"[update-test] {message}", flush=True)


def run(*command, check=True, input=None, env=None, timeout=300):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, input=input,
                            env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                             f"{result.stdout}{result.stderr}")
    return result


def unmount(path):
    """Unmounts `path`, waiting for a container that is still letting go of it."""
    deadline = time.monotonic() + 30
    while run("mountpoint", "-q", path, check=False).returncode == 0:
        if run("umount", path, check=False).returncode != 0:
            assert time.monotonic() < deadline, f"{path} stays busy"
            time.sleep(0.2)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def digest(path):
    sha = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def signing_pair(folder, name):
    """A self-signed certificate and key, made now (no private key is kept in the project)."""
    key, cert = folder / f"{name}.key.pem", folder / f"{name}.cert.pem"
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
        "-days", "2", "-subj", f"/O=LSWO Kiosk test/CN={name}")
    return cert, key


def slot_tree(folder, version, kiosk, without=None):
    """A small root for a slot: `kiosk` at /usr/bin/kiosk with the libraries it loads; `without`
    names a file of Kiosk/ the slot lacks (a bundle built wrong)."""
    root = folder / f"root-{version}"
    shutil.rmtree(root, ignore_errors=True)
    for path in ["usr/bin", "usr/lib/lswo-kiosk", "usr/share", "etc/lswo-kiosk", "var/lib/kiosk", "data",
                 "tmp", "proc", "sys", "dev", "run"]:
        (root / path).mkdir(parents=True, exist_ok=True)
    # Debian's merged /usr: /lib, /lib64, /bin, /sbin are links into /usr.
    for lib in ["lib", "lib64", "bin", "sbin"]:
        if Path(f"/{lib}").is_symlink():
            (root / f"usr/{lib}").mkdir(parents=True, exist_ok=True)
            (root / lib).symlink_to(os.readlink(f"/{lib}"))
    shutil.copy2(kiosk, root / "usr/bin/kiosk")
    libraries = re.findall(r"(/\S+) \(0x", run("ldd", kiosk).stdout)
    for library in libraries:
        target = root / library.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.realpath(library), target)
    shutil.copytree(REPO / "Kiosk", root / "usr/share/lswo-kiosk")
    if without:
        (root / "usr/share/lswo-kiosk" / without).unlink()
    shutil.copytree("/usr/share/zoneinfo", root / "usr/share/zoneinfo", symlinks=True)
    (root / "usr/lib/os-release").write_text(
        f'ID=lswo-kiosk\nNAME="LSWO Kiosk"\nVERSION_ID={version}\n')
    (root / "etc/os-release").symlink_to("../usr/lib/os-release")
    (root / "usr/lib/lswo-kiosk/version").write_text(f"{version}\n")
    # Files standing for the slot's kernel and initrd (Debian's names), for the bundle hook.
    (root / "boot").mkdir()
    (root / f"boot/vmlinuz-6.1.0-{version}-amd64").write_text(kernel_text(version))
    (root / f"boot/initrd.img-6.1.0-{version}-amd64").write_text(f"initrd of version {version}\n")
    return root


def kernel_text(version):
    return f"kernel of version {version}\n"


def ext4_image(folder, root, name):
    image = folder / f"{name}.ext4"
    image.unlink(missing_ok=True)
    run("mkfs.ext4", "-q", "-F", "-L", f"lswo-{name}", "-E", "root_owner=0:0", "-d", root, image, f"{IMAGE_MIB}M")
    return image


def bundle(folder, image, version, cert, key):
    content = folder / f"bundle-{version}"
    shutil.rmtree(content, ignore_errors=True)
    content.mkdir()
    os.link(image, content / "root.ext4")
    # As build.sh makes them: the hook that puts the root's kernel into its slot's ESP folder.
    shutil.copy2(RAUC_DIR / "bundle-hook", content / "hook")
    (content / "manifest.raucm").write_text(
        f"[update]\ncompatible=lswo-kiosk-x86_64\nversion={version}\n\n[bundle]\nformat=plain\n\n"
        "[hooks]\nfilename=hook\n\n[image.rootfs]\nfilename=root.ext4\nhooks=post-install\n")
    path = folder / f"lswo-kiosk-{version}.raucb"
    path.unlink(missing_ok=True)
    run("rauc", "bundle", f"--cert={cert}", f"--key={key}", "--mksquashfs-args=-comp lz4", content, path)
    shutil.rmtree(content)
    return path


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={path}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""


class Appliance:
    """Two loop-device root slots, an ESP folder with the loader entries build.sh writes, a data
    partition (ext4 on a loop device) and the appliance's RAUC system.conf pointed at them."""

    def __init__(self, folder, keyring):
        self.folder = folder
        self.keyring = keyring
        self.loops = {}
        self.rauc_service = None
        self.bus = None

    def setup(self):
        folder, keyring = self.folder, self.keyring
        for slot in ["A", "B", "data"]:
            backing = folder / f"disk-{slot}.img"
            backing.unlink(missing_ok=True)
            run("truncate", "-s", f"{SLOT_MIB if slot != 'data' else 256}M", backing)
            self.loops[slot] = run("losetup", "--find", "--show", backing).stdout.strip()
        self.data = folder / "data"
        self.data.mkdir(exist_ok=True)
        run("mkfs.ext4", "-q", "-F", "-L", "lswo-data", self.loops["data"])
        run("mount", self.loops["data"], self.data)
        self.esp = folder / "esp"
        shutil.rmtree(self.esp, ignore_errors=True)
        (self.esp / "loader/entries").mkdir(parents=True)
        (self.esp / "loader/loader.conf").write_text("default lswo-*\ntimeout 0\n")
        (self.esp / "loader/entries/lswo-A.conf").write_text(
            "title LSWO Kiosk (slot A)\nlinux /lswo/A/vmlinuz\ninitrd /lswo/A/initrd.img\n"
            "options rauc.slot=A\nsort-key lswo-1\n")
        (self.esp / "loader/entries/lswo-B+0.conf").write_text(
            "title LSWO Kiosk (slot B)\nlinux /lswo/B/vmlinuz\ninitrd /lswo/B/initrd.img\n"
            "options rauc.slot=B\nsort-key lswo-2\n")
        conf = (RAUC_DIR / "system.conf").read_text()
        conf = conf.replace("/dev/disk/by-partlabel/root-a", self.loops["A"])
        conf = conf.replace("/dev/disk/by-partlabel/root-b", self.loops["B"])
        conf = conf.replace("/data/rauc/status.raucs", str(self.data / "rauc/status.raucs"))
        conf = conf.replace("/usr/lib/lswo-kiosk/rauc-systemd-boot", str(RAUC_DIR / "rauc-systemd-boot"))
        conf = conf.replace("/etc/rauc/keyring.pem", str(keyring))
        assert "/dev/disk" not in conf and "path=/etc/" not in conf, conf
        self.conf = folder / "system.conf"
        self.conf.write_text(conf)
        (self.data / "rauc").mkdir(exist_ok=True)
        self.port = free_port()
        # The data partition as build.sh makes it: the service's state folder and the configuration.
        (self.data / "kiosk").mkdir(mode=0o700, exist_ok=True)
        (self.data / "etc-lswo-kiosk").mkdir(exist_ok=True)
        config = (REPO / "Provisioning/image/kiosk.conf").read_text().replace("port = 8080", f"port = {self.port}")
        (self.data / "etc-lswo-kiosk/kiosk.conf").write_text(config)
        self.booted = None
        bus = folder / "system_bus_socket"
        (folder / "bus.conf").write_text(BUS_CONFIG.format(path=bus))
        self.bus = subprocess.Popen(["dbus-daemon", "--nofork", f"--config-file={folder / 'bus.conf'}"],
                                    start_new_session=True)
        self.bus_address = f"unix:path={bus}"
        deadline = time.monotonic() + 10
        while not bus.exists():
            assert time.monotonic() < deadline and self.bus.poll() is None, "dbus-daemon did not start"
            time.sleep(0.05)

    def factory(self, image, version):
        """Slot A written with `image` and its kernel in A's ESP folder, as build.sh writes the disk."""
        run("dd", f"if={image}", f"of={self.loops['A']}", "bs=4M", "conv=fsync", "status=none")
        (self.esp / "lswo/A").mkdir(parents=True, exist_ok=True)
        (self.esp / "lswo/A/vmlinuz").write_text(kernel_text(version))
        (self.esp / "lswo/A/initrd.img").write_text(f"initrd of version {version}\n")

    def kernel(self, slot):
        """The kernel file slot's loader entry boots (its `linux` line), or None."""
        [entry] = [p for p in (self.esp / "loader/entries").iterdir() if p.name.startswith(f"lswo-{slot}")]
        path = self.esp / re.search(r"^linux /(\S+)", entry.read_text(), re.M).group(1)
        return path.read_text() if path.exists() else None

    def env(self):
        env = dict(os.environ)
        env["LSWO_ESP"] = str(self.esp)
        env["DBUS_SYSTEM_BUS_ADDRESS"] = self.bus_address
        return env

    def start_rauc(self, slot):
        """RAUC's service as this boot starts it: the kernel command line says rauc.slot=SLOT."""
        self.stop_rauc()
        cmdline = self.folder / "cmdline"
        cmdline.write_text(f"BOOT_IMAGE=/lswo/vmlinuz root=PARTUUID=test rauc.slot={slot} rw\n")
        self.rauc_log = open(self.folder / f"rauc-service-{slot}.log", "a")
        self.rauc_service = subprocess.Popen(
            ["unshare", "--mount", "sh", "-c",
             f'mount --bind "{cmdline}" /proc/cmdline && exec rauc service --conf="{self.conf}"'],
            env=self.env(), stdout=self.rauc_log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while run("rauc", "status", check=False, env=self.env()).returncode != 0:
            assert self.rauc_service.poll() is None, (self.folder / f"rauc-service-{slot}.log").read_text()
            assert time.monotonic() < deadline, "rauc service did not answer"
            time.sleep(0.1)

    def stop_rauc(self):
        if self.rauc_service is not None and self.rauc_service.poll() is None:
            self.rauc_service.terminate()
            self.rauc_service.wait(timeout=30)
            self.rauc_log.close()
        self.rauc_service = None

    def entries(self):
        return sorted(p.name for p in (self.esp / "loader/entries").iterdir())

    def boot_choice(self):
        """systemd-boot's choice under `default lswo-*`: entries with no tries left sort last, then
        by sort-key; starting an entry with a counter counts one try down (+LEFT-DONE)."""
        def parse(path):
            match = re.fullmatch(r"lswo-([AB])(?:\+(\d+)(?:-(\d+))?)?\.conf", path.name)
            key = re.search(r"^sort-key (\S+)", path.read_text(), re.M).group(1)
            left = None if match.group(2) is None else int(match.group(2))
            return match.group(1), left, int(match.group(3) or 0), key, path
        found = [parse(p) for p in (self.esp / "loader/entries").iterdir()]
        found.sort(key=lambda e: (e[1] == 0, e[3]))
        slot, left, done, _, path = found[0]
        assert left != 0, f"every entry is bad: {self.entries()}"
        if left is not None:
            path.rename(path.with_name(f"lswo-{slot}+{left - 1}-{done + 1}.conf"))
        return slot

    def nspawn_args(self, root, name, *command):
        return ["systemd-nspawn", "--quiet", "--register=no", "--keep-unit",
                f"--machine=lswo-{name}-{Path(root).name}", "--directory", root,
                f"--bind={self.data}/kiosk:/var/lib/kiosk", f"--bind={self.data}/etc-lswo-kiosk:/etc/lswo-kiosk",
                f"--bind={self.data}:/data", "--", *command]

    def nspawn(self, root, *command, stdin=None, background=False):
        args = self.nspawn_args(root, "update", *command)
        if background:
            return subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, start_new_session=True)
        return run(*args, input=stdin)

    def inside(self, container, *command, stdin=None):
        """Runs `command` in the running slot's container (its mount namespace: the slot's root)."""
        children = []
        for task in Path(f"/proc/{container.pid}/task").iterdir():
            children += (task / "children").read_text().split()
        assert children, "the container has no process"
        return run("nsenter", "--target", children[0], "--mount", "--pid", "--", *command, input=stdin)

    def boot(self, check_timeout=60):
        """Boots the loader's choice as the appliance's units do: mounts its slot, runs
        kiosk-mark-good (before kiosk.service; on a slot on trial it runs the slot's own `kiosk
        boot-check` in the slot's container), then, only when that succeeded (kiosk.service
        Requires= it), the slot's `kiosk serve` until /healthz answers.
        Answers (slot, version, kiosk process or None when it did not serve, mark-good result).
        Records the live database's SHA-256 and schema when kiosk-mark-good ended (`at_mark_good`)."""
        slot = self.boot_choice()
        self.booted = slot
        self.booted_kernel = self.kernel(slot)
        self.start_rauc(slot)
        self.boots = getattr(self, "boots", 0) + 1
        root = self.folder / f"boot{self.boots}-{slot}"
        root.mkdir(exist_ok=True)
        run("mount", "-o", "ro", self.loops[slot], root)
        self.mounted = root
        version = (root / "usr/lib/lswo-kiosk/version").read_text().strip()
        # The loader started the kernel in the slot's own ESP folder: the one its root came with.
        assert self.booted_kernel == kernel_text(version), (slot, version, self.booted_kernel)
        started = time.monotonic()
        env = self.env()
        env.update(LSWO_BOOT_BACKEND=str(RAUC_DIR / "rauc-systemd-boot"), LSWO_CMDLINE=str(self.folder / "cmdline"),
                   LSWO_BOOT_CHECK=" ".join(str(a) for a in self.nspawn_args(
                       root, "check", "/usr/bin/kiosk", "boot-check", "--config", "/etc/lswo-kiosk/kiosk.conf",
                       "--data-dir", "/var/lib/kiosk", "--timeout", str(check_timeout))))
        marked = run(RAUC_DIR / "kiosk-mark-good", check=False, env=env, timeout=check_timeout + 120)
        self.marked_at = time.time()
        live = self.data / "kiosk/kiosk.sqlite"
        self.at_mark_good = (digest(live), tables(live, untouched=True)) if live.exists() else None
        log(f"slot {slot} (version {version}): kiosk-mark-good exited {marked.returncode} after "
            f"{time.monotonic() - started:.1f} s: {(marked.stdout + marked.stderr).strip()[-600:]}")
        self.said = ""
        if marked.returncode != 0:
            return slot, version, None, marked
        kiosk = self.nspawn(root, "/usr/bin/kiosk", "serve", "--config", "/etc/lswo-kiosk/kiosk.conf",
                            "--data-dir", "/var/lib/kiosk", background=True)
        deadline = time.monotonic() + 60
        while not healthz(self.port):
            if kiosk.poll() is not None:
                self.said = kiosk.stdout.read()
                log(f"its kiosk stopped with {kiosk.returncode}, having said {self.said[-300:]!r}")
                return slot, version, None, marked
            assert time.monotonic() < deadline, "kiosk.service did not answer /healthz"
            time.sleep(0.2)
        return slot, version, kiosk, marked

    def shutdown(self, kiosk):
        if kiosk is not None:
            os.killpg(kiosk.pid, 15)
            kiosk.wait(timeout=60)
        unmount(self.mounted)
        self.mounted = None

    def update(self, bundle_path):
        return run(KIOSK_BIN, "update", bundle_path, "--config", self.data / "etc-lswo-kiosk/kiosk.conf",
                   "--data-dir", self.data / "kiosk", check=False, env=self.env())

    def slot_state(self, slot):
        return run(RAUC_DIR / "rauc-systemd-boot", "get-state", slot, env=self.env()).stdout.strip()

    def close(self):
        if getattr(self, "mounted", None):
            unmount(self.mounted)
        self.stop_rauc()
        if self.bus is not None:
            self.bus.terminate()
            self.bus.wait(timeout=30)
        unmount(self.folder / "data")
        for loop in self.loops.values():
            run("losetup", "-d", loop, check=False)


def healthz(port):
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def tables(database, untouched=False):
    """The database's tables and indexes, and the schema steps it took (GRDB's grdb_migrations). `untouched`:
    read as SQLite reads a file it may not change (no -wal or -shm file made beside it; only for a
    database closed cleanly, whose WAL is empty)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro{'&immutable=1' if untouched else ''}", uri=True)
    try:
        names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        steps = {step for (step,) in connection.execute("SELECT identifier FROM grdb_migrations")}
        return names, steps
    finally:
        connection.close()


# The newest schema step of the kiosk (Sources/KioskStore/AppDatabase.swift). Every slot carries the
# same kiosk binary, so "version 1" is a database without this step: the test takes it back out of
# the data written under version 1, which is then the database of a kiosk one step older.
NEWEST_STEP = "v50: the stream each outbox record goes up in, indexed while it waits"
# What that step made, and the SQL that takes it back out.
NEWEST_TABLE = "outbox_waiting_stream"
NEWEST_UNDO = "DROP INDEX outbox_waiting_stream; ALTER TABLE outbox DROP COLUMN stream"


def one_step_older(database):
    connection = sqlite3.connect(database)
    try:
        with connection:
            for statement in NEWEST_UNDO.split(";"):
                connection.execute(statement)
            assert connection.execute("DELETE FROM grdb_migrations WHERE identifier = ?",
                                      (NEWEST_STEP,)).rowcount == 1, f"the newest step is no longer {NEWEST_STEP!r}"
    finally:
        connection.close()


def pre_migration_backups(data):
    return sorted((data / "kiosk/backups").glob("kiosk-*-pre-migration-*.sqlite"))


def filesystem_mib(device):
    """The ext4 file system's size on `device`, MiB."""
    said = run("dumpe2fs", "-h", device).stdout
    blocks = int(re.search(r"^Block count:\s+(\d+)", said, re.M).group(1))
    size = int(re.search(r"^Block size:\s+(\d+)", said, re.M).group(1))
    return blocks * size >> 20


def staff_accounts(database):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id, role FROM staff ORDER BY id").fetchall()
    finally:
        connection.close()


def data_digest(data):
    """The bytes of the office's state on the data partition (database, keys, secrets)."""
    return {str(p.relative_to(data / "kiosk")): digest(p) for p in sorted((data / "kiosk").rglob("*"))
            if p.is_file() and "backups" not in p.parts}


def test_updates_keep_the_data_and_fall_back():
    if os.geteuid() != 0:
        import pytest
        pytest.skip("loop devices and nspawn need root")
    assert KIOSK_BIN.exists(), f"no kiosk binary at {KIOSK_BIN}"
    started = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    cert, key = signing_pair(OUT, "release")
    rogue_cert, rogue_key = signing_pair(OUT, "someone-else")

    figures = {}
    t0 = time.monotonic()
    v1 = ext4_image(OUT, slot_tree(OUT, "1", KIOSK_BIN), "v1")
    v2 = ext4_image(OUT, slot_tree(OUT, "2", KIOSK_BIN), "v2")
    # Version 3 is built wrong: its kiosk lacks the reference data it loads once the database is
    # open, so it migrates the copy and then fails to start on it.
    broken = ext4_image(OUT, slot_tree(OUT, "3", KIOSK_BIN, without="reference/reference-data.json"), "v3")
    figures["slot images"] = time.monotonic() - t0
    t0 = time.monotonic()
    bundle_v2 = bundle(OUT, v2, "2", cert, key)
    bundle_broken = bundle(OUT, broken, "3", cert, key)
    bundle_rogue = bundle(OUT, v2, "2-rogue", rogue_cert, rogue_key)
    figures["three bundles"] = time.monotonic() - t0
    log(f"bundles: {bundle_v2.stat().st_size >> 20} MiB each (slot image {SLOT_MIB} MiB); "
        f"images {figures['slot images']:.0f} s, bundles {figures['three bundles']:.0f} s")
    run("rauc", "info", f"--keyring={cert}", bundle_v2)
    assert run("rauc", "info", f"--keyring={cert}", bundle_rogue, check=False).returncode != 0

    appliance = Appliance(OUT, cert)
    kiosk = None
    try:
        appliance.setup()
        # The factory: slot A written with version 1 (as build.sh writes the disk image), B empty.
        appliance.factory(v1, "1")
        slot, version, kiosk, marked = appliance.boot()
        assert (slot, version) == ("A", "1") and kiosk and marked.returncode == 0, marked.stdout + marked.stderr
        assert appliance.entries() == ["lswo-A.conf", "lswo-B+0.conf"], appliance.entries()
        # Data written under version 1: a staff account (and the database, keys, secrets it made).
        appliance.inside(kiosk, "/usr/bin/kiosk", "staff", "add", "dulmaa", "--name", "Дулмаа", "--role", "head",
                         "--config", "/etc/lswo-kiosk/kiosk.conf", "--data-dir", "/var/lib/kiosk", stdin=f"{PIN}\n")
        appliance.shutdown(kiosk)
        kiosk = None

        # A bundle signed by another key: refused, nothing written, slot B stays bad.
        b_before = digest(appliance.loops["B"])
        refused = appliance.update(bundle_rogue)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "not updated" in refused.stdout and "signature" in refused.stdout.lower(), refused.stdout
        assert digest(appliance.loops["B"]) == b_before
        assert appliance.entries() == ["lswo-A.conf", "lswo-B+0.conf"], appliance.entries()
        assert not (appliance.esp / "lswo/B").exists()
        log("a bundle signed by another key: refused, slot B untouched")

        # Version 2 through `kiosk update`: a backup first, then RAUC writes slot B and makes it
        # the next boot's choice with three tries. In the next second: a copy of the same kind made
        # in the refused update's second would replace its copy (DatabaseBackup names them by second).
        time.sleep(1.05 - time.time() % 1)
        t0 = time.monotonic()
        updated = appliance.update(bundle_v2)
        figures["kiosk update (backup + rauc install)"] = time.monotonic() - t0
        assert updated.returncode == 0, updated.stdout + updated.stderr
        assert "backup before the update" in updated.stdout, updated.stdout
        # One copy a `kiosk update` (the refused one made one too, before RAUC looked at the bundle).
        backups = sorted((appliance.data / "kiosk/backups").glob("kiosk-*-pre-update-*.sqlite"))
        assert len(backups) == 2, backups
        assert staff_accounts(backups[-1]) == [("dulmaa", "head")]
        assert appliance.entries() == ["lswo-A.conf", "lswo-B+3.conf"], appliance.entries()
        # The bundle's root, grown by RAUC to the fixed slot; its kernel in B's folder, A's kept.
        assert filesystem_mib(appliance.loops["B"]) == SLOT_MIB
        assert appliance.kernel("B") == kernel_text("2") and appliance.kernel("A") == kernel_text("1")
        # The office's database as version 1 left it: one schema step behind version 2.
        live = appliance.data / "kiosk/kiosk.sqlite"
        one_step_older(live)
        before_update = data_digest(appliance.data)
        assert "kiosk.sqlite" in before_update, before_update
        assert not pre_migration_backups(appliance.data)

        # The first boot of version 2: before kiosk.service, kiosk-mark-good has the new kiosk
        # migrate and serve a copy; proven, the slot is marked good, and only then does
        # kiosk.service back the live database up and migrate it.
        t0 = time.monotonic()
        slot, version, kiosk, marked = appliance.boot()
        figures["boot of the new slot: proof on the copy, mark-good, kiosk serving"] = time.monotonic() - t0
        assert (slot, version) == ("B", "2") and kiosk and marked.returncode == 0, marked.stdout + marked.stderr
        assert NEWEST_STEP in marked.stdout and "proven: the live database was not touched" in marked.stdout, \
            marked.stdout
        assert "marked good" in marked.stdout, marked.stdout
        # The slot's container runs no systemd: the proof runs without kiosk.service's sandbox, and
        # says so (Tests/Image checks it under the sandbox).
        assert "not under kiosk.service's sandbox (this system was not booted with systemd)" in marked.stdout, \
            marked.stdout
        # When the slot was marked good the live database had its version 1 bytes and schema.
        sha, (names, steps) = appliance.at_mark_good
        assert sha == before_update["kiosk.sqlite"] and NEWEST_TABLE not in names and NEWEST_STEP not in steps
        assert not (appliance.data / "kiosk/boot-check").exists(), "the copy was left behind"
        # Then kiosk.service: a backup of the version 1 database, made after mark-good, and the step.
        [backup] = pre_migration_backups(appliance.data)
        assert backup.stat().st_mtime >= appliance.marked_at - 1, (backup.stat().st_mtime, appliance.marked_at)
        names, steps = tables(backup)
        assert NEWEST_TABLE not in names and NEWEST_STEP not in steps, "the backup is not of the old schema"
        assert staff_accounts(backup) == [("dulmaa", "head")]
        names, steps = tables(live)
        assert NEWEST_TABLE in names and NEWEST_STEP in steps, "the live database was not migrated"
        log(f"version 2: proven on a copy ({marked.stdout.strip().splitlines()[0]}), marked good, then "
            f"backed up ({backup.name}) and migrated")
        assert appliance.entries() == ["lswo-A.conf", "lswo-B.conf"], appliance.entries()
        assert appliance.slot_state("B") == "good"
        status = run("rauc", "status", "--output-format=shell", env=appliance.env()).stdout
        assert "RAUC_BOOT_PRIMARY='rootfs.1'" in status, status
        # The data of version 1 under version 2: the same secret files, the staff account signs in.
        after = data_digest(appliance.data)
        for name in before_update:
            if not name.startswith("kiosk.sqlite"):
                assert after.get(name) == before_update[name], name
        staff = staff_accounts(appliance.data / "kiosk/kiosk.sqlite")
        assert staff == [("dulmaa", "head")], staff
        log("version 2 on slot B: marked good; the staff account made under version 1 is there")
        appliance.shutdown(kiosk)
        kiosk = None

        # Version 3, whose kiosk fails on the migrated copy: installed into A, booted once, never
        # marked good and kiosk.service never started; the loader falls back to B, and the live
        # database (one step behind version 3 again) has the same bytes.
        t0 = time.monotonic()
        assert appliance.update(bundle_broken).returncode == 0
        one_step_older(live)
        before_broken = data_digest(appliance.data)
        assert appliance.entries() == ["lswo-A+3.conf", "lswo-B.conf"], appliance.entries()
        assert appliance.kernel("A") == kernel_text("3") and appliance.kernel("B") == kernel_text("2")
        slot, version, kiosk, marked = appliance.boot(check_timeout=30)
        figures["boot of the failing version: proof on the copy fails, marked bad"] = time.monotonic() - t0
        assert (slot, version) == ("A", "3") and marked.returncode == 1 and kiosk is None, marked.stdout
        # It failed on the copy after migrating it, not before.
        assert NEWEST_STEP in marked.stdout and "did not answer /healthz: it stopped" in marked.stdout, \
            marked.stdout
        assert "reference-data.json" in marked.stdout, marked.stdout
        assert appliance.slot_state("A") == "bad", appliance.entries()
        assert appliance.at_mark_good[0] == before_broken["kiosk.sqlite"]
        appliance.shutdown(kiosk)
        after_broken = data_digest(appliance.data)
        assert after_broken == before_broken, ("the failed version changed the data partition",
                                               set(after_broken.items()) ^ set(before_broken.items()))
        assert not (appliance.data / "kiosk/boot-check").exists(), "the copy was left behind"
        slot, version, kiosk, marked = appliance.boot()
        figures["failed update to fallback serving"] = time.monotonic() - t0
        assert (slot, version) == ("B", "2") and kiosk and marked.returncode == 0
        assert "kept already" in marked.stdout, marked.stdout
        # Up to the old slot's kiosk.service the live database kept its bytes (sha256), and the
        # old kiosk serves it.
        assert appliance.at_mark_good[0] == before_broken["kiosk.sqlite"]
        assert healthz(appliance.port)
        # The fallback boots the older kernel: B's own folder, untouched by the failed version's.
        assert appliance.booted_kernel == kernel_text("2")
        assert staff_accounts(appliance.data / "kiosk/kiosk.sqlite") == [("dulmaa", "head")]
        log(f"version 3 (fails on the migrated copy): slot A marked bad, live database unchanged, fell back to B "
            f"(version 2); "
            f"entries {appliance.entries()}")
        appliance.shutdown(kiosk)
        kiosk = None
    finally:
        if kiosk is not None:
            appliance.shutdown(kiosk)
        appliance.close()
    figures["whole test"] = time.monotonic() - started
    text = "".join(f"{name}: {seconds:.1f} s\n" for name, seconds in figures.items())
    (OUT / "update-figures.txt").write_text(text)
    log("figures:\n" + text)


HUB_BIN = Path(os.environ.get("LSWO_HUB_BIN", KIOSK_BIN.parent / "lmis-hub"))
HUB_TOKEN = "update-test-admin-token-0123456789"


class BundleServer:
    """An HTTPS file server (a certificate made now, for 127.0.0.1) that answers byte ranges, as a
    release server or CDN does, and can cut its next answer short (a link that drops mid-download).
    Records each request's Range header."""

    def __init__(self, folder):
        import ssl
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        self.folder = folder / "www"
        self.folder.mkdir(exist_ok=True)
        self.cert, key = folder / "https.cert.pem", folder / "https.key.pem"
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
            "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
        self.ranges = []
        self.cut_next_after = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = server.folder / self.path.lstrip("/")
                if "/" in self.path.lstrip("/") or not path.is_file():
                    self.send_error(404)
                    return
                size = path.stat().st_size
                wanted = self.headers.get("Range")
                server.ranges.append(wanted)
                start = int(re.fullmatch(r"bytes=(\d+)-", wanted).group(1)) if wanted else 0
                self.send_response(206 if wanted else 200)
                if wanted:
                    self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
                self.send_header("Content-Length", str(size - start))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                cut, server.cut_next_after = server.cut_next_after, None
                left = size - start if cut is None else cut
                with open(path, "rb") as file:
                    file.seek(start)
                    while left > 0:
                        block = file.read(min(left, 1 << 20))
                        if not block:
                            break
                        self.wfile.write(block)
                        left -= len(block)
                if cut is not None:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def publish(self, path):
        os.link(path, self.folder / path.name)
        return f"{self.base}/{path.name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Hub:
    """The real hub (lmis-hub serve) on a real PostgreSQL, plain HTTP on 127.0.0.1 as a development
    hub (the kiosk is told so with KIOSK_ALLOW_HTTP_HUB)."""

    def __init__(self, folder):
        import json
        import sys
        self.json = json
        self.peer = subprocess.Popen([sys.executable, str(REPO / "Tests/EndToEnd/lmis_peers.py"), "postgres",
                                      "--dir", str(folder / "pg")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        pg = json.loads(self.peer.stdout.readline())
        assert "error" not in pg, pg
        run("createdb", "-h", pg["host"], "-p", pg["port"], "-U", "postgres", "lmis")
        port = free_port()
        env = {**os.environ, "LMIS_HUB_PORT": str(port), "LMIS_HUB_POSTGRES_HOST": pg["host"],
               "LMIS_HUB_POSTGRES_PORT": str(pg["port"]), "LMIS_HUB_POSTGRES_USER": "postgres",
               "LMIS_HUB_POSTGRES_DATABASE": "lmis", "LMIS_HUB_ADMIN_TOKEN": HUB_TOKEN}
        self.log = open(folder / "hub.log", "wb")
        self.process = subprocess.Popen([str(HUB_BIN), "serve"], env=env, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while self.admin("GET", "/health", None, token=None)[0] != 200:
            assert time.monotonic() < deadline and self.process.poll() is None, (folder / "hub.log").read_text()
            time.sleep(0.2)

    def admin(self, method, path, body, token=HUB_TOKEN):
        import urllib.error
        import urllib.request
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, method=method, headers=headers,
                                         data=None if body is None else self.json.dumps(body).encode())
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError as error:
            return None, str(error)

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        self.peer.stdin.close()
        self.peer.wait(timeout=60)


def test_an_update_published_on_the_hub_is_fetched_over_https():
    """The hub's operators publish a bundle for the `pilot` channel; the kiosk's heartbeat learns of
    it (`kiosk doctor` says an update is available), and `kiosk update --latest` downloads it over
    HTTPS and installs it. A published checksum the download does not match is refused with nothing
    written; a download cut short is resumed where it stopped."""
    if os.geteuid() != 0:
        import pytest
        pytest.skip("loop devices and nspawn need root")
    import json
    assert KIOSK_BIN.exists() and HUB_BIN.exists(), (KIOSK_BIN, HUB_BIN)
    out = Path(f"{OUT}-hub")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cert, key = signing_pair(out, "release")
    v1 = ext4_image(out, slot_tree(out, "1", KIOSK_BIN), "v1")
    v2 = ext4_image(out, slot_tree(out, "2", KIOSK_BIN), "v2")
    bundle_v2 = bundle(out, v2, "2", cert, key)
    size, sha = bundle_v2.stat().st_size, digest(bundle_v2)

    appliance = Appliance(out, cert)
    hub = server = kiosk = None
    figures = {}
    try:
        appliance.setup()
        appliance.factory(v1, "1")
        # Running slot A (RAUC's service as its boot starts it); its kiosk need not serve for this.
        assert appliance.boot_choice() == "A"
        appliance.start_rauc("A")
        hub = Hub(out)
        server = BundleServer(out)
        url = server.publish(bundle_v2)
        config = appliance.data / "etc-lswo-kiosk/kiosk.conf"
        with open(config, "a") as file:
            file.write(f"\nupdate_channel = pilot\nupdate_ca_file = {server.cert}\n")
        env = {**appliance.env(), "KIOSK_ALLOW_HTTP_HUB": "true"}

        def kiosk_cli(*args):
            return run(KIOSK_BIN, *args, "--config", config, "--data-dir", appliance.data / "kiosk",
                       check=False, env=env, timeout=600)

        assert hub.admin("PUT", "/admin/offices/UB-SB", {"name": "Сүхбаатар дүүргийн ХХҮХ"})[0] == 200
        code = json.loads(hub.admin("POST", "/admin/enrolment-codes", {"officeCode": "UB-SB"})[1])["code"]
        enrolled = kiosk_cli("sync", "enrol", "--hub", hub.base, "--code", code, "--name", "Касс 1")
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr

        # Publishing is the operators': no token, no bundle; a bad offer is refused with reasons.
        offer = {"version": "2", "url": url, "sizeBytes": size, "sha256": "0" * 64}
        assert hub.admin("PUT", "/admin/update-channels/pilot", offer, token=None)[0] == 401
        status, said = hub.admin("PUT", "/admin/update-channels/pilot",
                                 {**offer, "url": url.replace("https:", "http:"), "sha256": "xyz"})
        assert status == 400 and "url" in said and "sha256" in said, said
        nothing = kiosk_cli("update", "--latest")
        assert nothing.returncode == 1 and "publishes no update for channel pilot" in nothing.stdout, nothing.stdout

        # A published SHA-256 the bundle does not have: downloaded, refused, deleted; no backup, the
        # slot and the loader entries untouched.
        assert hub.admin("PUT", "/admin/update-channels/pilot", offer)[0] == 200
        b_before = digest(appliance.loops["B"])
        wrong = kiosk_cli("update", "--latest")
        assert wrong.returncode == 1, wrong.stdout + wrong.stderr
        assert f"not the {'0' * 64} published" in wrong.stdout and "nothing installed" in wrong.stdout, wrong.stdout
        assert digest(appliance.loops["B"]) == b_before
        assert appliance.entries() == ["lswo-A.conf", "lswo-B+0.conf"], appliance.entries()
        assert not list((appliance.data / "kiosk/updates").iterdir())
        assert not (appliance.data / "kiosk/backups").exists() or \
            not list((appliance.data / "kiosk/backups").glob("*pre-update*"))
        log("a wrong published SHA-256: the download was refused and deleted, slot B untouched")

        # Only HTTPS is fetched.
        plain = kiosk_cli("update", url.replace("https:", "http:"), "--sha256", sha)
        assert plain.returncode == 1 and "only https://" in plain.stdout, plain.stdout

        # The right offer. The heartbeat brings it; the doctor says an update is available.
        assert hub.admin("PUT", "/admin/update-channels/pilot", {**offer, "sha256": sha})[0] == 200
        listed = json.loads(hub.admin("GET", "/admin/update-channels", None)[1])
        assert [(o["channel"], o["version"], o["sha256"]) for o in listed] == [("pilot", "2", sha)], listed
        beat = kiosk_cli("sync", "heartbeat")
        assert beat.returncode == 0, beat.stdout + beat.stderr
        kept = json.loads((appliance.data / "kiosk/update-offer.json").read_text())
        assert (kept["version"], kept["sha256"], kept["sizeBytes"]) == ("2", sha, size), kept
        doctor = json.loads(kiosk_cli("doctor", "--json").stdout)
        [check] = [c for c in doctor["checks"] if c["name"] == "update"]
        assert check["verdict"] == "warning" and "update available: version 2 on channel pilot" in check["summary"], \
            check

        # The link drops after 40 % of the bundle: nothing installed, the part kept; the next run
        # resumes from where it stopped and installs.
        server.cut_next_after = size * 2 // 5
        cut = kiosk_cli("update", "--latest")
        assert cut.returncode == 1 and "run the command again to resume" in cut.stdout, cut.stdout + cut.stderr
        [part] = list((appliance.data / "kiosk/updates").iterdir())
        assert part.name.endswith(".part") and part.stat().st_size == size * 2 // 5, part
        assert digest(appliance.loops["B"]) == b_before
        t0 = time.monotonic()
        updated = kiosk_cli("update", "--latest")
        figures["kiosk update --latest (rest of the download, check, backup, rauc install)"] = time.monotonic() - t0
        assert updated.returncode == 0, updated.stdout + updated.stderr
        assert server.ranges[-1] == f"bytes={size * 2 // 5}-", server.ranges
        assert "SHA-256 as published" in updated.stdout and "backup before the update" in updated.stdout, \
            updated.stdout
        assert not list((appliance.data / "kiosk/updates").iterdir()), "the installed bundle was not deleted"
        assert appliance.entries() == ["lswo-A.conf", "lswo-B+3.conf"], appliance.entries()
        assert appliance.kernel("B") == kernel_text("2") and appliance.kernel("A") == kernel_text("1")
        log(f"kiosk update --latest: resumed at byte {size * 2 // 5} of {size}, installed into slot B")

        t0 = time.monotonic()
        slot, version, kiosk, marked = appliance.boot()
        figures["boot of the new slot to marked good"] = time.monotonic() - t0
        assert (slot, version) == ("B", "2") and kiosk and marked.returncode == 0, marked.stdout + marked.stderr
        assert appliance.entries() == ["lswo-A.conf", "lswo-B.conf"], appliance.entries()
        appliance.shutdown(kiosk)
        kiosk = None
    finally:
        if kiosk is not None:
            appliance.shutdown(kiosk)
        appliance.close()
        if server is not None:
            server.close()
        if hub is not None:
            hub.close()
    text = "".join(f"{name}: {seconds:.1f} s\n" for name, seconds in figures.items())
    text += f"bundle: {size >> 20} MiB (root image {IMAGE_MIB} MiB, slot {SLOT_MIB} MiB)\n"
    (out / "update-figures.txt").write_text(text)
    log("figures:\n" + text)


if __name__ == "__main__":
    test_updates_keep_the_data_and_fall_back()
    test_an_update_published_on_the_hub_is_fetched_over_https()
    log("passed")
