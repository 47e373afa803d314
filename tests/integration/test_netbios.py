"""The netbios input: remote mailslot writes as Windows sends them, read by the
real slotlogd from a udp port, and the repeats that broadcasts bring dropped."""
import json
import socket

from conftest import file_config, free_udp_port, read_lines, wait_for
from netbios_wire import mailslot_write


def send(port, datagram: bytes):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(datagram, ("127.0.0.1", port))


def json_entries(log):
    return [json.loads(l) for l in read_lines(log)]


def start(collectors, tmp_path, inputs, **config):
    log = tmp_path / "out.log"
    cfg = file_config(log, inputs, format="json")
    cfg.update(config)
    c = collectors(cfg)
    wait_for(lambda: any("started" in e["msg"] for e in json_entries(log)), what="slotlogd to start")
    return c, log


def stop_and_read(c, log):
    assert c.stop() == 0
    return json_entries(log)


def apps(entries, app):
    return [e for e in entries if e["app"] == app]


def test_mailslot_writes_for_the_slot_become_entries_with_the_sender(collectors, tmp_path):
    port = free_udp_port()
    c, log = start(collectors, tmp_path, [{"type": "netbios", "bind": f"127.0.0.1:{port}", "slot": "logger"}])
    # what `ipc.mailslot(r"\\*\mailslot\logger").put("hello")` sends from WIN11PC, as text and as json
    send(port, mailslot_write(b"plain hello", source="WIN11PC"))
    send(port, mailslot_write(json.dumps({"msg": "from json", "app": "billing", "host": "WEB01"}).encode()))
    # a direct (unique) and a broadcast datagram are mailslot writes too
    send(port, mailslot_write(b"direct", msg_type=0x10, dest="COLLECTOR"))
    send(port, mailslot_write(b"broadcast", msg_type=0x12))
    # the name is case-insensitive; 424 bytes is the most windows sends
    send(port, mailslot_write(b"lower case", mailslot="\\mailslot\\Logger"))
    send(port, mailslot_write(b"x" * 424))
    got = stop_and_read(c, log)
    msgs = {e["msg"]: e for e in got if e["app"] != "slotlogd"}
    assert set(msgs) == {"plain hello", "from json", "direct", "broadcast", "lower case", "x" * 424}, got
    assert msgs["plain hello"]["host"] == "WIN11PC/127.0.0.1"
    assert msgs["plain hello"]["slot"] == "logger"
    assert msgs["from json"]["host"] == "WEB01" and msgs["from json"]["app"] == "billing"


def test_writes_to_other_slots_and_other_datagrams_are_not_logged(collectors, tmp_path):
    port = free_udp_port()
    c, log = start(collectors, tmp_path, [{"type": "netbios", "bind": f"127.0.0.1:{port}", "slot": "logger"}])
    send(port, mailslot_write(b"browser announcement", mailslot="\\MAILSLOT\\BROWSE"))
    send(port, mailslot_write(b"another slot", slot="other"))
    send(port, mailslot_write(b"a longer name", slot="loggers"))
    good = mailslot_write(b"kept")
    send(port, b"not a netbios datagram at all")
    send(port, good[:60])                                   # cut short
    send(port, bytes([0x14]) + good[1:])                     # a name query type, not a datagram
    send(port, good)
    got = stop_and_read(c, log)
    assert [e["msg"] for e in got if e["app"] != "slotlogd"] == ["kept"]
    drops = [e["msg"] for e in got if e["app"] == "slotlogd" and "not a mailslot write" in e["msg"]]
    assert len(drops) == 3, got
    assert all(f"netbios:127.0.0.1:{port}" in d for d in drops)
    # writes to other slots are ignored, not dropped
    assert "1 messages received" in got[-1]["msg"] and ", 3 dropped" in got[-1]["msg"], got[-1]


def test_a_udp_input_with_a_slot_takes_both_plain_messages_and_mailslot_writes(collectors, tmp_path):
    port = free_udp_port()
    c, log = start(collectors, tmp_path, [{"type": "udp", "bind": f"127.0.0.1:{port}", "slot": "logger"}])
    send(port, b"plain datagram")
    send(port, mailslot_write(b"wrapped"))
    send(port, mailslot_write(b"for another slot", slot="other"))
    got = stop_and_read(c, log)
    msgs = {e["msg"]: e for e in got if e["app"] != "slotlogd"}
    assert set(msgs) == {"plain datagram", "wrapped"}, got
    assert msgs["plain datagram"]["slot"] == f"udp:127.0.0.1:{port}"
    assert msgs["wrapped"]["slot"] == "logger"
    assert msgs["wrapped"]["host"] == "WIN11PC/127.0.0.1"


def test_copies_by_other_paths_within_the_window_are_dropped(collectors, tmp_path):
    p138, pfallback = free_udp_port(), free_udp_port()
    c, log = start(collectors, tmp_path, [
        {"type": "netbios", "bind": f"127.0.0.1:{p138}", "slot": "logger"},
        {"type": "netbios", "bind": f"127.0.0.1:{pfallback}", "slot": "logger"},
        {"type": "mailslot", "name": "logger"}])
    stamped = json.dumps({"msg": "stamped", "host": "WEB01", "pid": 42, "seq": 7}).encode()
    # the same message by the legacy port, the fallback port and the local slot
    send(p138, mailslot_write(stamped))
    send(pfallback, mailslot_write(stamped))
    c.send_datagram(stamped)
    # unstamped: a copy by the other port, the same payload again by one port
    # (a new message), and another sender's
    send(p138, mailslot_write(b"unstamped", source="PC1"))
    send(pfallback, mailslot_write(b"unstamped", source="PC1"))
    send(p138, mailslot_write(b"unstamped", source="PC1"))
    send(p138, mailslot_write(b"unstamped", source="PC2"))
    # the next message of the same process is not a repeat
    send(p138, mailslot_write(json.dumps({"msg": "stamped", "host": "WEB01", "pid": 42, "seq": 8}).encode()))
    got = stop_and_read(c, log)
    msgs = [(e["msg"], e["host"], e["seq"]) for e in got if e["app"] != "slotlogd"]
    assert sorted(msgs, key=str) == sorted([("stamped", "WEB01", 7), ("stamped", "WEB01", 8),
                                            ("unstamped", "PC1/127.0.0.1", None),
                                            ("unstamped", "PC1/127.0.0.1", None),
                                            ("unstamped", "PC2/127.0.0.1", None)], key=str), got
    assert ", 3 repeats dropped, " in got[-1]["msg"], got[-1]


def test_dedup_can_be_turned_off(collectors, tmp_path):
    port = free_udp_port()
    c, log = start(collectors, tmp_path, [{"type": "netbios", "bind": f"127.0.0.1:{port}", "slot": "logger"}],
                   dedup={"window_ms": 0})
    for _ in range(3):
        send(port, mailslot_write(b"every copy"))
    got = stop_and_read(c, log)
    assert [e["msg"] for e in got if e["app"] != "slotlogd"] == ["every copy"] * 3
