"""What running slotlogd as a Linux service needs: systemd's notify protocol (Type=notify,
READY=1 once the inputs are open, RELOADING=1/READY=1 around SIGHUP, STOPPING=1), and a bind
to a port below 1024 that fails with a hint instead of a bare "Permission denied"."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import BIN, file_config, read_lines, slotlog, wait_for


class NotifySocket:
    """A unix datagram socket standing in for systemd's $NOTIFY_SOCKET."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.path = path

    def next(self, timeout=10.0):
        self.sock.settimeout(timeout)
        return dict(line.split("=", 1) for line in self.sock.recv(4096).decode().splitlines())

    def close(self):
        self.sock.close()


def test_notify_ready_after_the_inputs_open_reloading_and_stopping(tmp_path, env, collectors):
    notify = NotifySocket(tmp_path / "notify")
    env["NOTIFY_SOCKET"] = str(notify.path)
    try:
        log = tmp_path / "a.log"
        c = collectors(file_config(log))
        ready = notify.next()
        assert ready["READY"] == "1"
        assert "mailslot:logger" in ready["STATUS"]
        # ready means ready: the slot takes a message at once, without waiting for anything
        slotlog("send", "right after ready", env=env)

        c.proc.send_signal(signal.SIGHUP)
        assert notify.next() == {"RELOADING": "1"}
        again = notify.next()
        assert again["READY"] == "1" and not again["STATUS"].startswith("reload refused")

        # a configuration that cannot load: refused, the collector stays ready on the old one
        c.config_path.write_text('{"inputs": [{"type": "mailslot", "name": "logger", "typo": 1}]}')
        c.proc.send_signal(signal.SIGHUP)
        assert notify.next() == {"RELOADING": "1"}
        assert notify.next()["STATUS"].startswith("reload refused, kept: ")

        c.proc.send_signal(signal.SIGTERM)
        assert notify.next() == {"STOPPING": "1"}
        assert c.proc.wait(timeout=30) == 0
        assert any(l.endswith("]: right after ready") for l in read_lines(log))
    finally:
        notify.close()


def test_without_notify_socket_nothing_changes(tmp_path, env, collectors):
    env.pop("NOTIFY_SOCKET", None)
    log = tmp_path / "a.log"
    c = collectors(file_config(log)).wait_ready(log)
    slotlog("send", "plain serve", env=env)
    assert c.stop() == 0
    assert any(l.endswith("]: plain serve") for l in read_lines(log))


def unprivileged_port_start():
    try:
        return int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    except OSError:
        return 1024


# the user nobody, with no capability, or with CAP_NET_BIND_SERVICE alone as the unit gives it
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
NO_CAPABILITY = ["--inh-caps=-all", "--bounding-set=-all"]
BIND_CAPABILITY = ["--inh-caps=-all,+net_bind_service", "--ambient-caps=+net_bind_service"]


@pytest.fixture
def nobodys_folder():
    """A folder that nobody owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="slotlog-nobody-"))
    os.chown(folder, 65534, 65534)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("input_type, port, hint", [
    ("netbios", 138, '"bind": "0.0.0.0:5138"'),
    ("udp", 514, "a port from 1024 up"),
])
def test_a_privileged_port_as_a_user_says_what_to_do(env, nobodys_folder, input_type, port, hint):
    if unprivileged_port_start() <= port:
        pytest.skip(f"net.ipv4.ip_unprivileged_port_start lets anyone bind port {port} here")
    config = nobodys_folder / "slotlogd.json"
    listen = {"type": input_type, "bind": f"127.0.0.1:{port}"}
    if input_type == "netbios":
        listen["slot"] = "logger"
    config.write_text(json.dumps({"inputs": [listen], "outputs": [{"type": "console"}]}))
    r = subprocess.run([*AS_NOBODY, *NO_CAPABILITY, str(BIN / "slotlogd"), "serve", "-c", str(config)],
                       env=env, capture_output=True, timeout=30)
    err = r.stderr.decode()
    assert r.returncode == 3, err
    assert f"cannot listen on udp 127.0.0.1:{port}: Permission denied" in err, err
    assert "CAP_NET_BIND_SERVICE" in err and "slotlogd.service" in err and hint in err, err


def test_a_privileged_port_with_the_capability_works(env, nobodys_folder):
    """What the unit's AmbientCapabilities gives the service's account: the bind succeeds."""
    if unprivileged_port_start() <= 138:
        pytest.skip("any user may bind low ports here")
    port = free_privileged_udp_port()
    log = nobodys_folder / "a.log"
    config = nobodys_folder / "slotlogd.json"
    config.write_text(json.dumps(file_config(log, inputs=[{"type": "udp", "bind": f"127.0.0.1:{port}"}])))
    proc = subprocess.Popen([*AS_NOBODY, *BIND_CAPABILITY, str(BIN / "slotlogd"), "serve", "-c", str(config)],
                            env=dict(env, SLOTLOG_RUNTIME_DIR=str(nobodys_folder / "run")),
                            stderr=subprocess.PIPE)
    try:
        wait_for(lambda: proc.poll() is not None or any("started" in l for l in read_lines(log)),
                 what="slotlogd to start")
        assert proc.poll() is None, proc.stderr.read().decode()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"through a low port", ("127.0.0.1", port))
        wait_for(lambda: any(l.endswith(": through a low port") for l in read_lines(log)),
                 what="the datagram in the log")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stderr.close()


def free_privileged_udp_port():
    """A port below 1024 that nothing on this host reads (bound and let go, as root)."""
    for port in range(900, 1000):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    pytest.skip("no free udp port between 900 and 1000")
