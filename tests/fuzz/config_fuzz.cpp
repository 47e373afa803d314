// any configuration text: accepted, or refused with config_error naming the
// problems; nothing else escapes, nothing crashes

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <slotlog/config.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        slotlog::parse_config(text, "fuzz.json", "/fuzz");
    } catch (const slotlog::config_error& e) {
        if (e.problems().empty()) std::abort();  // a refusal always says why
    } catch (...) {
        std::abort();
    }
    return 0;
}
