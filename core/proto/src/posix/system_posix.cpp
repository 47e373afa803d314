// runtime folder, host name and process id on posix

#include <slotlog/host.h>
#include <slotlog/slot_name.h>

#include <unistd.h>

#include <cstdlib>
#include <string>

#include <slotlog/detail/system.h>

#include <slotlog/detail/utf8.h>

namespace slotlog {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

} // namespace

std::filesystem::path runtime_dir() {
    if (auto dir = env("SLOTLOG_RUNTIME_DIR"); !dir.empty()) return dir;
    if (::geteuid() == 0) return default_system_runtime_dir;
    if (auto dir = env("XDG_RUNTIME_DIR"); !dir.empty()) return std::filesystem::path(dir) / "slotlog";
    return "/tmp/slotlog-" + std::to_string(::getuid());
}

std::string local_host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof(name) - 1) != 0) return {};
    return name;
}

namespace detail {

std::uint32_t process_id() noexcept { return static_cast<std::uint32_t>(::getpid()); }

std::string environment_variable(const char* name) { return env(name); }

std::vector<std::string> utf8_arguments(int argc, char** argv) { return {argv, argv + argc}; }

} // namespace detail

} // namespace slotlog
