#pragma once

#include <array>

#include <slotlog/config.h>

#include "config/checker.h"

namespace slotlog::config_check {

// the keys of a forward output (forward_schema.cpp), a kind of output_schema
extern const std::array<field<output_config>, 10> forward_fields;

// keys that forward outputs share with others (output_schema.cpp)
bool read_min_level(checker& c, const json& v, const std::string& at, output_config& out);
bool read_facility(checker& c, const json& v, const std::string& at, output_config& out);

// after its keys: the name unique, the queue folder its own (queue/<name> by default)
bool finish_forward(checker& c, const std::string& at, output_config& out, bool ok);

} // namespace slotlog::config_check
