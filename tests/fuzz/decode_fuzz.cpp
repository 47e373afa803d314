// any message: decode never fails, and its text and json lines are each one
// line of valid utf-8 with nothing escapable left raw (nobody can forge a
// line), the text one with its fields in place, the json one parseable

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <slotlog/decode.h>
#include <slotlog/format.h>
#include <slotlog/text.h>

namespace {

void check_line(const std::string& line) {
    if (line.find_first_of("\r\n") != std::string::npos) std::abort();
    if (!slotlog::is_valid_utf8(line)) std::abort();
    // not even what other readers take for a line break (c1, U+2028) or a terminal escape
    if (slotlog::sanitise(line) != line) std::abort();
}

// "time LEVEL host app[pid]: msg": exactly four spaces before the message,
// so no host or app can fake the fields after it
void check_text_fields(const std::string& line, const slotlog::entry& e) {
    if (e.msg.size() > line.size()) std::abort();
    const std::string_view head(line.data(), line.size() - e.msg.size());
    if (head.size() < 3 || head.substr(head.size() - 3) != "]: ") std::abort();
    std::size_t spaces = 0;
    for (const char c : head) spaces += c == ' ';
    if (spaces != 4) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const slotlog::origin from{"fuzz", "192.0.2.1", slotlog::clock::now()};
    const auto e = slotlog::decode(payload, from);
    std::string text, json;
    slotlog::format_text(text, e);
    slotlog::format_json(json, e);
    check_line(text);
    check_line(json);
    check_text_fields(text, e);
    if (nlohmann::json::parse(json, nullptr, false).is_discarded()) std::abort();
    return 0;
}
