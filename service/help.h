#pragma once

#include <slotlog/command_help.h>

namespace slotlog {

// slotlogd's commands, their options and its exit codes, for --help
const cli::program_help& slotlogd_help();

} // namespace slotlog
