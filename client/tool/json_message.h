#pragma once

// what `slotlog send` writes for one message: a json object with "msg" (what
// the collector reads as a json entry) as it is, anything else stamped

#include <optional>
#include <string>
#include <string_view>

namespace slotlog {

// message, when it is a json object with "msg", as it is; its own level and
// app count, and `level` and `app` (either may be empty) are added only where
// it has none. nullopt for anything else
std::optional<std::string> as_json_entry(std::string_view message, std::string_view level, std::string_view app);

} // namespace slotlog
