#include <slotlog/command_line.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using slotlog::cli::options;
using slotlog::cli::usage_error;
using strings = std::vector<std::string>;

struct serve_line {
    std::string config;
    bool plain_stop = false;
    options parser{"serve"};
    serve_line() {
        parser.value({"-c", "--config"}, [this](const std::string& v) { config = v; })
            .flag({"--allow-plain-stop"}, [this] { plain_stop = true; });
    }
};

std::string error_of(const options& o, const strings& args) {
    try {
        o.parse(args);
    } catch (const usage_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(command_line, the_three_forms_of_an_option_with_a_value) {
    for (const auto& args : {strings{"-c", "a.json"}, strings{"--config", "a.json"}, strings{"--config=a.json"}}) {
        serve_line s;
        EXPECT_EQ(s.parser.parse(args), strings{});
        EXPECT_EQ(s.config, "a.json") << args[0];
    }
    // a value may be empty or start with '-', and '=' after the first belongs to it
    serve_line s;
    s.parser.parse({"--config=", "--allow-plain-stop"});
    EXPECT_EQ(s.config, "");
    EXPECT_TRUE(s.plain_stop);
    s.parser.parse({"-c", "-odd.json"});
    EXPECT_EQ(s.config, "-odd.json");
    s.parser.parse({"--config=a=b.json"});
    EXPECT_EQ(s.config, "a=b.json");
}

TEST(command_line, operands_follow_the_options) {
    serve_line s;
    EXPECT_EQ(s.parser.parse({"prog", "cmd", "--allow-plain-stop", "one", "-c", "x"}, 2),
              (strings{"one", "-c", "x"}));
    EXPECT_TRUE(s.plain_stop);
    EXPECT_EQ(s.config, "");
    // "--" ends the options; "-" alone is an operand
    EXPECT_EQ(s.parser.parse({"--", "--config"}), strings{"--config"});
    EXPECT_EQ(s.parser.parse({"-"}), strings{"-"});
}

TEST(command_line, errors_name_the_command_and_the_option) {
    serve_line s;
    EXPECT_EQ(error_of(s.parser, {"-c"}), "serve: option -c needs a value");
    EXPECT_EQ(error_of(s.parser, {"--config"}), "serve: option --config needs a value");
    EXPECT_EQ(error_of(s.parser, {"--allow-plain-stop=yes"}), "serve: option --allow-plain-stop takes no value");
    EXPECT_EQ(error_of(s.parser, {"--confg", "x"}), "serve: unknown option '--confg' (did you mean '--config'?)");
    EXPECT_EQ(error_of(s.parser, {"--allow-plain-stpo"}),
              "serve: unknown option '--allow-plain-stpo' (did you mean '--allow-plain-stop'?)");
    EXPECT_EQ(error_of(s.parser, {"--frobnicate"}), "serve: unknown option '--frobnicate'");
    EXPECT_EQ(error_of(s.parser, {"-x"}), "serve: unknown option '-x'");
}

TEST(command_line, did_you_mean_only_when_close) {
    using slotlog::cli::did_you_mean;
    const std::vector<std::string_view> commands{"serve", "check-config", "install", "uninstall"};
    EXPECT_EQ(did_you_mean("srve", commands), " (did you mean 'serve'?)");
    EXPECT_EQ(did_you_mean("sevre", commands), " (did you mean 'serve'?)");
    EXPECT_EQ(did_you_mean("check-confg", commands), " (did you mean 'check-config'?)");
    EXPECT_EQ(did_you_mean("instal", commands), " (did you mean 'install'?)");
    EXPECT_EQ(did_you_mean("tail", commands), "");
    EXPECT_EQ(did_you_mean("", commands), "");
}

} // namespace
