// python marshal of str/bytes: any bytes are either exactly one string or not
// one, never a crash or a read past the end

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <slotlog/decode.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    if (const auto s = slotlog::unmarshal_string(payload)) {
        // a string's bytes come from the payload: it cannot be longer
        if (s->size() > payload.size()) std::abort();
    }
    return 0;
}
