"""Rotation at a small max_size keeps at most max_files files, loses no line of
the kept files, and `slotlog tail -f` follows the file across rotations."""
import signal
import subprocess
import time

from conftest import BIN, entries, file_config, read_lines, slotlog, wait_for


def rotated(log, i):
    return log.with_name(f"{log.stem}.{i}{log.suffix}")


def test_rotation_keeps_max_files_and_every_line_of_them(tmp_path, env, collectors):
    log = tmp_path / "logs/r.log"
    c = collectors(file_config(log, max_size="4KiB", max_files=3)).wait_ready(log)
    n = 3000
    slotlog("send", "-a", "rot", env=env, input="".join(f"line {i:05}\n" for i in range(n)).encode())
    assert c.stop() == 0

    files = sorted(p.name for p in log.parent.iterdir())
    assert files == ["r.1.log", "r.2.log", "r.log"]
    for p in log.parent.iterdir():
        assert p.stat().st_size <= 4096, p
    kept = []
    for path in (rotated(log, 2), rotated(log, 1), log):
        kept += entries(read_lines(path), "rot")
    # the newest lines, contiguous up to the last one: nothing lost inside the kept files
    assert kept, "no lines kept"
    first = int(kept[0].split()[1])
    assert kept == [f"line {i:05}" for i in range(first, n)]
    assert len(kept) > 80  # about three files' worth


def test_tail_follows_across_rotations(tmp_path, env, collectors):
    log = tmp_path / "t.log"
    c = collectors(file_config(log, max_size="8KiB", max_files=5)).wait_ready(log)
    # tail writes to a file: a pipe nobody reads would fill and stall it
    tail_out = tmp_path / "tail.out"
    tail = subprocess.Popen([str(BIN / "slotlog"), "tail", "-f", "-n", "0", str(log)], env=env,
                            stdout=open(tail_out, "wb"), stderr=subprocess.PIPE)
    # tail follows the file once it prints what comes next: a marker is sent
    # until one is printed (one sent before tail opened the file is not)
    def marked():
        slotlog("send", "-a", "marker", "tail is reading", env=env)
        try:
            wait_for(lambda: any("tail is reading" in l for l in read_lines(tail_out)), timeout=0.5)
            return True
        except AssertionError:
            return False
    wait_for(marked, timeout=30, what="tail to follow the file")
    n = 1200
    # ~100 bytes a line, ~80 lines a file: a rotation about every 0.4 s at this pace
    for start in range(0, n, 20):
        slotlog("send", "-a", "follow", *[f"message {i:05}" for i in range(start, start + 20)], env=env)
        time.sleep(0.1)  # the pace, not a wait: tail must follow rotations as they happen
    wait_for(lambda: any("message 01199" in l for l in read_lines(tail_out)), what="tail to print the last message")
    tail.send_signal(signal.SIGINT)
    _, err = tail.communicate(timeout=10)
    assert c.stop() == 0
    assert rotated(log, 3).exists(), "the test should have rotated the file several times"

    got = entries(read_lines(tail_out), "follow")
    assert got == [f"message {i:05}" for i in range(n)], err.decode()


def test_tail_last_lines_and_level_filter(tmp_path, env, collectors):
    log = tmp_path / "l.log"
    c = collectors(file_config(log)).wait_ready(log)
    for i in range(5):
        slotlog("send", "-a", "lv", "-l", "error" if i % 2 else "info", f"entry {i}", env=env)
    assert c.stop() == 0
    last2 = slotlog("tail", "-n", "2", str(log), env=env).stdout.decode().splitlines()
    assert len(last2) == 2
    assert " lv[" in last2[0] and last2[0].endswith("]: entry 4")
    assert "slotlogd stopping" in last2[1]  # the collector's own last entry
    errors = slotlog("tail", "-n", "100", "--level", "error", str(log), env=env).stdout.decode().splitlines()
    assert entries(errors, "lv") == ["entry 1", "entry 3"]
