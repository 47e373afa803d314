// zlib's inflate over a file opened for shared reading

#include "gzip_lines.h"

#include <zlib.h>

#include <memory>

#include "file_follow.h"

namespace slotlog {

namespace {

constexpr std::size_t in_size = 64 * 1024;
constexpr std::size_t out_size = 256 * 1024;

// hands the complete lines of `pending`, keeps the rest
void hand_lines(std::string& pending, const std::function<void(std::string_view)>& on_line) {
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
        on_line(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
}

struct inflater {
    z_stream z{};
    bool ready = false;
    // 16 + 15: a gzip wrapper, the largest window
    inflater() { ready = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK; }
    ~inflater() {
        if (ready) inflateEnd(&z);
    }
};

std::string zlib_error(const inflater& in, int rc) {
    if (in.z.msg != nullptr) return in.z.msg;
    return rc == Z_MEM_ERROR ? "out of memory" : "corrupt data";
}

} // namespace

std::optional<std::string> read_gzip_lines(shared_read_file& file,
                                           const std::function<void(std::string_view)>& on_line) {
    inflater in;
    if (!in.ready) return "zlib cannot start: out of memory";
    const auto input = std::make_unique<unsigned char[]>(in_size);
    const auto output = std::make_unique<unsigned char[]>(out_size);
    std::string pending;  // decompressed bytes of a line whose newline has not come yet
    std::uint64_t offset = 0;
    bool member_ended = false;  // the last member read was complete
    bool any_input = false;

    for (;;) {
        if (in.z.avail_in == 0) {
            std::size_t got = 0;
            try {
                got = file.read_at(offset, reinterpret_cast<char*>(input.get()), in_size);
            } catch (const std::exception& e) {
                return std::string("cannot read: ") + e.what();
            }
            if (got == 0) break;
            any_input = true;
            offset += got;
            in.z.next_in = input.get();
            in.z.avail_in = static_cast<uInt>(got);
        }
        if (member_ended) {
            // another member follows (concatenated gzip files)
            if (inflateReset(&in.z) != Z_OK) return "zlib cannot restart";
            member_ended = false;
        }
        in.z.next_out = output.get();
        in.z.avail_out = static_cast<uInt>(out_size);
        const int rc = inflate(&in.z, Z_NO_FLUSH);
        pending.append(reinterpret_cast<const char*>(output.get()), out_size - in.z.avail_out);
        hand_lines(pending, on_line);
        if (rc == Z_STREAM_END) {
            member_ended = true;
        } else if (rc == Z_BUF_ERROR && in.z.avail_in > 0) {
            return std::string("corrupt data");  // no progress with input and room for output
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return zlib_error(in, rc);
        }
    }
    if (!any_input) return std::string("empty file");
    if (!member_ended) return std::string("truncated (the file ends inside the compressed data)");
    if (!pending.empty()) on_line(pending);
    return std::nullopt;
}

bool is_gzip_name(const std::string& name) noexcept {
    const auto n = name.size();
    return n >= 3 && name[n - 3] == '.' && (name[n - 2] | 0x20) == 'g' && (name[n - 1] | 0x20) == 'z';
}

} // namespace slotlog
