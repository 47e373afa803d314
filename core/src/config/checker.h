// the configuration checker: reads values against the schema tables and
// collects every problem with its json path (never just the first), so that
// `check-config` tells an administrator everything that is wrong in one go
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/config.h>

#include "config/messages.h"

namespace slotlog::config_check {

class checker;

// one key of a section or of a kind of input or output
template <class T>
struct field {
    std::string_view key;
    // reads the value into `out`; false (with the problem reported) if it is wrong
    bool (*read)(checker&, const json& value, const std::string& at, T& out);
    // if not empty the key is required, and this says why after "missing; "
    std::string_view missing = {};
};

enum class platforms { any, windows_only, posix_only };

// one type of input or output ("udp", "file") and the keys it takes
template <class T>
struct kind {
    std::string_view type;
    std::span<const field<T>> fields;
    platforms where = platforms::any;
    void (*defaults)(T&) = nullptr;      // what this type sets before its keys are read
};

// a list of elements of several kinds: "inputs", "outputs"
template <class T>
struct list_schema {
    std::string_view key;                // "inputs"
    std::string_view what;               // "input"
    std::string_view example;            // a minimal list, for messages
    std::span<const kind<T>> kinds;
    // after the keys: checks the element as a whole (two inputs of one endpoint)
    bool (*finish)(checker&, const std::string& at, T& element, bool ok) = nullptr;
};

// a kind's name and keys, without the readers: what messages about keys need
struct kind_keys {
    std::string_view type;
    std::vector<std::string_view> keys;  // "type" first
    platforms where = platforms::any;
};

class checker {
public:
    checker(std::string origin, const std::filesystem::path& base_dir);

    // the whole document; throws config_error listing every problem
    config run(std::string_view text);

    // ------------------------------------------------------------ problems
    void fail(std::string path, std::string message);
    void expected(const std::string& at, std::string_view what, const json& v);

    // ------------------------------------------------------------ values
    std::optional<std::string> string_value(const json& v, const std::string& at, std::string_view what = "a string");
    std::optional<std::string> non_empty_string(const json& v, const std::string& at, std::string_view what);
    std::optional<std::uint64_t> integer_value(const json& v, const std::string& at, std::uint64_t min,
                                               std::uint64_t max);
    std::optional<std::uint64_t> size_value(const json& v, const std::string& at, std::uint64_t min,
                                            std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
    // a number of bytes or "10MiB", unchecked against limits
    std::optional<std::uint64_t> size_of(const json& v, const std::string& at);
    std::optional<std::string> enum_value(const json& v, const std::string& at, std::span<const std::string_view> names,
                                          std::string_view what);
    std::optional<level> level_value(const json& v, const std::string& at);
    // "30d", "12h", "15m", "90s" or 0, at most `max`
    std::optional<std::chrono::seconds> duration_value(const json& v, const std::string& at, std::chrono::seconds max);
    std::optional<bool> bool_value(const json& v, const std::string& at);
    // absolute and lexically normal; relative paths against the base folder
    std::optional<std::filesystem::path> path_value(const json& v, const std::string& at, std::string_view what);
    // like path_value, and the file must exist and be readable
    std::optional<std::filesystem::path> readable_file(const json& v, const std::string& at, std::string_view what);
    // a path made absolute and normal against the base folder
    std::filesystem::path resolve(std::filesystem::path p) const;

    // ------------------------------------------------------------ objects
    // reports keys outside `allowed`; keys that belong to another kind say so
    void check_keys(const json& obj, const std::string& at, std::span<const std::string_view> allowed,
                    const kind_keys* k = nullptr, std::span<const kind_keys> kinds = {}, std::string_view what = {});

    // reads every field present (and reports the required ones missing)
    template <class T>
    bool read_fields(const json& obj, const std::string& at, std::span<const field<T>> fields, T& out,
                     bool required = true) {
        bool ok = true;
        for (const auto& f : fields) {
            const auto it = obj.find(f.key);
            if (it != obj.end()) {
                ok = f.read(*this, *it, member_path(at, f.key), out) && ok;
            } else if (required && !f.missing.empty()) {
                fail(member_path(at, f.key), "missing; " + std::string(f.missing));
                ok = false;
            }
        }
        return ok;
    }

    // a section: an object of known keys; false if anything in it is wrong
    template <class T>
    bool read_section(const json& v, const std::string& at, std::span<const field<T>> fields, std::string_view example,
                      T& out) {
        if (!v.is_object()) {
            expected(at, "an object such as " + std::string(example), v);
            return false;
        }
        std::vector<std::string_view> keys;
        for (const auto& f : fields) keys.push_back(f.key);
        const auto known = problems_.size();
        check_keys(v, at, keys);
        return read_fields(v, at, fields, out) && problems_.size() == known;
    }

    // the parent's list of elements of several kinds (required), each added
    // to `out` if it is right
    template <class T>
    void read_list(const json& parent, const list_schema<T>& schema, std::vector<T>& out) {
        const std::string key(schema.key);
        const auto at_least_one =
            "at least one " + std::string(schema.what) + " is required, e.g. " + std::string(schema.example);
        const auto it = parent.find(key);
        if (it == parent.end()) {
            fail(key, "missing; " + at_least_one);
        } else if (!it->is_array()) {
            expected(key, "an array of " + std::string(schema.what) + "s such as " + std::string(schema.example), *it);
        } else if (it->empty()) {
            fail(key, "empty; " + at_least_one);
        } else {
            for (std::size_t i = 0; i < it->size(); ++i) {
                auto element = read_element(it->at(i), element_path(key, i), schema);
                if (element) out.push_back(std::move(*element));
            }
        }
    }

    // ------------------------------------------------------------ state
    // the json path of the element that first claimed `id`, or empty (and `at` claims it)
    std::string claim(std::map<std::string, std::string>& claims, const std::string& id, const std::string& at);
    std::map<std::string, std::string> endpoints;   // input endpoint -> json path of the first input
    std::map<std::string, std::string> file_paths;  // normalised file path -> json path of the first output
    std::map<std::string, std::string> forward_names;  // forward output name -> json path of the first

private:
    template <class T>
    std::optional<T> read_element(const json& v, const std::string& at, const list_schema<T>& schema) {
        if (!v.is_object()) {
            expected(at, "an " + std::string(schema.what) + " object such as " + element_example(schema.example), v);
            return std::nullopt;
        }
        std::vector<kind_keys> kinds;
        for (const auto& k : schema.kinds) kinds.push_back(keys_of(k));
        const auto index = check_type(v, at, kinds, schema.what);
        T out;
        bool ok = index < kinds.size();
        if (ok) {
            const auto& k = schema.kinds[index];
            check_keys(v, at, kinds[index].keys, &kinds[index], kinds, schema.what);
            out.type = k.type;
            if (k.defaults) k.defaults(out);
            ok = read_fields(v, at, k.fields, out);
        } else {
            // an element of unknown type: its other keys are still checked
            const auto fields = all_fields(schema.kinds);
            check_keys(v, at, keys_of_fields(fields));
            read_fields<T>(v, at, fields, out, false);
        }
        if (schema.finish) ok = schema.finish(*this, at, out, ok);
        if (!ok) return std::nullopt;
        return out;
    }

    template <class T>
    static kind_keys keys_of(const kind<T>& k) {
        kind_keys out{k.type, {"type"}, k.where};
        for (const auto& f : k.fields) out.keys.push_back(f.key);
        return out;
    }

    // the first field of each key over all kinds
    template <class T>
    static std::vector<field<T>> all_fields(std::span<const kind<T>> kinds) {
        std::vector<field<T>> out;
        for (const auto& k : kinds) {
            for (const auto& f : k.fields) {
                const bool known = std::any_of(out.begin(), out.end(), [&](const field<T>& o) { return o.key == f.key; });
                if (!known) out.push_back(f);
            }
        }
        return out;
    }

    template <class T>
    static std::vector<std::string_view> keys_of_fields(const std::vector<field<T>>& fields) {
        std::vector<std::string_view> out{"type"};
        for (const auto& f : fields) out.push_back(f.key);
        return out;
    }

    // [{"type": "file", ...}] -> {"type": "file", ...}
    static std::string element_example(std::string_view list_example);
    // the index of the element's kind, or kinds.size(); platform-only types
    // are reported but still returned so that the rest is checked too
    std::size_t check_type(const json& obj, const std::string& at, std::span<const kind_keys> kinds,
                           std::string_view what);
    void check_root(const json& doc);

    std::string origin_;
    std::filesystem::path base_;
    std::vector<config_problem> problems_;
    config cfg_;
};

} // namespace slotlog::config_check
