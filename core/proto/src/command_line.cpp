#include <slotlog/command_line.h>

#include <algorithm>
#include <optional>
#include <utility>

#include <slotlog/detail/edit_distance.h>

namespace slotlog::cli {

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& known) {
    // less than half of the word may be wrong, at most 3 letters: "-x" is
    // no typo of "-c"
    const std::size_t most = std::min<std::size_t>(3, word.empty() ? 0 : (word.size() - 1) / 2);
    if (most == 0) return {};
    std::string_view best;
    std::size_t best_distance = most + 1;
    for (const auto k : known) {
        const auto d = detail::edit_distance(word, k);
        if (d < best_distance) {
            best = k;
            best_distance = d;
        }
    }
    return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
}

options::options(std::string command) : command_(std::move(command)) {}

options& options::value(std::initializer_list<std::string_view> names,
                        std::function<void(const std::string&)> take) {
    options_.push_back({{names.begin(), names.end()}, std::move(take), {}});
    return *this;
}

options& options::flag(std::initializer_list<std::string_view> names, std::function<void()> take) {
    options_.push_back({{names.begin(), names.end()}, {}, std::move(take)});
    return *this;
}

const options::option* options::find_(std::string_view name) const noexcept {
    for (const auto& o : options_) {
        if (std::find(o.names.begin(), o.names.end(), name) != o.names.end()) return &o;
    }
    return nullptr;
}

void options::unknown_(const std::string& name) const {
    std::vector<std::string_view> known;
    for (const auto& o : options_) known.insert(known.end(), o.names.begin(), o.names.end());
    known.push_back("--help");
    throw usage_error(command_ + ": unknown option '" + name + "'" + did_you_mean(name, known));
}

std::vector<std::string> options::parse(const std::vector<std::string>& args, std::size_t first) const {
    std::size_t i = first;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-') break;
        // --name=value; a short option's value is the next argument
        std::string name = a;
        std::optional<std::string> inline_value;
        if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        const option* o = find_(name);
        if (!o && !inline_value && (name == "-h" || name == "--help")) throw help_requested{command_};
        if (!o) unknown_(name);
        if (!o->take_value) {
            if (inline_value) throw usage_error(command_ + ": option " + name + " takes no value");
            o->take_flag();
        } else if (inline_value) {
            o->take_value(*inline_value);
        } else if (i + 1 < args.size()) {
            o->take_value(args[++i]);
        } else {
            throw usage_error(command_ + ": option " + name + " needs a value");
        }
    }
    return {args.begin() + static_cast<std::ptrdiff_t>(std::min(i, args.size())), args.end()};
}

} // namespace slotlog::cli
