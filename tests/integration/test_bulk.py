"""Nothing read is lost: 10,000 messages, then SIGTERM, all in the file."""
import os
import shutil
import socket
from pathlib import Path

import pytest

from conftest import entries, file_config, free_udp_port, read_lines, slotlog

N = 10_000


def check_all(lines, app):
    got = entries(lines, app)
    assert len(got) == N, f"{len(got)} of {N} messages in the file"
    assert got == [f"message {i:05}" for i in range(N)]


def test_ten_thousand_over_the_unix_socket_then_sigterm(tmp_path, env, collectors):
    log = tmp_path / "bulk.log"
    c = collectors(file_config(log)).wait_ready(log)
    stdin = "".join(f"message {i:05}\n" for i in range(N)).encode()
    slotlog("send", "-a", "bulk", env=env, input=stdin)
    assert c.stop() == 0
    check_all(read_lines(log), "bulk")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="a network namespace of its own needs root and unshare")
def test_ten_thousand_over_a_unix_socket_of_512_datagrams_then_sigterm(tmp_path, env, collectors):
    """Where systemd boots the machine, a unix socket holds 512 datagrams
    (net.unix.max_dgram_qlen, per network namespace) and the reader pauses
    after a partial batch as udp's does: nothing is lost. The stop wakes the
    reader with a datagram to its own socket, which is no entry."""
    log = tmp_path / "bulk.log"
    qlen_512 = ["unshare", "--net", "sh", "-c", 'echo 512 >/proc/sys/net/unix/max_dgram_qlen && exec "$0" "$@"']
    c = collectors(file_config(log), prefix=qlen_512).wait_ready(log)
    stdin = "".join(f"message {i:05}\n" for i in range(N)).encode()
    slotlog("send", "-a", "bulk", env=env, input=stdin)
    assert c.stop() == 0
    lines = read_lines(log)
    check_all(lines, "bulk")
    others = [line for line in lines if " bulk[" not in line and " slotlogd[" not in line]
    assert others == [], f"entries nobody sent: {others}"


def test_ten_thousand_over_udp_then_sigterm(tmp_path, env, collectors):
    log = tmp_path / "udp.log"
    port = free_udp_port()
    c = collectors(file_config(log, inputs=[{"type": "udp", "bind": f"127.0.0.1:{port}"}])).wait_ready(log)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(N):
            s.sendto(f'{{"msg": "message {i:05}", "app": "udpbulk"}}'.encode(), ("127.0.0.1", port))
    assert c.stop() == 0
    check_all(read_lines(log), "udpbulk")


def test_ten_thousand_over_udp_with_two_readers_then_sigterm(tmp_path, env, collectors):
    """Two threads read the socket ("readers": 2): every message once, none
    lost; the order between the two readers' batches may differ."""
    log = tmp_path / "udp2.log"
    port = free_udp_port()
    inputs = [{"type": "udp", "bind": f"127.0.0.1:{port}", "readers": 2}]
    c = collectors(file_config(log, inputs=inputs)).wait_ready(log)
    names = [(p / "comm").read_text().strip() for p in (Path("/proc") / str(c.proc.pid) / "task").iterdir()]
    assert names.count("slotlog-read") == 2, names
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(N):
            s.sendto(f'{{"msg": "message {i:05}", "app": "udpbulk"}}'.encode(), ("127.0.0.1", port))
    assert c.stop() == 0
    got = entries(read_lines(log), "udpbulk")
    assert len(got) == N, f"{len(got)} of {N} messages in the file"
    assert sorted(got) == [f"message {i:05}" for i in range(N)]
