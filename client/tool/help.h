#pragma once

#include <slotlog/command_help.h>

namespace slotlog {

// the slotlog tool's commands, their options and its exit codes, for --help
const cli::program_help& slotlog_help();

} // namespace slotlog
