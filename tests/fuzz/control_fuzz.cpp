// SLOTLOG-CTL/1 as the collector sees it: any bytes are a control message or
// not; a control message is accepted only with the mac of the key, and what
// the parser returns lies inside the message

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>

#include <slotlog/control.h>

namespace {

// the key of docs/control.md, so that the seed corpus holds valid messages
constexpr std::string_view key = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t now = 1795987055;

slotlog::control_plane& plane() {
    static std::unique_ptr<slotlog::control_plane> p = [] {
        const auto file = std::filesystem::temp_directory_path() / "slotlog-fuzz-control.key";
        std::filesystem::remove(file);
        if (!slotlog::create_control_key(file)) std::abort();
        // the random key is replaced by the documented one, still private
        std::FILE* f = std::fopen(file.c_str(), "wb");
        std::fwrite(key.data(), 1, key.size(), f);
        std::fclose(f);
        slotlog::control_config cfg;
        cfg.key_file = file;
        auto made = std::make_unique<slotlog::control_plane>(cfg);
        if (!made->enabled()) std::abort();
        return made;
    }();
    return *p;
}

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const auto text = slotlog::control_plane::command_text(payload);
    if (!text) return 0;
    std::string why;
    if (const auto f = slotlog::parse_control_fields(*text, why)) {
        if (!inside(f->verb, *text) || !inside(f->nonce, *text) || !inside(f->mac, *text) ||
            !inside(f->signed_part, *text) || f->mac.size() != 64) {
            std::abort();
        }
    } else if (why.empty()) {
        std::abort();  // every refusal says why
    }
    const auto decision = plane().check(*text, now);
    if (decision.verb) {
        // accepted: the mac must really be the key's
        const auto fields = slotlog::parse_control_fields(*text, why);
        if (!fields || slotlog::hmac_sha256_hex(key, fields->signed_part) != fields->mac) std::abort();
    } else if (decision.reason.empty()) {
        std::abort();
    }
    return 0;
}
