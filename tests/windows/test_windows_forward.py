"""slotlogd.exe under wine forwards to a linux rsyslogd on loopback, over tcp
and over relp; killed, it resends after its restart what the server had not
acknowledged."""
import re
import signal
import sys
from pathlib import Path

import pytest

from conftest import BIN, lines, plain_stop, start_serve, wait_for, wine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from rsyslog_peer import Rsyslogd, available  # noqa: E402

pytestmark = pytest.mark.skipif(not available("imptcp") or not available("imrelp"),
                                reason="needs rsyslog and rsyslog-relp (scripts/install-deps)")

SLOT = "slotlog-wine-forward"


@pytest.fixture
def servers():
    started = []
    yield started
    for s in started:
        s.stop(signal.SIGKILL)


def config(forwards):
    return {"inputs": [{"type": "mailslot", "name": SLOT}],
            "outputs": [{"type": "file", "path": "logs/f.log"}] + forwards}


def of_app(server, app):
    return [m["msg"] for m in server.messages() if m["app"] == app]


def send(app, count):
    stdin = "".join(f"w{i:05}\n" for i in range(count)).encode()
    r = wine(BIN / "slotlog.exe", "send", "-s", rf"\\.\mailslot\{SLOT}", "-a", app, input=stdin)
    assert r.returncode == 0, r.stderr


def test_tcp_and_relp_from_windows(tmp_path, servers):
    tcp = Rsyslogd(tmp_path / "tcp").start()
    relp = Rsyslogd(tmp_path / "relp", "relp").start()
    servers += [tcp, relp]
    log = tmp_path / "logs" / "f.log"
    serve = start_serve(tmp_path, config([
        {"type": "forward", "name": "t", "protocol": "tcp", "targets": [tcp.target]},
        {"type": "forward", "name": "r", "protocol": "relp", "targets": [relp.target]}]), "--allow-plain-stop")
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        n = 1000
        send("win", n)
        expected = [f"w{i:05}" for i in range(n)]
        wait_for(lambda: of_app(tcp, "win") == expected, 60, "every entry over tcp")
        wait_for(lambda: of_app(relp, "win") == expected, 60, "every entry over relp")
        plain_stop(serve, rf"\\.\mailslot\{SLOT}")
    finally:
        if serve.poll() is None:
            serve.kill()
    got = lines(log)
    assert any("forward t: connected to " + tcp.target in l for l in got), got
    # the stop summary; what is still waiting are the collector's own last entries
    # (the other summary), sent at the next start
    summary = next(l for l in got if "forward r: " in l and " queued, " in l)
    acknowledged = int(re.search(r"(\d+) acknowledged, 0 dropped", summary).group(1))
    assert acknowledged >= n, summary


def test_a_killed_windows_collector_resends_after_its_restart(tmp_path, servers):
    relp = Rsyslogd(tmp_path / "relp", "relp")  # not running yet: the entries stay queued
    servers.append(relp)
    log = tmp_path / "logs" / "f.log"
    cfg = config([{"type": "forward", "name": "r", "protocol": "relp", "targets": [relp.target]}])
    serve = start_serve(tmp_path, cfg)
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        n = 500
        send("kill", n)
        wait_for(lambda: sum(" kill[" in l for l in lines(log)) == n, 60, "the entries in the file")
        serve.send_signal(signal.SIGKILL)
        serve.wait(timeout=60)
    finally:
        if serve.poll() is None:
            serve.kill()
    relp.start()
    again = start_serve(tmp_path, cfg, "--allow-plain-stop")
    try:
        expected = [f"w{i:05}" for i in range(n)]
        wait_for(lambda: of_app(relp, "kill") == expected, 90, "every entry after the restart")
        plain_stop(again, rf"\\.\mailslot\{SLOT}")
    finally:
        if again.poll() is None:
            again.kill()
