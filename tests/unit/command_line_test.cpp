#include <slotlog/command_help.h>
#include <slotlog/command_line.h>

#include <gtest/gtest.h>

#include <sstream>
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

TEST(command_line, every_command_has_help) {
    serve_line s;
    for (const auto& args : {strings{"--help"}, strings{"-h"}, strings{"-c", "x", "--help", "--bogus"}}) {
        try {
            s.parser.parse(args);
            ADD_FAILURE() << "no help for " << args[0];
        } catch (const slotlog::cli::help_requested& h) {
            EXPECT_EQ(h.command, "serve");
        }
    }
    // a value or an operand that reads "--help" is not the option
    EXPECT_EQ(s.parser.parse({"-c", "--help"}), strings{});
    EXPECT_EQ(s.config, "--help");
    EXPECT_EQ(s.parser.parse({"--", "--help"}), strings{"--help"});
    EXPECT_EQ(error_of(s.parser, {"--hlep"}), "serve: unknown option '--hlep' (did you mean '--help'?)");
    EXPECT_EQ(error_of(s.parser, {"--help=yes"}), "serve: unknown option '--help' (did you mean '--help'?)");
}

// the help of a made-up program: one layout, every line within the width
slotlog::cli::program_help sample_help() {
    // the help holds views of its texts
    static const std::string run_text =
        "runs it. " + std::string(40, 'x') + " and a long sentence that cannot fit on one line of the console";
    return {"prog",
            {{"run", "[-c CONFIG] [--fast]", run_text,
              {{"-c, --config CONFIG", "the configuration"}, {"--a-very-long-option-name", "said on the next line"}}},
             {"long-command-name", "", "its text starts on the next line", {}, "Other commands:"}},
            {{"0", "success"}, {"2", "usage error"}},
            "a note"};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(command_help, one_layout_for_every_command) {
    const auto help = sample_help();
    const auto all = slotlog::cli::render_help(help);
    for (const auto& line : lines_of(all)) {
        EXPECT_LE(line.size(), slotlog::cli::help_width) << line;
        EXPECT_TRUE(line.empty() || line.back() != ' ') << "'" << line << "'";
    }
    const auto lines = lines_of(all);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "usage: prog run [-c CONFIG] [--fast]");
    EXPECT_EQ(lines[1], "       prog long-command-name");
    EXPECT_EQ(lines[2], "       prog --help | --version");
    EXPECT_NE(all.find("\nrun     runs it. "), std::string::npos) << all;
    EXPECT_NE(all.find("\n  -c, --config CONFIG the configuration\n"), std::string::npos) << all;
    EXPECT_NE(all.find("\n      --a-very-long-option-name\n                      said on the next line\n"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("\nOther commands:\n\nlong-command-name\n        its text starts"), std::string::npos) << all;
    EXPECT_NE(all.find("\nexit codes:\n  0  success\n  2  usage error\n  a note\n"), std::string::npos) << all;

    // one command: its usage line, its part, the exit codes
    const auto run = slotlog::cli::render_help(help, "run");
    EXPECT_TRUE(run.starts_with("usage: prog run [-c CONFIG] [--fast]\n\nrun     runs it.")) << run;
    EXPECT_EQ(run.find("long-command-name"), std::string::npos) << run;
    EXPECT_NE(run.find("exit codes:"), std::string::npos) << run;
    EXPECT_EQ(slotlog::cli::render_help(help, "nothing"), "");
}

} // namespace
