"""The syslog output, for real: slotlogd runs in a private mount namespace whose
/dev/log is a socket this test reads, so syslog(3) talks to us."""
import json
import os
import shutil
import socket
import subprocess

import pytest

from conftest import BIN, read_lines, slotlog, wait_for


def can_unshare():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_unshare(), reason="needs root and mount namespaces (unshare --mount)")
def test_entries_reach_syslog_with_their_severity(tmp_path, env):
    log = tmp_path / "ready.log"
    cfg = tmp_path / "syslog.json"
    cfg.write_text(json.dumps({
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [
            {"type": "file", "path": str(log)},
            {"type": "syslog", "ident": "slotlogtest", "facility": "local3", "min_level": "info"},
        ],
    }))
    sock_path = tmp_path / "devlog.sock"
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(str(sock_path))
    receiver.settimeout(10)
    real_dev = tmp_path / "realdev"
    script = (
        f"mkdir -p {real_dev} && mount --bind /dev {real_dev} && mount -t tmpfs tmpfs /dev && "
        f"for n in null zero urandom random; do ln -s {real_dev}/$n /dev/$n; done && "
        f"ln -s {sock_path} /dev/log && exec {BIN / 'slotlogd'} serve -c {cfg}"
    )
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: any("started" in l for l in read_lines(log)), what="slotlogd to start")
        slotlog("send", "-l", "warning", "-a", "billing", "over syslog", env=env)
        slotlog("send", "-l", "debug", "-a", "billing", "below min_level", env=env)
        slotlog("send", "-l", "error", "-a", "billing", "an error", env=env)
        got = []
        while len(got) < 2 or not any("an error" in g for g in got):
            got.append(receiver.recv(65536).decode())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        receiver.close()
    billing = [g for g in got if "billing[" in g]
    # notice keeps its own severity: local3 (19) * 8 + notice 5
    started = [g for g in got if "slotlogd 0.1" in g and "started" in g]
    assert started and started[0].startswith("<157>"), got
    # <PRI> = facility local3 (19) * 8 + severity: warning 4, error 3
    assert billing[0].startswith("<156>") and "slotlogtest[" in billing[0], billing
    assert billing[0].endswith("]: over syslog") and "WARNING" in billing[0]
    assert billing[1].startswith("<155>") and billing[1].endswith("]: an error")
    assert not any("below min_level" in g for g in got)
