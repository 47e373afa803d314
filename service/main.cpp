// slotlogd: the slotlog collector

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/command_line.h>
#include <slotlog/config.h>
#include <slotlog/control.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/platform.h>

#include "help.h"
#include "serve.h"
#include "service_host.h"

namespace {

using namespace slotlog;

int usage_error(const std::string& what) {
    std::cerr << "slotlogd: " << what << "\nrun 'slotlogd --help' for usage\n";
    return exit_usage;
}

int check_config(const std::vector<std::string>& arguments) {
    // the file as the operand, or as -c/--config like the other commands
    std::vector<std::string> files;
    const auto operands = cli::options("check-config")
                              .value({"-c", "--config"}, [&](const std::string& v) { files.push_back(v); })
                              .parse(arguments);
    files.insert(files.end(), operands.begin(), operands.end());
    if (files.size() != 1) return usage_error("check-config needs exactly one CONFIG file");
    const std::string& file = files.front();
    try {
        const auto cfg = load_config_file(detail::path_from_utf8(file));
        std::cout << file << ": ok (" << cfg.inputs.size() << " input(s), " << cfg.outputs.size() << " output(s))\n";
        // not a configuration error: the collector runs, without the control plane
        std::cout << file << ": control plane " << control_plane(cfg.control).status() << '\n';
        return exit_ok;
    } catch (const config_error& e) {
        for (const auto& p : e.problems()) std::cout << p.to_string() << '\n';
        return exit_bad_config;
    }
}

int serve_command(const std::vector<std::string>& args) {
    serve_options options;
    const auto operands = cli::options("serve")
                              .value({"-c", "--config"},
                                     [&](const std::string& v) { options.config_file = detail::path_from_utf8(v); })
                              .flag({"--allow-plain-stop"}, [&] { options.allow_plain_stop = true; })
                              .parse(args);
    if (!operands.empty()) return usage_error("serve takes no operand ('" + operands.front() + "')");
    return serve(options);
}

int run_command(const std::string& command, const std::vector<std::string>& args) {
    if (command == "serve") return serve_command(args);
    if (command == "check-config") return check_config(args);
    if (command == "service") return run_service(args);
    if (command == "install") return install_service(args);
    if (command == "uninstall") return uninstall_service(args);
    if (command == "configure-service") return configure_service(args);
    return usage_error("unknown command '" + command + "'" +
                       cli::did_you_mean(command, {"serve", "check-config", "service", "install", "uninstall",
                                                   "configure-service", "--help", "--version"}));
}

} // namespace

int main(int argc, char** argv) {
    // utf-8 whatever the windows code page, so any file name can be given
    std::vector<std::string> args = detail::utf8_arguments(argc, argv);
    if (!args.empty()) args.erase(args.begin());
    if (args.empty()) return usage_error("no command given");
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << cli::render_help(slotlogd_help());
        return exit_ok;
    }
    if (command == "--version") {
        std::cout << "slotlogd " << SLOTLOG_VERSION << '\n';
        return exit_ok;
    }
    try {
        return run_command(command, args);
    } catch (const cli::usage_error& e) {
        return usage_error(e.what());
    } catch (const cli::help_requested& h) {
        std::cout << cli::render_help(slotlogd_help(), h.command);
        return exit_ok;
    }
}
