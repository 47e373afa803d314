"""A file output's upkeep: rotated files compressed to .gz (checked with the
real gzip), a kill -9 in the middle of a compression, and retention by age and
total size, which deletes only files the output's path can produce."""
import gzip
import os
import subprocess
import time
from collections import Counter

from conftest import entries, file_config, read_lines, slotlog, wait_for

DAY = 86400


def rotated(log, i, gz=False):
    return log.with_name(f"{log.stem}.{i}{log.suffix}" + (".gz" if gz else ""))


def gzip_test(path):
    r = subprocess.run(["gzip", "-t", str(path)], capture_output=True)
    assert r.returncode == 0, f"gzip -t {path}: {r.stderr.decode(errors='replace')}"


def all_lines(log):
    """Every line of the current file and of every rotated or compressed one."""
    lines = []
    for p in sorted(log.parent.iterdir()):
        if p.name == log.name or (p.name.startswith(log.stem + ".") and p.name.endswith(log.suffix)):
            lines += read_lines(p)
        elif p.name.startswith(log.stem + ".") and p.name.endswith(log.suffix + ".gz"):
            gzip_test(p)
            lines += gzip.decompress(p.read_bytes()).decode("utf-8").splitlines()
    return lines


def exactly_once(lines, app, expected):
    got = Counter(entries(lines, app))
    missing = [m for m in expected if got[m] == 0]
    twice = [m for m, n in got.items() if n > 1]
    assert not missing, f"{len(missing)} lines missing, the first {missing[:3]}"
    assert not twice, f"{len(twice)} lines more than once, the first {twice[:3]}"
    assert sum(got.values()) == len(expected)


def leftovers(folder):
    """What a compression must never leave: a .part, or a .log beside its .gz."""
    names = {p.name for p in folder.iterdir()}
    return sorted(n for n in names if n.endswith(".part") or n + ".gz" in names)


def starts(log):
    return sum(1 for l in read_lines(log) if "slotlogd" in l and "started" in l)


def test_rotated_files_become_gzip_files_with_every_line_once(tmp_path, env, collectors):
    log = tmp_path / "logs/z.log"
    c = collectors(file_config(log, max_size="64KiB", max_files=100, compress="gzip")).wait_ready(log)
    n = 20000
    sent = [f"line {i:06} " + "x" * (i % 50) for i in range(n)]
    slotlog("send", "-a", "gz", env=env, input="".join(s + "\n" for s in sent).encode())
    # compression is off the writer thread: every rotated file becomes a .gz a little later
    def compressed():
        if any(p.name.endswith(".log") and p != log for p in log.parent.iterdir()) or leftovers(log.parent):
            return False
        try:
            return len(entries(all_lines(log), "gz")) >= n
        except (FileNotFoundError, EOFError, AssertionError):
            return False  # a rotation or a compression between listing and reading
    wait_for(compressed, 60, "every line written and every rotated file compressed")
    assert c.stop() == 0
    gz = sorted(p.name for p in log.parent.iterdir() if p.name.endswith(".gz"))
    assert len(gz) >= 20, gz
    assert gz == sorted(f"z.{i}.log.gz" for i in range(1, len(gz) + 1))
    assert not leftovers(log.parent)
    exactly_once(all_lines(log), "gz", sent)


def test_kill_9_while_compressing_then_restart(tmp_path, env, collectors):
    log = tmp_path / "logs/k.log"
    # a big current file, written by a run without compression
    first = collectors(file_config(log, max_size="1GiB", max_files=5)).wait_ready(log)
    n = 300000
    sent = [f"big {i:07} " + "abcdefghij" * (1 + i % 9) for i in range(n)]
    slotlog("send", "-a", "big", env=env, input="".join(s + "\n" for s in sent).encode(), timeout=300)
    assert first.stop() == 0
    size = log.stat().st_size
    assert size > 20 << 20, size

    # a smaller max_size: the first entry rotates it, and the rotated file is compressed at once
    second = collectors(file_config(log, max_size="1MiB", max_files=5, compress="gzip"))
    part = log.with_name("k.1.log.gz.part")
    wait_for(lambda: part.exists(), 30, "the compression to begin")
    second.proc.kill()
    second.proc.wait()
    assert part.exists(), "the kill should land in the middle of the compression"
    assert rotated(log, 1).exists()
    assert not rotated(log, 1, gz=True).exists()

    before = starts(log)
    third = collectors(file_config(log, max_size="1MiB", max_files=5, compress="gzip"))
    wait_for(lambda: starts(log) > before, 30, "the restart")
    after = [f"after {i}" for i in range(100)]
    slotlog("send", "-a", "after", *after, env=env)
    wait_for(lambda: rotated(log, 1, gz=True).exists() and not rotated(log, 1).exists()
             and not leftovers(log.parent), 60, "the restart to compress the rotated file")
    assert third.stop() == 0
    assert not leftovers(log.parent)
    lines = all_lines(log)
    exactly_once(lines, "big", sent)
    exactly_once(lines, "after", after)


def test_retention_at_start_deletes_old_files_of_ours_only(tmp_path, env, collectors):
    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / "r.log"
    old = time.time() - 40 * DAY
    for name in ("r.1.log", "r.2.log.gz", "r.3.log", "r.4.log.gz", "notes.txt", "other.log", "r.log.bak", "r.x.log"):
        (folder / name).write_text(f"{name}\n")
        os.utime(folder / name, (old, old))
    young = folder / "r.5.log.gz"
    young.write_bytes(gzip.compress(b"young\n"))
    c = collectors(file_config(log, max_age="30d")).wait_ready(log)
    wait_for(lambda: not (folder / "r.1.log").exists(), 30, "retention to run")
    wait_for(lambda: any("retention deleted 4 file(s)" in l for l in read_lines(log)), 10, "the retention notice")
    assert c.stop() == 0
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "other.log", "r.5.log.gz", "r.log", "r.log.bak",
                                                        "r.x.log"]
    notice = [l for l in read_lines(log) if "retention deleted" in l]
    assert len(notice) == 1 and f"of {log} older than 30d" in notice[0], notice


def test_max_total_size_deletes_the_oldest_first(tmp_path, env, collectors):
    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / "s.log"
    now = time.time()
    # higher index, older; 10 KiB each: 50 KiB and the current file
    for i in range(1, 6):
        p = folder / (f"s.{i}.log.gz" if i % 2 else f"s.{i}.log")
        p.write_bytes(b"y" * 10240)
        os.utime(p, (now - i * 3600, now - i * 3600))
    big = folder / "notes.txt"  # not ours: neither counted nor deleted
    big.write_bytes(b"n" * 100000)
    os.utime(big, (now - 100 * DAY, now - 100 * DAY))
    c = collectors(file_config(log, max_total_size="35KiB")).wait_ready(log)
    wait_for(lambda: any("retention deleted" in l for l in read_lines(log)), 30, "retention to run")
    assert c.stop() == 0
    # 50 KiB + the current file's few hundred bytes: the two oldest go, then it fits
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "s.1.log.gz", "s.2.log", "s.3.log.gz", "s.log"]
    assert any(f"retention deleted 2 file(s) (0.0 MiB) of {log}, the oldest, to keep them within 35 KiB" in l
               for l in read_lines(log))
