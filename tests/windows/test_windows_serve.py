"""slotlogd.exe serve under wine: a real mailslot, slotlog.exe as the writer,
udp from the linux side, a raw STOP to end it."""
import json
import socket
import subprocess
import time

from conftest import BIN, WINE_RUN, free_udp_port, lines, plain_stop, start_serve, wait_for, win_path, wine


def test_mailslot_and_udp_to_file_then_plain_stop(tmp_path):
    port = free_udp_port()
    log = tmp_path / "logs" / "w.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-test"},
                   {"type": "udp", "bind": f"127.0.0.1:{port}"}],
        "outputs": [{"type": "file", "path": "logs/w.log"}],
    }, "--allow-plain-stop")
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")

        # a second collector on the same slot is refused
        second = tmp_path / "second"
        second.mkdir()
        (second / "c.json").write_text(json.dumps({
            "inputs": [{"type": "mailslot", "name": "slotlog-wine-test"}],
            "outputs": [{"type": "file", "path": "x.log"}]}))
        r = wine(str(BIN / "slotlogd.exe"), "serve", "-c", win_path(second / "c.json"))
        assert r.returncode == 3, r.stderr
        assert b"already being read" in r.stderr

        slot = r"\\.\mailslot\slotlog-wine-test"
        r = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "-l", "warning", "-a", "billing", "over the mailslot")
        assert r.returncode == 0, r.stderr
        stdin = "".join(f"bulk {i:04}\n" for i in range(500)).encode()
        r = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "-a", "bulk", input=stdin)
        assert r.returncode == 0, r.stderr
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"<12>Nov 24 21:17:35 linuxhost app[7]: over udp", ("127.0.0.1", port))
        wait_for(lambda: any("over udp" in l for l in lines(log)), 30, "the udp message")

        plain_stop(serve, slot)
    finally:
        if serve.poll() is None:
            serve.kill()
    got = lines(log)
    assert any(l.endswith("WARNING " + l.split(" ")[2] + " billing[" + l.split("billing[")[1].split("]")[0] + "]: over the mailslot")
               for l in got if "billing[" in l)
    assert [l.split("]: ", 1)[1] for l in got if " bulk[" in l] == [f"bulk {i:04}" for i in range(500)]
    assert any("WARNING linuxhost app[7]: over udp" in l for l in got)
    assert any("stop requested by a plain STOP message" in l for l in got)
    assert "slotlogd stopping" in got[-1]


def test_tail_follows_rotations_without_blocking_them(tmp_path):
    log = tmp_path / "logs" / "t.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-tail"}],
        "outputs": [{"type": "file", "path": "logs/t.log", "max_size": "8KiB", "max_files": 10}],
    }, "--allow-plain-stop")
    tail = None
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        tail_out = tmp_path / "tail.out"
        tail = subprocess.Popen([WINE_RUN, str(BIN / "slotlog.exe"), "tail", "-f", "-n", "0", win_path(log)],
                                stdout=open(tail_out, "wb"), stderr=subprocess.PIPE)
        slot = r"\\.\mailslot\slotlog-wine-tail"

        # tail follows the file once it prints what comes next: a marker is sent
        # until one is printed (one sent before tail opened the file is not)
        def marked():
            wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "-a", "marker", "tail is reading")
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline:
                if any("tail is reading" in l for l in lines(tail_out)):
                    return True
                time.sleep(0.05)
            return False
        wait_for(marked, 60, "tail to follow the file")
        # ~100 bytes a line: 50 lines a batch, at most one rotation a batch; the
        # next batch once tail has printed this one, so that it sees every rotation
        n, batch = 1000, 50
        for start in range(0, n, batch):
            stdin = "".join(f"follow {i:05} {'x' * 60}\n" for i in range(start, start + batch)).encode()
            r = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "-a", "tail", input=stdin)
            assert r.returncode == 0, r.stderr
            last = f"follow {start + batch - 1:05}"
            wait_for(lambda: any(last in l for l in lines(tail_out)), 30, "tail to print " + last)
        wait_for(lambda: any(f"follow {n - 1:05}" in l for l in lines(tail_out)), 30, "tail to print the last line")
        tail.send_signal(2)
        tail.wait(timeout=30)
        r = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "--raw", "STOP")
        assert serve.wait(timeout=60) == 0
    finally:
        for p in (tail, serve):
            if p is not None and p.poll() is None:
                p.kill()
    assert (log.parent / "t.5.log").exists(), "the file should have rotated several times"
    got = [l.split("]: ", 1)[1].split()[1] for l in lines(tail_out) if " tail[" in l]
    assert got == [f"{i:05}" for i in range(n)]
    # tail never held up a rotation
    assert not any("cannot rotate" in l for f in log.parent.iterdir() for l in lines(f))


def test_messages_over_the_slot_maximum_are_whole_or_reported(tmp_path):
    log = tmp_path / "logs" / "big.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-big", "max_message_size": "4KiB"}],
        "outputs": [{"type": "file", "path": "logs/big.log"}],
    }, "--allow-plain-stop")
    slot = r"\\.\mailslot\slotlog-wine-big"
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        exact = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "--raw", input=b"a" * 4096)
        assert exact.returncode == 0, exact.stderr
        # windows refuses a write over the slot's maximum; wine delivers it: then it must arrive whole
        over = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "--raw", input=b"b" * 5000)
        # far over the read buffer: windows refuses it; wine cuts it, and the collector must say so
        huge = wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "--raw", input=b"c" * 70000)
        wine(str(BIN / "slotlog.exe"), "send", "-s", slot, "--raw", "STOP")
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    got = lines(log)
    assert any(l.endswith("]: " + "a" * 4096) for l in got)
    if over.returncode == 0:
        assert any(l.endswith("]: " + "b" * 5000) for l in got), "a message the slot accepted was cut"
    if huge.returncode == 0:
        assert any("WARNING" in l and "may have been cut by the system" in l for l in got)


def test_ctrl_c_stops_serve_after_writing_everything(tmp_path):
    log = tmp_path / "logs" / "c.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-ctrlc"}],
        "outputs": [{"type": "file", "path": "logs/c.log"}],
    })
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        stdin = "".join(f"burst {i:04}\n" for i in range(2000)).encode()
        r = wine(str(BIN / "slotlog.exe"), "send", "-s", r"\\.\mailslot\slotlog-wine-ctrlc", "-a", "burst", input=stdin)
        assert r.returncode == 0, r.stderr
        serve.send_signal(2)  # wine turns SIGINT into the console's Ctrl+C
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    got = lines(log)
    assert [l.split("]: ", 1)[1] for l in got if " burst[" in l] == [f"burst {i:04}" for i in range(2000)]
    assert "slotlogd stopping" in got[-1]


def test_file_names_outside_the_ansi_code_page(tmp_path):
    # the ansi argv would turn these letters into '?': the tools read the wide command line
    log = tmp_path / "журнал.log"
    log.write_text("2026-11-24T21:17:35.539204Z WARNING WEB01 billing[42]: привет\n", encoding="utf-8")
    r = wine(BIN / "slotlog.exe", "tail", "-n", "1", win_path(log))
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert r.stdout.decode("utf-8").rstrip("\r\n").endswith("billing[42]: привет")


def test_slotlogd_takes_config_names_outside_the_ansi_code_page(tmp_path):
    cfg = tmp_path / "конфиг.json"
    cfg.write_text(json.dumps({"inputs": [{"type": "mailslot", "name": "logger"}],
                               "outputs": [{"type": "file", "path": "logs/журнал.log"}]}), encoding="utf-8")
    r = wine(BIN / "slotlogd.exe", "check-config", win_path(cfg))
    assert r.returncode == 0, r.stdout.decode("utf-8", "replace")
    assert "конфиг.json: ok" in r.stdout.decode("utf-8")
