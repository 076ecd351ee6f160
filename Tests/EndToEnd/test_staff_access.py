"""Staff access as a process: HTTPS for staff PCs with the certificate `kiosk provision` makes
(trusted through the office CA alone), the touchscreen's loopback kept plain, an owner-only data
folder whatever the umask, and no enrolment with a plain-HTTP hub."""
import json
import os
import socket
import ssl
import stat
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import KIOSK_BIN, free_port


def run(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([KIOSK_BIN, *args], capture_output=True, text=True, timeout=120, input=stdin,
                          env={**os.environ, **(env or {})})


def provision_tls(config, data_dir, port: int) -> subprocess.CompletedProcess:
    result = run("provision", "--config", str(config), "--non-interactive", "--no-restart", "--no-test-print",
                 "--no-discovery", "--thermal", "none", "--a4", "none", "--reader", "none",
                 "--tls-name", "localhost", "--tls-name", "127.0.0.1", "--tls-port", str(port),
                 env={"KIOSK_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def https(port: int, path: str, context: ssl.SSLContext, host: str = "localhost", method: str = "GET",
          body: dict | None = None, headers: dict | None = None):
    request = urllib.request.Request(f"https://{host}:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, response.headers, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"{}")


def test_staff_reach_the_kiosk_over_https_trusting_only_the_office_ca(kiosk, tmp_path):
    data_dir = tmp_path / "data"
    config = tmp_path / "kiosk.conf"
    config.write_text("# the office's settings\n")
    tls_port = free_port()
    first = provision_tls(config, data_dir, tls_port)
    assert "NEW office CA" in first.stdout and f"tls_port: (unset) -> {tls_port}" in first.stdout
    ca = data_dir / "tls" / "office-ca.pem"
    ca_before = ca.read_bytes()
    # Provisioning again keeps the CA staff PCs already trust, and issues a new server certificate.
    server_before = (data_dir / "tls" / "server.pem").read_bytes()
    again = provision_tls(config, data_dir, tls_port)
    assert "already installed" in again.stdout
    assert ca.read_bytes() == ca_before and (data_dir / "tls" / "server.pem").read_bytes() != server_before

    process = kiosk("--config", str(config), data_dir=data_dir)
    trusting_office = ssl.create_default_context(cafile=str(ca))
    for host in ("localhost", "127.0.0.1"):  # a DNS name and an address, both in the certificate
        status, _, body = https(tls_port, "/healthz", trusting_office, host=host)
        assert status == 200 and body["status"] == "ok"
    # Without the office CA the certificate is not trusted.
    with pytest.raises(urllib.error.URLError) as refused:
        https(tls_port, "/healthz", ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
    # Plain HTTP on the TLS port gets no answer a browser would take.
    with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as plain:
        plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert not plain.recv(200).startswith(b"HTTP/1.1 200")

    # Over TLS the session cookie is Secure; on the touchscreen's loopback it is not.
    status, headers, _ = https(tls_port, "/api/v1/staff/sessions", trusting_office, method="POST",
                               body={"username": "ajiltan1", "pin": "2468", "counter": 1})
    assert status == 201
    cookie = headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie
    plain_cookie = process.staff_cookie("ajiltan2", counter=2)
    with urllib.request.urlopen(urllib.request.Request(
            process.base + "/api/v1/staff/sessions", method="POST", headers={"Content-Type": "application/json"},
            data=json.dumps({"username": "darga", "pin": "2468", "counter": 3}).encode()), timeout=10) as answer:
        assert "Secure" not in answer.headers["Set-Cookie"]
    assert plain_cookie
    # A cookie change from the HTTPS origin is accepted; from another site it is refused.
    session = cookie.split(";")[0]
    status, _, body = https(tls_port, "/api/v1/counters/1/call-next", trusting_office, method="POST",
                            headers={"Cookie": session, "Origin": f"https://localhost:{tls_port}"})
    assert status == 404 and body["error"]["code"] == "queue.noTicketWaiting"
    status, _, body = https(tls_port, "/api/v1/counters/1/call-next", trusting_office, method="POST",
                            headers={"Cookie": session, "Origin": "https://evil.example"})
    assert status == 403 and body["error"]["code"] == "staff.crossOrigin"

    # The doctor tells when the certificate expires.
    doctor = run("doctor", "--config", str(config), "--data-dir", str(data_dir), "--json")
    report = json.loads(doctor.stdout)
    check = next(c for c in report["checks"] if c["name"] == "tls_certificate")
    assert check["verdict"] == "ok" and "expires" in check["summary"], check
    assert 820 <= int(check["facts"]["days_left"]) <= 825


def test_the_data_folder_is_owner_only_whatever_the_umask(kiosk, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o777)
    os.chmod(data_dir, 0o777)
    leftover = data_dir / "kiosk.sqlite-old"
    leftover.write_text("left by an earlier version")
    os.chmod(leftover, 0o666)
    previous = os.umask(0)
    try:
        process = kiosk(data_dir=data_dir)
    finally:
        os.umask(previous)
    # Something written, so the WAL exists.
    status, _ = process.request("POST", "/api/v1/staff/sessions", {"username": "ajiltan1", "pin": "2468",
                                                                   "counter": 1})
    assert status == 201
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    names = {path.name for path in data_dir.iterdir()}
    assert {"kiosk.sqlite", "kiosk.sqlite-wal", "kiosk.sqlite-shm", "device-secret", "kiosk.sqlite-old"} <= names
    for path in data_dir.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_an_http_hub_is_refused_unless_development_allows_it(tmp_path):
    data_dir = tmp_path / "data"
    environment = {key: value for key, value in os.environ.items() if key != "KIOSK_ALLOW_HTTP_HUB"}
    refused = subprocess.run([KIOSK_BIN, "sync", "enrol", "--hub", "http://127.0.0.1:9", "--code", "AAAA-BBBB-CCCC",
                              "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60,
                             env=environment)
    assert refused.returncode != 0 and "must be an https:// address" in refused.stderr, refused.stderr
    allowed = subprocess.run([KIOSK_BIN, "sync", "enrol", "--hub", "http://127.0.0.1:9", "--code", "AAAA-BBBB-CCCC",
                              "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60,
                             env={**environment, "KIOSK_ALLOW_HTTP_HUB": "true"})
    # Allowed for development: it gets as far as the (absent) hub.
    assert "https://" not in allowed.stderr + allowed.stdout and "cannot be reached" in allowed.stdout, allowed


def console(browser, process, username: str, counter: str):
    """A staff console signed in with the demo PIN."""
    page = browser.new_page()
    page.goto(process.base + "/staff")
    for field, value in (("#username", username), ("#pin", "2468")):
        page.fill(field, value)
    page.select_option("#counter", counter)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#console:not([hidden])")
    return page


def test_the_head_lifts_an_officers_lock_on_the_console(browser, kiosk):
    process = kiosk()
    for _ in range(5):
        status, _ = process.request("POST", "/api/v1/staff/sessions",
                                    {"username": "ajiltan1", "pin": "000000", "counter": 1})
    assert status == 429
    status, body = process.request("POST", "/api/v1/staff/sessions",
                                   {"username": "ajiltan1", "pin": "2468", "counter": 1})
    assert status == 429 and "office head" in body["error"]["message"]["en"]
    # An officer's console has no such panel.
    officer = console(browser, process, "ajiltan2", "2")
    officer.wait_for_timeout(3500)
    assert officer.locator("#locks-panel").is_hidden()
    head = console(browser, process, "darga", "3")
    head.wait_for_selector("#locks-panel:not([hidden])")
    assert "Нэвтрэлтийн түгжээ" in head.inner_text("#locks-panel")
    head.fill("#locks-username", "nobody")
    head.click("#locks-form button[type=submit]")
    head.wait_for_selector("#locks-result.field-error")
    head.fill("#locks-username", "ajiltan1")
    head.click("#locks-form button[type=submit]")
    head.locator("#locks-result", has_text="ajiltan1").wait_for()
    assert "Нээгдлээ" in head.inner_text("#locks-result")
    status, _ = process.request("POST", "/api/v1/staff/sessions", {"username": "ajiltan1", "pin": "2468", "counter": 1})
    assert status == 201
