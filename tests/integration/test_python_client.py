"""The Python package (client/python), installed as a user would.

`pip install` into a fresh venv from the source folder, offline (--no-index),
then, with that venv's python and the real slotlogd: the handler's levels, app,
extra fields and stamps; a repeat collapsed and a gap reported as for C++
senders; the network datagrams byte for byte those of the C++ client (and of
wire_sample, given the same fields); the cookbook's two examples; the same
error messages as the C++ client. And the standard library's SysLogHandler
one-liners that the README offers.
"""
import ast
import json
import os
import re
import socket
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import BIN, entries, file_config, free_udp_port, read_lines, slotlog, wait_for

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "client/python"
EXAMPLES = PACKAGE / "examples"
GAP = re.compile(r"^(.*): (\d+) messages? missing \(seq (\d+) to (\d+)\)$")


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """a fresh venv with slotlog installed from the source folder, offline: its python"""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / "bin/python"
    r = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--no-cache-dir",
                        "--disable-pip-version-check", str(PACKAGE)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Successfully installed slotlog-" in r.stdout, r.stdout
    return python


def clean_env(env=None, **changes):
    """env (or this process's) without anything that would find slotlog in the source tree"""
    e = {k: v for k, v in (env or os.environ).items() if not k.startswith(("PYTHON", "SLOTLOG_"))}
    if env and "SLOTLOG_RUNTIME_DIR" in env:
        e["SLOTLOG_RUNTIME_DIR"] = env["SLOTLOG_RUNTIME_DIR"]
    e.update({k: str(v) for k, v in changes.items()})
    return e


def run_python(python, script, env, *args, check=True, cwd="/"):
    r = subprocess.run([str(python), "-c", script, *map(str, args)], env=env, capture_output=True, text=True,
                       timeout=60, cwd=cwd)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def json_entries(log):
    return [json.loads(l) for l in read_lines(log)]


def start_json(collectors, tmp_path, inputs, args=(), **config):
    log = tmp_path / "out.log"
    cfg = file_config(log, inputs, format="json")
    cfg.update(config)
    c = collectors(cfg, args=args)
    wait_for(lambda: any("started" in e["msg"] for e in json_entries(log)), what="slotlogd to start")
    return c, log


def cmake_version():
    return re.search(r"project\(slotlog VERSION ([0-9.]+)", (REPO / "CMakeLists.txt").read_text()).group(1)


# ---- the package ----

def test_pip_installs_it_offline_into_a_fresh_venv(venv):
    r = run_python(venv, "import slotlog, sys; print(slotlog.__file__); print(slotlog.__version__)", clean_env())
    where, version = r.stdout.split()
    assert Path(where).is_relative_to(venv.parent.parent), where  # the installed copy, not the sources
    assert version == cmake_version()
    r = run_python(venv, "import importlib.metadata as m; d = m.distribution('slotlog'); "
                         "print(d.version, d.metadata['Requires-Python'], d.read_text('WHEEL').count('py3-none-any'))",
                   clean_env())
    assert r.stdout.split() == [cmake_version(), ">=3.8", "1"]


def test_the_sdist_installs_offline_too(venv, tmp_path):
    """the backend's other hook: a source archive that pip installs as well"""
    r = run_python("/usr/bin/python3", "import sys, slotlog_build; print(slotlog_build.build_sdist(sys.argv[1]))",
                   clean_env(PYTHONPATH=PACKAGE / "_build", PYTHONDONTWRITEBYTECODE=1), tmp_path)
    sdist = tmp_path / r.stdout.strip()
    assert sdist.name == f"slotlog-{cmake_version()}.tar.gz"
    r = subprocess.run([str(venv), "-m", "pip", "install", "--no-index", "--no-cache-dir", "--force-reinstall",
                        "--disable-pip-version-check", str(sdist)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "Successfully installed slotlog-" in r.stdout, r.stdout + r.stderr


def test_the_sources_parse_as_python_3_8():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 8
    for f in files:
        ast.parse(f.read_text(), str(f), feature_version=(3, 8))


# ---- the handler ----

HANDLER_SCRIPT = """
import logging, os, socket, sys, slotlog
billing = logging.getLogger("billing")
billing.setLevel(1)
billing.addHandler(slotlog.Handler())
other = logging.getLogger("other.module")
other.addHandler(slotlog.Handler("LOGGER", app="payments"))
billing.log(5, "trace")
billing.debug("debug")
billing.info("info %s", "formatted")
billing.log(25, "notice")
billing.warning("warning", extra={"disk": "D:", "free": 0.5, "count": 3, "tags": ["a", "b"], "level": "mine",
                                  "thing": object()})
billing.error("error")
billing.critical("critical")
other.warning("from payments")
try:
    1 / 0
except ZeroDivisionError:
    billing.exception("failed")
logging.basicConfig(level=logging.INFO, handlers=[slotlog.Handler(app="root app")])
logging.info("by basicConfig")
print(os.getpid(), socket.gethostname())
"""


def test_the_handler_sends_levels_app_extra_fields_and_stamps(venv, collectors, tmp_path, env):
    c, log = start_json(collectors, tmp_path, [{"type": "mailslot", "name": "logger"}])
    before = datetime.now(timezone.utc)
    pid, host = run_python(venv, HANDLER_SCRIPT, clean_env(env)).stdout.split()
    assert c.stop() == 0
    got = [e for e in json_entries(log) if e["app"] != "slotlogd"]
    billing = [e for e in got if e["app"] == "billing"]
    assert [(e["level"], e["msg"]) for e in billing[:7]] == [
        ("trace", "trace"), ("debug", "debug"), ("info", "info formatted"), ("notice", "notice"),
        ("warning", "warning"), ("error", "error"), ("critical", "critical")]
    # the stamp: numbered per app from 1, this process's host and pid, the record's time
    assert [e["seq"] for e in billing] == list(range(1, 9))
    assert {(e["host"], e["pid"]) for e in got} == {(host, int(pid))}
    for e in got:
        t = datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        assert 0 <= (t - before).total_seconds() < 60, e
    # extra fields as they are (a name of the message's own is extra_<name>; json-less values as text)
    warning = billing[4]
    assert {k: warning[k] for k in ("disk", "free", "count", "tags", "extra_level")} == {
        "disk": "D:", "free": 0.5, "count": 3, "tags": ["a", "b"], "extra_level": "mine"}
    assert warning["thing"].startswith("<object object at ")
    assert billing[7]["level"] == "error" and billing[7]["msg"].startswith("failed\\nTraceback (most recent call")
    payments = [e for e in got if e["app"] == "payments"]
    assert [(e["level"], e["msg"], e["seq"]) for e in payments] == [("warning", "from payments", 1)]
    # basicConfig's format is not the message's: the handler keeps its own
    assert [(e["level"], e["msg"]) for e in got if e["app"] == "root app"] == [("info", "by basicConfig")]


STAMP_SCRIPT = """
import logging, sys, slotlog
log = logging.getLogger("app")
log.addHandler(slotlog.Handler(app="stamped"))
log.warning("from python")
"""


def test_the_stamp_is_the_cpp_clients(venv, tmp_path, env):
    """the same keys in the same order, the same time format: what the collector's rules read"""
    runtime = Path(env["SLOTLOG_RUNTIME_DIR"])
    runtime.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as slot:
        slot.bind(str(runtime / "logger"))
        slot.settimeout(10)
        slotlog("send", "-a", "stamped", "-l", "warning", "from c++", env=env)
        cpp = json.loads(slot.recv(65536))
        run_python(venv, STAMP_SCRIPT, clean_env(env))
        python = json.loads(slot.recv(65536))
    assert list(cpp) == list(python) == ["msg", "level", "app", "host", "pid", "seq", "time"]
    assert [cpp[k] for k in ("level", "app", "host", "seq")] == [python[k] for k in ("level", "app", "host", "seq")]
    for stamp in (cpp, python):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stamp["time"]), stamp


REPEAT_SCRIPT = """
import logging, sys, slotlog
from slotlog._handler import next_seq
p138, p5138 = int(sys.argv[1]), int(sys.argv[2])
log = logging.getLogger("billing")
log.addHandler(slotlog.Handler(r"\\\\*\\mailslot\\logger", transport="both", broadcast_to=["127.0.0.1"],
                               netbios_port=p138, broadcast_port=p5138))
for _ in range(3):
    log.error("disk full on D:")   # seq 1 to 3, each over both ports
log.warning("before the gap")      # seq 4
for _ in range(5):
    next_seq("logger", "billing")  # seq 5 to 9: lost on the way
log.warning("after the gap")       # seq 10
print(__import__("socket").gethostname(), __import__("os").getpid())
"""


def test_repeats_are_collapsed_and_gaps_reported_as_for_cpp_senders(venv, collectors, tmp_path, env):
    p138, p5138 = free_udp_port(), free_udp_port()
    c, log = start_json(collectors, tmp_path, [
        {"type": "netbios", "bind": f"127.0.0.1:{p138}", "slot": "logger"},
        {"type": "udp", "bind": f"127.0.0.1:{p5138}", "slot": "logger"}], dedup={"window_ms": 300})
    host, pid = run_python(venv, REPEAT_SCRIPT, clean_env(env), p138, p5138).stdout.split()
    own = lambda: [e["msg"] for e in json_entries(log) if e["app"] == "slotlogd"]  # noqa: E731
    wait_for(lambda: any(GAP.match(m) for m in own()), what="the gap warning")
    assert c.stop() == 0
    got = json_entries(log)
    assert [e["msg"] for e in got if e["app"] == "billing"] == ["disk full on D:"] * 3 + [
        "before the gap", "after the gap"]
    gaps = [GAP.match(m).groups() for m in own() if GAP.match(m)]
    assert gaps == [(f"{host} billing[{pid}]", "5", "5", "9")]
    summary = got[-1]["msg"]
    assert "5 repeats dropped" in summary and "5 messages missing" in summary, summary


# ---- the wire ----

WIRE_CASES = [
    # (wire_sample's options, the same fields for slotlog._wire.encode)
    (["--type", "0x11", "--id", "0x1234", "--ip", "192.168.1.20", "--source", "WIN11PC", "--dest", "WORKGROUP",
      "--slot", "logger", "--data", "hello"],
     dict(datagram_type=0x11, datagram_id=0x1234, source_ip="192.168.1.20", source="WIN11PC",
          destination="WORKGROUP", slot="logger", data=b"hello")),
    (["--type", "0x10", "--id", "65535", "--ip", "10.0.0.7", "--port", "5138", "--source", "web01", "--dest",
      "db-server", "--slot", "App\\Logger", "--data-hex", "7b226d7367223a2268c3a9227d00ff"],
     dict(datagram_type=0x10, datagram_id=65535, source_ip="10.0.0.7", source_port=5138, source="web01",
          destination="db-server", slot="App\\Logger", data=bytes.fromhex("7b226d7367223a2268c3a9227d00ff"))),
    (["--type", "0x12", "--source", "A", "--source-suffix", "0x20", "--dest", "MYDOMAIN", "--dest-suffix", "0x1c",
      "--slot", "l", "--fill", "424"],
     dict(datagram_type=0x12, source=("A", 0x20), destination=("MYDOMAIN", 0x1C), slot="l", data=b"x" * 424)),
    (["--mailslot", "\\MAILSLOT\\as\\sent", "--data", ""],
     dict(mailslot="\\MAILSLOT\\as\\sent", data=b"")),
    (["--slot", "x" * 255, "--fill", "176"], dict(slot="x" * 255, data=b"x" * 176)),
]
WIRE_REFUSED = [
    (["--fill", "425"], dict(data=b"x" * 425)),
    (["--slot", "x" * 255, "--fill", "177"], dict(slot="x" * 255, data=b"x" * 177)),
    (["--source", "SIXTEEN-LETTERS!", "--data", "x"], dict(source="SIXTEEN-LETTERS!", data=b"x")),
    (["--dest", "", "--data", "x"], dict(destination="", data=b"x")),
    (["--mailslot", "\\PIPE\\logger", "--data", "x"], dict(mailslot="\\PIPE\\logger", data=b"x")),
    (["--type", "0x13", "--data", "x"], dict(datagram_type=0x13, data=b"x")),
]

ENCODE_SCRIPT = """
import json, sys
from slotlog import _wire
out = []
for fields in json.loads(sys.stdin.read()):
    f = dict(datagram_type=0x11, datagram_id=0, source_ip="192.168.1.20", source_port=138, source="WIN11PC",
             destination="WORKGROUP")
    slot = fields.pop("slot", "logger")
    f["mailslot"] = fields.pop("mailslot", None) or _wire.mailslot_path(slot)
    f.update({k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})
    f["data"] = bytes.fromhex(f["data"])
    try:
        out.append(_wire.encode(**f).hex())
    except ValueError as e:
        out.append("error: %s" % e)
print(json.dumps(out))
"""

def encode_in_python(venv, cases):
    fields = [{**f, "data": f["data"].hex()} for _, f in cases]
    r = subprocess.run([str(venv), "-c", ENCODE_SCRIPT], input=json.dumps(fields), env=clean_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_datagram_is_wire_samples_byte_for_byte(venv):
    python = encode_in_python(venv, WIRE_CASES + WIRE_REFUSED)
    for (args, _), got in zip(WIRE_CASES, python):
        r = subprocess.run([str(BIN / "wire_sample"), *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        assert got == r.stdout.strip(), args
    for (args, _), got in zip(WIRE_REFUSED, python[len(WIRE_CASES):]):
        r = subprocess.run([str(BIN / "wire_sample"), *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2 and got == r.stderr.strip(), (args, got, r.stderr)


class Receiver:
    """udp sockets on every address at two ports: the datagrams both clients send"""

    def __init__(self):
        self.sockets = {}
        for _ in range(2):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", 0))
            s.settimeout(10)
            self.sockets[s.getsockname()[1]] = s
        self.p138, self.p5138 = self.sockets

    def receive(self, counts):
        """counts: {port: datagrams expected}; (port, datagram) sorted, the datagram id zeroed"""
        out = []
        for port, n in counts.items():
            for _ in range(n):
                d = self.sockets[port].recv(2048)
                out.append((port, d[:2] + b"\0\0" + d[4:]))
        for s in self.sockets.values():
            s.setblocking(False)
            try:
                extra = s.recv(2048)
                pytest.fail(f"an unexpected datagram: {extra!r}")
            except BlockingIOError:
                pass
            s.settimeout(10)
        return sorted(out)

    def close(self):
        for s in self.sockets.values():
            s.close()


def broadcast_interfaces():
    """up, non-loopback ipv4 addresses with a broadcast address, as `ip` lists them"""
    out = subprocess.run(["ip", "-o", "-4", "addr", "show", "up"], capture_output=True, text=True, check=True).stdout
    return [l for l in out.splitlines() if " brd " in l and " lo " not in l]


PUT_SCRIPT = "import sys, slotlog; slotlog.mailslot(sys.argv[1]).put(sys.argv[2].encode())"


def test_the_network_datagrams_are_the_cpp_clients_byte_for_byte(venv, tmp_path, env):
    rx = Receiver()
    interfaces = max(len(broadcast_interfaces()), 1)  # none: the limited broadcast
    both = {"SLOTLOG_TRANSPORT": "both"}
    to_me = {"SLOTLOG_BROADCAST_TO": "127.0.0.1"}
    cases = [
        # (slot, environment, {port: datagrams})
        (r"\\*\mailslot\logger", to_me, {rx.p138: 1}),
        (r"\\*\mailslot\logger", {**to_me, **both, "SLOTLOG_WORKGROUP": "accounts"}, {rx.p138: 1, rx.p5138: 1}),
        (r"\\*\mailslot\App\Logger", {**to_me, "SLOTLOG_TRANSPORT": "broadcast"}, {rx.p5138: 1}),
        (r"\\*\mailslot\logger", {"SLOTLOG_BROADCAST_TO": "127.0.0.1, localhost"}, {rx.p138: 2}),
        (r"\\127.0.0.1\mailslot\logger", both, {rx.p138: 1, rx.p5138: 1}),
        (r"\\localhost\mailslot\logger", {}, {rx.p138: 1}),
        (r"\\slotlog-test-domain.invalid\mailslot\logger", to_me, {rx.p138: 1}),
        # every interface's broadcast address, as each client lists them
        (r"\\*\mailslot\logger", {}, {rx.p138: interfaces}),
    ]
    try:
        for slot, changes, counts in cases:
            e = clean_env(env, SLOTLOG_NETBIOS_PORT=rx.p138, SLOTLOG_BROADCAST_PORT=rx.p5138, **changes)
            slotlog("send", "--raw", "-s", slot, "héllo wörld", env=e)
            cpp = rx.receive(counts)
            run_python(venv, PUT_SCRIPT, e, slot, "héllo wörld")
            python = rx.receive(counts)
            assert python == cpp, (slot, changes)
            assert all(d.endswith("héllo wörld".encode()) for _, d in python)
    finally:
        rx.close()


# ---- the cookbook's examples ----

def run_example(venv, name, env):
    r = subprocess.run([str(venv), str(EXAMPLES / name)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_the_network_logger_example_against_slotlogd(venv, collectors, tmp_path, env):
    """words broadcast by a writer show up in the log, and STOP is recognised"""
    log = tmp_path / "logs/slotlog.log"
    e = clean_env(env, SLOTLOG_BROADCAST_TO="127.0.0.1", SLOTLOG_NETBIOS_PORT=free_udp_port())
    c = collectors(file_config(log), args=["--allow-plain-stop"]).wait_ready(log)
    run_example(venv, "network_logger.py", e)
    assert c.proc.wait(timeout=15) == 0, "STOP should end serve"
    lines = read_lines(log)
    assert entries(lines, "-") == ["the", "quick", "brown", "fox"]
    assert any("stop requested by a plain STOP message" in l for l in lines)

    # without --allow-plain-stop the STOP is logged, not obeyed
    log2 = tmp_path / "logs/second.log"
    c = collectors(file_config(log2)).wait_ready(log2)
    run_example(venv, "network_logger.py", e)
    wait_for(lambda: any("plain STOP message on slot logger ignored" in l for l in read_lines(log2)),
             what="the ignored STOP warning")
    assert c.proc.poll() is None
    assert entries(read_lines(log2), "-") == ["the", "quick", "brown", "fox"]


def test_the_local_mailslot_example_against_slotlogd(venv, collectors, tmp_path, env):
    log = tmp_path / "logs/slotlog.log"
    c = collectors(file_config(log, [{"type": "mailslot", "name": "reader"}]),
                   args=["--allow-plain-stop"]).wait_ready(log)
    run_example(venv, "local_mailslot.py", clean_env(env))
    assert c.proc.wait(timeout=15) == 0, "STOP should end serve"
    assert entries(read_lines(log), "-") == "the quick brown fox jumps over the lazy dog".split()


# ---- errors, as the C++ client says them ----

ERROR_SCRIPT = """
import sys, slotlog
try:
    slotlog.mailslot(sys.argv[1]).put(sys.argv[2])
except (ValueError, slotlog.MailslotError) as e:
    print(e)
"""


def test_errors_are_the_cpp_clients(venv, env):
    def both(slot, message="x", **changes):
        e = clean_env(env, **changes)
        cpp = slotlog("send", "--raw", "-s", slot, message, env=e, check=False).stderr.decode()
        python = run_python(venv, ERROR_SCRIPT, e, slot, message).stdout
        return cpp, python

    usage = "\nrun 'slotlog --help' for usage\n"
    for slot in ["", r"\\server", r"\\.\pipe\logger", r"\\.\mailslot\a\\b", "a/b", r"\\\mailslot\x", "..",
                 r"\\.\mailslot\x" + "y" * 255]:
        cpp, python = both(slot)
        assert cpp == "slotlog: " + python.rstrip("\n") + usage, slot
    for variable, value in [("SLOTLOG_WORKGROUP", "a workgroup too long"), ("SLOTLOG_TRANSPORT", "fast"),
                            ("SLOTLOG_NETBIOS_PORT", "0"), ("SLOTLOG_BROADCAST_PORT", "65536"),
                            ("SLOTLOG_BROADCAST_TO", "a b"), ("SLOTLOG_WORKGROUP", "a:b")]:
        cpp, python = both(r"\\*\mailslot\logger", **{variable: value})
        assert cpp == "slotlog: " + python.rstrip("\n") + usage, variable
    # what cannot be sent: too long for the network, no collector (SLOTLOG_RUNTIME_DIR: one socket tried)
    for slot, message in [(r"\\*\mailslot\logger", "x" * 425), (r"\\host\mailslot\app\logger", "x" * 421),
                          ("nobody-reads-this", "x")]:
        cpp, python = both(slot, message)
        assert cpp == "slotlog send: " + python, slot


# ---- the standard library's own handler ----

SYSLOG_SCRIPT = """
import logging, logging.handlers, os, sys
address = sys.argv[1] if sys.argv[2] == "unix" else ("127.0.0.1", int(sys.argv[1]))
# the one-liner
logging.getLogger("plain").addHandler(logging.handlers.SysLogHandler(address=address))
logging.getLogger("plain").warning("plain %s", sys.argv[2])
# with a tag, the entry's app and pid
tagged = logging.handlers.SysLogHandler(address=address)
tagged.setFormatter(logging.Formatter("%(name)s[%(process)d]: %(message)s"))
logging.getLogger("billing").addHandler(tagged)
logging.getLogger("billing").error("tagged %s", sys.argv[2])
print(os.getpid())
"""


def test_the_standard_librarys_syslog_handler_one_liners(collectors, tmp_path, env):
    port = free_udp_port()
    c, log = start_json(collectors, tmp_path, [{"type": "mailslot", "name": "logger"},
                                               {"type": "udp", "bind": f"127.0.0.1:{port}"}])
    unix = run_python("/usr/bin/python3", SYSLOG_SCRIPT, clean_env(env), c.socket_path(), "unix").stdout.strip()
    udp = run_python("/usr/bin/python3", SYSLOG_SCRIPT, clean_env(env), port, "udp").stdout.strip()
    wait_for(lambda: len([e for e in json_entries(log) if e["app"] != "slotlogd"]) == 4, what="four entries")
    assert c.stop() == 0
    got = [(e["level"], e["app"], e["pid"], e["msg"]) for e in json_entries(log) if e["app"] != "slotlogd"]
    assert got == [("warning", None, None, "plain unix"), ("error", "billing", int(unix), "tagged unix"),
                   ("warning", None, None, "plain udp"), ("error", "billing", int(udp), "tagged udp")]
