// any message: decode never fails, and its text and json lines are each one
// line of valid utf-8 (nobody can forge a line), the json one parseable

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
    if (nlohmann::json::parse(json, nullptr, false).is_discarded()) std::abort();
    return 0;
}
