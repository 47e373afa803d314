"""What the forward output's tests share: their configuration, the messages
they send, and how they read what a receiver got."""
import re
import time

import pytest

from conftest import file_config, read_lines
from rsyslog_peer import Rsyslogd
from syslog_ng_peer import SyslogNg

ID = re.compile(r'id="([0-9a-f]{16})"')

# SPEC.md "Forwarding": PRI = facility x 8 + severity
SEVERITY = {"trace": 7, "debug": 7, "info": 6, "notice": 5, "warning": 4, "error": 3, "critical": 2}


@pytest.fixture(autouse=True)
def stop_servers(monkeypatch):
    """every rsyslogd and syslog-ng a test starts is stopped at its end, whatever happens"""
    started = []

    def recording(original):
        def start(self, *args, **kwargs):
            started.append(self)
            return original(self, *args, **kwargs)
        return start

    for server_class in (Rsyslogd, SyslogNg):
        monkeypatch.setattr(server_class, "start", recording(server_class.start))
    yield
    for server in started:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        server.stop()  # what else it holds: syslog-ng's control socket folder


def forward_config(log, targets, protocol="tcp", name="central", **extra):
    cfg = file_config(log)
    out = {"type": "forward", "name": name, "protocol": protocol, "targets": targets}
    out.update(extra)
    cfg["outputs"].append(out)
    return cfg


def wait_until(predicate, seconds):
    """the predicate's value once true, or False after `seconds`"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def collector_fields(log, app):
    """(level label, host, pid) of the collector's own text line of app's first
    entry: what a receiver must find in HOSTNAME, PROCID and the severity"""
    line = next(l for l in read_lines(log) if f" {app}[" in l)
    _, label, host, rest = line.split(" ", 3)
    return label, host, rest[len(app) + 1:rest.index("]")]


def of_app(server, app):
    return [m for m in server.messages() if m["app"] == app]


def numbered(count, prefix="m"):
    return "".join(f"{prefix}{i:06}\n" for i in range(count)).encode()


def assert_complete(received, count, prefix="m"):
    """every message at least once, in order where first seen; a repeat carries the id it had"""
    first = {}
    order = []
    for m in received:
        found = ID.search(m["sd"])
        assert found, f"an entry without its id: {m}"
        ident = found.group(1)
        if m["msg"] in first:
            assert first[m["msg"]] == ident, f"{m['msg']} came again with another id"
        else:
            first[m["msg"]] = ident
            order.append(m["msg"])
    assert order == [f"{prefix}{i:06}" for i in range(count)]
    assert len(set(first.values())) == count, "every entry has an id of its own"
    return len(received) - count  # the duplicates
