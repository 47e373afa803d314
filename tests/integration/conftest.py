"""Fixtures that run the real slotlogd and slotlog binaries.

Each test gets its own folder with a runtime folder (SLOTLOG_RUNTIME_DIR, where
the mailslot sockets live), a configuration file and the log files.
"""
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

BIN = Path(os.environ.get("SLOTLOG_BIN_DIR", Path(__file__).resolve().parents[2] / "build/linux/bin"))


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_lines(path):
    path = Path(path)
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8").splitlines()


class Collector:
    """A running `slotlogd serve`."""

    def __init__(self, folder, env, config=None, args=(), cwd=None, prefix=()):
        """prefix: a command that runs slotlogd (and execs it: the pid stays slotlogd's)"""
        self.folder = folder
        self.env = env
        self.runtime = Path(env["SLOTLOG_RUNTIME_DIR"])
        self.config_path = None
        cmd = [*prefix, str(BIN / "slotlogd"), "serve"]
        if config is not None:
            self.config_path = folder / "slotlogd.json"
            self.config_path.write_text(json.dumps(config, indent=2))
            cmd += ["-c", str(self.config_path)]
        cmd += list(args)
        self.stdout_path = folder / "stdout.txt"
        self.stderr_path = folder / "stderr.txt"
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd or folder,
                                     stdout=open(self.stdout_path, "wb"),
                                     stderr=open(self.stderr_path, "wb"))

    def socket_path(self, name="logger"):
        return self.runtime / name

    def wait_ready(self, log_file, timeout=10.0):
        """Ready once the start entry is written: every input is open by then."""
        def started():
            if self.proc.poll() is not None:
                raise AssertionError(f"slotlogd exited with {self.proc.returncode}: {self.stderr()}")
            return any("slotlogd" in l and "started" in l for l in read_lines(log_file))
        wait_for(started, timeout, "slotlogd to start")
        return self

    def send_datagram(self, payload: bytes, name="logger"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(payload, str(self.socket_path(name)))

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")


# under the asan preset every binary writes its sanitizer reports to
# tmp_path/sanitizer.<pid>: any report fails the test, even from a process
# whose exit code or stderr the test does not look at
SANITIZED = "ASAN_OPTIONS" in os.environ or "UBSAN_OPTIONS" in os.environ


@pytest.fixture(autouse=True)
def sanitizer_reports(tmp_path, monkeypatch):
    prefix = tmp_path / "sanitizer"
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if name in os.environ:
            monkeypatch.setenv(name, f"{os.environ[name]}:log_path={prefix}")
    yield
    reports = [p.read_text(errors="replace") for p in sorted(tmp_path.glob("sanitizer.*"))]
    if reports:
        pytest.fail("sanitizer report:\n" + "\n".join(reports), pytrace=False)


@pytest.fixture
def env(tmp_path):
    e = dict(os.environ)
    e["SLOTLOG_RUNTIME_DIR"] = str(tmp_path / "run")
    return e


@pytest.fixture
def collectors(tmp_path, env):
    started = []

    def start(config=None, args=(), cwd=None, prefix=()):
        c = Collector(tmp_path, env, config, args, cwd, prefix)
        started.append(c)
        return c

    yield start
    for c in started:
        if c.proc.poll() is None and SANITIZED:
            # a graceful stop, so that leaks are checked at exit
            c.proc.terminate()
            try:
                c.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


def slotlog(*args, env, input=None, check=True, timeout=60):
    """Runs the slotlog client tool."""
    r = subprocess.run([str(BIN / "slotlog"), *args], env=env, input=input,
                       capture_output=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"slotlog {' '.join(args)} failed ({r.returncode}): {r.stderr.decode(errors='replace')}")
    return r


def file_config(log_path, inputs=None, **file_options):
    out = {"type": "file", "path": str(log_path)}
    out.update(file_options)
    return {
        "inputs": inputs if inputs is not None else [{"type": "mailslot", "name": "logger"}],
        "outputs": [out],
    }


def entries(lines, app):
    """The messages of the text lines from `app`."""
    marker = f" {app}["
    out = []
    for line in lines:
        if marker in line:
            out.append(line.split("]: ", 1)[1])
    return out
