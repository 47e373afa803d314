// the reasons a tls connection names (posix: openssl's codes); and a context
// that cannot be made names its file before any server is reached
#include "forward/posix/tls_errors_posix.h"

#include <gtest/gtest.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <stdexcept>

#include "forward/connection.h"
#include "test_files.h"

using slotlog::describe_close;
using slotlog::describe_ssl_error;
using slotlog::describe_verify_failure;
using slotlog::tls_expectation;
using slotlog::verify_failure;

namespace {

verify_failure failure(long code, const char* text, int depth = 0) {
    verify_failure f;
    f.code = code;
    f.text = text;
    f.depth = depth;
    f.subject = depth == 0 ? "localhost" : "Intermediate CA";
    f.issuer = depth == 0 ? "Other CA" : "Other Root";
    return f;
}

const tls_expectation with_ca{"/etc/slotlog/ca.pem", "logs1", false};
const tls_expectation system_cas{"", "logs1", false};

} // namespace

TEST(TlsErrors, AnUnknownCaNamesTheCaFileAndTheIssuer) {
    const auto f = failure(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get local issuer certificate");
    EXPECT_EQ(describe_verify_failure(f, with_ca),
              "certificate verify failed: unable to get local issuer certificate (the server's certificate is not "
              "signed by a CA in /etc/slotlog/ca.pem: its issuer is \"Other CA\")");
    EXPECT_EQ(describe_verify_failure(f, system_cas),
              "certificate verify failed: unable to get local issuer certificate (the server's certificate is not "
              "signed by a CA this system trusts: its issuer is \"Other CA\"; tls.ca_file can name the CA)");
}

TEST(TlsErrors, AChainToAnUntrustedRootNamesTheRoot) {
    const auto f = failure(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "self-signed certificate in certificate chain", 2);
    auto root = f;
    root.subject = "Other Root";
    EXPECT_EQ(describe_verify_failure(root, with_ca),
              "certificate verify failed: self-signed certificate in certificate chain (the server's chain ends at "
              "\"Other Root\", which is not a CA in /etc/slotlog/ca.pem)");
}

TEST(TlsErrors, AWrongNameNamesWhatTheCertificateIsFor) {
    auto f = failure(X509_V_ERR_HOSTNAME_MISMATCH, "hostname mismatch");
    f.names = {"localhost", "127.0.0.1"};
    const tls_expectation other{"ca.pem", "otherhost", false};
    EXPECT_EQ(describe_verify_failure(f, other),
              "certificate verify failed: hostname mismatch (the certificate is for localhost, 127.0.0.1, not "
              "otherhost); tls.server_name sets the name expected");
    // no alternative names: the common name is what it is for
    f.names.clear();
    EXPECT_NE(describe_verify_failure(f, other).find("(the certificate is for localhost, not otherhost)"),
              std::string::npos);
    // a certificate for a whole site: a few of its names
    f.names.assign(40, "a.example.com");
    const auto many = describe_verify_failure(f, other);
    EXPECT_NE(many.find("a.example.com, ..., not otherhost"), std::string::npos) << many;
    EXPECT_LT(many.size(), 300u);
}

TEST(TlsErrors, AnExpiredCertificateSaysWhoseAndWhen) {
    auto f = failure(X509_V_ERR_CERT_HAS_EXPIRED, "certificate has expired");
    f.not_after = "2020-01-02 00:00:00 UTC";
    EXPECT_EQ(describe_verify_failure(f, with_ca),
              "certificate verify failed: certificate has expired (the server's certificate expired on 2020-01-02 "
              "00:00:00 UTC)");
    f.depth = 1;
    f.subject = "Intermediate CA";
    EXPECT_EQ(describe_verify_failure(f, with_ca),
              "certificate verify failed: certificate has expired (the CA certificate \"Intermediate CA\" expired on "
              "2020-01-02 00:00:00 UTC)");
    auto early = failure(X509_V_ERR_CERT_NOT_YET_VALID, "certificate is not yet valid");
    early.not_before = "2030-01-01 00:00:00 UTC";
    EXPECT_NE(describe_verify_failure(early, with_ca).find("is valid from 2030-01-01 00:00:00 UTC: is this machine's "
                                                           "clock right?"),
              std::string::npos);
}

TEST(TlsErrors, AlertsAboutTheClientCertificate) {
    const tls_expectation without{"ca.pem", "logs1", false};
    const tls_expectation with{"ca.pem", "logs1", true};
    EXPECT_EQ(describe_ssl_error(SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, "tlsv13 alert certificate required", without),
              "the server requires a client certificate (alert: certificate required); tls.cert_file and "
              "tls.key_file give one");
    EXPECT_EQ(describe_ssl_error(SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, "sslv3 alert bad certificate", with),
              "the server refused the client certificate (alert: bad certificate)");
    EXPECT_EQ(describe_ssl_error(SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, "sslv3 alert certificate expired", with),
              "the server refused the client certificate: it has expired (alert: certificate expired)");
    EXPECT_EQ(describe_ssl_error(SSL_R_TLSV1_ALERT_UNKNOWN_CA, "tlsv1 alert unknown ca", with),
              "the server refused the client certificate: the server does not trust its CA (alert: unknown ca)");
    EXPECT_NE(describe_ssl_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, "sslv3 alert handshake failure", without)
                  .find("it requires a client certificate"),
              std::string::npos);
}

TEST(TlsErrors, OtherAlertsAndReasons) {
    EXPECT_EQ(describe_ssl_error(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, "tlsv1 alert protocol version", with_ca),
              "the server does not accept tls 1.2 or later (alert: protocol version)");
    EXPECT_EQ(describe_ssl_error(SSL_R_TLSV1_UNRECOGNIZED_NAME, "tlsv1 unrecognized name", with_ca),
              "the server does not know the name logs1 (alert: unrecognized name); tls.server_name sets the name "
              "asked for");
    EXPECT_EQ(describe_ssl_error(SSL_R_WRONG_VERSION_NUMBER, "wrong version number", with_ca),
              "the server does not answer in tls (wrong version number): does it expect plain tcp on this port?");
    EXPECT_EQ(describe_ssl_error(SSL_R_UNSUPPORTED_PROTOCOL, "unsupported protocol", with_ca),
              "the server offers no tls 1.2 or later (unsupported protocol)");
    EXPECT_EQ(describe_ssl_error(SSL_R_BAD_SIGNATURE, "bad signature", with_ca), "tls error: bad signature");
}

TEST(TlsErrors, AServerThatClosesAfterAskingForACertificate) {
    tls_expectation asked{"ca.pem", "logs1", false, true};
    EXPECT_EQ(describe_close("the server closed the connection", asked),
              "the server closed the connection after it asked for a client certificate; tls.cert_file and "
              "tls.key_file give one");
    asked.client_certificate = true;
    EXPECT_EQ(describe_close("the server closed the connection", asked), "the server closed the connection");
    EXPECT_EQ(describe_close("the server closed the connection (Broken pipe)", system_cas),
              "the server closed the connection (Broken pipe)");
}

TEST(TlsContext, AFileWithoutCertificatesIsNamedBeforeAnyServerIsReached) {
    const slotlog::testing::temp_dir dir;
    const auto ca = dir.path() / "ca.pem";
    std::ofstream(ca) << "not a certificate\n";
    slotlog::tls_config tls;
    tls.enabled = true;
    tls.ca_file = ca;
    // port 1 on loopback: nothing listens there, and it is never asked
    try {
        slotlog::connect_tls(slotlog::parse_target("127.0.0.1:1"), tls, std::chrono::milliseconds(1000));
        FAIL() << "connected";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("cannot use tls.ca_file " + ca.string() + ": ", 0), 0u) << e.what();
    }
}
