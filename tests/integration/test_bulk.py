"""Nothing read is lost: 10,000 messages, then SIGTERM, all in the file."""
import socket

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


def test_ten_thousand_over_udp_then_sigterm(tmp_path, env, collectors):
    log = tmp_path / "udp.log"
    port = free_udp_port()
    c = collectors(file_config(log, inputs=[{"type": "udp", "bind": f"127.0.0.1:{port}"}])).wait_ready(log)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(N):
            s.sendto(f'{{"msg": "message {i:05}", "app": "udpbulk"}}'.encode(), ("127.0.0.1", port))
    assert c.stop() == 0
    check_all(read_lines(log), "udpbulk")
