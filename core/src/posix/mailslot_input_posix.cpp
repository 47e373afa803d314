// the posix mailslot: a unix datagram socket at RUNTIME/<slot>, read through
// the client library's mailslot_reader (which handles stale sockets and a live
// reader already on the slot)

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <slotlog/client.h>

#include "inputs.h"
#include "posix/wake_pipe.h"

namespace slotlog {

namespace {

class mailslot_input final : public threaded_input {
public:
    explicit mailslot_input(const input_config& cfg)
        : threaded_input(cfg.key()), reader_(cfg.name, static_cast<std::size_t>(cfg.max_message_size)),
          slot_(reader_.slot().name) {}

    ~mailslot_input() override { stop(); }

private:
    void wake() noexcept override { wake_.notify(); }

    void run(message_handler& handler) noexcept override {
        std::string message;
        pollfd fds[2] = {{reader_.native_handle(), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
            const bool stopping = fds[1].revents != 0;
            drain_(handler, message, stopping ? max_drain_after_stop : -1);
            if (stopping) break;
        }
    }

    // every message queued on the socket, one wake-up
    void drain_(message_handler& handler, std::string& message, int limit) noexcept {
        origin from{slot_, {}, {}};
        for (int n = 0; limit < 0 || n < limit; ++n) {
            try {
                if (!reader_.try_get(message)) return;
            } catch (const mailslot_error& e) {
                if (e.code() == EMSGSIZE) {
                    handler.on_drop(e.what());  // that one message, whole; the next is fine
                    continue;
                }
                // a failed read loses nothing queued; pause so a lasting error cannot spin
                handler.on_problem(level::error, e.what());
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                return;
            } catch (...) {
                return;
            }
            from.received = clock::now();
            handler.on_message(message, from);
        }
    }

    mailslot_reader reader_;
    std::string slot_;
    wake_pipe wake_;
};

} // namespace

std::unique_ptr<input> make_mailslot_input(const input_config& cfg) {
    return std::make_unique<mailslot_input>(cfg);
}

} // namespace slotlog
