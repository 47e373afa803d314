// loadgen: the benchmark's load generator (POSIX only).
//
//   loadgen --udp HOST:PORT | --unix PATH  -n N  -s SIZE  [--rate R] [--start-seq K]
//           [--sender send|sendmmsg] [--stamp] [--batch B] [--duration SECONDS] [--gso] [--hosts H]
//
// Sends N RFC 3164 syslog lines that slotlogd and rsyslogd both parse:
//
//   <134>Nov 24 21:17:35 benchhost bench[1234]: seq=0000000042 [ts=<ns> ]xxxx...
//
// each exactly SIZE bytes (padded with 'x'), with a sequence number (K, K+1, ...)
// and, with --stamp, the CLOCK_REALTIME nanoseconds just before the send call.
// --hosts H spreads them over H host names in the HOSTNAME field, host0000 ..
// host<H-1> (at least 4 digits), round-robin by sequence number: message seq
// comes from host (seq % H), so a reader can check which file it landed in.
// The padding takes up the difference, the size stays SIZE.
// Without --rate it sends at full speed (UDP datagrams the receiver cannot
// take are lost; a unix datagram socket blocks while the receiver's queue is
// full, so nothing is lost there). --sender sendmmsg (the default) hands the
// kernel batches of B messages per sendmmsg call; --sender send makes one
// send system call per datagram, as applications do. --gso (UDP) hands the
// kernel up to 64 messages per send with UDP_SEGMENT, which cuts them into
// datagrams of SIZE bytes: a cheaper sender, so that on a small machine the
// generator can offer more than a collector takes. With --rate it paces
// small bursts against CLOCK_MONOTONIC. --duration stops early after that many
// seconds (a probe that cannot reach its rate stays short). At the end it prints one line of
// key=value pairs (sent, failed, seconds, rate, start_ns, end_ns) on stdout.
//
//   loadgen --receive HOST:PORT | --receive-unix PATH  [--recv-buffer BYTES] [--batch B]
//           [--threads T]
//
// The reference "null collector" (the ceiling of the zero-loss rate, the floor
// of CPU per message): binds a udp socket with the collectors' receive buffer
// (8 MiB, SO_RCVBUFFORCE as root), or a unix datagram socket at PATH (the
// mailslot's transport; its queue is the kernel's, as the collectors'), reads
// it with blocking recvmmsg batches of B (64) on one thread (or T that take
// turns at the socket, as a collector's several readers) and only counts
// the distinct sequence numbers of a window, writing nothing. The driver
// talks to it on the same socket, in order with the data (over unix from a
// bound socket, so that there is an address to answer):
// "SINK RESET LO HI" (window [LO, HI), counts cleared) answers "ok",
// "SINK REPORT" answers "distinct=N received=M", "SINK PING" answers "pong".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

struct options {
    std::string udp;
    std::string unix_path;
    std::uint64_t count = 0;
    std::size_t size = 100;
    double rate = 0;  // messages per second; 0: full speed
    std::uint64_t start_seq = 0;
    bool stamp = false;
    std::size_t batch = 64;
    double duration = 0;  // seconds; 0: until N are sent
    bool gso = false;      // udp: UDP_SEGMENT, many datagrams per send
    bool one_per_send = false;  // --sender send: one send() per datagram
    std::uint64_t hosts = 0;  // --hosts: host names to spread over; 0: benchhost
    std::string receive;   // --receive: the null collector's address
    std::string receive_unix;  // --receive-unix: its unix socket instead
    int recv_buffer = 8 << 20;
    unsigned threads = 1;  // --threads: the null collector's readers
};

[[noreturn]] void usage(const char* why) {
    if (why) std::fprintf(stderr, "loadgen: %s\n", why);
    std::fprintf(stderr,
                 "usage: loadgen --udp HOST:PORT | --unix PATH  -n N  -s SIZE  [--rate R msgs/s]\n"
                 "               [--start-seq K] [--sender send|sendmmsg] [--stamp] [--batch B]\n"
                 "               [--duration SECONDS] [--gso] [--hosts H]\n"
                 "       loadgen --receive HOST:PORT | --receive-unix PATH  [--recv-buffer BYTES] [--batch B]\n"
                 "               [--threads T]\n");
    std::exit(2);
}

template <typename T>
T number(std::string_view s, const char* what) {
    T v{};
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
        std::fprintf(stderr, "loadgen: %s: not a number: %.*s\n", what, static_cast<int>(s.size()), s.data());
        std::exit(2);
    }
    return v;
}

options parse(int argc, char** argv) {
    options o;
    bool have_n = false;
    bool have_batch = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) usage("missing value");
            return argv[++i];
        };
        if (a == "--udp") o.udp = value();
        else if (a == "--unix") o.unix_path = value();
        else if (a == "-n") { o.count = number<std::uint64_t>(value(), "-n"); have_n = true; }
        else if (a == "-s") o.size = number<std::size_t>(value(), "-s");
        else if (a == "--rate") o.rate = number<double>(value(), "--rate");
        else if (a == "--start-seq") o.start_seq = number<std::uint64_t>(value(), "--start-seq");
        else if (a == "--stamp") o.stamp = true;
        else if (a == "--gso") o.gso = true;
        else if (a == "--batch") { o.batch = number<std::size_t>(value(), "--batch"); have_batch = true; }
        else if (a == "--receive") o.receive = value();
        else if (a == "--receive-unix") o.receive_unix = value();
        else if (a == "--sender") {
            const std::string_view v = value();
            if (v == "send") o.one_per_send = true;
            else if (v == "sendmmsg") o.one_per_send = false;
            else usage("--sender: send or sendmmsg");
        }
        else if (a == "--recv-buffer") o.recv_buffer = number<int>(value(), "--recv-buffer");
        else if (a == "--threads") o.threads = std::clamp(number<unsigned>(value(), "--threads"), 1u, 16u);
        else if (a == "--duration") o.duration = number<double>(value(), "--duration");
        else if (a == "--hosts") o.hosts = number<std::uint64_t>(value(), "--hosts");
        else if (a == "-h" || a == "--help") usage(nullptr);
        else usage("unknown argument");
    }
    if (!o.receive.empty() || !o.receive_unix.empty()) {
        if (!o.udp.empty() || !o.unix_path.empty() || (!o.receive.empty() && !o.receive_unix.empty())) {
            usage("--receive and --receive-unix are modes of their own");
        }
        if (!have_batch) o.batch = 64;
        o.batch = std::clamp<std::size_t>(o.batch, 1, 1024);
        return o;
    }
    if (o.udp.empty() == o.unix_path.empty()) usage("give exactly one of --udp and --unix");
    if (!have_n) usage("-n is required");
    if (o.size > 65000) usage("-s: at most 65000 bytes");
    if (o.rate < 0) usage("--rate must be positive");
    if (o.duration < 0) usage("--duration must be positive");
    if (o.hosts > 1'000'000'000) usage("--hosts: at most 1000000000");
    if (o.gso && o.one_per_send) usage("--gso sends many datagrams per call: not with --sender send");
    o.batch = std::clamp<std::size_t>(o.batch, 1, 4096);
    return o;
}

// HOST:PORT ([v6]:PORT) as a udp address; exits on failure
addrinfo* resolve(const std::string& where, const char* what) {
    std::string host = where, port;
    const auto colon = host.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "loadgen: %s: expected HOST:PORT\n", what);
        std::exit(2);
    }
    port = host.substr(colon + 1);
    host.resize(colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        std::fprintf(stderr, "loadgen: %s: %s\n", where.c_str(), ::gai_strerror(rc));
        std::exit(1);
    }
    return res;
}

int open_socket(const options& o) {
    if (!o.unix_path.empty()) {
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) { std::perror("loadgen: socket"); std::exit(1); }
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        if (o.unix_path.size() >= sizeof sa.sun_path) usage("--unix: path too long");
        std::memcpy(sa.sun_path, o.unix_path.data(), o.unix_path.size());
        if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            std::fprintf(stderr, "loadgen: connect %s: %s\n", o.unix_path.c_str(), std::strerror(errno));
            std::exit(1);
        }
        return fd;
    }
    addrinfo* res = resolve(o.udp, "--udp");
    const int fd = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { std::perror("loadgen: socket"); std::exit(1); }
    if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        std::fprintf(stderr, "loadgen: connect %s: %s\n", o.udp.c_str(), std::strerror(errno));
        std::exit(1);
    }
    ::freeaddrinfo(res);
    // a large send buffer, so that the sender itself is not what limits a burst
    const int sndbuf = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    return fd;
}

std::int64_t now_ns(clockid_t clock) {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// writes v as exactly `width` decimal digits (zero padded) at p
void put_digits(char* p, std::uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

// one message buffer; the digits of seq, ts and host are patched in place per send
struct message {
    std::vector<char> bytes;
    std::size_t seq_at = 0;
    std::size_t ts_at = 0;    // meaningful with --stamp
    std::size_t host_at = 0;  // meaningful with --hosts: the digits after "host"
    int host_width = 0;
};

constexpr std::size_t max_gso_segments = 64;  // UDP_MAX_SEGMENTS of older kernels
constexpr int seq_width = 10;
constexpr int ts_width = 19;

message make_template(const options& o) {
    char head[128];
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%b %e %H:%M:%S", &tm);  // RFC 3164: "Nov  4 21:17:35"
    message m;
    std::string host = "benchhost";
    if (o.hosts > 0) {
        // as many digits as the last host needs, at least 4: host0000 .. host0999
        m.host_width = 4;
        for (std::uint64_t last = o.hosts - 1; last >= 10'000; last /= 10) ++m.host_width;
        host = "host" + std::string(static_cast<std::size_t>(m.host_width), '0');
    }
    const int n = std::snprintf(head, sizeof head, "<134>%s %s bench[%d]: seq=", when, host.c_str(),
                                static_cast<int>(::getpid()));
    std::string s(head, static_cast<std::size_t>(n));
    if (o.hosts > 0) m.host_at = s.find(host) + 4;
    m.seq_at = s.size();
    s.append(seq_width, '0');
    s += ' ';
    if (o.stamp) {
        s += "ts=";
        m.ts_at = s.size();
        s.append(ts_width, '0');
        s += ' ';
    }
    if (s.size() < o.size) s.append(o.size - s.size(), 'x');
    else if (s.size() > o.size) {
        std::fprintf(stderr, "loadgen: -s %zu is smaller than the message header (%zu bytes); sending %zu\n", o.size,
                     s.size(), s.size());
    }
    m.bytes.assign(s.begin(), s.end());
    return m;
}

// --receive: the null collector. what it does per datagram is the least any
// collector must do: take it off the socket and look at its sequence number
class null_collector {
public:
    explicit null_collector(const options& o) : batch_(o.batch) {
        if (!o.receive_unix.empty()) {
            bind_unix(o.receive_unix);
        } else {
            bind_udp(o);
        }
    }

    // `threads` threads take turns at the socket, as a collector's several readers do
    [[noreturn]] void run(unsigned threads) {
        for (unsigned i = 1; i < threads; ++i) std::thread([this] { receive(); }).detach();
        receive();
    }

private:
    // what each thread reads into
    struct buffers {
        explicit buffers(std::size_t batch) : data(batch * slot_size), iov(batch), hdr(batch), peers(batch) {
            for (std::size_t i = 0; i < batch; ++i) iov[i] = {data.data() + i * slot_size, slot_size};
        }
        std::vector<char> data;
        std::vector<iovec> iov;
        std::vector<mmsghdr> hdr;
        std::vector<sockaddr_storage> peers;
    };

    [[noreturn]] void receive() {
        buffers b(batch_);
        for (;;) {
            for (std::size_t i = 0; i < batch_; ++i) {
                b.hdr[i] = mmsghdr{};
                b.hdr[i].msg_hdr.msg_iov = &b.iov[i];
                b.hdr[i].msg_hdr.msg_iovlen = 1;
                b.hdr[i].msg_hdr.msg_name = &b.peers[i];
                b.hdr[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
            }
            // blocks for the first datagram, then takes what is queued (up to batch_)
            const int n = ::recvmmsg(fd_, b.hdr.data(), static_cast<unsigned>(batch_), MSG_WAITFORONE, nullptr);
            if (n < 0) {
                if (errno == EINTR) continue;
                std::perror("loadgen: recvmmsg");
                std::exit(1);
            }
            std::lock_guard lock(mutex_);  // once a batch: the counts are the threads'
            for (int i = 0; i < n; ++i) {
                const auto& h = b.hdr[static_cast<std::size_t>(i)];
                const std::string_view d(static_cast<const char*>(h.msg_hdr.msg_iov->iov_base),
                                         std::min<std::size_t>(h.msg_len, slot_size));
                if (d.starts_with("SINK ")) {
                    command(d.substr(5), b.peers[static_cast<std::size_t>(i)], h.msg_hdr.msg_namelen);
                } else {
                    count(d);
                }
            }
        }
    }

    static constexpr std::size_t slot_size = 65536;

    void bind_udp(const options& o) {
        addrinfo* res = resolve(o.receive, "--receive");
        fd_ = ::socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) { std::perror("loadgen: socket"); std::exit(1); }
        // as the collectors: past net.core.rmem_max as root, else what the kernel allows
        if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &o.recv_buffer, sizeof o.recv_buffer) != 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &o.recv_buffer, sizeof o.recv_buffer);
        }
        if (::bind(fd_, res->ai_addr, res->ai_addrlen) != 0) {
            std::fprintf(stderr, "loadgen: bind %s: %s\n", o.receive.c_str(), std::strerror(errno));
            std::exit(1);
        }
        ::freeaddrinfo(res);
    }

    // as slotlogd's mailslot: a unix datagram socket with the kernel's queue
    // (net.unix.max_dgram_qlen), no buffer option
    void bind_unix(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) { std::perror("loadgen: socket"); std::exit(1); }
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        if (path.size() >= sizeof sa.sun_path) usage("--receive-unix: path too long");
        std::memcpy(sa.sun_path, path.data(), path.size());
        ::unlink(path.c_str());
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            std::fprintf(stderr, "loadgen: bind %s: %s\n", path.c_str(), std::strerror(errno));
            std::exit(1);
        }
    }

    void count(std::string_view d) {
        ++received_;
        const auto at = d.substr(0, 128).find("seq=");
        constexpr std::size_t digits = seq_width;
        if (at == std::string_view::npos || d.size() < at + 4 + digits) return;
        std::uint64_t seq = 0;
        for (std::size_t i = at + 4; i < at + 4 + digits; ++i) {
            if (d[i] < '0' || d[i] > '9') return;
            seq = seq * 10 + static_cast<std::uint64_t>(d[i] - '0');
        }
        if (seq < lo_ || seq >= hi_) return;
        auto& word = seen_[(seq - lo_) / 64];
        const std::uint64_t bit = std::uint64_t{1} << ((seq - lo_) % 64);
        distinct_ += (word & bit) == 0;
        word |= bit;
    }

    void command(std::string_view c, const sockaddr_storage& peer, socklen_t peer_size) {
        char reply[96];
        int size = 0;
        if (c.starts_with("RESET ")) {
            std::uint64_t lo = 0, hi = 0;
            if (std::sscanf(std::string(c.substr(6)).c_str(), "%llu %llu", reinterpret_cast<unsigned long long*>(&lo),
                            reinterpret_cast<unsigned long long*>(&hi)) != 2 || hi < lo || hi - lo > (1ull << 32)) {
                size = std::snprintf(reply, sizeof reply, "error: RESET LO HI");
            } else {
                lo_ = lo;
                hi_ = hi;
                seen_.assign((hi - lo + 63) / 64, 0);
                distinct_ = received_ = 0;
                size = std::snprintf(reply, sizeof reply, "ok");
            }
        } else if (c == "REPORT") {
            size = std::snprintf(reply, sizeof reply, "distinct=%llu received=%llu",
                                 static_cast<unsigned long long>(distinct_), static_cast<unsigned long long>(received_));
        } else if (c == "PING") {
            size = std::snprintf(reply, sizeof reply, "pong");
        } else {
            size = std::snprintf(reply, sizeof reply, "error: unknown command");
        }
        ::sendto(fd_, reply, static_cast<std::size_t>(size), 0, reinterpret_cast<const sockaddr*>(&peer), peer_size);
    }

    int fd_ = -1;
    std::size_t batch_;
    std::mutex mutex_;
    std::uint64_t lo_ = 0, hi_ = 0;
    std::vector<std::uint64_t> seen_;
    std::uint64_t distinct_ = 0, received_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    if (!o.receive.empty() || !o.receive_unix.empty()) null_collector(o).run(o.threads);
    const int fd = open_socket(o);
    const message tmpl = make_template(o);
    const std::size_t msize = tmpl.bytes.size();
    const std::size_t batch = o.batch;

    // the batch's messages back to back in one buffer; without --gso one
    // datagram (one mmsghdr) per message, with --gso one mmsghdr per `per_send`
    // messages that the kernel cuts into datagrams of msize bytes (UDP_SEGMENT)
    std::size_t per_send = 1;
    if (o.gso) {
        if (!o.unix_path.empty()) usage("--gso is for --udp only");
        const int seg = static_cast<int>(msize);
        if (::setsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) != 0) {
            std::fprintf(stderr, "loadgen: UDP_SEGMENT: %s\n", std::strerror(errno));
            return 1;
        }
        per_send = std::clamp<std::size_t>(60000 / msize, 1, max_gso_segments);
    }
    std::vector<char> buf(batch * msize);
    for (std::size_t i = 0; i < batch; ++i) std::memcpy(buf.data() + i * msize, tmpl.bytes.data(), msize);
    const std::size_t sends = (batch + per_send - 1) / per_send;
    std::vector<iovec> iov(sends);
    std::vector<mmsghdr> hdr(sends);

    std::uint64_t sent = 0, failed = 0;
    std::uint64_t next = 0;  // messages handed to the kernel or given up on
    const std::int64_t start_mono = now_ns(CLOCK_MONOTONIC);
    const std::int64_t start_real = now_ns(CLOCK_REALTIME);
    // pacing: at most a burst of about 1 ms of messages at once (at least 1)
    const std::size_t burst =
        o.rate > 0 ? std::clamp<std::size_t>(static_cast<std::size_t>(o.rate / 1000.0), 1, batch) : batch;

    const std::int64_t stop_at =
        o.duration > 0 ? start_mono + static_cast<std::int64_t>(o.duration * 1e9) : INT64_MAX;
    while (next < o.count) {
        if (stop_at != INT64_MAX && now_ns(CLOCK_MONOTONIC) >= stop_at) break;
        std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(burst, o.count - next));
        if (o.rate > 0) {
            // message i is due at start + i / rate
            const std::int64_t now = now_ns(CLOCK_MONOTONIC) - start_mono;
            const auto due = static_cast<std::uint64_t>(static_cast<double>(now) * o.rate / 1e9) + 1;
            if (due <= next) {
                const auto at = start_mono + static_cast<std::int64_t>(static_cast<double>(next) * 1e9 / o.rate);
                timespec ts{static_cast<time_t>(at / 1'000'000'000), static_cast<long>(at % 1'000'000'000)};
                ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
                continue;
            }
            k = static_cast<std::size_t>(std::min<std::uint64_t>(k, due - next));
        }
        const std::int64_t stamp = o.stamp ? now_ns(CLOCK_REALTIME) : 0;
        for (std::size_t i = 0; i < k; ++i) {
            char* m = buf.data() + i * msize;
            put_digits(m + tmpl.seq_at, o.start_seq + next + i, seq_width);
            if (o.hosts > 0) put_digits(m + tmpl.host_at, (o.start_seq + next + i) % o.hosts, tmpl.host_width);
            if (o.stamp) put_digits(m + tmpl.ts_at, static_cast<std::uint64_t>(stamp), ts_width);
        }
        if (o.one_per_send) {
            // one system call per datagram, as an application's syslog() makes
            for (std::size_t i = 0; i < k;) {
                if (::send(fd, buf.data() + i * msize, msize, 0) >= 0) {
                    ++sent;
                    ++i;
                } else if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
                    continue;
                } else {
                    ++failed;
                    ++i;
                }
            }
            next += k;
            continue;
        }
        const std::size_t nsend = (k + per_send - 1) / per_send;
        for (std::size_t j = 0; j < nsend; ++j) {
            const std::size_t first = j * per_send;
            iov[j].iov_base = buf.data() + first * msize;
            iov[j].iov_len = std::min(per_send, k - first) * msize;
            hdr[j] = mmsghdr{};
            hdr[j].msg_hdr.msg_iov = &iov[j];
            hdr[j].msg_hdr.msg_iovlen = 1;
        }
        std::size_t done = 0;  // mmsghdrs
        while (done < nsend) {
            const int r = ::sendmmsg(fd, hdr.data() + done, static_cast<unsigned>(nsend - done), 0);
            if (r > 0) {
                for (int j = 0; j < r; ++j) sent += iov[done + static_cast<std::size_t>(j)].iov_len / msize;
                done += static_cast<std::size_t>(r);
            } else if (r < 0 && errno == EINTR) {
                continue;
            } else if (r < 0 && (errno == ENOBUFS || errno == EAGAIN)) {
                continue;  // the local send path is full: try again
            } else {
                // e.g. ECONNREFUSED (nobody listening): these messages are lost
                failed += iov[done].iov_len / msize;
                ++done;
            }
        }
        next += k;
    }
    const std::int64_t end_mono = now_ns(CLOCK_MONOTONIC);
    const std::int64_t end_real = now_ns(CLOCK_REALTIME);
    ::close(fd);
    const double seconds = static_cast<double>(end_mono - start_mono) / 1e9;
    std::printf("sent=%llu failed=%llu size=%zu transport=%s seconds=%.6f rate=%.0f start_ns=%lld end_ns=%lld\n",
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(failed), tmpl.bytes.size(),
                o.unix_path.empty() ? "udp" : "unix", seconds, seconds > 0 ? static_cast<double>(sent) / seconds : 0.0,
                static_cast<long long>(start_real), static_cast<long long>(end_real));
    return failed == 0 ? 0 : 1;
}
