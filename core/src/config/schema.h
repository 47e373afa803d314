// the schema of a configuration file, as tables the checker walks: one file
// per part (inputs, outputs, the sections), each key with its reader. a new
// key is one row and one small function
#pragma once

#include <span>

#include <slotlog/config.h>

#include "config/checker.h"

namespace slotlog::config_check {

// "inputs": mailslot, udp, netbios
extern const list_schema<input_config> input_schema;
// "outputs": file, console, syslog, eventlog, forward
extern const list_schema<output_config> output_schema;
// "control", "queue", "dedup"
extern const std::span<const field<config>> section_fields;

} // namespace slotlog::config_check
