// `slotlogd install` and `slotlogd uninstall`: the service `slotlog` in the
// scm, its recovery actions and its event log source
#include "service_host.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>

#include <windows.h>

#include <nlohmann/json.hpp>

#include <slotlog/command_line.h>
#include <slotlog/config.h>
#include <slotlog/control_message.h>
#include <slotlog/detail/utf16.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/windows/eventlog.h>

#include "firewall.h"
#include "scm.h"
#include "serve.h"
#include "service_paths.h"

namespace slotlog {

namespace {

using detail::error_text;
using detail::narrow;

// restart after 5 s, 10 s, then 60 s; the count starts again after a day
constexpr DWORD restart_delays_ms[] = {5000, 10000, 60000};
constexpr DWORD failure_reset_s = 24 * 60 * 60;
// at system shutdown, how long the drain may take
constexpr DWORD preshutdown_timeout_ms = 30000;
// uninstall waits this long for the service to stop
constexpr auto stop_timeout = std::chrono::seconds(60);

// install/uninstall did not do it (exit code 1, as for an invalid configuration)
constexpr int exit_failed = exit_bad_config;

int usage_error(const std::string& what) {
    std::cerr << "slotlogd: " << what << "\nrun 'slotlogd --help' for usage\n";
    return exit_usage;
}

// "slotlogd: cannot X: <windows text>", and what to do about access denied
int fail(const std::string& what, DWORD code) {
    std::cerr << "slotlogd: " << what << ": " << error_text(code) << '\n';
    if (code == ERROR_ACCESS_DENIED) {
        std::cerr << "slotlogd: run this command from an elevated prompt (Run as Administrator)\n";
    }
    return exit_failed;
}

void warn(const std::string& what, DWORD code) {
    std::cerr << "slotlogd: warning: " << what << ": " << error_text(code) << '\n';
}

struct install_options {
    std::filesystem::path config_file;   // absolute; empty: the service's own default
    DWORD start_type = SERVICE_AUTO_START;
};

// throws cli::usage_error
void parse_install(const std::vector<std::string>& args, install_options& out) {
    const auto operands =
        cli::options("install")
            .value({"-c", "--config"}, [&](const std::string& v) { out.config_file = detail::path_from_utf8(v); })
            .value({"--start"},
                   [&](const std::string& v) {
                       if (v == "auto") out.start_type = SERVICE_AUTO_START;
                       else if (v == "demand") out.start_type = SERVICE_DEMAND_START;
                       else throw cli::usage_error("install: --start takes auto or demand, not '" + v + "'");
                   })
            .parse(args);
    if (!operands.empty()) throw cli::usage_error("install takes no operand ('" + operands.front() + "')");
}

// the configuration must load now: a service that cannot start helps nobody
std::optional<int> check_config(install_options& options) {
    if (options.config_file.empty()) return std::nullopt;
    std::error_code ec;
    options.config_file = std::filesystem::absolute(options.config_file, ec);
    try {
        (void)load_config_file(options.config_file);
        return std::nullopt;
    } catch (const config_error& e) {
        for (const auto& p : e.problems()) std::cerr << p.to_string() << '\n';
        std::cerr << "slotlogd: the service was not installed\n";
        return exit_bad_config;
    }
}

// the command line the scm runs. the exe is always quoted ("Program Files");
// a windows path cannot contain a quote, so quoting is enough
std::wstring bin_path(const std::filesystem::path& exe, const std::filesystem::path& config) {
    std::wstring cmd = L"\"" + exe.native() + L"\" service";
    if (!config.empty()) cmd += L" -c \"" + config.native() + L"\"";
    return cmd;
}

std::optional<int> set_description(SC_HANDLE service) {
    SERVICE_DESCRIPTIONW description{};
    description.lpDescription = const_cast<LPWSTR>(scm::description);
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &description)) {
        return fail("cannot set the service description", ::GetLastError());
    }
    return std::nullopt;
}

// the recovery tab: restart on failure, also when the service stops itself
// with an error (a configuration fixed later, a slot taken for a moment)
std::optional<int> set_recovery(SC_HANDLE service) {
    SC_ACTION actions[std::size(restart_delays_ms)];
    for (std::size_t i = 0; i < std::size(restart_delays_ms); ++i) {
        actions[i].Type = SC_ACTION_RESTART;
        actions[i].Delay = restart_delays_ms[i];
    }
    SERVICE_FAILURE_ACTIONSW failure{};
    failure.dwResetPeriod = failure_reset_s;
    failure.cActions = static_cast<DWORD>(std::size(actions));
    failure.lpsaActions = actions;
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure)) {
        return fail("cannot set the recovery actions", ::GetLastError());
    }
    // the two below are refinements: a system without them (wine) still
    // gets a working service, so they only warn
    SERVICE_FAILURE_ACTIONS_FLAG flag{};
    flag.fFailureActionsOnNonCrashFailures = TRUE;
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag)) {
        const DWORD err = ::GetLastError();
        if (err != ERROR_INVALID_LEVEL) return fail("cannot set the recovery actions for non-crash failures", err);
        warn("recovery on non-crash failures is not supported here", err);
    }
    SERVICE_PRESHUTDOWN_INFO preshutdown{};
    preshutdown.dwPreshutdownTimeout = preshutdown_timeout_ms;
    if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown)) {
        const DWORD err = ::GetLastError();
        if (err != ERROR_INVALID_LEVEL) return fail("cannot set the preshutdown timeout", err);
        warn("the preshutdown timeout is not supported here", err);
    }
    return std::nullopt;
}

// created but not finished: take it away again
void roll_back(SC_HANDLE service) {
    if (!::DeleteService(service)) warn("cannot delete the half-installed service", ::GetLastError());
}

std::optional<SERVICE_STATUS_PROCESS> query(SC_HANDLE service) {
    SERVICE_STATUS_PROCESS status{};
    DWORD needed = 0;
    if (!::QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof status,
                                &needed)) {
        return std::nullopt;
    }
    return status;
}

// asks the service to stop once and waits for STOPPED; false on timeout
bool stop_and_wait(SC_HANDLE service) {
    const auto deadline = std::chrono::steady_clock::now() + stop_timeout;
    bool asked = false;
    for (;;) {
        const auto status = query(service);
        if (!status) {
            warn("cannot query the service", ::GetLastError());
            return false;
        }
        if (status->dwCurrentState == SERVICE_STOPPED) return true;
        // a second stop makes some scms (wine) kill the process: ask once.
        // a service still starting is asked when it runs
        if (!asked && status->dwCurrentState != SERVICE_STOP_PENDING && status->dwCurrentState != SERVICE_START_PENDING) {
            std::cout << "stopping the service 'slotlog'...\n";
            SERVICE_STATUS ignored{};
            if (!::ControlService(service, SERVICE_CONTROL_STOP, &ignored)) {
                const DWORD err = ::GetLastError();
                if (err != ERROR_SERVICE_NOT_ACTIVE) {
                    warn("cannot stop the service", err);
                    return false;
                }
            }
            asked = true;
        }
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

struct configure_options {
    std::string slot;       // empty: the template's
    std::string log_folder; // empty: the template's
    std::uint16_t broadcast_port = 0;  // 0: none; else a netbios input on it and a firewall rule
    bool remove_firewall_rule = false; // the msi's uninstall: only that
};

// throws cli::usage_error
void parse_configure(const std::vector<std::string>& args, configure_options& out) {
    const auto port = [&](const std::string& text) {
        if (text.empty()) return;  // the msi's BROADCAST_PORT left unset
        char* end = nullptr;
        const unsigned long n = std::strtoul(text.c_str(), &end, 10);
        if (*end != '\0' || n == 0 || n > 65535 || text.find_first_not_of("0123456789") != std::string::npos) {
            throw cli::usage_error("configure-service: --broadcast-port '" + text +
                                   "' is not a port number (1 to 65535)");
        }
        out.broadcast_port = static_cast<std::uint16_t>(n);
    };
    const auto operands = cli::options("configure-service")
                              .value({"--slot"}, [&](const std::string& v) { out.slot = v; })
                              .value({"--logdir"}, [&](const std::string& v) { out.log_folder = v; })
                              .value({"--broadcast-port"}, port)
                              .flag({"--remove-firewall-rule"}, [&] { out.remove_firewall_rule = true; })
                              .parse(args);
    if (!operands.empty()) {
        throw cli::usage_error("configure-service takes no operand ('" + operands.front() + "')");
    }
    // an msi passes "[LOGDIR]" last: a folder ending in a backslash turns
    // the closing quote into a literal one
    while (!out.log_folder.empty() && (out.log_folder.back() == '"' || out.log_folder.back() == ' ')) {
        out.log_folder.pop_back();
    }
}

// %ProgramData%\slotlog\control.key, the key of signed control messages,
// readable only by Administrators, SYSTEM and the service (never replaced:
// admins copy it to where they run `slotlog ctl`). a failure only warns: the
// service runs without a control plane and says so
void create_key() {
    const auto key = service_paths::data_folder() / L"control.key";
    try {
        if (create_control_key(key)) {
            std::cout << "created the control key " << narrow(key.native())
                      << " (readable by Administrators and the service only)\n";
        } else {
            std::cout << "keeping the existing control key " << narrow(key.native()) << '\n';
        }
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: warning: " << e.what() << "; signed control messages stay off\n";
    }
}

// slotlogd.default.json with the slot, the broadcast input and the log folder
// asked for; throws what reading or parsing it throws
nlohmann::json configured_template(const std::filesystem::path& templ, const configure_options& options) {
    std::ifstream in(templ);
    nlohmann::json json = nlohmann::json::parse(in);
    std::string slot = "logger";
    for (auto& input : json.at("inputs")) {
        if (input.value("type", "") != "mailslot") continue;
        if (!options.slot.empty()) input["name"] = options.slot;
        slot = input.value("name", slot);
    }
    // remote writes of the same slot, sent to the broadcast port (remote mailslots off)
    if (options.broadcast_port != 0) {
        json.at("inputs").push_back({{"type", "netbios"},
                                     {"bind", "0.0.0.0:" + std::to_string(options.broadcast_port)},
                                     {"slot", slot}});
    }
    for (auto& output : json.at("outputs")) {
        if (!options.log_folder.empty() && output.value("type", "") == "file") {
            const std::filesystem::path name = std::filesystem::path(output.value("path", "slotlog.log")).filename();
            output["path"] = narrow((std::filesystem::path(detail::widen(options.log_folder)) / name).native());
        }
    }
    return json;
}

// the new configuration in `temp`, loaded as the service would load it;
// removed again if it does not load
std::optional<int> write_checked(const std::filesystem::path& temp, const nlohmann::json& json,
                                 const std::filesystem::path& config) {
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << json.dump(2) << '\n';
        if (!out) {
            std::cerr << "slotlogd: cannot write " << narrow(temp.native()) << '\n';
            return exit_failed;
        }
    }
    // a bad SLOT or LOGDIR fails the install now, not the service's start
    try {
        (void)load_config_file(temp);
    } catch (const config_error& e) {
        for (const auto& p : e.problems()) std::cerr << p.to_string() << '\n';
        std::cerr << "slotlogd: " << narrow(config.native()) << " was not created\n";
        std::error_code ec;
        std::filesystem::remove(temp, ec);
        return exit_bad_config;
    }
    return std::nullopt;
}

// the new config's log folder, writable by the service's account
void prepare_log_folder(const std::string& log_folder) {
    if (log_folder.empty()) return;
    try {
        const std::filesystem::path logs(detail::widen(log_folder));
        std::filesystem::create_directories(logs);
        service_paths::grant_service_account(logs);
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: warning: " << e.what() << '\n';
    }
}

// slotlogd.json from slotlogd.default.json, with the slot and log folder
// asked for; never touches an existing slotlogd.json (an admin's config)
std::optional<int> create_config(const configure_options& options) {
    const auto data = service_paths::data_folder();
    const auto config = data / L"slotlogd.json";
    const auto templ = data / L"slotlogd.default.json";
    std::error_code ec;
    if (std::filesystem::exists(config, ec)) {
        std::cout << "keeping the existing " << narrow(config.native()) << '\n';
        return std::nullopt;
    }
    if (!std::filesystem::exists(templ, ec)) {
        std::cout << "no " << narrow(templ.native()) << ": the service uses the embedded default\n";
        return std::nullopt;
    }
    nlohmann::json json;
    try {
        json = configured_template(templ, options);
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: cannot read " << narrow(templ.native()) << ": " << e.what() << '\n';
        return exit_failed;
    }
    const auto temp = data / L"slotlogd.json.new";
    if (auto code = write_checked(temp, json, config)) return *code;
    // no overwrite: if one appeared meanwhile, it wins
    if (!::MoveFileExW(temp.c_str(), config.c_str(), 0)) {
        const DWORD err = ::GetLastError();
        std::filesystem::remove(temp, ec);
        if (err != ERROR_ALREADY_EXISTS && err != ERROR_FILE_EXISTS) return fail("cannot create " + narrow(config.native()), err);
    }
    std::cout << "created " << narrow(config.native()) << '\n';
    prepare_log_folder(options.log_folder);
    return std::nullopt;
}

// why the scm would not create the service, and what to do about it
int create_failed(DWORD err) {
    if (err == ERROR_SERVICE_EXISTS || err == ERROR_DUPLICATE_SERVICE_NAME) {
        std::cerr << "slotlogd: the service 'slotlog' is already installed; run 'slotlogd uninstall' first\n";
        return exit_failed;
    }
    if (err == ERROR_SERVICE_MARKED_FOR_DELETE) {
        std::cerr << "slotlogd: the service 'slotlog' is still being deleted; close the Services console "
                     "(and anything else holding it open) and try again\n";
        return exit_failed;
    }
    return fail("cannot create the service 'slotlog'", err);
}

// the description, the recovery actions and the event log source of a
// service just created; if one fails the service goes again
std::optional<int> finish_service(SC_HANDLE service, const std::filesystem::path& exe) {
    if (auto code = set_description(service)) {
        roll_back(service);
        return *code;
    }
    if (auto code = set_recovery(service)) {
        roll_back(service);
        return *code;
    }
    try {
        eventlog::register_source(scm::event_source, exe);
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: cannot register the event log source 'slotlog': " << e.what() << '\n';
        roll_back(service);
        return exit_failed;
    }
    return std::nullopt;
}

void print_installed(const install_options& options, const std::wstring& command, const std::filesystem::path& exe,
                     const std::filesystem::path& data) {
    std::cout << "installed the service 'slotlog' (" << narrow(scm::display_name) << ")\n"
              << "  runs:    " << narrow(command) << "\n"
              << "  as:      " << narrow(scm::account) << "\n"
              << "  start:   " << (options.start_type == SERVICE_AUTO_START ? "auto (at boot)" : "demand") << "\n"
              << "  config:  "
              << (options.config_file.empty()
                      ? narrow((data / L"slotlogd.json").native()) + " if it exists, else the embedded default"
                      : narrow(options.config_file.native()))
              << "\n"
              << "  data:    " << narrow(data.native()) << "\n"
              << "event log source 'slotlog' registered (" << narrow(exe.native()) << ")\n"
              << "start it with: sc start slotlog\n";
}

} // namespace

// inbound udp on the broadcast port for slotlogd.exe; a failure only warns
// (the port may be open already, or another firewall in charge)
void open_firewall(std::uint16_t port) {
    std::string why;
    try {
        if (firewall::allow_udp(port, service_paths::this_executable(), why)) {
            std::cout << "the firewall lets udp port " << port << " in for slotlogd.exe (rule \""
                      << narrow(firewall::rule_name) << "\")\n";
            return;
        }
    } catch (const std::exception& e) {
        why = e.what();
    }
    std::cerr << "slotlogd: warning: cannot add the firewall rule for udp port " << port << ": " << why << '\n';
}

int configure_service(const std::vector<std::string>& args) {
    configure_options options;
    parse_configure(args, options);
    if (options.remove_firewall_rule) {
        firewall::remove();
        return exit_ok;
    }

    scm::handle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) return fail("cannot open the Service Control Manager", ::GetLastError());
    scm::handle service(::OpenServiceW(manager.get(), scm::service_name, SERVICE_CHANGE_CONFIG));
    if (!service) return fail("cannot open the service 'slotlog'", ::GetLastError());
    if (auto code = set_description(service.get())) return *code;
    if (auto code = set_recovery(service.get())) return *code;

    try {
        service_paths::create_data_folders();
        service_paths::grant_service_account(service_paths::data_folder());
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: warning: " << e.what() << '\n';
    }
    create_key();
    if (auto code = create_config(options)) return *code;
    if (options.broadcast_port != 0) open_firewall(options.broadcast_port);
    std::cout << "configured the service 'slotlog' (description, recovery actions)\n";
    return exit_ok;
}

int install_service(const std::vector<std::string>& args) {
    install_options options;
    parse_install(args, options);
    if (auto code = check_config(options)) return *code;

    std::filesystem::path exe;
    try {
        exe = service_paths::this_executable();
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: " << e.what() << '\n';
        return exit_failed;
    }
    const std::wstring command = bin_path(exe, options.config_file);

    scm::handle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE));
    if (!manager) return fail("cannot open the Service Control Manager", ::GetLastError());
    scm::handle service(::CreateServiceW(manager.get(), scm::service_name, scm::display_name, SERVICE_ALL_ACCESS,
                                         SERVICE_WIN32_OWN_PROCESS, options.start_type, SERVICE_ERROR_NORMAL,
                                         command.c_str(), nullptr, nullptr, nullptr, scm::account, nullptr));
    if (!service) return create_failed(::GetLastError());
    if (auto code = finish_service(service.get(), exe)) return *code;

    // the data folder, writable by the service's account (the embedded
    // default writes its logs there). the service creates it too, so only warn
    const auto data = service_paths::data_folder();
    try {
        service_paths::create_data_folders();
        service_paths::grant_service_account(data);
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: warning: " << e.what() << '\n';
    }
    create_key();
    print_installed(options, command, exe, data);
    return exit_ok;
}

int uninstall_service(const std::vector<std::string>& args) {
    if (!cli::options("uninstall").parse(args).empty()) return usage_error("uninstall takes no operand");

    scm::handle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) return fail("cannot open the Service Control Manager", ::GetLastError());
    scm::handle service(
        ::OpenServiceW(manager.get(), scm::service_name, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
    if (!service) {
        const DWORD err = ::GetLastError();
        if (err != ERROR_SERVICE_DOES_NOT_EXIST) return fail("cannot open the service 'slotlog'", err);
        std::cerr << "slotlogd: the service 'slotlog' is not installed\n";
        // a source left behind by an earlier failure goes anyway
        if (eventlog::source_registered(scm::event_source)) {
            try {
                eventlog::unregister_source(scm::event_source);
                std::cerr << "slotlogd: removed the leftover event log source 'slotlog'\n";
            } catch (const std::exception& e) {
                std::cerr << "slotlogd: cannot remove the event log source 'slotlog': " << e.what() << '\n';
            }
        }
        return exit_failed;
    }

    const bool stopped = stop_and_wait(service.get());
    if (!::DeleteService(service.get())) {
        const DWORD err = ::GetLastError();
        if (err != ERROR_SERVICE_MARKED_FOR_DELETE) return fail("cannot delete the service 'slotlog'", err);
    }
    int code = exit_ok;
    if (!stopped) {
        std::cerr << "slotlogd: the service 'slotlog' did not stop within " << stop_timeout.count()
                  << " s; it is marked for deletion and goes when it stops\n";
        code = exit_failed;
    }
    try {
        eventlog::unregister_source(scm::event_source);
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: cannot remove the event log source 'slotlog': " << e.what() << '\n';
        code = exit_failed;
    }
    std::cout << "removed the service 'slotlog' and its event log source; "
              << narrow(service_paths::data_folder().native()) << " (configuration, logs) is kept\n";
    return code;
}

} // namespace slotlog
