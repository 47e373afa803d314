// `slotlogd service`: the collector hosted by the service control manager.
// the scm's dispatcher thread runs the control handler, which only records
// what was asked (STOP_PENDING at once, then an event); the service thread
// (ServiceMain's) does the work: start, reload, drain and stop
#include "service_host.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include <windows.h>


#include <slotlog/command_line.h>
#include <slotlog/config.h>
#include <slotlog/detail/utf16.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/problem_reporter.h>
#include <slotlog/windows/eventlog.h>

#include "collector.h"
#include "scm.h"
#include "serve.h"
#include "service_paths.h"
#include "service_status.h"

namespace slotlog {

namespace {

// an owned event
class event_handle {
public:
    explicit event_handle(bool manual_reset) : h_(::CreateEventW(nullptr, manual_reset, FALSE, nullptr)) {}
    ~event_handle() {
        if (h_) ::CloseHandle(h_);
    }
    event_handle(const event_handle&) = delete;
    event_handle& operator=(const event_handle&) = delete;
    HANDLE get() const noexcept { return h_; }
private:
    HANDLE h_;
};

struct service_host {
    std::filesystem::path config_file;   // -c, as given
    std::string bad_args;                // a command line problem, reported once under the scm
    service_status status;
    event_handle stop{true};             // scm stop/shutdown, or an accepted STOP message
    event_handle reload{false};          // paramchange
    int exit_code = exit_ok;
};

// ServiceMain has no context argument
service_host* current_host = nullptr;

void report_event(level lvl, eventlog::event id, std::string_view text) {
    eventlog::report(scm::event_source, lvl, id, text);
}

// -c CONFIG (a relative one against the data folder: the scm starts services
// in system32), else %ProgramData%\slotlog\slotlogd.json if it exists, else
// nothing: the embedded default
std::filesystem::path choose_config(const std::filesystem::path& given) {
    const auto data = service_paths::data_folder();
    if (!given.empty()) return given.is_absolute() ? given : data / given;
    auto file = data / L"slotlogd.json";
    std::error_code ec;
    return std::filesystem::is_regular_file(file, ec) ? file : std::filesystem::path();
}

// the event of a report of the collector's own: a forward output's health and
// the statistics have ids of their own, so that an admin can filter on them
eventlog::event own_event(level lvl, report_kind kind) noexcept {
    switch (kind) {
    case report_kind::target_down: return eventlog::event::forward_unreachable;
    case report_kind::target_up: return eventlog::event::forward_reached;
    case report_kind::statistics: return eventlog::event::statistics;
    case report_kind::problem: break;
    }
    return lvl >= level::error ? eventlog::event::service_error : eventlog::event::service_warning;
}

std::string problems_text(const config_error& e) {
    std::string text;
    for (const auto& p : e.problems()) text += (text.empty() ? "" : "\n") + p.to_string();
    return text;
}

// the collector's whole life under the scm: the service exit code
int run_collector(service_host& host) {
    if (!host.bad_args.empty()) {
        report_event(level::error, eventlog::event::config_rejected, "bad command line: " + host.bad_args);
        return exit_usage;
    }
    // first run: the embedded default writes under it. a failure here shows
    // up better as the file output's own error
    try {
        service_paths::create_data_folders();
    } catch (const std::exception&) {
    }

    collector_options options;
    options.config_file = choose_config(host.config_file);
    options.default_base = service_paths::data_folder();
    options.mode = run_mode::service;
    options.on_stop_request = [&host] { ::SetEvent(host.stop.get()); };
    options.on_reload_request = [&host] { ::SetEvent(host.reload.get()); };
    // rotation trouble, drops, a failing output, a forward target's health,
    // the statistics: events of the service itself
    options.on_own_problem = [](level lvl, const std::string& what, report_kind kind) {
        report_event(lvl, own_event(lvl, kind), what);
    };

    std::unique_ptr<collector> c;
    try {
        c = std::make_unique<collector>(std::move(options));
    } catch (const config_error& e) {
        report_event(level::error, eventlog::event::config_rejected, problems_text(e));
        return exit_bad_config;
    } catch (const std::exception& e) {
        report_event(level::error, eventlog::event::config_rejected, e.what());
        return exit_bad_config;
    }
    try {
        c->start();
    } catch (const std::exception& e) {
        c.reset();   // closes whatever did open before reporting
        report_event(level::error, eventlog::event::startup_failed, e.what());
        return exit_startup;
    }
    host.status.running();
    report_event(level::info, eventlog::event::service_started, c->describe());

    const HANDLE events[] = {host.stop.get(), host.reload.get()};
    while (::WaitForMultipleObjects(2, events, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        if (const auto refused = c->reload()) report_event(level::warning, eventlog::event::reload_refused, *refused);
    }

    // an accepted STOP message comes here without the handler
    host.status.stopping();
    c->stop();
    std::string summary;
    if (const pipeline* p = c->running()) summary = p->summary();
    c.reset();   // every sink closed before SERVICE_STOPPED
    report_event(level::info, eventlog::event::service_stopped, summary);
    return exit_ok;
}

DWORD WINAPI on_control(DWORD control, DWORD, LPVOID, LPVOID context) {
    auto& host = *static_cast<service_host*>(context);
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
    case SERVICE_CONTROL_PRESHUTDOWN:
        // never block here: say STOP_PENDING, the service thread drains
        host.status.stopping();
        ::SetEvent(host.stop.get());
        return NO_ERROR;
    case SERVICE_CONTROL_PARAMCHANGE:
        ::SetEvent(host.reload.get());
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI service_main(DWORD argc, LPWSTR* argv) {
    service_host& host = *current_host;
    // the name the scm started us as (sc create may have chosen another)
    const wchar_t* name = argc > 0 && argv && argv[0] ? argv[0] : scm::service_name;
    const SERVICE_STATUS_HANDLE handle = ::RegisterServiceCtrlHandlerExW(name, on_control, &host);
    if (!handle) {
        host.exit_code = exit_startup;
        return;
    }
    host.status.attach(handle);
    host.status.starting();
    try {
        host.exit_code = run_collector(host);
    } catch (const std::exception& e) {
        report_event(level::error, eventlog::event::startup_failed, e.what());
        host.exit_code = exit_startup;
    }
    host.status.stopped(static_cast<DWORD>(host.exit_code));
}

} // namespace

int run_service(const std::vector<std::string>& args) {
    service_host host;
    try {
        // no console to tell: a bad command line is the service's start failure
        const auto operands = cli::options("service")
                                  .value({"-c", "--config"},
                                         [&](const std::string& v) { host.config_file = detail::path_from_utf8(v); })
                                  .parse(args);
        if (!operands.empty()) host.bad_args = "service takes no operand ('" + operands.front() + "')";
    } catch (const cli::usage_error& e) {
        host.bad_args = e.what();
    }

    current_host = &host;
    static wchar_t name[] = L"slotlog";   // ignored for an own-process service
    const SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {nullptr, nullptr}};
    const BOOL dispatched = ::StartServiceCtrlDispatcherW(table);
    const DWORD err = ::GetLastError();
    current_host = nullptr;
    if (dispatched) return host.exit_code;

    if (!host.bad_args.empty()) {
        std::cerr << "slotlogd: " << host.bad_args << "\nrun 'slotlogd --help' for usage\n";
        return exit_usage;
    }
    if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
        std::cerr << "slotlogd: 'service' is run by the Service Control Manager (sc start slotlog);\n"
                     "to run the collector in this console use 'slotlogd serve'\n";
        return exit_usage;
    }
    std::cerr << "slotlogd: cannot connect to the Service Control Manager: " << detail::error_text(err) << '\n';
    return exit_startup;
}

} // namespace slotlog
