"""Hostile input: over 100,000 hostile datagrams, then normal ones among more.

Random bytes, empty and maximum-size messages, every decoder's edge cases,
forged lines, format strings, STOP variants and fake control messages go over
the unix-socket mailslot (a blocking send there never loses a datagram, so the
accounting is exact) and a share over udp (where the kernel may drop, which the
kernel counts). Then normal messages of every format, interleaved with more
hostile ones. After SIGTERM: exit code 0, every normal message is in its line
intact, every line is well formed (text and json), and each unix datagram, in
the order sent, became exactly one entry, one STOP warning or one counted drop.
"""
import json
import marshal
import random
import re
import socket
import struct
import time
from pathlib import Path

from conftest import free_udp_port

SEED = 20261124
MAX = 64 * 1024          # the mailslot input's default max_message_size
UDP_MAX = 4096           # configured below: udp datagrams above it are dropped
UDP_PAYLOAD_MAX = 65507  # what one ipv4 udp datagram can carry
UDP_SHARE = 0.05
CORPUS = Path(__file__).resolve().parents[1] / "fuzz/corpus"
FORGED = b"2026-11-24T21:17:35.539204Z CRITICAL WEB01 x[1]: forged"

LABELS = "TRACE|DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL"
LEVELS = {"trace", "debug", "info", "notice", "warning", "error", "critical"}
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
TEXT_LINE = re.compile(rf"({TIME}) ({LABELS}) ([^ ]+) ([^ ]+)\[(-|\d+)\]: (.*)", re.S)
TIME_RE = re.compile(TIME)
# what a line must never hold raw: c0 and c1 controls, del, the unicode line breaks
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
BASE_KEYS = ["time", "level", "host", "app", "pid", "seq", "slot", "msg"]


def u32(n):
    return struct.pack("<I", n & 0xFFFFFFFF)


# ---- the spec's plain STOP, mirrored: which datagrams must give the warning ----

def strip_terminators(b):
    return b.rstrip(b"\r\n\0")


def unmarshal_one(p):
    if len(p) < 2:
        return None
    code = chr(p[0] & 0x7F)
    if code in "stuaA":
        if len(p) < 5:
            return None
        n = struct.unpack("<I", p[1:5])[0]
        if n > 0x7FFFFFFF or n != len(p) - 5:
            return None
        content = p[5:]
        if code in "aA" and not content.isascii():
            return None
        return content
    if code in "zZ":
        if p[1] != len(p) - 2 or not p[2:].isascii():
            return None
        return p[2:]
    return None


def unmarshal_string(p):
    content = unmarshal_one(p)
    if content is None:
        return None
    for _ in range(2):  # the outer layer and at most two more
        inner = unmarshal_one(content)
        if inner is None:
            break
        content = inner
    return content


def is_plain_stop(p):
    if len(p) > 64:
        return False
    if strip_terminators(p) == b"STOP":
        return True
    s = unmarshal_string(p)
    return s is not None and strip_terminators(s) == b"STOP"


def is_control_like(p):
    # the control plane may answer these with one "rejected" warning instead
    return b"SLOTLOG-CTL" in p.upper() or b"slotlog-ctl" in p.lower()


# ---- the hostile mix ----

FRAGMENTS = [
    b"\xff", b"\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80", b"\xbf", b"\xc2", b"\0", b"\r", b"\n",
    b"\r\n", b"\x1b[2J", b"\x1b]0;title\x07", b"\x1b[31m", b"\x7f", b"\x08\x08\x08", b"\xc2\x80", b"\xc2\x9f",
    b"\xc2\x85", "\u2028".encode(), "\u2029".encode(), b"\t", b"\x0b", b"\x0c", b"\x1c\x1d\x1e", b"\xef\xbb\xbf",
    "\ufffe".encode(), "\U0010ffff".encode(), "\u202e".encode(), "\u200b".encode(), "\u00a0".encode(),
    "\u3000".encode(), b"\\n", b"\\x0a", b"\\u2028", b"%s", b"%n", b"{}", b"]: ", b"[", b"]", b"[-]: ", b" ",
    b"-", b"\n" + FORGED, b"\r" + FORGED, "\u2028".encode() + FORGED, b"\xc2\x85" + FORGED, b"\0\n" + FORGED,
    b"\r\n" + FORGED + b"\r\n", b"plain words ", "caf\u00e9 ".encode(), "\u65e5\u672c\u8a9e ".encode(),
    "\U0001f600".encode(), b"<13>", b"{", b"}", b'"', b"STOP", b"SLOTLOG-CTL/1 stop ",
]

JSON_VALUES = ["null", "true", "false", "0", "-0", "1e999", "-1e999", "99999999999999999999999",
               "-9223372036854775809", "9223372036854775807", "18446744073709551616", "1.5", "1e-999",
               '""', '"x"', '"\\n"', '"\\u0000"', '"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"',
               '"\\u2028"', '"\\u001b[31m"', "[]", "{}", "[1,[2,[3]]]", '{"a":{"b":"\\r\\n"}}',
               "NaN", "Infinity", "'single'", "0x10", "01", "+1", ".5", "1.", '"\udcff"', '"\udcc0\udcaf"']
JSON_KEYS = ["msg", "level", "host", "app", "pid", "seq", "time", "slot", "raw_level", "raw_level_2",
             "raw_slot", "facility", "", "\\n", "\n", "\\u0000", "msg\\u0000", "\udcff", "a b", "x" * 300]


def random_json_value(rng, depth=0):
    r = rng.random()
    if depth < 4 and r < 0.15:
        return "[" + ",".join(random_json_value(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"
    if depth < 4 and r < 0.3:
        return "{" + ",".join(f'"{rng.choice(JSON_KEYS)}":{random_json_value(rng, depth + 1)}'
                              for _ in range(rng.randrange(4))) + "}"
    return rng.choice(JSON_VALUES)


def hostile_json(rng):
    kind = rng.randrange(12)
    if kind == 0:  # a well-formed message cut short
        full = json.dumps({"msg": "cut " * rng.randrange(1, 20), "level": "error", "pid": rng.randrange(99)})
        return full[:rng.randrange(len(full))].encode()
    if kind == 1:  # nesting far beyond any parser's comfort
        n = rng.choice([63, 64, 65, 1000] if rng.random() < 0.97 else [30000, MAX - 20])
        opener = rng.choice(["[", "{\"a\":"])
        body = opener * (n // len(opener))
        return ('{"msg":"deep","d":' + body)[:MAX].encode()
    if kind == 2:  # deep but closed
        n = rng.choice([62, 63, 64, 65, 200])
        return ('{"msg":"nested","d":' + "[" * n + "]" * n + "}").encode()
    if kind == 3:  # huge and odd numbers in the known keys
        key = rng.choice(["pid", "seq", "time", "level", "host", "app"])
        return f'{{"msg":"numbers","{key}":{rng.choice(JSON_VALUES)}}}'.encode("utf-8", "surrogateescape")
    if kind == 4:  # duplicate keys
        key = rng.choice(["msg", "level", "raw_level", "app", "pid", "x"])
        return (f'{{"msg":"dup","{key}":{random_json_value(rng)},"level":"nope",'
                f'"{key}":{random_json_value(rng)}}}').encode("utf-8", "surrogateescape")
    if kind == 5:  # msg that is not a string
        return f'{{"msg":{random_json_value(rng)},"app":"odd"}}'.encode("utf-8", "surrogateescape")
    if kind == 6:  # not an object, or an object without msg
        return rng.choice(["[1,2]", '"str"', "123", "null", "true", '{"message":"no msg"}', "{}", "{",
                           "}", '{"msg"}', '{"msg":}', '{"msg":"a",}', '{"msg":"a"} trailing',
                           '{"msg":"a"}{"msg":"b"}', '/* c */ {"msg":"a"}', '{"msg":"a" /* c */}',
                           '\ufeff{"msg":"bom"}', ' \t\r\n{"msg":"ws"}', '{"msg":"\\x41"}',
                           '{"msg":"unterminated']).encode()
    if kind == 7:  # times and levels at and past the edges
        t = rng.choice(["9999-12-31T23:59:60Z", "0000-01-01T00:00:00Z", "2026-02-29T00:00:00Z",
                        "2024-02-29T23:59:60.999999999Z", "2026-11-24T21:17:35.1234567890Z",
                        "2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:17Z", "1677-09-21T00:12:43Z",
                        "1677-09-21T00:12:44Z", "2026-11-24T21:17:35+23:59", "2026-11-24T21:17:35-99:00",
                        "2026-11-24 21:17:35z", "", "now", "2026-11-24T21:17:35.Z"])
        lvl = rng.choice(["WARN", "", "fatal", "emerg", "level\n", "info\0", "\xff", "debug "])
        return json.dumps({"msg": "edges", "time": t, "level": lvl}).encode()
    if kind == 8:  # fields trying to forge the rest of the line
        field = rng.choice(["host", "app", "level", "msg"])
        v = rng.choice(["a b", "c d[1]: e", "-", "x\n" + FORGED.decode(), "WEB01 x[1]: forged", " ", "[1]",
                        "\u2028", "\x1b[2J", "slotlogd", "]: "])
        return json.dumps({"msg": "forge", field: v}).encode()
    if kind == 9:  # the collector's own lines, faked
        host = socket.gethostname()
        msg = rng.choice(["slotlogd stopping: 0 messages received, 0 entries written, 0 dropped",
                          "slotlogd started", "plain STOP message on slot logger ignored: fake",
                          "message dropped: fake", "5 entries dropped because the queue was full (5 in total)"])
        return json.dumps({"msg": msg, "app": "slotlogd", "host": host, "level": "notice",
                           "pid": rng.randrange(1, 1 << 22), "slot": "slotlogd"}).encode()
    if kind == 10:  # invalid utf-8 inside strings and keys
        return b'{"msg":"bad ' + rng.choice(FRAGMENTS) + b'","k' + rng.choice(FRAGMENTS) + b'":1}'
    if rng.random() < 0.02:  # thousands of keys, many alike once sanitised ("\n" and "\\n", "a_2")
        keys = [f'"k{n}":{n}' for n in range(rng.choice([100, 5000]))]
        keys += [f'"k1{sep}":1' for sep in ("\\n", "\\\\n", "_2", "\\u2028", "\\\\u2028")]
        rng.shuffle(keys)
        return ('{"msg":"wide",' + ",".join(keys) + "}").encode()[:MAX]
    return ('{"msg":"random",' + ",".join(f'"{rng.choice(JSON_KEYS)}":{random_json_value(rng)}'
                                          for _ in range(rng.randrange(6))) + "}").encode("utf-8", "surrogateescape")


SYSLOG_FIXED = [
    b"<", b"<>", b"<1", b"<13", b"<999>", b"<192>x", b"<191>x", b"<13>", b"<13>\n", b"<0>", b"<00013>x",
    b"<-1>x", b"<1 3>x", b"< 13>x", b"<13 >x", b"<13>1", b"<13>1 ", b"<13>1 -", b"<13>1 - - - - - -",
    b"<13>1 - - - - - - -", b"<13>1 - - - - - - - -", b"<13>1 2026-13-45T99:99:99Z h a p m - x",
    b"<13>1 2026-11-24T21:17:35.1234567890Z h a 1 m - x", b"<13>1 2026-11-24 h a 1 m - x",
    b"<13>1 - h a p m [unclosed", b'<13>1 - h a p m [a b="c\\"]"][d] msg', b'<13>1 - h a p m [a b="]"] msg',
    b'<13>1 - h a p m [x k="' + b"\\" * 999, b"<13>1 - h a 99999999999999999999 m - x",
    b"<13>1 - h a -1 m - x", b"<13>1 - h\0 a\xff p m - x", b"<13>1 - - - - - [][][][] x",
    b"<13>1 - " + b"h" * 5000 + b" a 1 m - x", b"<13>1 -  a 1 m - double space",
    b"<13>Feb 30 25:61:61 host app: x", b"<13>Jan  1 00:00:60 host app[]: x",
    b"<13>Jan 1 00:00:00.123456789 h t[1]: x", b"<13>Jan 32 00:00:00 h t: x", b"<13>Jan 0 00:00:00 h t: x",
    b"<13>Jan 1 00:00:00.", b"<13>Jan 1 00:00:00", b"<13>Jan 1 00:00:00 ", b"<13>app[: x", b"<13>[1]: x",
    b"<13>a[1]:", b"<13>a[1]: ", b"<13>a[[1]]: x", b"<13>a]: x", b"<13>:", b"<13>::",
    b"<13>2026-11-24T21:17:35Z h a[1]: m",
    b"<13>2026-11-24T21:17:35Z", b"<13>\xef\xbb\xbf", b"<13>1 - - - - - - \xef\xbb\xbfbom",
    b"<13>" + FORGED, b"<13>x\n" + FORGED, b"<13>Nov 24 21:17:35 WEB01 x[1]: \r" + FORGED,
    b"<13>1 - - - - - - %s%n{}", b"<13>" + b"a" * 100 + b"[" + b"9" * 100 + b"]: x",
]


def hostile_syslog(rng):
    if rng.random() < 0.4:
        return rng.choice(SYSLOG_FIXED)
    pri = rng.choice(["0", "7", "13", "165", "191", "192", "999", "0013", "", "-1", "1a", str(rng.randrange(300))])
    if rng.random() < 0.5:  # rfc 5424 parts, each valid, nil, odd or missing
        parts = ["1"]
        for choices in (["-", "2026-11-24T21:17:35.5Z", "2026-11-24T21:17:35", "x", "9999-99-99T99:99:99Z"],
                        ["-", "host", "", "h\udcffst", "a" * 300], ["-", "app", "", "a[1]", "a:"],
                        ["-", "42", "", "x1", "9" * 30], ["-", "ID1", ""],
                        ["-", "[a]", '[a b="c"]', "[a", '[a b="\\"]', "[]]", "[" * 50]):
            if rng.random() < 0.9:
                parts.append(rng.choice(choices))
        rest = " ".join(parts)
    else:  # rfc 3164 parts
        parts = []
        for choices in (["Nov 24 21:17:35", "Nov  4 21:17:35", "Feb 29 23:59:60", "Nov 24 24:00:00",
                         "2026-11-24T21:17:35Z", "Nov24 21:17:35"],
                        ["host", "", "h\x00"], ["app:", "app[42]:", "app[]:", "[1]:", "app[x]:", "a[1]b:"]):
            if rng.random() < 0.8:
                parts.append(rng.choice(choices))
        rest = " ".join(parts)
    msg = rng.choice(FRAGMENTS) + b"msg" if rng.random() < 0.7 else b""
    return f"<{pri}>".encode() + rest.encode("utf-8", "surrogateescape") + b" " + msg


def hostile_marshal(rng):
    kind = rng.randrange(8)
    code = rng.choice(b"stuaAzZ")
    if rng.random() < 0.3:
        code |= 0x80  # FLAG_REF
    content = rng.choice([b"", b"x", b"STOP", b"caf\xc3\xa9", b"\xff\xfe", b"\n" + FORGED, b"\0" * 5,
                          rng.randbytes(rng.randrange(64)), b"A" * rng.randrange(300)])
    if kind == 0:  # lengths that lie
        n = rng.choice([0, 1, len(content) - 1, len(content) + 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                        0xFFFFFFFB, 255, 256])
        if chr(code & 0x7F) in "zZ":
            return bytes([code, n & 0xFF]) + content
        return bytes([code]) + u32(n) + content
    if kind == 1:  # truncated headers
        return (bytes([code]) + u32(len(content)) + content)[:rng.randrange(6)]
    if kind == 2:  # several layers: marshal of marshal of ...
        p = content
        for _ in range(rng.randrange(1, 6)):
            c = rng.choice(b"stuaAzZ")
            if chr(c) in "zZ" and len(p) < 256:
                p = bytes([c, len(p)]) + p
            else:
                p = bytes([c]) + u32(len(p)) + p
        return p
    if kind == 3:  # python's own marshal of str and bytes, odd contents
        v = rng.choice(["STOP", "\n" + FORGED.decode(), "\x00\x1b\u2028", "%s{}", "\ud800", "x" * 300,
                        b"raw \xff bytes", b"STOP\n", "\U0001f600"])
        if isinstance(v, str):
            return marshal.dumps(v.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
        return marshal.dumps(v)
    if kind == 4:  # other types marshal knows
        return rng.choice([b"N", b"T", b"F", b"i\x01\x00\x00\x00", b"l\x01\x00\x00\x00\x01\x00",
                           marshal.dumps(1.5), marshal.dumps([1, "a"]), marshal.dumps(("STOP",)),
                           marshal.dumps({"msg": "x"}), b"r\x00\x00\x00\x00", b"\xf2\x00\x00\x00\x00",
                           marshal.dumps(compile("1", "f", "eval")), b"\0\0\0\0\0", b"0", b"?"])
    if kind == 5:  # ascii codes with non-ascii contents
        c = rng.choice(b"aAzZ")
        body = rng.choice([b"\xff", "caf\u00e9".encode(), b"\x80abc"])
        if chr(c) in "zZ":
            return bytes([c, len(body)]) + body
        return bytes([c]) + u32(len(body)) + body
    if kind == 6:  # trailing junk after a complete object
        return marshal.dumps("ok") + rng.choice([b"\0", b"\n", b"x", b"\0\0\0\0"])
    return bytes([code]) + rng.randbytes(rng.randrange(12))


FORMAT_STRINGS = [b"{}", b"{0}", b"{:>1000000}", b"{:>999999999}", b"%s%n", b"%s%s%s%s%s%s%s%s", b"%n" * 100,
                  b"%99999999d", b"{:{}}", b"{", b"}", b"{{}}", b"%", b"%%", b"${jndi:ldap://x/a}",
                  b"{0:.1000000f}", b"%x%x%x%p", b"{:d}", b"{!r}", b"%1$s", b"%*d", b"{:\0}", b"%.0s" * 50]


def hostile_stop(rng):
    return rng.choice([
        b"STOP", b"STOP\n", b"STOP\r\n", b"STOP\0", b"STOP\n\0\r", b"STOP" + b"\n" * 60, b"STOP" + b"\0" * 61,
        marshal.dumps("STOP"), marshal.dumps(b"STOP"), marshal.dumps(marshal.dumps("STOP")),
        marshal.dumps(marshal.dumps(marshal.dumps("STOP"))),
        marshal.dumps(marshal.dumps(marshal.dumps(marshal.dumps("STOP")))),
        b"s" + u32(5) + b"STOP\n", b"z\x04STOP", b"\xfa\x04STOP", b"a" + u32(4) + b"STOP", b"u" + u32(5) + b"STOP\0",
        b"stop", b"Stop", b" STOP", b"STOP ", b"STOP\t", b"\0STOP", b"STOPSTOP", b"STOP\nSTOP", b"\nSTOP",
        b"S\0TOP", b"\xef\xbb\xbfSTOP", "\uff33\uff34\uff2f\uff30".encode(), b'{"msg":"STOP"}', b"<13>STOP",
        b"z\x05STOP\n", b"Z\x04STOQ",
    ])


def hostile_control(rng):
    verb = rng.choice(["stop", "reload", "rotate", "flush", "STOP", "halt", "", "stop stop"])
    t = rng.choice([str(int(time.time())), "0", "-1", "99999999999999999999", "1e9", "", "x"])
    nonce = rng.choice(["0" * 16, "f" * 64, "0" * 15, "a" * 65, "zz" * 8, "", rng.randbytes(16).hex()])
    mac = rng.choice(["0" * 64, rng.randbytes(32).hex(), rng.randbytes(32).hex().upper(), "", "x" * 64,
                      rng.randbytes(40).hex()])
    line = f"SLOTLOG-CTL/1 {verb} {t} {nonce} {mac}"
    variant = rng.randrange(8)
    if variant == 1:
        line = line.replace(" ", "  ")
    elif variant == 2:
        line += "\n"
    elif variant == 3:
        line = line.replace("/1", rng.choice(["/2", "/0", "", "/1.0"]))
    elif variant == 4:
        line = " ".join(line.split(" ")[:rng.randrange(1, 5)])
    elif variant == 5:
        return marshal.dumps(line)
    elif variant == 6:
        return json.dumps({"msg": line}).encode()
    elif variant == 7:
        line = line.lower() + "\0"
    return line.encode()


def corpus_seeds():
    seeds = [p.read_bytes() for folder in ("decode", "marshal") for p in sorted((CORPUS / folder).glob("*"))]
    return seeds + [normal_payload(i)[0] for i in range(6)]


def mutate(rng, seeds):
    p = bytearray(rng.choice(seeds))
    for _ in range(rng.randrange(1, 5)):
        op = rng.randrange(6)
        pos = rng.randrange(len(p) + 1)
        if op == 0 and p:
            p[min(pos, len(p) - 1)] = rng.randrange(256)
        elif op == 1:
            p[pos:pos] = rng.randbytes(rng.randrange(1, 8))
        elif op == 2:
            del p[pos:pos + rng.randrange(1, 8)]
        elif op == 3:
            del p[pos:]
        elif op == 4:
            p[pos:pos] = rng.choice(FRAGMENTS)
        else:
            other = rng.choice(seeds)
            p[pos:] = other[rng.randrange(len(other) + 1):]
    return bytes(p)


def maximum_size(rng, size):
    """A message of exactly `size` bytes, of some kind."""
    kind = rng.randrange(10)
    if kind == 0:
        return rng.randbytes(size)
    if kind == 1:
        return b"A" * size
    if kind == 2:
        head = b'{"msg":"'
        return head + b"j" * (size - len(head) - 2) + b'"}'
    if kind == 3:
        head = b"<13>1 - - - - - - "
        return head + b"s" * (size - len(head))
    if kind == 4:
        return b"s" + u32(size - 5) + rng.randbytes(size - 5)
    if kind == 5:
        return b"a" + u32(size - 5) + b"a" * (size - 5)
    if kind == 6:
        return bytes(i % 32 for i in range(size))  # controls only: 4 output bytes per byte
    if kind == 7:
        return b"\xff" * size
    if kind == 8:
        return b"\xc2\x85" * (size // 2) + b"x" * (size % 2)  # c1 controls: 6 output bytes each
    return (b"\n" + FORGED) * (size // (len(FORGED) + 1)) + b"z" * (size % (len(FORGED) + 1))


def random_bytes(rng):
    r = rng.random()
    n = rng.randrange(64) if r < 0.7 else rng.randrange(64, 512) if r < 0.99 else rng.randrange(512, 8192)
    return rng.randbytes(n)


def hostile_mix(rng, count):
    """`count` hostile datagrams: (category, payload), shuffled deterministically."""
    seeds = corpus_seeds()
    shares = [("random", 0.36, random_bytes), ("empty", 0.02, lambda r: b""),
              ("terminators", 0.01, lambda r: r.choice([b"\n", b"\r\n", b"\0", b"\0\0\0", b"\r", b"\n\r\0"])),
              ("fragments", 0.14, lambda r: b"".join(r.choice(FRAGMENTS) for _ in range(r.randrange(1, 20)))),
              ("json", 0.14, hostile_json), ("syslog", 0.09, hostile_syslog), ("marshal", 0.09, hostile_marshal),
              ("format", 0.02, lambda r: r.choice(FORMAT_STRINGS)), ("stop", 0.01, hostile_stop),
              ("control", 0.02, hostile_control), ("mutation", 0.10, lambda r: mutate(r, seeds))]
    mix = []
    for name, share, make in shares:
        mix += [(name, make(rng)) for _ in range(int(count * share))]
    for _ in range(40):
        mix.append(("max", maximum_size(rng, MAX)))
    for size in [MAX + 1, MAX + 2, MAX + 100, 100_000, 131_072] * 4:
        mix.append(("oversize", maximum_size(rng, size)))
    while len(mix) < count:
        mix.append(("random", random_bytes(rng)))
    rng.shuffle(mix)
    return mix


# ---- normal messages: payload, and the text line expected (a suffix after the time if it starts with a space) ----

NORMAL_TIME = "2026-11-24T21:17:35.539204Z"


def normal_payload(i):
    kind = i % 6
    if kind == 0:
        text = f"normal-{i} text caf\u00e9 \u2603 \u65e5\u672c {{}} %s%n [-]: x"
        return text.encode(), f" INFO - -[-]: {text}"
    if kind == 1:
        doc = {"msg": f"normal-{i} json \"q\" tab\t\u00e9", "level": "warning", "app": "norm-app", "host": "NORMHOST",
               "pid": i, "seq": i, "time": NORMAL_TIME, "extra": {"k": [1, 2]}}
        return (json.dumps(doc).encode(),
                f"{NORMAL_TIME} WARNING NORMHOST norm-app[{i}]: normal-{i} json \"q\" tab\\t\u00e9")
    if kind == 2:
        return (f'<165>1 2026-11-24T21:17:35.000001Z host5424 app5424 {i} ID{i} [ex@1 k="v"] normal-{i} 5424'.encode(),
                f"2026-11-24T21:17:35.000001Z NOTICE host5424 app5424[{i}]: normal-{i} 5424")
    if kind == 3:
        return (f"<12>Nov 24 21:17:35 host3164 app3164[{i}]: normal-{i} 3164\n".encode(),
                f" WARNING host3164 app3164[{i}]: normal-{i} 3164")
    if kind == 4:
        return marshal.dumps(f"normal-{i} marshal \u00fc"), f" INFO - -[-]: normal-{i} marshal \u00fc"
    return marshal.dumps(marshal.dumps(f"normal-{i} double\n")), f" INFO - -[-]: normal-{i} double"


# ---- reading the output ----

def no_constants(name):
    raise ValueError(f"{name} is not json")


def unique_pairs(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys {keys}"
    return dict(pairs)


def read_entries(text_path, json_path):
    """Both outputs, line by line: (text line, json object). Checks the shape of every line."""
    text_raw = text_path.read_bytes()
    json_raw = json_path.read_bytes()
    assert text_raw.endswith(b"\n") and json_raw.endswith(b"\n")
    text_lines = text_raw[:-1].split(b"\n")
    json_lines = json_raw[:-1].split(b"\n")
    assert len(text_lines) == len(json_lines), "the text and json outputs differ in entries"
    out = []
    for n, (t, j) in enumerate(zip(text_lines, json_lines)):
        line = t.decode("utf-8")  # strict: invalid utf-8 fails here
        assert not RAW_CONTROL.search(line), f"line {n} holds a raw control character: {line!r}"
        m = TEXT_LINE.fullmatch(line)
        assert m, f"line {n} is not `time LEVEL host app[pid]: msg`: {line!r}"
        jline = j.decode("utf-8")
        assert not RAW_CONTROL.search(jline), f"json line {n} holds a raw control character: {jline!r}"
        obj = json.loads(jline, object_pairs_hook=unique_pairs, parse_constant=no_constants)
        assert isinstance(obj, dict) and list(obj)[:8] == BASE_KEYS, f"json line {n}: {jline!r}"
        assert TIME_RE.fullmatch(obj["time"]) and obj["level"] in LEVELS, jline
        for key in ("host", "app", "slot"):
            assert obj[key] is None or (isinstance(obj[key], str) and obj[key]), jline
        for key in ("pid", "seq"):
            assert obj[key] is None or type(obj[key]) is int, jline
        assert isinstance(obj["msg"], str)
        # the two lines of one entry agree
        time_, label, host, app, pid, msg = m.groups()
        assert time_ == obj["time"] and label == obj["level"].upper(), (line, jline)
        assert host == text_field(obj["host"]) and app == text_field(obj["app"]), (line, jline)
        assert pid == ("-" if obj["pid"] is None else str(obj["pid"])), (line, jline)
        assert msg == obj["msg"], (line, jline)
        out.append((line, obj))
    return out


def text_field(value):
    return "-" if value is None else value.replace(" ", "\\x20")


def is_own(obj):
    return obj["slot"] == "slotlogd" and obj["app"] == "slotlogd"


def udp_stats():
    """The kernel's count of udp datagrams it dropped on receive (in this network namespace)."""
    lines = [l.split() for l in Path("/proc/net/snmp").read_text().splitlines() if l.startswith("Udp:")]
    stats = dict(zip(lines[0][1:], map(int, lines[1][1:])))
    return stats.get("RcvbufErrors", 0) + stats.get("InErrors", 0)


# ---- the test ----

def test_hostile_datagrams_then_normal_ones(tmp_path, collectors):
    rng = random.Random(SEED)
    port = free_udp_port()
    text_log, json_log = tmp_path / "hostile.log", tmp_path / "hostile.json"
    config = {
        "inputs": [{"type": "mailslot", "name": "logger"},
                   {"type": "udp", "bind": f"127.0.0.1:{port}", "max_message_size": UDP_MAX}],
        "outputs": [{"type": "file", "path": str(text_log), "max_size": "4GiB", "max_files": 2},
                    {"type": "file", "path": str(json_log), "max_size": "4GiB", "max_files": 2, "format": "json"}],
        # everything fits: a drop here would be a drop of the test's own making
        "queue": {"max_entries": 1 << 20},
        # the mix repeats itself (empty datagrams, stamped json): the one-to-one
        # check below needs every copy; repeats are test_netbios.py's business
        "dedup": {"window_ms": 0},
    }
    c = collectors(config).wait_ready(text_log)

    hostile = hostile_mix(rng, 110_000)
    late_hostile = hostile_mix(rng, 3_000)
    normals = [normal_payload(i) for i in range(3_000)]

    unix_sent = []    # (category, payload, expected text line or None), in order
    udp_sent = []
    udp_normals = []
    udp_lost_before = udp_stats()
    started = time.monotonic()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as unix, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        unix.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        target = str(c.socket_path())

        def send(category, payload, expected=None):
            udp_ok = (category not in ("oversize", "stop", "control") and len(payload) <= UDP_PAYLOAD_MAX and
                      not is_plain_stop(payload) and not is_control_like(payload))
            if expected is None and udp_ok and rng.random() < UDP_SHARE:
                udp.sendto(payload, ("127.0.0.1", port))
                udp_sent.append(payload)
            else:
                unix.sendto(payload, target)
                unix_sent.append((category, payload, expected))

        for category, payload in hostile:
            send(category, payload)
        for n, (category, payload) in enumerate(late_hostile):
            if n < len(normals):
                send("normal", *normals[n])
            send(category, payload)
        # udp datagrams one above the input's limit, and a few normal ones at the end
        for size in (UDP_MAX, UDP_MAX + 1, 8192, UDP_PAYLOAD_MAX):
            payload = b"u" * size
            udp.sendto(payload, ("127.0.0.1", port))
            udp_sent.append(payload)
        for i in range(200):
            payload = json.dumps({"msg": f"udp-normal-{i}", "app": "udpnorm", "pid": i}).encode()
            udp.sendto(payload, ("127.0.0.1", port))
            udp_normals.append(payload)
    sent_in = time.monotonic() - started

    assert c.proc.poll() is None, f"slotlogd died under hostile input: {c.stderr()}"
    assert c.stop(timeout=240) == 0, c.stderr()
    stopped_in = time.monotonic() - started
    udp_kernel_lost = udp_stats() - udp_lost_before

    entries = read_entries(text_log, json_log)
    assert not list(tmp_path.glob("hostile.1.*")), "the outputs rotated"

    # ---- the collector's own lines and the counts ----
    start = next(n for n, (line, obj) in enumerate(entries) if is_own(obj) and "started" in obj["msg"])
    summary_line, summary = entries[-1]
    assert is_own(summary) and summary["msg"].startswith("slotlogd stopping: "), summary_line
    counts = re.search(r"(\d+) messages received, (\d+) entries written, (\d+) dropped", summary["msg"])
    received, written, dropped = map(int, counts.groups())
    assert written == len(entries) - 1, "the summary counts every entry written but itself"
    own = [obj["msg"] for _, obj in entries if is_own(obj)]
    assert not [m for m in own if "queue was full" in m], "the queue overflowed though it holds everything"

    # ---- the unix datagrams, in order: each one entry, one STOP warning or one counted drop ----
    udp_slot = f"udp:127.0.0.1:{port}"
    udp_entries = [(line, obj) for line, obj in entries[start + 1:-1] if obj["slot"] == udp_slot]
    udp_drops = [obj["msg"] for _, obj in entries[start + 1:-1]
                 if is_own(obj) and obj["msg"].startswith("message dropped: ") and udp_slot in obj["msg"]]
    unix_entries = [(line, obj) for line, obj in entries[start + 1:-1]
                    if obj["slot"] == "logger" or (is_own(obj) and udp_slot not in obj["msg"])]
    unix_drops = stops = controls_rejected = 0
    k = 0
    for n, (category, payload, expected) in enumerate(unix_sent):
        assert k < len(unix_entries), f"datagram {n} ({category}, {payload[:200]!r}) and those after left no line"
        line, obj = unix_entries[k]
        k += 1
        where = f"datagram {n} ({category}, {len(payload)} bytes, {payload[:200]!r}) -> {line[:400]!r}"
        if len(payload) > MAX:
            assert is_own(obj) and obj["msg"].startswith("message dropped: "), where
            assert f" {len(payload)} bytes" in obj["msg"], where
            unix_drops += 1
        elif is_plain_stop(payload):
            assert is_own(obj) and obj["level"] == "warning" and "plain STOP" in obj["msg"], where
            stops += 1
        elif is_own(obj):
            assert is_control_like(payload) and obj["level"] == "warning", where
            controls_rejected += 1
        else:
            assert obj["slot"] == "logger", where
            if expected is not None:  # a normal message, intact
                assert line.endswith(expected) if expected.startswith(" ") else line == expected, where
            elif category == "format":  # data, never a format string
                assert obj["msg"] == payload.decode().replace("\0", "\\x00"), where
    assert k == len(unix_entries), f"{len(unix_entries) - k} entries more than unix datagrams: {unix_entries[k][0]!r}"
    assert stops == sum(is_plain_stop(p) for _, p, _ in unix_sent) > 0
    assert unix_drops == sum(len(p) > MAX for _, p, _ in unix_sent) > 0

    # ---- udp: what the kernel delivered became one entry or one counted drop ----
    udp_all = udp_sent + udp_normals
    udp_received = len(udp_entries) + len(udp_drops)
    assert udp_received <= len(udp_all)
    assert len(udp_all) - udp_received <= udp_kernel_lost, \
        f"{len(udp_all) - udp_received} udp datagrams lost, the kernel dropped only {udp_kernel_lost}"
    assert len(udp_drops) <= sum(len(p) > UDP_MAX for p in udp_all)
    got = [obj["msg"] for _, obj in udp_entries if obj["app"] == "udpnorm"]
    assert len(got) == len(set(got))
    if udp_kernel_lost == 0:
        assert len(udp_drops) == sum(len(p) > UDP_MAX for p in udp_all)
        assert got == [f"udp-normal-{i}" for i in range(200)]

    # ---- the counts add up ----
    unix_received = len(unix_sent) - unix_drops
    assert received == unix_received + len(udp_entries), (received, unix_received, len(udp_entries))
    assert dropped == unix_drops + len(udp_drops)

    hostile_count = len(unix_sent) + len(udp_sent) - len(normals)
    assert hostile_count >= 100_000
    print(f"\n{hostile_count} hostile datagrams ({len(unix_sent) - len(normals)} unix, {len(udp_sent)} udp), "
          f"{len(normals)} normal unix, {len(udp_normals)} normal udp; {stops} STOP warnings, "
          f"{unix_drops} unix drops, {len(udp_drops)} udp drops, {controls_rejected} control rejections, "
          f"{udp_kernel_lost} kernel udp drops; sent in {sent_in:.1f}s, stopped after {stopped_in:.1f}s")


# ---- spoofed stamps: they reach only the stamp they copy ----

GAP_WARNING = re.compile(r"^(.*): (\d+) messages? missing \(seq (-?\d+)(?: to (-?\d+))?\)$")


def test_spoofed_stamps_hide_no_other_message_and_gap_warnings_stay_few(tmp_path, collectors):
    rng = random.Random(SEED + 1)
    log = tmp_path / "spoof.json"
    config = {
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [{"type": "file", "path": str(log), "max_size": "1GiB", "max_files": 2, "format": "json"}],
        "dedup": {"window_ms": 2000},
    }
    c = collectors(config).wait_ready(log)

    def stamp(host, pid, seq, msg, app="genuine"):
        return json.dumps({"msg": msg, "app": app, "host": host, "pid": pid, "seq": seq}).encode()

    genuine = {k: [stamp(f"G{k}", k, seq, f"genuine {k} {seq}") for seq in range(1, 201)] for k in range(4)}
    hostile = []
    for _ in range(3000):
        r = rng.random()
        k, seq = rng.randrange(2), rng.randrange(1, 201)
        if r < 0.4:
            # another text under a genuine stamp of G0 or G1
            hostile.append(stamp(f"G{k}", k, seq, f"forged {k} {seq}"))
        elif r < 0.6:
            # wild numbers under their keys: false gaps and restarts, for those keys only
            hostile.append(stamp(f"G{k}", k, rng.choice([0, -5, 10**12, 2**63 - 1, -2**63]), "wild"))
        else:
            # a sender of its own that skips numbers: a gap a message
            hostile.append(stamp("EVIL", 666, rng.randrange(10**9), "gap flood", app="evil"))
    hostile_copies = len(hostile) - len(set(hostile))
    sent_genuine = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        target = str(c.socket_path())
        queues = {k: list(v) for k, v in genuine.items()}
        while any(queues.values()) or hostile:
            choices = [k for k, q in queues.items() if q] + (["h"] * 3 if hostile else [])
            pick = rng.choice(choices)
            if pick == "h":
                s.sendto(hostile.pop(), target)
            else:
                p = queues[pick].pop(0)
                s.sendto(p, target)
                sent_genuine.append(json.loads(p)["msg"])
    assert c.stop() == 0, c.stderr()
    got = [json.loads(l) for l in log.read_text().splitlines()]

    # every genuine message, once, whatever was spoofed around it
    logged = [e["msg"] for e in got if e["app"] == "genuine" and e["msg"].startswith("genuine ")]
    assert sorted(logged) == sorted(sent_genuine)
    assert len(logged) == 800
    # forged texts are entries of their own, never instead of a genuine one
    assert all(e["msg"] != "genuine" for e in got if e["msg"].startswith("forged"))
    # the senders nobody spoofed were never said to miss anything
    own = [e["msg"] for e in got if is_own(e)]
    gaps = [GAP_WARNING.match(m).group(1) for m in own if GAP_WARNING.match(m)]
    assert not [g for g in gaps if g.startswith(("G2 ", "G3 "))], gaps
    # a gap a message from EVIL: a few warnings a minute, and one that sums up the rest
    assert len(gaps) <= 20, gaps
    assert any("more gaps in stamped senders' numbers were not reported one by one" in m for m in own)
    # the only copies dropped were the hostile sender's own payloads sent again
    summary = own[-1]
    repeats = int(re.search(r"(\d+) repeats dropped", summary).group(1))
    assert summary.startswith("slotlogd stopping: ") and repeats <= hostile_copies, summary
