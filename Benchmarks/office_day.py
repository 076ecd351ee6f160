#!/usr/bin/env python3
"""A simulated busy office day through the HTTP API (issue 3's targets).

2,000 tickets issued from the kiosk while 10 counters call, recall, start, transfer, park,
resume and finish them; a display board follows the Server-Sent Events stream. Prints the time
for the whole day (target < 10 s), call-next latency (target p99 < 10 ms) and the delay from a
call's answer to its event on the board (target p99 < 300 ms).

Usage: Benchmarks/run.sh (runs it after the registration figures), or python3 Benchmarks/office_day.py
"""
import argparse
import http.client
import json
import multiprocessing
import random
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import bench

ROOT = Path(__file__).resolve().parents[1]


def request(connection, method, path, body=None, cookie=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else {}), response


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def kiosk_process(port, tickets, errors):
    rng = random.Random(7)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    services = ["А", "А", "Б", "В", "Г", "Д", "Е"]
    for n in range(tickets):
        body = {"serviceCode": rng.choice(services)}
        if n % 9 == 0:
            body["priority"] = rng.choice(["disability", "elderly", "pregnantOrInfant"])
        status, _, _ = request(connection, "POST", "/api/v1/tickets", body)
        if status != 201:
            errors.put(("issue", status))


def counter_process(port, number, tickets, finished, calls, errors):
    """One counter's officer: call, sometimes recall, park and resume or transfer, finish."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    _, _, response = request(connection, "POST", "/api/v1/staff/sessions",
                             {"username": "ajiltan1", "pin": "2468", "counter": number})
    cookie = response.getheader("Set-Cookie").split(";")[0]
    local = random.Random(number)
    while finished.value < tickets:
        started = time.monotonic()
        status, ticket, _ = request(connection, "POST", f"/api/v1/counters/{number}/call-next", cookie=cookie)
        took = time.monotonic() - started
        if status == 404:
            time.sleep(0.005)
            continue
        if status != 200:
            errors.put(("call", status))
            continue
        calls.put((f'{ticket["number"]}@called@{number}', started, took))
        tid = ticket["id"]
        if local.random() < 0.1:
            request(connection, "POST", f"/api/v1/tickets/{tid}/recall", cookie=cookie)
        request(connection, "POST", f"/api/v1/tickets/{tid}/start", cookie=cookie)
        if local.random() < 0.05:
            request(connection, "POST", f"/api/v1/tickets/{tid}/park", cookie=cookie)
            request(connection, "POST", f"/api/v1/tickets/{tid}/resume", cookie=cookie)
        if local.random() < 0.05 and ticket["serviceCode"] != "Д":
            status, _, _ = request(connection, "POST", f"/api/v1/tickets/{tid}/transfer", {"serviceCode": "Д"}, cookie)
            if status == 200:
                continue  # served again later at a social-welfare counter
        status, _, _ = request(connection, "POST", f"/api/v1/tickets/{tid}/finish", {"outcome": "counselled"}, cookie)
        if status != 200:
            errors.put(("finish", status))
        with finished.get_lock():
            finished.value += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(ROOT / ".build-release" / "release" / "kiosk"))
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--counters", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-day-"))
    port = bench.free_port()
    process, _ = bench.start_with(Path(args.binary), work / "data", port, ["--config", str(write_config(work))])
    finished = multiprocessing.Value("i", 0)
    calls, errors = multiprocessing.Queue(), multiprocessing.Queue()
    received: dict[str, float] = {}
    stop = threading.Event()

    def board():
        # The display board, in this process: when did each call's event arrive?
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/v1/display/events")
        response = connection.getresponse()
        event = {}
        while not stop.is_set():
            line = response.fp.readline().decode().rstrip("\n")
            if line == "":
                if event.get("event") == "call":
                    data = json.loads(event["data"])
                    received.setdefault(f'{data["number"]}@{data["kind"]}@{data["counter"]}', time.monotonic())
                event = {}
                continue
            if not line.startswith(":"):
                k, _, v = line.partition(": ")
                event[k] = v

    board_thread = threading.Thread(target=board, daemon=True)
    board_thread.start()
    time.sleep(0.3)
    began = time.monotonic()
    workers = [multiprocessing.Process(target=kiosk_process, args=(port, args.tickets, errors))] + [
        multiprocessing.Process(target=counter_process, args=(port, c, args.tickets, finished, calls, errors))
        for c in range(1, args.counters + 1)]
    for worker in workers:
        worker.start()
    sent = []
    while any(w.is_alive() for w in workers) or not calls.empty():
        try:
            sent.append(calls.get(timeout=0.2))
        except Exception:
            pass
    day = time.monotonic() - began
    time.sleep(0.5)
    stop.set()
    bench.stop(process)
    shutil.rmtree(work, ignore_errors=True)
    failures = []
    while not errors.empty():
        failures.append(errors.get())

    call_latency = [took for _, _, took in sent]
    display_latency = [received[key] - started for key, started, _ in sent if key in received]
    print(f"office day: {args.tickets} tickets, {args.counters} counters, all served in {day:.2f} s"
          f" ({len(sent)} calls, errors {len(failures)})")
    print(f"  call-next latency: p50 {statistics.median(call_latency) * 1000:.1f} ms,"
          f" p99 {percentile(call_latency, 0.99) * 1000:.1f} ms")
    if display_latency:
        print(f"  display update after the call was sent: p50 {statistics.median(display_latency) * 1000:.0f} ms,"
              f" p99 {percentile(display_latency, 0.99) * 1000:.0f} ms (n={len(display_latency)} of {len(sent)})")
    if failures:
        print("  errors:", failures[:10])


def write_config(work: Path) -> Path:
    config = work / "kiosk.conf"
    config.write_text(f"services_file = {ROOT / 'Benchmarks' / 'office-day-services.json'}\nlog_level = warning\n")
    return config


if __name__ == "__main__":
    main()
