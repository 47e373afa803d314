// prints encoded mailslot datagrams as hex, one per line, for the tshark test:
//   wire_sample --type 0x11 --source WIN11PC --dest WORKGROUP --slot logger --data hello
// options set the fields of the next datagram; every --data, --data-hex or
// --fill N prints one, so one run can print many. a refused write prints
// "error: <why>" on stderr and exits with 2

#include <slotlog/mailslot_wire.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace slotlog::wire;

unsigned long number(std::string_view text, unsigned long max) {
    const std::string s(text);
    std::size_t used = 0;
    const unsigned long v = std::stoul(s, &used, 0);
    if (used != s.size() || v > max) throw std::invalid_argument("bad number '" + s + "'");
    return v;
}

std::array<std::uint8_t, 4> ipv4(std::string_view text) {
    std::array<std::uint8_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t dot = i < 3 ? text.find('.') : text.size();
        if (dot == std::string_view::npos) throw std::invalid_argument("bad ipv4 address");
        out[i] = static_cast<std::uint8_t>(number(text.substr(0, dot), 255));
        text.remove_prefix(i < 3 ? dot + 1 : dot);
    }
    return out;
}

std::string from_hex(std::string_view hex) {
    if (hex.size() % 2) throw std::invalid_argument("odd number of hex digits");
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out.push_back(static_cast<char>(number("0x" + std::string(hex.substr(i, 2)), 255)));
    }
    return out;
}

void print_hex(const std::string& packet) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string line;
    for (const char c : packet) {
        const auto b = static_cast<unsigned char>(c);
        line += digits[b >> 4];
        line += digits[b & 0xf];
    }
    std::puts(line.c_str());
}

} // namespace

int main(int argc, char** argv) {
    mailslot_write w;
    w.source = {"WIN11PC", 0x00};
    w.destination = {"WORKGROUP", 0x00};
    w.source_ip = {192, 168, 1, 20};
    w.mailslot = mailslot_path("logger");
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view opt = argv[i];
            if (i + 1 >= argc) throw std::invalid_argument("missing a value after " + std::string(opt));
            const std::string_view val = argv[++i];
            if (opt == "--type") w.type = static_cast<datagram_type>(number(val, 255));
            else if (opt == "--id") w.datagram_id = static_cast<std::uint16_t>(number(val, 0xffff));
            else if (opt == "--ip") w.source_ip = ipv4(val);
            else if (opt == "--port") w.source_port = static_cast<std::uint16_t>(number(val, 0xffff));
            else if (opt == "--source") w.source.name = val;
            else if (opt == "--source-suffix") w.source.suffix = static_cast<std::uint8_t>(number(val, 255));
            else if (opt == "--dest") w.destination.name = val;
            else if (opt == "--dest-suffix") w.destination.suffix = static_cast<std::uint8_t>(number(val, 255));
            else if (opt == "--slot") w.mailslot = mailslot_path(val);
            else if (opt == "--mailslot") w.mailslot = val;  // the path as sent, unchanged
            else if (opt == "--data" || opt == "--data-hex" || opt == "--fill") {
                if (opt == "--data") w.data = val;
                else if (opt == "--data-hex") w.data = from_hex(val);
                else w.data = std::string(number(val, 65535), 'x');
                print_hex(encode(w));
            } else {
                throw std::invalid_argument("unknown option " + std::string(opt));
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    return 0;
}
