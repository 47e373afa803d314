"""slotlog.exe send to slots on other machines under wine. wine has no remote
mailslots (CreateFile on \\\\*\\mailslot\\x fails with error 3), so the default
transport falls back to the slotlog broadcast port: the same NetBIOS datagram
over UDP, caught here on 127.0.0.1 and taken apart byte by byte."""
import json
import os
import secrets
import socket
import sys
from pathlib import Path

import pytest

from conftest import BIN, text, wine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from netbios_wire import Receiver, parse  # noqa: E402  (shared with the linux tests)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_broadcast_falls_back_to_the_broadcast_port(receiver):
    r = wine(BIN / "slotlog.exe", "send", "-s", r"\\*\mailslot\logger", "--to", "127.0.0.1",
             "--broadcast-port", receiver.port, "hello")
    assert r.returncode == 0, text(r)
    d = parse(receiver.receive())
    assert d["type"] == 0x11
    assert d["destination"] == ("WORKGROUP", 0)
    assert d["source"][0] == socket.gethostname().split(".")[0].upper()[:15]
    assert d["source_ip"] == "127.0.0.1" and d["source_port"] == 138
    assert d["mailslot"] == r"\MAILSLOT\LOGGER"
    j = json.loads(d["data"])
    assert j["msg"] == "hello" and j["seq"] == 1 and isinstance(j["pid"], int)
    assert j["host"].lower() == socket.gethostname().lower()
    assert receiver.receive(0.5) is None, "one datagram"


def test_the_environment_sets_the_destination(receiver):
    env = dict(os.environ, SLOTLOG_BROADCAST_TO="127.0.0.1", SLOTLOG_BROADCAST_PORT=str(receiver.port),
               SLOTLOG_WORKGROUP="wine")
    r = wine(BIN / "slotlog.exe", "send", "-s", r"\\*\mailslot\logger", "-l", "warning", "from the environment",
             env=env)
    assert r.returncode == 0, text(r)
    d = parse(receiver.receive())
    assert d["destination"] == ("WINE", 0)
    j = json.loads(d["data"])
    assert j["msg"] == "from the environment" and j["level"] == "warning"


def test_a_host_gets_a_unique_datagram(receiver):
    r = wine(BIN / "slotlog.exe", "send", "-s", r"\\127.0.0.1\mailslot\logger", "--broadcast-port", receiver.port,
             "--raw", "just you")
    assert r.returncode == 0, text(r)
    d = parse(receiver.receive())
    assert d["type"] == 0x10
    assert d["destination"] == ("127.0.0.1", 0)
    assert d["data"] == b"just you"


def test_broadcast_transport_and_both(receiver):
    for transport in ["broadcast", "both"]:
        r = wine(BIN / "slotlog.exe", "send", "-s", r"\\*\mailslot\logger", "--transport", transport,
                 "--to", "127.0.0.1", "--broadcast-port", receiver.port, "--netbios-port", receiver.port,
                 "--raw", transport)
        assert r.returncode == 0, text(r)
        assert parse(receiver.receive())["data"] == transport.encode()
        assert receiver.receive(0.5) is None, "windows sends nothing to the netbios port itself"


def test_mailslot_transport_fails_clearly_and_sends_nothing(receiver):
    # a slot nobody reads here, so that no local reader takes the broadcast
    slot = r"\\*\mailslot\slotlog-wine-net-" + secrets.token_hex(4)
    r = wine(BIN / "slotlog.exe", "send", "-s", slot, "--transport", "mailslot", "--to", "127.0.0.1",
             "--broadcast-port", receiver.port, "--netbios-port", receiver.port, "nowhere")
    out = text(r)
    assert r.returncode == 1, out
    assert "cannot write to '" + slot.lower() + "'" in out.lower(), out
    assert "cannot open the remote mailslot" in out, out
    assert "broadcast transport" in out, out
    assert receiver.receive(1.0) is None, "mailslot means no udp"


def test_bad_transport_is_a_usage_error():
    r = wine(BIN / "slotlog.exe", "send", "-s", r"\\*\mailslot\logger", "--transport", "udp", "x")
    assert r.returncode == 2, text(r)
    assert "--transport" in text(r) and "'udp'" in text(r)
