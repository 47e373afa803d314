#pragma once

// what the forward output sends: an entry as an rfc 5424 message, its framing
// for plain tcp (rfc 6587 octet counting), and the entry's stable id

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <slotlog/entry.h>

namespace slotlog {

struct rfc5424_options {
    int facility = 1;                              // user
    std::string_view sd_id = "slotlog@32473";      // the structured data element's id
};

// rsyslog's names for the facilities 0..23 (kern, user, mail, daemon, auth, syslog, lpr,
// news, uucp, cron, authpriv, ftp, ntp, audit, alert, clock, local0..local7) -> code, case
// insensitive; also "security" (rsyslog's alias of auth, 4), "console" (14) and
// "solaris-cron" (15), syslog-ng's names. nullopt if unknown
std::optional<int> syslog_facility(std::string_view name) noexcept;

// the entry as an RFC 5424 message (no framing, no trailing newline), appended to out:
// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
void append_rfc5424(std::string& out, const entry& e, std::string_view id, const rfc5424_options& o);

// RFC 6587 octet counting: "<length> <message>"
void append_octet_counted(std::string& out, std::string_view message);

// the entry's stable id: 16 lowercase hex digits. a stamped entry (seq set) gets a hash of
// host, app, pid, slot, seq and time (so the same message received twice, e.g. by two
// collectors, has the same id); another one a hash of (instance, counter), where the caller
// gives a random instance per process and a counter per output. the id is stored with the
// queued record, so retries and restarts resend the same id
std::string entry_id(const entry& e, std::uint64_t instance, std::uint64_t counter);

} // namespace slotlog
