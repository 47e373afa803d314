"""SLOTLOG-CTL/1 against the real collector: signed stop, reload, rotate and flush
take effect over the mailslot and udp; everything else is a warning that says why.

The messages are signed here with python's own hmac, so the collector is checked
against an implementation that is not its own (and `slotlog ctl` against both)."""
import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import time

import pytest

from conftest import BIN, file_config, free_udp_port, read_lines, slotlog, wait_for

KEY = b"0123456789abcdef0123456789abcdef"


def sign(verb, t=None, nonce=None, key=KEY):
    t = int(time.time()) if t is None else t
    nonce = secrets.token_hex(16) if nonce is None else nonce
    text = f"SLOTLOG-CTL/1 {verb} {t} {nonce}"
    return f"{text} {hmac.new(key, text.encode(), hashlib.sha256).hexdigest()}"


def write_key(folder, key=KEY, mode=0o600):
    path = folder / "control.key"
    path.write_bytes(key + b"\n")
    os.chmod(path, mode)
    return path


def control_config(tmp_path, log, key_file, udp_port=None, **file_options):
    inputs = [{"type": "mailslot", "name": "logger"}]
    if udp_port:
        inputs.append({"type": "udp", "bind": f"127.0.0.1:{udp_port}"})
    cfg = file_config(log, inputs=inputs, **file_options)
    cfg["control"] = {"key_file": str(key_file)}
    return cfg


def lines_with(log, text):
    """Lines of the log and its backups (a rotate puts its own notice in the backup)."""
    files = [log] + sorted(log.parent.glob(f"{log.stem}.*{log.suffix}"))
    return [l for f in files for l in read_lines(f) if text in l]


def wait_line(log, text, timeout=10):
    wait_for(lambda: lines_with(log, text), timeout, f"a line with {text!r}")
    return lines_with(log, text)


def test_signed_rotate_flush_and_reload_take_effect(tmp_path, env, collectors):
    log = tmp_path / "c.log"
    c = collectors(control_config(tmp_path, log, write_key(tmp_path))).wait_ready(log)
    assert lines_with(log, "control plane on (key file ")

    slotlog("send", "before rotate", env=env)
    c.send_datagram(sign("rotate").encode())
    wait_for(lambda: (tmp_path / "c.1.log").exists(), 10, "the rotation")
    backup = read_lines(tmp_path / "c.1.log")
    assert any(l.endswith("]: before rotate") for l in backup)
    assert any("control message on logger accepted: rotate" in l for l in backup)

    # flush: the accepted line reaches the file without waiting for an idle writer
    c.send_datagram(sign("flush").encode())
    wait_line(log, "accepted: flush")

    # reload: the configuration file changes, a control message applies it
    reloaded = tmp_path / "reloaded.log"
    c.config_path.write_text(json.dumps(control_config(tmp_path, reloaded, tmp_path / "control.key")))
    c.send_datagram(sign("reload").encode())
    wait_line(reloaded, "configuration reloaded")  # written by the new outputs
    slotlog("send", "after reload", env=env)
    wait_line(reloaded, "after reload")
    assert c.stop() == 0
    assert not any("SLOTLOG-CTL" in l for l in read_lines(log) + read_lines(reloaded) + backup)


def test_slotlog_ctl_stops_the_collector_and_everything_is_written(tmp_path, env, collectors):
    log = tmp_path / "c.log"
    key = write_key(tmp_path)
    c = collectors(control_config(tmp_path, log, key)).wait_ready(log)
    slotlog("send", *[f"m{i}" for i in range(200)], env=env)
    slotlog("ctl", "stop", "--key-file", str(key), env=env)
    assert c.proc.wait(timeout=30) == 0
    lines = read_lines(log)
    assert sum(1 for l in lines if "]: m" in l) == 200
    assert any("control message on logger accepted: stop" in l for l in lines)
    assert "slotlogd stopping" in lines[-1]


def test_slotlog_ctl_refuses_usage_mistakes(tmp_path, env):
    key = write_key(tmp_path)
    assert slotlog("ctl", "explode", "-k", str(key), env=env, check=False).returncode == 2
    assert slotlog("ctl", "stop", env=env, check=False).returncode == 2
    short = tmp_path / "short.key"
    short.write_bytes(b"short\n")
    r = slotlog("ctl", "stop", "-k", str(short), env=env, check=False)
    assert r.returncode == 1 and b"too short" in r.stderr, r.stderr


def test_control_over_udp_works_and_names_the_sender(tmp_path, env, collectors):
    log = tmp_path / "c.log"
    port = free_udp_port()
    c = collectors(control_config(tmp_path, log, write_key(tmp_path), udp_port=port)).wait_ready(log)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(sign("flush", key=b"not the key but long enough").encode(), ("127.0.0.1", port))
        wait_line(log, "rejected: bad mac")
        s.sendto(sign("stop").encode(), ("127.0.0.1", port))
    assert c.proc.wait(timeout=30) == 0
    rejected = lines_with(log, "rejected: bad mac")[0]
    assert f"on udp:127.0.0.1:{port} from 127.0.0.1" in rejected, rejected
    assert lines_with(log, "accepted: stop")


def test_every_forgery_is_rejected_with_its_reason_and_changes_nothing(tmp_path, env, collectors):
    log = tmp_path / "c.log"
    c = collectors(control_config(tmp_path, log, write_key(tmp_path), max_size=10_000_000)).wait_ready(log)
    now = int(time.time())
    valid = sign("stop")
    verb_altered = valid.replace(" stop ", " flush ", 1)
    cases = {
        "wrong key": (sign("stop", key=b"a different key, 32 bytes long!!"), "bad mac"),
        "altered verb": (verb_altered, "bad mac"),
        "altered time": (sign("stop", t=now).replace(f" {now} ", f" {now + 1} ", 1), "bad mac"),
        "unknown verb": (sign("explode"), "unknown verb 'explode'"),
        "stale": (sign("stop", t=now - 600), "stale: sent "),
        "future": (sign("stop", t=now + 600), "in the future: "),
        "truncated": (valid[:-7], "malformed mac"),
        "no mac": (valid.rsplit(" ", 1)[0], "malformed: 3 fields"),
        "oversized": (valid + "0" * 500, "too long"),
        "short nonce": (sign("stop", nonce="abcdef"), "malformed nonce"),
        "other version": ("SLOTLOG-CTL/2 stop", "unsupported version"),
    }
    for name, (message, _) in cases.items():
        c.send_datagram(message.encode())
    # a valid one, then its replay
    replayed = sign("rotate")
    c.send_datagram(replayed.encode())
    wait_line(log, "accepted: rotate")
    c.send_datagram(replayed.encode())
    wait_line(log, "rejected: replayed: nonce already used")
    assert c.proc.poll() is None, "a rejected stop stopped the collector"
    assert c.stop() == 0
    warnings = lines_with(log, "control message on logger rejected: ")
    for name, (_, reason) in cases.items():
        assert any(reason in l for l in warnings), f"{name}: no warning with {reason!r} in {warnings}"
    assert len(warnings) == len(cases) + 1
    assert all(" WARNING " in l for l in warnings)


def test_a_marshalled_control_message_from_a_winsys_client_is_recognised(tmp_path, env, collectors):
    import marshal
    log = tmp_path / "c.log"
    c = collectors(control_config(tmp_path, log, write_key(tmp_path))).wait_ready(log)
    c.send_datagram(marshal.dumps(sign("stop")))
    assert c.proc.wait(timeout=30) == 0
    assert lines_with(log, "accepted: stop")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_that_group_or_others_can_read_turns_control_off(tmp_path, env, collectors, mode):
    log = tmp_path / "c.log"
    key = write_key(tmp_path, mode=mode)
    cfg = control_config(tmp_path, log, key)
    cfg_file = tmp_path / "checked.json"
    cfg_file.write_text(json.dumps(cfg))
    r = subprocess.run([str(BIN / "slotlogd"), "check-config", str(cfg_file)], env=env, capture_output=True)
    assert r.returncode == 0
    assert "control plane off: key file " in r.stdout.decode() and "readable by group or others" in r.stdout.decode()

    c = collectors(cfg).wait_ready(log)
    warning = wait_line(log, "control plane off")[0]
    assert " WARNING " in warning and "chmod 600" in warning, warning
    c.send_datagram(sign("stop").encode())
    wait_line(log, "rejected: control plane is off")
    assert c.proc.poll() is None
    assert c.stop() == 0


def test_check_config_says_whether_control_is_on(tmp_path, env):
    def check(control):
        cfg = file_config(tmp_path / "x.log")
        cfg["control"] = control
        path = tmp_path / "cfg.json"
        path.write_text(json.dumps(cfg))
        r = subprocess.run([str(BIN / "slotlogd"), "check-config", str(path)], env=env, capture_output=True)
        assert r.returncode == 0, r.stdout
        return r.stdout.decode()

    assert "control plane off: no control.key_file configured" in check({})
    assert "control plane off: key file " in check({"key_file": "absent.key"})
    assert ": missing" in check({"key_file": "absent.key"})
    (tmp_path / "short.key").write_bytes(b"0123456789abcde\r\n")
    os.chmod(tmp_path / "short.key", 0o600)
    assert "too short (15 bytes" in check({"key_file": "short.key"})
    write_key(tmp_path)
    assert f"control plane on (key file {tmp_path / 'control.key'})" in check({"key_file": "control.key"})
