// the remote mailslot write on the wire ([MS-MAIL] 2.2.1 over rfc 1002 4.4.1).
// values are windows' own: checked against two windows captures (the
// \MAILSLOT\BROWSE frame in rflynn/lanmap2 src/browse.h, the [MS-BRWS] 4.1
// example), samba (source3/libsmb/nmblib.c build_dgram, source3/libsmb/
// clidgram.c cli_prep_mailslot, source4/libcli/dgram/mailslot.c) and
// wireshark's packet-nbt.c. byte order by hand: no socket headers here

#include <slotlog/mailslot_wire.h>

#include <stdexcept>

namespace slotlog::wire {

namespace {

// netbios datagram header (big-endian)
constexpr std::size_t dgm_header_size = 14;
constexpr std::uint8_t flag_more = 0x01;
constexpr std::uint8_t flag_first = 0x02;
// the source end-node type bits: windows and samba 4 send 3 (0x0c), which
// wireshark shows as "NBDD"; with FIRST that makes the 0x0e of every capture
constexpr std::uint8_t flags_windows = 0x0c | flag_first;

// a first-level encoded name with an empty scope: 0x20, 32 half-ascii bytes, 0x00
constexpr std::size_t encoded_half_size = 32;
constexpr std::size_t encoded_name_size = 1 + encoded_half_size + 1;
constexpr std::size_t max_encoded_name = 255;  // rfc 1002 4.1: a domain name's limit
constexpr std::size_t max_netbios_name = 15;

// smb1 (little-endian); offsets from the start of the smb header
constexpr std::size_t smb_header_size = 32;
constexpr std::uint8_t smb_com_transaction = 0x25;
constexpr std::size_t trans_word_count = 17;                   // 14 words + 3 setup words
constexpr std::size_t off_word_count = smb_header_size;        // 32
constexpr std::size_t off_total_param_count = 33;
constexpr std::size_t off_total_data_count = 35;
constexpr std::size_t off_param_count = 51;
constexpr std::size_t off_data_count = 55;
constexpr std::size_t off_data_offset = 57;
constexpr std::size_t off_setup_count = 59;
constexpr std::size_t off_setup = 61;                          // opcode, priority, class
constexpr std::size_t off_byte_count = 33 + 2 * trans_word_count;  // 67
constexpr std::size_t off_bytes = off_byte_count + 2;              // 69: the slot name

constexpr std::uint16_t mailslot_write_opcode = 1;
// timeout 1000 ms: both windows captures, [MS-BRWS] 4.1 and samba 4 (samba 3
// sends 0). the priority varies in windows' captures (0 and 1): samba's 1
constexpr std::uint32_t windows_timeout = 1000;
constexpr std::uint16_t mailslot_priority = 1;
constexpr std::uint16_t mailslot_class_unreliable = 2;  // class 2: datagram, unacknowledged

constexpr std::string_view mailslot_prefix = "\\MAILSLOT\\";
constexpr std::size_t max_slot_name = 255;  // as the client's slot names
constexpr std::size_t max_message = 424;    // [MS-MAIL] 2.1: name + data at most 443 bytes

constexpr char to_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_upper(a[i]) != to_upper(b[i])) return false;
    }
    return true;
}

bool has_mailslot_prefix(std::string_view path) noexcept {
    return path.size() >= mailslot_prefix.size() && iequals(path.substr(0, mailslot_prefix.size()), mailslot_prefix);
}

std::string_view without_prefix(std::string_view path) noexcept {
    return has_mailslot_prefix(path) ? path.substr(mailslot_prefix.size()) : path;
}

std::string hex_byte(std::uint8_t b) {
    static constexpr char digits[] = "0123456789abcdef";
    return std::string{'0', 'x', digits[b >> 4], digits[b & 0xf]};
}

std::string num(std::size_t n) { return std::to_string(n); }

// -- writing --

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_be16(std::string& out, std::uint16_t v) {
    put_u8(out, static_cast<std::uint8_t>(v >> 8));
    put_u8(out, static_cast<std::uint8_t>(v));
}

void put_le16(std::string& out, std::uint16_t v) {
    put_u8(out, static_cast<std::uint8_t>(v));
    put_u8(out, static_cast<std::uint8_t>(v >> 8));
}

void put_le32(std::string& out, std::uint32_t v) {
    put_le16(out, static_cast<std::uint16_t>(v));
    put_le16(out, static_cast<std::uint16_t>(v >> 16));
}

// rfc 1001 14.1: 15 characters padded with spaces, the suffix, each byte as
// two letters 'A' + nibble; then the empty scope
void put_name(std::string& out, const netbios_name& n, std::string_view which) {
    if (n.name.empty()) throw std::invalid_argument("the " + std::string(which) + " netbios name is empty");
    if (n.name.size() > max_netbios_name) {
        throw std::invalid_argument("the " + std::string(which) + " netbios name '" + n.name + "' is " +
                                    num(n.name.size()) + " characters long, the limit is 15");
    }
    if (n.name.find('\0') != std::string::npos) {
        throw std::invalid_argument("the " + std::string(which) + " netbios name contains a NUL character");
    }
    put_u8(out, static_cast<std::uint8_t>(encoded_half_size));
    for (std::size_t i = 0; i < 16; ++i) {
        const char c = i < n.name.size() ? to_upper(n.name[i]) : ' ';
        const auto b = i == 15 ? n.suffix : static_cast<std::uint8_t>(c);
        put_u8(out, static_cast<std::uint8_t>('A' + (b >> 4)));
        put_u8(out, static_cast<std::uint8_t>('A' + (b & 0x0f)));
    }
    put_u8(out, 0);
}

// -- reading: every read is checked by the caller first --

std::uint8_t u8(std::string_view p, std::size_t at) noexcept { return static_cast<std::uint8_t>(p[at]); }

std::uint16_t be16(std::string_view p, std::size_t at) noexcept {
    return static_cast<std::uint16_t>(u8(p, at) << 8 | u8(p, at + 1));
}

std::uint16_t le16(std::string_view p, std::size_t at) noexcept {
    return static_cast<std::uint16_t>(u8(p, at) | u8(p, at + 1) << 8);
}

decode_result fail(std::string why) {
    decode_result r;
    r.error = std::move(why);
    return r;
}

// one encoded name at `at`: its 16 bytes decoded into `out`; returns its length,
// or 0 with `error` set
std::size_t read_name(std::string_view p, std::size_t at, std::string_view which, netbios_name& out,
                      std::string& error) {
    const auto the = [which] { return "the " + std::string(which); };  // built for errors only
    if (at >= p.size()) {
        error = "the packet ends before " + the() + " name";
        return 0;
    }
    if (u8(p, at) != encoded_half_size) {
        error = the() + " name's length byte is " + hex_byte(u8(p, at)) + ", not 0x20";
        return 0;
    }
    if (p.size() - at < 1 + encoded_half_size + 1) {
        error = the() + " name runs past the end of the packet";
        return 0;
    }
    char raw[16];
    for (std::size_t i = 0; i < 16; ++i) {
        const std::uint8_t hi = u8(p, at + 1 + 2 * i), lo = u8(p, at + 2 + 2 * i);
        if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P') {
            error = the() + " name is not first-level encoded (a byte outside 'A'..'P')";
            return 0;
        }
        raw[i] = static_cast<char>((hi - 'A') << 4 | (lo - 'A'));
    }
    // the scope: labels of 1 to 63 bytes up to an empty one (no compression in datagrams)
    std::size_t pos = at + 1 + encoded_half_size;
    for (;;) {
        if (pos >= p.size()) {
            error = the() + " name's scope runs past the end of the packet";
            return 0;
        }
        const std::uint8_t label = u8(p, pos);
        if (label == 0) break;
        if (label > 63) {
            error = the() + " name's scope has a bad label length " + hex_byte(label);
            return 0;
        }
        pos += 1 + label;
        if (pos - at + 1 > max_encoded_name) {
            error = the() + " name is longer than 255 bytes";
            return 0;
        }
    }
    std::size_t len = 15;
    while (len > 0 && raw[len - 1] == ' ') --len;
    out.name.assign(raw, len);
    out.suffix = static_cast<std::uint8_t>(raw[15]);
    return pos + 1 - at;
}

const char* datagram_type_name(std::uint8_t t) noexcept {
    switch (t) {
    case 0x13: return " (an error)";
    case 0x14: return " (a query request)";
    case 0x15:
    case 0x16: return " (a query response)";
    default: return "";
    }
}

// -- encode's steps --

// what encode refuses, in the order it says so (the names come later, as they are written)
void check_write(const mailslot_write& w) {
    const auto t = static_cast<std::uint8_t>(w.type);
    if (t < 0x10 || t > 0x12) throw std::invalid_argument("datagram type " + hex_byte(t) + " is not a mailslot write");
    if (!has_mailslot_prefix(w.mailslot)) {
        throw std::invalid_argument("the mailslot path '" + w.mailslot + "' does not start with \\MAILSLOT\\");
    }
    if (w.mailslot.find('\0') != std::string::npos) {
        throw std::invalid_argument("the mailslot path contains a NUL character");
    }
    const std::string_view slot = std::string_view(w.mailslot).substr(mailslot_prefix.size());
    if (slot.empty()) throw std::invalid_argument("the mailslot path names no slot after \\MAILSLOT\\");
    if (slot.size() > max_slot_name) {
        throw std::invalid_argument("the slot name is " + num(slot.size()) + " characters long, the limit is 255");
    }
    const std::size_t limit = max_data_size(slot);
    if (w.data.size() > limit) {
        throw std::invalid_argument("the message is " + num(w.data.size()) + " bytes, a remote mailslot write to '" +
                                    std::string(slot) + "' carries at most " + num(limit));
    }
}

// rfc 1002 4.4.1 header; DGM_LENGTH counts the names and the user data
// (samba's build_dgram: "offset - 14"; 160 in the windows capture)
void put_datagram_header(std::string& out, const mailslot_write& w, std::size_t smb_size) {
    put_u8(out, static_cast<std::uint8_t>(w.type));
    put_u8(out, flags_windows);
    put_be16(out, w.datagram_id);
    for (const std::uint8_t b : w.source_ip) put_u8(out, b);
    put_be16(out, w.source_port);
    put_be16(out, static_cast<std::uint16_t>(2 * encoded_name_size + smb_size));
    put_be16(out, 0);  // PACKET_OFFSET
    put_name(out, w.source, "source");
    put_name(out, w.destination, "destination");
}

// the smb TRANSACTION: header, 17 parameter words, then ByteCount bytes of name, nul and data
void put_transaction(std::string& out, const mailslot_write& w, std::size_t bytes) {
    // smb header: flags, flags2, pid, tid, uid, mid all 0 as windows sends them ([MS-BRWS] 4.1)
    out += "\xffSMB";
    put_u8(out, smb_com_transaction);
    out.append(smb_header_size - 5, '\0');

    const auto n = static_cast<std::uint16_t>(w.data.size());
    put_u8(out, static_cast<std::uint8_t>(trans_word_count));
    put_le16(out, 0);                // TotalParameterCount
    put_le16(out, n);                // TotalDataCount
    put_le16(out, 0);                // MaxParameterCount
    put_le16(out, 0);                // MaxDataCount
    put_u8(out, 0);                  // MaxSetupCount
    put_u8(out, 0);                  // Reserved
    put_le16(out, 0);                // Flags
    put_le32(out, windows_timeout);  // Timeout (offset 45)
    put_le16(out, 0);                // Reserved2
    put_le16(out, 0);                // ParameterCount
    put_le16(out, 0);                // ParameterOffset: 0 as in the captures
    put_le16(out, n);                // DataCount
    put_le16(out, static_cast<std::uint16_t>(off_bytes + w.mailslot.size() + 1));  // DataOffset: 70 + strlen
    put_u8(out, 3);                  // SetupCount
    put_u8(out, 0);                  // Reserved3
    put_le16(out, mailslot_write_opcode);
    put_le16(out, mailslot_priority);
    put_le16(out, mailslot_class_unreliable);
    put_le16(out, static_cast<std::uint16_t>(bytes));  // ByteCount
    out += w.mailslot;
    put_u8(out, 0);
    out += w.data;
}

// -- decode's steps: each returns why the packet is refused, or "" --

// the rfc 1002 header of a whole mailslot write datagram (no fragments)
std::string read_datagram_header(std::string_view p, mailslot_write_view& v) {
    if (p.size() < dgm_header_size) return "not a netbios datagram: " + num(p.size()) + " bytes";
    const std::uint8_t t = u8(p, 0);
    if (t < 0x10 || t > 0x12) {
        return "netbios datagram type " + hex_byte(t) + datagram_type_name(t) + " is not a mailslot write";
    }
    const std::uint8_t flags = u8(p, 1);
    if (flags & flag_more) return "a fragmented netbios datagram (the MORE flag is set)";
    if (!(flags & flag_first)) return "a fragmented netbios datagram (the FIRST flag is clear)";
    if (be16(p, 12) != 0) return "a fragmented netbios datagram (PACKET_OFFSET " + num(be16(p, 12)) + ")";
    const std::size_t dgm_length = be16(p, 10);
    if (dgm_length != p.size() - dgm_header_size) {
        return "DGM_LENGTH " + num(dgm_length) + " does not match the " + num(p.size() - dgm_header_size) +
               " bytes after the datagram header";
    }
    v.type = static_cast<datagram_type>(t);
    v.datagram_id = be16(p, 2);
    for (std::size_t i = 0; i < 4; ++i) v.source_ip[i] = u8(p, 4 + i);
    v.source_port = be16(p, 8);
    return {};
}

// the smb header, and room for the parameter words it announces
std::string check_smb_header(std::string_view s) {
    if (s.size() < smb_header_size + 1) return "the SMB message is truncated: " + num(s.size()) + " bytes";
    if (s.substr(0, 4) != std::string_view("\xffSMB", 4)) return "the user data is not an SMB message (no \\xffSMB)";
    if (u8(s, 4) != smb_com_transaction) {
        return "SMB command " + hex_byte(u8(s, 4)) + " is not TRANSACTION (0x25)";
    }
    const std::size_t word_count = u8(s, off_word_count);
    if (word_count < trans_word_count) {
        return "WordCount " + num(word_count) + " is too small for a mailslot TRANSACTION (17)";
    }
    const std::size_t byte_count_at = off_word_count + 1 + 2 * word_count;
    if (s.size() < byte_count_at + 2) return "the SMB message ends inside its " + num(word_count) + " parameter words";
    return {};
}

// the parameter words of a single-part mailslot write; check_smb_header made them readable
std::string check_transaction_words(std::string_view s) {
    const std::size_t word_count = u8(s, off_word_count);
    const std::size_t setup_count = u8(s, off_setup_count);
    if (setup_count != 3) return "SetupCount " + num(setup_count) + " is not 3 (a mailslot write)";
    if (word_count != 14 + setup_count) {
        return "WordCount " + num(word_count) + " does not match 14 words and 3 setup words";
    }
    const std::uint16_t opcode = le16(s, off_setup);
    if (opcode != mailslot_write_opcode) return "mailslot opcode " + num(opcode) + " is not a write (1)";
    if (le16(s, off_total_param_count) != 0 || le16(s, off_param_count) != 0) {
        return "a mailslot write carries no transaction parameters";
    }
    const std::size_t data_count = le16(s, off_data_count);
    const std::size_t total_data = le16(s, off_total_data_count);
    if (total_data != data_count) {
        return "TotalDataCount " + num(total_data) + " is not DataCount " + num(data_count) +
               " (a multi-part transaction)";
    }
    const std::size_t byte_count = le16(s, off_byte_count);
    if (byte_count != s.size() - off_bytes) {
        return "ByteCount " + num(byte_count) + " does not match the " + num(s.size() - off_bytes) + " bytes after it";
    }
    return {};
}

// the asciiz name, then padding, then the data up to the end
std::string read_mailslot_bytes(std::string_view s, mailslot_write_view& v) {
    const std::size_t nul = s.find('\0', off_bytes);
    if (nul == std::string_view::npos) return "the mailslot name is not terminated";
    const std::string_view name = s.substr(off_bytes, nul - off_bytes);
    if (!has_mailslot_prefix(name)) return "the transaction name does not start with \\MAILSLOT\\";
    if (name.size() == mailslot_prefix.size()) return "the mailslot name is empty after \\MAILSLOT\\";

    const std::size_t data_count = le16(s, off_data_count);
    const std::size_t data_offset = le16(s, off_data_offset);
    if (data_offset > s.size()) {
        return "DataOffset " + num(data_offset) + " is past the end of the " + num(s.size()) + "-byte SMB message";
    }
    if (data_offset <= nul) {
        return "DataOffset " + num(data_offset) + " points inside the mailslot name (it ends at " + num(nul + 1) + ")";
    }
    if (data_count > s.size() - data_offset) {
        return "DataCount " + num(data_count) + " at DataOffset " + num(data_offset) + " runs past the end of the " +
               num(s.size()) + "-byte SMB message";
    }
    if (data_offset + data_count != s.size()) {
        return "DataOffset " + num(data_offset) + " + DataCount " + num(data_count) + " stops short of the " +
               num(s.size()) + "-byte SMB message";
    }
    v.mailslot = name;
    v.data = s.substr(data_offset, data_count);
    return {};
}

} // namespace

std::string mailslot_path(std::string_view slot_name) {
    const std::string_view name = without_prefix(slot_name);
    std::string out(mailslot_prefix);
    out.reserve(out.size() + name.size());
    for (const char c : name) out.push_back(to_upper(c));
    return out;
}

std::size_t max_data_size(std::string_view slot_name) noexcept {
    // the client's network_message_limit: 432 less the name rounded up to 4,
    // never over the 424 windows documents
    const std::size_t name_cost = (without_prefix(slot_name).size() + 3) / 4 * 4;
    const std::size_t limit = name_cost < 432 ? 432 - name_cost : 0;
    return limit < max_message ? limit : max_message;
}

bool names_slot(std::string_view mailslot, std::string_view slot_name) noexcept {
    return iequals(without_prefix(mailslot), without_prefix(slot_name));
}

std::string encode(const mailslot_write& w) {
    check_write(w);
    const std::size_t bytes = w.mailslot.size() + 1 + w.data.size();  // ByteCount: name, nul, data
    const std::size_t smb_size = off_bytes + bytes;
    std::string out;
    out.reserve(dgm_header_size + 2 * encoded_name_size + smb_size);
    put_datagram_header(out, w, smb_size);
    put_transaction(out, w, bytes);
    return out;
}

decode_result decode(std::string_view p) {
    mailslot_write_view v;
    if (std::string error = read_datagram_header(p, v); !error.empty()) return fail(std::move(error));

    std::string error;
    std::size_t at = dgm_header_size;
    const std::size_t source_len = read_name(p, at, "source", v.source, error);
    if (source_len == 0) return fail(std::move(error));
    at += source_len;
    const std::size_t dest_len = read_name(p, at, "destination", v.destination, error);
    if (dest_len == 0) return fail(std::move(error));
    at += dest_len;

    // the smb message; its offsets count from its first byte
    const std::string_view s = p.substr(at);
    error = check_smb_header(s);
    if (error.empty()) error = check_transaction_words(s);
    if (error.empty()) error = read_mailslot_bytes(s, v);
    if (!error.empty()) return fail(std::move(error));

    decode_result r;
    r.write = std::move(v);
    return r;
}

} // namespace slotlog::wire
