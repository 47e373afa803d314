#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <slotlog/entry.h>

namespace slotlog {

enum class message_format { json, syslog, marshal, text };

// the transport's view of where a message came from
struct origin {
    std::string_view slot;            // input name, copied into entry::slot
    std::string_view peer_host;       // sender's host where the transport knows it, else empty
    clock::time_point received{};     // the entry's time unless the message has its own
    // for copies (a broadcast arrives once per transport and interface, see
    // repeat_filter.h): the sender as the transport names it, a prefix of
    // peer_host (a netbios name, or the whole address); empty where the
    // transport names none (a local socket, the windows mailslot), and then
    // an unstamped message is never taken for a copy
    std::string_view sender{};
    bool named = false;               // sender is a name, which several addresses may carry
    std::uint64_t path = 0;           // the way it came: the input, and a named sender's address
    // the transport holds back its senders while we do not read (a full unix
    // datagram socket blocks them): waiting for room in the queue loses nothing
    bool blocks_sender = false;
};

// decodes one message into one entry, detecting the format per message in
// this order: json object with "msg", syslog "<PRI>", python marshal of
// str/bytes, else plain text at info. never throws, never fails: anything
// that is not a well-formed json/syslog/marshal message is plain text.
entry decode(std::string_view payload, const origin& from);
// the same into `out`, whatever it held: its strings keep their storage, so
// that a stream of messages decoded into one entry costs no allocation each
void decode(std::string_view payload, const origin& from, entry& out) noexcept;

// the format decode() would pick, for tests and counters
message_format detect_format(std::string_view payload);

// the individual decoders: nullopt if the payload is not of that format
std::optional<entry> decode_json(std::string_view payload, const origin& from);
std::optional<entry> decode_syslog(std::string_view payload, const origin& from);
entry decode_text(std::string_view payload, const origin& from);
// the same into `out`, reusing its storage; decode_syslog leaves out as it
// was when the payload is not syslog
bool decode_syslog(std::string_view payload, const origin& from, entry& out);
void decode_text(std::string_view payload, const origin& from, entry& out);
// out as decode_text of an empty payload: the received time, the slot, the peer host
void reset_entry(entry& out, const origin& from);

// python marshal of a str or bytes (python 2 and 3 type codes, ref flag);
// the doubly marshalled form is unwrapped. returns the raw (unsanitised) text
// or nullopt if the payload is not exactly one marshalled str/bytes.
std::optional<std::string> unmarshal_string(std::string_view payload);

// the payload without the trailing CR, LF and NUL characters that C clients
// (strlen + 1) and `echo | nc` add; every decoder starts with it
std::string_view strip_terminators(std::string_view payload) noexcept;

} // namespace slotlog
