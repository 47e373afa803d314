#include "help.h"

namespace slotlog {

namespace {

const cli::program_help help{
    "slotlog",
    {
        {"send", "[-s SLOT] [-l LEVEL] [-a APP] [--raw] [NETWORK OPTIONS] [MESSAGE...]",
         "writes each MESSAGE as one entry to a slot; with no MESSAGE, each line of standard input. a MESSAGE "
         "that is a json object with \"msg\" ({\"msg\": \"disk full\", \"level\": \"error\"}) is sent as it "
         "is: its own level, app and other keys count. any other MESSAGE is sent as json stamped with host, pid, "
         "sequence number and time. on linux a local slot is the system collector's socket /run/slotlog/SLOT when "
         "one is there, else this user's own collector's ($XDG_RUNTIME_DIR/slotlog/SLOT or /tmp/slotlog-UID/SLOT); "
         "with $SLOTLOG_RUNTIME_DIR set, $SLOTLOG_RUNTIME_DIR/SLOT alone",
         {{"-s, --slot SLOT", "logger (default), \\\\.\\mailslot\\logger (this machine), \\\\*\\mailslot\\logger "
                              "(every collector of the domain), \\\\HOST\\mailslot\\logger or "
                              "\\\\DOMAIN\\mailslot\\logger"},
          {"-l, --level LEVEL", "trace, debug, info, notice, warning, error or critical (a json MESSAGE's own "
                                "level wins)"},
          {"-a, --app APP", "the application the entries come from (a json MESSAGE's own app wins)"},
          {"--raw", "send each message exactly as given, without the json envelope (a syslog line, plain text, or "
                    "STOP)"},
          {"", "network options, for \\\\*\\, \\\\DOMAIN\\ and \\\\HOST\\ slots (424 bytes at most a message); each "
               "defaults to the SLOTLOG_* variable in brackets:"},
          {"--transport T", "auto (default): linux sends the mailslot datagram; windows opens the remote mailslot "
                            "and, where it cannot (error 3025, wine), sends to the broadcast port. mailslot: only "
                            "that. broadcast: the datagram to the broadcast port. both  [SLOTLOG_TRANSPORT]"},
          {"--netbios-port N", "udp port of mailslot datagrams from linux (138) [SLOTLOG_NETBIOS_PORT]"},
          {"--broadcast-port N", "the slotlog broadcast port (5138) [SLOTLOG_BROADCAST_PORT]"},
          {"--to ADDR", "send \\\\*\\ and \\\\DOMAIN\\ datagrams to ADDR (ipv4 address or host name), not to every "
                        "interface's broadcast address; repeatable [SLOTLOG_BROADCAST_TO, a comma list]"},
          {"--workgroup NAME", "the netbios group of \\\\*\\ datagrams (WORKGROUP) [SLOTLOG_WORKGROUP]"}}},
        {"tail", "[-f] [-n N] [--level LEVEL] [--host GLOB] [--app GLOB] [--grep TEXT] PATH",
         "prints the last entries of a log file written by slotlogd (PATH a file), of a .gz file, or of every log "
         "file in a folder and below (PATH a folder: each *.log but the rotated name.N.log and .gz). the filters "
         "combine: an entry is printed when it passes all of them",
         {{"-n, --lines N", "how many entries that pass the filters (default 10); of a folder, N of each file, in "
                            "path order. when the file holds fewer, the rest come from its rotated backups "
                            "(name.1.log or name.1.log.gz, then .2, ...), oldest first"},
          {"-f, --follow", "then keep printing what is appended, across rotations (like tail -F); Ctrl+C stops. a "
                           "folder: every log file in it, and those that appear later from their first line"},
          {"--level LEVEL", "only entries at least this severe"},
          {"--host GLOB", "only entries whose host matches (* any run, ? one character, case ignored; an unknown "
                          "host, - in a text line, is matched only by *)"},
          {"--app GLOB", "only entries whose application matches, as --host"},
          {"--grep TEXT", "only entries whose message holds TEXT, case ignored"}}},
        {"ctl", "{stop|reload|rotate|flush} [-s SLOT] --key-file FILE",
         "sends a SLOTLOG-CTL/1 control message signed with the collector's key (HMAC-SHA256, see "
         "docs/control.md): stop, reload the configuration, rotate the log files now, or flush every output",
         {{"-s, --slot SLOT", "as for send (default logger)"},
          {"-k, --key-file FILE", "the collector's control.key_file (or a copy of it)"}}},
    },
    {
        {"0", "success"},
        {"1", "failure: a message could not be sent, a file could not be read, a .gz PATH is damaged"},
        {"2", "usage error: unknown command or option, bad level, slot name, number, glob, transport, port or "
              "workgroup (also in a SLOTLOG_* variable); tail -f of a .gz file"},
    },
};

} // namespace

const cli::program_help& slotlog_help() { return help; }

} // namespace slotlog
