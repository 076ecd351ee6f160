import time, urllib.request
import test_sync_streams as t

def probe(hub, path):
    started = time.monotonic()
    try:
        urllib.request.urlopen(hub["base"] + path, timeout=4)
        return ("ok", round(time.monotonic() - started, 2))
    except Exception as error:
        return (repr(error)[:60], round(time.monotonic() - started, 2))

def test_debug(kiosk, hub, tmp_path):
    data_dir = tmp_path / "data"
    assert t.enrol(hub, data_dir).returncode == 0
    print("before", probe(hub, "/health"))
    device = t.python_device(hub)
    print("after device", probe(hub, "/health"))
    assert hub["postgres"]("stop")["ok"]
    for i in range(6):
        print(i, probe(hub, "/health")); time.sleep(0.5)
    hub["postgres"]("start")
