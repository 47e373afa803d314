#pragma once

// what passes from the readers' threads to the writer thread: the queue of
// messages as read (and of the collector's own), and the control verbs that
// the writer carries out itself

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <slotlog/control.h>
#include <slotlog/entry.h>
#include <slotlog/queue.h>

namespace slotlog {

// what the queue carries, half the size of an entry: a message as read
// (the writer decodes it) or a message of the collector's own
struct queued {
    clock::time_point time{};
    std::string text;              // the payload, or the collector's own message
    std::string peer;              // the sender, where the transport knows it
    std::string slot;              // the input
    std::uint64_t path = 0;        // origin::path
    std::uint8_t sender_size = 0;  // origin::sender, the start of peer
    bool named = false;            // origin::named
    level lvl = level::info;       // the collector's own only
    bool own = false;
};

using message_queue = bounded_queue<queued>;

// accepted rotate and flush verbs: the writer writes the notice just before
// it carries the verb out, so that the notice is in the file rotated or flushed
struct writer_request {
    control_verb verb;
    std::string notice;
};

class writer_requests {
public:
    void push(writer_request r) {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(r));
    }
    // every request since the last take, oldest first
    std::vector<writer_request> take() {
        std::vector<writer_request> out;
        std::lock_guard lock(mutex_);
        out.swap(requests_);
        return out;
    }

private:
    std::mutex mutex_;
    std::vector<writer_request> requests_;
};

} // namespace slotlog
