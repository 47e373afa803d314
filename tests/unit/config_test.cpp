// configuration: the schema, every kind of problem with its json path, sizes,
// paths, syntax errors and the embedded default

#include <slotlog/config.h>
#include <slotlog/platform.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace slotlog;

namespace {

// where relative paths of parse_config tests resolve; it need not exist
fs::path test_base() {
    return (fs::temp_directory_path() / "slotlog-config-base").lexically_normal();
}

std::string utf8(const fs::path& p) {
    const auto u = p.u8string();
    return std::string(u.begin(), u.end());
}

// a path as a json string literal (windows paths have backslashes)
std::string json_string(const fs::path& p) {
    std::string out = "\"";
    for (char c : utf8(p)) {
        if (c == '\\' || c == '"') out += '\\';
        out += c;
    }
    return out + "\"";
}

config parse(std::string_view text, const fs::path& base = test_base()) {
    return parse_config(text, "test.json", base);
}

std::string dump(const std::vector<config_problem>& problems) {
    std::string out;
    for (const auto& p : problems) out += "  " + p.to_string() + "\n";
    return out;
}

// the problems of a configuration that must be invalid
std::vector<config_problem> problems_of(std::string_view text, const fs::path& base = test_base()) {
    try {
        parse(text, base);
    } catch (const config_error& e) {
        return e.problems();
    }
    ADD_FAILURE() << "expected a config_error for:\n" << text;
    return {};
}

::testing::AssertionResult has_problem(const std::vector<config_problem>& problems, std::string_view path,
                                       std::string_view text) {
    for (const auto& p : problems) {
        if (p.path == path && p.message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no problem at '" << path << "' containing '" << text << "'; got:\n"
                                         << dump(problems);
}

// exactly one problem, at `path`, saying `text`
::testing::AssertionResult only_problem(std::string_view json_text, std::string_view path, std::string_view text) {
    const auto problems = problems_of(json_text);
    if (problems.size() != 1) {
        return ::testing::AssertionFailure() << "expected exactly one problem, got " << problems.size() << ":\n"
                                             << dump(problems);
    }
    return has_problem(problems, path, text);
}

// a valid document with the given outputs (json array elements)
std::string with_outputs(std::string_view outputs) {
    return R"({"inputs": [{"type": "mailslot", "name": "logger"}], "outputs": [)" + std::string(outputs) + "]}";
}

// a valid document with the given inputs
std::string with_inputs(std::string_view inputs) {
    return R"({"inputs": [)" + std::string(inputs) + R"(], "outputs": [{"type": "console"}]})";
}

// with a valid minimal document around a top-level member
std::string with_member(std::string_view member) {
    return R"({"inputs": [{"type": "mailslot", "name": "logger"}], "outputs": [{"type": "console"}], )" +
           std::string(member) + "}";
}

// a fresh folder, removed afterwards
class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = fs::temp_directory_path() /
                ("slotlog-config-test-" + std::to_string(stamp) + "-" + std::to_string(counter++));
        fs::create_directories(path_);
        path_ = fs::canonical(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const fs::path& path() const { return path_; }

    fs::path write(const fs::path& name, std::string_view text) const {
        const auto file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        return file;
    }

private:
    fs::path path_;
};

constexpr std::string_view spec_example = R"({
  "inputs": [
    {"type": "mailslot", "name": "logger"},
    {"type": "udp", "bind": "127.0.0.1:5514"}
  ],
  "outputs": [
    {"type": "file", "path": "logs/slotlog.log", "max_size": "10MiB", "max_files": 10,
     "format": "text", "min_level": "trace"},
    {"type": "eventlog", "source": "slotlog", "min_level": "warning"},
    {"type": "console", "min_level": "info"}
  ],
  "control": {"key_file": "control.key", "allow_plain_stop": false}
})";

} // namespace

// ------------------------------------------------------------------ the spec

TEST(config, spec_example_is_valid_on_windows_only) {
    if constexpr (on_windows) {
        const auto c = parse(spec_example);
        ASSERT_EQ(c.inputs.size(), 2u);
        ASSERT_EQ(c.outputs.size(), 3u);
        EXPECT_EQ(c.outputs[1].type, "eventlog");
        EXPECT_EQ(c.outputs[1].source, "slotlog");
        EXPECT_EQ(c.outputs[1].min_level, level::warning);
    } else {
        // the one problem: an event log does not exist here
        EXPECT_TRUE(only_problem(spec_example, "outputs[1].type", "'eventlog' outputs exist only on Windows"));
    }
}

TEST(config, spec_example_without_eventlog) {
    std::string text(spec_example);
    const auto at = text.find(R"({"type": "eventlog")");
    ASSERT_NE(at, std::string::npos);
    text.erase(at, text.find('\n', at) - at + 1);

    const auto c = parse(text);
    EXPECT_EQ(c.origin, "test.json");
    ASSERT_EQ(c.inputs.size(), 2u);
    EXPECT_EQ(c.inputs[0].type, "mailslot");
    EXPECT_EQ(c.inputs[0].name, "logger");
    EXPECT_EQ(c.inputs[0].key(), "mailslot:logger");
    EXPECT_EQ(c.inputs[0].max_message_size, 64u << 10);
    EXPECT_EQ(c.inputs[1].type, "udp");
    EXPECT_EQ(c.inputs[1].bind, "127.0.0.1:5514");
    EXPECT_EQ(c.inputs[1].key(), "udp:127.0.0.1:5514");
    EXPECT_EQ(c.inputs[1].recv_buffer, 8u << 20);

    ASSERT_EQ(c.outputs.size(), 2u);
    const auto& file = c.outputs[0];
    EXPECT_EQ(file.type, "file");
    EXPECT_EQ(file.path, (test_base() / "logs" / "slotlog.log").lexically_normal());
    EXPECT_TRUE(file.path.is_absolute());
    EXPECT_EQ(file.max_size, 10u << 20);
    EXPECT_EQ(file.max_files, 10u);
    EXPECT_EQ(file.format, line_format::text);
    EXPECT_EQ(file.min_level, level::trace);
    EXPECT_EQ(c.outputs[1].type, "console");
    EXPECT_EQ(c.outputs[1].min_level, level::info);

    EXPECT_EQ(c.control.key_file, (test_base() / "control.key").lexically_normal());
    EXPECT_FALSE(c.control.allow_plain_stop);
    EXPECT_EQ(c.queue_max_entries, 65536u);
}

TEST(config, every_key_of_the_schema) {
    const std::string platform_output = on_windows
        ? R"({"type": "eventlog", "source": "MyApp", "min_level": "error"})"
        : R"({"type": "syslog", "ident": "myapp", "facility": "local3", "min_level": "notice"})";
    const auto text = R"({
      "inputs": [
        {"type": "mailslot", "name": "\\\\.\\mailslot\\Billing", "max_message_size": "8KiB"},
        {"type": "udp", "bind": "[::1]:514", "recv_buffer": "2 MiB", "max_message_size": 65507, "readers": 2}
      ],
      "outputs": [
        {"type": "file", "path": "a.jsonl", "max_size": 2048, "max_files": 1000, "format": "json", "min_level": "WARN"},
        {"type": "console", "format": "json", "min_level": "debug"},
        )" + platform_output + R"(
      ],
      "control": {"key_file": "keys/control.key", "allow_plain_stop": true},
      "queue": {"max_entries": 16}
    })";
    const auto c = parse(text);
    ASSERT_EQ(c.inputs.size(), 2u);
    EXPECT_EQ(c.inputs[0].name, "\\\\.\\mailslot\\Billing");
    EXPECT_EQ(c.inputs[0].key(), "mailslot:billing");
    EXPECT_EQ(c.inputs[0].max_message_size, 8u << 10);
    EXPECT_EQ(c.inputs[1].key(), "udp:[::1]:514");
    EXPECT_EQ(c.inputs[1].recv_buffer, 2u << 20);
    EXPECT_EQ(c.inputs[1].max_message_size, 65507u);
    EXPECT_EQ(c.inputs[1].readers, 2u);
    EXPECT_EQ(c.inputs[0].readers, 1u);  // the default

    ASSERT_EQ(c.outputs.size(), 3u);
    EXPECT_EQ(c.outputs[0].path, (test_base() / "a.jsonl").lexically_normal());
    EXPECT_EQ(c.outputs[0].max_size, 2048u);
    EXPECT_EQ(c.outputs[0].max_files, 1000u);
    EXPECT_EQ(c.outputs[0].format, line_format::json);
    EXPECT_EQ(c.outputs[0].min_level, level::warning);
    EXPECT_EQ(c.outputs[1].format, line_format::json);
    EXPECT_EQ(c.outputs[1].min_level, level::debug);
    if constexpr (on_windows) {
        EXPECT_EQ(c.outputs[2].type, "eventlog");
        EXPECT_EQ(c.outputs[2].source, "MyApp");
        EXPECT_EQ(c.outputs[2].min_level, level::error);
    } else {
        EXPECT_EQ(c.outputs[2].type, "syslog");
        EXPECT_EQ(c.outputs[2].ident, "myapp");
        EXPECT_EQ(c.outputs[2].facility, "local3");
        EXPECT_EQ(c.outputs[2].min_level, level::notice);
    }
    EXPECT_EQ(c.control.key_file, (test_base() / "keys" / "control.key").lexically_normal());
    EXPECT_TRUE(c.control.allow_plain_stop);
    EXPECT_EQ(c.queue_max_entries, 16u);
}

TEST(config, platform_only_outputs) {
    const auto eventlog = with_outputs(R"({"type": "eventlog"})");
    const auto syslog = with_outputs(R"({"type": "syslog", "facility": "daemon"})");
    if constexpr (on_windows) {
        const auto c = parse(eventlog);
        ASSERT_EQ(c.outputs.size(), 1u);
        EXPECT_EQ(c.outputs[0].source, "slotlog");
        EXPECT_TRUE(only_problem(syslog, "outputs[0].type", "'syslog' outputs exist only on POSIX"));
    } else {
        const auto c = parse(syslog);
        ASSERT_EQ(c.outputs.size(), 1u);
        EXPECT_EQ(c.outputs[0].facility, "daemon");
        EXPECT_EQ(c.outputs[0].ident, "slotlog");
        EXPECT_TRUE(only_problem(eventlog, "outputs[0].type", "'eventlog' outputs exist only on Windows"));
    }
}

TEST(config, platform_only_outputs_are_still_checked) {
    // the wrong platform is one problem; a bad value inside is another
    const auto problems = problems_of(with_outputs(R"({"type": "eventlog", "source": ""},
                                                      {"type": "syslog", "facility": "local9"})"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].source", "must not be empty"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].facility", "unknown syslog facility \"local9\""));
    EXPECT_TRUE(has_problem(problems, on_windows ? "outputs[1].type" : "outputs[0].type", "exist only on"));
    EXPECT_EQ(problems.size(), 3u) << dump(problems);
}

TEST(config, default_min_levels) {
    const auto c = parse(with_outputs(R"({"type": "console"}, {"type": "file", "path": "x.log"})"));
    EXPECT_EQ(c.outputs[0].min_level, level::trace);
    EXPECT_EQ(c.outputs[1].min_level, level::trace);
    EXPECT_EQ(c.outputs[1].max_size, 10u << 20);
    EXPECT_EQ(c.outputs[1].max_files, 10u);
    if constexpr (on_windows) {
        // the event log gets what an administrator must see unless told otherwise
        const auto e = parse(with_outputs(R"({"type": "eventlog"})"));
        EXPECT_EQ(e.outputs[0].min_level, level::warning);
    }
}

// ------------------------------------------------------------------ the embedded default

TEST(config, embedded_default_serve) {
    const auto base = test_base();
    const auto c = default_config(run_mode::serve, base);
    EXPECT_EQ(c.origin, "<embedded default>");
    ASSERT_EQ(c.inputs.size(), 1u);
    EXPECT_EQ(c.inputs[0].type, "mailslot");
    EXPECT_EQ(c.inputs[0].name, "logger");
    EXPECT_EQ(c.inputs[0].key(), "mailslot:logger");

    ASSERT_EQ(c.outputs.size(), on_windows ? 3u : 2u);
    const auto& file = c.outputs[0];
    EXPECT_EQ(file.type, "file");
    EXPECT_EQ(file.path, (base / "logs" / "slotlog.log").lexically_normal());
    EXPECT_EQ(file.max_size, 10u << 20);
    EXPECT_EQ(file.max_files, 10u);
    EXPECT_EQ(file.format, line_format::text);
    EXPECT_EQ(file.min_level, level::trace);
    EXPECT_EQ(c.outputs[1].type, "console");
    EXPECT_EQ(c.outputs[1].min_level, level::info);
    if constexpr (on_windows) {
        EXPECT_EQ(c.outputs[2].type, "eventlog");
        EXPECT_EQ(c.outputs[2].source, "slotlog");
        EXPECT_EQ(c.outputs[2].min_level, level::warning);
    }
    EXPECT_TRUE(c.control.key_file.empty());
    EXPECT_FALSE(c.control.allow_plain_stop);
    EXPECT_EQ(c.queue_max_entries, 65536u);
}

TEST(config, embedded_default_service_has_no_console) {
    temp_dir dir;
    const auto c = default_config(run_mode::service, dir.path());
    ASSERT_EQ(c.outputs.size(), on_windows ? 2u : 1u);
    EXPECT_EQ(c.outputs[0].path, dir.path() / "logs" / "slotlog.log");
    for (const auto& o : c.outputs) EXPECT_NE(o.type, "console");
    if constexpr (on_windows) {
        EXPECT_EQ(c.outputs[1].type, "eventlog");
    }
}

// ------------------------------------------------------------------ sizes

TEST(size, valid) {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    const struct {
        const char* text;
        std::uint64_t bytes;
    } cases[] = {
        {"0", 0},
        {"1", 1},
        {"4096", 4096},
        {"007", 7},
        {"1B", 1},
        {"10b", 10},
        {"1K", 1024},
        {"1KB", 1024},
        {"1kb", 1024},
        {"1KiB", 1024},
        {"1kib", 1024},
        {"512 KiB", 512u << 10},
        {"1M", 1u << 20},
        {"10MB", 10u << 20},
        {"10MiB", 10u << 20},
        {"10  mib", 10u << 20},
        {"3\tMiB", 3u << 20},
        {"1G", 1u << 30},
        {"1GB", 1u << 30},
        {"4GiB", 4ull << 30},
        {"18446744073709551615", max},
        {"18446744073709551615B", max},
        {"17179869183GiB", 17179869183ull << 30},
    };
    for (const auto& c : cases) {
        const auto got = parse_size(c.text);
        ASSERT_TRUE(got.has_value()) << c.text;
        EXPECT_EQ(*got, c.bytes) << c.text;
    }
}

TEST(size, invalid) {
    const char* const cases[] = {
        "", " ", "-1", "+1", "1.5", "1.5MiB", "1,5M", "10XB", "MiB", "K", "1 ", " 1", "1TiB", "1KiBB",
        "1e3", "0x10", "1 2", "1_000", "1 K iB", "1Ki", "ten", "18446744073709551616", "99999999999999999999999",
        "17179869184GiB", "16777216TB",
    };
    for (const char* c : cases) EXPECT_FALSE(parse_size(c).has_value()) << '"' << c << '"';
    // an embedded NUL is not the end of the text
    EXPECT_FALSE(parse_size(std::string_view("10\0MiB", 6)).has_value());
}

TEST(config, sizes_in_the_file) {
    const auto size_of = [](std::string_view v) {
        return parse(with_outputs(R"({"type": "file", "path": "a.log", "max_size": )" + std::string(v) + "}"))
            .outputs[0].max_size;
    };
    EXPECT_EQ(size_of("1024"), 1024u);
    EXPECT_EQ(size_of("\"1K\""), 1024u);
    EXPECT_EQ(size_of("\"10MiB\""), 10u << 20);
    EXPECT_EQ(size_of("\"2 GiB\""), 2ull << 30);
    EXPECT_EQ(size_of("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());

    const auto bad = [](std::string_view v, std::string_view text) {
        return only_problem(with_outputs(R"({"type": "file", "path": "a.log", "max_size": )" + std::string(v) + "}"),
                            "outputs[0].max_size", text);
    };
    EXPECT_TRUE(bad("\"10XB\"", "invalid size \"10XB\": expected bytes or a number with a unit (B, KiB, MiB, GiB)"));
    EXPECT_TRUE(bad("\"\"", "invalid size \"\""));
    EXPECT_TRUE(bad("\"-1MiB\"", "invalid size \"-1MiB\""));
    EXPECT_TRUE(bad("-1", "invalid size -1: a size cannot be negative"));
    EXPECT_TRUE(bad("1.5", "invalid size 1.5: expected a whole number"));
    EXPECT_TRUE(bad("1e30", "expected a whole number"));
    EXPECT_TRUE(bad("99999999999999999999999", "expected a whole number"));
    EXPECT_TRUE(bad("\"99999999999999999999999\"", "invalid size"));
    EXPECT_TRUE(bad("true", "expected a size: a number of bytes or a string such as \"10MiB\", got true"));
    EXPECT_TRUE(bad("null", "got null"));
    EXPECT_TRUE(bad("[1]", "got an array"));
    EXPECT_TRUE(bad("1023", "size 1023 is too small: expected at least 1 KiB"));
    EXPECT_TRUE(bad("\"512B\"", "size \"512B\" is too small: expected at least 1 KiB"));
}

TEST(config, input_size_limits) {
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:514", "max_message_size": "1MiB"})"),
                             "inputs[0].max_message_size", "too large: expected at most 64 KiB"));
    EXPECT_EQ(parse(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:514", "max_message_size": "64KiB"})"))
                  .inputs[0].max_message_size,
              64u << 10);
    EXPECT_EQ(parse(with_inputs(R"({"type": "mailslot", "name": "x", "max_message_size": "1MiB"})"))
                  .inputs[0].max_message_size,
              1u << 20);
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "x", "max_message_size": "17MiB"})"),
                             "inputs[0].max_message_size", "at most 16 MiB"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "x", "max_message_size": 100})"),
                             "inputs[0].max_message_size", "at least 1 KiB"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:514", "recv_buffer": "2GiB"})"),
                             "inputs[0].recv_buffer", "at most 1 GiB"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:514", "readers": 0})"),
                             "inputs[0].readers", "an integer from 1 to 8"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "netbios", "slot": "logger", "readers": 9})"),
                             "inputs[0].readers", "an integer from 1 to 8"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:514", "readers": "two"})"),
                             "inputs[0].readers", "an integer from 1 to 8"));
    // the mailslot is read by one thread: readers is no key of it
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "x", "readers": 2})"), "inputs[0].readers",
                             "unknown"));
}

// ------------------------------------------------------------------ document shape

TEST(config, root_must_be_an_object) {
    EXPECT_TRUE(only_problem("[]", "", "expected a JSON object at the top level"));
    EXPECT_TRUE(only_problem("null", "", "got null"));
    EXPECT_TRUE(only_problem("\"inputs\"", "", "got \"inputs\""));
    EXPECT_TRUE(only_problem("42", "", "got 42"));
}

TEST(config, inputs_and_outputs_are_required) {
    const auto problems = problems_of("{}");
    EXPECT_TRUE(has_problem(problems, "inputs", "missing; at least one input is required"));
    EXPECT_TRUE(has_problem(problems, "outputs", "missing; at least one output is required"));
    EXPECT_EQ(problems.size(), 2u);

    const auto empty = problems_of(R"({"inputs": [], "outputs": {}})");
    EXPECT_TRUE(has_problem(empty, "inputs", "empty; at least one input is required"));
    EXPECT_TRUE(has_problem(empty, "outputs", "expected an array of outputs"));
    EXPECT_TRUE(has_problem(empty, "outputs", "got an object"));
    EXPECT_EQ(empty.size(), 2u);
}

TEST(config, elements_must_be_objects_with_a_type) {
    const auto problems = problems_of(R"({"inputs": ["logger", {"name": "x"}, {"type": 7}],
                                          "outputs": [{"type": "fiel", "path": "a.log"}, {"type": "Console"}]})");
    EXPECT_TRUE(has_problem(problems, "inputs[0]", "expected an input object such as"));
    EXPECT_TRUE(has_problem(problems, "inputs[0]", "got \"logger\""));
    EXPECT_TRUE(has_problem(problems, "inputs[1].type", "missing; every input needs a \"type\": mailslot, udp or netbios"));
    EXPECT_TRUE(has_problem(problems, "inputs[2].type", "expected a string: mailslot, udp or netbios, got 7"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].type",
                            "unknown output type \"fiel\" (did you mean \"file\"?); expected file, console, syslog, eventlog or forward"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].type", "(did you mean \"console\"?)"));
    EXPECT_EQ(problems.size(), 5u) << dump(problems);
}

TEST(config, unknown_keys_with_did_you_mean) {
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "fromat": "json"})"), "outputs[0].fromat",
                             "unknown key (did you mean \"format\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "a", "max-size": 4096})"),
                             "outputs[0].max-size", "unknown key (did you mean \"max_size\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "a", "max_file": 3})"), "outputs[0].max_file",
                             "(did you mean \"max_files\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "level": "info"})"), "outputs[0].level",
                             "(did you mean \"min_level\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "Format": "json"})"), "outputs[0].Format",
                             "(did you mean \"format\"?)"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "nmae": "logger", "name": "x"})"), "inputs[0].nmae",
                             "(did you mean \"name\"?)"));
    EXPECT_TRUE(only_problem(with_member(R"("contrl": {})"), "contrl", "unknown key (did you mean \"control\"?)"));
    EXPECT_TRUE(only_problem(with_member(R"("control": {"allow_plain_stpo": true})"), "control.allow_plain_stpo",
                             "(did you mean \"allow_plain_stop\"?)"));
    EXPECT_TRUE(only_problem(with_member(R"("queue": {"max_entry": 100})"), "queue.max_entry",
                             "(did you mean \"max_entries\"?)"));
}

TEST(config, unknown_keys_without_a_close_match_list_the_valid_ones) {
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "colour": true})"), "outputs[0].colour",
                             "unknown key; expected type, format, min_level, match or exclude"));
    EXPECT_TRUE(only_problem(with_member(R"("logging": 1)"), "logging",
                             "unknown key; expected inputs, outputs, control, queue, dedup or stats"));
    // keys that json allows but a path cannot show plainly
    EXPECT_TRUE(only_problem(with_member(R"("a b": 1)"), R"(["a b"])", "unknown key"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "": 1})"), R"(outputs[0][""])", "unknown key"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "a\nb": 1})"), R"(outputs[0]["a\nb"])", "unknown key"));
}

TEST(config, keys_of_another_type) {
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "max_size": "1MiB"})"), "outputs[0].max_size",
                             "unknown key: console outputs have no \"max_size\" (only file outputs do)"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "x", "bind": "0.0.0.0:1"})"),
                             "inputs[0].bind", "mailslot inputs have no \"bind\" (only udp inputs and netbios inputs do)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "a", "min_level": "info", "source": "x"})"),
                             "outputs[0].source", "file outputs have no \"source\" (only eventlog outputs do)"));
}

TEST(config, elements_of_unknown_type_are_still_checked) {
    const auto problems = problems_of(with_outputs(R"({"type": "flie", "max_size": "big", "colour": 1})"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].type", "unknown output type"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].max_size", "invalid size \"big\""));
    EXPECT_TRUE(has_problem(problems, "outputs[0].colour", "unknown key"));
    EXPECT_EQ(problems.size(), 3u) << dump(problems);
}

TEST(config, duplicate_keys_in_the_text) {
    EXPECT_TRUE(only_problem(R"({"inputs": [{"type": "mailslot", "name": "a"}], "outputs": [{"type": "console"}],
                                 "inputs": [{"type": "mailslot", "name": "b"}]})",
                             "inputs", "duplicate key"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console"}, {"type": "file", "path": "a", "path": "b"})"),
                             "outputs[1].path", "duplicate key"));
}

// ------------------------------------------------------------------ inputs

TEST(config, mailslot_names) {
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot"})"), "inputs[0].name",
                             "missing; a mailslot input needs the slot's name"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": ""})"), "inputs[0].name", "must not be empty"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": 3})"), "inputs[0].name",
                             "expected a slot name such as \"logger\", got 3"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "\\\\*\\mailslot\\logger"})"),
                             "inputs[0].name", "the collector can only read a local slot"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "\\\\*\\mailslot\\logger"})"),
                             "inputs[0].name", "use \"logger\" instead"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "\\\\WEB01\\mailslot\\logger"})"),
                             "inputs[0].name", "the collector can only read a local slot"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "mailslot", "name": "\\\\.\\pipe\\logger"})"),
                             "inputs[0].name", "invalid slot name \"\\\\\\\\.\\\\pipe\\\\logger\": "));
    const auto c = parse(with_inputs(R"({"type": "mailslot", "name": "\\\\.\\MailSlot\\Logger"})"));
    EXPECT_EQ(c.inputs[0].key(), "mailslot:logger");
}

TEST(config, udp_binds) {
    const char* const valid[][2] = {
        {"127.0.0.1:5514", "udp:127.0.0.1:5514"},
        {"0.0.0.0:1", "udp:0.0.0.0:1"},
        {"LocalHost:65535", "udp:localhost:65535"},
        {"127.0.0.1:05514", "udp:127.0.0.1:5514"},
        {"[::1]:5514", "udp:[::1]:5514"},
        {"[::]:514", "udp:[::]:514"},
        {"[FE80::1%eth0]:514", "udp:[fe80::1%eth0]:514"},
    };
    for (const auto& v : valid) {
        const auto c = parse(with_inputs(R"({"type": "udp", "bind": ")" + std::string(v[0]) + "\"}"));
        ASSERT_EQ(c.inputs.size(), 1u);
        EXPECT_EQ(c.inputs[0].bind, v[0]);
        EXPECT_EQ(c.inputs[0].key(), v[1]);
    }
    const char* const invalid[][2] = {
        {"127.0.0.1", "missing the port"},
        {"127.0.0.1:", "the port must be a number from 1 to 65535"},
        {"127.0.0.1:0", "the port must be a number from 1 to 65535"},
        {"127.0.0.1:65536", "the port must be a number from 1 to 65535"},
        {"127.0.0.1:999999", "the port must be a number from 1 to 65535"},
        {"127.0.0.1:-1", "the port must be"},
        {"host:http", "the port must be"},
        {":5514", "missing the host"},
        {"::1:5514", "an IPv6 address needs brackets"},
        {"[::1]5514", "missing the port"},
        {"[::1", "missing ']'"},
        {"[zz]:514", "not an IPv6 address"},
        {"[]:514", "not an IPv6 address"},
        {"a b:514", "the host must be"},
    };
    for (const auto& v : invalid) {
        EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": ")" + std::string(v[0]) + "\"}"),
                                 "inputs[0].bind", "invalid bind address \"" + std::string(v[0]) + "\": " + v[1]));
    }
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp"})"), "inputs[0].bind", "missing; a udp input needs"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "udp", "bind": 5514})"), "inputs[0].bind", "got 5514"));
}

TEST(config, the_same_input_twice) {
    auto problems = problems_of(with_inputs(R"({"type": "mailslot", "name": "logger"},
                                              {"type": "mailslot", "name": "\\\\.\\mailslot\\LOGGER"})"));
    EXPECT_TRUE(has_problem(problems, "inputs[1].name", "reads the same endpoint (mailslot:logger) as inputs[0]"));
    EXPECT_EQ(problems.size(), 1u);

    problems = problems_of(with_inputs(R"({"type": "udp", "bind": "127.0.0.1:514"}, {"type": "mailslot", "name": "x"},
                                         {"type": "udp", "bind": "127.0.0.1:0514"})"));
    EXPECT_TRUE(has_problem(problems, "inputs[2].bind", "(udp:127.0.0.1:514) as inputs[0]"));
    EXPECT_EQ(problems.size(), 1u);

    // a different port or slot is another endpoint
    EXPECT_EQ(parse(with_inputs(R"({"type": "udp", "bind": "127.0.0.1:514"}, {"type": "udp", "bind": "127.0.0.1:515"},
                                  {"type": "mailslot", "name": "a"}, {"type": "mailslot", "name": "b"})"))
                  .inputs.size(),
              4u);
}

TEST(config, input_keys) {
    input_config in;
    in.type = "mailslot";
    in.name = "\\\\.\\mailslot\\Logger";
    EXPECT_EQ(in.key(), "mailslot:logger");
    in.name = "Logger";
    EXPECT_EQ(in.key(), "mailslot:logger");
    input_config udp;
    udp.type = "udp";
    udp.bind = "LOCALHOST:514";
    EXPECT_EQ(udp.key(), "udp:localhost:514");
    udp.bind = "[::1]:514";
    EXPECT_EQ(udp.key(), "udp:[::1]:514");
}

// ------------------------------------------------------------------ outputs

TEST(config, file_outputs) {
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file"})"), "outputs[0].path",
                             "missing; a file output needs a \"path\""));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": ""})"), "outputs[0].path", "must not be empty"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "logs/"})"), "outputs[0].path",
                             "invalid path \"logs/\": names a folder"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "logs/.."})"), "outputs[0].path", "names a folder"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": ["a"]})"), "outputs[0].path",
                             "expected a file path such as \"logs/slotlog.log\" or \"logs/{host}/{app}.log\", got an array"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "a\u0000b"})"), "outputs[0].path",
                             "must not contain a NUL character"));
}

TEST(config, max_files) {
    const auto at = [](std::string_view v) {
        return with_outputs(R"({"type": "file", "path": "a", "max_files": )" + std::string(v) + "}");
    };
    EXPECT_EQ(parse(at("1")).outputs[0].max_files, 1u);
    EXPECT_EQ(parse(at("1000")).outputs[0].max_files, 1000u);
    EXPECT_TRUE(only_problem(at("0"), "outputs[0].max_files", "out of range: expected an integer from 1 to 1000, got 0"));
    EXPECT_TRUE(only_problem(at("1001"), "outputs[0].max_files", "out of range"));
    EXPECT_TRUE(only_problem(at("-1"), "outputs[0].max_files", "out of range: expected an integer from 1 to 1000, got -1"));
    EXPECT_TRUE(only_problem(at("2.5"), "outputs[0].max_files", "expected an integer from 1 to 1000, got 2.5"));
    EXPECT_TRUE(only_problem(at("10.0"), "outputs[0].max_files", "expected an integer"));
    EXPECT_TRUE(only_problem(at("\"10\""), "outputs[0].max_files", "got \"10\""));
    // nlohmann rejects a number beyond double while parsing
    EXPECT_TRUE(only_problem(at("1e400"), "", "number overflow parsing '1e400'"));
    EXPECT_TRUE(only_problem(at("18446744073709551616"), "outputs[0].max_files", "expected an integer"));
    EXPECT_TRUE(only_problem(at("-9223372036854775809"), "outputs[0].max_files", "expected an integer"));
}

TEST(config, compress_max_age_and_max_total_size) {
    const auto at = [](std::string_view key, std::string_view v) {
        return with_outputs(R"({"type": "file", "path": "a", ")" + std::string(key) + "\": " + std::string(v) + "}");
    };
    const auto plain = parse(with_outputs(R"({"type": "file", "path": "a"})")).outputs[0];
    EXPECT_EQ(plain.compress, slotlog::file_compression::none);
    EXPECT_EQ(plain.max_age, std::chrono::seconds(0));
    EXPECT_EQ(plain.max_total_size, 0u);

    EXPECT_EQ(parse(at("compress", "\"gzip\"")).outputs[0].compress, slotlog::file_compression::gzip);
    EXPECT_EQ(parse(at("compress", "\"none\"")).outputs[0].compress, slotlog::file_compression::none);
    EXPECT_TRUE(only_problem(at("compress", "\"lz4\""), "outputs[0].compress",
                             "unknown compression \"lz4\"; expected gzip or none"));
    EXPECT_TRUE(only_problem(at("compress", "\"gzp\""), "outputs[0].compress", "(did you mean \"gzip\"?)"));
    EXPECT_TRUE(only_problem(at("compress", "true"), "outputs[0].compress", "expected a string: gzip or none"));

    EXPECT_EQ(parse(at("max_age", "\"30d\"")).outputs[0].max_age, std::chrono::hours(30 * 24));
    EXPECT_EQ(parse(at("max_age", "\"90s\"")).outputs[0].max_age, std::chrono::seconds(90));
    EXPECT_EQ(parse(at("max_age", "\"0\"")).outputs[0].max_age, std::chrono::seconds(0));
    EXPECT_EQ(parse(at("max_age", "0")).outputs[0].max_age, std::chrono::seconds(0));
    EXPECT_TRUE(only_problem(at("max_age", "\"30 days\""), "outputs[0].max_age", "invalid duration \"30 days\""));
    EXPECT_TRUE(only_problem(at("max_age", "30"), "outputs[0].max_age", "expected a duration such as \"30d\""));
    EXPECT_TRUE(only_problem(at("max_age", "\"40000d\""), "outputs[0].max_age", "too long"));

    EXPECT_EQ(parse(at("max_total_size", "\"1GiB\"")).outputs[0].max_total_size, 1ull << 30);
    EXPECT_EQ(parse(at("max_total_size", "0")).outputs[0].max_total_size, 0u);
    EXPECT_TRUE(only_problem(at("max_total_size", "\"1XB\""), "outputs[0].max_total_size", "invalid size \"1XB\""));
    EXPECT_TRUE(only_problem(at("max_total_size", "-1"), "outputs[0].max_total_size", "cannot be negative"));

    // file outputs only
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "compress": "gzip"})"), "outputs[0].compress", ""));
}

TEST(config, formats_levels_and_facilities) {
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "format": "xml"})"), "outputs[0].format",
                             "unknown format \"xml\"; expected text or json"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "format": "jsno"})"), "outputs[0].format",
                             "(did you mean \"json\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "format": 1})"), "outputs[0].format",
                             "expected a string: text or json, got 1"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "min_level": "verbose"})"), "outputs[0].min_level",
                             "unknown level \"verbose\"; expected trace, debug, info, notice, warning, error or critical"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "min_level": "warnig"})"), "outputs[0].min_level",
                             "unknown level \"warnig\" (did you mean \"warning\"?)"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "console", "min_level": 4})"), "outputs[0].min_level",
                             "expected a level name"));
    EXPECT_EQ(parse(with_outputs(R"({"type": "console", "min_level": "Fatal"})")).outputs[0].min_level, level::critical);

    const auto problems = problems_of(with_outputs(R"({"type": "syslog", "facility": "local8", "ident": ""})"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].facility", "unknown syslog facility \"local8\""));
    EXPECT_TRUE(has_problem(problems, "outputs[0].facility", "kern, user, mail"));
    EXPECT_TRUE(has_problem(problems, "outputs[0].ident", "must not be empty"));
    EXPECT_EQ(problems.size(), on_windows ? 3u : 2u) << dump(problems);
}

TEST(config, the_same_file_twice) {
    const auto problems = problems_of(with_outputs(R"({"type": "file", "path": "logs/a.log"},
                                                     {"type": "console"},
                                                     {"type": "file", "path": "./x/../logs//a.log"})"));
    EXPECT_TRUE(has_problem(problems, "outputs[2].path", "writes the same file as outputs[0]"));
    EXPECT_EQ(problems.size(), 1u) << dump(problems);

    // absolute and relative spellings of one file
    const auto abs = test_base() / "logs" / "a.log";
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "logs/a.log"},
                                            {"type": "file", "path": )" + json_string(abs) + "}"),
                             "outputs[1].path", "writes the same file as outputs[0]"));
    if constexpr (on_windows) {
        EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "logs/a.log"},
                                                {"type": "file", "path": "LOGS\\A.LOG"})"),
                                 "outputs[1].path", "writes the same file"));
    }
}

// ------------------------------------------------------------------ control and queue

TEST(config, control_and_queue) {
    EXPECT_TRUE(only_problem(with_member(R"("control": {"allow_plain_stop": "yes"})"), "control.allow_plain_stop",
                             "expected true or false, got \"yes\""));
    EXPECT_TRUE(only_problem(with_member(R"("control": {"key_file": 1})"), "control.key_file", "got 1"));
    EXPECT_TRUE(only_problem(with_member(R"("control": {"key_file": ""})"), "control.key_file", "must not be empty"));
    EXPECT_TRUE(only_problem(with_member(R"("control": true)"), "control", "expected an object"));
    EXPECT_TRUE(only_problem(with_member(R"("queue": [])"), "queue", "expected an object"));
    EXPECT_TRUE(only_problem(with_member(R"("queue": {"max_entries": 15})"), "queue.max_entries",
                             "out of range: expected an integer from 16 to 16777216, got 15"));
    EXPECT_TRUE(only_problem(with_member(R"("queue": {"max_entries": 16777217})"), "queue.max_entries", "out of range"));
    EXPECT_TRUE(only_problem(with_member(R"("queue": {"max_entries": "64K"})"), "queue.max_entries",
                             "expected an integer"));
    EXPECT_EQ(parse(with_member(R"("queue": {"max_entries": 16777216})")).queue_max_entries, 16777216u);
    EXPECT_EQ(parse(with_member(R"("queue": {})")).queue_max_entries, 65536u);
}

// ------------------------------------------------------------------ many problems at once

TEST(config, every_problem_is_reported) {
    const auto text = R"({
      "inputs": [{"type": "mailslot", "name": "\\\\*\\mailslot\\logger"}, {"type": "udp", "bind": "localhost"}],
      "outputs": [
        {"type": "file", "path": "a.log", "max_size": "10XB", "max_files": 0},
        {"type": "console", "colour": true, "min_level": "loud"}
      ],
      "control": {"allow_plain_stop": 1},
      "queue": {"max_entries": 1.5},
      "extra": null
    })";
    try {
        parse_config(text, "conf/slotlog.json", test_base());
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        const auto& p = e.problems();
        EXPECT_TRUE(has_problem(p, "inputs[0].name", "local slot"));
        EXPECT_TRUE(has_problem(p, "inputs[1].bind", "missing the port"));
        EXPECT_TRUE(has_problem(p, "outputs[0].max_size",
                                "invalid size \"10XB\": expected bytes or a number with a unit (B, KiB, MiB, GiB)"));
        EXPECT_TRUE(has_problem(p, "outputs[0].max_files", "out of range"));
        EXPECT_TRUE(has_problem(p, "outputs[1].colour", "unknown key"));
        EXPECT_TRUE(has_problem(p, "outputs[1].min_level", "unknown level \"loud\""));
        EXPECT_TRUE(has_problem(p, "control.allow_plain_stop", "expected true or false, got 1"));
        EXPECT_TRUE(has_problem(p, "queue.max_entries", "got 1.5"));
        EXPECT_TRUE(has_problem(p, "extra", "unknown key"));
        ASSERT_EQ(p.size(), 9u) << dump(p);

        // what() is one line per problem: "file: path: message"
        std::string expected;
        for (const auto& problem : p) {
            EXPECT_EQ(problem.file, "conf/slotlog.json");
            expected += (expected.empty() ? "" : "\n") + problem.to_string();
        }
        EXPECT_EQ(std::string(e.what()), expected);
    }
}

TEST(config, null_everywhere) {
    const auto problems = problems_of(R"({"inputs": [null, {"type": null, "name": null}], "outputs": [null],
                                          "control": {"key_file": null, "allow_plain_stop": null},
                                          "queue": null})");
    EXPECT_TRUE(has_problem(problems, "inputs[0]", "got null"));
    EXPECT_TRUE(has_problem(problems, "inputs[1].type", "got null"));
    EXPECT_TRUE(has_problem(problems, "inputs[1].name", "got null"));
    EXPECT_TRUE(has_problem(problems, "outputs[0]", "got null"));
    EXPECT_TRUE(has_problem(problems, "control.key_file", "got null"));
    EXPECT_TRUE(has_problem(problems, "control.allow_plain_stop", "got null"));
    EXPECT_TRUE(has_problem(problems, "queue", "got null"));
    EXPECT_EQ(problems.size(), 7u) << dump(problems);
}

TEST(config, hostile_documents_do_not_crash) {
    constexpr std::size_t depth = 200000;
    const std::string deep_array = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_TRUE(only_problem(deep_array, "", "got an array"));

    std::string deep_objects;
    for (std::size_t i = 0; i < depth; ++i) deep_objects += R"({"a":)";
    deep_objects += "1" + std::string(depth, '}');
    EXPECT_TRUE(has_problem(problems_of(deep_objects), "a", "unknown key"));

    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "file", "path": "a", "max_size": )" + deep_array + "}"),
                             "outputs[0].max_size", "got an array"));
    // unterminated deep nesting is a syntax error, not a stack overflow
    EXPECT_TRUE(only_problem(std::string(depth, '['), "", "invalid JSON at line 1"));

    // a long value is cut in the message, not copied whole
    const std::string long_value(100000, 'x');
    const auto problems = problems_of(with_outputs(R"({"type": "console", "format": ")" + long_value + "\"}"));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_LT(problems[0].message.size(), 300u);
    EXPECT_NE(problems[0].message.find("xxx...\""), std::string::npos) << problems[0].message;

    // many unknown keys: each is reported
    std::string many = R"({"inputs": [{"type": "mailslot", "name": "a"}], "outputs": [{"type": "console"}])";
    for (int i = 0; i < 2000; ++i) many += ",\"k" + std::to_string(i) + "\": 1";
    many += "}";
    EXPECT_EQ(problems_of(many).size(), 2000u);
}

// ------------------------------------------------------------------ json syntax

TEST(config, syntax_errors_have_line_and_column) {
    EXPECT_TRUE(only_problem("{\n  \"inputs\": [}\n", "", "invalid JSON at line 2, column 14: "));
    EXPECT_TRUE(only_problem("{\r\n  ,}", "", "invalid JSON at line 2, column 3: "));
    // columns count characters, not bytes
    EXPECT_TRUE(only_problem("{\"\xC3\xA9\": 1,,}", "", "invalid JSON at line 1, column 9: "));
    EXPECT_TRUE(only_problem("{", "", "invalid JSON at line 1, column 2: "));
    EXPECT_TRUE(only_problem("{}\n}", "", "invalid JSON at line 2, column 1: "));
    EXPECT_TRUE(only_problem("{\"inputs\": tru}", "", "invalid JSON at line 1, column 15: syntax error while parsing value - invalid literal"));
    EXPECT_TRUE(only_problem("{\"a\": \"\xFF\"}", "", "invalid JSON at line 1, column 8"));
    // comments are not json
    EXPECT_TRUE(only_problem("// settings\n{}", "", "invalid JSON at line 1, column 1"));
    // the message says what nlohmann found, without its prefix
    const auto problems = problems_of("{\n  \"inputs\": [}\n");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].message.find("[json.exception"), std::string::npos) << problems[0].message;
    EXPECT_NE(problems[0].message.find("syntax error"), std::string::npos) << problems[0].message;
}

TEST(config, empty_documents) {
    EXPECT_TRUE(only_problem("", "", "the document is empty"));
    EXPECT_TRUE(only_problem(" \r\n\t", "", "the document is empty"));
}

TEST(config, a_byte_order_mark_is_accepted) {
    const auto c = parse("\xEF\xBB\xBF" + with_outputs(R"({"type": "console"})"));
    EXPECT_EQ(c.outputs.size(), 1u);
    EXPECT_TRUE(only_problem("\xEF\xBB\xBF{,}", "", "invalid JSON at line 1, column 2"));
}

// ------------------------------------------------------------------ problems

TEST(config, problem_to_string) {
    EXPECT_EQ((config_problem{"a.json", "outputs[1].max_size", "too big"}).to_string(), "a.json: outputs[1].max_size: too big");
    EXPECT_EQ((config_problem{"a.json", "", "no such file"}).to_string(), "a.json: no such file");
    const config_error e({{"a.json", "inputs", "missing"}, {"a.json", "", "bad"}});
    EXPECT_EQ(std::string(e.what()), "a.json: inputs: missing\na.json: bad");
    EXPECT_EQ(e.problems().size(), 2u);
}

// ------------------------------------------------------------------ paths and files

TEST(config, relative_paths_resolve_against_the_base_folder) {
    const auto base = test_base() / "etc";
    const auto c = parse(with_outputs(R"({"type": "file", "path": "../var/./log//slotlog.log"},
                                         {"type": "file", "path": "b.log"})") ,
                         base);
    EXPECT_EQ(c.outputs[0].path, (test_base() / "var" / "log" / "slotlog.log").lexically_normal());
    EXPECT_EQ(c.outputs[1].path, (base / "b.log").lexically_normal());

    // absolute paths are kept, normalised
    const auto elsewhere = test_base() / "elsewhere" / "x.log";
    const auto abs = parse(with_outputs(R"({"type": "file", "path": )" + json_string(test_base() / "elsewhere" / "." / "x.log") + "}"),
                           base);
    EXPECT_EQ(abs.outputs[0].path, elsewhere.lexically_normal());
}

TEST(config, non_ascii_paths) {
    const auto c = parse(with_outputs(R"({"type": "file", "path": "logs/\u0436\u0443\u0440\u043d\u0430\u043b.log"})"));
    EXPECT_EQ(utf8(c.outputs[0].path.filename()), "\xD0\xB6\xD1\x83\xD1\x80\xD0\xBD\xD0\xB0\xD0\xBB.log");
}

TEST(config, load_file_resolves_against_its_folder) {
    temp_dir dir;
    const auto file = dir.write(fs::path("etc") / "slotlog.json",
                                R"({"inputs": [{"type": "mailslot", "name": "logger"}],
                                    "outputs": [{"type": "file", "path": "logs/slotlog.log"}],
                                    "control": {"key_file": "../keys/control.key"}})");

    const auto c = load_config_file(file);
    EXPECT_EQ(c.origin, utf8(file));
    ASSERT_EQ(c.outputs.size(), 1u);
    EXPECT_EQ(c.outputs[0].path, dir.path() / "etc" / "logs" / "slotlog.log");
    EXPECT_EQ(c.control.key_file, dir.path() / "keys" / "control.key");
}

TEST(config, load_file_problems_name_the_file) {
    temp_dir dir;
    const auto file = dir.write("bad.json", "{\n  \"inputs\": [],\n  \"outputs\": [{\"type\": \"console\"}]\n}\n");
    try {
        load_config_file(file);
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_EQ(e.problems()[0].file, utf8(file));
        EXPECT_EQ(e.problems()[0].path, "inputs");
        EXPECT_EQ(std::string(e.what()), utf8(file) + ": inputs: " + e.problems()[0].message);
    }
}

TEST(config, missing_file) {
    temp_dir dir;
    const auto file = dir.path() / "nope.json";
    try {
        load_config_file(file);
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_EQ(e.problems()[0].file, utf8(file));
        EXPECT_EQ(e.problems()[0].path, "");
        EXPECT_EQ(e.problems()[0].message, "cannot read the configuration file: no such file");
    }
}

TEST(config, unreadable_files) {
    temp_dir dir;
    try {
        load_config_file(dir.path());
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_NE(e.problems()[0].message.find("it is a folder"), std::string::npos) << e.what();
    }
    const auto big = dir.write("big.json", std::string(2u << 20, ' '));
    try {
        load_config_file(big);
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_NE(e.problems()[0].message.find("larger than 1 MiB"), std::string::npos) << e.what();
    }
    const auto empty = dir.write("empty.json", "");
    try {
        load_config_file(empty);
        FAIL() << "expected a config_error";
    } catch (const config_error& e) {
        ASSERT_EQ(e.problems().size(), 1u);
        EXPECT_NE(e.problems()[0].message.find("the document is empty"), std::string::npos) << e.what();
    }
}

TEST(config, netbios_input) {
    auto c = parse(with_inputs(R"({"type": "netbios", "bind": "0.0.0.0:1138", "slot": "Logger"})"));
    ASSERT_EQ(c.inputs.size(), 1u);
    EXPECT_EQ(c.inputs[0].type, "netbios");
    EXPECT_EQ(c.inputs[0].bind, "0.0.0.0:1138");
    EXPECT_EQ(c.inputs[0].slot, "logger");
    EXPECT_EQ(c.inputs[0].key(), "netbios:0.0.0.0:1138/logger");
    EXPECT_EQ(c.inputs[0].endpoint(), "udp:0.0.0.0:1138");

    // the bind defaults to netbios' own port; the slot may be named as writers do
    c = parse(with_inputs(R"({"type": "netbios", "slot": "\\\\*\\mailslot\\logger"})"));
    EXPECT_EQ(c.inputs[0].bind, "0.0.0.0:138");
    EXPECT_EQ(c.inputs[0].slot, "logger");

    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "netbios", "bind": "0.0.0.0:138"})"), "inputs[0].slot",
                             "missing; a netbios input needs the slot whose mailslot writes it reads"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "netbios", "slot": 7})"), "inputs[0].slot",
                             "expected a slot name"));
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "netbios", "slot": "a/b"})"), "inputs[0].slot",
                             "invalid slot name"));
    // a mailslot input's key is not a netbios input's
    EXPECT_TRUE(only_problem(with_inputs(R"({"type": "netbios", "slot": "logger", "name": "logger"})"),
                             "inputs[0].name", "unknown key"));
}

TEST(config, a_udp_input_may_unwrap_mailslot_writes_for_a_slot) {
    auto c = parse(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:5138", "slot": "logger"},
                                  {"type": "udp", "bind": "127.0.0.1:5514"})"));
    EXPECT_EQ(c.inputs[0].slot, "logger");
    EXPECT_EQ(c.inputs[0].key(), "udp:0.0.0.0:5138/logger");
    EXPECT_EQ(c.inputs[1].slot, "");
    EXPECT_EQ(c.inputs[1].key(), "udp:127.0.0.1:5514");
}

TEST(config, a_netbios_and_a_udp_input_cannot_share_a_port) {
    auto problems = problems_of(with_inputs(R"({"type": "udp", "bind": "0.0.0.0:138"},
                                              {"type": "netbios", "slot": "logger"})"));
    EXPECT_TRUE(has_problem(problems, "inputs[1]", "reads the same endpoint (udp:0.0.0.0:138) as inputs[0]"))
        << dump(problems);
    EXPECT_EQ(problems.size(), 1u);
    // two slots on one port would need one reader
    problems = problems_of(with_inputs(R"({"type": "netbios", "slot": "a"}, {"type": "netbios", "slot": "b"})"));
    EXPECT_TRUE(has_problem(problems, "inputs[1]", "reads the same endpoint")) << dump(problems);
}

TEST(config, dedup_window) {
    EXPECT_EQ(parse(with_inputs(R"({"type": "mailslot", "name": "logger"})")).dedup_window,
              std::chrono::milliseconds(2000));
    EXPECT_EQ(parse(with_member(R"("dedup": {"window_ms": 500})")).dedup_window, std::chrono::milliseconds(500));
    EXPECT_EQ(parse(with_member(R"("dedup": {"window_ms": 0})")).dedup_window, std::chrono::milliseconds(0));
    EXPECT_TRUE(only_problem(with_member(R"("dedup": {"window_ms": -1})"), "dedup.window_ms", ""));
    EXPECT_TRUE(only_problem(with_member(R"("dedup": {"window_ms": 3600000})"), "dedup.window_ms", ""));
    EXPECT_TRUE(only_problem(with_member(R"("dedup": {"window": 5})"), "dedup.window", "unknown key"));
    EXPECT_TRUE(only_problem(with_member(R"("dedup": 5)"), "dedup", "expected an object"));
}

namespace {

std::string forward(std::string_view members) {
    return with_outputs(R"({"type": "forward", )" + std::string(members) + "}");
}

} // namespace

TEST(config, a_forward_output_and_its_defaults) {
    const auto cfg = parse(forward(R"("name": "central", "targets": ["logs1.example.com:2514", "[::1]:514"])"));
    ASSERT_EQ(cfg.outputs.size(), 1u);
    const auto& f = cfg.outputs[0].forward;
    EXPECT_EQ(cfg.outputs[0].type, "forward");
    EXPECT_EQ(f.name, "central");
    EXPECT_EQ(f.protocol, "tcp");
    EXPECT_EQ(f.targets, (std::vector<std::string>{"logs1.example.com:2514", "[::1]:514"}));
    EXPECT_FALSE(f.tls.enabled);
    EXPECT_EQ(f.queue.path, test_base() / "queue" / "central");
    EXPECT_EQ(f.queue.max_size, 1ull << 30);
    EXPECT_EQ(f.queue.fsync_interval, std::chrono::milliseconds(1000));
    EXPECT_EQ(f.queue.when_full, when_full::drop_newest);
    EXPECT_EQ(f.sd_id, "slotlog@32473");
    EXPECT_EQ(cfg.outputs[0].facility, "user");
}

TEST(config, every_key_of_a_forward_output) {
    temp_dir dir;
    const auto ca = dir.path() / "ca.pem";
    std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
    const auto cfg = parse(forward(R"("name": "c-1_x", "protocol": "relp", "targets": ["a:1"], "facility": "local3",
        "min_level": "warning", "sd_id": "origin@99", "queue": {"path": "q", "max_size": "64MiB",
        "fsync_interval_ms": 0, "when_full": "block"}, "tls": {"ca_file": )" + json_string(ca) +
                                   R"(, "server_name": "logs", "verify": false})"));
    const auto& o = cfg.outputs.at(0);
    EXPECT_EQ(o.forward.protocol, "relp");
    EXPECT_EQ(o.facility, "local3");
    EXPECT_EQ(o.min_level, level::warning);
    EXPECT_EQ(o.forward.sd_id, "origin@99");
    EXPECT_EQ(o.forward.queue.path, test_base() / "q");
    EXPECT_EQ(o.forward.queue.max_size, 64ull << 20);
    EXPECT_EQ(o.forward.queue.fsync_interval, std::chrono::milliseconds(0));
    EXPECT_EQ(o.forward.queue.when_full, when_full::block);
    EXPECT_TRUE(o.forward.tls.enabled);
    EXPECT_EQ(o.forward.tls.ca_file, ca);
    EXPECT_EQ(o.forward.tls.server_name, "logs");
    EXPECT_FALSE(o.forward.tls.verify);
}

TEST(config, forward_output_problems_name_the_key) {
    EXPECT_TRUE(only_problem(forward(R"("targets": ["a:1"])"), "outputs[0].name", "missing; a forward output needs"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c")"), "outputs[0].targets", "missing"));
    EXPECT_TRUE(only_problem(forward(R"("name": "a/b", "targets": ["a:1"])"), "outputs[0].name", "only A-Z a-z 0-9 _ -"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": [])"), "outputs[0].targets", "empty"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a"])"), "outputs[0].targets[0]", "missing the port"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "protocol": "udp")"), "outputs[0].protocol",
                             "unknown protocol \"udp\"; expected tcp or relp"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "queue": {"when_full": "wait"})"),
                             "outputs[0].queue.when_full", "expected drop_newest or block"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "queue": {"max_size": 1000})"),
                             "outputs[0].queue.max_size", "too small"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "tls": {"ca_file": "missing.pem"})"),
                             "outputs[0].tls.ca_file", "no such file"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "tls": {"veryfy": false})"),
                             "outputs[0].tls.veryfy", "did you mean \"verify\""));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "sd_id": "a b")"), "outputs[0].sd_id",
                             "invalid SD-ID"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "forward", "name": "c", "targets": ["a:1"]},
                                              {"type": "forward", "name": "c", "targets": ["b:1"]})"),
                             "outputs[1].name", "\"c\" names outputs[0] too"));
    EXPECT_TRUE(only_problem(with_outputs(R"({"type": "forward", "name": "a", "targets": ["a:1"], "queue": {"path": "q"}},
                                              {"type": "forward", "name": "b", "targets": ["b:1"], "queue": {"path": "q"}})"),
                             "outputs[1].queue", "used by outputs[0] too"));
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "path": "x.log")"), "outputs[0].path",
                             "forward outputs have no \"path\" (only file outputs do)"));
}

TEST(config, a_client_certificate_needs_its_key) {
    temp_dir dir;
    const auto pem = dir.path() / "client.pem";
    std::ofstream(pem) << "x";
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "tls": {"cert_file": )" + json_string(pem) + "}"),
                             "outputs[0].tls.key_file", "needs both cert_file and key_file"));
}

TEST(config, the_windows_certificate_store) {
    const auto text = forward(R"("name": "c", "targets": ["a:1"], "tls": {"cert_store": "CurrentUser\\MY",
        "cert_thumbprint": "AB CD EF 01 23 45 67 89 AB CD EF 01 23 45 67 89 AB CD EF 01"})");
    if constexpr (on_windows) {
        const auto cfg = parse(text);
        EXPECT_EQ(cfg.outputs.at(0).forward.tls.cert_store, "CurrentUser\\MY");
        EXPECT_EQ(cfg.outputs.at(0).forward.tls.cert_thumbprint, "abcdef0123456789abcdef0123456789abcdef01");
        EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "tls": {"cert_thumbprint": "abc"})"),
                                 "outputs[0].tls.cert_thumbprint", "40 hex digits"));
    } else {
        const auto problems = problems_of(text);
        EXPECT_TRUE(has_problem(problems, "outputs[0].tls.cert_store", "exists only on Windows"));
        EXPECT_TRUE(has_problem(problems, "outputs[0].tls.cert_thumbprint", "exists only on Windows"));
    }
}

TEST(config, stats_interval_and_durations) {
    EXPECT_EQ(parse(with_member(R"("dedup": {})")).stats_interval, std::chrono::minutes(10));
    EXPECT_EQ(parse(with_member(R"("stats": {"interval": "90s"})")).stats_interval, std::chrono::seconds(90));
    EXPECT_EQ(parse(with_member(R"("stats": {"interval": "2h"})")).stats_interval, std::chrono::hours(2));
    EXPECT_EQ(parse(with_member(R"("stats": {"interval": 0})")).stats_interval, std::chrono::seconds(0));
    EXPECT_EQ(parse(with_member(R"("stats": {"interval": "0"})")).stats_interval, std::chrono::seconds(0));
    EXPECT_TRUE(only_problem(with_member(R"("stats": {"interval": "5x"})"), "stats.interval", "invalid duration"));
    EXPECT_TRUE(only_problem(with_member(R"("stats": {"interval": 60})"), "stats.interval", "expected a duration"));
    EXPECT_TRUE(only_problem(with_member(R"("stats": {"interval": "30d"})"), "stats.interval", "too long"));
    EXPECT_EQ(parse_duration("30d"), std::chrono::hours(24 * 30));
    EXPECT_EQ(parse_duration("15m"), std::chrono::minutes(15));
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("m"));
    EXPECT_FALSE(parse_duration("1.5h"));
    EXPECT_FALSE(parse_duration("-1s"));
    EXPECT_FALSE(parse_duration("99999999999999d"));
}

// ------------------------------------------------------------------ match and exclude

TEST(config, match_and_exclude_on_every_output) {
    const std::string routed = R"("match": {"host": "web*", "app": ["billing", "shop?"], "slot": ["logger"]},
                                  "exclude": {"app": "healthcheck*"})";
    const std::string platform_output = on_windows ? R"({"type": "eventlog", )" : R"({"type": "syslog", )";
    const auto c = parse(with_outputs(R"({"type": "file", "path": "a.log", )" + routed + R"(},
                                         {"type": "console", )" + routed + R"(},
                                         {"type": "forward", "name": "c", "targets": ["a:1"], )" + routed + R"(},
                                         )" + platform_output + routed + "}"));
    ASSERT_EQ(c.outputs.size(), 4u);
    for (const auto& o : c.outputs) {
        EXPECT_EQ(o.match.host, std::vector<std::string>{"web*"}) << o.type;
        EXPECT_EQ(o.match.app, (std::vector<std::string>{"billing", "shop?"})) << o.type;
        EXPECT_EQ(o.match.slot, std::vector<std::string>{"logger"}) << o.type;
        EXPECT_TRUE(o.exclude.host.empty() && o.exclude.slot.empty()) << o.type;
        EXPECT_EQ(o.exclude.app, std::vector<std::string>{"healthcheck*"}) << o.type;
    }
    const auto plain = parse(with_outputs(R"({"type": "console", "match": {}})"));
    EXPECT_TRUE(plain.outputs[0].match.empty() && plain.outputs[0].exclude.empty());
}

TEST(config, bad_match_and_exclude_name_the_key) {
    const auto at = [](std::string_view rules) {
        return with_outputs(R"({"type": "console"}, {"type": "file", "path": "a.log", )" + std::string(rules) + "}");
    };
    EXPECT_TRUE(only_problem(at(R"("match": "web*")"), "outputs[1].match",
                             "expected an object such as {\"app\": [\"billing\", \"shop*\"], \"host\": \"web??\"}, "
                             "got \"web*\""));
    EXPECT_TRUE(only_problem(at(R"("exclude": ["web*"])"), "outputs[1].exclude", "expected an object"));
    EXPECT_TRUE(only_problem(at(R"("match": {"hots": "web*"})"), "outputs[1].match.hots",
                             "unknown key (did you mean \"host\"?)"));
    EXPECT_TRUE(only_problem(at(R"("match": {"level": "error"})"), "outputs[1].match.level",
                             "unknown key; expected host, app or slot"));
    EXPECT_TRUE(only_problem(at(R"("match": {"host": 7})"), "outputs[1].match.host",
                             "expected a glob such as \"web*\" or a list of globs such as [\"web*\", \"db?\"], got 7"));
    EXPECT_TRUE(only_problem(at(R"("match": {"host": null})"), "outputs[1].match.host", "got null"));
    EXPECT_TRUE(only_problem(at(R"("match": {"app": {"x": 1}})"), "outputs[1].match.app", "got an object"));
    EXPECT_TRUE(only_problem(at(R"("exclude": {"app": []})"), "outputs[1].exclude.app",
                             "empty; expected at least one glob"));
    EXPECT_TRUE(only_problem(at(R"("match": {"host": ""})"), "outputs[1].match.host",
                             "must not be empty; expected a glob such as \"web*\""));
    EXPECT_TRUE(only_problem(at(R"("match": {"host": ["web*", ""]})"), "outputs[1].match.host[1]",
                             "must not be empty"));
    EXPECT_TRUE(only_problem(at(R"("match": {"host": [3, "db*"]})"), "outputs[1].match.host[0]",
                             "expected a glob such as \"web*\", got 3"));
    EXPECT_TRUE(only_problem(at(R"("exclude": {"slot": ["a\u0000b"]})"), "outputs[1].exclude.slot[0]",
                             "must not contain a NUL character"));
    // every problem at once, match and exclude alike
    const auto problems = problems_of(at(R"("match": {"host": [""], "app": 1, "x": 2}, "exclude": {"slot": []})"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].match.host[0]", "must not be empty"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].match.app", "expected a glob"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].match.x", "unknown key"));
    EXPECT_TRUE(has_problem(problems, "outputs[1].exclude.slot", "empty"));
    EXPECT_EQ(problems.size(), 4u) << dump(problems);
}

TEST(config, match_on_a_forward_output_is_checked_too) {
    EXPECT_TRUE(only_problem(forward(R"("name": "c", "targets": ["a:1"], "exclude": {"host": [""]})"),
                             "outputs[0].exclude.host[0]", "must not be empty"));
}
