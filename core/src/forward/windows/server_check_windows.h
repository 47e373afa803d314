#pragma once

// the server's certificate, checked by slotlog itself after the handshake:
// schannel is told not to (SCH_CRED_MANUAL_CRED_VALIDATION), and wine's
// schannel never does (reference/schannel-under-wine.md)

#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include <windows.h>
#include <security.h>

#include <string>

#include <slotlog/config.h>

namespace slotlog {

// the chain of the server's certificate up to a CA of tls.ca_file (only
// those), else of tls.ca_store, for tls servers, and its names against
// `name`. throws std::runtime_error with the reason: "the server's
// certificate is not signed by a trusted CA (0x800b0109)", "... is for another
// name than X: it names Y (0x800b010f)", "... has expired (0x800b0101)"
void check_server_certificate(CtxtHandle& context, const tls_config& tls, const std::string& name);

} // namespace slotlog
