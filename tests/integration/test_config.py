"""A bad configuration is refused with the key's path; check-config reports every problem."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import BIN

EXAMPLES = Path(__file__).resolve().parents[2] / "config"


def run(*args, env):
    return subprocess.run([str(BIN / "slotlogd"), *args], env=env, capture_output=True, timeout=30)


def write(tmp_path, cfg, name="bad.json"):
    p = tmp_path / name
    p.write_text(cfg if isinstance(cfg, str) else json.dumps(cfg))
    return p


BAD = {
    "inputs": [{"type": "mailslot", "name": "logger"}],
    "outputs": [
        {"type": "console"},
        {"type": "file", "path": "x.log", "max_size": "10XB", "max_filez": 3},
    ],
}


def test_check_config_names_every_problem_with_its_path(tmp_path, env):
    cfg = write(tmp_path, BAD)
    r = run("check-config", str(cfg), env=env)
    assert r.returncode == 1
    out = r.stdout.decode()
    lines = out.splitlines()
    assert any(l.startswith(f"{cfg}: outputs[1].max_size: ") and "10XB" in l for l in lines), out
    assert any(l.startswith(f"{cfg}: outputs[1].max_filez: ") and "max_files" in l for l in lines), out
    assert len(lines) == 2, out


def test_check_config_accepts_a_good_file(tmp_path, env):
    good = dict(BAD)
    good["outputs"] = [{"type": "file", "path": "x.log", "max_size": "1MiB", "max_files": 3}]
    r = run("check-config", str(write(tmp_path, good, "good.json")), env=env)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


def test_check_config_gives_the_line_of_a_syntax_error(tmp_path, env):
    cfg = write(tmp_path, '{\n  "inputs": [\n    {"type": "mailslot",, "name": "logger"}\n  ]\n}\n')
    r = run("check-config", str(cfg), env=env)
    assert r.returncode == 1
    assert "line 3" in r.stdout.decode(), r.stdout.decode()


def test_serve_refuses_a_bad_config_and_names_the_key(tmp_path, env):
    cfg = write(tmp_path, BAD)
    r = run("serve", "-c", str(cfg), env=env)
    assert r.returncode == 1
    assert "outputs[1].max_size" in r.stderr.decode()
    # nothing was started: no socket left behind
    assert not (tmp_path / "run" / "logger").exists()


def test_usage_errors_and_help(env):
    assert run("frobnicate", env=env).returncode == 2
    assert run("serve", "--bogus", env=env).returncode == 2
    h = run("--help", env=env)
    assert h.returncode == 0 and b"exit codes" in h.stdout
    v = run("--version", env=env)
    assert v.returncode == 0 and v.stdout.startswith(b"slotlogd ")


def test_the_example_configuration_is_valid(env):
    example = EXAMPLES / "slotlogd.json"
    r = run("check-config", str(example), env=env)
    assert r.returncode == 0, r.stdout.decode()


def test_the_example_configuration_writes_where_git_does_not_look(env):
    # relative paths are the configuration folder's: its files must land in a
    # folder git ignores, not beside the sources
    repo = EXAMPLES.parent
    if not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    config = json.loads((EXAMPLES / "slotlogd.json").read_text())
    files = [(EXAMPLES / o["path"]).resolve() for o in config["outputs"] if o["type"] == "file"]
    assert files
    for f in files:
        r = subprocess.run(["git", "-C", str(repo), "check-ignore", "-q", str(f)])
        assert r.returncode == 0, f"{f} is not ignored by git"
    # and it names no key file that a fresh checkout lacks (that would warn at every start)
    assert "key_file" not in config.get("control", {})


def test_the_windows_example_names_its_platform_only_output(env):
    example = EXAMPLES / "slotlogd-windows.json"
    r = run("check-config", str(example), env=env)
    assert r.returncode == 1
    assert "outputs[1].type" in r.stdout.decode() and "Windows" in r.stdout.decode(), r.stdout.decode()


def test_check_config_names_bad_file_paths_and_their_keys(tmp_path, env):
    cfg = write(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [
            {"type": "file", "path": "logs/{hots}/{app}.log"},
            {"type": "file", "path": "logs/{host.log"},
            {"type": "file", "path": "logs/{host}.log", "max_open_files": 0, "time_zone": "CET"},
            {"type": "file", "path": "logs/{host}/{app}-{date}.log", "max_open_files": 4096, "time_zone": "local"},
        ]})
    r = run("check-config", str(cfg), env=env)
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    expected = {
        "outputs[0].path": "unknown placeholder {hots} (known: {host}, {app}, {slot}, {level}, {date}",
        "outputs[1].path": "is not closed",
        "outputs[2].max_open_files": "",
        "outputs[2].time_zone": "CET",
    }
    for key, words in expected.items():
        assert any(l.startswith(f"{cfg}: {key}: ") and words in l for l in lines), (key, lines)
    assert len(lines) == len(expected), lines


def test_check_config_names_bad_compress_and_retention_keys(tmp_path, env):
    cfg = write(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [{"type": "file", "path": "x.log", "compress": "zip", "max_age": "30 days",
                     "max_total_size": "-1GiB"}],
    })
    r = run("check-config", str(cfg), env=env)
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert any(l.startswith(f"{cfg}: outputs[0].compress: ") and "gzip or none" in l for l in lines), lines
    assert any(l.startswith(f"{cfg}: outputs[0].max_age: ") and "30 days" in l for l in lines), lines
    assert any(l.startswith(f"{cfg}: outputs[0].max_total_size: ") for l in lines), lines
    assert len(lines) == 3, lines
    good = write(tmp_path, {
        "inputs": [{"type": "mailslot", "name": "logger"}],
        "outputs": [{"type": "file", "path": "x.log", "compress": "gzip", "max_age": "30d",
                     "max_total_size": "10GiB"}],
    }, "good.json")
    r = run("check-config", str(good), env=env)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
