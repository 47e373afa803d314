"""What the windows tests share: running .exe files under wine (scripts/wine-run,
prefix build/wineprefix), paths, waiting, and wine's ReportEventW trace."""
import json
import os
import re
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ["SLOTLOG_BIN_DIR"])
WINE_RUN = os.environ["SLOTLOG_WINE_RUN"]


def win_path(p):
    return "Z:" + str(p).replace("/", "\\")


def wine(*args, input=None, env=None):
    """runs a wine program to its end. its output goes to files, not pipes: a
    wine program that starts the wineserver hands it its stdout and stderr, and
    a pipe would then not end before the wineserver does"""
    with tempfile.TemporaryFile() as i, tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        i.write(input or b"")
        i.seek(0)
        r = subprocess.run([WINE_RUN, *map(str, args)], stdin=i, stdout=o, stderr=e, timeout=120, env=env)
        o.seek(0)
        e.seek(0)
        return subprocess.CompletedProcess(r.args, r.returncode, o.read(), e.read())


def text(r):
    return (r.stdout + r.stderr).decode("utf-8", "replace").replace("\r\n", "\n")


def reg_values(key):
    """`reg query KEY` as {name: (type, value)}, or None if the key is absent"""
    r = wine("reg", "query", key)
    if r.returncode != 0:
        return None
    values = {}
    for line in text(r).splitlines():
        m = re.match(r"^\s+(\S+)\s+(REG_\w+)\s*(.*)$", line)
        if m:
            values[m.group(1)] = (m.group(2), m.group(3).rstrip())
    return values


def lines(path):
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_for(predicate, timeout, what):
    """the predicate's first true value, polled until the timeout"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(folder, config, *extra, env=None, exe=None):
    """slotlogd.exe (the build's, or `exe`) serve on `config` (written to
    folder/slotlogd.json), in the background"""
    cfg = folder / "slotlogd.json"
    cfg.write_text(json.dumps(config))
    return subprocess.Popen([WINE_RUN, str(exe or BIN / "slotlogd.exe"), "serve", "-c", win_path(cfg), *extra],
                            cwd=folder, env=env, stdout=open(folder / "out.txt", "wb"),
                            stderr=open(folder / "err.txt", "wb"))


def plain_stop(serve, slot):
    """stops a `slotlogd.exe serve ... --allow-plain-stop` with a raw STOP on its slot"""
    r = wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw", "STOP")
    assert r.returncode == 0, r.stderr
    assert serve.wait(timeout=60) == 0


def reported_events(trace):
    """wine's ReportEventW trace (WINEDEBUG=+eventlog and fixme+advapi) as
    [(source handle, type, category, message id, [text lines])]: a fixme:advapi
    line with the arguments, then an err:/warn:/trace:eventlog line per line of text"""
    events = []
    for line in trace.splitlines():
        m = re.search(r"fixme:advapi:ReportEventW \(([0-9A-Fa-f]+),0x([0-9a-f]{4}),0x([0-9a-f]{4}),0x([0-9a-f]{8}),",
                      line)
        if m:
            events.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16), []))
            continue
        m = re.search(r":eventlog:ReportEventW L\"(.*)\"", line)
        if m and events:
            events[-1][4].append(m.group(1))
    return events
