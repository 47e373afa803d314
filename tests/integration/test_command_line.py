"""The command lines of slotlogd and slotlog, read by one parser: -c FILE,
--config FILE and --config=FILE everywhere, a missing value or an unknown
option or command said as such, with the closest known name."""
import json
import re
import signal
import subprocess

import pytest

from conftest import BIN, file_config, read_lines, wait_for


def run(tool, *args, env):
    return subprocess.run([str(BIN / tool), *args], env=env, capture_output=True, timeout=30)


FORMS = [["-c", "{}"], ["--config", "{}"], ["--config={}"]]


@pytest.mark.parametrize("form", FORMS, ids=["-c", "--config", "--config="])
def test_serve_and_check_config_take_the_three_forms(tmp_path, env, form):
    log = tmp_path / "out.log"
    config = tmp_path / "slotlogd.json"
    config.write_text(json.dumps(file_config(log)))
    args = [a.format(config) for a in form]
    r = run("slotlogd", "check-config", *args, env=env)
    assert r.returncode == 0 and b": ok (" in r.stdout, r.stdout + r.stderr
    p = subprocess.Popen([str(BIN / "slotlogd"), "serve", *args], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        wait_for(lambda: any("started: config " + str(config) in l for l in read_lines(log)),
                 what="slotlogd to start on the configuration")
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0, p.stderr.read()


@pytest.mark.parametrize("tool,args,said", [
    ("slotlogd", ["serve", "-c"], "serve: option -c needs a value"),
    ("slotlogd", ["serve", "--config"], "serve: option --config needs a value"),
    ("slotlogd", ["serve", "--confg", "x.json"], "serve: unknown option '--confg' (did you mean '--config'?)"),
    ("slotlogd", ["serve", "--allow-plain-stop=yes"], "serve: option --allow-plain-stop takes no value"),
    ("slotlogd", ["serve", "extra"], "serve takes no operand ('extra')"),
    ("slotlogd", ["srve"], "unknown command 'srve' (did you mean 'serve'?)"),
    ("slotlogd", ["check-confg", "x"], "unknown command 'check-confg' (did you mean 'check-config'?)"),
    ("slotlogd", ["check-config", "-c"], "check-config: option -c needs a value"),
    ("slotlog", ["sned", "x"], "unknown command 'sned' (did you mean 'send'?)"),
    ("slotlog", ["send", "--slto", "x"], "send: unknown option '--slto' (did you mean '--slot'?)"),
    ("slotlog", ["send", "-s"], "send: option -s needs a value"),
    ("slotlog", ["tail", "--follow=yes", "x"], "tail: option --follow takes no value"),
    ("slotlog", ["tail", "--lnes", "3", "x"], "tail: unknown option '--lnes' (did you mean '--lines'?)"),
    ("slotlog", ["tail", "--hots", "web*", "x"], "tail: unknown option '--hots' (did you mean '--host'?)"),
    ("slotlog", ["tail", "--host", "", "x"], "option --host: the glob is empty (an unknown value is matched only by *)"),
    ("slotlog", ["tail", "--app"], "tail: option --app needs a value"),
    ("slotlog", ["tail", "-f", "x.1.log.gz"], "tail -f cannot follow 'x.1.log.gz': a .gz file does not grow"),
    ("slotlog", ["ctl", "stop", "--key-fil", "k"], "ctl: unknown option '--key-fil' (did you mean '--key-file'?)"),
])
def test_usage_errors_say_what_is_wrong_and_exit_2(env, tool, args, said):
    r = run(tool, *args, env=env)
    assert r.returncode == 2, r
    assert said in r.stderr.decode(), r.stderr.decode()


def test_slotlog_takes_the_long_forms_with_equals(tmp_path, env, collectors):
    log = tmp_path / "out.log"
    c = collectors(file_config(log)).wait_ready(log)
    r = run("slotlog", "send", "--slot=logger", "--app=eq", "--level=warning", "with equals", env=env)
    assert r.returncode == 0, r.stderr
    assert c.stop() == 0
    assert any("WARNING" in l and " eq[" in l and l.endswith("]: with equals") for l in read_lines(log))
    r = run("slotlog", "tail", "--lines=1", str(log), env=env)
    assert r.returncode == 0 and b"slotlogd stopping" in r.stdout, r


def test_tail_of_a_missing_path_says_so_and_exits_1(tmp_path, env):
    for path in (tmp_path / "missing.log", tmp_path / "missing.1.log.gz"):
        r = run("slotlog", "tail", "--host", "web*", str(path), env=env)
        assert r.returncode == 1, r
        assert r.stderr.decode() == f"slotlog tail: cannot open '{path}': no such file\n"


COMMANDS = {"slotlogd": ["serve", "check-config", "install", "uninstall", "configure-service", "service"],
            "slotlog": ["send", "tail", "ctl"]}


@pytest.mark.parametrize("tool", sorted(COMMANDS))
def test_both_tools_print_their_help_in_one_layout(env, tool):
    r = run(tool, "--help", env=env)
    assert r.returncode == 0, r
    out = r.stdout.decode()
    lines = out.splitlines()
    assert all(len(l) <= 79 for l in lines), [l for l in lines if len(l) > 79]
    # the usage lines of every command, then each command's part, then the exit codes
    usage = [m.group(1) for l in lines[:lines.index("")] if (m := re.match(rf"(?:usage:)? +{tool} (\S+)", l))]
    assert usage == COMMANDS[tool] + ["--help"], usage
    for command in COMMANDS[tool]:
        assert any(l.startswith(command + " ") or l == command for l in lines), command
    assert "\nexit codes:\n  0  success\n" in out


@pytest.mark.parametrize("tool,command", [(t, c) for t in sorted(COMMANDS) for c in COMMANDS[t]])
def test_every_command_has_its_own_help(env, tool, command):
    for form in ["--help", "-h"]:
        r = run(tool, command, form, env=env)
        assert r.returncode == 0, r
        out = r.stdout.decode()
        assert out.startswith(f"usage: {tool} {command}"), out
        assert "\nexit codes:\n" in out, out
        others = [c for c in COMMANDS[tool] if c != command and not c.startswith(command)]
        assert not any(f"usage: {tool} {c}" in out or f"\n{c} " in out for c in others), out
