#pragma once

// the client side of RELP (rsyslog's reliable event logging protocol) as a
// state machine without i/o: the caller writes what it appends to `out` to the
// connection and hands in what it reads. frames are
//   TXNR SP COMMAND SP DATALEN [SP DATA] LF
// the client sends "open" (txnr 1), then "syslog" commands, each answered by a
// "rsp" with "200 OK" (or an error code), up to `window` of them unanswered;
// "close" ends the session. the server may hint "serverclose" (txnr 0) before
// it drops the connection, as rsyslog's imrelp does after every close

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace slotlog {

class relp_client {
public:
    // rsyslog's default window and the protocol's largest rsp data (librelp's
    // maxDataSize): a bigger frame from the server is a protocol error
    static constexpr std::size_t default_window = 128;
    static constexpr std::size_t max_data = 128 * 1024;
    // txnr 1..999'999'999, then 1 again, as the spec says. librelp's server
    // expects 1'000'000'000 there (and cannot read 10 digits): it drops the
    // connection, and what was not acknowledged goes again on the next one
    static constexpr std::uint32_t max_txnr = 999'999'999;

    explicit relp_client(std::size_t window = default_window);

    // a new connection: everything starts again (txnr 1); appends the "open" frame to out.
    // first_txnr is for tests of the wrap: a session always starts at 1
    void start(std::string& out, std::uint32_t first_txnr = 1);
    bool opened() const noexcept;  // the server accepted the open offer
    // room in the window for one more syslog command (and the session is open)
    bool can_send() const noexcept;
    // appends a "syslog" frame with this message; returns its txnr. appends
    // nothing and returns 0 (never a txnr) unless can_send(). rsyslog's imrelp
    // cuts a message longer than its maxDataSize (by default its maxMessageSize,
    // 8 KiB) and still answers 200
    std::uint32_t send_syslog(std::string& out, std::string_view message);
    // appends the "close" frame, if a session was started and neither closed nor broken
    void close(std::string& out);

    struct event {
        enum class kind {
            opened,          // the server accepted the session: syslog commands may follow
            acknowledged,    // txnr: the server has the message
            refused,         // txnr: the server answered an error code (text); send it again later
            server_closed,   // the server's "serverclose" hint: it drops the connection
            closed,          // the server answered our close
            protocol_error,  // text: what was wrong; the connection is of no use any more
        } what;
        std::uint32_t txnr = 0;
        std::string text;  // the server's text, or what was wrong
    };
    // bytes read from the connection, in any pieces (a frame may be split anywhere,
    // several may come in one read). after server_closed, closed or protocol_error
    // the session is over: further bytes are ignored until the next start()
    void receive(std::string_view bytes, std::vector<event>& out);

    // syslog commands sent and not answered yet
    std::size_t unacknowledged() const noexcept;

private:
    enum class session { idle, opening, open, closing, over };
    enum class command { open, syslog, close };
    enum class parse { txnr, command, datalen, data, trailer, broken };

    struct pending {
        std::uint32_t txnr;
        command cmd;
    };

    std::uint32_t send_(std::string& out, command cmd, std::string_view name, std::string_view data);
    void next_frame_();
    std::size_t step_(std::string_view bytes, std::vector<event>& out);
    std::size_t take_txnr_(char c, std::vector<event>& out);
    std::size_t take_command_(char c, std::vector<event>& out);
    std::size_t take_datalen_(char c, std::vector<event>& out);
    std::size_t take_trailer_(char c, std::vector<event>& out);
    void frame_(std::vector<event>& out);
    void answer_(std::uint32_t txnr, std::vector<event>& out);
    void fail_(std::vector<event>& out, std::string text);

    std::size_t window_;
    session session_ = session::idle;
    std::uint32_t next_txnr_ = 1;
    std::deque<pending> pending_;  // commands in the order sent
    std::size_t syslog_pending_ = 0;

    // the frame being read
    parse state_ = parse::broken;
    std::uint32_t txnr_ = 0;
    std::size_t digits_ = 0;
    std::string command_;
    std::size_t datalen_ = 0;
    std::string data_;
};

} // namespace slotlog
