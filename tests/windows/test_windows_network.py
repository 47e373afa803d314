"""slotlog.exe send to slots on other machines under wine. wine has no remote
mailslots (CreateFile on \\\\*\\mailslot\\x fails with error 3), so the default
transport falls back to the slotlog broadcast port: the same NetBIOS datagram
over UDP, caught here on 127.0.0.1 and taken apart byte by byte."""
import json
import os
import secrets
import socket
import struct

import pytest

from conftest import BIN, text, wine


class Receiver:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def receive(self, timeout=10.0):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            return None


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.sock.close()


def netbios_name(encoded):
    assert encoded[0] == 0x20 and encoded[33] == 0, encoded
    raw = bytes(((encoded[1 + 2 * i] - 0x41) << 4) | (encoded[2 + 2 * i] - 0x41) for i in range(16))
    return raw[:15].decode("ascii").rstrip(" "), raw[15]


def parse(packet):
    """rfc 1002 direct datagram + smb TRANSACTION mailslot write -> dict"""
    assert packet is not None, "no datagram arrived"
    msg_type, flags, _id, src_ip, src_port, dgm_length, _offset = struct.unpack(">BBH4sHHH", packet[:14])
    assert flags == 0x0E and dgm_length == len(packet) - 14
    smb = packet[82:]
    assert smb[:4] == b"\xffSMB" and smb[4] == 0x25 and smb[32] == 17
    data_count, data_offset = struct.unpack("<HH", smb[55:59])
    opcode, _priority, mailslot_class = struct.unpack("<HHH", smb[61:67])
    assert (opcode, mailslot_class) == (1, 2)
    assert data_offset + data_count == len(smb)
    return {
        "type": msg_type, "source_ip": socket.inet_ntoa(src_ip), "source_port": src_port,
        "source": netbios_name(packet[14:48]), "destination": netbios_name(packet[48:82]),
        "mailslot": smb[69:smb.index(b"\0", 69)].decode("ascii"), "data": smb[data_offset:data_offset + data_count],
    }


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
