"""The forward output over TLS against a real rsyslogd: RFC 5425 to imtcp with
the gtls stream driver, RELP over TLS to imrelp (with a client certificate it
requires), and the refusals a user must be able to act on (an unknown CA, a
wrong name, an expired certificate, a missing client certificate), each one
warning in the collector's log while it keeps running. The certificates are
made here with the openssl command."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, file_config, read_lines, slotlog, wait_for
from rsyslog_peer import Rsyslogd, available
from forwarding import assert_complete, forward_config, numbered, of_app, stop_servers  # noqa: F401

pytestmark = pytest.mark.skipif(not available("imtcp") or not available("lmnsd_gtls") or not available("imrelp"),
                                reason="needs rsyslog, rsyslog-gnutls and rsyslog-relp (scripts/install-deps)")


# ------------------------------------------------------------------ certificates

SERVER_NAMES = "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
CLIENT_NAMES = "subjectAltName=DNS:slotlog-client\nextendedKeyUsage=clientAuth\n"

# `openssl ca` signs with any validity dates (`openssl x509 -req` only counts days from now)
CA_CONFIG = """
[ca]
default_ca = test_ca
[test_ca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
"""


def openssl(*args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60)
    assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr.decode(errors='replace')}"


class Pki:
    """a CA, and certificates it signs, in one folder"""

    def __init__(self, folder, name):
        self.dir = Path(folder)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ca = self.dir / "ca.pem"
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "3650", "-subj", f"/CN={name}",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                cwd=self.dir)
        (self.dir / "index.txt").write_text("")
        (self.dir / "serial").write_text("1000\n")
        (self.dir / "ca.cnf").write_text(CA_CONFIG.format(dir=self.dir))

    def issue(self, name, common_name, extensions, dates=("-days", "365")):
        """name.pem and name.key: the certificate and its key"""
        (self.dir / f"{name}.ext").write_text(extensions)
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN={common_name}", cwd=self.dir)
        openssl("ca", "-batch", "-config", "ca.cnf", "-notext", "-in", f"{name}.csr", "-out", f"{name}.pem",
                "-extfile", f"{name}.ext", *dates, cwd=self.dir)
        return self.dir / f"{name}.pem", self.dir / f"{name}.key"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """the CA, a server certificate for localhost and 127.0.0.1, an expired one, a
    client certificate; and another CA that signed none of them"""
    ca = Pki(tmp_path_factory.mktemp("pki") / "ca", "slotlog test CA")
    ca.server = ca.issue("server", "localhost", SERVER_NAMES)
    ca.expired = ca.issue("expired", "localhost", SERVER_NAMES,
                          ("-startdate", "20200101000000Z", "-enddate", "20200102000000Z"))
    ca.client = ca.issue("client", "slotlog-client", CLIENT_NAMES)
    ca.other = Pki(tmp_path_factory.mktemp("pki") / "other", "another CA")
    return ca


def tls_server(folder, pki, protocol="tcp", cert=None, **options):
    """a TLS rsyslogd with the server certificate (or `cert`), started"""
    cert, key = cert or pki.server
    return Rsyslogd(folder, protocol, tls={"ca": pki.ca, "cert": cert, "key": key, **options}).start()


def tls_forward(log, server, protocol="tcp", **tls):
    return forward_config(log, [server.target], protocol, tls={k: str(v) for k, v in tls.items()})


def warnings_of(log, name="central"):
    return [l for l in read_lines(log) if "WARNING" in l and f"forward {name}:" in l]


def refused(log, target, reason, collector):
    """the one warning that names the reason; the collector still runs"""
    wait_for(lambda: any(reason in l for l in warnings_of(log)), timeout=20, what=f"a warning with '{reason}'")
    assert collector.proc.poll() is None, "the collector keeps running"
    line = next(l for l in warnings_of(log) if reason in l)
    # before the handshake ends, or (tls 1.3: the server judges the client's
    # certificate after the client's handshake has ended) at the relp open
    assert any(f"{said} {target}" in line for said in ("cannot reach", "lost")) or \
        f"{target} refused the relp session" in line, line
    return line


# ------------------------------------------------------------------ delivery

def test_tcp_over_tls_delivers_every_entry_in_order(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki)
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, ca_file=pki.ca)).wait_ready(log)
    wait_for(lambda: any(f"forward central: connected to {server.target} (tcp over tls)" in l
                         for l in read_lines(log)), timeout=20, what="the connection")
    n = 100_000
    slotlog("send", "-a", "tls", env=env, input=numbered(n))
    wait_for(lambda: len(of_app(server, "tls")) >= n, timeout=120, what="every entry at rsyslogd")
    assert assert_complete(of_app(server, "tls"), n) == 0
    assert not warnings_of(log), warnings_of(log)
    assert c.stop() == 0
    summary = next(l for l in read_lines(log) if "forward central:" in l and "queued" in l)
    assert " 0 dropped, 0 waiting" in summary, summary  # the collector's own entries went too


def test_relp_over_tls_with_the_client_certificate_the_server_requires(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki, "relp", permitted_peer="slotlog-client")
    log = tmp_path / "out.log"
    cert, key = pki.client
    c = collectors(tls_forward(log, server, "relp", ca_file=pki.ca, cert_file=cert, key_file=key)).wait_ready(log)
    n = 2_000
    slotlog("send", "-a", "relptls", env=env, input=numbered(n))
    wait_for(lambda: len({m["msg"] for m in of_app(server, "relptls")}) >= n, timeout=60, what="every entry")
    assert assert_complete(of_app(server, "relptls"), n) == 0
    assert any(f"connected to {server.target} (relp over tls)" in l for l in read_lines(log))
    assert not warnings_of(log), warnings_of(log)
    assert c.stop() == 0


def test_relp_over_tls_without_the_client_certificate_is_refused(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki, "relp", permitted_peer="slotlog-client")
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, "relp", ca_file=pki.ca)).wait_ready(log)
    slotlog("send", "-a", "nocert", "kept", env=env)
    line = refused(log, server.target, "client certificate", c)
    print(line)
    assert not of_app(server, "nocert"), "nothing arrives without the certificate"
    assert len(warnings_of(log)) == 1, warnings_of(log)
    assert c.stop() == 0


# ------------------------------------------------------------------ refusals

def test_a_server_certificate_of_an_unknown_ca_is_refused(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki)
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, ca_file=pki.other.ca)).wait_ready(log)
    line = refused(log, server.target, "certificate verify failed: unable to get local issuer certificate", c)
    print(line)
    assert f"not signed by a CA in {pki.other.ca}" in line and '"slotlog test CA"' in line, line
    slotlog("send", "-a", "unknown", "kept", env=env)
    wait_for(lambda: any(" unknown[" in l for l in read_lines(log)), what="the entry in the file")
    assert not of_app(server, "unknown")
    assert len(warnings_of(log)) == 1, "one warning, not one per attempt"
    assert c.stop() == 0


def test_without_a_ca_file_the_system_cas_decide(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki)
    log = tmp_path / "out.log"
    c = collectors(forward_config(log, [server.target], tls={})).wait_ready(log)
    line = refused(log, server.target, "not signed by a CA this system trusts", c)
    print(line)
    assert "tls.ca_file can name the CA" in line, line
    assert c.stop() == 0


def test_a_wrong_server_name_is_refused(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki)
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, ca_file=pki.ca, server_name="otherhost")).wait_ready(log)
    line = refused(log, server.target, "hostname mismatch", c)
    print(line)
    assert "(the certificate is for localhost, 127.0.0.1, not otherhost)" in line, line
    assert c.stop() == 0


def test_an_expired_server_certificate_is_refused(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki, cert=pki.expired)
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, ca_file=pki.ca)).wait_ready(log)
    line = refused(log, server.target, "certificate has expired", c)
    print(line)
    assert "the server's certificate expired on 2020-01-02 00:00:00 UTC" in line, line
    assert c.stop() == 0


def test_verify_false_connects_to_an_unknown_ca_and_warns_at_start(tmp_path, env, collectors, pki):
    server = tls_server(tmp_path / "rsyslog", pki)
    log = tmp_path / "out.log"
    cfg = forward_config(log, [server.target], tls={"ca_file": str(pki.other.ca), "verify": False})
    c = collectors(cfg).wait_ready(log)
    wait_for(lambda: any("forward central: tls.verify is false" in l for l in read_lines(log)), what="the warning")
    slotlog("send", "-a", "noverify", "one", "two", env=env)
    wait_for(lambda: [m["msg"] for m in of_app(server, "noverify")] == ["one", "two"], timeout=30, what="the entries")
    assert [l for l in warnings_of(log) if "tls.verify is false" not in l] == []
    assert c.stop() == 0


def test_a_plain_tcp_server_is_named_as_such(tmp_path, env, collectors, pki):
    server = Rsyslogd(tmp_path / "rsyslog").start()  # imptcp, no tls
    log = tmp_path / "out.log"
    c = collectors(tls_forward(log, server, ca_file=pki.ca)).wait_ready(log)
    line = refused(log, server.target, "no tls handshake within", c)
    print(line)
    assert c.stop() == 0


@pytest.mark.parametrize("key", ["another", "encrypted"])
def test_a_client_key_that_cannot_be_used_is_named(tmp_path, env, collectors, pki, key):
    server = tls_server(tmp_path / "rsyslog", pki, "relp")
    log = tmp_path / "out.log"
    cert, _ = pki.client
    if key == "another":
        _, key_file = pki.server
        reason = "the client certificate and key do not match"
    else:
        key_file = tmp_path / "encrypted.key"
        openssl("genpkey", "-algorithm", "RSA", "-aes256", "-pass", "pass:secret", "-out", str(key_file), cwd=tmp_path)
        reason = f"cannot use tls.key_file {key_file}: it is encrypted"
    c = collectors(tls_forward(log, server, "relp", ca_file=pki.ca, cert_file=cert, key_file=key_file)).wait_ready(log)
    line = refused(log, server.target, reason, c)
    print(line)
    assert c.stop() == 0


# ------------------------------------------------------------------ check-config

def check_config(tmp_path, env, tls):
    cfg = file_config(tmp_path / "out.log")
    cfg["outputs"].append({"type": "forward", "name": "central", "protocol": "relp",
                           "targets": ["logs.example.com:2514"], "tls": tls})
    path = tmp_path / "slotlogd.json"
    path.write_text(json.dumps(cfg))
    r = subprocess.run([str(BIN / "slotlogd"), "check-config", str(path)], env=env, capture_output=True, timeout=30)
    return r.returncode, r.stdout.decode() + r.stderr.decode()


def test_check_config_accepts_tls_and_names_a_missing_ca_file(tmp_path, env, pki):
    cert, key = pki.client
    code, out = check_config(tmp_path, env, {"ca_file": str(pki.ca), "cert_file": str(cert), "key_file": str(key),
                                             "server_name": "logs.example.com", "verify": True})
    assert code == 0, out
    code, out = check_config(tmp_path, env, {"ca_file": str(tmp_path / "missing.pem")})
    assert code == 1, out
    assert "outputs[1].tls.ca_file" in out and "missing.pem" in out, out
