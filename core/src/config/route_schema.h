// the keys that every output takes: match and exclude (route_schema.cpp)
#pragma once

#include <string>

#include <slotlog/config.h>

#include "config/checker.h"

namespace slotlog::config_check {

bool read_match(checker& c, const json& v, const std::string& at, output_config& out);
bool read_exclude(checker& c, const json& v, const std::string& at, output_config& out);

} // namespace slotlog::config_check
