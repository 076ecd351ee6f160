#!/usr/bin/env python3
"""A busy office's backlog over a rural link (issue 25), measured.

The hub (with its PostgreSQL) and `kiosk serve` run in network namespaces of their own, joined
only by the emulated line of Tests/EndToEnd/linkemu.py: 64 kbit/s each way, 150 ms each way
(300 ms round trip), 2 % loss, down 30 s every 180 s. The office is offline while its backlog
gathers (registrations with varied people, and tickets each issued, called, started and
finished: four queue events, 1.2 tickets a registration); then the link comes back and the
backlog drains (the first outage 20 s into it). While it drains a visitor takes a ticket
10 s in and every 20 s after; when its events reach the hub is reported too.

The backlog stands for days offline (--backlog-days, 7 by default): its tickets, made in the
run's minutes, are spread over that many office days before today, oldest first, as a week
offline would leave them (their records' `ticket.officeDay`; the kiosk uploads queue records in
a lane per office day, issue 25). --backlog-days 0 leaves them all today's.

Printed: drain time; bytes a record on the wire (IP packets kiosk → hub, everything included:
headers, signatures, heartbeats, registry checks, retransmissions) and in the upload bodies (the
hub's `lmis_upload_body_bytes_total`); the physical limit (body bytes ÷ line rate) and the
ratio of the drain to it (goal ≤ 1.5); then, from the drained outbox, bytes a record per record
type and batch size, gzip JSON (before) against the dictionary coding (after).

Usage (root; binaries from KIOSK_BIN / LMIS_HUB_BIN, else .build-release, else .build/debug):
  Benchmarks/run.sh rural-link [--registrations N] [--outage-every S] [--outage-for S]
  python3 Benchmarks/rural_link.py --registrations 1000
The full 10-day backlog is --registrations 20000 (about two hours at 64 kbit/s); smaller
backlogs are extrapolated linearly (the drain is bound by bytes, so time scales with records).
"""
import argparse
import datetime
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for build in (ROOT / ".build-release" / "release", ROOT / ".build" / "debug"):
    if "KIOSK_BIN" not in os.environ and (build / "kiosk").exists() and (build / "lmis-hub").exists():
        os.environ["KIOSK_BIN"] = str(build / "kiosk")
        os.environ["LMIS_HUB_BIN"] = str(build / "lmis-hub")
sys.path.insert(0, str(ROOT / "Tests" / "EndToEnd"))

from conftest import registration_form, registry_number  # noqa: E402
from linkemu import RuralNetwork  # noqa: E402
from rural_office import RuralOffice  # noqa: E402

FAMILY = ["Батболд", "Ганбаатар", "Дорж", "Өлзийбаяр", "Түмэнбаяр", "Эрдэнэ", "Мөнх-Очир", "Сүхбат", "Цэцэг",
          "Бат-Эрдэнэ", "Нямдорж", "Пүрэвсүрэн", "Үүрийнтуяа", "Жаргал", "Отгонбаяр"]
GIVEN = ["Сарангэрэл", "Оюунчимэг", "Батжаргал", "Үүрцайх", "Энхтуяа", "Ганзориг", "Нарантуяа", "Билгүүн",
         "Мөнхзул", "Төмөр", "Хулан", "Тэмүүлэн", "Болормаа", "Өсөхбаяр", "Анужин"]
OCCUPATIONS = ["83", "52", "71", "91", "24", "33", "93"]


def say(line: str) -> None:
    print(line, flush=True)


def person(index: int, rng: random.Random) -> dict:
    return registration_form(
        registry_number(index), familyName=rng.choice(FAMILY), givenName=rng.choice(GIVEN),
        phone=f"{rng.choice(['88', '99', '95', '80', '91'])}{rng.randrange(10**6):06d}",
        occupationCode=rng.choice(OCCUPATIONS), desiredOccupationCode=rng.choice(OCCUPATIONS),
        experienceYears=rng.randrange(0, 10), educationCode=rng.choice(["upper_secondary", "vocational", "bachelor"]))


def dictionary() -> bytes:
    """The frozen dictionary of the `lmis-zdict-1` coding, as Sources/LMISProtocol/UploadEncoding.swift holds it."""
    source = (ROOT / "Sources/LMISProtocol/UploadEncoding.swift").read_text(encoding="utf-8")
    literal = source.split('#"""\n', 1)[1].split('\n        """#', 1)[0]
    text = ""
    for line in literal.split("\n"):
        line = line.removeprefix("        ")
        text += line[:-2] if line.endswith("\\#") else line + "\n"
    return text.rstrip("\n").encode()


def body(stream: str, rows: list) -> bytes:
    """An upload body as the kiosk writes it (SyncEngine.body)."""
    records = ",".join(
        f'{{"id":{json.dumps(id)},"sequence":{seq},"type":{json.dumps(kind)},"createdAt":{json.dumps(created)},'
        f'"payload":{payload}}}' for id, seq, kind, created, payload in rows)
    return f'{{"stream":{json.dumps(stream)},"records":[{records}]}}'.encode()


def encoding_figures(database: Path) -> None:
    """Bytes a record by type and batch size: gzip (level 6, as before) against the dictionary coding."""
    zdict = dictionary()
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT id, seq, record_type, created_at, payload FROM outbox ORDER BY seq").fetchall()
    say("bytes a record in upload bodies, by type and batch size: raw JSON / gzip (before) / lmis-zdict-1 (after)")
    kinds = sorted({row[2] for row in rows})
    streams = {"registration": [r for r in rows if r[2].startswith("registration.")],
               "queue (a day's mix)": [r for r in rows if r[2].startswith("queue.")]}
    groups = [(kind, [r for r in rows if r[2] == kind]) for kind in kinds] + list(streams.items())
    for name, group in groups:
        cells = []
        for size in (5, 50, 300):
            batches = [group[i:i + size] for i in range(0, len(group) - size + 1, size)][:20]
            if not batches:
                continue
            raw = gz = zd = 0
            for batch in batches:
                data = body(batch[0][2].split(".")[0], batch)
                gzipper = zlib.compressobj(6, zlib.DEFLATED, 31)
                zdicter = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, zdict)
                raw += len(data)
                gz += len(gzipper.compress(data) + gzipper.flush())
                zd += len(zdicter.compress(data) + zdicter.flush())
            count = sum(len(b) for b in batches)
            cells.append(f"{size:>3}: {raw / count:5.0f} / {gz / count:4.0f} / {zd / count:4.0f} "
                         f"({100 * (zd / gz - 1):+3.0f} %)")
        say(f"  {name:<22} " + "   ".join(cells))


def spread_over_days(database: Path, days: int) -> None:
    """Moves the waiting tickets to the `days` office days before today, oldest tickets first."""
    with sqlite3.connect(database, timeout=30) as db:
        tickets = [ticket for (ticket,) in db.execute(
            "SELECT json_extract(payload, '$.ticket.id') FROM outbox WHERE record_type = 'queue.issued' "
            "AND sync_state IS NULL ORDER BY seq")]
        if not tickets:
            return
        (today,) = db.execute("SELECT json_extract(payload, '$.ticket.officeDay') FROM outbox "
                              "WHERE record_type = 'queue.issued' ORDER BY seq DESC LIMIT 1").fetchone()
        first = datetime.date.fromisoformat(today) - datetime.timedelta(days=days)
        db.execute("CREATE TEMP TABLE day_of (ticket TEXT PRIMARY KEY, day TEXT NOT NULL)")
        db.executemany("INSERT INTO day_of VALUES (?, ?)", [
            (ticket, (first + datetime.timedelta(days=index * days // len(tickets))).isoformat())
            for index, ticket in enumerate(tickets)])
        db.execute("""
            UPDATE outbox SET payload = json_set(payload, '$.ticket.officeDay', d.day)
            FROM day_of d WHERE outbox.record_type LIKE 'queue.%' AND outbox.sync_state IS NULL
              AND d.ticket = json_extract(outbox.payload, '$.ticket.id')
            """)


def timeline(samples: list[tuple[float, int, int]], outages: list, drained: float, rate: float) -> None:
    """Where the drain's time went: after each outage, how long until the hub got records again;
    seconds the line was up but (nearly) idle kiosk → hub; the line's use while up."""
    def down_at(moment: float) -> bool:
        return any(start <= moment < (end if end is not None else drained + 1) for start, end in outages)

    for start, end in outages:
        if start >= drained or end is None:
            continue
        held = max((count for at, count, _ in samples if at <= end), default=0)
        resumed = next((at for at, count, _ in samples if at > end and count > held), None)
        say(f"outage {start:.0f}–{end:.0f} s: the hub held {held} records at its end, and had more "
            + (f"{resumed - end:.1f} s after the line came back" if resumed is not None else "never"))
    idle: list[tuple[float, float]] = []
    up_seconds = up_bytes = 0.0
    for (at0, _, bytes0), (at1, _, bytes1) in zip(samples, samples[1:]):
        if down_at(at0) or down_at(at1):
            continue
        span = at1 - at0
        up_seconds += span
        up_bytes += bytes1 - bytes0
        if (bytes1 - bytes0) < 0.1 * span * rate / 8:
            if idle and abs(idle[-1][1] - at0) < 0.01:
                idle[-1] = (idle[-1][0], at1)
            else:
                idle.append((at0, at1))
    total_idle = sum(end - start for start, end in idle)
    say(f"line up {up_seconds:.0f} s of the drain, carrying {100 * up_bytes * 8 / rate / max(up_seconds, 1):.0f} % "
        f"of its rate kiosk → hub; idle (under 10 %) {total_idle:.0f} s: "
        + (", ".join(f"{start:.0f}–{end:.0f}" for start, end in idle) or "never"))


def kiosk_sysctls(given: list[str]) -> dict[str, str] | None:
    """`NAME=VALUE` settings from the command line; none given: the appliance's (None)."""
    if not given:
        return None
    return dict(item.split("=", 1) for item in given)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--tickets-per-registration", type=float, default=1.2)
    parser.add_argument("--rate", type=float, default=64_000)
    parser.add_argument("--delay", type=float, default=0.150)
    parser.add_argument("--loss", type=float, default=0.02)
    parser.add_argument("--backlog-days", type=int, default=7,
                        help="office days before today the backlog's tickets are spread over (0: today's)")
    parser.add_argument("--outage-every", type=float, default=180)
    parser.add_argument("--outage-for", type=float, default=30)
    parser.add_argument("--outage-first", type=float, default=20,
                        help="seconds into the drain of the first outage (so that even a short drain meets one)")
    parser.add_argument("--kiosk-sysctl", action="append", default=[], metavar="NAME=VALUE",
                        help="a kernel setting of the kiosk's namespace instead of the appliance's "
                             "(Provisioning/image/sysctl-lswo-kiosk.conf)")
    parser.add_argument("--keep", action="store_true", help="keep the hub's and kiosk's data folder (printed)")
    parser.add_argument("--encoding-only", metavar="KIOSK_SQLITE", type=Path,
                        help="only the per-type encoding figures, from an existing kiosk database")
    args = parser.parse_args()
    if args.encoding_only:
        encoding_figures(args.encoding_only)
        return
    if os.geteuid() != 0:
        sys.exit("the rural link needs root (network namespaces and TUN devices)")
    rng = random.Random(25)
    tickets = round(args.registrations * args.tickets_per_registration)
    directory = Path(tempfile.mkdtemp(prefix="rural-link-"))
    say(f"rural link: {args.rate / 1000:.0f} kbit/s each way, {2 * args.delay * 1000:.0f} ms round trip, "
        f"{100 * args.loss:.0f} % loss, down {args.outage_for:.0f} s every {args.outage_every:.0f} s; "
        f"kiosk {os.environ.get('KIOSK_BIN')}; kiosk kernel: "
        + (", ".join(args.kiosk_sysctl) or "the appliance's settings"))
    with RuralNetwork(rate=args.rate, delay=args.delay, loss=args.loss, outage_every=args.outage_every,
                      outage_for=args.outage_for, outage_first=args.outage_first,
                      kiosk_sysctls=kiosk_sysctls(args.kiosk_sysctl)) as net, \
            RuralOffice(directory, net, kiosk_env={"KIOSK_SYNC_INTERVAL": "10", "KIOSK_LOG_LEVEL": "warning"}) as office:
        cookie = office.kiosk.staff_cookie()
        net.command("down")
        started = time.monotonic()
        order = ["r"] * args.registrations + ["t"] * tickets
        rng.shuffle(order)
        registered = 0
        for kind in order:
            if kind == "r":
                status, answer = office.kiosk.request("POST", "/api/v1/registrations", person(registered, rng))
                assert status == 201, answer
                registered += 1
            else:
                office.serve_ticket(cookie)
        if args.backlog_days > 0:
            spread_over_days(office.data_dir / "kiosk.sqlite", args.backlog_days)
        backlog = office.outbox_ids()
        counts: dict[str, int] = {}
        for kind in backlog.values():
            counts[kind] = counts.get(kind, 0) + 1
        say(f"backlog: {len(backlog)} records ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), "
            f"made in {time.monotonic() - started:.0f} s with the link down; tickets spread over "
            f"{args.backlog_days} office days before today")

        net.command("up")
        net.command("epoch")
        before = net.stats()
        started = time.monotonic()
        office.sync_now(cookie)
        accepted: list[tuple[float, set[str]]] = []
        arrivals: list[float] = []
        next_ticket = started + 10
        # The timeline: once a second, records the hub holds and bytes the line carried kiosk → hub.
        samples: list[tuple[float, int, int]] = []
        while True:
            now = time.monotonic()
            received = set(office.hub_records())
            samples.append((now - started, len(received), net.stats()["kiosk_to_hub"]["bytes"]))
            for at, ids in list(accepted):
                if ids <= received:
                    arrivals.append(now - at)
                    accepted.remove((at, ids))
            if set(backlog) <= received:
                break
            if now >= next_ticket:
                known = set(office.outbox_ids())
                office.serve_ticket(cookie)
                accepted.append((time.monotonic(), set(office.outbox_ids()) - known))
                next_ticket = now + 20
            time.sleep(1)
        drained = time.monotonic() - started
        after = net.stats()
        bodies = office.hub_counter("lmis_upload_body_bytes_total", "coding")
        results = office.hub_counter("lmis_records_received_total", "status")
        records = len(received)
        wire = after["kiosk_to_hub"]["bytes"] - before["kiosk_to_hub"]["bytes"]
        back = after["hub_to_kiosk"]["bytes"] - before["hub_to_kiosk"]["bytes"]
        body_bytes = sum(bodies.values())
        # The limit counts each record once: bodies sent again after a lost answer are the link's cost.
        sent = sum(results.values())
        limit = body_bytes / sent * records * 8 / args.rate
        say(f"drained {len(backlog)} records in {drained:.0f} s ({len(after['outages'])} outages during the drain)")
        say(f"on the wire kiosk → hub: {wire} bytes, {wire / records:.0f} bytes a record (hub → kiosk {back} bytes, "
            f"{back / records:.0f} a record)")
        say(f"upload bodies: {body_bytes} bytes ({', '.join(f'{k} {v}' for k, v in bodies.items())}) for {sent} "
            f"records sent ({', '.join(f'{k} {v}' for k, v in results.items())}), {body_bytes / sent:.0f} bytes a record")
        say(f"physical limit (body bytes ÷ line rate): {limit:.0f} s; drain ÷ limit = {drained / limit:.2f} "
            "(goal ≤ 1.5)")
        # The line cannot carry anything while it is down: the same ratio over the time it was up.
        down = sum(min(end if end is not None else drained, drained) - start
                   for start, end in after["outages"] if start < drained)
        say(f"the line was down {down:.0f} s of the drain; (drain − down) ÷ limit = {(drained - down) / limit:.2f}")
        timeline(samples, after["outages"], drained, args.rate)
        scale = 20_000 / args.registrations
        if scale != 1:
            say(f"extrapolated to 20,000 registrations (×{scale:.0f}): drain about {drained * scale / 60:.0f} min, "
                f"limit {limit * scale / 60:.0f} min")
        split = after.pop("kiosk_to_hub_breakdown")
        heads = sum(bytes_ for _, bytes_ in split["heads"].values())
        say(f"where the bytes kiosk → hub went: bodies {body_bytes}, IP and TCP headers {split['header_bytes']} "
            f"({split['empty_packets']} packets without data), HTTP request heads {heads}, the rest (data sent "
            f"again, TLS) {wire - body_bytes - split['header_bytes'] - heads}; requests: "
            + ", ".join(f"{name} {count} ({bytes_ // max(count, 1)} bytes a head)"
                        for name, (count, bytes_) in sorted(split["heads"].items(), key=lambda item: -item[1][1])))
        say(f"link: {json.dumps(after)}")
        while accepted and time.monotonic() < started + drained + 600:
            received = set(office.hub_records())
            for at, ids in list(accepted):
                if ids <= received:
                    arrivals.append(time.monotonic() - at)
                    accepted.remove((at, ids))
            time.sleep(1)
        if arrivals:
            say(f"queue events accepted during the drain reached the hub after {min(arrivals):.0f}–"
                f"{max(arrivals):.0f} s (median {sorted(arrivals)[len(arrivals) // 2]:.0f} s, {len(arrivals)} tickets)")
        if accepted:
            say(f"{len(accepted)} tickets taken during the drain had not reached the hub 600 s after it")
        encoding_figures(office.data_dir / "kiosk.sqlite")
    if args.keep:
        say(f"data: {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
