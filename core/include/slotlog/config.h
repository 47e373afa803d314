#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/format.h>
#include <slotlog/level.h>

namespace slotlog {

struct input_config {
    std::string type;                    // "mailslot" | "udp" | "netbios"
    std::string name;                    // mailslot: slot name as written ("logger")
    std::string bind;                    // udp, netbios: "host:port"
    // netbios: the slot whose remote mailslot writes are read ("logger");
    // udp: if set, mailslot write datagrams for this slot are unwrapped too
    // (the broadcast port), other datagrams are messages as before
    std::string slot;
    std::uint64_t recv_buffer = 8u << 20;        // udp: socket receive buffer, bytes
    std::uint64_t max_message_size = 64u << 10;  // largest message read whole, bytes
    // udp, netbios: threads that read the socket. more take more off a busy
    // socket (one reads while another is held up), at the cost of the order
    // between them: one sender's lines may be written a batch out of order
    unsigned readers = 1;

    // what identifies the input: a reload keeps an input whose key is
    // unchanged ("mailslot:logger", "udp:127.0.0.1:5514", "netbios:0.0.0.0:138/logger")
    std::string key() const;
    // what it reads from: two inputs with the same endpoint clash ("udp:0.0.0.0:138")
    std::string endpoint() const;
};

// a forward output's tls (RFC 5425; RELP over TLS)
struct tls_config {
    bool enabled = false;                // a "tls" object was given
    std::filesystem::path ca_file;       // PEM; empty: the system's (windows: ca_store)
    std::filesystem::path cert_file;     // PEM client certificate, with key_file
    std::filesystem::path key_file;
    std::string server_name;             // empty: the target's host
    bool verify = true;                  // false: a warning at every start
    std::string ca_store = "ROOT";       // windows: the store of trusted roots
    std::string cert_store = "LocalMachine\\MY";  // windows: where the client certificate is
    std::string cert_thumbprint;         // windows: sha-1 of the client certificate, 40 hex digits
    std::string cert_subject;            // windows: or a substring of its subject

    bool operator==(const tls_config&) const = default;
};

enum class when_full { drop_newest, block };

// a forward output's queue on disk
struct forward_queue_config {
    std::filesystem::path path;          // absolute after loading; default queue/<name>
    std::uint64_t max_size = 1ull << 30;
    std::chrono::milliseconds fsync_interval{1000};
    slotlog::when_full when_full = when_full::drop_newest;
};

// the forward output: RFC 5424 to log servers, through a queue on disk
struct forward_config {
    std::string name;                    // unique among forward outputs; names the queue
    std::string protocol = "tcp";        // "tcp" (octet counting) | "relp"
    std::vector<std::string> targets;    // "host:port", tried in order
    tls_config tls;
    forward_queue_config queue;
    std::string sd_id = "slotlog@32473"; // the structured data element's id
};

// an output's match or exclude: the globs of each entry field ("web*"); an
// empty list: the key is not given
struct route_rules {
    std::vector<std::string> host;
    std::vector<std::string> app;
    std::vector<std::string> slot;

    bool empty() const noexcept { return host.empty() && app.empty() && slot.empty(); }
};

// what a file output does with its rotated files
enum class file_compression { none, gzip };

struct output_config {
    std::string type;                    // "file" | "console" | "syslog" | "eventlog" | "forward"
    level min_level = level::trace;
    line_format format = line_format::text;       // file, console
    std::filesystem::path path;          // file: absolute after loading
    std::uint64_t max_size = 10u << 20;  // file
    std::uint32_t max_files = 10;        // file: total number of files kept, current included
    std::uint32_t max_open_files = 64;   // file with placeholders: files held open at once
    bool local_time = false;             // file: {date} and {hour} in local time, not utc
    file_compression compress = file_compression::none;  // file: rotated files as name.1.log.gz
    std::chrono::seconds max_age{0};     // file: older files of this output are deleted (0: off)
    std::uint64_t max_total_size = 0;    // file: all its files together, oldest deleted first (0: off)
    std::string source = "slotlog";      // eventlog
    std::string ident = "slotlog";       // syslog
    std::string facility = "user";       // syslog, forward
    forward_config forward;              // forward
    route_rules match;                   // every output: each key given must match
    route_rules exclude;                 // every output: no key given may match
};

struct control_config {
    std::filesystem::path key_file;      // empty: no key, control plane off
    bool allow_plain_stop = false;
};

struct config {
    std::vector<input_config> inputs;
    std::vector<output_config> outputs;
    control_config control;
    std::uint64_t queue_max_entries = 65536;  // bound of the queue between readers and outputs
    // a message seen again within this window is dropped as a repeat (0: off):
    // broadcasts arrive once per transport and interface
    std::chrono::milliseconds dedup_window{2000};
    // how often the collector writes its statistics as an entry (0: never)
    std::chrono::seconds stats_interval{600};
    std::string origin;                       // file path, or "<embedded default>"
};

// one problem found in a configuration, e.g. {file, "outputs[1].max_size", "..."}
struct config_problem {
    std::string file;
    std::string path;                    // json path, empty for the whole document
    std::string message;
    std::string to_string() const;       // "file: outputs[1].max_size: message"
};

class config_error : public std::runtime_error {
public:
    explicit config_error(std::vector<config_problem> problems);
    const std::vector<config_problem>& problems() const noexcept { return problems_; }
private:
    std::vector<config_problem> problems_;
};

// where the embedded default is used: `serve` on a console or `service` under the scm
enum class run_mode { serve, service };

// the embedded default; relative paths resolve against base_dir
config default_config(run_mode mode, const std::filesystem::path& base_dir);

// parses and validates; relative paths resolve against the file's folder.
// throws config_error listing every problem found (never just the first)
config load_config_file(const std::filesystem::path& file);
config parse_config(std::string_view json_text, const std::string& origin,
                    const std::filesystem::path& base_dir);

// "10MiB", "512 KiB", "1GB", 4096 -> bytes; nullopt if not a size
std::optional<std::uint64_t> parse_size(std::string_view text) noexcept;

// "30d", "12h", "15m", "90s", "0" -> seconds; nullopt if not a duration
std::optional<std::chrono::seconds> parse_duration(std::string_view text) noexcept;

} // namespace slotlog
