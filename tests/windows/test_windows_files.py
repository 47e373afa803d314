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
        "inputs": [{"type": "mailslot", "name": "slotlog-wine-files"},
                   {"type": "udp", "bind": f"127.0.0.1:{port}"}],
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
