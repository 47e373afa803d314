"""`slotlog send` to slots on other machines: the remote mailslot write as a
NetBIOS datagram over UDP, caught on loopback ports and taken apart here,
byte by byte, independently of the C++ decoder."""
import json
import shutil
import socket
import subprocess

import pytest

from conftest import BIN, entries, file_config, read_lines, slotlog, wait_for
from netbios_wire import Receiver, parse

BROADCAST = r"\\*\mailslot\logger"


@pytest.fixture
def receivers():
    made = []

    def make():
        r = Receiver()
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def this_netbios_name():
    return socket.gethostname().split(".")[0].upper()[:15]


def send(*args, env):
    """slotlog send ARGS; returns (pid, completed process)"""
    p = subprocess.Popen([str(BIN / "slotlog"), "send", *args], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=60)
    return p.pid, subprocess.CompletedProcess(p.args, p.returncode, out, err)


def check_stamp(data, msg, pid, seq):
    j = json.loads(data)
    assert j["msg"] == msg
    assert j["host"] == socket.gethostname()
    assert j["pid"] == pid
    assert j["seq"] == seq
    assert "time" in j


def test_broadcast_over_the_mailslot_protocol(env, receivers):
    netbios, other = receivers(), receivers()
    pid, r = send("-s", BROADCAST, "--to", "127.0.0.1", "--netbios-port", str(netbios.port),
                  "--broadcast-port", str(other.port), "hello", "world", env=env)
    assert r.returncode == 0, r.stderr
    got = [parse(netbios.receive()), parse(netbios.receive())]
    assert netbios.receive(0.3) is None, "one datagram per message"
    assert other.receive(0.05) is None, "auto on linux is the mailslot protocol only"
    for d, (msg, seq) in zip(got, [("hello", 1), ("world", 2)]):
        assert d["type"] == 0x11  # direct group
        assert d["destination"] == ("WORKGROUP", 0)
        assert d["source"] == (this_netbios_name(), 0)
        assert d["source_ip"] == "127.0.0.1"
        assert d["source_port"] == 138
        assert d["mailslot"] == r"\MAILSLOT\LOGGER"
        assert d["timeout"] == 1000
        check_stamp(d["data"], msg, pid, seq)
    assert got[0]["id"] != got[1]["id"]


def test_broadcast_transport_goes_to_the_broadcast_port(env, receivers):
    port, netbios = receivers(), receivers()
    r = slotlog("send", "-s", BROADCAST, "--transport", "broadcast", "--broadcast-port", str(port.port),
                "--netbios-port", str(netbios.port), "--to", "127.0.0.1", "--workgroup", "corp",
                "--raw", "<13>exactly this", env=env)
    assert r.returncode == 0, r.stderr
    d = parse(port.receive())
    assert d["type"] == 0x11
    assert d["destination"] == ("CORP", 0)
    assert d["data"] == b"<13>exactly this"
    assert netbios.receive(0.3) is None


def test_both_sends_to_each_port(env, receivers):
    port, netbios = receivers(), receivers()
    pid, r = send("-s", BROADCAST, "--transport", "both", "--to", "127.0.0.1", "--broadcast-port", str(port.port),
                  "--netbios-port", str(netbios.port), "twice", env=env)
    assert r.returncode == 0, r.stderr
    a, b = parse(port.receive()), parse(netbios.receive())
    check_stamp(a["data"], "twice", pid, 1)
    assert a["data"] == b["data"], "the same message, seq included, so a collector can drop the repeat"
    assert port.receive(0.3) is None and netbios.receive(0.05) is None


def test_a_host_gets_a_unique_datagram(env, receivers):
    port = receivers()
    pid, r = send("-s", r"\\127.0.0.1\mailslot\Billing", "--transport", "broadcast", "--broadcast-port", str(port.port),
                  "-a", "billing", "to one host", env=env)
    assert r.returncode == 0, r.stderr
    d = parse(port.receive())
    assert d["type"] == 0x10  # direct unique
    assert d["destination"] == ("127.0.0.1", 0)  # a dotted address is its own netbios name
    assert d["mailslot"] == r"\MAILSLOT\BILLING"
    check_stamp(d["data"], "to one host", pid, 1)
    assert json.loads(d["data"])["app"] == "billing"


def test_environment_variables(env, receivers):
    port, netbios = receivers(), receivers()
    env.update(SLOTLOG_TRANSPORT="broadcast", SLOTLOG_BROADCAST_PORT=str(port.port),
               SLOTLOG_NETBIOS_PORT=str(netbios.port), SLOTLOG_BROADCAST_TO="127.0.0.1,",
               SLOTLOG_WORKGROUP="accounts")
    pid, r = send("-s", BROADCAST, "from the environment", env=env)
    assert r.returncode == 0, r.stderr
    d = parse(port.receive())
    assert d["destination"] == ("ACCOUNTS", 0)
    check_stamp(d["data"], "from the environment", pid, 1)
    assert netbios.receive(0.3) is None

    # an option beats its variable
    slotlog("send", "-s", BROADCAST, "--transport", "mailslot", "--workgroup", "other", "options win", env=env)
    d = parse(netbios.receive())
    assert d["destination"] == ("OTHER", 0)
    assert json.loads(d["data"])["msg"] == "options win"
    assert port.receive(0.3) is None


def test_bad_values_are_usage_errors(env):
    cases = [
        (["--transport", "udp", "x"], "--transport", "udp"),
        (["--netbios-port", "0", "x"], "--netbios-port", "not a port number"),
        (["--broadcast-port", "65536", "x"], "--broadcast-port", "not a port number"),
        (["--broadcast-port", "x1", "x"], "--broadcast-port", "'x1'"),
        (["--workgroup", "SIXTEEN-CHARS-XX", "x"], "--workgroup", "at most 15"),
        (["--to", "a b", "x"], "--to", "not an ipv4 address"),
        (["--to"], "--to", "needs a value"),
    ]
    for args, option, why in cases:
        r = slotlog("send", "-s", BROADCAST, *args, env=env, check=False)
        err = r.stderr.decode()
        assert r.returncode == 2, (args, err)
        assert option in err and why in err, (args, err)
    for name, value in [("SLOTLOG_TRANSPORT", "tcp"), ("SLOTLOG_BROADCAST_PORT", "http"),
                        ("SLOTLOG_WORKGROUP", "A B")]:
        r = slotlog("send", "-s", BROADCAST, "x", env=dict(env, **{name: value}), check=False)
        err = r.stderr.decode()
        assert r.returncode == 2, (name, err)
        assert f"{name}='{value}'" in err, err


def test_nothing_is_sent_when_the_message_is_too_long(env, receivers):
    port = receivers()
    r = slotlog("send", "-s", BROADCAST, "--transport", "both", "--to", "127.0.0.1", "--raw",
                "--broadcast-port", str(port.port), "--netbios-port", str(port.port), "x" * 425, env=env, check=False)
    assert r.returncode == 1
    assert "limited to 424 bytes" in r.stderr.decode()
    assert port.receive(0.3) is None
    r = slotlog("send", "-s", BROADCAST, "--transport", "broadcast", "--to", "127.0.0.1", "--raw",
                "--broadcast-port", str(port.port), "y" * 424, env=env)
    assert parse(port.receive())["data"] == b"y" * 424


def test_no_destination_is_a_failure_naming_it(env):
    r = slotlog("send", "-s", BROADCAST, "--to", "slotlog-no-such-host.invalid", "lost", env=env, check=False)
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert r"cannot send to '\\*\mailslot\logger' over the network: slotlog-no-such-host.invalid: " in err, err


def test_a_local_collector_still_gets_broadcasts(tmp_path, env, collectors, receivers):
    netbios = receivers()
    log = tmp_path / "logs/slotlog.log"
    collectors(file_config(log)).wait_ready(log)
    slotlog("send", "-s", BROADCAST, "--to", "127.0.0.1", "--netbios-port", str(netbios.port), "-a", "net",
            "here and there", env=env)
    assert json.loads(parse(netbios.receive())["data"])["msg"] == "here and there"
    wait_for(lambda: entries(read_lines(log), "net") == ["here and there"], what="the local entry")


def test_usage_lists_the_network_options(env):
    out = slotlog("--help", env=env).stdout.decode()
    for option in ["--transport", "--netbios-port", "--broadcast-port", "--to ADDR", "--workgroup",
                   "SLOTLOG_TRANSPORT", "SLOTLOG_BROADCAST_TO"]:
        assert option in out, option


def test_without_a_network(env):
    """no interface to broadcast on: a broadcast nobody can hear is no error,
    as on windows; a host that cannot be reached is"""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode:
        pytest.skip("needs unshare -rn (a network namespace)")

    def isolated(*args):
        return subprocess.run(["unshare", "-rn", str(BIN / "slotlog"), "send", *args], env=env,
                              capture_output=True, timeout=60)

    r = isolated("-s", BROADCAST, "nobody hears this")
    assert r.returncode == 0, r.stderr
    r = isolated("-s", r"\\192.0.2.1\mailslot\logger", "lost")
    assert r.returncode == 1
    assert "192.0.2.1:138: Network is unreachable" in r.stderr.decode(), r.stderr
