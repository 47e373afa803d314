#include "config/syntax_pass.h"

#include <algorithm>
#include <set>

#include "config/messages.h"

namespace slotlog::config_check {

namespace {

// duplicate keys are looked for this deep; the schema itself is 3 levels deep.
// nothing deeper is walked, so hostile nesting is safe
constexpr std::size_t max_tracked_depth = 32;

// line and column (in characters, 1-based) of the byte nlohmann reports:
// `position` counts the bytes read, the offending one included
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t position) {
    const std::size_t end = std::min(position == 0 ? 0 : position - 1, text.size());
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? std::min<std::size_t>(3, end) : 0;
    for (std::size_t i = start; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
// or "[json.exception.out_of_range.406] number overflow parsing '1e400'": the part after the prefixes
std::string plain_message(const json::exception& ex) {
    std::string what = ex.what();
    if (what.starts_with("[json.exception.")) {
        const auto close = what.find("] ");
        if (close != std::string::npos) what.erase(0, close + 2);
    }
    if (what.starts_with("parse error")) {
        const auto colon = what.find(": ");
        if (colon != std::string::npos) what.erase(0, colon + 2);
    }
    return what;
}

// a sax handler that reports syntax errors and keys given twice
class syntax_pass {
public:
    syntax_pass(std::string_view text, std::vector<config_problem>& problems, const std::string& origin)
        : text_(text), problems_(problems), origin_(origin) {}

    bool null() { return value_done(); }
    bool boolean(bool) { return value_done(); }
    bool number_integer(json::number_integer_t) { return value_done(); }
    bool number_unsigned(json::number_unsigned_t) { return value_done(); }
    bool number_float(json::number_float_t, const std::string&) { return value_done(); }
    bool string(std::string&) { return value_done(); }
    bool binary(json::binary_t&) { return value_done(); }

    bool start_object(std::size_t) { return push(true); }
    bool start_array(std::size_t) { return push(false); }
    bool end_object() { return pop(); }
    bool end_array() { return pop(); }

    bool key(std::string& k) {
        if (untracked_ > 0 || frames_.empty()) return true;
        auto& top = frames_.back();
        top.key = k;
        if (!top.keys.insert(k).second) {
            problems_.push_back({origin_, path(), "duplicate key: the object sets it more than once; keep one"});
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const json::exception& ex) {
        const auto [line, column] = line_column(text_, position);
        problems_.push_back({origin_, "",
                             "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) +
                                 ": " + plain_message(ex)});
        return false;
    }

private:
    struct frame {
        bool object = false;
        std::size_t index = 0;
        std::string key;
        std::set<std::string> keys;
    };

    bool push(bool object) {
        if (untracked_ > 0 || frames_.size() >= max_tracked_depth) {
            ++untracked_;
        } else {
            frames_.push_back({object, 0, {}, {}});
        }
        return true;
    }

    bool pop() {
        if (untracked_ > 0) {
            --untracked_;
            return true;
        }
        if (!frames_.empty()) frames_.pop_back();
        return value_done();
    }

    bool value_done() {
        if (untracked_ == 0 && !frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }

    std::string path() const {
        std::string out;
        for (const auto& f : frames_) out = f.object ? member_path(out, f.key) : element_path(out, f.index);
        return out;
    }

    std::string_view text_;
    std::vector<config_problem>& problems_;
    const std::string& origin_;
    std::vector<frame> frames_;
    std::size_t untracked_ = 0;
};

} // namespace

bool check_syntax(std::string_view text, const std::string& origin, std::vector<config_problem>& problems) {
    syntax_pass pass(text, problems, origin);
    return json::sax_parse(text.begin(), text.end(), &pass, json::input_format_t::json, true, false);
}

bool is_blank(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

} // namespace slotlog::config_check
