"""The forward output over tls with schannel, under wine: slotlogd.exe sends to
a linux rsyslogd on loopback (imtcp with gtls, or imrelp with tls="on").
Certificates are made with the openssl cli; the CA goes into the wine prefix's
LocalMachine\\ROOT with cert_import.exe, and a client certificate into
CurrentUser\\MY with its key in a named container; both leave again at the end.
Targets are "localhost:PORT": wine's schannel matches only dns names
(reference/schannel-under-wine.md)."""
import contextlib
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import BIN, lines, plain_stop, start_serve, text, wait_for, win_path, wine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
from rsyslog_peer import Rsyslogd, available  # noqa: E402

pytestmark = pytest.mark.skipif(not available("imtcp") or not available("lmnsd_gtls") or not available("imrelp"),
                                reason="needs rsyslog, rsyslog-gnutls and rsyslog-relp (scripts/install-deps)")

CA_NAME = "slotlog wine tls test CA"
CLIENT_NAME = "slotlog wine tls client"
CLIENT_CONTAINER = "slotlog-wine-tls-test-client"


def openssl(folder, *args):
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)


def sign(folder, name, ca, days, extensions):
    """name.pem for name.csr, signed by ca(.pem, .key)"""
    (folder / f"{name}.ext").write_text("\n".join(extensions) + "\n")
    openssl(folder, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days), "-extfile", f"{name}.ext")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """a CA and its server certificate for localhost (one expired), another CA
    and its server certificate, a client certificate of the first CA"""
    d = tmp_path_factory.mktemp("pki")
    for ca, cn in (("ca", CA_NAME), ("other_ca", "slotlog wine tls other CA")):
        openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.pem",
                "-days", "2", "-subj", f"/CN={cn}", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost")
    server_ext = ["subjectAltName=DNS:localhost", "extendedKeyUsage=serverAuth", "basicConstraints=CA:FALSE",
                  "keyUsage=digitalSignature,keyEncipherment"]
    sign(d, "server", "ca", 2, server_ext)
    # -days -1: valid from now until yesterday, i.e. expired
    (d / "expired.csr").write_bytes((d / "server.csr").read_bytes())
    sign(d, "expired", "ca", -1, server_ext)
    (d / "stranger.csr").write_bytes((d / "server.csr").read_bytes())
    sign(d, "stranger", "other_ca", 2, server_ext)
    # schannel takes rsa client keys; cert_import reads PKCS#1
    openssl(d, "genrsa", "-traditional", "-out", "client.key", "2048")
    openssl(d, "req", "-new", "-key", "client.key", "-out", "client.csr", "-subj", f"/CN={CLIENT_NAME}")
    sign(d, "client", "ca", 2, ["extendedKeyUsage=clientAuth", "basicConstraints=CA:FALSE",
                                "keyUsage=digitalSignature,keyEncipherment"])
    return SimpleNamespace(dir=d, ca=d / "ca.pem", other_ca=d / "other_ca.pem", key=d / "server.key",
                           server=d / "server.pem", expired=d / "expired.pem", stranger=d / "stranger.pem",
                           client=d / "client.pem", client_key=d / "client.key")


def cert_import(*args):
    r = wine(BIN / "cert_import.exe", *args)
    assert r.returncode == 0, text(r)
    return r.stdout.decode("utf-8", "replace").strip()


def leftovers(store, subject):
    """thumbprints of certificates a killed run left in the store"""
    return [l.split()[0] for l in cert_import("list", store).splitlines() if subject in l]


@pytest.fixture(scope="module")
def root_ca(pki):
    """the test CA in LocalMachine\\ROOT for the module's tests, then out again"""
    for old in leftovers("LocalMachine\\ROOT", CA_NAME):
        cert_import("remove-root", old)
    thumbprint = cert_import("add-root", win_path(pki.ca))
    assert len(thumbprint) == 40, thumbprint
    yield thumbprint
    cert_import("remove-root", thumbprint)


@pytest.fixture(scope="module")
def client_cert(pki, root_ca):
    """the client certificate in CurrentUser\\MY, its key in a named container of the current user"""
    for old in leftovers("CurrentUser\\MY", CLIENT_NAME):
        cert_import("remove-client", old, CLIENT_CONTAINER)
    thumbprint = cert_import("add-client", win_path(pki.client), win_path(pki.client_key), CLIENT_CONTAINER)
    assert len(thumbprint) == 40, thumbprint
    yield thumbprint
    cert_import("remove-client", thumbprint, CLIENT_CONTAINER)


class TlsRsyslogd(Rsyslogd):
    """rsyslogd with tls: imtcp over gtls, or imrelp with tls="on"; anonymous
    clients, or only those with a certificate of the CA (client_auth)"""

    def __init__(self, folder, pki, protocol="tcp", cert=None, client_auth=False):
        super().__init__(folder, protocol,
                         tls={"ca": pki.ca, "cert": cert or pki.server, "key": pki.key, "client_auth": client_auth})

    @property
    def target(self):
        return f"localhost:{self.port}"

    def log(self):
        p = self.folder / "rsyslogd.log"
        return p.read_text(errors="replace") if p.exists() else ""


@pytest.fixture
def servers():
    """starts rsyslogds, and stops every one at the test's end, whatever happens"""
    started = []

    def start(server):
        started.append(server)
        return server.start()

    yield start
    for server in started:
        if server.proc and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


@contextlib.contextmanager
def collector(folder, slot, target, tls, protocol="tcp"):
    """slotlogd.exe with a mailslot in and a forward output to target, and a
    file of its own entries (logs/c.log); stopped with a plain STOP at the end"""
    log = folder / "logs" / "c.log"
    serve = start_serve(folder, {
        "inputs": [{"type": "mailslot", "name": slot}],
        "outputs": [{"type": "file", "path": "logs/c.log"},
                    {"type": "forward", "name": "central", "protocol": protocol, "targets": [target], "tls": tls}],
    }, "--allow-plain-stop")
    try:
        wait_for(lambda: any("started" in l for l in lines(log)), 60, "slotlogd.exe to start")
        yield log
        plain_stop(serve, "\\\\.\\mailslot\\" + slot)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def send_numbered(log, slot, app, start, count, batch=250):
    """count entries "app NNNNN" into the slot, a batch once the collector wrote the one before"""
    for first in range(start, start + count, batch):
        last = min(first + batch, start + count)
        stdin = "".join(f"{app} {i:05}\n" for i in range(first, last)).encode()
        r = wine(BIN / "slotlog.exe", "send", "-s", "\\\\.\\mailslot\\" + slot, "-a", app, input=stdin)
        assert r.returncode == 0, text(r)
        wait_for(lambda: any(l.endswith(f"{app} {last - 1:05}") for l in lines(log)), 60,
                 f"the collector to take {app} {last - 1:05}")


def received(server, app):
    return [m["msg"] for m in server.messages() if m["app"] == app]


def forward_lines(log):
    return [l for l in lines(log) if "forward central:" in l]


def test_thousand_entries_arrive_in_order_over_tls(tmp_path, pki, root_ca, servers):
    server = servers(TlsRsyslogd(tmp_path / "rsyslog", pki))
    slot = "slotlog-wine-tls-bulk"
    with collector(tmp_path, slot, server.target, {"ca_store": "ROOT"}) as log:
        wait_for(lambda: any(f"forward central: connected to {server.target} (tcp over tls)" in l for l in lines(log)),
                 60, "the tls connection")
        send_numbered(log, slot, "bulk", 0, 1000)
        wait_for(lambda: len(received(server, "bulk")) >= 1000, 60, "1,000 entries at rsyslogd")
    assert received(server, "bulk") == [f"bulk {i:05}" for i in range(1000)]
    assert not any("cannot reach" in l or " lost " in l for l in forward_lines(log)), forward_lines(log)


def test_a_server_that_restarts_is_noticed_and_reached_again(tmp_path, pki, root_ca, servers):
    # gnutls ends its sessions with a close_notify: wine hands it over as an empty
    # record, windows as SEC_I_CONTEXT_EXPIRED; both are the server closing
    server = servers(TlsRsyslogd(tmp_path / "rsyslog", pki))
    slot = "slotlog-wine-tls-restart"
    with collector(tmp_path, slot, server.target, {"ca_store": "ROOT"}) as log:
        wait_for(lambda: any("connected to " + server.target in l for l in lines(log)), 60, "the tls connection")
        send_numbered(log, slot, "before", 0, 100)
        wait_for(lambda: len(received(server, "before")) >= 100, 60, "the first 100 at rsyslogd")
        server.stop()
        wait_for(lambda: any(f"forward central: lost {server.target}: " in l for l in lines(log)), 60,
                 "the collector to notice the server went away")
        server.start()
        wait_for(lambda: any(f"forward central: reached again: {server.target}" in l for l in lines(log)), 90,
                 "the collector to reach the server again")
        send_numbered(log, slot, "after", 0, 100)
        wait_for(lambda: len(received(server, "after")) >= 100, 60, "the next 100 at rsyslogd")
    assert received(server, "before") == [f"before {i:05}" for i in range(100)]
    assert received(server, "after") == [f"after {i:05}" for i in range(100)]
    lost = [l for l in forward_lines(log) if " lost " in l]
    assert len(lost) == 1 and lost[0].endswith("entries wait in the queue"), lost


REFUSALS = {
    "another name": ("server", lambda pki: {"ca_store": "ROOT", "server_name": "otherhost"},
                     "the server's certificate is for another name than otherhost: it names localhost (0x800b010f)"),
    "a ca_file of another CA": ("server", lambda pki: {"ca_file": win_path(pki.other_ca)},
                                "the server's certificate is not signed by a trusted CA ("),
    "a CA that ROOT does not hold": ("stranger", lambda pki: {"ca_store": "ROOT"},
                                     "the server's certificate is not signed by a trusted CA ("),
    "an expired certificate": ("expired", lambda pki: {"ca_store": "ROOT"},
                               "the server's certificate has expired ("),
    "a client certificate that is not there": (
        "server", lambda pki: {"ca_store": "ROOT", "cert_store": "CurrentUser\\MY", "cert_thumbprint": "0" * 40},
        "no client certificate with thumbprint " + "0" * 40 + " in CurrentUser\\MY"),
}


@pytest.mark.parametrize("case", REFUSALS.keys())
def test_refused_with_the_reason(tmp_path, pki, root_ca, servers, case):
    cert, tls, reason = REFUSALS[case]
    server = servers(TlsRsyslogd(tmp_path / "rsyslog", pki, cert=getattr(pki, cert)))
    slot = "slotlog-wine-tls-refused"
    with collector(tmp_path, slot, server.target, tls(pki)) as log:
        expected = f"forward central: cannot reach {server.target}: {reason}"
        wait_for(lambda: any(expected in l for l in lines(log)), 60, "the refusal: " + expected)
        r = wine(BIN / "slotlog.exe", "send", "-s", "\\\\.\\mailslot\\" + slot, "-a", "refused", "not for them")
        assert r.returncode == 0, text(r)
        wait_for(lambda: any(l.endswith("not for them") for l in lines(log)), 60, "the entry in the collector's file")
    print(next(l for l in lines(log) if "cannot reach" in l))
    assert server.lines() == [], "nothing reaches a server that was refused"
    warnings = [l for l in forward_lines(log) if "cannot reach" in l]
    assert len(warnings) == 1, "one warning, not one per retry: " + repr(warnings)
    assert not any("connected to" in l for l in forward_lines(log))


def test_a_server_silent_in_the_handshake_is_given_up_in_time(tmp_path, pki, root_ca):
    # a listener that accepts and says nothing: the handshake keeps to the connect timeout (5 s)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        target = f"localhost:{listener.getsockname()[1]}"
        slot = "slotlog-wine-tls-silent"
        with collector(tmp_path, slot, target, {"ca_store": "ROOT"}) as log:
            expected = (f"forward central: cannot reach {target}: no tls handshake within 5000 ms: "
                        "does the server expect tls on this port?")
            wait_for(lambda: any(expected in l for l in lines(log)), 60, expected)
    print(next(l for l in lines(log) if "cannot reach" in l))


def test_client_certificate_by_thumbprint(tmp_path, pki, client_cert, servers):
    server = servers(TlsRsyslogd(tmp_path / "rsyslog", pki, client_auth=True))
    slot = "slotlog-wine-tls-client"
    tls = {"ca_store": "ROOT", "cert_store": "CurrentUser\\MY", "cert_thumbprint": client_cert}
    with collector(tmp_path, slot, server.target, tls) as log:
        wait_for(lambda: any("connected to " + server.target in l for l in lines(log)), 60, "the tls connection")
        send_numbered(log, slot, "mutual", 0, 200)
        wait_for(lambda: len(received(server, "mutual")) >= 200, 60, "200 entries at rsyslogd")
    assert received(server, "mutual") == [f"mutual {i:05}" for i in range(200)]
    assert "did not provide a certificate" not in server.log()
    assert not any("cannot reach" in l or " lost " in l for l in forward_lines(log)), forward_lines(log)


def test_relp_over_tls_with_a_client_certificate_by_subject(tmp_path, pki, client_cert, servers):
    # imrelp with x509 certificates always wants the client's (gnutls' anonymous
    # mode, which schannel does not speak, is the only other way)
    server = servers(TlsRsyslogd(tmp_path / "rsyslog", pki, protocol="relp", client_auth=True))
    slot = "slotlog-wine-tls-relp"
    tls = {"ca_store": "ROOT", "cert_store": "CurrentUser\\MY", "cert_subject": CLIENT_NAME}
    with collector(tmp_path, slot, server.target, tls, protocol="relp") as log:
        wait_for(lambda: any(f"connected to {server.target} (relp over tls)" in l for l in lines(log)), 60,
                 "the relp session over tls")
        send_numbered(log, slot, "relp", 0, 500)
        wait_for(lambda: len(received(server, "relp")) >= 500, 60, "500 entries at rsyslogd")
    assert received(server, "relp") == [f"relp {i:05}" for i in range(500)]
    assert not any("cannot reach" in l or " lost " in l for l in forward_lines(log)), forward_lines(log)
