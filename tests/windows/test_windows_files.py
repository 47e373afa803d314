"""slotlogd.exe under wine with a file per host and app: the names windows treats specially
(NUL, CON, COM1, AUX, LPT1, con.txt, ..\\, C:\\, a trailing dot, WEB01 and web01) never open a
device, never leave logs\\, and lose no entry."""
import json
import socket

from conftest import free_udp_port, lines, plain_stop, start_serve, wait_for

HOSTILE = ["NUL", "nul", "CON", "con.txt", "COM1", "com9.log", "AUX", "LPT1", "PRN", "..\\..\\x", "..", ".",
           "C:\\Windows\\System32", "\\\\server\\share", "web.", "a:b", "x" * 10000, "", "caf\u00e9",
           "Web01", "WEB01"]


def message_of(line):
    return line.split("]: ", 1)[1] if "]: " in line else None


def test_hostile_names_are_files_below_logs(tmp_path):
    port = free_udp_port()
    serve = start_serve(tmp_path, {
        # two threads read the udp socket (the order of the lines does not matter here)
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-files"},
                   {"type": "udp", "bind": f"127.0.0.1:{port}", "readers": 2}],
        "outputs": [{"type": "file", "path": "all.log"},
                    {"type": "file", "path": "in\\logs\\{host}\\{app}.log", "max_open_files": 4}],
    }, "--allow-plain-stop")
    all_log = tmp_path / "all.log"
    wanted = set()
    try:
        wait_for(lambda: any("started" in l for l in lines(all_log)), 60, "slotlogd.exe to start")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i, name in enumerate(HOSTILE):
                for kind, host, app in (("host", name, "app"), ("app", "h", name), ("both", name, name)):
                    msg = f"hostile {kind} {i}"
                    wanted.add(msg)
                    s.sendto(json.dumps({"msg": msg, "host": host, "app": app}).encode(), ("127.0.0.1", port))
        wait_for(lambda: {message_of(l) for l in lines(all_log)} >= wanted, 60, "every message in all.log")
        plain_stop(serve, r"\\.\mailslot\slotlog-wine-files")
    finally:
        if serve.poll() is None:
            serve.kill()

    logs = tmp_path / "in" / "logs"
    found = {}
    for p in logs.rglob("*"):
        if p.is_file():
            for line in lines(p):
                if message_of(line) in wanted:
                    found.setdefault(message_of(line), []).append(p.relative_to(logs))
    # every message in one file, two levels below logs\, in a name windows takes for a file
    assert set(found) == wanted, sorted(wanted - set(found))
    for msg, paths in found.items():
        assert len(paths) == 1, (msg, paths)
        assert len(paths[0].parts) == 2, paths[0]
        for part in paths[0].parts:
            assert part.split(".")[0].upper() not in ("CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1"), part
            assert part not in (".", "..") and not part.endswith(".")
    # windows names files case-insensitively: Web01 and WEB01 share one folder, as the first wrote it
    assert found["hostile host 19"][0].parts[0] == found["hostile host 20"][0].parts[0] == "Web01"
    # nothing anywhere else: only what the test and the collector always write
    others = {p.name for p in tmp_path.iterdir()} - {"in", "all.log", "slotlogd.json", "out.txt", "err.txt"}
    assert not others, others
    assert {p.name for p in (tmp_path / "in").iterdir()} == {"logs"}


def test_per_host_files_rotate_into_gzip_and_keep_to_their_retention(tmp_path):
    """slotlogd.exe: each host's file rotates on its own, its backups become .gz files that
    python's gzip reads whole, and max_age deletes an old file of the pattern, not a stranger."""
    import gzip
    import os
    import time
    port = free_udp_port()
    logs = tmp_path / "logs"
    old = time.time() - 40 * 86400
    doomed, kept = logs / "gone" / "app.log", logs / "gone" / "notes.txt"
    for p in (doomed, kept):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("old\n")
        os.utime(p, (old, old))
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-gz"},
                   {"type": "udp", "bind": f"127.0.0.1:{port}"}],
        "outputs": [{"type": "file", "path": "all.log"},
                    {"type": "file", "path": "logs\\{host}\\{app}.log", "max_size": "2KiB", "max_files": 50,
                     "compress": "gzip", "max_age": "30d", "match": {"slot": "udp:*"}}],
    }, "--allow-plain-stop")
    sent = {h: [f"{h} line {i:03} " + "w" * 40 for i in range(120)] for h in ("WEB01", "db02")}

    def lines_of(host):
        out = []
        for p in sorted((logs / host).iterdir()):
            if p.name.endswith(".log.gz"):
                out += gzip.decompress(p.read_bytes()).decode().splitlines()
            elif p.name.endswith(".log"):
                out += lines(p)
        return sorted(m for m in map(message_of, out) if m)

    def done():
        try:
            return all(lines_of(h) == sent[h] for h in sent) and not any(
                p.name.endswith(".part") or (p.name.endswith(".log") and p.name.count(".") > 1)
                for p in logs.rglob("*"))
        except (OSError, EOFError):
            return False  # a rotation or a compression between listing and reading
    try:
        wait_for(lambda: any("started" in l for l in lines(tmp_path / "all.log")), 60, "slotlogd.exe to start")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(120):
                for h in sent:
                    s.sendto(json.dumps({"msg": sent[h][i], "host": h, "app": "app"}).encode(), ("127.0.0.1", port))
        wait_for(done, 90, "every line in a file or a .gz, every backup compressed")
        plain_stop(serve, r"\\.\mailslot\slotlog-wine-gz")
    finally:
        if serve.poll() is None:
            serve.kill()
    for h in sent:
        assert len(list((logs / h).glob("app.*.log.gz"))) >= 2, h
    assert not doomed.exists() and kept.exists()
