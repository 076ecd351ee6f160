#!/usr/bin/env bash
# Self-test for lmis_peers.py: drives both peers the way the Swift tests do (one JSON line out,
# then one command per stdin line, stdin EOF to stop). Needs python3, psql, curl; openssl is
# optional (TLS pass-through check). Run: bash Tests/EndToEnd/lmis_peers_selftest.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PEERS="$HERE/lmis_peers.py"
exec python3 - "$@" <<'PY'
import http.client, http.server, json, os, select, shutil, signal, socket, ssl
import subprocess, sys, tempfile, threading, time

PEERS = os.environ["PEERS"]
T0 = time.monotonic()
failures = []


def log(msg):
    print(f"[{time.monotonic() - T0:6.2f}s] {msg}", flush=True)


def check(cond, what):
    log(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class Peer:
    def __init__(self, *args):
        self.p = subprocess.Popen([sys.executable, PEERS, *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)
        self.info = self.read(90)

    def read(self, timeout=60):
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError("peer did not answer in time")
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"peer closed stdout (rc={self.p.poll()})")
        return json.loads(line)

    def cmd(self, line, timeout=60):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.read(timeout)

    def close(self, timeout=30):
        self.p.stdin.close()
        return self.p.wait(timeout)


def psql(port, sql, host="127.0.0.1"):
    r = subprocess.run(["psql", "-h", host, "-p", str(port), "-U", "postgres", "-tAX",
                        "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, text=True, timeout=30,
                       env={**os.environ, "PGCONNECT_TIMEOUT": "5", "PGSSLMODE": "disable"})
    return r.returncode, r.stdout.strip()


def procs_mentioning(text):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pg_tree(pm):
    kids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pm:
                    kids.append(int(pid))
        except (OSError, ValueError):
            pass
    return [pm] + kids


tmp = tempfile.mkdtemp(prefix="lmis-peers-selftest-")
os.chmod(tmp, 0o700)  # like pytest/XCTest temp dirs: closed to the postgres user
try:
    # ---------------------------------------------------------------- postgres
    log("postgres peer: missing bin dir")
    p = subprocess.run([sys.executable, PEERS, "postgres", "--dir", f"{tmp}/x",
                        "--bin-dir", "/nonexistent/bin"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    check(p.returncode == 1 and "error" in json.loads(p.stdout), "missing bin dir -> error JSON, exit 1")

    pgdir = f"{tmp}/pg"
    pg = Peer("postgres", "--dir", pgdir)
    log(f"postgres peer up: {pg.info}")
    check({"host", "port", "user", "socket_dir", "bin_dir", "data_dir"} <= set(pg.info),
          "startup JSON has host/port/user/socket_dir/bin_dir/data_dir")
    port, data_dir = pg.info["port"], pg.info["data_dir"]
    check(psql(port, "select 1") == (0, "1"), "psql select 1")
    r = subprocess.run(["psql", "-h", pg.info["socket_dir"], "-p", str(port), "-U", "postgres",
                        "-tAXc", "show max_connections"], capture_output=True, text=True, timeout=30)
    check(r.stdout.strip() == "400", "unix socket works, max_connections = 400")
    check(psql(port, "show shared_buffers") == (0, "128MB"), "shared_buffers = 128MB")
    check(psql(port, "show server_encoding") == (0, "UTF8"), "encoding UTF8")
    check(psql(port, "create table t(x int); insert into t values (1)")[0] == 0, "create table")
    check(pg.cmd("ping") == {"ok": True, "running": True}, "ping")
    check("error" in pg.cmd("frobnicate"), "unknown command -> error")
    check(pg.cmd("stop").get("ok") is True, "stop")
    check(psql(port, "select 1")[0] != 0, "psql fails while stopped")
    check(pg.cmd("start").get("ok") is True, "start")
    check(psql(port, "select count(*) from t") == (0, "1"), "data survives stop/start on same port")
    check(psql(port, "insert into t values (2)")[0] == 0, "insert before crash")
    with open(os.path.join(data_dir, "postmaster.pid")) as f:
        pm = int(f.readline())
    tree = pg_tree(pm)
    ans = pg.cmd("kill")
    check(ans.get("ok") is True, f"kill -> {ans}")
    check(not any(alive(p) for p in tree), f"postmaster and its {len(tree) - 1} children are gone")
    check(psql(port, "select 1")[0] != 0, "psql fails after kill")
    t = time.monotonic()
    check(pg.cmd("start").get("ok") is True, f"start after crash (recovery)")
    log(f"restart after crash took {time.monotonic() - t:.2f}s")
    check(psql(port, "select count(*) from t") == (0, "2"), "committed rows survive the crash")

    # proxy in front of postgres (plain wire protocol)
    px = Peer("proxy", "--upstream", f"127.0.0.1:{port}")
    check(psql(px.info["port"], "select 41 + 1") == (0, "42"), "psql through the proxy")
    check(px.close() == 0, "proxy exits 0 on EOF")

    with open(os.path.join(data_dir, "postmaster.pid")) as f:
        tree = pg_tree(int(f.readline()))
    check(pg.close() == 0, "postgres peer exits 0 on stdin EOF")
    check(not os.path.exists(pgdir), "DIR removed")
    check(not procs_mentioning(data_dir) and not any(alive(p) for p in tree),
          "no process of that data dir remains")

    log("postgres peer: SIGTERM")
    open_dir = tempfile.mkdtemp(prefix="lmis-peers-selftest-open-")
    os.chmod(open_dir, 0o755)  # reachable by the postgres user: data stays in DIR/data
    pg2 = Peer("postgres", "--dir", f"{open_dir}/pg2")
    check(pg2.info["data_dir"] == f"{open_dir}/pg2/data", f"DIR/data used when reachable: {pg2.info['data_dir']}")
    with open(os.path.join(pg2.info["data_dir"], "postmaster.pid")) as f:
        tree = pg_tree(int(f.readline()))
    pg2.p.send_signal(signal.SIGTERM)
    check(pg2.p.wait(30) == 0, "SIGTERM -> exit 0")
    check(not os.path.exists(f"{open_dir}/pg2") and not any(alive(p) for p in tree),
          "SIGTERM: DIR removed, processes gone")

    # ---------------------------------------------------------------- proxy (HTTP)
    BIG = bytes(range(256)) * 118  # 30208 bytes
    commits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, body):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.reply(BIG if self.path == "/big" else b"hello\n")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            commits.append(body)
            self.reply(json.dumps({"committed": len(commits)}).encode())

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    up = server.server_address[1]

    px = Peer("proxy", "--upstream", f"127.0.0.1:{up}")
    pport = px.info["port"]
    check(set(px.info) == {"host", "port"}, f"proxy startup JSON {px.info}")
    url = f"http://127.0.0.1:{pport}"

    def curl(*args, timeout=30):
        r = subprocess.run(["curl", "-sS", "--max-time", str(timeout), "-o", "/dev/null",
                            "-w", "%{http_code} %{size_download}\\n", *args],
                           capture_output=True, text=True, timeout=timeout + 10)
        code, size = (r.stdout.split() + ["0", "0"])[:2]
        return r.returncode, int(code), int(size)

    check(px.cmd("pass").get("ok") is True, "pass")
    check(curl(url + "/") == (0, 200, 6), "pass: curl GET through proxy")
    check(curl(url + "/big") == (0, 200, len(BIG)), "pass: 30 KB download intact")

    c = http.client.HTTPConnection("127.0.0.1", pport, timeout=10)
    before = px.cmd("stats")["connections"]
    c.request("GET", "/"); r1 = c.getresponse().read()
    c.request("GET", "/big"); r2 = c.getresponse().read()
    check(r1 == b"hello\n" and r2 == BIG and px.cmd("stats")["connections"] == before + 1,
          "keep-alive: two requests on one proxied connection")

    check(px.cmd("swallow-responses 1") == {"ok": True, "refusing": False, "swallow_left": 1,
                                             "throttle": 0, "drop_after": 0},
          "swallow-responses 1")
    n = len(commits)
    rc1 = curl("-X", "POST", "-d", "order=1", url + "/commit")
    check(rc1[0] != 0 and len(commits) == n + 1,
          f"swallowed: curl fails ({rc1}) though the server committed")
    check(curl("-X", "POST", "-d", "order=2", url + "/commit")[:2] == (0, 200),
          "next request succeeds")
    # a kept-alive connection opened earlier: its next response is swallowed too
    c.request("GET", "/"); c.getresponse().read()
    px.cmd("swallow-responses 1")
    c.request("POST", "/commit", body=b"order=3")
    try:
        c.getresponse().read(); lost = False
    except (http.client.HTTPException, OSError):
        lost = True
    check(lost and commits[-1] == b"order=3", "keep-alive: next response swallowed, server committed")
    st = px.cmd("stats")
    check(st["swallowed"] == 2 and st["swallow_left"] == 0, f"stats after swallowing: {st}")

    check(px.cmd("throttle 6250").get("throttle") == 6250, "throttle 6250")
    t = time.monotonic()
    res = curl(url + "/big")
    took = time.monotonic() - t
    check(res == (0, 200, len(BIG)) and took >= 4.0, f"throttled 30 KB download took {took:.2f}s (>= 4 s)")
    t = time.monotonic()
    up_body = b"u" * 12500
    c2 = http.client.HTTPConnection("127.0.0.1", pport, timeout=30)
    c2.request("POST", "/commit", body=up_body); c2.getresponse().read(); c2.close()
    took = time.monotonic() - t
    check(took >= 1.7 and commits[-1] == up_body, f"throttled 12.5 KB upload took {took:.2f}s (>= 1.7 s)")
    px.cmd("throttle 0")
    t = time.monotonic()
    check(curl(url + "/big") == (0, 200, len(BIG)) and time.monotonic() - t < 1.0, "throttle 0: fast again")

    check(px.cmd("drop-after 1000").get("drop_after") == 1000, "drop-after 1000")
    st0 = px.cmd("stats")
    res = curl(url + "/big")
    st = px.cmd("stats")
    check(res[0] != 0 and res[2] < 1000, f"drop-after: download cut short {res}")
    check(st["dropped"] == st0["dropped"] + 1 and
          (st["bytes_up"] + st["bytes_down"]) - (st0["bytes_up"] + st0["bytes_down"]) == 1000,
          "drop-after: exactly 1000 bytes carried, counted as dropped")
    px.cmd("drop-after 0")
    check(curl(url + "/big") == (0, 200, len(BIG)), "drop-after 0: intact again")

    check(px.cmd("refuse").get("refusing") is True, "refuse")
    res = curl(url + "/")
    check(res[0] != 0, f"refuse: curl fails {res}")
    check(px.cmd("pass").get("refusing") is False, "pass undoes refuse")
    check(curl(url + "/") == (0, 200, 6), "after pass: works")
    st = px.cmd("stats")
    check(all(k in st for k in ("connections", "swallowed", "dropped", "bytes_up", "bytes_down"))
          and st["refused"] == 1, f"stats: {st}")
    check("error" in px.cmd("throttle fast") and "error" in px.cmd("bogus"), "bad commands -> error")

    c3 = http.client.HTTPConnection("127.0.0.1", pport, timeout=10)
    c3.request("GET", "/"); c3.getresponse().read()
    check(px.close() == 0, "proxy exits 0 on EOF with a connection open")
    try:
        c3.request("GET", "/"); c3.getresponse().read(); open_after = True
    except (http.client.HTTPException, OSError):
        open_after = False
    check(not open_after, "open connection closed on exit")
    s = socket.socket()
    check(s.connect_ex(("127.0.0.1", pport)) != 0, "listener closed")
    s.close()

    # ---------------------------------------------------------------- proxy (TLS)
    if shutil.which("openssl"):
        key, crt = f"{tmp}/key.pem", f"{tmp}/crt.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", crt, "-days", "1", "-subj", "/CN=127.0.0.1"],
                       check=True, capture_output=True)
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        px = Peer("proxy", "--upstream", f"127.0.0.1:{tls.server_address[1]}")
        res = curl("-k", f"https://127.0.0.1:{px.info['port']}/big", f"https://127.0.0.1:{px.info['port']}/")
        check(res[0] == 0 and res[1] == 200 and px.cmd("stats")["bytes_down"] > len(BIG), f"TLS through the proxy (keep-alive, 2 URLs): {res}")
        check(px.cmd("stats")["connections"] == 1, "TLS: one connection for both requests")
        check(px.close() == 0, "TLS proxy exits 0")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    if "open_dir" in globals():
        shutil.rmtree(open_dir, ignore_errors=True)

log(f"{'FAILED: ' + str(len(failures)) if failures else 'ALL PASSED'} in {time.monotonic() - T0:.1f}s")
sys.exit(1 if failures else 0)
PY
