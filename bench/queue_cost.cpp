// the forward output's cost per entry on the writer thread, piece by piece
// (bench/README.md, "Forwarding"): the entry's id, its rfc 5424 message, and
// the disk queue's push with one write per batch of B records (the writer's
// batch), or per record (B = 1, as before the queue held records). cpu time
// of this process over N entries like the bench's (a decoded 100-byte rfc
// 3164 line), in a temporary folder on the same disk as /tmp.
//
//   queue_cost [-n N] [-b B] [--dir DIR]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/decode.h>

#include "forward/disk_queue.h"
#include "forward/syslog_message.h"

namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// µs of cpu per entry of `step` over n entries
template <typename Step>
double per_entry(std::size_t n, Step step) {
    const double before = cpu_seconds();
    for (std::size_t i = 0; i < n; ++i) step(i);
    return (cpu_seconds() - before) / static_cast<double>(n) * 1e6;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t n = 1'000'000, batch = 100;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "slotlog-queue-cost";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view a = argv[i];
        if (a == "-n") n = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "-b") batch = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--dir") dir = argv[i + 1];
    }
    if (n == 0 || batch == 0) {
        std::fprintf(stderr, "usage: queue_cost [-n N] [-b B] [--dir DIR]\n");
        return 2;
    }
    // the bench's line (bench/loadgen), decoded as the writer decodes it
    const std::string line = "<134>Nov 25 00:39:24 benchhost bench[15583]: seq=0000000042 ts=1795567154408331707 "
                             "xxxxxxxxxx";
    const slotlog::entry e = slotlog::decode(line, slotlog::origin{"udp:127.0.0.1:5514", "127.0.0.1", {}});
    const slotlog::rfc5424_options format;
    std::string id, message;
    std::vector<std::string> ids(1), messages(1);

    const double id_us = per_entry(n, [&](std::size_t i) { id = slotlog::entry_id(e, 42, i); });
    const double format_us = per_entry(n, [&](std::size_t) {
        message.clear();
        slotlog::append_rfc5424(message, e, id, format);
    });
    double push_us[2] = {0, 0};
    const std::size_t batches[2] = {batch, 1};
    for (int k = 0; k < 2; ++k) {
        std::filesystem::remove_all(dir);
        slotlog::disk_queue_options o;
        o.dir = dir;
        o.max_size = 64ull << 30;
        slotlog::disk_queue q(o, nullptr);
        push_us[k] = per_entry(n, [&](std::size_t i) {
            q.push(id, message);
            if ((i + 1) % batches[k] == 0) q.flush();
        });
    }
    std::filesystem::remove_all(dir);
    std::printf("%zu entries, a %zu-byte message: id %.3f us, rfc 5424 %.3f us, queue push %.3f us "
                "(a write per %zu records), %.3f us (a write per record)\n",
                n, message.size(), id_us, format_us, push_us[0], batch, push_us[1]);
    return 0;
}
