"""SLOTLOG-CTL/1 under wine: slotlogd.exe checks macs with cng, slotlog.exe ctl
signs with cng, python signs with its own hmac; over the mailslot and udp."""
import hashlib
import hmac
import secrets
import socket
import time

from conftest import BIN, free_udp_port, lines, start_serve, wait_for, win_path, wine, text

KEY = b"a windows collector's key, 32 b!"


def sign(verb, t=None, key=KEY):
    t = int(time.time()) if t is None else t
    body = f"SLOTLOG-CTL/1 {verb} {t} {secrets.token_hex(16)}"
    return f"{body} {hmac.new(key, body.encode(), hashlib.sha256).hexdigest()}"


def test_signed_control_over_the_mailslot_and_udp(tmp_path):
    port = free_udp_port()
    (tmp_path / "control.key").write_bytes(KEY + b"\r\n")   # notepad's end of line
    log = tmp_path / "logs" / "c.log"
    slot = "slotlog-wine-control"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": slot}, {"type": "udp", "bind": f"127.0.0.1:{port}"}],
        "outputs": [{"type": "file", "path": "logs/c.log"}],
        "control": {"key_file": "control.key"},
    })

    def all_lines():
        return lines(tmp_path / "logs" / "c.1.log") + lines(log)

    def wait_line(fragment, what):
        wait_for(lambda: any(fragment in l for l in all_lines()), 60, what)

    def ctl(verb, key_file="control.key"):
        return wine(BIN / "slotlog.exe", "ctl", verb, "-s", slot, "-k", win_path(tmp_path / key_file))

    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        assert any("control plane on (key file " in l for l in lines(log)), lines(log)

        r = wine(BIN / "slotlog.exe", "send", "-s", slot, "before the rotation")
        assert r.returncode == 0, text(r)
        r = ctl("rotate")
        assert r.returncode == 0, text(r)
        wait_for(lambda: (tmp_path / "logs" / "c.1.log").exists(), 60, "the rotation")
        assert any(l.endswith("]: before the rotation") for l in lines(tmp_path / "logs" / "c.1.log"))
        assert ctl("flush").returncode == 0
        wait_line("accepted: flush", "the flush")

        # forgeries over the mailslot (slotlog.exe --raw) and over udp
        (tmp_path / "other.key").write_bytes(b"not the collector's key at all")
        assert ctl("stop", "other.key").returncode == 0
        stale = sign("stop", t=int(time.time()) - 3600)
        assert wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw", stale).returncode == 0
        replayed = sign("flush")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(replayed.encode(), ("127.0.0.1", port))
            wait_line("from 127.0.0.1 accepted: flush", "the flush over udp")
            s.sendto(replayed.encode(), ("127.0.0.1", port))
            s.sendto(sign("stop", key=b"guessed key, guessed key, guess").encode(), ("127.0.0.1", port))
        wait_line("rejected: replayed", "the replay")
        wait_line(f"on udp:127.0.0.1:{port} from 127.0.0.1 rejected: bad mac", "the udp forgery")
        assert serve.poll() is None, "a rejected message stopped the collector"

        r = ctl("stop")
        assert r.returncode == 0, text(r)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    got = all_lines()
    rejected = [l for l in got if " rejected: " in l]
    assert len(rejected) == 4, rejected
    assert all(" WARNING " in l for l in rejected)
    assert sum(f"on {slot} rejected: bad mac" in l for l in rejected) == 1
    assert sum(f"on {slot} rejected: stale: sent " in l for l in rejected) == 1
    assert any("accepted: stop" in l for l in got)
    assert not any("SLOTLOG-CTL" in l for l in got)
    assert "slotlogd stopping" in got[-1]


def test_check_config_reports_a_missing_key(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text('{"inputs": [{"type": "mailslot", "name": "x"}], "outputs": [{"type": "file", "path": "x.log"}],'
                   ' "control": {"key_file": "nokey.key"}}')
    r = wine(BIN / "slotlogd.exe", "check-config", win_path(cfg))
    assert r.returncode == 0, text(r)
    assert "control plane off: key file " in text(r) and "nokey.key: missing" in text(r), text(r)
