// the posix mailslot: a unix datagram socket at RUNTIME/<slot>, opened by
// the mailslot_reader of core/proto (which handles stale sockets and a live
// reader already on the slot) and read in batches

#include <poll.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <thread>

#include <slotlog/mailslot_reader.h>

#include "transport/inputs.h"
#include "transport/posix/datagram_batch.h"
#include "transport/posix/wake_pipe.h"

namespace slotlog {

namespace {

class mailslot_input final : public threaded_input {
public:
    explicit mailslot_input(const input_config& cfg)
        : threaded_input(cfg.key()), reader_(cfg.name, static_cast<std::size_t>(cfg.max_message_size)),
          slot_(reader_.slot().name), batch_(static_cast<std::size_t>(cfg.max_message_size)) {}

    ~mailslot_input() override { stop(); }

private:
    void wake() noexcept override { wake_.notify(); }

    void run(message_handler& handler) noexcept override {
        pollfd fds[2] = {{reader_.native_handle(), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
            const bool stopping = fds[1].revents != 0;
            // no pause as udp makes: a writer blocks once net.unix.max_dgram_qlen
            // datagrams wait (10 unless the system raised it), so any pause stalls it
            drain_(handler, stopping ? max_drain_after_stop : -1);
            if (stopping) break;
        }
    }

    // every message queued on the socket, in batches; how many were read
    int drain_(message_handler& handler, int limit) noexcept {
        origin from{slot_, {}, {}};
        from.blocks_sender = true;
        int total = 0;
        while (limit < 0 || total < limit) {
            const int n = batch_.receive(reader_.native_handle());
            if (n < 0) {
                // a failed read loses nothing queued; pause so a lasting error cannot spin
                handler.on_problem(level::error, "cannot read slot '" + slot_ + "': " + std::strerror(errno));
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                break;
            }
            if (n == 0) break;
            from.received = clock::now();
            for (int i = 0; i < n; ++i) {
                if (batch_.too_large(i)) {
                    // that one message, whole; the next is fine
                    handler.on_drop("a message of " + std::to_string(batch_.size(i)) + " bytes to slot '" + slot_ +
                                    "' was dropped: the slot accepts at most " +
                                    std::to_string(batch_.max_size()) + " bytes");
                    continue;
                }
                handler.on_message(batch_.data(i), from);
            }
            total += n;
        }
        return total;
    }

    mailslot_reader reader_;
    std::string slot_;
    datagram_batch batch_;
    wake_pipe wake_;
};

} // namespace

std::unique_ptr<input> make_mailslot_input(const input_config& cfg) {
    return std::make_unique<mailslot_input>(cfg);
}

} // namespace slotlog
