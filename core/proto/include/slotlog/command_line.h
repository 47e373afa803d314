#pragma once

// the command lines of slotlogd and slotlog, read one way: each command
// declares its options, and the parser gives every command the same forms
// (-c FILE, --config FILE, --config=FILE; "--" ends the options) and the same
// errors (a missing value, a value given to a flag, an unknown option with
// the closest known one)

#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace slotlog::cli {

// a command line that cannot be run: the executables print it and exit 2
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// -h or --help among a command's options: the executables print that
// command's help and exit 0. no std::exception, so that no handler of
// errors takes it for one
struct help_requested {
    std::string command;
};

class options {
public:
    // `command` names the command in errors ("serve", "send")
    explicit options(std::string command);

    // an option that takes a value
    options& value(std::initializer_list<std::string_view> names, std::function<void(const std::string&)> take);
    // an option that takes none
    options& flag(std::initializer_list<std::string_view> names, std::function<void()> take);

    // reads args[first..]: options, then operands, which it returns. an
    // argument that does not start with '-' (or "-" alone) ends the options,
    // and so does "--". throws usage_error, or help_requested for -h or
    // --help (every command has them)
    std::vector<std::string> parse(const std::vector<std::string>& args, std::size_t first = 0) const;

private:
    struct option {
        std::vector<std::string> names;
        std::function<void(const std::string&)> take_value;   // empty for a flag
        std::function<void()> take_flag;
    };
    const option* find_(std::string_view name) const noexcept;
    [[noreturn]] void unknown_(const std::string& name) const;

    std::string command_;
    std::vector<option> options_;
};

// " (did you mean 'serve'?)" for the closest of `known` to `word` (a few
// letters off), else ""
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& known);

} // namespace slotlog::cli
