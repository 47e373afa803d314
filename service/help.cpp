#include "help.h"

namespace slotlog {

namespace {

constexpr std::string_view windows_service = "Windows service (on other systems these only say so):";

const cli::program_help help{
    "slotlogd",
    {
        {"serve", "[-c CONFIG] [--allow-plain-stop]",
         "runs the collector in the foreground. Ctrl+C, SIGINT and SIGTERM stop it after everything read is "
         "written; SIGHUP reloads CONFIG (POSIX). without -c, the embedded default: mailslot 'logger', "
         "logs/slotlog.log (10 MiB x 10) under the current folder, console at info",
         {{"-c, --config CONFIG", "the configuration file (docs/configuration.md)"},
          {"--allow-plain-stop", "a message that is exactly STOP (plain or marshalled) stops the collector; "
                                 "otherwise it is ignored and logged"}}},
        {"check-config", "CONFIG",
         "validates CONFIG: one line per problem, naming the file, the JSON path of the offending key and what "
         "is wrong. a valid CONFIG also gets a line saying whether signed control messages will be accepted "
         "(the control plane is off without a usable control.key_file). CONFIG may also be given as -c CONFIG"},
        {"install", "[-c CONFIG] [--start auto|demand]",
         "as Administrator: creates the service 'slotlog' (\"slotlog mailslot logging service\"), run as "
         "NT AUTHORITY\\LocalService and restarted on failure (after 5 s, 10 s, 60 s), with the command line "
         "\"<this slotlogd.exe>\" service [-c \"<CONFIG made absolute>\"]; registers the Event Log source "
         "'slotlog'; creates %ProgramData%\\slotlog, its logs folder and, when there is none, the control key "
         "control.key (random, readable by Administrators and the service only). CONFIG must be valid. an "
         "existing service is an error",
         {{"-c, --config CONFIG", "the configuration the service runs"},
          {"--start auto|demand", "auto (the default): at boot; demand: by sc start slotlog"}},
         windows_service},
        {"uninstall", "",
         "as Administrator: stops the service 'slotlog' (waiting up to 60 s), deletes it and removes the Event "
         "Log source. %ProgramData%\\slotlog is kept, control.key with it",
         {},
         windows_service},
        {"configure-service", "[--slot SLOT] [--broadcast-port PORT] [--logdir DIR] | --remove-firewall-rule",
         "what the MSI runs after creating the service: sets the description and recovery actions of the "
         "existing service 'slotlog', creates %ProgramData%\\slotlog, its logs folder and control.key (as "
         "install does), and creates slotlogd.json from slotlogd.default.json only if there is none",
         {{"--slot SLOT", "the slot the new configuration reads"},
          {"--broadcast-port PORT",
           "the MSI's BROADCAST_PORT, e.g. 5138: the new configuration also reads the slot's mailslot writes "
           "sent to that udp port (a netbios input), and a firewall rule \"slotlog broadcast port\" lets them in"},
          {"--logdir DIR", "the folder of the new configuration's log files"},
          {"--remove-firewall-rule", "only remove that rule (the MSI's uninstall)"}},
         windows_service},
        {"service", "[-c CONFIG]",
         "what the service runs (binPath); started by the Service Control Manager, not from a console. without "
         "-c: %ProgramData%\\slotlog\\slotlogd.json if it exists, else the embedded default (mailslot 'logger', "
         "logs\\slotlog.log and the Event Log at warning, control key control.key, under %ProgramData%\\slotlog). "
         "a relative CONFIG is taken from %ProgramData%\\slotlog. sc stop, shutdown, an accepted STOP or control "
         "stop message stop it after everything read is written; sc control slotlog paramchange reloads CONFIG",
         {{"-c, --config CONFIG", "the configuration file"}},
         windows_service},
    },
    {
        {"0", "success"},
        {"1", "the configuration is invalid; install/uninstall: nothing done (the service already exists or is "
              "not installed, access denied, ...)"},
        {"2", "usage error (unknown command or option; 'service' run from a console)"},
        {"3", "startup failed: an input or output could not be opened (for example the slot is already read by "
              "another collector, or the log folder is not writable)"},
    },
    "the service reports 1 and 3 as its service-specific exit code (sc query slotlog: WIN32_EXIT_CODE 1066, "
    "SERVICE_EXIT_CODE 1 or 3)",
};

} // namespace

const cli::program_help& slotlogd_help() { return help; }

} // namespace slotlog
