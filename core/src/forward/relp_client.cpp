#include "forward/relp_client.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <slotlog/text.h>

namespace slotlog {

namespace {

// librelp's limits: TXNR and DATALEN 1 to 9 digits, COMMAND 1 to 32 letters
constexpr std::size_t max_number_digits = 9;
constexpr std::size_t max_command = 32;
constexpr std::size_t max_datalen = 999'999'999;
// the server's text in an event (the spec's HUMAN-TEXT has at most 80)
constexpr std::size_t max_text = 200;

// what we offer: librelp sends relp_version=0 (its only version) and expects it
// back; relp_software is optional and only informs
constexpr std::string_view open_offers = "relp_version=0\nrelp_software=slotlog\ncommands=syslog";

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void append_number(std::string& out, std::size_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// the server's words, one bounded line for a log entry
std::string server_text(std::string_view s) {
    std::string text;
    append_sanitised(text, s.substr(0, max_text));
    return text;
}

// a rsp's data: "200 OK" or "500 reason", then LF and data of the command
struct rsp_header {
    int code = 0;
    std::string_view line;  // code and text: "500 command disabled"
    std::string_view rest;  // after the first LF
};

bool parse_rsp(std::string_view data, rsp_header& h) noexcept {
    if (data.size() < 3 || !is_digit(data[0]) || !is_digit(data[1]) || !is_digit(data[2])) return false;
    if (data.size() > 3 && data[3] != ' ' && data[3] != '\n') return false;
    h.code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
    const auto lf = data.find('\n');
    h.line = data.substr(0, lf);
    h.rest = lf == std::string_view::npos ? std::string_view{} : data.substr(lf + 1);
    return true;
}

// the server's offers, "name=value,value" a line: it must speak our version
// (0, as librelp: a higher one is incompatible) and accept the syslog command
std::string check_offers(std::string_view offers) {
    bool version = false, syslog = false;
    while (!offers.empty()) {
        const auto lf = offers.find('\n');
        const auto line = offers.substr(0, lf);
        offers = lf == std::string_view::npos ? std::string_view{} : offers.substr(lf + 1);
        const auto eq = line.find('=');
        const auto name = line.substr(0, eq);
        auto values = eq == std::string_view::npos ? std::string_view{} : line.substr(eq + 1);
        if (name == "relp_version") {
            const auto first = values.substr(0, values.find(','));
            if (first.empty() || !std::all_of(first.begin(), first.end(), is_digit)) {
                return "the server offers relp_version \"" + server_text(first) + "\"";
            }
            if (first.find_first_not_of('0') != std::string_view::npos) {
                return "the server offers relp_version " + server_text(first) + ", we speak 0";
            }
            version = true;
        } else if (name == "commands") {
            while (!values.empty()) {
                const auto comma = values.find(',');
                if (values.substr(0, comma) == "syslog") syslog = true;
                values = comma == std::string_view::npos ? std::string_view{} : values.substr(comma + 1);
            }
        }
    }
    if (!version) return "the server's answer to open has no relp_version";
    if (!syslog) return "the server does not accept the syslog command";
    return {};
}

} // namespace

relp_client::relp_client(std::size_t window) : window_(std::max<std::size_t>(window, 1)) {}

void relp_client::start(std::string& out, std::uint32_t first_txnr) {
    pending_.clear();
    syslog_pending_ = 0;
    next_txnr_ = std::clamp<std::uint32_t>(first_txnr, 1, max_txnr);
    next_frame_();
    send_(out, command::open, "open", open_offers);
    session_ = session::opening;
}

bool relp_client::opened() const noexcept { return session_ == session::open; }

bool relp_client::can_send() const noexcept { return session_ == session::open && syslog_pending_ < window_; }

std::uint32_t relp_client::send_syslog(std::string& out, std::string_view message) {
    if (!can_send()) return 0;
    ++syslog_pending_;
    return send_(out, command::syslog, "syslog", message);
}

void relp_client::close(std::string& out) {
    if (session_ != session::opening && session_ != session::open) return;
    send_(out, command::close, "close", {});
    session_ = session::closing;
}

std::size_t relp_client::unacknowledged() const noexcept { return syslog_pending_; }

std::uint32_t relp_client::send_(std::string& out, command cmd, std::string_view name, std::string_view data) {
    const std::uint32_t txnr = next_txnr_;
    next_txnr_ = next_txnr_ >= max_txnr ? 1 : next_txnr_ + 1;
    pending_.push_back({txnr, cmd});
    data = data.substr(0, max_datalen);  // never reached: the caller's messages are far smaller
    append_number(out, txnr);
    out.push_back(' ');
    out.append(name);
    out.push_back(' ');
    append_number(out, data.size());
    if (!data.empty()) {
        out.push_back(' ');
        out.append(data);
    }
    out.push_back('\n');
    return txnr;
}

void relp_client::fail_(std::vector<event>& out, std::string text) {
    session_ = session::over;
    state_ = parse::broken;
    data_.clear();
    data_.shrink_to_fit();
    out.push_back({event::kind::protocol_error, 0, std::move(text)});
}

void relp_client::receive(std::string_view bytes, std::vector<event>& out) {
    while (!bytes.empty() && state_ != parse::broken) bytes.remove_prefix(step_(bytes, out));
}

// one step of the frame parser at the start of `bytes`: the bytes it took (0
// when it only moved on, or failed)
std::size_t relp_client::step_(std::string_view bytes, std::vector<event>& out) {
    const char c = bytes.front();
    switch (state_) {
    case parse::txnr: return take_txnr_(c, out);
    case parse::command: return take_command_(c, out);
    case parse::datalen: return take_datalen_(c, out);
    case parse::data: {
        const std::size_t n = std::min(datalen_ - data_.size(), bytes.size());
        data_.append(bytes.substr(0, n));
        if (data_.size() == datalen_) state_ = parse::trailer;
        return n;
    }
    case parse::trailer: return take_trailer_(c, out);
    case parse::broken: break;
    }
    return 0;
}

std::size_t relp_client::take_txnr_(char c, std::vector<event>& out) {
    if (is_digit(c) && digits_ < max_number_digits) {
        txnr_ = txnr_ * 10 + static_cast<std::uint32_t>(c - '0');
        ++digits_;
    } else if (c == ' ' && digits_ > 0) {
        state_ = parse::command;
        digits_ = 0;
    } else {
        fail_(out, "garbled frame from the server: bad transaction number");
        return 0;
    }
    return 1;
}

std::size_t relp_client::take_command_(char c, std::vector<event>& out) {
    if (is_alpha(c) && command_.size() < max_command) {
        command_.push_back(c);
    } else if (c == ' ' && !command_.empty()) {
        state_ = parse::datalen;
    } else {
        fail_(out, "garbled frame from the server: bad command");
        return 0;
    }
    return 1;
}

std::size_t relp_client::take_datalen_(char c, std::vector<event>& out) {
    if (is_digit(c) && digits_ < max_number_digits) {
        datalen_ = datalen_ * 10 + static_cast<std::size_t>(c - '0');
        ++digits_;
        return 1;
    }
    if (digits_ == 0) {
        fail_(out, "garbled frame from the server: bad data length");
    } else if (datalen_ == 0) {
        state_ = parse::trailer;  // no data: the trailer follows the length at once
    } else if (c != ' ') {
        fail_(out, "garbled frame from the server: bad data length");
    } else if (datalen_ > max_data) {
        fail_(out, "the server sent a frame of " + std::to_string(datalen_) + " bytes, more than the " +
                       std::to_string(max_data) + " allowed");
    } else {
        state_ = parse::data;
        return 1;
    }
    return 0;
}

std::size_t relp_client::take_trailer_(char c, std::vector<event>& out) {
    if (c != '\n') {
        fail_(out, "garbled frame from the server: no line feed after the data");
        return 0;
    }
    frame_(out);
    if (state_ != parse::broken) next_frame_();
    return 1;
}

// ready to read the next frame from its first byte
void relp_client::next_frame_() {
    state_ = parse::txnr;
    txnr_ = 0;
    digits_ = 0;
    command_.clear();
    datalen_ = 0;
    data_.clear();
}

// one whole frame from the server
void relp_client::frame_(std::vector<event>& out) {
    if (txnr_ == 0 && command_ != "rsp") {
        // a hint, never answered; one we do not know is ignored
        if (command_ == "serverclose") {
            session_ = session::over;
            state_ = parse::broken;
            out.push_back({event::kind::server_closed, 0, {}});
        }
        return;
    }
    if (command_ != "rsp" || txnr_ == 0) {
        return fail_(out, "the server sent the command \"" + command_ + "\"" + (txnr_ == 0 ? " as a hint" : ""));
    }
    answer_(txnr_, out);
}

// the rsp to one of our commands
void relp_client::answer_(std::uint32_t txnr, std::vector<event>& out) {
    // answers come in the order of the commands: the first one is the usual match
    const auto it = std::find_if(pending_.begin(), pending_.end(), [txnr](const pending& p) { return p.txnr == txnr; });
    if (it == pending_.end()) {
        return fail_(out, "the server answered transaction " + std::to_string(txnr) + ", which waits for no answer");
    }
    const command cmd = it->cmd;
    pending_.erase(it);
    rsp_header h;
    const bool valid = parse_rsp(data_, h);
    switch (cmd) {
    case command::open: {
        if (!valid) return fail_(out, "the server's answer to open is no rsp: \"" + server_text(data_) + "\"");
        if (h.code != 200) return fail_(out, "the server refused the session: " + server_text(h.line));
        auto wrong = check_offers(h.rest);
        if (!wrong.empty()) return fail_(out, std::move(wrong));
        if (session_ == session::opening) {
            session_ = session::open;
            out.push_back({event::kind::opened, txnr, server_text(h.line)});
        }
        return;
    }
    case command::syslog:
        --syslog_pending_;
        if (!valid) return fail_(out, "the server's answer to a message is no rsp: \"" + server_text(data_) + "\"");
        out.push_back({h.code == 200 ? event::kind::acknowledged : event::kind::refused, txnr, server_text(h.line)});
        return;
    case command::close:
        // librelp answers a close with no data at all, then hints serverclose
        session_ = session::over;
        state_ = parse::broken;
        out.push_back({event::kind::closed, txnr, server_text(valid ? h.line : std::string_view{data_})});
        return;
    }
}

} // namespace slotlog
