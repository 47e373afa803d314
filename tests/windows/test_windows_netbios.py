"""slotlogd.exe under wine reads remote mailslot writes from a udp port (the
slotlog broadcast port), and slotlog.exe falls back to that port when the
remote mailslot cannot be opened: the message is logged once, whichever
ways it arrives."""
import json
import socket
import sys
from pathlib import Path

from conftest import BIN, free_udp_port, lines, plain_stop, start_serve, wait_for, wine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from netbios_wire import mailslot_write  # noqa: E402  (shared with the linux tests)


def send(port, datagram):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(datagram, ("127.0.0.1", port))


def entries(log):
    return [json.loads(l) for l in lines(log)]


def test_netbios_input_and_the_fallback_path_logged_once(tmp_path):
    port, other_port = free_udp_port(), free_udp_port()
    slot = "slotlog-wine-netbios"
    log = tmp_path / "n.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "netbios", "bind": f"127.0.0.1:{port}", "slot": slot},
                   {"type": "udp", "bind": f"127.0.0.1:{other_port}", "slot": slot},
                   {"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": "n.log", "format": "json"}],
    }, "--allow-plain-stop")
    try:
        wait_for(lambda: any("started" in e["msg"] for e in entries(log)), 60, "slotlogd.exe to start")
        # as windows sends it, one copy per port: logged once
        send(port, mailslot_write(b"from WIN11PC", slot=slot, source="WIN11PC"))
        send(other_port, mailslot_write(b"from WIN11PC", slot=slot, source="WIN11PC"))
        # the same payload twice by one port: two messages
        send(port, mailslot_write(b"again", slot=slot, source="WIN11PC"))
        send(port, mailslot_write(b"again", slot=slot, source="WIN11PC"))
        send(port, mailslot_write(b"another slot", slot="other"))
        send(port, b"not a datagram")
        # wine has no remote mailslots: slotlog.exe falls back to the broadcast
        # port, and a broadcast reaches this machine's own slot as well
        r = wine(BIN / "slotlog.exe", "send", "-s", rf"\\*\mailslot\{slot}", "--to", "127.0.0.1",
                 "--broadcast-port", str(port), "-a", "fallback", "over the fallback")
        assert r.returncode == 0, r.stderr
        wait_for(lambda: any(e["msg"] == "over the fallback" for e in entries(log)), 30, "the fallback message")
        plain_stop(serve, slot)
    finally:
        if serve.poll() is None:
            serve.kill()
    got = entries(log)
    apps = [(e["msg"], e["host"]) for e in got if e["app"] != "slotlogd" and e["msg"] != "STOP"]
    assert sorted(m for m, _ in apps) == ["again", "again", "from WIN11PC", "over the fallback"], got
    assert dict(apps)["from WIN11PC"] == "WIN11PC/127.0.0.1"
    fallback = next(e for e in got if e["msg"] == "over the fallback")
    assert fallback["app"] == "fallback" and fallback["seq"] is not None
    assert any("not a mailslot write" in e["msg"] for e in got if e["app"] == "slotlogd")
    # one copy of each of the two messages was dropped as a repeat
    assert ", 2 repeats dropped, " in got[-1]["msg"], got[-1]
