"""A rural link between two network namespaces, emulated in user space (issue 25).

This kernel has no `sch_netem`, so the link is a small forwarder: two TUN devices, one moved
into the kiosk's namespace and one into the hub's (a TUN descriptor keeps working after its
interface changes namespace), and between them, in this process, each direction of the link:

- serialisation at the line rate (a packet of N bytes occupies the line N*8/rate seconds; a
  packet waits behind the ones before it, in a drop-tail buffer of `queue_bytes`),
- a one-way propagation delay,
- random loss (the packet used the line, then is lost),
- outages: the link drops every packet for `outage_for` seconds every `outage_every` seconds
  (and on demand: `down` / `up` on standard input).

Real TCP of real processes runs over it. Used as a library (`RuralNetwork`, for the pytest
fixture and the benchmark) and as a process (`python linkemu.py forward ...`, started by
`RuralNetwork`; it owns the TUN descriptors). Needs root (namespaces, TUN, veth).

The forwarder's commands on standard input, each answered with one JSON line on standard
output: `stats`, `down`, `up`, `epoch` (the outage schedule starts over from now; the
elapsed times reported count from then too). End of input ends it (the TUN devices vanish with it).
"""
import argparse
import collections
import fcntl
import json
import os
import random
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
# The link's own addresses (private to the two namespaces).
KIOSK_LINK_ADDRESS = "10.77.0.1"
HUB_LINK_ADDRESS = "10.77.0.2"


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


class Breakdown:
    """Where a direction's delivered bytes went: IP and TCP headers, packets carrying no data
    (acknowledgements, handshakes), HTTP request heads by method and path (their count and bytes,
    the request line and headers up to the blank line), and the rest (bodies, answers, and data
    sent again). Plain HTTP only; IPv4."""

    def __init__(self) -> None:
        self.header_bytes = 0
        self.empty_packets = 0
        self.heads: dict[str, list[int]] = {}

    def add(self, packet: bytes) -> None:
        if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != 6:
            return
        ip_length = (packet[0] & 0x0F) * 4
        tcp_length = (packet[ip_length + 12] >> 4) * 4
        self.header_bytes += ip_length + tcp_length
        payload = packet[ip_length + tcp_length:]
        if not payload:
            self.empty_packets += 1
            return
        if payload.startswith((b"GET ", b"POST ", b"PUT ", b"DELETE ")):
            end = payload.find(b"\r\n\r\n")
            line = payload.split(b"\r\n", 1)[0].split(b" ")
            name = line[0].decode() + " " + line[1].split(b"?", 1)[0].decode(errors="replace")
            counted = self.heads.setdefault(name, [0, 0])
            counted[0] += 1
            counted[1] += (end + 4) if end >= 0 else len(payload)

    def report(self) -> dict:
        return {"header_bytes": self.header_bytes, "empty_packets": self.empty_packets, "heads": self.heads}


class Direction:
    """One direction of the line: a drop-tail buffer, the wire, the delay."""

    def __init__(self, name: str, source: int, sink: int, rate: float, delay: float, loss: float,
                 queue_bytes: int, rng: random.Random):
        self.name, self.source, self.sink = name, source, sink
        self.rate, self.delay, self.loss, self.queue_bytes, self.rng = rate, delay, loss, queue_bytes, rng
        self.busy_until = 0.0  # when the line finishes sending what it has been given
        self.flight: collections.deque = collections.deque()  # (arrival time, packet)
        self.stats = {"packets": 0, "bytes": 0, "lost": 0, "outage": 0, "overflow": 0}
        self.breakdown = Breakdown()

    def offer(self, packet: bytes, now: float, down: bool) -> None:
        if down:
            self.stats["outage"] += 1
            return
        waiting = max(0.0, self.busy_until - now) * self.rate / 8
        if waiting + len(packet) > self.queue_bytes:
            self.stats["overflow"] += 1
            return
        self.busy_until = max(now, self.busy_until) + len(packet) * 8 / self.rate
        if self.rng.random() < self.loss:
            self.stats["lost"] += 1
            return
        self.flight.append((self.busy_until + self.delay, packet))

    def deliver(self, now: float, down: bool) -> None:
        while self.flight and self.flight[0][0] <= now:
            _, packet = self.flight.popleft()
            if down:  # the line went down while the packet was on it
                self.stats["outage"] += 1
                continue
            try:
                os.write(self.sink, packet)
            except OSError:
                self.stats["overflow"] += 1
                continue
            self.stats["packets"] += 1
            self.stats["bytes"] += len(packet)
            self.breakdown.add(packet)

    def next_due(self) -> float | None:
        return self.flight[0][0] if self.flight else None


def forward(args) -> None:
    kiosk_fd, hub_fd = open_tun(args.kiosk_tun), open_tun(args.hub_tun)
    rng = random.Random(args.seed)
    up_link = Direction("kiosk_to_hub", kiosk_fd, hub_fd, args.rate, args.delay, args.loss, args.queue_bytes, rng)
    down_link = Direction("hub_to_kiosk", hub_fd, kiosk_fd, args.rate, args.delay, args.loss, args.queue_bytes, rng)
    by_source = {kiosk_fd: up_link, hub_fd: down_link}
    started = time.monotonic()
    forced_down = False
    outages: list[list[float]] = []

    def scheduled_down(now: float) -> bool:
        if args.outage_every <= 0 or args.outage_for <= 0:
            return False
        since = now - started - args.outage_first
        return since >= 0 and since % args.outage_every < args.outage_for

    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    os.set_blocking(sys.stdin.fileno(), False)
    pending = b""
    was_down = False
    while True:
        now = time.monotonic()
        dues = [due for due in (up_link.next_due(), down_link.next_due()) if due is not None]
        timeout = max(0.0, min(dues) - now) if dues else 0.5
        readable, _, _ = select.select([kiosk_fd, hub_fd, sys.stdin.fileno()], [], [], min(timeout, 0.5))
        now = time.monotonic()
        down = forced_down or scheduled_down(now)
        if down != was_down:
            if down:
                outages.append([round(now - started, 3), None])
            elif outages:
                outages[-1][1] = round(now - started, 3)
            was_down = down
        for fd in readable:
            if fd == sys.stdin.fileno():
                chunk = os.read(fd, 4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    command = line.decode().strip()
                    if command == "down":
                        forced_down = True
                    elif command == "up":
                        forced_down = False
                    elif command == "epoch":  # the outage schedule and the breakdowns count from now
                        started = now
                        outages.clear()
                        up_link.breakdown, down_link.breakdown = Breakdown(), Breakdown()
                    print(json.dumps({"elapsed": round(now - started, 3), "down": forced_down or scheduled_down(now),
                                      "kiosk_to_hub": up_link.stats, "hub_to_kiosk": down_link.stats,
                                      "outages": outages, "kiosk_to_hub_breakdown": up_link.breakdown.report()}),
                          flush=True)
                continue
            direction = by_source[fd]
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                direction.offer(packet, now, down)
        up_link.deliver(now, down)
        down_link.deliver(now, down)


APPLIANCE_SYSCTLS = Path(__file__).resolve().parents[2] / "Provisioning" / "image" / "sysctl-lswo-kiosk.conf"


def appliance_sysctls() -> dict[str, str]:
    """The kernel settings the appliance image installs (`NAME = VALUE` lines, # comments)."""
    settings = {}
    for line in APPLIANCE_SYSCTLS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, value = (part.strip() for part in line.split("=", 1))
            settings[name] = value
    return settings


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


class RuralNetwork:
    """Two namespaces joined only by the emulated link, each also reachable from this namespace
    over a veth pair of its own (for the test driving the kiosk's API and the hub's admin API;
    that path is not the link). `kiosk_ns`/`hub_ns` name the namespaces; the hub is reached over
    the link at `HUB_LINK_ADDRESS`, the kiosk's API from here at `kiosk_address`, the hub's admin
    API from here at `hub_address`."""

    def __init__(self, rate: float = 64_000, delay: float = 0.150, loss: float = 0.02, outage_every: float = 0,
                 outage_for: float = 0, outage_first: float = 0, queue_bytes: int = 16_000, seed: int = 25,
                 kiosk_sysctls: dict[str, str] | None = None):
        tag = os.getpid() % 100_000
        self.kiosk_ns, self.hub_ns = f"rk{tag}", f"rh{tag}"
        octet = tag % 250 + 1
        self.kiosk_address, self.hub_address = f"10.98.{octet}.2", f"10.99.{octet}.2"
        self._local = {"kiosk": (f"10.98.{octet}.1", f"vk{tag}", f"vkp{tag}"),
                       "hub": (f"10.99.{octet}.1", f"vh{tag}", f"vhp{tag}")}
        self.settings = {"rate": rate, "delay": delay, "loss": loss, "outage_every": outage_every,
                         "outage_for": outage_for, "outage_first": outage_first, "queue_bytes": queue_bytes,
                         "seed": seed}
        # Kernel settings of the kiosk's namespace: the appliance's own unless others are given.
        self.kiosk_sysctls = appliance_sysctls() if kiosk_sysctls is None else dict(kiosk_sysctls)
        self.forwarder: subprocess.Popen | None = None

    def __enter__(self) -> "RuralNetwork":
        try:
            self._build()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _build(self) -> None:
        for side, ns in (("kiosk", self.kiosk_ns), ("hub", self.hub_ns)):
            run("ip", "netns", "add", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            if side == "kiosk":
                for name, value in self.kiosk_sysctls.items():
                    run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"{name}={value}")
            local, outer, inner = self._local[side]
            remote = self.kiosk_address if side == "kiosk" else self.hub_address
            run("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
            run("ip", "link", "set", inner, "netns", ns)
            run("ip", "addr", "add", f"{local}/30", "dev", outer)
            run("ip", "link", "set", outer, "up")
            run("ip", "-n", ns, "addr", "add", f"{remote}/30", "dev", inner)
            run("ip", "-n", ns, "link", "set", inner, "up")
        tag = self.kiosk_ns[2:]
        kiosk_tun, hub_tun = f"tk{tag}", f"th{tag}"
        s = self.settings
        self.forwarder = subprocess.Popen(
            [sys.executable, __file__, "forward", "--kiosk-tun", kiosk_tun, "--hub-tun", hub_tun,
             "--rate", str(s["rate"]), "--delay", str(s["delay"]), "--loss", str(s["loss"]),
             "--outage-every", str(s["outage_every"]), "--outage-for", str(s["outage_for"]),
             "--outage-first", str(s["outage_first"]), "--queue-bytes", str(s["queue_bytes"]), "--seed", str(s["seed"])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ready = json.loads(self.forwarder.stdout.readline() or b"{}")
        assert ready.get("ready"), "the link forwarder did not start"
        for tun, ns, mine, theirs in ((kiosk_tun, self.kiosk_ns, KIOSK_LINK_ADDRESS, HUB_LINK_ADDRESS),
                                      (hub_tun, self.hub_ns, HUB_LINK_ADDRESS, KIOSK_LINK_ADDRESS)):
            run("ip", "link", "set", tun, "netns", ns)
            run("ip", "-n", ns, "addr", "add", mine, "peer", theirs, "dev", tun)
            run("ip", "-n", ns, "link", "set", tun, "mtu", "1500", "up")

    def command(self, word: str) -> dict:
        """`stats`, `down` (until `up`), `up` or `epoch`; the forwarder's counters after it."""
        assert self.forwarder and self.forwarder.stdin and self.forwarder.stdout
        self.forwarder.stdin.write(f"{word}\n".encode())
        self.forwarder.stdin.flush()
        return json.loads(self.forwarder.stdout.readline())

    def stats(self) -> dict:
        return self.command("stats")

    def in_kiosk(self, *command: str) -> list[str]:
        return ["ip", "netns", "exec", self.kiosk_ns, *command]

    def in_hub(self, *command: str) -> list[str]:
        return ["ip", "netns", "exec", self.hub_ns, *command]

    def __exit__(self, *_) -> None:
        if self.forwarder:
            self.forwarder.stdin.close()
            try:
                self.forwarder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.forwarder.kill()
                self.forwarder.wait()
        for side, ns in (("kiosk", self.kiosk_ns), ("hub", self.hub_ns)):
            subprocess.run(["ip", "link", "del", self._local[side][1]], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fwd = sub.add_parser("forward", help="forward between two TUN devices (made here) until end of input")
    fwd.add_argument("--kiosk-tun", required=True)
    fwd.add_argument("--hub-tun", required=True)
    fwd.add_argument("--rate", type=float, default=64_000, help="bits per second, each direction")
    fwd.add_argument("--delay", type=float, default=0.150, help="one-way delay, seconds")
    fwd.add_argument("--loss", type=float, default=0.02, help="share of packets lost, each direction")
    fwd.add_argument("--queue-bytes", type=int, default=16_000, help="the line's drop-tail buffer")
    fwd.add_argument("--outage-every", type=float, default=0, help="seconds between outage starts (0: none)")
    fwd.add_argument("--outage-for", type=float, default=0, help="seconds each outage lasts")
    fwd.add_argument("--outage-first", type=float, default=0, help="seconds before the first outage")
    fwd.add_argument("--seed", type=int, default=25)
    args = parser.parse_args()
    if args.command == "forward":
        forward(args)


if __name__ == "__main__":
    main()
