// the first pass over a configuration file: json syntax and duplicate keys
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <slotlog/config.h>

namespace slotlog::config_check {

// true if the text is json; otherwise its problem, with line and column, is
// added. a key given twice is a problem too (nlohmann would silently keep the
// last), but the text still counts as json
bool check_syntax(std::string_view text, const std::string& origin, std::vector<config_problem>& problems);

// nothing but white space (and a byte order mark)
bool is_blank(std::string_view text);

} // namespace slotlog::config_check
