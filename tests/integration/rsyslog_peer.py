"""A private rsyslogd on a loopback port, the log server a forward output
sends to: imptcp (plain tcp, octet counting) or imrelp; with tls, imtcp with
the gtls stream driver (RFC 5425) or imrelp with tls="on". It writes what it
parsed of each message, one line per message:
#~#HOSTNAME|APP-NAME|PROCID|SEVERITY|FACILITY|STRUCTURED-DATA|MSG"""
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
MODULES = Path("/usr/lib/x86_64-linux-gnu/rsyslog")
FIELDS = ["host", "app", "procid", "severity", "facility", "sd", "msg"]
# starts each record: a record torn by a SIGKILL is followed on its line by the
# first one written after the restart
MARK = "#~#"


def complete_lines(path):
    """the lines of a file a server is writing, without the one it may be half way through"""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[:text.rfind("\n") + 1].splitlines()


def available(module):
    return Path(RSYSLOGD).exists() and (MODULES / f"{module}.so").exists()


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tls_listener(protocol, port, tls):
    """the global, module and input lines of a tls listener. tls: "ca", "cert" and
    "key" (PEM files); "permitted_peer" (relp): the client must present a
    certificate that the CA signed for this name; "client_auth": any certificate
    the CA signed"""
    if protocol == "relp":
        auth = ""
        if tls.get("permitted_peer"):
            auth = f' tls.authMode="name" tls.permittedPeer=["{tls["permitted_peer"]}"]'
        elif tls.get("client_auth"):
            auth = ' tls.authMode="certvalid"'
        return "", 'module(load="imrelp")', (
            f'input(type="imrelp" port="{port}" tls="on" tls.caCert="{tls["ca"]}" tls.myCert="{tls["cert"]}"'
            f' tls.myPrivKey="{tls["key"]}"{auth})')
    return (f' defaultNetstreamDriverCAFile="{tls["ca"]}" defaultNetstreamDriverCertFile="{tls["cert"]}"'
            f' defaultNetstreamDriverKeyFile="{tls["key"]}"',
            'module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="' +
            ("x509/certvalid" if tls.get("client_auth") else "anon") + '")',
            f'input(type="imtcp" port="{port}" address="127.0.0.1")')


class Rsyslogd:
    """durable: the main queue is direct, so that a message is written to the
    file before imrelp acknowledges it, and a receiver killed with SIGKILL has
    lost nothing it acknowledged (by default rsyslogd acknowledges what it queued
    in memory)"""

    def __init__(self, folder, protocol="tcp", port=None, tls=None, durable=False):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.protocol = protocol
        self.port = port or free_tcp_port()
        self.out = self.folder / "received.txt"
        self.proc = None
        if tls:
            files, module, listener = tls_listener(protocol, self.port, tls)
        else:
            name = "imrelp" if protocol == "relp" else "imptcp"
            # imrelp would cut longer messages at 8 KiB (and still acknowledge them)
            address = ' maxDataSize="64k"' if protocol == "relp" else ' address="127.0.0.1"'
            files, module, listener = "", f'module(load="{name}")', f'input(type="{name}" port="{self.port}"{address})'
        queue = 'main_queue(queue.type="Direct")' if durable else ""
        (self.folder / "rsyslog.conf").write_text(f"""
global(workDirectory="{self.folder}" maxMessageSize="64k"{files})
{queue}
{module}
{listener}
template(name="fields" type="string"
         string="{MARK}%hostname%|%app-name%|%procid%|%syslogseverity%|%syslogfacility%|%structured-data%|%msg%\\n")
action(type="omfile" file="{self.out}" template="fields")
""")

    @property
    def target(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=15):
        return self.run([RSYSLOGD, "-n", "-f", str(self.folder / "rsyslog.conf"),
                         "-i", str(self.folder / "rsyslogd.pid")], "rsyslogd", timeout)

    def run(self, command, name, timeout):
        """starts the server, its output to <name>.log, and waits until it listens"""
        log = self.folder / f"{name}.log"
        self.proc = subprocess.Popen(command, stdout=open(log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{name} exited: " + log.read_text(errors="replace"))
            if self.listening():
                return self
            time.sleep(0.05)
        raise AssertionError(f"{name} did not listen on " + self.target)

    def listening(self):
        # the kernel's table, not a connection: a probe would be a session to the server
        hex_port = f":{self.port:04X} "
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                for line in Path(table).read_text().splitlines()[1:]:
                    fields = line.split()
                    if fields[1].endswith(hex_port.strip()) and fields[3] == "0A":
                        return True
            except FileNotFoundError:
                pass
        return False

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None

    def lines(self):
        """the complete records: rsyslogd may be half way through writing the
        last one, and one it was killed while writing (omfile writes a record that
        straddles its buffer in two) lacks its end: the restarted server's first
        record follows it on the same line"""
        return [l[l.rfind(MARK) + len(MARK):] for l in complete_lines(self.out) if MARK in l]

    def messages(self):
        """each line as a dict of FIELDS"""
        return [dict(zip(FIELDS, l.split("|", len(FIELDS) - 1))) for l in self.lines()]
