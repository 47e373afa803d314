// `slotlog`: the client tool. send writes entries to a slot; tail prints and
// follows log files; ctl sends signed control messages

#include <slotlog/client.h>
#include <slotlog/command_line.h>
#include <slotlog/control_message.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/level.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <utility>
#include <string>
#include <system_error>
#include <vector>

#include "console.h"
#include "gzip_lines.h"
#include "help.h"
#include "json_message.h"
#include "tail.h"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

using slotlog::cli::usage_error;

slotlog::level level_argument(const std::string& text) {
    const auto l = slotlog::parse_level(text);
    if (!l) {
        throw usage_error("unknown level '" + text +
                          "' (use trace, debug, info, notice, warning, error or critical)");
    }
    return *l;
}

// a network option's value, checked on its own so the error names the option
void check_option(const slotlog::writer_options& options, const std::string& option) {
    try {
        slotlog::check_writer_options(options);
    } catch (const std::invalid_argument& e) {
        throw usage_error("option " + option + ": " + e.what());
    }
}

std::uint16_t port_argument(const std::string& option, const std::string& text) {
    unsigned port = 0;
    const auto end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, port);
    if (text.empty() || ec != std::errc() || ptr != end || port == 0 || port > 65535) {
        throw usage_error("option " + option + ": '" + text + "' is not a port number (1 to 65535)");
    }
    return static_cast<std::uint16_t>(port);
}

// the environment's writer options; a bad SLOTLOG_* value is a usage error naming the variable
slotlog::writer_options environment_options() {
    try {
        return slotlog::writer_options::from_environment();
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
}

// what `slotlog send` was asked to do
struct send_request {
    std::string slot = "logger";
    std::string level;
    std::string app;
    bool raw = false;
    slotlog::writer_options options;
    std::vector<std::string> messages;
};

// the environment's options first, then the command line's over them. throws usage_error
send_request parse_send_options(const std::vector<std::string>& args) {
    send_request r;
    r.options = environment_options();
    bool to_given = false;  // --to replaces SLOTLOG_BROADCAST_TO, several --to add up
    r.messages =
        slotlog::cli::options("send")
            .value({"--transport"},
                   [&](const std::string& value) {
                       const auto t = slotlog::parse_network_transport(value);
                       if (!t) {
                           throw usage_error("option --transport: unknown transport '" + value +
                                             "' (use auto, mailslot, broadcast or both)");
                       }
                       r.options.transport = *t;
                   })
            .value({"--netbios-port"},
                   [&](const std::string& v) { r.options.netbios_port = port_argument("--netbios-port", v); })
            .value({"--broadcast-port"},
                   [&](const std::string& v) { r.options.broadcast_port = port_argument("--broadcast-port", v); })
            .value({"--to"},
                   [&](const std::string& v) {
                       if (!std::exchange(to_given, true)) r.options.broadcast_to.clear();
                       r.options.broadcast_to.push_back(v);
                       check_option(r.options, "--to");
                   })
            .value({"--workgroup"},
                   [&](const std::string& v) {
                       r.options.workgroup = v;
                       check_option(r.options, "--workgroup");
                   })
            .value({"-s", "--slot"}, [&](const std::string& v) { r.slot = v; })
            .value({"-l", "--level"},
                   [&](const std::string& v) { r.level = std::string(slotlog::level_name(level_argument(v))); })
            .value({"-a", "--app"}, [&](const std::string& v) { r.app = v; })
            .flag({"--raw"}, [&] { r.raw = true; })
            .parse(args, 2);
    return r;
}

// each message given, else each line of standard input; the exit code
int send_messages(slotlog::mailslot_writer& writer, const send_request& request) {
    const slotlog::message_fields fields{request.level, request.app, writer.slot().name};
    auto put = [&](const std::string& m) {
        if (request.raw) return writer.put(m);
        // a json entry of the caller's own goes as it is, anything else stamped
        const auto entry = slotlog::as_json_entry(m, request.level, request.app);
        writer.put(entry ? *entry : slotlog::make_json_message(m, fields));
    };
    try {
        if (!request.messages.empty()) {
            for (const auto& m : request.messages) put(m);
            return exit_ok;
        }
        // one message per line of standard input, empty lines included
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            put(line);
        }
        if (std::cin.bad()) {
            std::cerr << "slotlog send: cannot read standard input\n";
            return exit_failure;
        }
    } catch (const slotlog::mailslot_error& e) {
        std::cerr << "slotlog send: " << e.what() << '\n';
        return exit_failure;
    }
    return exit_ok;
}

int send_command(const std::vector<std::string>& args) {
    const send_request request = parse_send_options(args);
    if (request.raw && (!request.level.empty() || !request.app.empty())) {
        throw usage_error("--raw sends messages as given: no -l or -a");
    }

    std::optional<slotlog::mailslot_writer> writer;
    try {
        writer.emplace(request.slot, request.options);
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
    return send_messages(*writer, request);
}

int ctl_command(const std::vector<std::string>& args) {
    std::string slot = "logger";
    std::string key_file;
    // the verb comes first as the usage shows it, or after the options
    std::vector<std::string> operands;
    std::size_t first = 2;
    if (args.size() > 2 && !args[2].empty() && args[2][0] != '-') operands.push_back(args[first++]);
    const auto rest = slotlog::cli::options("ctl")
                          .value({"-s", "--slot"}, [&](const std::string& v) { slot = v; })
                          .value({"-k", "--key-file"}, [&](const std::string& v) { key_file = v; })
                          .parse(args, first);
    operands.insert(operands.end(), rest.begin(), rest.end());
    if (operands.size() != 1) throw usage_error("ctl needs exactly one of stop, reload, rotate or flush");
    const auto verb = slotlog::parse_control_verb(operands[0]);
    if (!verb) throw usage_error("unknown control verb '" + operands[0] + "' (use stop, reload, rotate or flush)");
    if (key_file.empty()) throw usage_error("ctl needs --key-file FILE");

    std::optional<slotlog::mailslot_writer> writer;
    try {
        writer.emplace(slot, environment_options());
    } catch (const std::invalid_argument& e) {
        throw usage_error(e.what());
    }
    try {
        const auto key = slotlog::read_control_key(slotlog::detail::path_from_utf8(key_file), false);
        writer->put(slotlog::make_control_message(*verb, key));
    } catch (const std::exception& e) {
        std::cerr << "slotlog ctl: " << e.what() << '\n';
        return exit_failure;
    }
    return exit_ok;
}

std::size_t count_argument(const std::string& text) {
    std::size_t n = 0;
    const auto end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, n);
    if (text.empty() || ec != std::errc() || ptr != end) {
        throw usage_error("'" + text + "' is not a number of lines (use 0 or more)");
    }
    return n;
}

// a --host or --app glob, checked so that a bad one is a usage error naming the option
std::string glob_argument(const std::string& option, const std::string& text) {
    if (const auto problem = slotlog::glob_problem(text)) throw usage_error("option " + option + ": " + *problem);
    return text;
}

int tail_command(const std::vector<std::string>& args) {
    slotlog::tail_options options;
    const auto paths = slotlog::cli::options("tail")
                           .flag({"-f", "--follow"}, [&] { options.follow = true; })
                           .value({"-n", "--lines"}, [&](const std::string& v) { options.lines = count_argument(v); })
                           .value({"--level"}, [&](const std::string& v) { options.min_level = level_argument(v); })
                           .value({"--host"}, [&](const std::string& v) { options.host = glob_argument("--host", v); })
                           .value({"--app"}, [&](const std::string& v) { options.app = glob_argument("--app", v); })
                           .value({"--grep"}, [&](const std::string& v) { options.grep = v; })
                           .parse(args, 2);
    if (paths.size() != 1) throw usage_error("tail needs exactly one PATH");
    options.path = slotlog::detail::path_from_utf8(paths[0]);
    std::error_code ec;
    if (options.follow && slotlog::is_gzip_name(slotlog::detail::path_to_utf8(options.path.filename())) &&
        !std::filesystem::is_directory(options.path, ec)) {
        throw usage_error("tail -f cannot follow '" + paths[0] + "': a .gz file does not grow (leave out -f)");
    }

    static std::atomic<bool> stop{false};
    if (options.follow) slotlog::stop_on_interrupt(stop);
    return slotlog::run_tail(options, std::cout, std::cerr, stop);
}

int run(const std::vector<std::string>& args) {
    if (args.size() < 2) throw usage_error("a command is needed");
    const std::string& command = args[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << slotlog::cli::render_help(slotlog::slotlog_help());
        return exit_ok;
    }
    if (command == "--version") {
        std::cout << "slotlog " << SLOTLOG_VERSION << '\n';
        return exit_ok;
    }
    if (command == "send") return send_command(args);
    if (command == "tail") return tail_command(args);
    if (command == "ctl") return ctl_command(args);
    throw usage_error("unknown command '" + command + "'" +
                      slotlog::cli::did_you_mean(command, {"send", "tail", "ctl", "--help", "--version"}));
}

} // namespace

int main(int argc, char** argv) {
    slotlog::prepare_console();
    try {
        return run(slotlog::detail::utf8_arguments(argc, argv));
    } catch (const usage_error& e) {
        std::cerr << "slotlog: " << e.what() << "\nrun 'slotlog --help' for usage\n";
        return exit_usage;
    } catch (const slotlog::cli::help_requested& h) {
        std::cout << slotlog::cli::render_help(slotlog::slotlog_help(), h.command);
        return exit_ok;
    } catch (const std::exception& e) {
        std::cerr << "slotlog: " << e.what() << '\n';
        return exit_failure;
    }
}
