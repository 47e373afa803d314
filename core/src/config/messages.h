// the words of configuration problems: values as written, sizes, lists,
// "did you mean", json paths
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace slotlog::config_check {

using json = nlohmann::json;

std::string to_lower(std::string_view s);
bool contains(std::span<const std::string_view> list, std::string_view word);

// "a, b or c"
std::string join_or(std::span<const std::string_view> list);
// " (did you mean "x"?)" when the word is plausibly a typo of a candidate, else ""
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);
// a value as written in the file: 42, "text", true, null, an object
std::string describe(const json& v);
// "1 KiB", "64 KiB", "1000 bytes"
std::string describe_size(std::uint64_t bytes);

// outputs[1].max_size; odd keys in brackets: outputs[1]["a b"]
std::string member_path(const std::string& parent, std::string_view key);
std::string element_path(const std::string& parent, std::size_t index);

} // namespace slotlog::config_check
