"""Start-up, stale sockets, a second collector, reload on SIGHUP, the embedded default."""
import json
import signal
import socket
import subprocess
import time

from conftest import BIN, entries, file_config, free_udp_port, read_lines, slotlog, wait_for


def test_a_stale_socket_from_a_crashed_collector_is_replaced(tmp_path, env, collectors):
    run = tmp_path / "run"
    run.mkdir()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stale.bind(str(run / "logger"))
    stale.close()  # the file stays, nobody reads it: what kill -9 leaves
    assert (run / "logger").exists()
    log = tmp_path / "a.log"
    c = collectors(file_config(log)).wait_ready(log)
    slotlog("send", "after the crash", env=env)
    assert c.stop() == 0
    assert any(l.endswith("]: after the crash") for l in read_lines(log))


def test_a_second_collector_on_the_same_slot_is_a_clear_startup_error(tmp_path, env, collectors):
    log = tmp_path / "first.log"
    first = collectors(file_config(log)).wait_ready(log)
    before = read_lines(log)
    # the same configuration again, as a second `make run` does: the same slot
    # and the same file
    second_cfg = tmp_path / "second.json"
    second_cfg.write_text(json.dumps(file_config(log)))
    r = subprocess.run([str(BIN / "slotlogd"), "serve", "-c", str(second_cfg)], env=env,
                       capture_output=True, timeout=30)
    assert r.returncode == 3
    assert "already being read" in r.stderr.decode(), r.stderr.decode()
    # the failure is on stderr only: nothing in the running one's file reads
    # as if it had stopped
    assert read_lines(log) == before
    # the first one is unharmed
    slotlog("send", "first still works", env=env)
    assert first.stop() == 0
    assert any(l.endswith("]: first still works") for l in read_lines(log))


def test_sighup_reloads_under_load_without_losing_entries(tmp_path, env, collectors):
    log = tmp_path / "before.log"
    c = collectors(file_config(log)).wait_ready(log)
    # a sender is busy, at a steady pace, while the configuration changes under it
    n, batch = 10_000, 100
    sender = subprocess.Popen([str(BIN / "slotlog"), "send", "-a", "reload"], env=env, stdin=subprocess.PIPE)

    def send_batches(first, last):
        for b in range(first, last):
            sender.stdin.write("".join(f"m{i}\n" for i in range(b * batch, (b + 1) * batch)).encode())
            sender.stdin.flush()
            time.sleep(0.01)

    send_batches(0, 30)
    after = tmp_path / "after.log"
    port = free_udp_port()
    c.config_path.write_text(json.dumps(file_config(
        after, inputs=[{"type": "mailslot", "name": "logger"}, {"type": "udp", "bind": f"127.0.0.1:{port}"}],
        format="json")))
    c.proc.send_signal(signal.SIGHUP)
    send_batches(30, n // batch)
    sender.stdin.close()
    assert sender.wait(timeout=60) == 0
    wait_for(lambda: any("configuration reloaded" in l for l in read_lines(after)), what="the reload")
    # the new udp input is live
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b'{"msg": "via the new input", "app": "udpnew"}', ("127.0.0.1", port))
    wait_for(lambda: any("via the new input" in l for l in read_lines(after)), what="the new udp input")
    assert c.stop() == 0
    text = entries(read_lines(log), "reload")
    as_json = [json.loads(l)["msg"] for l in read_lines(after) if '"app":"reload"' in l]
    # every message once, in order, split between the two files at the swap
    assert text and as_json, "the reload should have happened while messages were flowing"
    assert text + as_json == [f"m{i}" for i in range(n)]


def test_a_bad_config_on_reload_keeps_the_running_one(tmp_path, env, collectors):
    log = tmp_path / "keep.log"
    c = collectors(file_config(log)).wait_ready(log)
    c.config_path.write_text('{"inputs": [], "outputs": "nope"}')
    c.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: any("reload refused" in l for l in read_lines(log)), what="the refused reload")
    slotlog("send", "kept", env=env)
    assert c.stop() == 0
    lines = read_lines(log)
    assert any("ERROR" in l and "reload refused" in l and "outputs" in l for l in lines)
    assert any(l.endswith("]: kept") for l in lines)


def test_embedded_default_writes_logs_under_the_working_folder_and_console(tmp_path, env, collectors):
    # what `make run` does: no -c, so the mailslot `logger`, logs/slotlog.log and the console
    c = collectors(config=None, cwd=tmp_path)
    log = tmp_path / "logs" / "slotlog.log"
    c.wait_ready(log)
    slotlog("send", "hello", env=env)
    wait_for(lambda: any(l.endswith("]: hello") for l in read_lines(log)), what="hello in the file")
    assert c.stop(signal.SIGINT) == 0
    assert any(l.endswith("]: hello") for l in c.stdout().splitlines()), c.stdout()
