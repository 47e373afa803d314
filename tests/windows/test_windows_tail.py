"""slotlog.exe tail under wine: -n back into rotated .gz files (made with
python's gzip), and -f on a folder as a new host's file appears, without
blocking the deletion of a followed file."""
import gzip
import subprocess

from conftest import BIN, WINE_RUN, lines, text, wait_for, win_path, wine


def entry(i, host="WEB01"):
    return f"2026-11-24T21:17:35.{i:06}Z INFO {host} app[1]: line {i}"


def test_tail_n_across_gz_backups_with_a_filter(tmp_path):
    def content(start, end):
        return "".join(entry(i, "WEB01" if i % 2 else "db02") + "\n" for i in range(start, end)).encode()
    (tmp_path / "app.2.log.gz").write_bytes(gzip.compress(content(0, 100)))
    (tmp_path / "app.1.log.gz").write_bytes(gzip.compress(content(100, 200)))
    (tmp_path / "app.log").write_bytes(content(200, 205))
    r = wine(BIN / "slotlog.exe", "tail", "-n", "150", win_path(tmp_path / "app.log"))
    assert r.returncode == 0, text(r)
    assert text(r).splitlines() == [entry(i, "WEB01" if i % 2 else "db02") for i in range(55, 205)]
    r = wine(BIN / "slotlog.exe", "tail", "-n", "60", "--host", "web*", win_path(tmp_path / "app.log"))
    assert text(r).splitlines() == [entry(i) for i in range(85, 205, 2)]
    r = wine(BIN / "slotlog.exe", "tail", "-n", "2", win_path(tmp_path / "app.2.log.gz"))
    assert text(r).splitlines() == [entry(98, "db02"), entry(99)]


def test_tail_f_on_a_folder_follows_new_files_and_blocks_no_deletion(tmp_path):
    logs = tmp_path / "logs"
    (logs / "host0").mkdir(parents=True)
    (logs / "host0" / "app.log").write_text("zero 0\nzero 1\n")
    out = tmp_path / "tail.out"
    tail = subprocess.Popen([WINE_RUN, str(BIN / "slotlog.exe"), "tail", "-f", "-n", "1", win_path(logs)],
                            stdout=open(out, "wb"), stderr=open(tmp_path / "tail.err", "wb"))
    try:
        wait_for(lambda: "zero 1" in lines(out), 60, "tail to print the last line of host0")
        (logs / "hostA").mkdir()
        with open(logs / "hostA" / "app.log", "a") as f:
            f.write("a 0\na 1\n")
        wait_for(lambda: "a 1" in lines(out), 60, "tail to print the new host's file from its start")
        # a windows program deletes the followed file (retention): tail's handle must not refuse it
        r = wine("cmd", "/c", "del", win_path(logs / "host0" / "app.log"))
        assert r.returncode == 0 and not text(r).strip(), text(r)
        (logs / "hostB").mkdir()
        (logs / "hostB" / "other.log").write_text("b 0\n")
        wait_for(lambda: "b 0" in lines(out), 60, "tail to go on with a second new file")
        tail.send_signal(2)
        tail.wait(timeout=30)
    finally:
        if tail.poll() is None:
            tail.kill()
    # the delete was taken: the name is gone at once (windows' posix semantics) or, where the
    # delete is pending while a handle is open (wine, fat), once tail has let go
    wait_for(lambda: not (logs / "host0" / "app.log").exists(), 30, "the deleted file to go")
    got = [l.rstrip("\r") for l in lines(out)]
    assert sorted(got) == sorted(["zero 1", "a 0", "a 1", "b 0"]), got
