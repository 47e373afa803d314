#pragma once

// the transports behind make_input: each platform implements
// make_mailslot_input and make_udp_input in its own files

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <slotlog/input.h>

#include "thread_name.h"

namespace slotlog {

std::unique_ptr<input> make_mailslot_input(const input_config& cfg);
std::unique_ptr<input> make_udp_input(const input_config& cfg);

// an input that reads on threads of its own (one, unless the input has more
// readers). derived classes call stop() in their destructor, before the
// members run() uses are gone
class threaded_input : public input {
public:
    void start(message_handler& handler) final {
        counting_.next = &handler;
        for (unsigned i = 0; i < readers_; ++i) {
            threads_.emplace_back([this, i] {
                name_this_thread("slotlog-read");
                run(counting_, i);
            });
        }
    }
    void stop() noexcept final {
        if (threads_.empty()) return;
        wake();
        for (auto& t : threads_) t.join();
        threads_.clear();
    }
    const std::string& name() const noexcept final { return name_; }
    input_counts counts() const noexcept final {
        return {counting_.received.load(std::memory_order_relaxed), counting_.dropped.load(std::memory_order_relaxed)};
    }

protected:
    explicit threaded_input(std::string name, unsigned readers = 1)
        : name_(std::move(name)), readers_(readers ? readers : 1) {}
    unsigned readers() const noexcept { return readers_; }
    // reader `reader` (0 .. readers() - 1) reads until woken, then delivers
    // what the endpoint still holds and returns
    virtual void run(message_handler& handler, unsigned reader) noexcept = 0;
    // wakes every reader
    virtual void wake() noexcept = 0;

private:
    // counts on the way to the pipeline: the statistics per input
    struct counting_handler final : message_handler {
        message_handler* next = nullptr;
        std::atomic<std::uint64_t> received{0}, dropped{0};
        void on_message(std::string_view payload, const origin& from) noexcept override {
            received.fetch_add(1, std::memory_order_relaxed);
            next->on_message(payload, from);
        }
        void on_drop(const std::string& why) noexcept override {
            dropped.fetch_add(1, std::memory_order_relaxed);
            next->on_drop(why);
        }
        void on_problem(level lvl, const std::string& what) noexcept override { next->on_problem(lvl, what); }
    };

    std::string name_;
    unsigned readers_;
    counting_handler counting_;
    std::vector<std::thread> threads_;
};

// after a stop, what an endpoint already holds is still delivered, up to this many
inline constexpr int max_drain_after_stop = 1 << 20;

// after a wake-up that found less than a full batch, a reader pauses this long
// before it waits again: under a steady stream one wake-up then carries many
// messages instead of one each (far less cpu per message), for at most this
// much added latency. the endpoint's buffer holds what arrives meanwhile
inline constexpr auto reader_pause = std::chrono::microseconds(500);

// what the udp-based inputs do with each datagram read: a udp input delivers
// it as it is; a netbios input unwraps the remote mailslot write it carries
// when it is addressed to the input's slot, and ignores writes to other slots
// (browser announcements and the like share port 138); a udp input with a
// slot does either (the slotlog broadcast port)
class datagram_delivery {
public:
    explicit datagram_delivery(const input_config& cfg);

    // peer: the sender's address as text. never throws
    void deliver(std::string_view datagram, std::string_view peer, clock::time_point received,
                 message_handler& handler) noexcept;
    // the input, for messages about it ("udp:127.0.0.1:5514")
    const std::string& where() const noexcept { return where_; }

private:
    enum class mode { plain, wire, either };
    mode mode_;
    std::string where_;                 // "udp:<bind>", "netbios:<bind>"
    std::uint64_t where_tag_;           // the input, as part of a message's path
    std::string slot_;                  // the slot of unwrapped writes ("logger")
    std::string peer_;                  // "NAME/address" of the last write, reused
};

// "127.0.0.1:5514", "[::1]:5514" -> host, port (validated by the configuration)
struct host_port {
    std::string host;
    std::string port;
};
host_port split_host_port(const std::string& bind);

} // namespace slotlog
