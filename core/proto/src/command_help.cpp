#include <slotlog/command_help.h>

namespace slotlog::cli {

namespace {

// where a command's text starts, and an option's
constexpr std::size_t text_column = 8;
constexpr std::size_t option_text_column = 22;

// appends `text` word by word, lines starting at `indent` (the first at the
// current column `at`), never past help_width unless one word is longer.
// "\n" in the text starts a new line
void wrap(std::string& out, std::string_view text, std::size_t indent, std::size_t at) {
    std::size_t column = at;
    bool line_empty = true;
    while (!text.empty()) {
        if (text.front() == '\n' || text.front() == ' ') {
            if (text.front() == '\n') {
                out += '\n' + std::string(indent, ' ');
                column = indent;
                line_empty = true;
            }
            text.remove_prefix(1);
            continue;
        }
        const auto end = text.find_first_of(" \n");
        const auto word = text.substr(0, end);
        text.remove_prefix(word.size());
        if (!line_empty && column + 1 + word.size() > help_width) {
            out += '\n' + std::string(indent, ' ');
            column = indent;
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_empty = false;
    }
    out += '\n';
}

void render_usage(std::string& out, const program_help& help, const command_help* only) {
    bool first = true;
    for (const auto& c : help.commands) {
        if (only && only != &c) continue;
        const std::string lead = std::string(first ? "usage: " : "       ") + std::string(help.program) + " ";
        out += lead;
        wrap(out, std::string(c.name) + (c.synopsis.empty() ? "" : " ") + std::string(c.synopsis), lead.size() + 2,
             lead.size());
        first = false;
    }
    if (!only) out += "       " + std::string(help.program) + " --help | --version\n";
}

void render_command(std::string& out, const command_help& c) {
    out += '\n';
    std::string head(c.name);
    head += head.size() < text_column ? std::string(text_column - head.size(), ' ') : "\n" + std::string(text_column, ' ');
    out += head;
    wrap(out, c.text, text_column, text_column);
    for (const auto& o : c.options) {
        if (o.names.empty()) {
            out += "  ";
            wrap(out, o.text, 2, 2);
            continue;
        }
        // long-only options line up with the long names of the others: "  -s, --slot", "      --raw"
        const auto names = (o.names.starts_with("--") ? "      " : "  ") + std::string(o.names);
        if (names.size() + 1 > option_text_column) {
            out += names + '\n' + std::string(option_text_column, ' ');
        } else {
            out += names + std::string(option_text_column - names.size(), ' ');
        }
        wrap(out, o.text, option_text_column, option_text_column);
    }
}

void render_exit_codes(std::string& out, const program_help& help) {
    out += "\nexit codes:\n";
    for (const auto& code : help.exit_codes) {
        out += "  " + std::string(code.names) + "  ";
        wrap(out, code.text, 5, 4 + code.names.size());
    }
    if (!help.exit_codes_note.empty()) {
        out += "  ";
        wrap(out, help.exit_codes_note, 2, 2);
    }
}

} // namespace

std::string render_help(const program_help& help) {
    std::string out;
    render_usage(out, help, nullptr);
    std::string_view group;
    for (const auto& c : help.commands) {
        if (!c.group.empty() && c.group != group) {
            out += '\n';
            wrap(out, c.group, 0, 0);
        }
        group = c.group;
        render_command(out, c);
    }
    render_exit_codes(out, help);
    return out;
}

std::string render_help(const program_help& help, std::string_view command) {
    for (const auto& c : help.commands) {
        if (c.name != command) continue;
        std::string out;
        render_usage(out, help, &c);
        render_command(out, c);
        render_exit_codes(out, help);
        return out;
    }
    return {};
}

} // namespace slotlog::cli
