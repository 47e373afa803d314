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

#include "serve.h"
#include "service_host.h"

namespace {

using namespace slotlog;

constexpr std::string_view usage = R"(usage: slotlogd <command> [options]

commands:
  serve [-c CONFIG] [--allow-plain-stop]
        run the collector in the foreground. Ctrl+C, SIGINT and SIGTERM stop it
        after everything read is written; SIGHUP reloads CONFIG (POSIX).
        without -c, the embedded default: mailslot 'logger', logs/slotlog.log
        (10 MiB x 10) under the current folder, console at info.
        --allow-plain-stop: a message that is exactly STOP (plain or
        marshalled) stops the collector; otherwise it is ignored and logged.
  check-config CONFIG
        validate CONFIG: one line per problem, naming the file, the JSON path
        of the offending key and what is wrong. a valid CONFIG also gets a line
        saying whether signed control messages will be accepted (the control
        plane is off without a usable control.key_file).
  --help, --version

Windows service (on other systems these only say so):
  install [-c CONFIG] [--start auto|demand]
        as Administrator: create the service 'slotlog' ("slotlog mailslot
        logging service"), run as NT AUTHORITY\LocalService and restarted on
        failure (after 5 s, 10 s, 60 s), with the command line
        "<this slotlogd.exe>" service [-c "<CONFIG made absolute>"];
        register the Event Log source 'slotlog'; create %ProgramData%\slotlog,
        its logs folder and, when there is none, the control key control.key
        (random, readable by Administrators and the service only). CONFIG must
        be valid. --start: auto (default,
        at boot) or demand (sc start slotlog). An existing service is an error.
  uninstall
        as Administrator: stop the service 'slotlog' (waiting up to 60 s),
        delete it and remove the Event Log source. %ProgramData%\slotlog is kept.
  configure-service [--slot SLOT] [--broadcast-port PORT] [--logdir DIR]
        what the MSI runs after creating the service: set the description and
        recovery actions of the existing service 'slotlog', create
        %ProgramData%\slotlog, its logs folder and control.key (as install
        does), and create slotlogd.json from slotlogd.default.json (with SLOT
        and DIR) only if there is none. PORT (the MSI's BROADCAST_PORT, e.g.
        5138): the new config also reads the slot's mailslot writes sent to
        that udp port (a netbios input), and a firewall rule "slotlog
        broadcast port" lets it in. --remove-firewall-rule: only remove that
        rule (the MSI's uninstall).
  service [-c CONFIG]
        what the service runs (binPath); started by the Service Control
        Manager, not from a console. without -c: %ProgramData%\slotlog\slotlogd.json
        if it exists, else the embedded default (mailslot 'logger', logs\slotlog.log
        and the Event Log at warning, control key control.key, under
        %ProgramData%\slotlog). a relative CONFIG is taken from
        %ProgramData%\slotlog. sc stop, shutdown, an accepted STOP or control
        stop message stop it after everything read is written;
        sc control slotlog paramchange reloads CONFIG.

exit codes:
  0  success
  1  the configuration is invalid; install/uninstall: nothing done (the
     service already exists or is not installed, access denied, ...)
  2  usage error (unknown command or option; 'service' run from a console)
  3  startup failed: an input or output could not be opened (for example the
     slot is already read by another collector, or the log folder is not writable)
  the service reports 1 and 3 as its service-specific exit code
  (sc query slotlog: WIN32_EXIT_CODE 1066, SERVICE_EXIT_CODE 1 or 3)
)";

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
        std::cout << usage;
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
    }
}
