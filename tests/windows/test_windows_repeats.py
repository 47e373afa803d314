"""slotlogd.exe under wine: the windows mailslot names no sender, so an
unstamped message is never taken for a copy (the sentence word by word is nine
entries, the same error three times is three), a stamped copy still is, and a
gap in a stamped sender's numbers is one warning."""
import json
import re

from conftest import BIN, lines, plain_stop, start_serve, wait_for, wine

SENTENCE = "the quick brown fox jumps over the lazy dog".split()
GAP = re.compile(r"^(.*): (\d+) messages? missing \(seq (-?\d+)(?: to (-?\d+))?\)$")


def entries(log):
    return [json.loads(l) for l in lines(log)]


def stamped(seq, app="billing", msg=None):
    return json.dumps({"msg": msg or f"{app} {seq}", "app": app, "host": "WEB01", "pid": 42, "seq": seq})


def test_the_windows_mailslot_never_drops_an_unstamped_message(tmp_path):
    slot = "slotlog-wine-repeats"
    log = tmp_path / "r.log"
    serve = start_serve(tmp_path, {
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": "r.log", "format": "json"}],
        "dedup": {"window_ms": 500},
    }, "--allow-plain-stop")
    try:
        wait_for(lambda: any("started" in e["msg"] for e in entries(log)), 60, "slotlogd.exe to start")
        # one message per line of standard input, in one slotlog.exe
        unstamped = SENTENCE + ["connection refused"] * 3
        # stamped: 1-10 then 16-20 (a gap), a copy of 20, out of order (no gap), a restart
        numbered = ([stamped(s) for s in [*range(1, 11), *range(16, 21), 20]] +
                    [stamped(s, "orders") for s in [1, 2, 4, 3, 5]] +
                    [stamped(s, "restarts", f"run {run} {s}") for run, s in [(1, 1), (1, 2), (1, 3), (2, 1)]])
        r = wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw",
                 input="\n".join(unstamped + numbered).encode() + b"\n")
        assert r.returncode == 0, r.stderr
        wait_for(lambda: any(GAP.match(e["msg"]) for e in entries(log)), 30, "the gap warning")
        plain_stop(serve, slot)
    finally:
        if serve.poll() is None:
            serve.kill()
    got = entries(log)
    msgs = [e["msg"] for e in got if e["app"] != "slotlogd" and e["msg"] != "STOP"]
    assert msgs[:12] == unstamped, msgs
    assert len(msgs) == 12 + 15 + 5 + 4, msgs
    gaps = [GAP.match(e["msg"]).groups() for e in got if e["app"] == "slotlogd" and GAP.match(e["msg"])]
    assert gaps == [("WEB01 billing[42]", "5", "11", "15")], got
    # the stamped copy of 20 was the one repeat
    assert ", 1 repeats dropped, 5 messages missing" in got[-1]["msg"], got[-1]
