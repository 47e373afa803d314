"""A private syslog-ng on a loopback tcp port, the log server a forward output
sends to: Debian's syslog-ng-core unpacked by scripts/syslog-ng-private (the
package itself would remove rsyslog), in the foreground with its own module
path, persist file, pid file and control socket. Its syslog() source reads
RFC 5424 with octet-counted framing (RFC 6587) over tcp; it writes what it
parsed of each message as one JSON line: host ($HOST), app ($PROGRAM), procid
($PID), severity ($LEVEL_NUM), facility ($FACILITY_NUM), sd ($SDATA, the
structured data as syslog-ng writes it back), params (its parse of the
structured data, {SD-ID: {name: value}}, unescaped) and msg ($MSG). An
APP-NAME or PROCID that the message leaves out (`-`) is an empty string here,
where rsyslog writes `-`; a HOSTNAME `-` becomes the sender's address.

RECEIVER is the configuration, and TLS_SOURCE its source for RFC 5425, as
docs/forwarding.md ("Receivers") shows them."""
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

from rsyslog_peer import Rsyslogd, complete_lines, free_tcp_port

PEERS = Path(os.environ.get("SLOTLOG_PEERS", "/opt/slotlog-peers")) / "syslog-ng"
SYSLOG_NG = PEERS / "bin" / "syslog-ng"  # sets LD_LIBRARY_PATH for the unpacked libraries
MODULES = PEERS / "modules"

# flow-control: the source stops reading while the file is behind, rather than
# drop what its queue cannot hold (syslog-ng's default for a log path without
# it); log_iw_size is shared by max_connections, 100 / 10 by default.
# keep_hostname(yes): otherwise HOST is the sender's address, not HOSTNAME
RECEIVER = """\
@version: 3.38
options { use_dns(no); use_fqdn(no); dns_cache(no); keep_hostname(yes); };
source s_slotlog {
{source}};
destination d_fields {
    file("{file}" template("$(format-json host=$HOST app=$PROGRAM procid=$PID severity=$LEVEL_NUM
        facility=$FACILITY_NUM sd=$SDATA msg=$MSG --key .SDATA.* --rekey .SDATA.* --replace-prefix .SDATA.=params.)\\n"));
};
log { source(s_slotlog); destination(d_fields); flags(flow-control); };
"""

SOURCE = """\
    syslog(transport("tcp") ip("{address}") port({port}) max_connections(10) log_iw_size(10000));
"""

# RFC 5425: the source over tls, with the server's certificate and key, and the
# CA that must have signed the client's certificate (peer-verify(required-trusted))
TLS_SOURCE = """\
    syslog(transport("tls") ip("{address}") port({port}) max_connections(10) log_iw_size(10000)
           tls(key-file("{key}") cert-file("{cert}")
               ca-file("{ca}") peer-verify(required-trusted)));
"""


def fill(template, **values):
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def tls_source(tls, port, address="127.0.0.1"):
    """TLS_SOURCE with tls's "key", "cert" and "ca" (PEM files)"""
    return fill(TLS_SOURCE, key=tls["key"], cert=tls["cert"], ca=tls["ca"], address=address, port=port)


def receiver(port, file, address="127.0.0.1", tls=None):
    """RECEIVER for this port, output file and listening address; with tls, its
    source is tls_source's"""
    source = tls_source(tls, port, address) if tls else fill(SOURCE, address=address, port=port)
    return fill(RECEIVER, source=source, file=file)


def available():
    return SYSLOG_NG.exists() and (MODULES / "libafsocket.so").exists()


def version():
    return (PEERS / "version").read_text().strip()


class SyslogNg:
    # the port and the output file work as rsyslogd's do: the same checks
    target = Rsyslogd.target
    listening = Rsyslogd.listening
    run = Rsyslogd.run

    def lines(self):
        return complete_lines(self.out)

    def __init__(self, folder, port=None, tls=None):
        """tls: "key", "cert" and "ca" (PEM files), for RFC 5425 with a client certificate"""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_tcp_port()
        self.out = self.folder / "received.jsonl"
        self.config = self.folder / "syslog-ng.conf"
        self.config.write_text(receiver(self.port, self.out, tls=tls))
        self.proc = None
        # a unix socket's path has at most 107 bytes: a deep tmp_path gets a short folder
        self.control = self.folder / "syslog-ng.ctl"
        self.short = None
        if len(str(self.control)) > 100:
            self.short = tempfile.mkdtemp(prefix="slotlog-sng-")
            self.control = Path(self.short) / "ctl"

    def start(self, timeout=15):
        self.control.parent.mkdir(parents=True, exist_ok=True)
        return self.run([str(SYSLOG_NG), "-F", "--no-caps", "--stderr", f"--module-path={MODULES}",
                         f"--cfgfile={self.config}", f"--persist-file={self.folder / 'syslog-ng.persist'}",
                         f"--pidfile={self.folder / 'syslog-ng.pid'}", f"--control={self.control}"],
                        "syslog-ng", timeout)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None
        if self.short:
            shutil.rmtree(self.short, ignore_errors=True)

    def messages(self):
        """each line as a dict: host, app, procid, severity, facility, sd, params, msg"""
        return [json.loads(l) for l in self.lines()]
