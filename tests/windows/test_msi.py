"""The MSI (installer/slotlog.wxs, built by the build with wixl) under wine's
msiexec: the tables wixl wrote, then install (files, service running, PATH,
Event Log source, a message through the installed slotlog.exe), a major
upgrade built here with a higher version (config and logs kept, service
running), a refused downgrade, uninstall (service, registry, binaries gone;
config and logs kept) and the SLOT/LOGDIR properties in a new config only.

The service name `slotlog` and %ProgramData%\\slotlog are ours under the lock
the service test takes too; a keep-alive keeps wine's scm up. Whatever was in
%ProgramData%\\slotlog before is put back afterwards."""
import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import BIN, WINE_RUN, free_udp_port, lines, reg_values, text, wait_for, win_path, wine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from netbios_wire import mailslot_write  # noqa: E402  (shared with the linux tests)

ROOT = Path(__file__).resolve().parent.parent.parent
PREFIX = Path(os.environ.get("WINEPREFIX") or ROOT / "build" / "wineprefix")
DATA = PREFIX / "drive_c" / "ProgramData" / "slotlog"
PROGRAM = PREFIX / "drive_c" / "Program Files" / "slotlog"
INSTALL_DIR = r"C:\Program Files\slotlog" + "\\"
EVENTLOG_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\slotlog"
ENV_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"
RUN_ID = uuid.uuid4().hex[:8]
# never changes: every version of the msi upgrades every other
UPGRADE_CODE = "{6F0C2F4E-5B1D-4C8A-9E3A-5D1A7C2B9E41}"


def built_msi():
    """the msi the build made for this version (build/<preset>/slotlog-<version>-x64.msi;
    msi files of earlier versions may lie beside it) and its version"""
    r = wine(BIN / "slotlogd.exe", "--version")
    assert r.returncode == 0, text(r)
    version = text(r).split()[-1]
    msi = BIN.parent / f"slotlog-{version}-x64.msi"
    assert msi.exists(), f"the build made no {msi}"
    return msi, version


def build_msi(version, output):
    """a second msi from the same binaries, as the build makes it"""
    r = subprocess.run(["cmake", f"-DVERSION={version}", f"-DBIN_DIR={BIN}", f"-DOUTPUT={output}",
                        "-P", str(ROOT / "installer" / "build_msi.cmake")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    assert r.returncode == 0, r.stdout.decode()
    return output


def export(msi, table):
    r = subprocess.run(["msiinfo", "export", str(msi), table], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return [line.split("\t") for line in r.stdout.decode().splitlines()[3:]]


def query(name):
    r = wine("sc", "query", name)
    if r.returncode != 0:
        return None
    m = re.search(r"STATE\s*:\s*\d+\s+(\w+)", text(r))
    assert m, text(r)
    return m.group(1)



def installed_versions():
    """DisplayVersion of every installed product named slotlog"""
    r = wine("reg", "query", UNINSTALL_KEY, "/s")
    versions, name, version = [], None, None
    for line in text(r).splitlines() + ["HKEY_END"]:
        if line.startswith("HKEY_"):
            if name == "slotlog":
                versions.append(version)
            name, version = None, None
        m = re.match(r"^\s+(DisplayName|DisplayVersion)\s+REG_\w+\s+(.*)$", line)
        if m and m.group(1) == "DisplayName":
            name = m.group(2).strip()
        elif m:
            version = m.group(2).strip()
    return versions


def msiexec(action, msi, *properties, log=None):
    args = ["msiexec", action, win_path(msi), *properties, "/qn"]
    if log:
        args += ["/l*v", win_path(log)]
    return wine(*args)


def system_path():
    values = reg_values(ENV_KEY) or {}
    return next((v for k, (_, v) in values.items() if k.lower() == "path"), "")


def config():
    return json.loads((DATA / "slotlogd.json").read_text())


def wait_line(path, message, what):
    try:
        wait_for(lambda: any(l.endswith("]: " + message) for l in lines(path)), 30, what)
    except AssertionError:
        raise AssertionError(f"no '{message}' in {path}: {lines(path)[-5:]}; config {config()}; PATH {system_path()}")


def send_via_path(slot, message):
    """slotlog.exe found through the system PATH the msi set. wine's msiexec
    leaves an empty entry (;;) where it removed one, and wine's cmd stops
    searching at an empty entry, so those are left out"""
    path = ";".join(p for p in system_path().split(";") if p)
    r = wine("cmd", "/c", f"set PATH={path}&& slotlog send -s {slot} -a msi {message}")
    assert r.returncode == 0, text(r)


def clean_up(folder, backup, path):
    """nothing stays installed, whatever failed; the data folder is as before"""
    for msi in sorted(folder.parent.glob("**/*.msi")) + sorted(BIN.parent.glob("slotlog-*-x64.msi")):
        if installed_versions():
            msiexec("/x", msi)
    if query("slotlog") is not None:
        wine("sc", "stop", "slotlog")
        wine("sc", "delete", "slotlog")
    shutil.rmtree(DATA, ignore_errors=True)
    # what wine's msiexec leaves of the PATH entry (;) goes too
    if path and reg_values(ENV_KEY)["PATH"] != path:
        wine("reg", "add", ENV_KEY, "/v", "PATH", "/t", path[0], "/d", path[1], "/f")
    if backup.exists():
        backup.rename(DATA)


@pytest.fixture(scope="module")
def scm(tmp_path_factory):
    """the service name and %ProgramData%\\slotlog are ours (lock, backup), wine's scm stays up"""
    with open(str(PREFIX) + ".service-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = tmp_path_factory.mktemp("keepalive")
        (folder / "idle.log").write_text("")
        keepalive = subprocess.Popen([WINE_RUN, str(BIN / "slotlog.exe"), "tail", "-f", win_path(folder / "idle.log")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        backup = DATA.with_name(f"slotlog.msi-test-{RUN_ID}")
        path = None
        owned = False   # the data folder and the service are ours to clean up
        try:
            wait_for(lambda: wine("sc", "query", "eventlog").returncode == 0, 60, "wine's scm")
            if query("slotlog") is not None:
                pytest.fail("a service 'slotlog' is already installed in " + str(PREFIX))
            if DATA.exists():
                DATA.rename(backup)
            owned = True
            path = reg_values(ENV_KEY)["PATH"]
            yield folder
        finally:
            try:
                if owned:
                    clean_up(folder, backup, path)
            finally:
                keepalive.kill()
                keepalive.wait()


def test_tables():
    msi, version = built_msi()
    services = export(msi, "ServiceInstall")
    assert len(services) == 1
    # Name DisplayName ServiceType StartType ErrorControl ... StartName Password Arguments
    name, display, service_type, start_type = services[0][1:5]
    assert (name, display) == ("slotlog", "slotlog mailslot logging service")
    assert (int(service_type), int(start_type)) == (0x10, 2)   # own process, automatic
    assert services[0][8] == r"NT AUTHORITY\LocalService" and services[0][10] == "service"
    control = export(msi, "ServiceControl")
    assert len(control) == 1 and control[0][1] == "slotlog"
    # start on install, stop on both, delete on uninstall
    assert int(control[0][2]) == 0x01 | 0x02 | 0x20 | 0x80
    registry = {row[3]: (row[1], row[2], row[4]) for row in export(msi, "Registry")}
    key = r"SYSTEM\CurrentControlSet\Services\EventLog\Application\slotlog"
    assert registry["EventMessageFile"] == ("2", key + "\\", "#%[INSTALLDIR]slotlogd.exe")
    assert registry["CategoryMessageFile"] == ("2", key + "\\", "#%[INSTALLDIR]slotlogd.exe")
    assert registry["TypesSupported"][2] == "#7" and registry["CategoryCount"][2] == "#2"
    properties = {row[0]: row[1] for row in export(msi, "Property")}
    assert properties["UpgradeCode"] == UPGRADE_CODE and properties["ProductVersion"] == version
    upgrade = export(msi, "Upgrade")
    assert {row[0] for row in upgrade} == {UPGRADE_CODE}
    # older and the same version are upgraded (513: migrate features, max
    # inclusive), a newer one is detected and refused
    assert {(row[1], row[2], row[4]) for row in upgrade} == {("", version, "513"), (version, "", "2")}
    conditions = export(msi, "LaunchCondition")
    assert any(row[0] == "NOT WIX_DOWNGRADE_DETECTED" and "newer version" in row[1] for row in conditions)
    actions = {row[0]: row for row in export(msi, "CustomAction")}
    # exe from an installed file (18), deferred (1024), not impersonated (2048)
    assert actions["ConfigureService"][1:3] == [str(18 | 1024 | 2048), "slotlogd.exe"]
    assert actions["ConfigureService"][3].startswith("configure-service")
    sequence = {row[0]: (row[1], int(row[2])) for row in export(msi, "InstallExecuteSequence")}
    assert sequence["InstallServices"][1] < sequence["ConfigureService"][1] < sequence["StartServices"][1]
    assert sequence["ConfigureService"][0] == 'NOT REMOVE~="ALL"'
    assert "--broadcast-port \"[BROADCAST_PORT]\"" in actions["ConfigureService"][3]
    # the firewall rule of BROADCAST_PORT goes at uninstall, not at an upgrade
    assert actions["RemoveFirewallRule"][3] == "configure-service --remove-firewall-rule"
    assert sequence["RemoveFirewallRule"][0] == 'REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE'
    assert sequence["RemoveFirewallRule"][1] < sequence["RemoveFiles"][1]
    assert sequence["RemoveExistingProducts"][1] < sequence["InstallInitialize"][1]
    assert export(msi, "Environment") == [["SystemPath", "=-*PATH", "[~];[INSTALLDIR]", "Binaries"]]


def test_install_upgrade_downgrade_uninstall(scm, tmp_path):
    msi, version = built_msi()
    major, minor, patch = (version.split(".") + ["0", "0"])[:3]
    newer = build_msi(f"{major}.{minor}.{int(patch) + 1}", scm / f"slotlog-newer-{RUN_ID}.msi")
    slot = f"slotlog-msi-{RUN_ID}"
    log = DATA / "logs" / "slotlog.log"

    r = msiexec("/i", msi, f"SLOT={slot}")
    assert r.returncode == 0, text(r)
    assert (PROGRAM / "slotlogd.exe").exists() and (PROGRAM / "slotlog.exe").exists()
    wait_for(lambda: query("slotlog") == "RUNNING", 30, "the service to run")
    assert installed_versions() == [version]
    # a new config from the template, with SLOT; the default log folder
    assert (DATA / "slotlogd.default.json").exists()
    cfg = config()
    assert cfg["inputs"][0]["name"] == slot
    assert cfg["outputs"][0]["path"] == "logs/slotlog.log"
    service = reg_values(r"HKLM\SYSTEM\CurrentControlSet\Services\slotlog")
    assert INSTALL_DIR + "slotlogd.exe" in service["ImagePath"][1] and service["ImagePath"][1].endswith(" service")
    assert service["ObjectName"][1] == r"NT AUTHORITY\LocalService" and service["Start"][1] == "0x2"
    assert service["Description"][1].startswith("Collects log messages")
    assert INSTALL_DIR.lower() in system_path().lower().split(";")
    assert reg_values(EVENTLOG_KEY) == {
        "EventMessageFile": ("REG_EXPAND_SZ", INSTALL_DIR + "slotlogd.exe"),
        "CategoryMessageFile": ("REG_EXPAND_SZ", INSTALL_DIR + "slotlogd.exe"),
        "TypesSupported": ("REG_DWORD", "0x7"),
        "CategoryCount": ("REG_DWORD", "0x2"),
    }
    send_via_path(slot, "before-upgrade")
    wait_line(log, "before-upgrade", "the message in the log")

    # a random control key made by the install, named by the config: a signed
    # reload reaches the service (wine's sc has no paramchange to try it by)
    assert cfg["control"]["key_file"] == "control.key"
    key = (DATA / "control.key").read_text()
    assert re.fullmatch(r"[0-9a-f]{64}\n", key), key
    r = wine(BIN / "slotlog.exe", "ctl", "reload", "-s", slot, "-k", r"C:\ProgramData\slotlog\control.key")
    assert r.returncode == 0, text(r)
    wait_for(lambda: any("configuration reloaded" in l for l in lines(log)), 30, "the reload")
    assert any("control plane on (key file " in l for l in lines(log))

    # an admin edits the config; the upgrade keeps it, and ignores SLOT/LOGDIR
    cfg["outputs"][0]["max_files"] = 7
    (DATA / "slotlogd.json").write_text(json.dumps(cfg))
    edited = (DATA / "slotlogd.json").read_text()
    r = msiexec("/i", newer, "SLOT=ignored", rf"LOGDIR=C:\slotlog-ignored-{RUN_ID}")
    assert r.returncode == 0, text(r)
    assert installed_versions() == [newer_version(version)]
    assert (DATA / "slotlogd.json").read_text() == edited
    assert (DATA / "control.key").read_text() == key
    assert not (PREFIX / "drive_c" / f"slotlog-ignored-{RUN_ID}").exists()
    wait_for(lambda: query("slotlog") == "RUNNING", 30, "the upgraded service to run")
    assert (PROGRAM / "slotlogd.exe").exists()
    send_via_path(slot, "after-upgrade")
    wait_line(log, "after-upgrade", "the message after the upgrade")
    assert any(l.endswith("]: before-upgrade") for l in lines(log))

    # the older one is refused by its launch condition (the DowngradeErrorMessage
    # is in LaunchCondition, see test_tables; wine's /qn log does not print it)
    # and changes nothing
    downgrade_log = tmp_path / "downgrade.log"
    r = msiexec("/i", msi, log=downgrade_log)
    assert r.returncode == 1603 % 256, text(r)   # wine: the low byte of ERROR_INSTALL_FAILURE
    logged = downgrade_log.read_bytes().decode("latin-1")
    assert re.search(r"WIX_DOWNGRADE_DETECTED = \{", logged), logged
    assert "LaunchConditions. Return value 0" in logged, logged
    assert installed_versions() == [newer_version(version)]
    assert query("slotlog") == "RUNNING"

    r = msiexec("/x", newer)
    assert r.returncode == 0, text(r)
    assert installed_versions() == []
    assert query("slotlog") is None
    assert reg_values(EVENTLOG_KEY) is None
    assert not (PROGRAM / "slotlogd.exe").exists() and not (PROGRAM / "slotlog.exe").exists()
    assert INSTALL_DIR.lower() not in system_path().lower().split(";")
    assert (DATA / "slotlogd.json").read_text() == edited
    assert any(l.endswith("]: after-upgrade") for l in lines(log))


def newer_version(version):
    major, minor, patch = (version.split(".") + ["0", "0"])[:3]
    return f"{major}.{minor}.{int(patch) + 1}"


def test_properties_in_a_new_config_only(scm):
    msi, version = built_msi()
    slot = f"slotlog-msi-props-{RUN_ID}"
    # a space, and a trailing backslash that must not eat the closing quote
    logdir = PREFIX / "drive_c" / f"slotlog msi {RUN_ID}"
    (DATA / "slotlogd.json").unlink(missing_ok=True)
    try:
        # a SLOT the config refuses fails the install, which is rolled back
        failed_log = scm / "bad-slot.log"
        r = msiexec("/i", msi, "SLOT=bad/slot", log=failed_log)
        assert r.returncode == 1627 % 256, text(r)   # wine: ERROR_FUNCTION_FAILED, the custom action's
        assert "'/' is not allowed in a slot name" in text(r)
        assert installed_versions() == [] and query("slotlog") is None
        assert not (PROGRAM / "slotlogd.exe").exists() and reg_values(EVENTLOG_KEY) is None
        assert not (DATA / "slotlogd.json").exists()
        assert INSTALL_DIR.lower() not in system_path().lower().split(";")

        port = free_udp_port()
        r = msiexec("/i", msi, f"SLOT={slot}", f"BROADCAST_PORT={port}", rf"LOGDIR=C:\slotlog msi {RUN_ID}" + "\\")
        assert r.returncode == 0, text(r)
        wait_for(lambda: query("slotlog") == "RUNNING", 30, "the service to run")
        cfg = config()
        assert cfg["inputs"][0]["name"] == slot
        # BROADCAST_PORT: the slot's mailslot writes on that udp port, read by the service
        assert cfg["inputs"][1] == {"type": "netbios", "bind": f"0.0.0.0:{port}", "slot": slot}
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(mailslot_write(b"by the broadcast port", slot=slot), ("127.0.0.1", port))
        wait_line(logdir / "slotlog.log", "by the broadcast port", "the datagram on the broadcast port")
        assert cfg["outputs"][0]["path"] == rf"C:\slotlog msi {RUN_ID}\slotlog.log"
        send_via_path(slot, "into-logdir")
        wait_line(logdir / "slotlog.log", "into-logdir", "the message in LOGDIR")
        # a rebuild of the same version replaces it; the config exists, so
        # the properties change nothing
        before = (DATA / "slotlogd.json").read_text()
        rebuild = build_msi(version, scm / f"slotlog-rebuild-{RUN_ID}.msi")
        r = msiexec("/i", rebuild, "SLOT=other", r"LOGDIR=C:\other")
        assert r.returncode == 0, text(r)
        assert installed_versions() == [version]
        assert (DATA / "slotlogd.json").read_text() == before
        wait_for(lambda: query("slotlog") == "RUNNING", 30, "the service to run")
        r = msiexec("/x", rebuild)
        assert r.returncode == 0, text(r)
        assert query("slotlog") is None and installed_versions() == []
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
