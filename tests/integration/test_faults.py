"""Faults: a full disk, a deleted or uncreatable log folder, overload, kill -9,
SIGTERM under load. The collector goes on, counts and reports what it could
not write, and never leaves a torn line in a file."""
import errno
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import BIN, entries, file_config, free_udp_port, read_lines, slotlog, wait_for

# a whole text line: "<time> <LEVEL> <host> <app>[<pid>]: <message>"
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z [A-Z]+ \S+ \S+\[[^\]\s]*\]: .*$")
SUMMARY = re.compile(r"slotlogd stopping: (\d+) messages received, (\d+) entries written, (\d+) dropped")
DROPS = re.compile(r"(\d+) entries dropped because the queue was full \((\d+) in total\)")


def assert_whole_lines(path):
    """Every line of the file is complete: no torn, glued or interleaved line."""
    raw = path.read_bytes()
    assert raw.endswith(b"\n"), f"{path} ends in the middle of a line: {raw[-120:]!r}"
    for n, line in enumerate(raw.decode("utf-8").splitlines()):
        assert LINE.match(line), f"{path}:{n + 1}: not a whole line: {line!r}"


def summary(lines):
    """(received, written, dropped) of the last stop entry."""
    found = [SUMMARY.search(l) for l in lines if "slotlogd stopping" in l]
    assert found and found[-1], "no stop summary in the file"
    return tuple(int(x) for x in found[-1].groups())


def numbered(msgs, prefix, pad="x"):
    """The numbers of messages "<prefix><n>" (and any padding)."""
    return [int(m[len(prefix):].rstrip(pad)) for m in msgs if m.startswith(prefix)]


class Sender(threading.Thread):
    """Sends "<prefix><n>" as JSON datagrams to the slot (a socket path) or to a
    udp (host, port) as fast as it can, until stopped, `limit` messages are
    sent, or the slot goes away."""

    def __init__(self, target, app, prefix="m", pad=0, limit=None):
        super().__init__(daemon=True)
        self.target = target if isinstance(target, tuple) else str(target)
        self.app, self.prefix, self.pad, self.limit = app, prefix, pad, limit
        self.sent = 0  # datagrams the kernel accepted
        self.sent_bytes = 0
        self.halt = threading.Event()

    def run(self):
        filler = "x" * self.pad
        family = socket.AF_INET if isinstance(self.target, tuple) else socket.AF_UNIX
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.settimeout(10)
            while not self.halt.is_set() and (self.limit is None or self.sent < self.limit):
                payload = json.dumps({"msg": f"{self.prefix}{self.sent}{filler}", "app": self.app}).encode()
                try:
                    s.sendto(payload, self.target)
                except TimeoutError:
                    continue  # a busy reader (a loaded machine, asan): try the same one again
                except OSError:
                    return  # the collector is gone
                self.sent += 1
                self.sent_bytes += len(payload)

    def stop(self):
        self.halt.set()
        self.join(timeout=30)
        assert not self.is_alive()


def started_count(log):
    return sum(1 for l in read_lines(log) if " slotlogd[" in l and " started: " in l)


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture
def mounts():
    """mount(...) runs mount(8) and undoes it at the end, whatever happens."""
    done = []

    def mount(*args, target):
        if os.geteuid() != 0:
            pytest.skip("mounting needs root")
        r = subprocess.run(["mount", *args, str(target)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount here: {r.stderr.decode(errors='replace')}")
        done.append(target)

    yield mount
    for target in reversed(done):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def fill(folder, name):
    """Fills the file system of `folder` with the file `name` up to the last byte."""
    path = folder / name
    with open(path, "wb", buffering=0) as f:
        chunk = b"\0" * 4096
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                chunk = chunk[:len(chunk) // 2]
                if not chunk:
                    return path


def test_sigterm_under_load_writes_every_entry_read(tmp_path, env, collectors):
    log = tmp_path / "load.log"
    c = collectors(file_config(log)).wait_ready(log)
    sender = Sender(c.socket_path(), "load")
    sender.start()
    wait_for(lambda: sender.sent >= 20_000, timeout=60, what="20,000 messages sent")
    assert c.stop() == 0  # mid-stream
    sender.stop()

    assert_whole_lines(log)
    lines = read_lines(log)
    received, written, dropped = summary(lines)
    got = numbered(entries(lines, "load"), "m")
    # every entry read before the stop is in the file, in order, once
    assert len(got) + dropped == received
    assert got == sorted(set(got))
    if dropped == 0:
        assert got == list(range(len(got)))
    assert received <= sender.sent
    assert len(got) >= 20_000


def test_kill_9_under_load_then_a_clean_restart_on_the_same_slot(tmp_path, env, collectors):
    log = tmp_path / "crash.log"
    cfg = file_config(log, max_size="1GiB")
    first = collectors(cfg).wait_ready(log)
    # long lines from two fast senders: the writer is busy with big batches
    # when the kill lands, where a stdio buffer would have been cut mid-line
    pad = "p" * 1500
    senders = [subprocess.Popen([str(BIN / "slotlog"), "send", "-a", f"crash{k}"], env=env, stdin=subprocess.PIPE,
                                stderr=subprocess.DEVNULL) for k in range(2)]
    feeders = [threading.Thread(target=feed, args=(s, pad), daemon=True) for s in senders]
    for f in feeders:
        f.start()
    wait_for(lambda: log.stat().st_size > 8 << 20, timeout=60, what="8 MiB in the file")
    first.proc.kill()
    first.proc.wait(timeout=30)
    # the senders end on their own (the slot has no reader, or their input
    # ends): a kill could land while a sanitizer build checks for leaks at
    # exit, and cut that check short
    for s in senders:
        try:
            s.stdin.close()
        except OSError:
            pass
    for s in senders:
        s.wait(timeout=60)
    for f in feeders:
        f.join(timeout=30)
    assert first.socket_path().exists(), "the test wants the stale socket a crash leaves"

    # the file is whole lines up to its last newline, each sender's lines in
    # order. SIGKILL can cut a write() of several pages short (the kernel looks
    # for a fatal signal between pages), so the very end may be part of a line
    raw = log.read_bytes()
    whole = tmp_path / "whole.log"
    whole.write_bytes(raw[:raw.rfind(b"\n") + 1])
    assert_whole_lines(whole)
    before = read_lines(whole)
    for k in range(2):
        got = numbered(entries(before, f"crash{k}"), "m", pad="p")
        assert len(got) > 100 and got == list(range(len(got)))
    # a torn line the restart must not glue its first line to: the kill's own,
    # or else one as a crash of a writer without whole-line writes leaves
    torn = raw[raw.rfind(b"\n") + 1:].decode()
    if not torn:
        torn = "2026-11-25T00:00:00.000000Z INFO vm torn[1]: cut he"
        with open(log, "a") as f:
            f.write(torn)

    second = collectors(cfg)
    wait_for(lambda: started_count(log) == 2 or second.proc.poll() is not None, what="the restart")
    assert second.proc.poll() is None, second.stderr()
    slotlog("send", "-a", "again", "after the restart", env=env)
    assert second.stop() == 0

    lines = read_lines(log)
    assert lines[:len(before) + 1] == before + [torn]
    after = tmp_path / "after.log"
    after.write_text("\n".join(lines[len(before) + 1:]) + "\n")
    assert_whole_lines(after)
    assert entries(lines, "again") == ["after the restart"]
    received, _, dropped = summary(lines)
    assert (received, dropped) == (1, 0)


def feed(proc, pad):
    """Numbered lines to a `slotlog send` until it is killed."""
    try:
        for i in itertools.count():
            proc.stdin.write(f"m{i}{pad}\n".encode())
    except (ValueError, OSError):
        pass  # the sender was killed


def test_a_full_disk_loses_no_line_it_can_keep_reports_the_rest_and_resumes(tmp_path, env, collectors, mounts):
    disk = tmp_path / "disk"
    disk.mkdir()
    # room for what the collector keeps in memory (1 MiB) once space is back
    mounts("-t", "tmpfs", "-o", "size=2m", "tmpfs", target=disk)
    log = disk / "logs/full.log"
    cfg = file_config(log)
    cfg["outputs"].append({"type": "console", "min_level": "warning"})
    c = collectors(cfg).wait_ready(log)
    # full, but for a few pages: the first write that does not fit is cut short
    gap = disk / "gap"
    gap.write_bytes(b"\0" * 10_000)
    filler = fill(disk, "filler")
    gap.unlink()

    # more than the 1 MiB the collector keeps in memory for the file
    n = 20_000
    slotlog("send", "-a", "full", env=env, input="".join(f"line {i:05}\n" for i in range(n)).encode())
    slotlog("send", "-a", "mark", "-l", "warning", "all sent", env=env)
    wait_for(lambda: "all sent" in c.stdout(), timeout=60, what="the writer to get past the lines")
    out = c.stdout()
    assert "cannot write to " + str(log) in out and "No space left on device" in out, out
    assert "lost so far" in out, out
    assert c.proc.poll() is None
    assert_whole_lines(log)  # nothing half written while the disk was full

    # space again: what was kept follows, and the recovery says how much was lost
    filler.unlink()
    # the writer's flush retries once a second, with nothing new to write: the
    # marker sent after that cannot be lost (nor kept back by the retry pause)
    wait_for(lambda: any("works again" in l for l in read_lines(log)), timeout=30, what="the recovery notice")
    slotlog("send", "-a", "mark", "space again", env=env)
    wait_for(lambda: "space again" in entries(read_lines(log), "mark"), timeout=30, what="the marker")
    assert c.stop() == 0

    assert_whole_lines(log)
    lines = read_lines(log)
    kept = numbered(entries(lines, "full"), "line ")
    assert kept == list(range(len(kept))), "the oldest lines are kept, in order"
    assert 0 < len(kept) < n
    notice = next(l for l in lines if "works again" in l)
    lost = int(re.search(r"works again, (\d+) line\(s\) lost", notice).group(1))
    # lost: the sender's lines that did not fit, plus the collector's own "lost
    # so far" warning and the marker, which came while memory was full too
    assert n - len(kept) + 2 <= lost <= n - len(kept) + 3, (lost, len(kept))
    assert entries(lines, "mark")[-1] == "space again"
    assert any("ERROR" in l and "No space left on device" in l for l in lines)


def test_a_deleted_log_folder_is_created_again_and_reported(tmp_path, env, collectors):
    log = tmp_path / "logs/gone.log"
    c = collectors(file_config(log)).wait_ready(log)
    slotlog("send", "-a", "del", "before", env=env)
    wait_for(lambda: "before" in entries(read_lines(log), "del"), what="the first line")
    sh("rm", "-rf", str(tmp_path / "logs"))
    slotlog("send", "-a", "del", "after", env=env)
    wait_for(lambda: "after" in entries(read_lines(log), "del"), what="the line after the deletion")
    assert c.stop() == 0
    assert_whole_lines(log)
    lines = read_lines(log)
    assert entries(lines, "del") == ["after"]
    assert any("WARNING" in l and f"{log} was deleted or moved away while open" in l for l in lines), lines


def test_a_log_folder_that_cannot_be_created_is_reported_and_retried(tmp_path, env, collectors, mounts):
    parent = tmp_path / "parent"
    log = parent / "logs/blocked.log"
    cfg = file_config(log)
    cfg["outputs"].append({"type": "console", "min_level": "warning"})
    c = collectors(cfg).wait_ready(log)
    sh("rm", "-rf", str(parent / "logs"))
    # the parent read-only (root ignores chmod): the folder cannot be made again
    mounts("--bind", str(parent), target=parent)
    sh("mount", "-o", "remount,bind,ro", str(parent))
    slotlog("send", "-a", "blk", *[f"kept {i}" for i in range(10)], env=env)
    wait_for(lambda: "cannot create its folder" in c.stdout(), timeout=30, what="the error")
    assert not log.parent.exists()
    assert c.proc.poll() is None

    sh("umount", str(parent))
    # the writer's flush retries once a second, with nothing new to write
    wait_for(lambda: any("works again" in l for l in read_lines(log)), timeout=30, what="the recovery notice")
    slotlog("send", "-a", "blk", "after", env=env)
    wait_for(lambda: "after" in entries(read_lines(log), "blk"), timeout=30, what="writing again")
    assert c.stop() == 0
    assert_whole_lines(log)
    lines = read_lines(log)
    assert entries(lines, "blk") == [f"kept {i}" for i in range(10)] + ["after"]
    assert any("ERROR" in l and f"cannot write to {log}" in l and "Read-only file system" in l for l in lines)
    assert any("works again, no line lost" in l for l in lines)


def asan_build():
    return b"__asan_init" in (BIN / "slotlogd").read_bytes()


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_overload_drops_counted_and_reported_memory_bounded_and_sigterm_works(tmp_path, env):
    # over udp, which cannot hold back its senders (over the unix mailslot the
    # reader waits for room instead: see the test below)
    log = tmp_path / "over.log"
    port = free_udp_port()
    cfg = file_config(log, inputs=[{"type": "udp", "bind": f"127.0.0.1:{port}"}], max_size="1GiB")
    cfg["queue"] = {"max_entries": 64}
    # a console nobody reads fast: the writer is slower than the sender
    cfg["outputs"].append({"type": "console", "min_level": "trace"})
    (tmp_path / "over.json").write_text(json.dumps(cfg))
    run_env = dict(env)
    bound_mib = 64
    if asan_build():
        run_env["ASAN_OPTIONS"] = run_env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"
        bound_mib = 192
    proc = subprocess.Popen([str(BIN / "slotlogd"), "serve", "-c", str(tmp_path / "over.json")], env=run_env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=open(tmp_path / "stderr.txt", "wb"))

    def slow_reader():
        while True:
            if not proc.stdout.read(4096):
                return
            time.sleep(0.002)

    reader = threading.Thread(target=slow_reader, daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(" started: " in l for l in read_lines(log)), what="slotlogd to start")
        # four times the memory bound in messages of 1 KiB
        sender = Sender(("127.0.0.1", port), "over", pad=1000)
        sender.start()
        wait_for(lambda: any(DROPS.search(l) for l in read_lines(log)), timeout=60, what="the drop report")
        wait_for(lambda: sender.sent_bytes >= 4 * bound_mib << 20 or not sender.is_alive(), timeout=240,
                 what="all the data sent")
        sender.stop()
        peak = peak_rss_mib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=30)

    print(f"overload: {sender.sent} messages, {sender.sent_bytes >> 20} MiB sent, peak RSS {peak:.1f} MiB")
    assert sender.sent_bytes >= 4 * bound_mib << 20
    assert peak < bound_mib, f"peak RSS {peak:.1f} MiB after {sender.sent_bytes >> 20} MiB sent"
    assert_whole_lines(log)
    lines = read_lines(log)
    received, written, dropped = summary(lines)
    got = numbered(entries(lines, "over"), "m")
    assert got == sorted(set(got))
    assert dropped > 0
    # what the kernel dropped before the collector read it is not received
    assert 0 < received <= sender.sent
    assert len(got) + dropped == received
    # the drops are reported with their number, and the reports add up
    reports = [DROPS.search(l) for l in lines if DROPS.search(l)]
    assert sum(int(m.group(1)) for m in reports) == dropped
    assert int(reports[-1].group(2)) == dropped


def test_fast_local_senders_lose_nothing_over_the_mailslot_with_a_tiny_queue(tmp_path, env, collectors):
    # the unix mailslot holds its senders back while the queue is full: the
    # reader waits for room instead of dropping, however small the queue
    log = tmp_path / "fast.log"
    cfg = file_config(log, max_size="1GiB")
    cfg["queue"] = {"max_entries": 64}
    c = collectors(cfg).wait_ready(log)
    senders, per_sender = 3, 200_000
    procs = []
    for k in range(senders):
        stdin = tmp_path / f"in{k}.txt"
        stdin.write_text("".join(f"s{k}-{i}\n" for i in range(per_sender)))
        with open(stdin, "rb") as f:
            procs.append(subprocess.Popen([str(BIN / "slotlog"), "send", "-a", "fast"], env=env, stdin=f,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode(errors="replace")
    total = senders * per_sender
    wait_for(lambda: len(entries(read_lines(log), "fast")) >= total, timeout=120, what="every line written")
    assert c.stop() == 0

    assert_whole_lines(log)
    lines = read_lines(log)
    received, written, dropped = summary(lines)
    assert (received, dropped) == (total, 0)
    assert not any(DROPS.search(l) for l in lines)
    got = entries(lines, "fast")
    assert len(got) == total
    # each sender's lines, every one once and in its order
    for k in range(senders):
        assert numbered(got, f"s{k}-", pad="") == list(range(per_sender))
