"""The forward output against a real rsyslogd: every entry arrives, in order,
with its fields mapped; a receiver that goes away and a collector killed with
SIGKILL lose nothing (RELP), and what comes twice carries the id it had."""
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import BIN, file_config, read_lines, slotlog, wait_for
from forwarding import (ID, assert_complete, forward_config, numbered, of_app,  # noqa: F401
                        stop_servers, wait_until)
from rsyslog_peer import Rsyslogd, available

pytestmark = pytest.mark.skipif(not available("imptcp") or not available("imrelp"),
                                reason="needs rsyslog and rsyslog-relp (scripts/install-deps)")

@pytest.mark.parametrize("protocol", ["tcp", "relp"])
def test_every_entry_arrives_in_order_with_its_fields(tmp_path, env, collectors, protocol):
    server = Rsyslogd(tmp_path / "rsyslog", protocol).start()
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target], protocol, facility="local3")).wait_ready(log)
    n = 100_000
    slotlog("send", "-a", "billing", "-l", "warning", env=env, input=numbered(n))
    wait_for(lambda: len(of_app(server, "billing")) >= n, timeout=120, what="every entry at rsyslogd")
    got = of_app(server, "billing")
    assert assert_complete(got, n) == 0, "each entry is sent once while the server stays"

    # the fields as rsyslogd parsed them, against the collector's own line of the same entry
    line = next(l for l in read_lines(log) if " billing[" in l)
    _, label, host, rest = line.split(" ", 3)
    pid = rest[len("billing["):rest.index("]")]
    assert label == "WARNING"
    for m in got[:3] + got[-3:]:
        assert (m["host"], m["procid"], m["severity"], m["facility"]) == (host, pid, "4", "19"), m
        assert m["sd"].startswith('[slotlog@32473 id="') and 'slot="logger"' in m["sd"], m["sd"]
    assert 'seq="1"' in got[0]["sd"] and f'seq="{n}"' in got[-1]["sd"]
    assert c.stop() == 0
    summary = next(l for l in read_lines(log) if "forward central:" in l and "queued" in l)
    assert f"{n} acknowledged" in summary or "acknowledged" in summary, summary


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_relp_loses_nothing_while_the_receiver_restarts(tmp_path, env, collectors, how):
    # killed: with SIGKILL, from a receiver that writes before it acknowledges
    server = Rsyslogd(tmp_path / "rsyslog", "relp", durable=how == "killed").start()
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target], "relp")).wait_ready(log)
    n = 30_000
    sender = subprocess.Popen([str(BIN / "slotlog"), "send", "-a", "relp"], env=env, stdin=subprocess.PIPE)
    feeding = threading.Thread(target=lambda: (sender.stdin.write(numbered(n)), sender.stdin.close()))
    feeding.start()
    # three restarts, each once more entries have arrived. stopped: rsyslogd
    # acknowledges what it queued in memory, and writes it out on the way down
    for restart in range(3):
        seen = len(server.lines())
        wait_for(lambda: len(server.lines()) > seen + 2000 or len(of_app(server, "relp")) >= n,
                 timeout=60, what=f"entries before restart {restart}")
        server.stop(signal.SIGKILL if how == "killed" else signal.SIGTERM)
        server.start()
    feeding.join()
    assert sender.wait(timeout=60) == 0
    wait_for(lambda: len({m["msg"] for m in of_app(server, "relp")}) >= n, timeout=120, what="every entry")
    duplicates = assert_complete(of_app(server, "relp"), n)
    print(f"relp, receiver {how} 3 times: {n} entries, 0 lost, {duplicates} duplicates")
    lines = read_lines(log)
    assert sum("forward central: lost" in l for l in lines) <= 3, "one warning per loss, not one per retry"
    assert c.stop() == 0


def test_a_killed_collector_resends_what_the_server_did_not_acknowledge(tmp_path, env, collectors):
    server = Rsyslogd(tmp_path / "rsyslog", "relp")  # not running yet
    log = tmp_path / "out.log"
    cfg = forward_config(log, [server.target], "relp")
    c = collectors(cfg).wait_ready(log)
    n = 5_000
    slotlog("send", "-a", "kill", env=env, input=numbered(n))
    slotlog("send", "-a", "mark", "queued", env=env)
    # the file output comes first: once it has the marker, every entry is in the queue
    wait_for(lambda: any(" mark[" in l and "queued" in l for l in read_lines(log)), what="the marker")
    wait_for(lambda: any("forward central: cannot reach" in l for l in read_lines(log)), what="the warning")
    c.proc.send_signal(signal.SIGKILL)
    c.proc.wait()

    server.start()
    again = collectors(cfg).wait_ready(log)
    wait_for(lambda: len({m["msg"] for m in of_app(server, "kill")}) >= n, timeout=120, what="every entry")
    duplicates = assert_complete(of_app(server, "kill"), n)
    assert duplicates == 0
    assert again.stop() == 0


def test_a_server_that_is_not_there_is_one_warning_and_its_return_one_notice(tmp_path, env, collectors):
    server = Rsyslogd(tmp_path / "rsyslog")
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target])).wait_ready(log)
    wait_for(lambda: any("forward central: cannot reach " + server.target in l for l in read_lines(log)),
             what="the warning")
    slotlog("send", "-a", "wait", "kept", env=env)
    server.start()
    wait_for(lambda: [m["msg"] for m in of_app(server, "wait")] == ["kept"], timeout=90, what="the kept entry")
    lines = read_lines(log)
    assert sum("cannot reach" in l for l in lines) == 1, lines
    assert sum("forward central: reached again: " + server.target in l for l in lines) == 1, lines
    assert c.stop() == 0


def test_statistics_every_interval(tmp_path, env, collectors):
    server = Rsyslogd(tmp_path / "rsyslog").start()
    log = tmp_path / "out.log"
    cfg = forward_config(log, [server.target])
    cfg["stats"] = {"interval": "1s"}
    c = collectors(cfg).wait_ready(log)
    slotlog("send", "-a", "stat", "one", "two", env=env)
    wait_for(lambda: len(of_app(server, "stat")) == 2, what="the entries at rsyslogd")
    # the statistics after both: received, and what the forward output did with them
    wait_for(lambda: any("statistics: " in l and "forward central: " in l and " 0 waiting" in l and
                         re.search(r"[1-9]\d* acknowledged", l) and
                         re.search(r"inputs: mailslot:logger [1-9]\d* received, 0 dropped", l)
                         for l in read_lines(log)),
             what="a statistics entry")
    assert c.stop() == 0


def test_a_damaged_record_is_skipped_reported_and_the_rest_delivered(tmp_path, env, collectors):
    server = Rsyslogd(tmp_path / "rsyslog", "relp")  # down: the entries stay in the queue
    log = tmp_path / "out.log"
    cfg = forward_config(log, [server.target], "relp")
    c = collectors(cfg).wait_ready(log)
    n = 100
    slotlog("send", "-a", "dmg", env=env, input=numbered(n))
    wait_for(lambda: sum(" dmg[" in l for l in read_lines(log)) == n, what="the entries")
    assert c.stop() == 0
    segments = sorted((tmp_path / "queue" / "central").glob("*.seg"))
    assert segments, list((tmp_path / "queue" / "central").iterdir())
    hit = [s for s in segments if b"m000050" in s.read_bytes()]
    data = bytearray(hit[0].read_bytes())
    data[data.index(b"m000050") + 3] ^= 0x01  # one flipped bit, inside the message
    hit[0].write_bytes(bytes(data))

    server.start()
    again = collectors(cfg).wait_ready(log)
    wait_for(lambda: len(of_app(server, "dmg")) >= n - 1, timeout=60, what="the rest")
    assert [m["msg"] for m in of_app(server, "dmg")] == [f"m{i:06}" for i in range(n) if i != 50]
    assert any("WARNING" in l and "damaged" in l for l in read_lines(log)), "the skip is reported"
    assert again.stop() == 0


def test_a_full_disk_drops_counts_and_reports_and_keeps_what_it_has(tmp_path, env, collectors):
    import os
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    queue = tmp_path / "queue"
    queue.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(queue)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount here: " + r.stderr.decode(errors="replace"))
    try:
        server = Rsyslogd(tmp_path / "rsyslog", "relp")
        log = tmp_path / "out.log"
        c = collectors(forward_config(log, [server.target], "relp")).wait_ready(log)
        n = 10_000  # about 2 MB in the queue: four times the disk
        slotlog("send", "-a", "full", env=env, input=numbered(n))
        wait_for(lambda: sum(" full[" in l for l in read_lines(log)) == n, timeout=60, what="the entries")
        assert c.proc.poll() is None
        server.start()
        wait_for(lambda: any("forward central: reached again" in l for l in read_lines(log)), timeout=60,
                 what="the server")
        # room again once what was queued is delivered and its segment deleted; a
        # marker sent before that is dropped like the others: send until one arrives
        def marker_arrived():
            slotlog("send", "-a", "after", "room again", env=env)
            return wait_until(lambda: of_app(server, "after"), 1.0)
        wait_for(marker_arrived, timeout=60, what="an entry after the disk had room again")
        assert c.stop() == 0
        got = [m["msg"] for m in of_app(server, "full")]
        assert 0 < len(got) < n
        assert got == [f"m{i:06}" for i in range(len(got))], "what was queued arrives whole, in order"
        summary = next(l for l in read_lines(log) if "forward central:" in l and "queued" in l)
        dropped = int(re.search(r"(\d+) dropped", summary).group(1))
        assert dropped >= n - len(got), summary
        assert any(("WARNING" in l or "ERROR" in l) and "central" in l and "No space left" in l
                   for l in read_lines(log))
    finally:
        subprocess.run(["umount", "-l", str(queue)], capture_output=True)


def test_failover_to_the_second_target_and_back_to_the_first(tmp_path, env, collectors):
    first = Rsyslogd(tmp_path / "first", "relp")  # down at the start
    second = Rsyslogd(tmp_path / "second", "relp").start()
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [first.target, second.target], "relp")).wait_ready(log)
    slotlog("send", "-a", "fo", "to the second", env=env)
    wait_for(lambda: of_app(second, "fo"), timeout=30, what="the entry at the second target")
    first.start()
    # the first target is tried again a minute after the failover; then entries go there
    sent = []

    def at_first():
        sent.append(f"back {len(sent)}")
        slotlog("send", "-a", "fo", sent[-1], env=env)
        return wait_until(lambda: of_app(first, "fo"), 2.0)
    wait_for(at_first, timeout=90, what="entries at the first target again")
    # none lost on the way: each marker at one target or the other
    wait_for(lambda: sorted(m["msg"] for m in of_app(first, "fo") + of_app(second, "fo")) ==
             sorted(sent + ["to the second"]), timeout=30, what="every marker")
    assert c.stop() == 0
    lines = read_lines(log)
    assert sum("forward central: cannot reach " + first.target in l for l in lines) == 1, lines
