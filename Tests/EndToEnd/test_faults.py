"""Faults: a clear answer, never a silent 500, never a hang (issue 20).

Graceful shutdown with open event streams, slow clients, a full disk: each against the real
`kiosk serve` process."""
import signal
import socket
import time


def open_stream(kiosk_process, path: str) -> socket.socket:
    """A raw socket that asked for an event stream and has read its first bytes."""
    sock = socket.create_connection(("127.0.0.1", kiosk_process.port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: kiosk\r\nAccept: text/event-stream\r\n\r\n".encode())
    head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def test_sigterm_with_open_event_streams_exits_within_two_seconds(kiosk):
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual"})
    streams = [open_stream(process, "/api/v1/fingerprint/events"), open_stream(process, "/api/v1/display/events"),
               open_stream(process, "/api/v1/fingerprint/events")]
    started = time.monotonic()
    process.process.send_signal(signal.SIGTERM)
    status = process.process.wait(timeout=10)
    elapsed = time.monotonic() - started
    assert status == 0
    assert elapsed < 2.0, f"shutdown took {elapsed:.2f} s"
    # Every stream was ended by the server (end of the chunked body or the connection closed).
    for sock in streams:
        sock.settimeout(2)
        rest = b""
        try:
            while chunk := sock.recv(4096):
                rest += chunk
        except (ConnectionResetError, TimeoutError):
            pass
        sock.close()
