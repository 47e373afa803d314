// the keys of a forward output (SPEC "Forwarding"): targets, protocol, tls, queue
#include "config/forward_schema.h"

#include <algorithm>
#include <array>

#include <slotlog/platform.h>

#include "config/bind_address.h"
#include "config/route_schema.h"

namespace slotlog::config_check {

namespace {

constexpr std::size_t max_targets = 16;
constexpr std::size_t max_name = 64;
constexpr std::uint64_t min_queue_size = 1u << 20;
constexpr std::uint64_t max_fsync_interval_ms = 60 * 1000;

constexpr std::array<std::string_view, 2> protocol_names{"tcp", "relp"};
constexpr std::array<std::string_view, 2> when_full_names{"drop_newest", "block"};
constexpr std::array<std::string_view, 2> cert_store_names{"LocalMachine\\MY", "CurrentUser\\MY"};

bool name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

bool read_name(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.non_empty_string(v, at, "a name such as \"central\" (A-Z a-z 0-9 _ -)");
    if (!s) return false;
    if (s->size() > max_name || !std::all_of(s->begin(), s->end(), name_char)) {
        c.fail(at, "invalid name " + describe(v) + ": it names the queue's folder, so only A-Z a-z 0-9 _ - and at most " +
                       std::to_string(max_name) + " characters");
        return false;
    }
    out.forward.name = *s;
    return true;
}

bool read_protocol(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.enum_value(v, at, protocol_names, "protocol");
    if (s) out.forward.protocol = *s;
    return s.has_value();
}

bool read_targets(checker& c, const json& v, const std::string& at, output_config& out) {
    if (!v.is_array()) {
        c.expected(at, "an array of \"host:port\" such as [\"logs1:2514\", \"logs2:2514\"]", v);
        return false;
    }
    if (v.empty() || v.size() > max_targets) {
        c.fail(at, (v.empty() ? "empty" : "too many targets") + std::string("; expected 1 to ") +
                       std::to_string(max_targets) + " \"host:port\"");
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto item_at = element_path(at, i);
        const auto s = c.non_empty_string(v[i], item_at, "\"host:port\", e.g. \"logs1.example.com:2514\"");
        std::string why;
        if (s && !parse_bind(*s, why)) c.fail(item_at, "invalid target " + describe(v[i]) + ": " + why);
        if (s && why.empty()) {
            out.forward.targets.push_back(*s);
        } else {
            ok = false;
        }
    }
    return ok;
}

bool read_sd_id(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.non_empty_string(v, at, "an SD-ID such as \"slotlog@32473\"");
    if (!s) return false;
    const bool ok = s->size() <= 32 && std::all_of(s->begin(), s->end(), [](char ch) {
        return ch > ' ' && ch < 127 && ch != '=' && ch != ']' && ch != '"';
    });
    if (!ok) {
        c.fail(at, "invalid SD-ID " + describe(v) + ": at most 32 printable ASCII characters, no space, '=', ']' or '\"'");
        return false;
    }
    out.forward.sd_id = *s;
    return true;
}

// ---------------------------------------------------------------- tls

template <std::filesystem::path tls_config::*Member>
bool read_tls_file(checker& c, const json& v, const std::string& at, tls_config& tls) {
    auto p = c.readable_file(v, at, "a PEM file");
    if (p) tls.*Member = std::move(*p);
    return p.has_value();
}

bool read_server_name(checker& c, const json& v, const std::string& at, tls_config& tls) {
    const auto s = c.non_empty_string(v, at, "the name the server's certificate carries");
    if (s) tls.server_name = *s;
    return s.has_value();
}

bool read_verify(checker& c, const json& v, const std::string& at, tls_config& tls) {
    const auto b = c.bool_value(v, at);
    if (b) tls.verify = *b;
    return b.has_value();
}

// the certificate store keys exist on windows only
bool windows_only(checker& c, const std::string& at) {
    if constexpr (on_windows) return true;
    c.fail(at, "the Windows certificate store exists only on Windows; use ca_file, cert_file and key_file");
    return false;
}

bool read_ca_store(checker& c, const json& v, const std::string& at, tls_config& tls) {
    if (!windows_only(c, at)) return false;
    const auto s = c.non_empty_string(v, at, "a system store name such as \"ROOT\"");
    if (s) tls.ca_store = *s;
    return s.has_value();
}

bool read_cert_store(checker& c, const json& v, const std::string& at, tls_config& tls) {
    if (!windows_only(c, at)) return false;
    const auto s = c.enum_value(v, at, cert_store_names, "certificate store");
    if (s) tls.cert_store = *s;
    return s.has_value();
}

bool read_thumbprint(checker& c, const json& v, const std::string& at, tls_config& tls) {
    if (!windows_only(c, at)) return false;
    auto s = c.non_empty_string(v, at, "the certificate's SHA-1 thumbprint, 40 hex digits");
    if (!s) return false;
    // as certmgr shows it: spaces between the pairs are fine
    std::erase(*s, ' ');
    const bool hex = s->size() == 40 && std::all_of(s->begin(), s->end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    });
    if (!hex) {
        c.fail(at, "invalid thumbprint " + describe(v) + ": expected 40 hex digits (the certificate's SHA-1)");
        return false;
    }
    tls.cert_thumbprint = to_lower(*s);
    return true;
}

bool read_subject(checker& c, const json& v, const std::string& at, tls_config& tls) {
    if (!windows_only(c, at)) return false;
    const auto s = c.non_empty_string(v, at, "a part of the certificate's subject, e.g. \"CN=web01\"");
    if (s) tls.cert_subject = *s;
    return s.has_value();
}

constexpr std::array<field<tls_config>, 9> tls_fields{{
    {"ca_file", read_tls_file<&tls_config::ca_file>},
    {"cert_file", read_tls_file<&tls_config::cert_file>},
    {"key_file", read_tls_file<&tls_config::key_file>},
    {"server_name", read_server_name},
    {"verify", read_verify},
    {"ca_store", read_ca_store},
    {"cert_store", read_cert_store},
    {"cert_thumbprint", read_thumbprint},
    {"cert_subject", read_subject},
}};

bool read_tls(checker& c, const json& v, const std::string& at, output_config& out) {
    auto& tls = out.forward.tls;
    tls.enabled = true;
    if (!c.read_section<tls_config>(v, at, tls_fields, "{\"ca_file\": \"ca.pem\"}", tls)) return false;
    if (tls.cert_file.empty() != tls.key_file.empty()) {
        c.fail(member_path(at, tls.cert_file.empty() ? "cert_file" : "key_file"),
               "missing; a client certificate needs both cert_file and key_file");
        return false;
    }
    const int identities = !tls.cert_file.empty() + !tls.cert_thumbprint.empty() + !tls.cert_subject.empty();
    if (identities > 1) {
        c.fail(at, "more than one client certificate: give cert_file and key_file, cert_thumbprint or cert_subject");
        return false;
    }
    return true;
}

// ---------------------------------------------------------------- queue

bool read_queue_path(checker& c, const json& v, const std::string& at, forward_queue_config& q) {
    auto p = c.path_value(v, at, "a folder such as \"queue/central\"");
    if (p) q.path = std::move(*p);
    return p.has_value();
}

bool read_queue_size(checker& c, const json& v, const std::string& at, forward_queue_config& q) {
    const auto n = c.size_value(v, at, min_queue_size);
    if (n) q.max_size = *n;
    return n.has_value();
}

bool read_fsync_interval(checker& c, const json& v, const std::string& at, forward_queue_config& q) {
    const auto n = c.integer_value(v, at, 0, max_fsync_interval_ms);
    if (n) q.fsync_interval = std::chrono::milliseconds(*n);
    return n.has_value();
}

bool read_when_full(checker& c, const json& v, const std::string& at, forward_queue_config& q) {
    const auto s = c.enum_value(v, at, when_full_names, "policy");
    if (s) q.when_full = *s == "block" ? when_full::block : when_full::drop_newest;
    return s.has_value();
}

constexpr std::array<field<forward_queue_config>, 4> queue_fields{{
    {"path", read_queue_path},
    {"max_size", read_queue_size},
    {"fsync_interval_ms", read_fsync_interval},
    {"when_full", read_when_full},
}};

bool read_queue(checker& c, const json& v, const std::string& at, output_config& out) {
    return c.read_section<forward_queue_config>(v, at, queue_fields, "{\"max_size\": \"1GiB\"}", out.forward.queue);
}

} // namespace

constinit const std::array<field<output_config>, 10> forward_fields{{
    {"name", read_name, "a forward output needs a \"name\" (it names its queue), e.g. \"central\""},
    {"protocol", read_protocol},
    {"targets", read_targets, "a forward output needs \"targets\": [\"host:port\", ...]"},
    {"tls", read_tls},
    {"queue", read_queue},
    {"facility", read_facility},
    {"min_level", read_min_level},
    {"sd_id", read_sd_id},
    {"match", read_match},
    {"exclude", read_exclude},
}};

bool finish_forward(checker& c, const std::string& at, output_config& out, bool ok) {
    auto& f = out.forward;
    if (f.name.empty()) return ok;
    if (const auto first = c.claim(c.forward_names, f.name, at); !first.empty()) {
        c.fail(member_path(at, "name"), "\"" + f.name + "\" names " + first + " too; forward outputs need names of their own");
        return false;
    }
    if (f.queue.path.empty()) f.queue.path = c.resolve(std::filesystem::path("queue") / f.name);
    const auto folder = f.queue.path.generic_u8string();
    std::string id(folder.begin(), folder.end());
    if constexpr (on_windows) id = to_lower(id);
    if (const auto first = c.claim(c.file_paths, id, at); !first.empty()) {
        c.fail(member_path(at, "queue"), "its queue folder is used by " + first + " too");
        return false;
    }
    return ok;
}

} // namespace slotlog::config_check
