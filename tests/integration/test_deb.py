"""The Debian package of `make deb` (installer/linux, docs/linux.md), checked on this machine:
lintian, systemd-analyze, dpkg -i, the installed collector run as the unit runs it, dpkg -r,
dpkg --purge, and nothing of it left afterwards.

systemd is not PID 1 here (nor in most containers), so the unit cannot be started: the
collector runs as the unit would run it (its user, environment, runtime folder, capability and
notify socket, read from the installed unit) in a mount namespace of its own with a private
/run, so that no other test ever sees its /run/slotlog. The tests of this file run in order and
share one installation; whatever fails, the package, its account and folders are removed."""
import os
import re
import shlex
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, read_lines, wait_for

ROOT = Path(__file__).resolve().parents[2]
UNIT = Path("/lib/systemd/system/slotlogd.service")
CONFIG = Path("/etc/slotlog/slotlogd.json")
KEY = Path("/etc/slotlog/control.key")
LOG = Path("/var/log/slotlog/slotlog.log")
# everything the package, its scripts or its service make; none may stay after a purge
LEFT_BEHIND = [Path(p) for p in (
    "/usr/sbin/slotlogd", "/usr/bin/slotlog", "/etc/slotlog", "/var/log/slotlog", "/var/lib/slotlog",
    "/usr/share/doc/slotlog", str(UNIT), "/etc/systemd/system/multi-user.target.wants/slotlogd.service",
    "/etc/systemd/system/slotlogd.service", "/var/lib/systemd/deb-systemd-helper-enabled/slotlogd.service.dsh-also",
    "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/slotlogd.service",
    "/var/lib/systemd/deb-systemd-helper-masked/slotlogd.service")]

# lintian (Debian 12's, 2.116) reports no error and no warning. What remains is information
# (lintian -I): package-supports-alternative-init-but-no-init.d-script (systemd only, no
# sysvinit script) and spelling-error-in-binary "nam" (bytes of machine code, not a string)

pytestmark = pytest.mark.skipif(
    "ASAN_OPTIONS" in os.environ,
    reason="the package holds the linux preset's binaries: checked once, by the linux preset")


def run(*cmd, check=True, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{shlex.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def user_exists(name):
    return run("getent", "passwd", name, check=False).returncode == 0


def group_exists(name):
    return run("getent", "group", name, check=False).returncode == 0


def dpkg_install(deb):
    # without the manual pages (lintian checks them in the .deb): man-db's trigger rebuilds its
    # index for them, 15 s of every install and removal on this machine
    run("dpkg", "-i", "--path-exclude=/usr/share/man/*", deb, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def package_state():
    r = run("dpkg-query", "-W", "-f=${db:Status-Status}", "slotlog", check=False)
    return r.stdout if r.returncode == 0 else "not-installed"


@pytest.fixture(scope="module")
def deb():
    version = run(BIN / "slotlogd", "--version").stdout.split()[-1]
    arch = run("dpkg", "--print-architecture").stdout.strip()
    path = ROOT / "build" / "deb" / f"slotlog_{version}_{arch}.deb"
    assert path.exists(), f"{path} is missing: run `make deb` first (`make test` does)"
    return path


@pytest.fixture(scope="module")
def installed(deb):
    # never take over an installation or an account this test did not make
    assert package_state() == "not-installed", "slotlog is installed on this machine: the test would remove it"
    assert not user_exists("slotlog") and not group_exists("slotlog"), "an account 'slotlog' exists already"
    assert not any(p.exists() or p.is_symlink() for p in LEFT_BEHIND), "files of an earlier slotlog are here"
    try:
        dpkg_install(deb)
        yield deb
    finally:
        run("dpkg", "--purge", "slotlog", check=False)
        # what a broken purge would leave: gone anyway, and the purge test has said so
        for p in LEFT_BEHIND:
            if p.is_symlink() or p.is_file():
                p.unlink()
            elif p.exists():
                run("rm", "-rf", p)
        if user_exists("slotlog"):
            run("userdel", "slotlog", check=False)
        if group_exists("slotlog"):
            run("groupdel", "slotlog", check=False)


def lintian_tags(output):
    """{(severity letter, tag)} from lintian's lines: "W: slotlog: no-manual-page [usr/bin/slotlog]"."""
    return {(m.group(1), m.group(2)) for m in re.finditer(r"^([EWIPXO]): slotlog[^:]*: (\S+)", output, re.M)}


def test_lintian_reports_no_errors(deb):
    r = run("lintian", "--fail-on", "error,warning", "--tag-display-limit", "0", deb, check=False)
    tags = lintian_tags(r.stdout)
    assert r.returncode == 0 and not {t for s, t in tags if s in "EW"}, r.stdout + r.stderr


def test_the_package_installs_its_files_account_and_key(installed):
    assert package_state() == "installed"
    for p in ("/usr/sbin/slotlogd", "/usr/bin/slotlog"):
        assert os.access(p, os.X_OK), p
    assert run("dpkg-query", "-W", "-f=${Conffiles}", "slotlog").stdout.split()[0] == str(CONFIG)
    # the account: a system user without login
    fields = run("getent", "passwd", "slotlog").stdout.strip().split(":")
    assert int(fields[2]) < 1000 and fields[6] in ("/usr/sbin/nologin", "/bin/false"), fields
    # the key: 64 hex digits, readable by the service's account only
    st = KEY.stat()
    assert (st.st_uid, st.st_mode & 0o777) == (int(fields[2]), 0o600)
    assert re.fullmatch(r"[0-9a-f]{64}\n", KEY.read_text())
    for folder in ("/var/log/slotlog", "/var/lib/slotlog"):
        st = Path(folder).stat()
        assert (st.st_uid, st.st_mode & 0o777) == (int(fields[2]), 0o750), folder
    # enabled for the next boot with systemd, as debhelper's scripts do
    assert Path("/etc/systemd/system/multi-user.target.wants/slotlogd.service").resolve() == UNIT.resolve()


def test_systemd_analyze_accepts_the_unit_and_rates_its_sandbox(installed):
    r = run("systemd-analyze", "verify", UNIT, check=False)
    assert r.returncode == 0 and "slotlogd.service" not in r.stderr, r.stdout + r.stderr
    # exposure 0 (locked down) to 10; the unit must stay "OK" (below 2.0 here it is 1.x)
    r = run("systemd-analyze", "security", "--offline=true", "--threshold=20", UNIT, check=False)
    level = re.search(r"Overall exposure level for slotlogd\.service: (\d+\.\d+) (\w+)", r.stdout)
    assert level and float(level.group(1)) < 2.0, r.stdout + r.stderr


def test_the_installed_configuration_is_valid_for_the_service(installed):
    r = run("/usr/sbin/slotlogd", "check-config", CONFIG)
    assert f"{CONFIG}: ok" in r.stdout
    # the service's account reads the configuration and the key: the control plane is on
    r = run("setpriv", "--reuid=slotlog", "--regid=slotlog", "--init-groups",
            "/usr/sbin/slotlogd", "check-config", CONFIG)
    assert re.search(r"control plane on\b", r.stdout), r.stdout


def unit_settings():
    """The [Service] settings of the installed unit, each a list of values."""
    settings, section = {}, None
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


class NotifySocket:
    """An abstract unix datagram socket standing in for systemd's: reachable from the
    collector's mount namespace and by its account, with no file in the way."""

    def __init__(self):
        self.name = f"slotlog-test-deb-{os.getpid()}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.name)

    def next(self, timeout=15.0):
        self.sock.settimeout(timeout)
        return self.sock.recv(4096).decode()


def start_as_the_unit_does(notify):
    """The unit's ExecStart as its User, Group, Environment, RuntimeDirectory, UMask and
    AmbientCapabilities, in a mount namespace with a /run of its own; the pid is slotlogd's."""
    s = unit_settings()
    user, group = s["User"][0], s["Group"][0]
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "NOTIFY_SOCKET": "@" + notify.name}
    for e in s.get("Environment", []):
        for assignment in shlex.split(e):
            key, value = assignment.split("=", 1)
            env[key] = value
    runtime = f"/run/{s['RuntimeDirectory'][0]}"
    caps = ",".join("+" + c.lower().removeprefix("cap_") for c in s["AmbientCapabilities"][0].split())
    setpriv = ["setpriv", f"--reuid={user}", f"--regid={group}", "--init-groups", f"--inh-caps=-all,{caps}",
               f"--ambient-caps={caps}", f"--bounding-set=-all,{caps}", "--no-new-privs"]
    script = (f"mount -t tmpfs -o mode=0755 tmpfs /run && "
              f"install -d -o {user} -g {group} -m {s['RuntimeDirectoryMode'][0]} {runtime} && "
              f"umask {s['UMask'][0]} && exec {shlex.join(setpriv)} {s['ExecStart'][0]}")
    return subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def in_its_namespace(proc, *cmd, user=None, env=None):
    """Runs cmd in the collector's mount namespace (its /run), as root or as `user` (a name:
    its primary group too)."""
    as_user = ["setpriv", f"--reuid={user}", f"--regid={run('id', '-g', user).stdout.strip()}",
               "--clear-groups"] if user else []
    return run("nsenter", f"--target={proc.pid}", "--mount", *as_user, *cmd,
               env=env or {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


def test_the_installed_collector_runs_as_the_unit_runs_it(installed):
    notify = NotifySocket()
    proc = start_as_the_unit_does(notify)
    try:
        ready = notify.next()
        assert ready.startswith("READY=1\n"), ready
        assert "mailslot:logger" in ready and str(LOG) in ready, ready
        # the slot: /run/slotlog/logger, open to every local user
        st = in_its_namespace(proc, "stat", "-c", "%U %a", "/run/slotlog", "/run/slotlog/logger").stdout.split()
        assert st == ["slotlog", "755", "slotlog", "666"], st
        # root's default is the system's slot; another user names it (or, with the client's
        # runtime rule, finds it when it exists)
        in_its_namespace(proc, "/usr/bin/slotlog", "send", "-a", "debtest", "from root")
        in_its_namespace(proc, "/usr/bin/slotlog", "send", "-a", "debtest", "from nobody", user="nobody",
                         env={"PATH": "/usr/bin:/bin", "SLOTLOG_RUNTIME_DIR": "/run/slotlog"})
        wait_for(lambda: sum(" debtest[" in l for l in read_lines(LOG)) == 2, what="both messages in the log")
        lines = [l for l in read_lines(LOG) if " debtest[" in l]
        assert [l.split("]: ", 1)[1] for l in lines] == ["from root", "from nobody"]
        # files the service makes are its own, and not for everyone (UMask=0027)
        st = LOG.stat()
        assert st.st_mode & 0o777 == 0o640 and LOG.owner() == "slotlog", oct(st.st_mode)

        # the installed key signs control messages the service accepts: reload, then the notify dance
        in_its_namespace(proc, "/usr/bin/slotlog", "ctl", "reload", "--key-file", str(KEY))
        assert notify.next() == "RELOADING=1"
        assert notify.next().startswith("READY=1\nSTATUS=config ")
        wait_for(lambda: any("configuration reloaded" in l for l in read_lines(LOG)), what="the reload entry")

        proc.send_signal(signal.SIGTERM)
        assert notify.next() == "STOPPING=1"
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        notify.sock.close()


def test_a_reinstall_keeps_the_key_and_the_configuration(installed):
    key, config = KEY.read_text(), CONFIG.read_text()
    CONFIG.write_text(config.replace('"max_files": 10', '"max_files": 9'))  # an administrator's change
    dpkg_install(installed)
    assert KEY.read_text() == key
    assert '"max_files": 9' in CONFIG.read_text()
    CONFIG.write_text(config)


def test_remove_keeps_the_configuration_key_logs_and_account(installed):
    run("dpkg", "-r", "slotlog")
    assert package_state() == "config-files"
    assert not Path("/usr/sbin/slotlogd").exists() and not UNIT.exists()
    assert CONFIG.exists() and KEY.exists() and LOG.exists() and user_exists("slotlog")


def test_purge_leaves_nothing(installed):
    run("dpkg", "--purge", "slotlog")
    assert package_state() == "not-installed"
    left = [str(p) for p in LEFT_BEHIND if p.exists() or p.is_symlink()]
    assert not left, f"left after purge: {left}"
    assert not user_exists("slotlog") and not group_exists("slotlog")
