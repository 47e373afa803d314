// loading a configuration file; the checking is in checker.cpp and the
// schema tables (input_schema.cpp, output_schema.cpp, section_schema.cpp)
#include <slotlog/config.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include <slotlog/slot_name.h>
#include <slotlog/detail/utf8.h>

#include "config/bind_address.h"
#include "config/checker.h"

namespace slotlog {

namespace fs = std::filesystem;
using config_check::to_lower;

namespace {

// a configuration is a few hundred bytes; anything this large is the wrong file
constexpr std::size_t max_file_bytes = 1u << 20;

std::string join_problems(const std::vector<config_problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += p.to_string();
    }
    return out.empty() ? "invalid configuration" : out;
}

config_error file_error(const std::string& origin, const std::string& why) {
    return config_error({{origin, "", "cannot read the configuration file: " + why}});
}

// "127.0.0.1:0514" -> "127.0.0.1:514": one text per address
std::string normal_bind(const std::string& bind) {
    std::string why;
    if (const auto a = config_check::parse_bind(bind, why)) return a->text();
    return to_lower(bind);
}

std::string read_file(const fs::path& file, const std::string& origin) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw file_error(origin, err != 0 ? std::generic_category().message(err) : std::string("cannot open it"));
    }
    std::string text;
    char buffer[16384];
    while (in.read(buffer, sizeof buffer), in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_file_bytes) {
            throw file_error(origin, "larger than " + config_check::describe_size(max_file_bytes) +
                                         "; not a configuration file");
        }
    }
    if (in.bad()) throw file_error(origin, "read error");
    return text;
}

} // namespace

std::string config_problem::to_string() const {
    std::string out = file;
    if (!path.empty()) out += (out.empty() ? "" : ": ") + path;
    out += (out.empty() ? "" : ": ") + message;
    return out;
}

config_error::config_error(std::vector<config_problem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems)) {}

std::string input_config::key() const {
    if (slot.empty()) return endpoint();
    // the same endpoint read another way is another input (a reload replaces it)
    return type + ":" + normal_bind(bind) + "/" + slot;
}

std::string input_config::endpoint() const {
    if (type == "mailslot") {
        try {
            return "mailslot:" + parse_slot_name(name).name;
        } catch (const std::exception&) {
            return "mailslot:" + to_lower(name);
        }
    }
    // a netbios input reads a udp port like a udp input
    if (type == "udp" || type == "netbios") return "udp:" + normal_bind(bind);
    return type + ":" + name + bind;
}

config parse_config(std::string_view json_text, const std::string& origin, const fs::path& base_dir) {
    try {
        config_check::checker c(origin, base_dir);
        return c.run(json_text);
    } catch (const config_error&) {
        throw;
    } catch (const std::exception& e) {
        // nothing but config_error leaves here, whatever the input
        throw config_error({{origin, "", std::string("cannot check the configuration: ") + e.what()}});
    }
}

config load_config_file(const fs::path& file) {
    const auto origin = detail::path_to_utf8(file);
    std::error_code ec;
    const auto st = fs::status(file, ec);
    if (st.type() == fs::file_type::not_found) throw file_error(origin, "no such file");
    if (ec) throw file_error(origin, ec.message());
    if (fs::is_directory(st)) throw file_error(origin, "it is a folder, not a file");
    const auto text = read_file(file, origin);
    auto dir = fs::absolute(file, ec);
    return parse_config(text, origin, (ec ? file : dir).parent_path());
}

} // namespace slotlog
