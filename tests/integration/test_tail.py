"""`slotlog tail` on a central server's files: -n back into rotated .gz files
(made here with Python's gzip), -f on a folder whose hosts' files appear while
it runs, and --host/--app/--grep on what a real slotlogd wrote."""
import gzip
import json
import signal
import subprocess

import pytest

from conftest import BIN, read_lines, slotlog, wait_for


def numbered(start, end, prefix="line"):
    return "".join(f"{prefix} {i}\n" for i in range(start, end))


def tail_lines(*args, env):
    return slotlog("tail", *args, env=env).stdout.decode().splitlines()


def entry(i):
    return f"2026-11-24T21:17:35.{i:06}Z INFO web01 app[1]: line {i}"


def test_n_reads_back_into_gz_backups_oldest_first(tmp_path, env):
    def lines(start, end):
        return "".join(entry(i) + "\n" for i in range(start, end)).encode()
    log = tmp_path / "app.log"
    (tmp_path / "app.2.log.gz").write_bytes(gzip.compress(lines(0, 100)))
    (tmp_path / "app.1.log.gz").write_bytes(gzip.compress(lines(100, 200)))
    log.write_bytes(lines(200, 205))
    assert tail_lines("-n", "150", str(log), env=env) == [entry(i) for i in range(55, 205)]
    assert tail_lines("-n", "1000", str(log), env=env) == [entry(i) for i in range(205)]
    assert tail_lines("-n", "5", str(log), env=env) == [entry(i) for i in range(200, 205)]
    # with a filter, -n counts what passes, across the files too
    sevens = [i for i in range(205) if "7" in str(i)]
    assert tail_lines("-n", "30", "--grep", "7", str(log), env=env) == [entry(i) for i in sevens[-30:]]


def test_a_gz_path_is_read_through_and_a_cut_one_warns(tmp_path, env):
    gz = tmp_path / "old.3.log.gz"
    gz.write_bytes(gzip.compress(numbered(0, 50).encode()) + gzip.compress(numbered(50, 60).encode()))
    assert tail_lines("-n", "3", str(gz), env=env) == ["line 57", "line 58", "line 59"]
    assert tail_lines("-n", "100", str(gz), env=env) == [f"line {i}" for i in range(60)]

    text = "".join(f"entry {i} {i * 7919 % 10007}\n" for i in range(30000)).encode()
    whole = gzip.compress(text, compresslevel=1)
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    r = slotlog("tail", "-n", "1000000", str(cut), env=env, check=False)
    assert r.returncode == 1, r
    err = r.stderr.decode()
    assert f"'{cut}' is damaged: truncated" in err, err
    got = r.stdout.decode().splitlines()
    assert 100 < len(got) < 30000
    assert got == [f"entry {i} {i * 7919 % 10007}" for i in range(len(got))], "what it could, no cut line"

    # a damaged backup is a warning: the current file and the older backups are still read
    log = tmp_path / "svc.log"
    log.write_text("current\n")
    (tmp_path / "svc.1.log.gz").write_bytes(b"not gzip at all\n")
    (tmp_path / "svc.2.log.gz").write_bytes(gzip.compress(b"oldest\n"))
    r = slotlog("tail", "-n", "10", str(log), env=env)
    assert r.stdout.decode().splitlines() == ["oldest", "current"]
    assert "svc.1.log.gz' is damaged" in r.stderr.decode()


class Tail:
    """A running `slotlog tail -f`, its output in a file (a pipe nobody reads would stall it)."""

    def __init__(self, tmp_path, env, *args):
        self.out = tmp_path / "tail.out"
        self.err = tmp_path / "tail.err"
        self.proc = subprocess.Popen([str(BIN / "slotlog"), "tail", "-f", *args], env=env,
                                     stdout=open(self.out, "wb"), stderr=open(self.err, "wb"))

    def lines(self):
        return read_lines(self.out)

    def wait_printed(self, line, what=None):
        wait_for(lambda: line in self.lines(), what=what or f"tail to print {line!r}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        assert self.proc.wait(timeout=10) == 0, self.err.read_text()
        return self.lines()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def tails():
    started = []
    yield lambda *a: started.append(Tail(*a)) or started[-1]
    for t in started:
        t.kill()


def test_f_on_a_folder_follows_the_files_that_appear(tmp_path, env, tails):
    logs = tmp_path / "logs"
    (logs / "host0").mkdir(parents=True)
    first = logs / "host0" / "app.log"
    first.write_text(numbered(0, 5, "zero"))
    (logs / "host0" / "app.1.log.gz").write_bytes(gzip.compress(b"zero backup\n"))
    t = tails(tmp_path, env, "-n", "2", str(logs))
    t.wait_printed("zero 4")

    # a new host's folder and file after the start: read from its first line
    (logs / "hostA").mkdir()
    with open(logs / "hostA" / "app.log", "a") as f:
        f.write("a 0\na 1\n")
    t.wait_printed("a 1")
    with open(logs / "hostA" / "app.log", "a") as f:
        f.write("a 2\n")
    t.wait_printed("a 2")
    # a second new file, and more in the file there at the start
    (logs / "hostB").mkdir()
    (logs / "hostB" / "other.log").write_text("b 0\n")
    with open(first, "a") as f:
        f.write("zero 5\n")
    t.wait_printed("b 0")
    t.wait_printed("zero 5")
    # backups that appear are not followed
    (logs / "hostB" / "other.1.log").write_text("b backup\n")
    (logs / "hostB" / "other.2.log.gz").write_bytes(gzip.compress(b"b backup gz\n"))
    (logs / "hostB" / "other.new").write_text("b 1\n")
    (logs / "hostB" / "other.new").replace(logs / "hostB" / "other.log")  # replaced: followed from its start
    t.wait_printed("b 1")

    got = t.stop()
    assert sorted(got) == sorted(["zero 3", "zero 4", "a 0", "a 1", "a 2", "b 0", "zero 5", "b 1"]), got
    assert got.index("a 0") < got.index("a 1") < got.index("a 2")
    assert "is new; following it from its start" in t.err.read_text()


JSON_MESSAGES = [
    # (host, app, level, msg)
    ("WEB01", "billing", "warning", "disk 91% full"),
    ("db02", "billing", "error", "failover from WEB01 done"),   # WEB01 only in the message
    ("web02", "Shop", "info", "cart DISK cache warm"),
    (None, "billing", "error", "no host here"),
    ("WEB01", None, "info", "no app here"),
    ("web01", "billing-api", "notice", "request served"),
]


@pytest.fixture
def served(tmp_path, env, collectors):
    """slotlogd wrote JSON_MESSAGES (sent as json with host and app) to a text and a json file."""
    logs = tmp_path / "logs"
    text, js = logs / "slotlog.log", logs / "slotlog.json.log"
    cfg = {"inputs": [{"type": "mailslot", "name": "logger"}],
           "outputs": [{"type": "file", "path": str(text)},
                       {"type": "file", "path": str(js), "format": "json"}]}
    c = collectors(cfg).wait_ready(text)
    for host, app, level, msg in JSON_MESSAGES:
        m = {"msg": msg, "level": level}
        if host:
            m["host"] = host
        if app:
            m["app"] = app
        slotlog("send", "--raw", json.dumps(m), env=env)
    wait_for(lambda: any("request served" in l for l in read_lines(js)), what="the last entry written")
    assert c.stop() == 0
    return text, js


def msgs(lines):
    known = {m[3] for m in JSON_MESSAGES}
    out = []
    for line in lines:
        msg = json.loads(line)["msg"] if line.startswith("{") else line.split("]: ", 1)[1]
        assert msg in known, f"an entry that should not pass: {line}"
        out.append(msg)
    return out


@pytest.mark.parametrize("args,expected", [
    (["--host", "web01"], ["disk 91% full", "no app here", "request served"]),
    (["--host", "WEB0?"], ["disk 91% full", "cart DISK cache warm", "no app here", "request served"]),
    (["--app", "BILLING"], ["disk 91% full", "failover from WEB01 done", "no host here"]),
    (["--app", "bill*"], ["disk 91% full", "failover from WEB01 done", "no host here", "request served"]),
    (["--grep", "disk"], ["disk 91% full", "cart DISK cache warm"]),
    (["--grep", "web01"], ["failover from WEB01 done"]),
    (["--host", "web*", "--grep", "DISK", "--level", "warning"], ["disk 91% full"]),
    (["--host", "*", "--app", "billing", "--level", "error"], ["failover from WEB01 done", "no host here"]),
    (["--host", "web*", "-n", "2"], ["no app here", "request served"]),
])
def test_host_app_grep_on_what_slotlogd_wrote(served, env, args, expected):
    text, js = served
    args = args if "-n" in args else ["-n", "100", *args]
    for path in (text, js):
        assert msgs(tail_lines(*args, str(path), env=env)) == expected, path


def test_unknown_host_is_matched_only_by_star(served, env):
    text, js = served
    for path in (text, js):
        # the collector's own entries have a host; "no host here" has none (- in text, null in json)
        everything = tail_lines("-n", "100", "--host", "*", str(path), env=env)
        named = tail_lines("-n", "100", "--host", "?*", str(path), env=env)
        assert [l for l in everything if l not in named] == [l for l in everything if "no host here" in l]
        assert len([l for l in everything if "no host here" in l]) == 1, path


def test_f_on_the_folder_of_a_real_per_host_output_misses_no_new_host(tmp_path, env, collectors, tails):
    """slotlogd writes logs/{host}/{app}.log, rotated and compressed; tail -f on logs/ prints
    every line of every host that appears after it started, and -n reads a host's .gz backups."""
    import json
    import socket
    from conftest import free_udp_port
    port = free_udp_port()
    logs = tmp_path / "logs"
    c = collectors({"inputs": [{"type": "udp", "bind": f"127.0.0.1:{port}"}],
                    "outputs": [{"type": "file", "path": str(tmp_path / "all.log")},
                                {"type": "file", "path": str(logs / "{host}" / "{app}.log"),
                                 "max_size": "2KiB", "max_files": 100, "compress": "gzip",
                                 "match": {"slot": "udp:*"}}]})
    c.wait_ready(tmp_path / "all.log")
    # a file there before tail starts: once its line is printed, tail has made its first walk
    (logs / "ready").mkdir(parents=True)
    (logs / "ready" / "x.log").write_text("ready\n")
    t = tails(tmp_path, env, "-n", "1", str(logs))
    t.wait_printed("ready")
    sent = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(60):
            for h in ("newhost1", "newhost2", "newhost3"):
                msg = f"{h} {i:03} " + "z" * 30
                sent.append(msg)
                s.sendto(json.dumps({"msg": msg, "host": h, "app": "svc"}).encode(), ("127.0.0.1", port))

    def printed():
        return [l.split("]: ", 1)[1] for l in t.lines() if "]: " in l]
    wait_for(lambda: sorted(printed()) == sorted(sent), 30, "tail to print every line of the new hosts")
    got = printed()
    for h in ("newhost1", "newhost2", "newhost3"):
        assert [m for m in got if m.startswith(h)] == [m for m in sent if m.startswith(h)], h
    # the collector rotated and compressed each host's file; -n reads back through the .gz files
    wait_for(lambda: len(list((logs / "newhost1").glob("svc.*.log.gz"))) >= 2, 30, "compressed backups")
    wait_for(lambda: not list((logs / "newhost1").glob("svc.*.log")), 30, "every backup compressed")
    back = [l.split("]: ", 1)[1] for l in tail_lines("-n", "60", str(logs / "newhost1" / "svc.log"), env=env)]
    assert back == [m for m in sent if m.startswith("newhost1")]
