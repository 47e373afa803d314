"""Every message format over the real unix-socket mailslot and over udp."""
import json
import marshal
import socket
import struct

from conftest import file_config, free_udp_port, read_lines, slotlog, wait_for

PY3_TEXT = marshal.dumps("marshalled by python 3")
PY2_STR = b"s" + struct.pack("<i", 19) + b"marshalled by py2 s"
PY2_UNICODE = b"u" + struct.pack("<i", 6) + "caf\u00e9!".encode()
DOUBLE = marshal.dumps(marshal.dumps("doubly marshalled"))

# payload -> the end of its text line (after the time stamp)
CASES = [
    (b'{"msg": "from json", "level": "error", "app": "web", "host": "WEB01", "pid": 42}',
     "ERROR WEB01 web[42]: from json"),
    (b"<165>1 2026-11-24T21:17:35.539Z host1 app1 1234 ID47 - rfc 5424 message",
     "NOTICE host1 app1[1234]: rfc 5424 message"),
    (b"<12>Nov 24 21:17:35 host2 app2[99]: rfc 3164 message",
     "WARNING host2 app2[99]: rfc 3164 message"),
    (PY3_TEXT, "INFO {host} -[-]: marshalled by python 3"),
    (PY2_STR, "INFO {host} -[-]: marshalled by py2 s"),
    (PY2_UNICODE, "INFO {host} -[-]: caf\u00e9!"),
    (DOUBLE, "INFO {host} -[-]: doubly marshalled"),
    (b"plain text", "INFO {host} -[-]: plain text"),
    (b"forged\n2026-01-01T00:00:00.000000Z CRITICAL - fake[1]: line", "INFO {host} -[-]: forged\\n2026-01-01"),
    (b"bad \xff\xfe utf-8 and \x1b[31m escape", "INFO {host} -[-]: bad \ufffd\ufffd utf-8 and \\x1b[31m escape"),
    (b"{:>999999999}", "INFO {host} -[-]: {:>999999999}"),
]


def expect_all(lines, host):
    for payload, expected in CASES:
        want = expected.replace("{host}", host)
        found = [l for l in lines if want in l]
        assert len(found) == 1, f"{payload!r}: expected one line containing {want!r} in:\n" + "\n".join(lines)
    # one message, one line: the forged line did not become an entry of its own
    assert not any("fake[1]" in l and l.startswith("2026-01-01") for l in lines)


def test_every_format_over_the_unix_socket(tmp_path, env, collectors):
    log = tmp_path / "logs/slotlog.log"
    c = collectors(file_config(log)).wait_ready(log)
    for payload, _ in CASES:
        c.send_datagram(payload)
    assert c.stop() == 0
    expect_all(read_lines(log), "-")


def test_every_format_over_udp_with_the_sender_as_host(tmp_path, env, collectors):
    log = tmp_path / "udp.log"
    port = free_udp_port()
    c = collectors(file_config(log, inputs=[{"type": "udp", "bind": f"127.0.0.1:{port}"}])).wait_ready(log)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for payload, _ in CASES:
            s.sendto(payload, ("127.0.0.1", port))
    wait_for(lambda: len(read_lines(log)) >= len(CASES) + 1, what="all udp messages")
    assert c.stop() == 0
    lines = read_lines(log)
    expect_all(lines, "127.0.0.1")


def test_slotlog_send_with_level_and_app(tmp_path, env, collectors):
    log = tmp_path / "s.log"
    c = collectors(file_config(log)).wait_ready(log)
    slotlog("send", "-l", "warn", "-a", "billing", "first", "second", env=env)
    slotlog("send", "-a", "stdin", env=env, input=b"line one\nline two\r\n")
    assert c.stop() == 0
    lines = read_lines(log)
    assert [l.split(" ", 1)[1].split(" ", 1)[0] for l in lines if " billing[" in l] == ["WARNING", "WARNING"]
    assert [l.split("]: ", 1)[1] for l in lines if " billing[" in l] == ["first", "second"]
    assert [l.split("]: ", 1)[1] for l in lines if " stdin[" in l] == ["line one", "line two"]
    # the client stamps host and pid
    billing = next(l for l in lines if " billing[" in l)
    assert " - billing[-]" not in billing


def test_json_output_lines(tmp_path, env, collectors):
    log = tmp_path / "j.log"
    c = collectors(file_config(log, format="json")).wait_ready(log)
    c.send_datagram(b'{"msg": "with extras", "level": "error", "app": "web", "pid": 7, "seq": 3, "order": 12345, "user": "bob"}')
    c.send_datagram(b"plain")
    assert c.stop() == 0
    objs = [json.loads(l) for l in read_lines(log)]
    web = next(o for o in objs if o["msg"] == "with extras")
    assert web["level"] == "error" and web["app"] == "web" and web["pid"] == 7 and web["seq"] == 3
    assert web["slot"] == "logger" and web["order"] == 12345 and web["user"] == "bob"
    assert web["time"].endswith("Z")
    plain = next(o for o in objs if o["msg"] == "plain")
    assert plain["host"] is None and plain["app"] is None and plain["pid"] is None and plain["seq"] is None
    assert plain["level"] == "info"


def test_slotlog_send_raw_sends_the_payload_as_is(tmp_path, env, collectors):
    log = tmp_path / "raw.log"
    c = collectors(file_config(log)).wait_ready(log)
    slotlog("send", "--raw", "<11>Nov 24 21:17:35 rawhost rawapp[5]: sent raw", env=env)
    assert slotlog("send", "--raw", "-l", "error", "x", env=env, check=False).returncode == 2
    assert c.stop() == 0
    assert any(l.endswith("ERROR rawhost rawapp[5]: sent raw") for l in read_lines(log))


def test_a_message_over_max_message_size_is_a_counted_drop_that_harms_no_other(tmp_path, env, collectors):
    log = tmp_path / "big.log"
    c = collectors(file_config(log, inputs=[{"type": "mailslot", "name": "logger",
                                             "max_message_size": "1KiB"}])).wait_ready(log)
    c.send_datagram(b"fits " + b"a" * 1000)
    c.send_datagram(b"too big " + b"b" * 2000)
    c.send_datagram(b"after the big one")
    assert c.stop() == 0
    lines = read_lines(log)
    assert any(l.endswith("]: fits " + "a" * 1000) for l in lines)
    assert any("WARNING" in l and "message dropped" in l and "2008 bytes" in l for l in lines), "\n".join(lines)
    assert any(l.endswith("]: after the big one") for l in lines)
    assert not any("bbbb" in l for l in lines), "nothing of the dropped message is written"
    assert "1 dropped" in lines[-1]
