"""What the forward output's tests share: their configuration, the messages
they send, and how they read what a receiver got."""
import re
import time

import pytest

from conftest import file_config
from rsyslog_peer import Rsyslogd

ID = re.compile(r'id="([0-9a-f]{16})"')


@pytest.fixture(autouse=True)
def stop_servers(monkeypatch):
    """every rsyslogd a test starts is stopped at its end, whatever happens"""
    started = []
    original = Rsyslogd.start

    def start(self, *args, **kwargs):
        started.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Rsyslogd, "start", start)
    yield
    for server in started:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


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


def of_app(server, app):
    return [m for m in server.messages() if m["app"] == app]


def numbered(count, prefix="m"):
    return "".join(f"{prefix}{i:06}\n" for i in range(count)).encode()


def assert_complete(received, count, prefix="m"):
    """every message at least once, in order where first seen; a repeat carries the id it had"""
    first = {}
    order = []
    for m in received:
        ident = ID.search(m["sd"]).group(1)
        if m["msg"] in first:
            assert first[m["msg"]] == ident, f"{m['msg']} came again with another id"
        else:
            first[m["msg"]] = ident
            order.append(m["msg"])
    assert order == [f"{prefix}{i:06}" for i in range(count)]
    assert len(set(first.values())) == count, "every entry has an id of its own"
    return len(received) - count  # the duplicates
