"""Sync over a rural link (issue 25): the hub with its PostgreSQL in one network namespace,
`kiosk serve` in another, joined only by an emulated 64 kbit/s line with 150 ms each way, 2 %
loss and outages (linkemu.py). A backlog drains through the outages exactly once, and a queue
event accepted during the drain reaches the hub."""
import os
import time

import pytest

from linkemu import RuralNetwork
from rural_office import RuralOffice

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/dev/net/tun"),
                                reason="the emulated link needs root (network namespaces, TUN devices)")

REGISTRATIONS = 120
TICKETS = 50  # four queue events each


@pytest.fixture
def rural_office(tmp_path):
    """An office on 64 kbit/s, 300 ms round trip, 2 % loss, down 4 s of every 12 s from 2 s after
    the `epoch` command (the backlog takes about 5 s of sending, so the drain crosses outages),
    rounds every 5 s."""
    with RuralNetwork(rate=64_000, delay=0.150, loss=0.02, outage_every=12, outage_for=4, outage_first=2) as net:
        with RuralOffice(tmp_path, net, kiosk_env={"KIOSK_SYNC_INTERVAL": "5"}) as office:
            yield office


def test_a_backlog_drains_exactly_once_through_outages(rural_office):
    office, net = rural_office, rural_office.network
    cookie = office.kiosk.staff_cookie()
    # The office was offline: the backlog gathers while the link is down.
    net.command("down")
    for index in range(REGISTRATIONS):
        office.register(index)
    for _ in range(TICKETS):
        office.serve_ticket(cookie)
    backlog = office.outbox_ids()
    assert len(backlog) == REGISTRATIONS + 4 * TICKETS, len(backlog)
    assert office.hub_records() == []

    net.command("up")
    net.command("epoch")
    started = time.monotonic()
    office.sync_now(cookie)
    # A visitor takes a ticket while the backlog drains: its events must reach the hub too.
    deadline = started + 240
    while len(office.hub_records()) < len(backlog) // 3:
        assert time.monotonic() < deadline, f"the drain stalled: {net.stats()}"
        time.sleep(1)
    before = set(office.outbox_ids())
    office.serve_ticket(cookie)
    accepted = time.monotonic()
    kinds = office.outbox_ids()
    during = set(kinds) - before
    assert len(during) == 4 and all(kinds[id].startswith("queue.") for id in during), during
    arrived = None
    while True:
        received = office.hub_records()
        if arrived is None and during <= set(received):
            arrived = time.monotonic() - accepted
        if arrived is not None and len(received) >= len(backlog) + len(during) and office.waiting() == 0:
            break
        assert time.monotonic() < deadline, (
            f"not drained: {len(received)} of {len(backlog) + len(during)} at the hub; link {net.stats()}")
        time.sleep(1)
    drained = time.monotonic() - started
    stats = net.stats()
    print(f"\n{len(backlog)} records drained in {drained:.1f} s; the queue events accepted during the drain "
          f"reached the hub after {arrived:.1f} s; link: {stats}")

    # Exactly once: every record of the kiosk is at the hub, none twice, nothing else.
    assert sorted(received) == sorted(set(received))
    assert set(received) == set(office.outbox_ids())
    assert office.sql("SELECT count(*) FROM registration") == str(REGISTRATIONS)
    assert office.sql("SELECT count(*) FROM queue_event") == str(4 * (TICKETS + 1))
    assert office.sql("SELECT count(*) FROM received_record WHERE status <> 'applied'") == "0"
    # The link really was rural: outages during the drain, packets lost.
    assert stats["outages"], stats
    assert stats["kiosk_to_hub"]["lost"] + stats["hub_to_kiosk"]["lost"] > 0, stats
