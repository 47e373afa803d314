// the embedded default configuration, used when no file is given. it is json
// text like any configuration file and goes through parse_config, so it is
// validated by the same rules
#include <slotlog/config.h>

#include <slotlog/platform.h>

namespace slotlog {

namespace {

constexpr std::string_view default_head = R"({
  "inputs": [
    {"type": "mailslot", "name": "logger"}
  ],
  "outputs": [
    {"type": "file", "path": "logs/slotlog.log", "max_size": "10MiB", "max_files": 10,
     "format": "text", "min_level": "trace"})";

// a console is only there when running in the foreground
constexpr std::string_view default_console = R"(,
    {"type": "console", "min_level": "info", "format": "text"})";

constexpr std::string_view default_eventlog = R"(,
    {"type": "eventlog", "source": "slotlog", "min_level": "warning"})";

// the service's key, made by `slotlogd install` and the msi in its data folder
constexpr std::string_view default_service_control = R"(
  ],
  "control": {"key_file": "control.key"}
}
)";

constexpr std::string_view default_tail = R"(
  ]
}
)";

} // namespace

config default_config(run_mode mode, const std::filesystem::path& base_dir) {
    std::string text(default_head);
    if (mode == run_mode::serve) text += default_console;
    if constexpr (on_windows) text += default_eventlog;
    text += mode == run_mode::service ? default_service_control : default_tail;
    return parse_config(text, "<embedded default>", base_dir);
}

} // namespace slotlog
