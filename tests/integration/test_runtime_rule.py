"""The client's runtime rule, for real (SPEC "Slot names and transports").

A root slotlogd without SLOTLOG_RUNTIME_DIR listens in /run/slotlog; a user
that is not root (nobody, through setpriv) reaches it with `slotlog send` and
with the Python package. Without a system collector the user's own collector
(its own runtime folder) serves, the system's wins when both run, and "no
collector" names every socket tried. Slot names are unique per test, so a
collector that the system really runs is never disturbed.
"""
import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import BIN, Collector, entries, file_config, read_lines, wait_for

PYTHON_SOURCE = Path(__file__).resolve().parents[2] / "client/python/src"
SYSTEM_RUN = Path("/run/slotlog")

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a system collector in /run/slotlog needs root")

NOBODY = pwd.getpwnam("nobody")

# sends argv[2] to slot argv[1]; a MailslotError is printed and exits 1
PY_SEND = """
import sys, slotlog
try:
    slotlog.mailslot(sys.argv[1]).put(sys.argv[2])
except slotlog.MailslotError as e:
    print(e, file=sys.stderr)
    sys.exit(1)
"""


def user_env(xdg=None, runtime=None):
    """a plain user's environment: no SLOTLOG_RUNTIME_DIR unless given"""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LANG": "C.UTF-8",
           "PYTHONPATH": str(PYTHON_SOURCE), "PYTHONDONTWRITEBYTECODE": "1"}
    # the asan preset's options, but reports on stderr: nobody cannot write into root's tmp_path
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = ":".join(o for o in os.environ[name].split(":") if not o.startswith("log_path="))
    if xdg:
        env["XDG_RUNTIME_DIR"] = str(xdg)
    if runtime:
        env["SLOTLOG_RUNTIME_DIR"] = str(runtime)
    return env


def as_nobody(*args):
    return ["setpriv", f"--reuid={NOBODY.pw_uid}", f"--regid={NOBODY.pw_gid}", "--clear-groups", *map(str, args)]


def send_cpp(slot, text, env, user=as_nobody):
    return subprocess.run(user(BIN / "slotlog", "send", "-a", "cpp", "-s", slot, text), env=env,
                          capture_output=True, text=True, timeout=30)


def send_python(slot, text, env, user=as_nobody):
    return subprocess.run(user("/usr/bin/python3", "-c", PY_SEND, slot, text), env=env, capture_output=True,
                          text=True, timeout=30)


def myself(*args):
    return [*map(str, args)]


SENDERS = {"slotlog send": send_cpp, "python": send_python}


@pytest.fixture
def slot():
    return "rule-" + secrets.token_hex(4)


@pytest.fixture
def nobody_folder():
    """a folder of nobody's own (pytest's tmp_path is root's alone)"""
    folder = Path(tempfile.mkdtemp(prefix="slotlog-nobody-"))
    os.chown(folder, NOBODY.pw_uid, NOBODY.pw_gid)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def system_collector(tmp_path, env):
    """starts root slotlogds reading a slot in /run/slotlog, as the system's own"""
    made_run = not SYSTEM_RUN.exists()
    # slotlog takes an empty SLOTLOG_RUNTIME_DIR for unset: root's own folder, /run/slotlog
    env["SLOTLOG_RUNTIME_DIR"] = ""
    count = 0

    def start(slot):
        nonlocal count
        count += 1
        log = tmp_path / f"system{count}.log"
        folder = tmp_path / f"system{count}"
        folder.mkdir()
        c = Collector(folder, env, file_config(log, [{"type": "mailslot", "name": slot}]))
        c.log = log
        collectors_started.append(c)
        c.wait_ready(log)
        assert (SYSTEM_RUN / slot).is_socket()
        return c

    collectors_started = []
    yield start
    for c in collectors_started:
        if c.proc.poll() is None:
            c.stop()
    if made_run:
        try:
            SYSTEM_RUN.rmdir()
        except OSError:
            pass


class NobodysCollector:
    """slotlogd run by nobody, in its own runtime folder ($XDG_RUNTIME_DIR/slotlog)"""

    def __init__(self, folder, slot):
        self.xdg = folder / "xdg"
        self.xdg.mkdir(mode=0o700)
        os.chown(self.xdg, NOBODY.pw_uid, NOBODY.pw_gid)
        self.log = folder / "own.log"
        config = folder / "own.json"
        config.write_text(json.dumps(file_config(self.log, [{"type": "mailslot", "name": slot}])))
        self.stderr = folder / "own.stderr"
        self.proc = subprocess.Popen(as_nobody(BIN / "slotlogd", "serve", "-c", config), env=user_env(self.xdg),
                                     cwd=folder, stdout=subprocess.DEVNULL, stderr=open(self.stderr, "wb"))
        wait_for(lambda: self.proc.poll() is None and any("started" in l for l in read_lines(self.log)),
                 what="nobody's slotlogd to start")
        assert (self.xdg / "slotlog" / slot).is_socket()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(timeout=30)


@pytest.fixture
def nobodys_collector(nobody_folder):
    started = []

    def start(slot):
        started.append(NobodysCollector(nobody_folder, slot))
        return started[-1]

    yield start
    for c in started:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


def logged(log):
    return [line.split("]: ", 1)[1] for line in read_lines(log) if " slotlogd[" not in line]


def wait_logged(log, text):
    wait_for(lambda: text in logged(log), what=f"{text!r} in {log}")


@pytest.mark.parametrize("sender", SENDERS)
def test_a_user_reaches_the_system_collector(system_collector, slot, sender):
    system = system_collector(slot)
    for name in (slot, slot.upper(), rf"\\.\mailslot\{slot}"):
        r = SENDERS[sender](name, f"nobody to {name}", user_env())
        assert r.returncode == 0, r.stderr
        wait_logged(system.log, f"nobody to {name}")
    # nobody's own folder was never needed
    assert not Path(f"/tmp/slotlog-{NOBODY.pw_uid}/{slot}").exists()


@pytest.mark.parametrize("sender", SENDERS)
def test_no_collector_names_every_socket_tried(nobody_folder, slot, sender):
    send = SENDERS[sender]
    prefix = "slotlog send: " if sender == "slotlog send" else ""
    cases = [
        # nobody without a runtime folder of its own
        (user_env(), as_nobody, [SYSTEM_RUN / slot, f"/tmp/slotlog-{NOBODY.pw_uid}/{slot}"]),
        (user_env(xdg=nobody_folder), as_nobody, [SYSTEM_RUN / slot, nobody_folder / "slotlog" / slot]),
        # SLOTLOG_RUNTIME_DIR names the one folder
        (user_env(runtime=nobody_folder), as_nobody, [nobody_folder / slot]),
        # root's own folder is the system's
        (user_env(), myself, [SYSTEM_RUN / slot]),
    ]
    for env, user, tried in cases:
        r = send(slot, "anyone?", env, user)
        assert r.returncode == 1, r
        assert r.stderr == f"{prefix}no collector is reading slot '{slot}' (tried {' and '.join(map(str, tried))})\n"


@pytest.mark.parametrize("sender", SENDERS)
def test_a_users_own_collector_serves_until_the_system_runs_one(system_collector, nobodys_collector, slot, sender):
    send = SENDERS[sender]
    own = nobodys_collector(slot)
    env = user_env(xdg=own.xdg)
    assert send(slot, "to my own", env).returncode == 0
    wait_logged(own.log, "to my own")

    system = system_collector(slot)
    r = send(slot, "to the system's", env)
    assert r.returncode == 0, r.stderr
    wait_logged(system.log, "to the system's")

    # the rule is applied to every message: the system's collector gone, the own one is back
    assert system.stop() == 0
    assert send(slot, "to my own again", env).returncode == 0
    wait_logged(own.log, "to my own again")
    assert own.stop() == 0
    assert logged(own.log) == ["to my own", "to my own again"]
    assert logged(system.log) == ["to the system's"]


def test_a_python_handler_of_a_user_reaches_the_system_collector(system_collector, slot):
    system = system_collector(slot)
    script = ("import logging, slotlog\n"
              f"log = logging.getLogger('billing')\n"
              f"log.addHandler(slotlog.Handler({slot!r}))\n"
              "log.warning('disk %s full', 'D:')\n")
    r = subprocess.run(as_nobody("/usr/bin/python3", "-c", script), env=user_env(), capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0 and not r.stderr, r
    wait_for(lambda: entries(read_lines(system.log), "billing"), what="the handler's entry")
    line = next(l for l in read_lines(system.log) if " billing[" in l)
    assert " WARNING " in line and line.endswith("]: disk D: full"), line
