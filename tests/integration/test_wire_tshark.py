"""The netbios datagrams slotlog builds, as wireshark sees them.

wire_sample prints encoded remote mailslot writes as hex; each goes into a
pcap (ethernet, ipv4, udp 138 -> 138, written here by hand) and tshark must
dissect it as a mailslot write with our names, slot and data bytes, and
report nothing malformed. A datagram captured from a windows host (the one
the unit test decodes) is dissected next to ours: same flags, timeout,
priority and class.
"""
import shutil
import struct
import subprocess

import pytest

from conftest import BIN

TSHARK = shutil.which("tshark")

FIELDS = [
    "nbdgm.type", "nbdgm.flags", "nbdgm.dgram_id", "nbdgm.src.ip", "nbdgm.src.port", "nbdgm.dgram_len",
    "nbdgm.pkt_offset", "nbdgm.source_name", "nbdgm.destination_name",
    "smb.cmd", "smb.wct", "smb.tpc", "smb.tdc", "smb.pc", "smb.dc", "smb.data_offset", "smb.sc", "smb.bcc",
    "smb.timeout", "smb.trans_name",
    "mailslot.opcode", "mailslot.priority", "mailslot.class", "mailslot.name",
    "data.data", "_ws.malformed", "_ws.expert.message",
]

# a windows host's GetBackupListReq to WORKGROUP<1d>: the udp payload of the
# frame printed in rflynn/lanmap2 src/browse.h
WINDOWS_CAPTURE = (
    bytes.fromhex("110ecd3e0a2b6101008a00a00000")
    + b"\x20EDEBFCEEEJEPFAFFCNDCFJDBFIEGFHAA\x00"
    + b"\x20FHEPFCELEHFCEPFFFACACACACACACABN\x00"
    + b"\xffSMB\x25" + bytes(27)
    + bytes.fromhex("11" "0000" "0600" "0000" "0000" "00" "00" "0000" "e8030000" "0000" "0000" "0000" "0600" "5600"
                    "03" "00" "0100" "0100" "0200" "1700")
    + b"\\MAILSLOT\\BROWSE\x00"
    + bytes.fromhex("09049b090000")
)


@pytest.fixture(scope="module", autouse=True)
def need_tshark():
    assert TSHARK, "tshark is missing: scripts/install-deps installs it"


def wire_sample(*args):
    """The datagrams wire_sample prints for args, as bytes."""
    r = subprocess.run([str(BIN / "wire_sample"), *args], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return [bytes.fromhex(line) for line in r.stdout.decode().split()]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(payload, src=(192, 168, 1, 20), dst=(192, 168, 1, 255)):
    """Ethernet + IPv4 + UDP 138 -> 138 around payload, lengths and checksums right."""
    udp_length = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_length, 1, 0, 128, 17, 0, bytes(src), bytes(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 138, 138, udp_length, 0) + payload
    pseudo = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 17, udp_length)
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ethernet = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return ethernet + ip + udp


def write_pcap(path, payloads):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # ethernet link type
    for i, payload in enumerate(payloads):
        f = frame(payload)
        out += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
    path.write_bytes(out)


def dissect(tmp_path, payloads):
    """tshark's fields for each datagram, one dict per frame."""
    pcap = tmp_path / "wire.pcap"
    write_pcap(pcap, payloads)
    cmd = [TSHARK, "-n", "-r", str(pcap), "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=|"]
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    rows = [line.split("\t") for line in r.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(payloads), r.stdout
    return [dict(zip(FIELDS, row)) for row in rows]


def check_write(d, type_, source, dest, data, slot="\\MAILSLOT\\LOGGER"):
    assert d["_ws.malformed"] == "" and d["_ws.expert.message"] == "", d
    assert d["nbdgm.type"] == str(type_)
    assert d["nbdgm.flags"] == "0x0e"
    assert d["nbdgm.pkt_offset"] == "0"
    assert d["nbdgm.source_name"] == source
    assert d["nbdgm.destination_name"] == dest
    assert d["smb.cmd"] == "0x25"
    assert d["smb.wct"] == "17" and d["smb.sc"] == "3"
    assert d["smb.tpc"] == "0" and d["smb.pc"] == "0"
    assert d["smb.tdc"] == d["smb.dc"] == str(len(data))
    assert d["smb.data_offset"] == str(70 + len(slot))
    assert d["smb.bcc"] == str(len(slot) + 1 + len(data))
    assert d["smb.timeout"] == "1000"
    assert d["smb.trans_name"] == slot
    assert d["mailslot.opcode"] == "1"
    assert d["mailslot.priority"] == "1"
    assert d["mailslot.class"] == "2"
    assert d["mailslot.name"] == slot
    assert bytes.fromhex(d["data.data"]) == data


def test_group_unique_and_broadcast_writes(tmp_path):
    payloads = []
    for t in ("0x10", "0x11", "0x12"):
        payloads += wire_sample("--type", t, "--id", "4660", "--ip", "10.1.2.3", "--source", "win11pc",
                                "--dest", "WORKGROUP", "--slot", "logger", "--data", "hello")
    rows = dissect(tmp_path, payloads)
    for t, d in zip((16, 17, 18), rows):
        check_write(d, t, "WIN11PC<00>", "WORKGROUP<00>", b"hello")
        assert d["nbdgm.dgram_id"] == "0x1234"
        assert d["nbdgm.src.ip"] == "10.1.2.3"
        assert d["nbdgm.src.port"] == "138"
        # DGM_LENGTH: the two names and the smb message, not the 14-byte header
        assert d["nbdgm.dgram_len"] == str(len(payloads[0]) - 14)


def test_largest_message(tmp_path):
    (packet,) = wire_sample("--type", "0x10", "--source", "SENDER", "--dest", "COLLECTOR", "--dest-suffix", "0x20",
                            "--fill", "424")
    (d,) = dissect(tmp_path, [packet])
    check_write(d, 16, "SENDER<00>", "COLLECTOR<20>", b"x" * 424)
    r = subprocess.run([str(BIN / "wire_sample"), "--fill", "425"], capture_output=True, timeout=30)
    assert r.returncode == 2
    assert b"at most 424" in r.stderr


def test_utf8_and_binary_messages(tmp_path):
    text = "caf\u00e9 \u20ac \U0001f4dc \u65e5\u672c\u8a9e"
    binary = bytes(range(256))[:200]
    payloads = wire_sample("--data", text, "--data-hex", binary.hex(), "--data", "<13>1 - host app - - - x")
    rows = dissect(tmp_path, payloads)
    check_write(rows[0], 17, "WIN11PC<00>", "WORKGROUP<00>", text.encode("utf-8"))
    check_write(rows[1], 17, "WIN11PC<00>", "WORKGROUP<00>", binary)
    check_write(rows[2], 17, "WIN11PC<00>", "WORKGROUP<00>", b"<13>1 - host app - - - x")


def test_sub_folder_slot_and_name_suffixes(tmp_path):
    (packet,) = wire_sample("--source", "HOST-1", "--source-suffix", "0x03", "--dest", "CORP", "--dest-suffix",
                            "0x1c", "--slot", "app\\audit", "--data", "entry")
    (d,) = dissect(tmp_path, [packet])
    check_write(d, 17, "HOST-1<03>", "CORP<1c>", b"entry", slot="\\MAILSLOT\\APP\\AUDIT")


def test_empty_message(tmp_path):
    # wireshark skips the mailslot layer when there is no data; the rest is there
    (packet,) = wire_sample("--data", "")
    (d,) = dissect(tmp_path, [packet])
    assert d["_ws.malformed"] == "" and d["_ws.expert.message"] == ""
    assert d["smb.trans_name"] == "\\MAILSLOT\\LOGGER"
    assert d["smb.tdc"] == d["smb.dc"] == "0" and d["smb.bcc"] == "17"


def test_ours_dissect_like_windows_own(tmp_path):
    assert len(WINDOWS_CAPTURE) == 174
    ours = wire_sample("--id", "0xcd3e", "--ip", "10.43.97.1", "--source", "CARDIOPU-2Y1XFW", "--dest", "WORKGROUP",
                       "--dest-suffix", "0x1d", "--mailslot", "\\MAILSLOT\\BROWSE", "--data-hex", "09049b090000")
    assert ours == [WINDOWS_CAPTURE]
    theirs, mine = dissect(tmp_path, [WINDOWS_CAPTURE, ours[0]])
    assert theirs == mine
    assert theirs["_ws.malformed"] == ""
    assert theirs["nbdgm.source_name"] == "CARDIOPU-2Y1XFW<00>"
    assert theirs["nbdgm.destination_name"] == "WORKGROUP<1d>"
    assert theirs["mailslot.name"] == "\\MAILSLOT\\BROWSE"


def test_tshark_does_flag_a_broken_datagram(tmp_path):
    # the malformed check above is live: a cut smb message is reported
    (packet,) = wire_sample("--data", "hello")
    (d,) = dissect(tmp_path, [packet[:120]])
    assert d["_ws.malformed"] != "" or d["_ws.expert.message"] != ""
