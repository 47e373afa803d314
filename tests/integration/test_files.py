"""File outputs with placeholders in their path: a file per host and app, at most max_open_files
held open (counted in /proc), and hostile host and app names that never lead the collector
outside the folder before the first placeholder."""
import json
import os
import socket

from conftest import free_udp_port, read_lines, wait_for


def start(tmp_path, collectors, path, **options):
    port = free_udp_port()
    cfg = {"inputs": [{"type": "udp", "bind": f"127.0.0.1:{port}"}],
           "outputs": [{"type": "file", "path": str(tmp_path / "all.log")},
                       {"type": "file", "path": path, **options}]}
    c = collectors(cfg)
    c.wait_ready(tmp_path / "all.log")
    return c, port


def send_json(port, messages):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for m in messages:
            s.sendto(json.dumps(m).encode(), ("127.0.0.1", port))


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def files_below(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def message_of(line):
    return line.split("]: ", 1)[1] if "]: " in line else None


def test_a_thousand_hosts_each_in_its_own_file_with_sixteen_open(tmp_path, collectors):
    c, port = start(tmp_path, collectors, "logs/{host}/{app}.log", max_open_files=16)
    before = open_files(c.proc.pid)
    hosts = [f"host{h:04}" for h in range(1000)]
    sent = {}
    most = before
    for round_ in range(3):
        batch = [{"msg": f"{h} says {round_}", "host": h, "app": "app" if round_ < 2 else "other"} for h in hosts]
        send_json(port, batch)
        for m in batch:
            sent.setdefault((m["host"], m["app"]), []).append(m["msg"])
        most = max(most, open_files(c.proc.pid))

    def all_written():
        return sum(1 for l in read_lines(tmp_path / "all.log") if " says " in l) == 3000
    wait_for(all_written, 60, "3000 entries in all.log")
    c.stop()
    assert c.proc.returncode == 0, c.stderr()

    # every line in its file, in order, and no other file
    logs = tmp_path / "logs"
    for (host, app), msgs in sent.items():
        assert [message_of(l) for l in read_lines(logs / host / f"{app}.log")] == msgs, (host, app)
    # and the collector's own entries (start, stop) in logs/<this host>/slotlogd.log
    own = [p for p in files_below(logs) if p.name == "slotlogd.log"]
    assert len(own) == 1 and any("slotlogd stopping" in l for l in read_lines(own[0])), own
    assert len(files_below(logs)) == 2001
    assert not [p for p in files_below(tmp_path) if logs not in p.parents and p.parent != tmp_path]
    # 16 files at most besides what was open before (all.log, sockets, ...)
    assert most <= before + 16, (before, most)


HOSTILE = ["../../etc/passwd", "..", ".", "/etc/passwd", "C:\\Windows\\System32", "\\\\server\\share",
           "NUL", "con.txt", "COM1", "lpt9", "..\\..\\x", "a/../../b", "x" * 10000, "." * 300,
           "", " ", "\u202egol.exe", "caf\u00e9", "web.", "*?<>|"]


def test_hostile_host_and_app_names_stay_below_the_folder(tmp_path, collectors):
    outside = tmp_path / "outside"
    c, port = start(tmp_path, collectors, str(tmp_path / "in" / "logs" / "{host}" / "{app}.log"))
    before = set(files_below(tmp_path))
    messages = []
    for i, name in enumerate(HOSTILE):
        messages.append({"msg": f"hostile host {i}", "host": name, "app": "app"})
        messages.append({"msg": f"hostile app {i}", "host": "h", "app": name})
        messages.append({"msg": f"hostile both {i}", "host": name, "app": name})
    send_json(port, messages)
    # and invalid utf-8 in a raw datagram
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b'{"msg": "hostile bytes", "host": "\xff\xfe/../x", "app": "\xc0\xae\xc0\xae"}', ("127.0.0.1", port))
    wanted = {m["msg"] for m in messages} | {"hostile bytes"}

    logs = tmp_path / "in" / "logs"

    def where():
        found = {}
        for p in files_below(logs):
            for line in read_lines(p):
                msg = message_of(line)
                if msg in wanted:
                    found.setdefault(msg, []).append(p)
        return found
    wait_for(lambda: len(where()) == len(wanted), 30, "every hostile message written")
    c.stop()
    found = where()
    # each message once, two levels below logs/, in a name that no os takes for a device or a step up
    for msg, paths in found.items():
        assert len(paths) == 1, (msg, paths)
        rel = paths[0].relative_to(logs)
        assert len(rel.parts) == 2, rel
        for part in rel.parts:
            assert part not in (".", "..") and len(part) <= 69, part
            assert part.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "COM1", "LPT9"), part
    # nothing new beside logs/ but what the collector always writes
    new = set(files_below(tmp_path)) - before
    assert all(logs in p.parents or p.parent == tmp_path for p in new), sorted(new)
    assert not outside.exists()


def test_per_host_files_rotate_compress_and_keep_to_their_retention(tmp_path, collectors):
    """Each host's file rotates on its own and its backups become .gz; retention deletes
    old files that the pattern can produce and nothing else below logs/."""
    import gzip
    import subprocess
    import time
    logs = tmp_path / "logs"
    # files of an earlier run, a month old: of the pattern (deleted) and not (kept)
    old = time.time() - 31 * 86400
    doomed = [logs / "old01" / "app.log", logs / "old01" / "app.2.log.gz", logs / "web00" / "app.7.log"]
    kept = [logs / "web00" / "notes.txt", logs / "web00" / "app.log.bak", logs / "readme.log",
            logs / "a" / "b" / "app.log"]
    for p in doomed + kept:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("old\n")
        os.utime(p, (old, old))
    c, port = start(tmp_path, collectors, str(logs / "{host}" / "{app}.log"), max_size="4KiB", max_files=50,
                    compress="gzip", max_age="30d", max_open_files=3)
    hosts = [f"web{h:02}" for h in range(5)]
    sent = {h: [f"{h} line {i:04} " + "y" * 40 for i in range(300)] for h in hosts}
    for i in range(300):
        send_json(port, [{"msg": sent[h][i], "host": h, "app": "app"} for h in hosts])

    def lines_of(host):
        out = []
        folder = logs / host
        for p in sorted(folder.iterdir()):
            if p.name.endswith(".log.gz"):
                out += gzip.decompress(p.read_bytes()).decode().splitlines()
            elif p.name.endswith(".log"):
                out += read_lines(p)
        return [message_of(l) for l in out]

    def done():
        try:
            return all(sorted(m for m in lines_of(h) if m and " line " in m) == sent[h] for h in hosts) and \
                not any(p.name.endswith(".part") or (p.name.endswith(".log") and p.name.count(".") > 1)
                        for p in logs.rglob("*"))
        except (OSError, EOFError):
            return False  # a rotation or compression between listing and reading
    wait_for(done, 60, "every host's lines written, and its backups compressed")
    c.stop()
    for h in hosts:
        gz = [p for p in (logs / h).iterdir() if p.name.endswith(".gz")]
        assert len(gz) >= 3, h
        for p in gz:
            r = subprocess.run(["gzip", "-t", str(p)], capture_output=True)
            assert r.returncode == 0, (p, r.stderr)
    assert not [p for p in doomed if p.exists()]
    assert all(p.exists() for p in kept)
