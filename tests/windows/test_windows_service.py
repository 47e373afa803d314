"""slotlogd.exe as a real service under wine's service control manager:
install/uninstall (from a folder with a space, as under Program Files), sc
start/stop with a burst in flight, the registry the scm and the event log
read, a service made with plain `sc create`, and start-up failures reported as
service-specific exit codes, and a forward output's health as events of their own.

Wine stops services when the last ordinary wine process exits, so a keep-alive
process runs for the whole module. Every wine test shares one prefix: the
service name `slotlog` is taken under a lock, everything installed is removed
even when a test fails, and slot names are unique per run.

A service inherits the environment and stderr of wine's services.exe, which the
first wine process of a wineserver starts. When the prefix is idle at the start
the keep-alive is that process, with WINEDEBUG tracing ReportEventW (a stub in
wine) and the scm's fixmes, and the service's Event Log reports are checked;
otherwise (another wine program running) that one test is skipped."""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import BIN, WINE_RUN, lines, reg_values, reported_events, text, wait_for, win_path, wine
from test_eventlog import MESSAGES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from rsyslog_peer import Rsyslogd, available  # noqa: E402

PREFIX = Path(os.environ.get("WINEPREFIX") or Path(WINE_RUN).resolve().parent.parent / "build" / "wineprefix")
SERVICE_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services"
EVENTLOG_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\slotlog"
RUN_ID = uuid.uuid4().hex[:8]

ERROR_SERVICE_SPECIFIC_ERROR = 1066
EVENTLOG_ERROR_TYPE = 0x0001
EVENTLOG_WARNING_TYPE = 0x0002
EVENTLOG_INFORMATION_TYPE = 0x0004
# what the keep-alive, and so services.exe and every service, trace
TRACE_CHANNELS = "-all,fixme+advapi,+eventlog,fixme+service"
TRACE = {}   # "path": the keep-alive's stderr, when it started services.exe












def query(name):
    """wine's `sc query`: {"state": "RUNNING", "win32_exit": 0, "service_exit": 0}, or None if absent"""
    r = wine("sc", "query", name)
    if r.returncode != 0:
        return None
    out = text(r)
    state = re.search(r"STATE\s*:\s*\d+\s+(\w+)", out)
    win32 = re.search(r"WIN32_EXIT_CODE\s*:\s*(\d+)", out)
    specific = re.search(r"SERVICE_EXIT_CODE\s*:\s*(\d+)", out)
    assert state and win32 and specific, out
    return {"state": state.group(1), "win32_exit": int(win32.group(1)), "service_exit": int(specific.group(1))}


def wait_state(name, state, timeout=30):
    return wait_for(lambda: (q := query(name)) and q["state"] == state and q, timeout, f"{name} to be {state}")



def send(slot, *messages, stdin=None, app="svc"):
    r = wine(BIN / "slotlog.exe", "send", "-s", slot, "-a", app, *messages, input=stdin)
    assert r.returncode == 0, text(r)


def remove_service(name):
    """stops (once) and deletes a service, whatever state it is in"""
    q = query(name)
    if q is None:
        return
    if q["state"] not in ("STOPPED", "STOP_PENDING"):
        wine("sc", "stop", name)
    try:
        wait_state(name, "STOPPED", 30)
    finally:
        wine("sc", "delete", name)


def services_exe_environment():
    """the environment of this prefix's services.exe (linux /proc), or None"""
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"services.exe" in (proc / "cmdline").read_bytes():
                env = (proc / "environ").read_bytes().split(b"\0")
                if ("WINEPREFIX=" + str(PREFIX)).encode() in env:
                    return env
        except OSError:
            pass
    return None


def wineserver_gone(timeout):
    """waits for the prefix's wineserver to exit (it lingers a few seconds
    after the last wine process), so that the next wine process starts it anew"""
    try:
        subprocess.run(["wineserver", "-w"], env=dict(os.environ, WINEPREFIX=str(PREFIX)), timeout=timeout)
        return True
    except (subprocess.TimeoutExpired, OSError):
        return False


@pytest.fixture(scope="module", autouse=True)
def scm(tmp_path_factory):
    """the service name is ours (lock) and wine's scm stays up (keep-alive)"""
    with open(str(PREFIX) + ".service-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = tmp_path_factory.mktemp("keepalive")
        (folder / "idle.log").write_text("")
        marker = "SLOTLOG_SERVICE_TRACE=" + RUN_ID
        env = dict(os.environ)
        if wineserver_gone(20):
            env.update(WINEDEBUG=TRACE_CHANNELS, SLOTLOG_SERVICE_TRACE=RUN_ID)
        trace = folder / "trace.log"
        keepalive = subprocess.Popen([WINE_RUN, str(BIN / "slotlog.exe"), "tail", "-f", win_path(folder / "idle.log")],
                                     env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(trace, "wb"))
        try:
            # services.exe is up; if the keep-alive started it, it traces to us
            services = wait_for(services_exe_environment, 60, "wine's services.exe")
            if marker.encode() in services:
                TRACE["path"] = trace
            wait_for(lambda: wine("sc", "query", "eventlog").returncode == 0, 60, "wine's scm")
            if query("slotlog") is not None:
                pytest.fail("a service 'slotlog' is already installed in " + str(PREFIX) +
                            ": remove it with 'slotlogd.exe uninstall' (another test may be running)")
            yield
        finally:
            try:
                if query("slotlog") is not None:
                    wine(BIN / "slotlogd.exe", "uninstall")
            finally:
                keepalive.kill()
                keepalive.wait()


def write_config(path, slot, log, **extra):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": str(log) if isinstance(log, str) else win_path(log)}],
        **extra,
    }))


def test_service_outside_the_scm_and_refused_installs(tmp_path):
    r = wine(BIN / "slotlogd.exe", "service")
    assert r.returncode == 2, text(r)
    assert "run by the Service Control Manager" in text(r)
    r = wine(BIN / "slotlogd.exe", "install", "--start", "sometimes")
    assert r.returncode == 2, text(r)
    # a configuration that cannot load is refused before anything is created
    bad = tmp_path / "bad.json"
    bad.write_text('{"inputs": [], "outputs": [{"type": "file", "path": "x.log", "max_size": "lots"}]}')
    r = wine(BIN / "slotlogd.exe", "install", "-c", win_path(bad))
    assert r.returncode == 1, text(r)
    assert "outputs[0].max_size" in text(r) and "not installed" in text(r)
    assert query("slotlog") is None
    assert reg_values(EVENTLOG_KEY) is None


def test_install_start_stop_restart_uninstall(tmp_path):
    # slotlogd.exe where a real install puts it: a folder with a space
    program_folder = PREFIX / "drive_c" / "Program Files" / f"slotlog test {RUN_ID}"
    program_folder.mkdir(parents=True)
    exe = program_folder / "slotlogd.exe"
    shutil.copy(BIN / "slotlogd.exe", exe)
    exe_win = rf"C:\Program Files\slotlog test {RUN_ID}\slotlogd.exe"
    slot = f"slotlog-svc-{RUN_ID}"
    cfg = tmp_path / "conf dir" / "slotlogd.json"
    write_config(cfg, slot, "logs/svc.log")   # relative: next to the configuration
    log = tmp_path / "conf dir" / "logs" / "svc.log"
    try:
        r = wine(exe_win, "install", "--start", "demand", "-c", win_path(cfg))
        assert r.returncode == 0, text(r)
        assert "installed the service 'slotlog'" in text(r)
        # the control key, made once and kept (another test may have made it)
        assert re.search(r"(created|keeping the existing) (the )?control key C:\\ProgramData\\slotlog\\control.key", text(r)), text(r)
        assert (PREFIX / "drive_c" / "ProgramData" / "slotlog" / "control.key").stat().st_size == 65

        # what the scm and event viewer read
        service = reg_values(SERVICE_KEY + r"\slotlog")
        assert service["ImagePath"][1] == f'"{exe_win}" service -c "{win_path(cfg)}"'
        assert service["ObjectName"][1] == r"NT AUTHORITY\LocalService"
        assert service["DisplayName"][1] == "slotlog mailslot logging service"
        assert service["Start"] == ("REG_DWORD", "0x3")   # demand
        assert "mailslot" in service["Description"][1]
        if "FailureActions" in service:
            # SERVICE_FAILURE_ACTIONS as the scm stores it: reset period, 3 actions
            raw = bytes.fromhex(service["FailureActions"][1].replace(",", ""))
            assert int.from_bytes(raw[0:4], "little") == 86400
        else:
            # wine's scm accepts SERVICE_CONFIG_FAILURE_ACTIONS without storing
            # it (a FIXME) and refuses the non-crash flag: install says so
            assert "recovery on non-crash failures is not supported here" in text(r)
        source = reg_values(EVENTLOG_KEY)
        assert source["EventMessageFile"] == ("REG_EXPAND_SZ", exe_win)
        assert source["TypesSupported"] == ("REG_DWORD", "0x7")

        # a second install changes nothing
        again = wine(exe_win, "install")
        assert again.returncode == 1, text(again)
        assert "already installed" in text(again)
        assert reg_values(SERVICE_KEY + r"\slotlog")["ImagePath"] == service["ImagePath"]

        wine("sc", "start", "slotlog")
        wait_state("slotlog", "RUNNING")
        send(rf"\\.\mailslot\{slot}", "hello service")
        wait_for(lambda: any(l.endswith("]: hello service") for l in lines(log)), 30, "the first message")
        # an application on the client library: the design document's writer
        r = wine(BIN / "quick_brown_fox.exe", rf"\\*\mailslot\{slot}", "--no-stop")
        assert r.returncode == 0, text(r)
        wait_for(lambda: [l.split("]: ", 1)[1] for l in lines(log) if " -[-]: " in l] == ["the", "quick", "brown", "fox"],
                 30, "the four words")

        # a burst, then stop at once: everything read is written before STOPPED
        send(slot, stdin="".join(f"burst {i:04}\n" for i in range(500)).encode(), app="burst")
        r = wine("sc", "stop", "slotlog")
        assert r.returncode == 0, text(r)
        stopped = wait_state("slotlog", "STOPPED")
        assert stopped["win32_exit"] == 0 and stopped["service_exit"] == 0
        got = lines(log)
        assert [l.split("]: ", 1)[1] for l in got if " burst[" in l] == [f"burst {i:04}" for i in range(500)]
        assert "slotlogd stopping: 505 messages received" in got[-1]  # hello, four words, the burst

        # and it starts again
        wine("sc", "start", "slotlog")
        wait_state("slotlog", "RUNNING")
        send(slot, "after the restart")
        wait_for(lambda: any(l.endswith("]: after the restart") for l in lines(log)), 30, "the restart")

        # uninstall stops it gracefully first
        r = wine(exe_win, "uninstall")
        assert r.returncode == 0, text(r)
        assert "stopping the service 'slotlog'" in text(r)
        assert "slotlogd stopping: 1 messages received" in lines(log)[-1]
        assert query("slotlog") is None
        assert reg_values(SERVICE_KEY + r"\slotlog") is None
        assert reg_values(EVENTLOG_KEY) is None

        r = wine(exe_win, "uninstall")
        assert r.returncode == 1, text(r)
        assert "not installed" in text(r)
    finally:
        if query("slotlog") is not None:
            wine(exe_win, "uninstall")
        shutil.rmtree(program_folder, ignore_errors=True)


def test_sc_create_relative_config_and_startup_failures(tmp_path):
    name = f"slotlog-sc-{RUN_ID}"
    slot = f"slotlog-sc-{RUN_ID}"
    # a relative -c is taken from %ProgramData%\slotlog (the scm starts
    # services in system32)
    data = PREFIX / "drive_c" / "ProgramData" / "slotlog"
    cfg = data / f"{name}.json"
    log = tmp_path / "sc.log"
    write_config(cfg, slot, log, control={"allow_plain_stop": True})
    squatter = None
    try:
        r = wine("sc", "create", name, "binPath=", f"{win_path(BIN / 'slotlogd.exe')} service -c {name}.json")
        assert r.returncode == 0, text(r)

        wine("sc", "start", name)
        wait_state(name, "RUNNING")
        send(slot, "via sc create")
        wait_for(lambda: any(l.endswith("]: via sc create") for l in lines(log)), 30, "the message")
        # an accepted plain STOP stops the service like sc stop
        r = wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw", "STOP")
        assert r.returncode == 0, text(r)
        stopped = wait_state(name, "STOPPED")
        assert stopped["win32_exit"] == 0 and stopped["service_exit"] == 0
        assert "slotlogd stopping" in lines(log)[-1]

        # an invalid configuration: stopped, service-specific exit code 1
        cfg.write_text(json.dumps({"inputs": [{"type": "mailslot", "name": slot}], "outputz": []}))
        wine("sc", "start", name)
        stopped = wait_state(name, "STOPPED")
        assert stopped["win32_exit"] == ERROR_SERVICE_SPECIFIC_ERROR, stopped
        assert stopped["service_exit"] == 1, stopped

        # the slot read by another collector: stopped, exit code 3
        write_config(cfg, slot, log)
        squatter_cfg = tmp_path / "squatter.json"
        write_config(squatter_cfg, slot, tmp_path / "squatter.log")
        squatter = subprocess.Popen([WINE_RUN, str(BIN / "slotlogd.exe"), "serve", "-c", win_path(squatter_cfg)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: any("started" in l for l in lines(tmp_path / "squatter.log")), 30, "the other collector")
        wine("sc", "start", name)
        stopped = wait_state(name, "STOPPED")
        assert stopped["win32_exit"] == ERROR_SERVICE_SPECIFIC_ERROR, stopped
        assert stopped["service_exit"] == 3, stopped

        # a command line it does not understand: exit code 2
        r = wine("sc", "create", name + "-args", "binPath=", f"{win_path(BIN / 'slotlogd.exe')} service --bogus")
        assert r.returncode == 0, text(r)
        wine("sc", "start", name + "-args")
        stopped = wait_state(name + "-args", "STOPPED")
        assert stopped["win32_exit"] == ERROR_SERVICE_SPECIFIC_ERROR, stopped
        assert stopped["service_exit"] == 2, stopped
    finally:
        if squatter:
            squatter.kill()
            squatter.wait()
        remove_service(name)
        remove_service(name + "-args")
        cfg.unlink(missing_ok=True)
    assert query(name) is None and query(name + "-args") is None


def test_sc_create_with_the_embedded_default():
    data = PREFIX / "drive_c" / "ProgramData" / "slotlog"
    if (data / "slotlogd.json").exists():
        pytest.skip(r"C:\ProgramData\slotlog\slotlogd.json exists, so the embedded default is not used")
    name = f"slotlog-default-{RUN_ID}"
    log = data / "logs" / "slotlog.log"
    message = f"default configuration {RUN_ID}"
    try:
        r = wine("sc", "create", name, "binPath=", f"{win_path(BIN / 'slotlogd.exe')} service")
        assert r.returncode == 0, text(r)
        wine("sc", "start", name)
        state = wait_for(lambda: (q := query(name)) and q["state"] in ("RUNNING", "STOPPED") and q, 30, "a state")
        if state["state"] == "STOPPED" and state["service_exit"] == 3:
            pytest.skip("the slot 'logger' is read by another collector in this prefix")
        assert state["state"] == "RUNNING", state
        send("logger", message)
        wait_for(lambda: any(l.endswith("]: " + message) for l in lines(log)), 30, r"C:\ProgramData\slotlog\logs")
        wine("sc", "stop", name)
        wait_state(name, "STOPPED")
    finally:
        remove_service(name)


def service_events(trace):
    """the service's own events in the trace, as [(type, message id, text)]"""
    return [(etype, mid, "".join(text)) for _, etype, _, mid, text in reported_events(trace)
            if 100 <= mid & 0xFFFF < 1000]


def test_the_service_reports_to_the_event_log(tmp_path):
    if not TRACE:
        pytest.skip("another wine program started services.exe: the service's traces go there")
    path = TRACE["path"]
    earlier = path.stat().st_size   # the other tests' services traced too

    def trace():
        with open(path, "rb") as f:
            f.seek(earlier)
            return f.read().decode("utf-8", "replace")

    slot = f"slotlog-evt-{RUN_ID}"
    cfg = tmp_path / "slotlogd.json"
    log = tmp_path / "evt.log"
    # an eventlog output too: application entries go there, the service's own problems do not
    cfg.write_text(json.dumps({
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": win_path(log)},
                    {"type": "eventlog", "source": "slotlog", "min_level": "warning"}]}))
    squatter = None
    try:
        r = wine(BIN / "slotlogd.exe", "install", "--start", "demand", "-c", win_path(cfg))
        assert r.returncode == 0, text(r)
        # the recovery actions reach wine's scm, which does not keep them (a fixme)
        wait_for(lambda: "SERVICE_CONFIG_FAILURE_ACTIONS not implemented: period 86400" in trace(),
                 10, "the scm's trace of the failure actions")

        wine("sc", "start", "slotlog")
        wait_state("slotlog", "RUNNING")
        send(slot, "one", "two")
        r = wine(BIN / "slotlog.exe", "send", "-s", slot, "-l", "warning", "-a", "svc", "an application warning")
        assert r.returncode == 0, text(r)
        # over the read buffer: wine cuts it, and the service says so (a problem it handled)
        r = wine(BIN / "slotlog.exe", "send", "-s", slot, "--raw", input=b"c" * 70000)
        assert r.returncode == 0, text(r)
        wait_for(lambda: sum(l.endswith(("]: one", "]: two", "]: an application warning")) or "may have been cut" in l
                             for l in lines(log)) == 4, 30, "the messages and the warning")
        wine("sc", "stop", "slotlog")
        wait_state("slotlog", "STOPPED")

        cfg.write_text(json.dumps({"inputs": [{"type": "mailslot", "name": slot}], "outputz": []}))
        wine("sc", "start", "slotlog")
        wait_state("slotlog", "STOPPED")

        write_config(cfg, slot, tmp_path / "evt.log")
        squatter_cfg = tmp_path / "squatter.json"
        write_config(squatter_cfg, slot, tmp_path / "squatter.log")
        squatter = subprocess.Popen([WINE_RUN, str(BIN / "slotlogd.exe"), "serve", "-c", win_path(squatter_cfg)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: any("started" in l for l in lines(tmp_path / "squatter.log")), 30, "the other collector")
        wine("sc", "start", "slotlog")
        wait_state("slotlog", "STOPPED")
    finally:
        if squatter:
            squatter.kill()
            squatter.wait()
        if query("slotlog") is not None:
            wine(BIN / "slotlogd.exe", "uninstall")

    events = wait_for(lambda: len(e := service_events(trace())) >= 5 and e, 10,
                      "five events")
    assert [(t, mid) for t, mid, _ in events] == [
        (EVENTLOG_INFORMATION_TYPE, 0x40000064),   # service_started
        (EVENTLOG_WARNING_TYPE, 0x80000069),       # service_warning
        (EVENTLOG_INFORMATION_TYPE, 0x40000065),   # service_stopped
        (EVENTLOG_ERROR_TYPE, 0xC0000066),         # config_rejected
        (EVENTLOG_ERROR_TYPE, 0xC0000067),         # startup_failed
    ], events
    started, cut, stopped, rejected, failed = (e[2] for e in events)
    assert f"inputs: mailslot:{slot}" in started, started
    assert "may have been cut" in cut, cut
    assert stopped.startswith("4 messages received"), stopped
    # the eventlog output carried the application's warning, and not the service's own
    entry_warnings = ["".join(t) for _, etype, _, mid, t in reported_events(trace()) if mid == 0x800003E9]
    assert len(entry_warnings) == 1 and "svc[" in entry_warnings[0] and "an application warning" in entry_warnings[0], \
        entry_warnings
    assert "outputz: unknown key" in rejected, rejected
    assert "already being read" in failed, failed


FORWARD_UNREACHABLE = 0x8000006E   # event 110
FORWARD_REACHED = 0x4000006F       # event 111
STATISTICS = 0x40000070            # event 112


def formatted(mid, insertion):
    """the text Event Viewer shows for the event: the message table's, from slotlogd.exe"""
    r = wine(BIN / "format_message.exe", win_path(BIN / "slotlogd.exe"), insertion, hex(mid))
    assert r.returncode == 0, text(r)
    return r.stdout.decode("utf-8").rstrip("\r\n").split(" ", 1)[1]


def test_a_forward_target_down_and_back_is_one_event_each(tmp_path):
    if not TRACE:
        pytest.skip("another wine program started services.exe: the service's traces go there")
    if not available("imptcp"):
        pytest.skip("needs rsyslog (scripts/install-deps)")
    path = TRACE["path"]
    earlier = path.stat().st_size

    def events(mid=None):
        with open(path, "rb") as f:
            f.seek(earlier)
            got = service_events(f.read().decode("utf-8", "replace"))
        return [e for e in got if mid is None or e[1] == mid]

    server = Rsyslogd(tmp_path / "rsyslog")  # its port stays closed until it starts
    slot = f"slotlog-fwd-{RUN_ID}"
    cfg = tmp_path / "slotlogd.json"
    log = tmp_path / "fwd.log"
    cfg.write_text(json.dumps({
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": win_path(log)},
                    {"type": "forward", "name": "health", "protocol": "tcp", "targets": [server.target]}],
        "stats": {"interval": "2s"}}))
    try:
        r = wine(BIN / "slotlogd.exe", "install", "--start", "demand", "-c", win_path(cfg))
        assert r.returncode == 0, text(r)
        wine("sc", "start", "slotlog")
        wait_state("slotlog", "RUNNING")
        wait_for(lambda: events(FORWARD_UNREACHABLE), 30, "event 110")
        send(slot, "queued while the server is down")
        # two statistics later the sender has retried (1 s backoff) without a second 110
        wait_for(lambda: len(events(STATISTICS)) >= 2, 30, "two events 112")
        server.start()
        wait_for(lambda: events(FORWARD_REACHED), 30, "event 111")
        wait_for(lambda: any(m["msg"] == "queued while the server is down" for m in server.messages()), 30,
                 "the queued entry at the server")
        wine("sc", "stop", "slotlog")
        wait_state("slotlog", "STOPPED")
    finally:
        if query("slotlog") is not None:
            wine(BIN / "slotlogd.exe", "uninstall")
        server.stop()

    forward = [e for e in events() if e[1] in (FORWARD_UNREACHABLE, FORWARD_REACHED)]
    assert [(t, mid) for t, mid, _ in forward] == [(EVENTLOG_WARNING_TYPE, FORWARD_UNREACHABLE),
                                                   (EVENTLOG_INFORMATION_TYPE, FORWARD_REACHED)], forward
    down, up = forward[0][2], forward[1][2]
    assert down.startswith(f"forward health: cannot reach {server.target}: "), down
    assert down.endswith("; entries wait in the queue"), down
    assert up == f"forward health: reached again: {server.target} (tcp)", up
    # what Event Viewer shows: the message table's text around the entry
    assert formatted(FORWARD_UNREACHABLE, down) == MESSAGES[FORWARD_UNREACHABLE].format(down)
    assert formatted(FORWARD_REACHED, up) == MESSAGES[FORWARD_REACHED].format(up)
    stats = events(STATISTICS)
    assert all(t == EVENTLOG_INFORMATION_TYPE and s.startswith("statistics: ") and "forward health: " in s
               for t, _, s in stats), stats
    assert formatted(STATISTICS, stats[0][2]) == MESSAGES[STATISTICS].format(stats[0][2])
    # none of them is a generic 105 any more; the log file has them all as entries
    assert not [e for e in events() if e[1] == 0x80000069 and "forward health" in e[2]], events()
    got = lines(log)
    assert sum(f"forward health: cannot reach {server.target}" in l for l in got) == 1, got
    assert sum(f"forward health: reached again: {server.target}" in l for l in got) == 1, got
    assert sum("statistics: " in l for l in got) >= len(stats), got
