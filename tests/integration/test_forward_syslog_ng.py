"""The forward output (`protocol: tcp`) against a real syslog-ng, Debian 12's
3.38 unpacked beside rsyslog by scripts/syslog-ng-private: every entry
arrives, in order, once, and syslog-ng's own parse of each message has the
fields SPEC.md "Forwarding" maps: HOSTNAME, APP-NAME, PROCID, the severity
and facility, the structured data (SD-ID slotlog@32473 with the entry's id,
slot and seq, and extra fields) and MSG. Over TLS (RFC 5425) too, to a
syslog-ng that requires a client certificate. The configuration syslog-ng
runs is the one docs/forwarding.md shows."""
import json
import re
from pathlib import Path

import pytest

from conftest import read_lines, slotlog, wait_for
from forwarding import (ID, SEVERITY, assert_complete, collector_fields, forward_config, numbered, of_app,  # noqa: F401
                        stop_servers, wait_until)
from syslog_ng_peer import SyslogNg, available, receiver, tls_source, version
from test_forward_tls import pki  # noqa: F401 (the CA and its certificates, made with openssl)

pytestmark = pytest.mark.skipif(not available(), reason="needs the private syslog-ng (scripts/syslog-ng-private, "
                                                        "which scripts/install-deps runs)")

SD_ID = "slotlog@32473"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "forwarding.md"


def id_in_sd(m):
    """the id in the structured data as syslog-ng writes it back ($SDATA)"""
    return ID.search(m["sd"]).group(1)


def warnings_of(log):
    return [l for l in read_lines(log) if "WARNING" in l and "forward central: " in l]


def test_tcp_to_syslog_ng_delivers_every_entry_in_order_with_its_fields(tmp_path, env, collectors):
    server = SyslogNg(tmp_path / "syslog-ng").start()
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target], facility="local3")).wait_ready(log)
    n = 100_000
    slotlog("send", "-a", "billing", "-l", "warning", env=env, input=numbered(n))
    wait_for(lambda: len(server.lines()) >= n, timeout=120, what="every entry at syslog-ng")
    wait_for(lambda: len(of_app(server, "billing")) >= n, timeout=30, what="every entry at syslog-ng")
    got = of_app(server, "billing")
    assert assert_complete(got, n) == 0, "tcp sends each entry once while the server stays"

    # every message as syslog-ng parsed it, against the collector's own line of the same entries
    label, host, pid = collector_fields(log, "billing")
    assert label == "WARNING"
    for i, m in enumerate(got):
        assert (m["host"], m["app"], m["procid"], m["severity"], m["facility"]) == \
            (host, "billing", pid, str(SEVERITY["warning"]), "19"), m
        assert list(m["params"]) == [SD_ID], m
        params = m["params"][SD_ID]
        assert params == {"id": id_in_sd(m), "slot": "logger", "seq": str(i + 1)}, m
        assert m["msg"] == f"m{i:06}", m
    assert c.stop() == 0
    # the collector's own entries (started, connected) went too
    summary = next(l for l in read_lines(log) if "forward central:" in l and "queued" in l)
    counts = re.search(r"(\d+) queued, \1 sent, \1 acknowledged, 0 dropped, 0 waiting", summary)
    assert counts and int(counts.group(1)) >= n, summary


def test_each_level_and_the_fields_a_sender_gives_or_leaves_out(tmp_path, env, collectors):
    server = SyslogNg(tmp_path / "syslog-ng").start()
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target])).wait_ready(log)
    for level in SEVERITY:
        slotlog("send", "-a", "levels", "-l", level, f"{level}: grüße ✓", env=env)
    # a stamped entry with extra fields (parameters after seq, escaped on the wire),
    # and one that names no host, app or pid: `-` on the wire
    slotlog("send", "--raw", json.dumps({"msg": "with extras", "level": "error", "app": "extras", "host": "WEB01",
                                         "pid": 42, "seq": 7, "order": "A-17", "note": 'a]b"c\\d'}), env=env)
    slotlog("send", "--raw", json.dumps({"msg": "nobody", "level": "notice"}), env=env)
    # one connection, in order: the last one sent comes last
    wait_for(lambda: any(m["msg"] == "nobody" for m in server.messages()), what="the entries at syslog-ng")

    levels = of_app(server, "levels")
    assert [(m["severity"], m["facility"], m["msg"]) for m in levels] == \
        [(str(code), "1", f"{level}: grüße ✓") for level, code in SEVERITY.items()]
    extras = of_app(server, "extras")
    assert [(m["host"], m["procid"], m["severity"], m["msg"]) for m in extras] == [("WEB01", "42", "3", "with extras")]
    assert extras[0]["params"][SD_ID] == {"id": id_in_sd(extras[0]), "slot": "logger", "seq": "7",
                                          "order": "A-17", "note": 'a]b"c\\d'}
    # syslog-ng stores a `-` APP-NAME and PROCID as empty, and puts the sender's
    # address in HOST for a `-` HOSTNAME, keep_hostname(yes) or not
    nobody = [m for m in server.messages() if m["msg"] == "nobody"]
    assert [(m["host"], m["app"], m["procid"], m["severity"]) for m in nobody] == [("127.0.0.1", "", "", "5")]
    assert set(nobody[0]["params"][SD_ID]) == {"id", "slot"}
    assert c.stop() == 0


def tls_server(folder, pki):
    cert, key = pki.server
    return SyslogNg(folder, tls={"key": key, "cert": cert, "ca": pki.ca}).start()


def test_tls_with_the_client_certificate_syslog_ng_requires(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "syslog-ng", pki)
    log = tmp_path / "out.log"
    cert, key = pki.client
    tls = {"ca_file": str(pki.ca), "cert_file": str(cert), "key_file": str(key)}
    c = collectors(forward_config(log, [server.target], tls=tls)).wait_ready(log)
    wait_for(lambda: any(f"forward central: connected to {server.target} (tcp over tls)" in l
                         for l in read_lines(log)), timeout=20, what="the connection")
    n = 10_000
    slotlog("send", "-a", "tls", "-l", "error", env=env, input=numbered(n))
    wait_for(lambda: len(of_app(server, "tls")) >= n, timeout=60, what="every entry at syslog-ng")
    got = of_app(server, "tls")
    assert assert_complete(got, n) == 0
    _, host, pid = collector_fields(log, "tls")
    assert {(m["host"], m["procid"], m["severity"]) for m in got} == {(host, pid, "3")}
    assert [m["params"][SD_ID]["seq"] for m in got] == [str(i + 1) for i in range(n)]
    assert not warnings_of(log)
    assert c.stop() == 0


def test_tls_without_a_client_certificate_is_one_warning_with_the_reason_and_the_entries_wait(
        tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "syslog-ng", pki)
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target], tls={"ca_file": str(pki.ca)})).wait_ready(log)
    slotlog("send", "-a", "nocert", "kept", env=env)
    wait_for(lambda: warnings_of(log), timeout=20, what="the warning")
    assert server.target in warnings_of(log)[0] and "client certificate" in warnings_of(log)[0], warnings_of(log)
    # SPEC.md: a refusal is one warning, and the entries wait in the queue
    assert not wait_until(lambda: len(warnings_of(log)) > 1, 3.0), warnings_of(log)
    assert c.proc.poll() is None, "the collector keeps running"
    assert not of_app(server, "nocert")
    assert c.stop() == 0
    summary = next(l for l in read_lines(log) if "forward central:" in l and "queued" in l)
    assert re.search(r"(\d+) queued, 0 sent, 0 acknowledged, 0 dropped, \1 waiting", summary), summary


def test_the_docs_show_the_configuration_syslog_ng_runs_here():
    """docs/forwarding.md's syslog-ng block is RECEIVER for port 2514, every
    address and its example file, and its tls source TLS_SOURCE; and it names
    the version tested"""
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```\n(@version:.*?)```", text, re.S)
    assert blocks == [receiver(2514, "/var/log/slotlog-received.jsonl", "0.0.0.0")]
    tls = {"key": "/etc/syslog-ng/server.key", "cert": "/etc/syslog-ng/server.pem", "ca": "/etc/syslog-ng/ca.pem"}
    assert "```\n" + tls_source(tls, 6514, "0.0.0.0") + "```" in text
    assert f"syslog-ng {version().split('-')[0]}" in " ".join(text.split())
