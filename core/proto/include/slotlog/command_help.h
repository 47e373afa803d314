#pragma once

// the help of slotlogd and slotlog in one layout: the usage lines of every
// command, then each command with what it does and its options, then the
// exit codes. `--help` prints all of it, `<command> --help` that command's
// part. the texts are written as running prose and wrapped here

#include <string>
#include <string_view>
#include <vector>

namespace slotlog::cli {

struct option_help {
    // "-c, --config CONFIG"; empty: `text` is a heading of the options below it
    std::string_view names;
    std::string_view text;
};

struct command_help {
    std::string_view name;       // "serve"
    std::string_view synopsis;   // "[-c CONFIG] [--allow-plain-stop]"
    std::string_view text;       // what it does; "\n" starts a new paragraph
    std::vector<option_help> options = {};
    // a heading printed before the first command of a group ("Windows service ...")
    std::string_view group = {};
};

struct program_help {
    std::string_view program;    // "slotlogd"
    std::vector<command_help> commands;
    // {"0", "success"}, ...
    std::vector<option_help> exit_codes;
    std::string_view exit_codes_note = {};  // after the codes
};

// lines never wider than this (a console's 80 columns, less the cursor)
inline constexpr std::size_t help_width = 79;

// everything: `slotlogd --help`
std::string render_help(const program_help& help);
// one command's usage, text and options, and the exit codes; empty if there
// is no such command
std::string render_help(const program_help& help, std::string_view command);

} // namespace slotlog::cli
