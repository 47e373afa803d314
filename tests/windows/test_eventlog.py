"""The Windows Event Log: slotlogd.exe carries a message table with a text for
every event id (FormatMessageW finds each one, as Event Viewer does), and an
eventlog output reports entries at or above its min_level with the entry's
event id and type (Wine's ReportEventW is a stub that traces each call under
WINEDEBUG=+eventlog)."""
import json
import os
import re
import shutil
import subprocess
import uuid

from conftest import BIN, WINE_RUN, lines, reported_events, wait_for, win_path, wine

SLOTLOGD = BIN / "slotlogd.exe"

# full message id (severity bits included) -> text with {} for %1
MESSAGES = {
    0x40000064: "The slotlog service started. {}",
    0x40000065: "The slotlog service stopped after writing every entry it had received. {}",
    0xC0000066: "The slotlog configuration is not valid, so the service cannot use it. Problems: {}",
    0xC0000067: "The slotlog service could not start because an input or an output could not be opened. {}",
    0x80000068: "The slotlog service refused to reload its configuration and keeps running with the previous one. {}",
    0x80000069: "The slotlog service handled a problem and keeps running: {}",
    0xC000006A: "The slotlog service has a problem that needs attention: {}",
    0x8000006E: "A slotlog forward output cannot reach its log server; entries wait in its disk queue and nothing "
                "is lost while the queue has room. {}",
    0x4000006F: "A slotlog forward output reached its log server and delivers the entries waiting in its disk "
                "queue. {}",
    0x40000070: "Statistics of the slotlog service since it started (written every stats.interval): {}",
    0x400003E8: "{}",
    0x800003E9: "{}",
    0xC00003EA: "{}",
}
CATEGORIES = {1: "Service", 2: "Entry"}

EVENTLOG_ERROR_TYPE = 0x0001
EVENTLOG_WARNING_TYPE = 0x0002






def format_messages(*args):
    """format_message.exe's lines as {id: (label, text)}, and its exit code"""
    r = wine(BIN / "format_message.exe", win_path(SLOTLOGD), *args)
    out = {}
    for line in r.stdout.decode("utf-8").splitlines():
        m = re.fullmatch(r"0x([0-9A-F]{8}) (.*)", line.rstrip("\r"))
        assert m, line
        out[int(m.group(1), 16)] = m.group(2)
    return out, r


def test_the_message_table_is_in_slotlogd_exe():
    windres = shutil.which("x86_64-w64-mingw32-windres")
    assert windres, "x86_64-w64-mingw32-windres is needed to read the resources"
    rc = subprocess.run([windres, "-i", str(SLOTLOGD), "-O", "rc"], capture_output=True, text=True, check=True).stdout
    assert "RT_MESSAGETABLE" in rc
    ids = {int(x, 16) for x in re.findall(r"MessageId = (0x[0-9a-fA-F]+)", rc)}
    assert ids == set(MESSAGES) | set(CATEGORIES)


def test_every_event_the_code_reports_has_its_text():
    # --events: every eventlog::event with the id message_id() gives ReportEventW
    insertion = "Zürich 100% %2 done"
    got, r = format_messages(insertion, "--events")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert set(got) == set(MESSAGES) | set(CATEGORIES)
    for mid, template in MESSAGES.items():
        label, _, text = got[mid].partition(" category ")
        assert label == f"event {mid & 0xFFFF}"
        category, _, text = text.partition(" ")
        assert int(category) == (2 if mid & 0xFFFF >= 1000 else 1), got[mid]
        # the insertion string is taken as is: no % in it is expanded
        assert text == template.format(insertion), got[mid]
    for cid, name in CATEGORIES.items():
        assert got[cid] == "category " + name


def test_ids_are_found_only_with_their_severity_bits():
    got, r = format_messages("x", "0x800003E9", "1001", "0xC00003E9")
    assert got[0x800003E9] == "x"
    assert got[1001].startswith("MISSING"), got
    assert got[0xC00003E9].startswith("MISSING"), got
    assert r.returncode == 1








def test_serve_reports_entries_at_or_above_min_level(tmp_path):
    slot = "slotlog-evt-" + uuid.uuid4().hex[:8]
    token = uuid.uuid4().hex[:12]
    cfg = tmp_path / "slotlogd.json"
    cfg.write_text(json.dumps({
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": "logs/w.log"},
                    {"type": "eventlog", "source": "slotlog-test", "min_level": "warning"}],
    }))
    log = tmp_path / "logs" / "w.log"
    err = tmp_path / "err.txt"
    env = dict(os.environ, WINEDEBUG="+eventlog")  # instead of wine-run's -all
    serve = subprocess.Popen([WINE_RUN, str(SLOTLOGD), "serve", "-c", win_path(cfg), "--allow-plain-stop"],
                             cwd=tmp_path, env=env, stdout=open(tmp_path / "out.txt", "wb"), stderr=open(err, "wb"))
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        for lvl in ("warning", "info", "error"):
            r = wine(BIN / "slotlog.exe", "send", "-s", slot, "-l", lvl, "-a", "evt", f"{lvl} {token}")
            assert r.returncode == 0, r.stderr
        wait_for(lambda: sum(token in l for l in lines(log)) == 3, 30, "the three entries in the file")
        wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw", "STOP")
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()

    trace = err.read_text(encoding="utf-8", errors="replace")
    assert 'RegisterEventSourceW ((null),L"slotlog-test")' in trace, trace
    events = reported_events(trace)
    # the notices (started, stopping) and the info entry are below min_level
    assert [(e[1], e[2], e[3]) for e in events] == [(EVENTLOG_WARNING_TYPE, 2, 0x800003E9),
                                                    (EVENTLOG_ERROR_TYPE, 2, 0xC00003EA)], events
    (warning_text,), (error_text,) = events[0][4], events[1][4]
    # the entry's line without its timestamp: the event log stamps its own
    assert re.fullmatch(rf"WARNING \S+ evt\[\d+\]: warning {token}", warning_text), warning_text
    assert re.fullmatch(rf"ERROR \S+ evt\[\d+\]: error {token}", error_text), error_text
    assert f"info {token}" not in trace
    # one source handle for the whole run
    assert events[0][0] == events[1][0]
    assert any(f"info {token}" in l for l in lines(log))
