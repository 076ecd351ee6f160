#!/usr/bin/env python3
"""Throwaway network peers for the LMIS end-to-end tests: a private PostgreSQL 15 cluster and a
fault-injecting TCP proxy. Only the Python 3.11 standard library is used.

Both subcommands print ONE line of JSON on stdout once they are ready, then read commands from
stdin, one per line, and answer every command with ONE line of JSON (`{"ok": true, ...}` or
`{"error": "..."}`). Blank lines are ignored. When stdin reaches EOF (the parent closed it or
died), on SIGTERM/SIGINT/SIGHUP, or when the peer notices that its parent process has gone (it
checks once a second, in case a stray copy of the stdin pipe keeps EOF from arriving), the peer
tears everything down and exits 0.

    lmis_peers.py postgres --dir DIR [--bin-dir /usr/lib/postgresql/15/bin]
        -> {"host": "127.0.0.1", "port": N, "user": "postgres", "socket_dir": ..., "bin_dir": ...,
            "data_dir": ..., "log_file": ..., "postmaster_pid": N}
        commands: stop | start | kill | ping
          stop   pg_ctl stop -m fast            {"ok": true, "was_running": bool}
          start  pg_ctl start -w, same port     {"ok": true, "was_running": bool, "postmaster_pid": N}
          kill   SIGKILL the postmaster and all its children at once (a crash; no shutdown
                 checkpoint), then wait until they are all gone   {"ok": true, "was_running": bool}
          ping                                  {"ok": true, "running": bool}
        on exit: pg_ctl stop -m immediate, kill leftovers, remove DIR.

    lmis_peers.py proxy --upstream HOST:PORT
        -> {"host": "127.0.0.1", "port": N}
        commands: pass | swallow-responses N | throttle BYTES_PER_SECOND | drop-after BYTES |
                  refuse | stats     (see Proxy.command)
        on exit: close the listener and every connection.

Running as root: PostgreSQL refuses to run as root, so initdb/pg_ctl (and hence the postmaster)
run as the `postgres` system user (setuid/setgid in the child via subprocess's user=/group=), and
DIR is chowned to it. If that user cannot reach DIR (a parent directory is closed to it), or the
socket path would be too long for a unix socket, a private directory under /tmp is used instead
and its path is reported (and removed at exit).
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
DEFAULT_PG_BIN = "/usr/lib/postgresql/15/bin"
PR_SET_CHILD_SUBREAPER = 36
UNIX_PATH_MAX = 107


class Shutdown(Exception):
    """Raised from a signal handler, or when the parent has gone, to unwind into clean-up."""


# --------------------------------------------------------------------------------------------
# stdin/stdout plumbing shared by both peers


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, separators=(", ", ": ")) + "\n")
    sys.stdout.flush()


class CommandReader:
    """Reads stdin lines with os.read + select so it can also notice that the parent died."""

    def __init__(self) -> None:
        self.buffer = b""
        self.eof = False
        self.parent = os.getppid()

    def parent_gone(self) -> bool:
        return os.getppid() != self.parent

    def next_line(self, tick=None):
        """Returns the next line (str), or None at EOF / parent death. `tick` runs about once a
        second while waiting."""
        while True:
            if b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                return line.decode("utf-8", "replace").strip()
            if self.eof:
                if self.buffer:
                    line, self.buffer = self.buffer, b""
                    return line.decode("utf-8", "replace").strip()
                return None
            ready, _, _ = select.select([0], [], [], 1.0)
            if ready:
                chunk = os.read(0, 65536)
                if chunk:
                    self.buffer += chunk
                else:
                    self.eof = True
            elif self.parent_gone():
                return None
            if tick is not None:
                tick()


def install_shutdown_signals() -> None:
    def handler(signum, frame):
        raise Shutdown(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, handler)


def ignore_shutdown_signals() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# /proc helpers


def proc_state(pid: int):
    """'R', 'S', 'Z', ... or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return data[data.rfind(")") + 2:].split(" ", 1)[0]


def alive(pid) -> bool:
    if not pid or pid <= 0:
        return False
    state = proc_state(pid)
    return state is not None and state not in ("Z", "X")


def parent_map() -> dict:
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                data = f.read().decode("ascii", "replace")
            parents[int(entry)] = int(data[data.rfind(")") + 2:].split(" ")[1])
        except (OSError, ValueError, IndexError):
            pass
    return parents


def descendants(root: int) -> list:
    parents = parent_map()
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def reap_children() -> None:
    """Collects exited children (orphaned postgres processes are re-parented to us, see
    become_subreaper). Only called while no subprocess.run is in flight."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def become_subreaper() -> bool:
    """pg_ctl daemonizes the postmaster; as a child subreaper we inherit it (and its backends
    after a crash) instead of PID 1, so we can reap it. A zombie postmaster would otherwise
    keep postmaster.pid looking alive and block the next start."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# --------------------------------------------------------------------------------------------
# postgres


class PostgresPeer:
    def __init__(self, directory: str, bin_dir: str) -> None:
        self.base = Path(directory).absolute()
        self.bin_dir = Path(bin_dir)
        self.extra_dirs = []  # private fallback directories we created and must remove
        self.port = 0
        self.as_postgres = os.geteuid() == 0
        self.pw = pwd.getpwnam("postgres") if self.as_postgres else None
        self.work = self.base  # where data/ and postgres.log live
        self.sock = self.base / "sock"
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"

    # -- running things as the cluster owner

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PG", "LC_")) and k not in ("LANG", "LANGUAGE")}
        env["LANG"] = "C"
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        if self.pw is not None:
            env.update(HOME=self.pw.pw_dir, USER="postgres", LOGNAME="postgres")
        return env

    def run(self, args: list, timeout: float = 120) -> subprocess.CompletedProcess:
        kwargs = {}
        if self.pw is not None:
            kwargs = dict(user=self.pw.pw_uid, group=self.pw.pw_gid, extra_groups=[])
        return subprocess.run([str(a) for a in args], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=self.env(), cwd=str(self.work), timeout=timeout, **kwargs)

    def give(self, path: Path) -> None:
        if self.pw is not None:
            os.chown(path, self.pw.pw_uid, self.pw.pw_gid)

    def owner_can_use(self, path: Path) -> bool:
        if self.pw is None:
            return os.access(path, os.W_OK | os.X_OK)
        probe = self.run(["/usr/bin/test", "-w", str(path), "-a", "-x", str(path)], timeout=30)
        return probe.returncode == 0

    def private_dir(self, prefix: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        self.extra_dirs.append(path)
        os.chmod(path, 0o755)
        self.give(path)
        return path

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # -- lifecycle

    def setup(self) -> dict:
        if not (self.bin_dir / "pg_ctl").exists():
            raise RuntimeError(f"PostgreSQL binaries not found in {self.bin_dir}")
        become_subreaper()
        self.base.mkdir(parents=True, exist_ok=True)
        self.give(self.base)
        if not self.owner_can_use(self.base):
            # e.g. DIR sits below a root-only 0700 directory: the postgres user cannot reach it.
            self.work = self.private_dir("lmis-pg-")
            self.data, self.log, self.sock = (self.work / "data", self.work / "postgres.log",
                                              self.work / "sock")
        if len(str(self.sock)) + len("/.s.PGSQL.65535.lock") > UNIX_PATH_MAX:
            self.sock = self.private_dir("lmis-pgs-")
        else:
            self.sock.mkdir(exist_ok=True)
            os.chmod(self.sock, 0o755)
            self.give(self.sock)

        initdb = [self.bin_dir / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
                  "--encoding=UTF8"]
        result = self.run(initdb + ["--locale=C.UTF-8"])
        if result.returncode != 0:
            shutil.rmtree(self.data, ignore_errors=True)
            result = self.run(initdb + ["--no-locale"])
            if result.returncode != 0:
                raise RuntimeError("initdb failed: " + result.stdout[-2000:])

        self.port = free_port()
        quote = lambda s: "'" + str(s).replace("'", "''") + "'"  # noqa: E731
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# lmis_peers.py\n"
                       f"listen_addresses = {quote(LOOPBACK)}\n"
                       f"port = {self.port}\n"
                       f"unix_socket_directories = {quote(self.sock)}\n"
                       "max_connections = 400\n"
                       "shared_buffers = 128MB\n")
        self.start()
        return {"host": LOOPBACK, "port": self.port, "user": "postgres",
                "socket_dir": str(self.sock), "bin_dir": str(self.bin_dir),
                "data_dir": str(self.data), "log_file": str(self.log),
                "postmaster_pid": self.postmaster_pid()}

    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        return alive(self.postmaster_pid())

    def start(self) -> dict:
        reap_children()
        if self.running():
            return {"ok": True, "was_running": True, "postmaster_pid": self.postmaster_pid()}
        stale = self.postmaster_pid()
        if stale is not None and proc_state(stale) is not None:
            # a zombie we could not reap (no subreaper): it would pass postgres' kill(pid, 0)
            (self.data / "postmaster.pid").unlink(missing_ok=True)
        result = self.run([self.bin_dir / "pg_ctl", "-D", self.data, "-l", self.log, "-w",
                           "-t", "90", "start"])
        if result.returncode != 0:
            raise RuntimeError("pg_ctl start failed: " + result.stdout[-1000:]
                               + "\n--- postgres.log ---\n" + self.log_tail())
        return {"ok": True, "was_running": False, "postmaster_pid": self.postmaster_pid()}

    def stop(self, mode: str = "fast") -> dict:
        reap_children()
        if not self.running():
            return {"ok": True, "was_running": False}
        pid = self.postmaster_pid()
        result = self.run([self.bin_dir / "pg_ctl", "-D", self.data, "-m", mode, "-w",
                           "-t", "90", "stop"])
        if result.returncode != 0 and self.running():
            raise RuntimeError("pg_ctl stop failed: " + result.stdout[-1000:])
        self.wait_gone([pid], 10)
        return {"ok": True, "was_running": True}

    def kill(self) -> dict:
        reap_children()
        pm = self.postmaster_pid()
        if not alive(pm):
            return {"ok": True, "was_running": False}
        victims = self.kill_tree(pm)
        if not self.wait_gone(victims, 15):
            raise RuntimeError("postgres processes survived SIGKILL: "
                               + str([p for p in victims if alive(p)]))
        return {"ok": True, "was_running": True, "killed": len(victims)}

    def kill_tree(self, pm) -> list:
        """SIGKILLs the postmaster first (so it cannot respawn children), then its children and
        any postgres process already re-parented to us."""
        victims = []
        if alive(pm):
            tree = descendants(pm)
            try:
                os.kill(pm, signal.SIGKILL)
            except ProcessLookupError:
                pass
            victims = [pm] + tree
            for pid in tree:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for pid in descendants(os.getpid()):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    exe = f.read().split(b"\0", 1)[0]
            except OSError:
                continue
            if pid not in victims and (exe.startswith(b"postgres") or exe.endswith(b"/postgres")):
                try:
                    os.kill(pid, signal.SIGKILL)
                    victims.append(pid)
                except ProcessLookupError:
                    pass
        return victims

    def wait_gone(self, pids: list, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            reap_children()
            if not any(alive(p) for p in pids):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def command(self, line: str) -> dict:
        word = line.split()
        if word == ["stop"]:
            return self.stop("fast")
        if word == ["start"]:
            return self.start()
        if word == ["kill"]:
            return self.kill()
        if word == ["ping"]:
            return {"ok": True, "running": self.running()}
        return {"error": f"unknown command {line!r}; expected stop, start, kill or ping"}

    def teardown(self) -> None:
        try:
            if self.data.exists():
                reap_children()
                if self.running():
                    try:
                        self.run([self.bin_dir / "pg_ctl", "-D", self.data, "-m", "immediate",
                                  "-w", "-t", "30", "stop"], timeout=40)
                    except (OSError, subprocess.SubprocessError):
                        pass
                self.wait_gone(self.kill_tree(self.postmaster_pid()), 10)
        finally:
            reap_children()
            for path in [self.base] + self.extra_dirs:
                shutil.rmtree(path, ignore_errors=True)


def run_postgres(args) -> int:
    install_shutdown_signals()
    peer = None
    try:
        if not Path(args.bin_dir).is_dir():
            emit({"error": f"PostgreSQL 15 is not installed: {args.bin_dir} does not exist"})
            return 1
        try:
            peer = PostgresPeer(args.dir, args.bin_dir)
            emit(peer.setup())
        except Shutdown:
            raise
        except Exception as exc:  # noqa: BLE001 - report any start-up failure as JSON
            emit({"error": str(exc)})
            return 1
        reader = CommandReader()
        while True:
            line = reader.next_line(tick=reap_children)
            if line is None:
                break
            if not line:
                continue
            try:
                answer = peer.command(line)
            except Shutdown:
                raise
            except Exception as exc:  # noqa: BLE001
                answer = {"error": str(exc)}
            emit(answer)
    except (Shutdown, BrokenPipeError):
        pass
    finally:
        ignore_shutdown_signals()
        if peer is not None:
            peer.teardown()
    return 0


# --------------------------------------------------------------------------------------------
# proxy


class Connection:
    """One client connection and its own upstream connection, pumped by two threads."""

    def __init__(self, proxy: "Proxy", client: socket.socket, drop_after: int) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = None
        self.drop_after = drop_after
        self.lock = threading.Lock()
        self.carried = 0
        self.closing = threading.Event()
        self.pumps_left = 2
        # True when the next upstream bytes start a response: the very first ones, and the
        # first ones after the client has sent something (keep-alive: one per request).
        self.awaiting_response = True

    def run(self) -> None:
        try:
            self.upstream = socket.create_connection(self.proxy.upstream, timeout=10)
            self.upstream.settimeout(None)
        except OSError:
            self.client.close()
            self.proxy.forget(self)
            return
        for s in (self.client, self.upstream):
            try:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        if self.proxy.stopping.is_set():
            self.abort()
        threading.Thread(target=self.pump, args=(self.client, self.upstream, True),
                         daemon=True).start()
        self.pump(self.upstream, self.client, False)

    def abort(self) -> None:
        """Closes both sides now (the sockets are released once both pumps have stopped)."""
        with self.lock:
            if self.closing.is_set():
                return
            self.closing.set()
        for s in (self.client, self.upstream):
            if s is not None:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def pump(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        next_send = time.monotonic()
        try:
            while not self.closing.is_set():
                rate = self.proxy.throttle
                size = max(1, min(512, rate // 4)) if rate > 0 else 65536
                data = src.recv(size)
                if not data:
                    try:
                        dst.shutdown(socket.SHUT_WR)  # pass the half-close on
                    except OSError:
                        pass
                    return
                if up:
                    self.awaiting_response = True
                else:
                    starts_response, self.awaiting_response = self.awaiting_response, False
                    if starts_response and self.proxy.take_swallow():
                        self.swallow(src)
                        return
                # drop-after: carry at most the remaining budget, then cut the link
                drop = False
                with self.lock:
                    if self.drop_after > 0:
                        budget = self.drop_after - self.carried
                        if len(data) >= budget:
                            data, drop = data[:max(0, budget)], True
                    self.carried += len(data)
                if data:
                    dst.sendall(data)
                    self.proxy.count(up, len(data))
                if drop:
                    self.proxy.count_drop()
                    self.abort()
                    return
                rate = self.proxy.throttle
                if rate > 0:
                    now = time.monotonic()
                    next_send = max(next_send, now) + len(data) / rate
                    if next_send > now:
                        self.closing.wait(next_send - now)
        except OSError:
            self.abort()
        finally:
            with self.lock:
                self.pumps_left -= 1
                last = self.pumps_left == 0
            if last:
                for s in (self.client, self.upstream):
                    try:
                        s.close()
                    except OSError:
                        pass
                self.proxy.forget(self)

    def swallow(self, upstream: socket.socket) -> None:
        """The upstream has answered: keep the answer from the client, let the upstream finish
        for ~200 ms (draining what it sends), then close both sides."""
        deadline = time.monotonic() + 0.2
        while not self.closing.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([upstream], [], [], left)
            if ready:
                try:
                    if not upstream.recv(65536):
                        time.sleep(max(0.0, deadline - time.monotonic()))
                        break
                except OSError:
                    break
        self.abort()


class Proxy:
    def __init__(self, upstream: tuple) -> None:
        self.upstream = upstream
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.refusing = False
        self.swallow_left = 0
        self.throttle = 0
        self.drop_after = 0
        self.stats = {"connections": 0, "swallowed": 0, "dropped": 0, "refused": 0, "cut": 0,
                      "bytes_up": 0, "bytes_down": 0}
        self.connections = set()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(128)
        self.listener.settimeout(0.25)
        self.port = self.listener.getsockname()[1]

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                if self.stopping.is_set():
                    return
                time.sleep(0.05)
                continue
            client.setblocking(True)
            with self.lock:
                self.stats["connections"] += 1
                refuse = self.refusing or self.stopping.is_set()
                if refuse:
                    self.stats["refused"] += 1
                else:
                    conn = Connection(self, client, self.drop_after)
                    self.connections.add(conn)
            if refuse:
                client.close()
                continue
            threading.Thread(target=conn.run, daemon=True).start()

    def take_swallow(self) -> bool:
        with self.lock:
            if self.swallow_left > 0:
                self.swallow_left -= 1
                self.stats["swallowed"] += 1
                return True
            return False

    def count(self, up: bool, n: int) -> None:
        with self.lock:
            self.stats["bytes_up" if up else "bytes_down"] += n

    def count_drop(self) -> None:
        with self.lock:
            self.stats["dropped"] += 1

    def forget(self, conn: Connection) -> None:
        with self.lock:
            self.connections.discard(conn)

    def settings(self) -> dict:
        return {"refusing": self.refusing, "swallow_left": self.swallow_left,
                "throttle": self.throttle, "drop_after": self.drop_after}

    def command(self, line: str) -> dict:
        """pass                  back to plain forwarding: clears refuse, swallow-responses,
                                 throttle and drop-after
        swallow-responses N      the next N responses (the first upstream bytes of a connection,
                                 or the first after the client sent more on a kept-alive one) are
                                 kept from the client; ~200 ms later both sides are closed
        throttle BPS             each direction of each connection (existing ones too) at most
                                 BPS bytes/s, in chunks of <= 512 bytes; 0 = unlimited
        drop-after BYTES         new connections are cut (both sides) once they have carried
                                 BYTES in total, both directions; 0 = never
        refuse                   new connections are accepted and closed at once
        cut                      every open connection is closed now (both sides), as a link
                                 that drops mid-request; new ones are still forwarded
        stats                    counters"""
        word = line.split()
        name, rest = word[0], word[1:]

        def number():
            if len(rest) != 1 or not rest[0].isdigit():
                raise ValueError(f"{name} needs one non-negative integer")
            return int(rest[0])

        try:
            with self.lock:
                if name == "pass" and not rest:
                    self.refusing, self.swallow_left, self.throttle, self.drop_after = (
                        False, 0, 0, 0)
                elif name == "swallow-responses":
                    self.swallow_left = number()
                elif name == "throttle":
                    self.throttle = number()
                elif name == "drop-after":
                    self.drop_after = number()
                elif name == "refuse" and not rest:
                    self.refusing = True
                elif name == "cut" and not rest:
                    cut = list(self.connections)
                elif name == "stats" and not rest:
                    return {"ok": True, **self.stats, "active": len(self.connections),
                            **self.settings()}
                else:
                    return {"error": f"unknown command {line!r}; expected pass, "
                                     "swallow-responses N, throttle BPS, drop-after BYTES, "
                                     "refuse, cut or stats"}
                if name != "cut":
                    return {"ok": True, **self.settings()}
            # Outside the lock: a connection that closes forgets itself under it.
            for conn in cut:
                conn.abort()
            with self.lock:
                self.stats["cut"] += len(cut)
            return {"ok": True, "cut": len(cut), **self.settings()}
        except ValueError as exc:
            return {"error": str(exc)}

    def close(self) -> None:
        self.stopping.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self.connections)
        for conn in conns:
            conn.abort()
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            with self.lock:
                if not self.connections:
                    break
            time.sleep(0.02)


def parse_hostport(text: str) -> tuple:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"--upstream must be HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def run_proxy(args) -> int:
    install_shutdown_signals()
    proxy = None
    try:
        try:
            proxy = Proxy(parse_hostport(args.upstream))
        except (ValueError, OSError) as exc:
            emit({"error": str(exc)})
            return 1
        threading.Thread(target=proxy.serve, daemon=True).start()
        emit({"host": LOOPBACK, "port": proxy.port})
        reader = CommandReader()
        while True:
            line = reader.next_line()
            if line is None:
                break
            if line:
                emit(proxy.command(line))
    except (Shutdown, BrokenPipeError):
        pass
    finally:
        ignore_shutdown_signals()
        if proxy is not None:
            proxy.close()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    pg = sub.add_parser("postgres", help="a private PostgreSQL 15 cluster")
    pg.add_argument("--dir", required=True, help="working directory, removed at exit")
    pg.add_argument("--bin-dir", default=DEFAULT_PG_BIN)
    px = sub.add_parser("proxy", help="a fault-injecting TCP proxy")
    px.add_argument("--upstream", required=True, metavar="HOST:PORT")
    args = parser.parse_args(argv)
    return run_postgres(args) if args.what == "postgres" else run_proxy(args)


if __name__ == "__main__":
    sys.exit(main())
