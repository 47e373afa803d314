"""match and exclude: each entry in exactly the files whose rules take it, an entry that no output
takes counted (never an error), the rules of a reloaded configuration, and check-config's words
for bad rules."""
import json
import signal
import socket
import subprocess

from conftest import BIN, free_udp_port, read_lines, slotlog, wait_for

# name -> the output's rules (every output a text file named after it)
OUTPUTS = {
    "all": {},
    "billing": {"match": {"app": "billing"}},                          # a file for one app
    "errors": {"min_level": "error"},                                  # errors of all apps
    "quiet": {"exclude": {"app": ["healthcheck*", "probe"]}},          # all but health checks
    "web": {"match": {"host": ["web0?", "APP1*"], "slot": "logger"},   # match and exclude together
            "exclude": {"host": "web09", "app": "billing"}},
    "remote": {"match": {"slot": ["udp:*", "audit"]}, "exclude": {"host": "db02"}},
}


def rfc5424(host, app, msg):
    return f"<14>1 2026-11-24T21:17:35.539Z {host} {app} 77 - - {msg}".encode()


def messages_of(path, known):
    """The messages of our entries in the file, in order (the collector's own left out)."""
    out = []
    for line in read_lines(path):
        msg = line.split("]: ", 1)[1] if "]: " in line else ""
        if msg in known:
            out.append(msg)
    return out


def start(tmp_path, collectors, outputs, inputs, stats=None):
    cfg = {"inputs": inputs,
           "outputs": [{"type": "file", "path": str(tmp_path / f"{name}.log"), **rules}
                       for name, rules in outputs.items()]}
    if stats:
        cfg["stats"] = {"interval": stats}
    return cfg, collectors(cfg)


def test_each_entry_goes_exactly_where_its_rules_send_it(tmp_path, env, collectors):
    port = free_udp_port()
    inputs = [{"type": "mailslot", "name": "logger"}, {"type": "mailslot", "name": "audit"},
              {"type": "udp", "bind": f"127.0.0.1:{port}"}]
    _, c = start(tmp_path, collectors, OUTPUTS, inputs)
    c.wait_ready(tmp_path / "all.log")
    # the local host (slotlog send stamps it) must not look like the hosts of the rules
    local = socket.gethostname().lower()
    assert not local.startswith(("web0", "app1", "db02")), local

    # message -> the files it belongs in ("all" takes everything)
    expected = {}

    def send(msg, *args, to):
        slotlog("send", *args, msg, env=env)
        expected[msg] = {"all", *to}

    def raw(host, app, msg, *args, to, pri=14):
        # a syslog line names its host and app
        slotlog("send", "--raw", *args, f"<{pri}>Nov 24 21:17:35 {host} {app}[5]: {msg}", env=env)
        expected[msg] = {"all", *to}

    send("billing one", "-a", "billing", to={"billing", "quiet"})
    send("health ok", "-a", "healthcheck-http", to=set())
    send("shop failed", "-a", "shop", "-l", "error", to={"errors", "quiet"})
    send("probe failed", "-a", "Probe", "-l", "critical", to={"errors"})    # exclude ignores case
    raw("web01", "shop", "web01 shop", to={"quiet", "web"})
    raw("web09", "shop", "web09 shop", to={"quiet"})                        # excluded by host
    raw("web010", "shop", "web010 shop", to={"quiet"})                      # ? is one character
    raw("WEB01", "billing", "web01 billing", to={"billing", "quiet"})       # excluded by app
    raw("app12", "HealthCheck", "app12 health", pri=11, to={"errors", "web"})
    send("audit login", "-s", "audit", "-a", "login", to={"quiet", "remote"})
    raw("web01", "shop", "audit web01", "-s", "audit", to={"quiet", "remote"})  # web takes slot logger only
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(rfc5424("db01", "billing", "udp billing"), ("127.0.0.1", port))
        s.sendto(rfc5424("db02", "shop", "udp db02"), ("127.0.0.1", port))
    expected["udp billing"] = {"all", "billing", "quiet", "remote"}
    expected["udp db02"] = {"all", "quiet"}
    wait_for(lambda: len(messages_of(tmp_path / "all.log", expected)) == len(expected), what="every message")
    assert c.stop() == 0

    order = list(messages_of(tmp_path / "all.log", expected))
    assert sorted(order) == sorted(expected)
    for name in OUTPUTS:
        want = [m for m in order if name in expected[m]]
        assert messages_of(tmp_path / f"{name}.log", expected) == want, name
    # the collector's own entries are routed too: only the outputs whose rules take app slotlogd
    assert any("slotlogd stopping" in l for l in read_lines(tmp_path / "quiet.log"))
    assert not any("slotlogd" in l for l in read_lines(tmp_path / "billing.log"))
    assert not any("slotlogd" in l for l in read_lines(tmp_path / "web.log"))


def test_an_entry_that_no_output_takes_is_counted_not_reported(tmp_path, env, collectors):
    outputs = {"own": {"match": {"app": "slotlogd"}}, "billing": {"match": {"app": "billing"}}}
    _, c = start(tmp_path, collectors, outputs, [{"type": "mailslot", "name": "logger"}], stats="1s")
    own = tmp_path / "own.log"
    c.wait_ready(own)
    for i in range(3):
        slotlog("send", "-a", "shop", f"to nobody {i}", env=env)
    slotlog("send", "-a", "billing", "kept", env=env)
    wait_for(lambda: any("statistics: " in l and ", 3 entries taken by no output" in l for l in read_lines(own)),
             what="a statistics entry that counts them")
    assert c.stop() == 0
    lines = read_lines(own)
    assert not [l for l in lines if " WARNING " in l or " ERROR " in l], lines
    assert not any("to nobody" in l for l in lines)
    assert [l.split("]: ", 1)[1] for l in read_lines(tmp_path / "billing.log")] == ["kept"]
    # the stop summary keeps its words; the four entries are among those written
    assert "slotlogd stopping: 4 messages received, " in lines[-1], lines[-1]


def test_a_reload_brings_its_own_rules(tmp_path, env, collectors):
    outputs = {"all": {}, "picked": {"match": {"app": "billing"}}}
    cfg, c = start(tmp_path, collectors, outputs, [{"type": "mailslot", "name": "logger"}])
    c.wait_ready(tmp_path / "all.log")
    slotlog("send", "-a", "billing", "before billing", env=env)
    slotlog("send", "-a", "shop", "before shop", env=env)
    cfg["outputs"][1]["match"] = {"app": "shop"}
    c.config_path.write_text(json.dumps(cfg))
    c.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: any("configuration reloaded" in l for l in read_lines(tmp_path / "all.log")), what="the reload")
    slotlog("send", "-a", "billing", "after billing", env=env)
    slotlog("send", "-a", "shop", "after shop", env=env)
    assert c.stop() == 0
    picked = [l.split("]: ", 1)[1] for l in read_lines(tmp_path / "picked.log")]
    assert picked == ["before billing", "after shop"]


def test_check_config_names_each_bad_rule_with_its_path(tmp_path, env):
    cfg = {
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [
            {"type": "console", "match": "web*"},
            {"type": "file", "path": "a.log", "match": {"host": ["web*", ""], "hots": "x"},
             "exclude": {"app": []}},
            {"type": "forward", "name": "central", "targets": ["logs:2514"], "exclude": {"slot": 7},
             "match": {"app": [3]}},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cfg))
    r = subprocess.run([str(BIN / "slotlogd"), "check-config", str(path)], env=env, capture_output=True, timeout=30)
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    want = [
        "outputs[0].match: expected an object such as ",
        "outputs[1].match.hots: unknown key (did you mean \"host\"?)",
        "outputs[1].match.host[1]: must not be empty; expected a glob such as \"web*\"",
        "outputs[1].exclude.app: empty; expected at least one glob",
        "outputs[2].exclude.slot: expected a glob such as \"web*\" or a list of globs",
        "outputs[2].match.app[0]: expected a glob such as \"web*\", got 3",
    ]
    for w in want:
        assert any(l.startswith(f"{path}: {w}") for l in lines), (w, lines)
    assert len(lines) == len(want), lines

    good = dict(cfg, outputs=[{"type": "file", "path": "a.log", "match": {"host": ["web*", "db?"], "slot": "logger"},
                               "exclude": {"app": "healthcheck*"}}])
    path.write_text(json.dumps(good))
    r = subprocess.run([str(BIN / "slotlogd"), "check-config", str(path)], env=env, capture_output=True, timeout=30)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
