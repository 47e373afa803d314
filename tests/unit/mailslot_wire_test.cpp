// the remote mailslot wire format: vectors built field by field as windows
// sends them, a real windows capture, round trips, limits, and a strict
// decoder that refuses every truncation and every broken field

#include <gtest/gtest.h>

#include <slotlog/client.h>
#include <slotlog/mailslot_wire.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

using namespace slotlog::wire;

namespace {

std::string bytes(std::initializer_list<int> list) {
    std::string out;
    for (const int b : list) out.push_back(static_cast<char>(b));
    return out;
}

// \\*\mailslot\logger written on WIN11PC (192.168.1.20) in WORKGROUP: "hello"
std::string win11pc_hello() {
    std::string p;
    // rfc 1002 4.4.1 header, big-endian
    p += bytes({0x11});                      // MSG_TYPE: direct group datagram
    p += bytes({0x0e});                      // FLAGS: FIRST (0x02), node type 3 (0x0c)
    p += bytes({0x12, 0x34});                // DGM_ID
    p += bytes({192, 168, 1, 20});           // SOURCE_IP
    p += bytes({0x00, 0x8a});                // SOURCE_PORT 138
    p += bytes({0x00, 0x9f});                // DGM_LENGTH 159: names (68) + smb (91)
    p += bytes({0x00, 0x00});                // PACKET_OFFSET
    // source name WIN11PC<00>: W I N 1 1 P C, 8 spaces, suffix 0x00
    p += bytes({0x20});
    p += "FHEJEODBDBFAED" "CACACACACACACACA" "AA";
    p += bytes({0x00});                      // empty scope
    // destination name WORKGROUP<00>
    p += bytes({0x20});
    p += "FHEPFCELEHFCEPFFFA" "CACACACACACA" "AA";
    p += bytes({0x00});
    // smb header: magic, command 0x25, then 27 zero bytes (status, flags, flags2, pid, tid, uid, mid)
    p += bytes({0xff, 'S', 'M', 'B', 0x25});
    p += std::string(27, '\0');
    // TRANSACTION request, little-endian
    p += bytes({17});                        // WordCount: 14 + 3 setup words
    p += bytes({0x00, 0x00});                // TotalParameterCount
    p += bytes({0x05, 0x00});                // TotalDataCount 5
    p += bytes({0x00, 0x00});                // MaxParameterCount
    p += bytes({0x00, 0x00});                // MaxDataCount
    p += bytes({0x00});                      // MaxSetupCount
    p += bytes({0x00});                      // Reserved
    p += bytes({0x00, 0x00});                // Flags
    p += bytes({0xe8, 0x03, 0x00, 0x00});    // Timeout 1000 ms
    p += bytes({0x00, 0x00});                // Reserved2
    p += bytes({0x00, 0x00});                // ParameterCount
    p += bytes({0x00, 0x00});                // ParameterOffset
    p += bytes({0x05, 0x00});                // DataCount 5
    p += bytes({0x56, 0x00});                // DataOffset 86 = 70 + strlen("\MAILSLOT\LOGGER")
    p += bytes({0x03});                      // SetupCount
    p += bytes({0x00});                      // Reserved3
    p += bytes({0x01, 0x00});                // opcode 1: write mailslot
    p += bytes({0x01, 0x00});                // priority 1
    p += bytes({0x02, 0x00});                // class 2: unreliable, broadcast
    p += bytes({0x16, 0x00});                // ByteCount 22: name, nul, data
    p += "\\MAILSLOT\\LOGGER";
    p += bytes({0x00});
    p += "hello";
    return p;
}

mailslot_write win11pc_write(std::string data = "hello") {
    mailslot_write w;
    w.type = datagram_type::direct_group;
    w.datagram_id = 0x1234;
    w.source_ip = {192, 168, 1, 20};
    w.source_port = 138;
    w.source = {"win11pc", 0x00};
    w.destination = {"WORKGROUP", 0x00};
    w.mailslot = mailslot_path("logger");
    w.data = std::move(data);
    return w;
}

// a windows host (CARDIOPU-2Y1XFW, 10.43.97.1, ttl 128) asking WORKGROUP<1d>
// for its backup browsers: the udp payload of a captured frame printed in
// rflynn/lanmap2 src/browse.h
std::string captured_backup_list_request() {
    std::string p = bytes({0x11, 0x0e, 0xcd, 0x3e, 0x0a, 0x2b, 0x61, 0x01, 0x00, 0x8a, 0x00, 0xa0, 0x00, 0x00});
    p += "\x20" "EDEBFCEEEJEPFAFFCNDCFJDBFIEGFHAA" + std::string(1, '\0');
    p += "\x20" "FHEPFCELEHFCEPFFFACACACACACACABN" + std::string(1, '\0');
    p += bytes({0xff, 'S', 'M', 'B', 0x25}) + std::string(27, '\0');
    p += bytes({0x11, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01, 0x00, 0x01,
                0x00, 0x02, 0x00, 0x17, 0x00});
    p += "\\MAILSLOT\\BROWSE" + std::string(1, '\0');
    p += bytes({0x09, 0x04, 0x9b, 0x09, 0x00, 0x00});  // GetBackupListReq, count 4, token 0x99b
    return p;
}

std::string error_of(const std::string& packet) {
    const auto r = decode(packet);
    EXPECT_FALSE(r.write) << "accepted";
    EXPECT_FALSE(r.error.empty());
    return r.error;
}

std::string encode_error(const mailslot_write& w) {
    try {
        encode(w);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

void set_le16(std::string& p, std::size_t at, std::uint16_t v) {
    p[at] = static_cast<char>(v & 0xff);
    p[at + 1] = static_cast<char>(v >> 8);
}

void set_be16(std::string& p, std::size_t at, std::uint16_t v) {
    p[at] = static_cast<char>(v >> 8);
    p[at + 1] = static_cast<char>(v & 0xff);
}

// where the smb message starts in a packet with empty scopes
constexpr std::size_t smb_at = 14 + 34 + 34;

} // namespace

TEST(mailslot_wire, encodes_what_windows_sends) {
    const std::string expected = win11pc_hello();
    ASSERT_EQ(expected.size(), 173u);
    EXPECT_EQ(encode(win11pc_write()), expected);
}

TEST(mailslot_wire, decodes_what_windows_sends) {
    const std::string packet = win11pc_hello();
    const auto r = decode(packet);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_TRUE(r.error.empty());
    const auto& v = *r.write;
    EXPECT_EQ(v.type, datagram_type::direct_group);
    EXPECT_EQ(v.datagram_id, 0x1234);
    EXPECT_EQ(v.source_ip, (std::array<std::uint8_t, 4>{192, 168, 1, 20}));
    EXPECT_EQ(v.source_port, 138);
    EXPECT_EQ(v.source.name, "WIN11PC");
    EXPECT_EQ(v.source.suffix, 0x00);
    EXPECT_EQ(v.destination.name, "WORKGROUP");
    EXPECT_EQ(v.destination.suffix, 0x00);
    EXPECT_EQ(v.mailslot, "\\MAILSLOT\\LOGGER");
    EXPECT_EQ(v.data, "hello");
    // the views point into the packet
    EXPECT_EQ(v.data.data(), packet.data() + packet.size() - 5);
    EXPECT_TRUE(names_slot(v.mailslot, "logger"));
}

TEST(mailslot_wire, decode_allocates_nothing) {
    // the names (15 characters at most) live in the strings' own buffers, slot
    // and data view the packet, and the error is empty
    const auto in_place = [](const std::string& s) {
        const auto* self = reinterpret_cast<const char*>(&s);
        return s.data() >= self && s.data() < self + sizeof s;
    };
    for (const std::string& packet : {win11pc_hello(), captured_backup_list_request()}) {
        const auto r = decode(packet);
        ASSERT_TRUE(r.write) << r.error;
        EXPECT_TRUE(in_place(r.write->source.name)) << r.write->source.name;
        EXPECT_TRUE(in_place(r.write->destination.name));
        EXPECT_TRUE(in_place(r.error));
        EXPECT_GE(r.write->mailslot.data(), packet.data());
        EXPECT_LE(r.write->data.data() + r.write->data.size(), packet.data() + packet.size());
    }
}

TEST(mailslot_wire, decodes_a_captured_windows_datagram) {
    const std::string packet = captured_backup_list_request();
    ASSERT_EQ(packet.size(), 174u);  // the frame's udp length 182 less 8
    const auto r = decode(packet);
    ASSERT_TRUE(r.write) << r.error;
    const auto& v = *r.write;
    EXPECT_EQ(v.type, datagram_type::direct_group);
    EXPECT_EQ(v.datagram_id, 0xcd3e);
    EXPECT_EQ(v.source_ip, (std::array<std::uint8_t, 4>{10, 43, 97, 1}));
    EXPECT_EQ(v.source_port, 138);
    EXPECT_EQ(v.source.name, "CARDIOPU-2Y1XFW");
    EXPECT_EQ(v.source.suffix, 0x00);
    EXPECT_EQ(v.destination.name, "WORKGROUP");
    EXPECT_EQ(v.destination.suffix, 0x1d);  // the local master browser
    EXPECT_EQ(v.mailslot, "\\MAILSLOT\\BROWSE");
    EXPECT_EQ(v.data, bytes({0x09, 0x04, 0x9b, 0x09, 0x00, 0x00}));
}

TEST(mailslot_wire, reencodes_the_capture_byte_for_byte) {
    // flags 0x0e, timeout 1000, priority 1, offsets: what encode writes
    mailslot_write w;
    w.type = datagram_type::direct_group;
    w.datagram_id = 0xcd3e;
    w.source_ip = {10, 43, 97, 1};
    w.source = {"CARDIOPU-2Y1XFW", 0x00};
    w.destination = {"WORKGROUP", 0x1d};
    w.mailslot = "\\MAILSLOT\\BROWSE";
    w.data = bytes({0x09, 0x04, 0x9b, 0x09, 0x00, 0x00});
    EXPECT_EQ(encode(w), captured_backup_list_request());
}

TEST(mailslot_wire, round_trips) {
    const std::vector<std::string> datas = {
        "", "x", std::string("a\0b\0", 4), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9c", std::string(424, 'z'),
        "\xff\xfe\x00\x01\x80", "<13>1 2024-01-01T00:00:00Z host app - - - hi"};
    const datagram_type types[] = {datagram_type::direct_unique, datagram_type::direct_group, datagram_type::broadcast};
    std::uint16_t id = 0;
    for (const auto type : types) {
        for (const auto& data : datas) {
            mailslot_write w = win11pc_write(data);
            w.type = type;
            w.datagram_id = id += 0x1111;
            w.source_port = 5138;
            w.source = {"a-b.c_d~e!f#g$%", 0x20};
            w.destination = {"X", 0x1b};
            const std::string packet = encode(w);
            const auto r = decode(packet);
            ASSERT_TRUE(r.write) << r.error;
            EXPECT_EQ(r.write->type, type);
            EXPECT_EQ(r.write->datagram_id, w.datagram_id);
            EXPECT_EQ(r.write->source_port, 5138);
            EXPECT_EQ(r.write->source.name, "A-B.C_D~E!F#G$%");
            EXPECT_EQ(r.write->source.suffix, 0x20);
            EXPECT_EQ(r.write->destination.name, "X");
            EXPECT_EQ(r.write->destination.suffix, 0x1b);
            EXPECT_EQ(r.write->mailslot, "\\MAILSLOT\\LOGGER");
            EXPECT_EQ(r.write->data, data);
        }
    }
}

TEST(mailslot_wire, sub_folders) {
    EXPECT_EQ(mailslot_path("logger"), "\\MAILSLOT\\LOGGER");
    EXPECT_EQ(mailslot_path("a\\b"), "\\MAILSLOT\\A\\B");
    EXPECT_EQ(mailslot_path("app\\Sub\\deep"), "\\MAILSLOT\\APP\\SUB\\DEEP");
    EXPECT_EQ(mailslot_path("\\mailslot\\x"), "\\MAILSLOT\\X");  // already a path
    EXPECT_EQ(mailslot_path("caf\xc3\xa9"), "\\MAILSLOT\\CAF\xc3\xa9");  // ascii only
    mailslot_write w = win11pc_write();
    w.mailslot = mailslot_path("app\\sub");
    const std::string packet = encode(w);  // the views point into it
    const auto r = decode(packet);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->mailslot, "\\MAILSLOT\\APP\\SUB");
    EXPECT_TRUE(names_slot(r.write->mailslot, "app\\sub"));
    EXPECT_FALSE(names_slot(r.write->mailslot, "app"));
    EXPECT_FALSE(names_slot(r.write->mailslot, "sub"));
}

TEST(mailslot_wire, names_slot_ignores_case) {
    EXPECT_TRUE(names_slot("\\MAILSLOT\\LOGGER", "logger"));
    EXPECT_TRUE(names_slot("\\mailslot\\logger", "LOGGER"));
    EXPECT_TRUE(names_slot("\\MailSlot\\LoGgEr", "\\MAILSLOT\\logger"));
    EXPECT_TRUE(names_slot("logger", "logger"));
    EXPECT_FALSE(names_slot("\\MAILSLOT\\LOGGER2", "logger"));
    EXPECT_FALSE(names_slot("\\MAILSLOT\\LOGGE", "logger"));
    EXPECT_FALSE(names_slot("\\PIPE\\LOGGER", "logger"));
    EXPECT_FALSE(names_slot("\\MAILSLOT\\", "logger"));
    EXPECT_FALSE(names_slot("\\MAILSLOT\\CAF\xc3\x89", "caf\xc3\xa9"));  // no unicode folding
}

TEST(mailslot_wire, message_limits) {
    EXPECT_EQ(max_data_size("logger"), 424u);
    EXPECT_EQ(max_data_size("\\MAILSLOT\\LOGGER"), 424u);
    EXPECT_EQ(max_data_size("x"), 424u);
    EXPECT_EQ(max_data_size("12345678"), 424u);
    EXPECT_EQ(max_data_size("123456789"), 420u);
    EXPECT_EQ(max_data_size(std::string(255, 'n')), 176u);
    EXPECT_EQ(max_data_size(std::string(432, 'n')), 0u);

    EXPECT_NO_THROW(encode(win11pc_write(std::string(424, 'a'))));
    EXPECT_EQ(encode_error(win11pc_write(std::string(425, 'a'))),
              "the message is 425 bytes, a remote mailslot write to 'LOGGER' carries at most 424");
    mailslot_write w = win11pc_write(std::string(421, 'a'));
    w.mailslot = mailslot_path("longer_name");  // 11 -> 12: 420
    EXPECT_NE(encode_error(w), "accepted");
    w.data.resize(420);
    EXPECT_NO_THROW(encode(w));
}

TEST(mailslot_wire, limit_equals_the_clients) {
    // core/proto/src/slot_name.cpp network_message_limit: the two must not drift apart
    for (std::size_t n = 1; n <= 255; ++n) {
        const std::string name(n, 'q');
        const auto slot = slotlog::parse_slot_name("\\\\*\\mailslot\\" + name);
        EXPECT_EQ(max_data_size(name), slotlog::network_message_limit(slot)) << n;
    }
}

TEST(mailslot_wire, encode_refuses_bad_fields) {
    mailslot_write w = win11pc_write();
    w.source.name = "SIXTEEN_CHARS_XX";
    EXPECT_EQ(encode_error(w), "the source netbios name 'SIXTEEN_CHARS_XX' is 16 characters long, the limit is 15");
    w.source.name = "FIFTEEN_CHARS_X";
    EXPECT_NO_THROW(encode(w));
    w.destination.name = "";
    EXPECT_EQ(encode_error(w), "the destination netbios name is empty");
    w.destination.name = std::string("A\0B", 3);
    EXPECT_NE(encode_error(w), "accepted");

    w = win11pc_write();
    w.mailslot = "\\PIPE\\LOGGER";
    EXPECT_EQ(encode_error(w), "the mailslot path '\\PIPE\\LOGGER' does not start with \\MAILSLOT\\");
    w.mailslot = "logger";
    EXPECT_NE(encode_error(w), "accepted");
    w.mailslot = "\\MAILSLOT\\";
    EXPECT_NE(encode_error(w), "accepted");
    w.mailslot = std::string("\\MAILSLOT\\LOG\0GER", 17);
    EXPECT_EQ(encode_error(w), "the mailslot path contains a NUL character");
    w.mailslot = "\\mailslot\\logger";  // case-insensitive prefix, sent as given
    const std::string packet = encode(w);
    const auto r = decode(packet);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->mailslot, "\\mailslot\\logger");
    w.mailslot = "\\MAILSLOT\\" + std::string(256, 'n');
    w.data.clear();
    EXPECT_NE(encode_error(w), "accepted");
}

TEST(mailslot_wire, accepts_every_write_type_refuses_the_others) {
    std::string p = win11pc_hello();
    for (const int t : {0x10, 0x11, 0x12}) {
        p[0] = static_cast<char>(t);
        const auto r = decode(p);
        ASSERT_TRUE(r.write) << r.error;
        EXPECT_EQ(static_cast<int>(r.write->type), t);
    }
    p[0] = 0x13;
    EXPECT_EQ(error_of(p), "netbios datagram type 0x13 (an error) is not a mailslot write");
    p[0] = 0x14;
    EXPECT_EQ(error_of(p), "netbios datagram type 0x14 (a query request) is not a mailslot write");
    for (const int t : {0x00, 0x0f, 0x15, 0x16, 0x17, 0x81, 0xff}) {
        p[0] = static_cast<char>(t);
        EXPECT_NE(error_of(p).find("is not a mailslot write"), std::string::npos);
    }
}

TEST(mailslot_wire, every_truncation_is_refused) {
    for (const std::string& packet : {win11pc_hello(), captured_backup_list_request()}) {
        for (std::size_t n = 0; n < packet.size(); ++n) {
            // a copy of exactly n bytes, so a sanitizer sees any read past it
            const std::string prefix = packet.substr(0, n);
            const auto r = decode(prefix);
            EXPECT_FALSE(r.write) << n;
            EXPECT_FALSE(r.error.empty()) << n;
        }
        EXPECT_NE(error_of(packet + "x"), "accepted");
        EXPECT_NE(error_of(packet + std::string(1, '\0')), "accepted");
    }
    EXPECT_EQ(error_of(std::string(9, '\x11')), "not a netbios datagram: 9 bytes");
    EXPECT_EQ(error_of(""), "not a netbios datagram: 0 bytes");
}

TEST(mailslot_wire, truncations_with_a_fixed_dgm_length_are_refused) {
    // a cut packet whose DGM_LENGTH was fixed up: the later checks catch it
    const std::string packet = win11pc_hello();
    for (std::size_t n = 14; n < packet.size(); ++n) {
        std::string cut = packet.substr(0, n);
        set_be16(cut, 10, static_cast<std::uint16_t>(n - 14));
        EXPECT_FALSE(decode(cut).write) << n;
    }
}

TEST(mailslot_wire, every_broken_field_is_refused) {
    struct corruption {
        const char* what;
        void (*apply)(std::string&);
        const char* error;
    };
    const corruption cases[] = {
        {"more flag", [](std::string& p) { p[1] = 0x0f; }, "a fragmented netbios datagram (the MORE flag is set)"},
        {"first flag clear", [](std::string& p) { p[1] = 0x0c; },
         "a fragmented netbios datagram (the FIRST flag is clear)"},
        {"packet offset", [](std::string& p) { set_be16(p, 12, 400); },
         "a fragmented netbios datagram (PACKET_OFFSET 400)"},
        {"dgm length short", [](std::string& p) { set_be16(p, 10, 158); },
         "DGM_LENGTH 158 does not match the 159 bytes after the datagram header"},
        {"dgm length long", [](std::string& p) { set_be16(p, 10, 173); },
         "DGM_LENGTH 173 does not match the 159 bytes after the datagram header"},
        {"source name length", [](std::string& p) { p[14] = 0x21; },
         "the source name's length byte is 0x21, not 0x20"},
        {"source name encoding", [](std::string& p) { p[20] = 'Q'; },
         "the source name is not first-level encoded (a byte outside 'A'..'P')"},
        {"source name lowercase", [](std::string& p) { p[15] = 'f'; },
         "the source name is not first-level encoded (a byte outside 'A'..'P')"},
        {"destination name length", [](std::string& p) { p[48] = 0x10; },
         "the destination name's length byte is 0x10, not 0x20"},
        {"destination scope label", [](std::string& p) { p[81] = static_cast<char>(0xc0); },
         "the destination name's scope has a bad label length 0xc0"},
        {"destination scope past the end", [](std::string& p) {
             p[81] = 0x3f;   // a 63-byte label over the smb header
             p[145] = 0x3f;  // and another from its priority word on
         },
         "the destination name's scope runs past the end of the packet"},
        {"smb magic", [](std::string& p) { p[smb_at] = static_cast<char>(0xfe); },
         "the user data is not an SMB message (no \\xffSMB)"},
        {"smb2 magic", [](std::string& p) { p[smb_at + 1] = 's'; },
         "the user data is not an SMB message (no \\xffSMB)"},
        {"command", [](std::string& p) { p[smb_at + 4] = 0x32; }, "SMB command 0x32 is not TRANSACTION (0x25)"},
        {"word count small", [](std::string& p) { p[smb_at + 32] = 16; },
         "WordCount 16 is too small for a mailslot TRANSACTION (17)"},
        {"word count large", [](std::string& p) { p[smb_at + 32] = 18; },
         "WordCount 18 does not match 14 words and 3 setup words"},
        {"word count huge", [](std::string& p) { p[smb_at + 32] = static_cast<char>(0xff); },
         "the SMB message ends inside its 255 parameter words"},
        {"setup count", [](std::string& p) { p[smb_at + 59] = 2; }, "SetupCount 2 is not 3 (a mailslot write)"},
        {"opcode", [](std::string& p) { set_le16(p, smb_at + 61, 2); }, "mailslot opcode 2 is not a write (1)"},
        {"parameters", [](std::string& p) { set_le16(p, smb_at + 51, 1); },
         "a mailslot write carries no transaction parameters"},
        {"total data count", [](std::string& p) { set_le16(p, smb_at + 35, 9); },
         "TotalDataCount 9 is not DataCount 5 (a multi-part transaction)"},
        {"byte count", [](std::string& p) { set_le16(p, smb_at + 67, 23); },
         "ByteCount 23 does not match the 22 bytes after it"},
        {"data offset past the end", [](std::string& p) { set_le16(p, smb_at + 57, 300); },
         "DataOffset 300 is past the end of the 91-byte SMB message"},
        {"data offset in the name", [](std::string& p) { set_le16(p, smb_at + 57, 80); },
         "DataOffset 80 points inside the mailslot name (it ends at 86)"},
        {"data count past the end", [](std::string& p) {
             set_le16(p, smb_at + 55, 6);
             set_le16(p, smb_at + 35, 6);
         },
         "DataCount 6 at DataOffset 86 runs past the end of the 91-byte SMB message"},
        {"data short of the end", [](std::string& p) {
             set_le16(p, smb_at + 55, 4);
             set_le16(p, smb_at + 35, 4);
         },
         "DataOffset 86 + DataCount 4 stops short of the 91-byte SMB message"},
        {"name not a mailslot", [](std::string& p) { p[smb_at + 70] = 'P'; },
         "the transaction name does not start with \\MAILSLOT\\"},
    };
    for (const auto& c : cases) {
        std::string p = win11pc_hello();
        c.apply(p);
        EXPECT_EQ(error_of(p), c.error) << c.what;
    }
}

TEST(mailslot_wire, unterminated_name_is_refused) {
    // no nul anywhere after the name, data included
    std::string p = win11pc_hello();
    p[smb_at + 69 + 16] = 'X';
    EXPECT_EQ(error_of(p), "the mailslot name is not terminated");
    // an empty slot after \MAILSLOT\ : "\MAILSLOT\" nul, padding
    mailslot_write w = win11pc_write("");
    p = encode(w);
    p[smb_at + 69 + 10] = '\0';
    EXPECT_EQ(error_of(p), "the mailslot name is empty after \\MAILSLOT\\");
}

TEST(mailslot_wire, accepts_padding_between_name_and_data) {
    // [MS-MAIL] 2.2.1 allows padding after the name; samba's reader skips it
    std::string p = win11pc_hello();
    p.insert(smb_at + 69 + 17, "\0\0\0", 3);
    set_le16(p, smb_at + 57, 86 + 3);
    set_le16(p, smb_at + 67, 22 + 3);
    set_be16(p, 10, 159 + 3);
    const auto r = decode(p);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->mailslot, "\\MAILSLOT\\LOGGER");
    EXPECT_EQ(r.write->data, "hello");
}

TEST(mailslot_wire, names_with_a_scope) {
    // a netbios scope after the 32 half-ascii bytes: read past, not kept
    std::string p = win11pc_hello();
    const std::string scope = std::string("\x07") + "example" + "\x03" + "com";
    p.insert(14 + 33, scope);
    set_be16(p, 10, static_cast<std::uint16_t>(159 + scope.size()));
    auto r = decode(p);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->source.name, "WIN11PC");
    EXPECT_EQ(r.write->destination.name, "WORKGROUP");
    EXPECT_EQ(r.write->data, "hello");

    // a scope that makes the name longer than 255 bytes
    p = win11pc_hello();
    std::string long_scope;
    for (int i = 0; i < 4; ++i) long_scope += std::string("\x3f") + std::string(63, 's');
    p.insert(14 + 33, long_scope);
    set_be16(p, 10, static_cast<std::uint16_t>(159 + long_scope.size()));
    EXPECT_EQ(error_of(p), "the source name is longer than 255 bytes");
}

TEST(mailslot_wire, decoded_names_keep_odd_bytes_and_lose_trailing_spaces) {
    mailslot_write w = win11pc_write();
    w.source.name = "A B ";  // the trailing space is padding on the wire
    w.destination.name = "\x01\x7f\xe9";
    const std::string packet = encode(w);
    const auto r = decode(packet);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->source.name, "A B");
    EXPECT_EQ(r.write->destination.name, "\x01\x7f\xe9");

    // a name padded with nuls (as "*" is) keeps them: only spaces are padding
    std::string p = win11pc_hello();
    for (std::size_t i = 0; i < 8; ++i) {
        p[14 + 1 + 14 + 2 * i] = 'A';
        p[14 + 1 + 15 + 2 * i] = 'A';
    }
    const auto n = decode(p);
    ASSERT_TRUE(n.write) << n.error;
    EXPECT_EQ(n.write->source.name, std::string("WIN11PC") + std::string(8, '\0'));
}

TEST(mailslot_wire, decode_ignores_what_mailslot_writes_may_vary) {
    // smb header flags (MS-MAIL's 0x18), timeout, priority, class, ParameterOffset, node type
    std::string p = win11pc_hello();
    p[smb_at + 9] = 0x18;
    set_le16(p, smb_at + 10, 0x0004);
    set_le16(p, smb_at + 26, 0xfeff);
    p[smb_at + 45] = 0;
    p[smb_at + 46] = 0;
    set_le16(p, smb_at + 63, 0);
    set_le16(p, smb_at + 65, 1);
    set_le16(p, smb_at + 53, 86);
    p[1] = 0x0a;  // samba 3: M node
    const auto r = decode(p);
    ASSERT_TRUE(r.write) << r.error;
    EXPECT_EQ(r.write->data, "hello");
}
