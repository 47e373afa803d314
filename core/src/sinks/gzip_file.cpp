#include "sinks/gzip_file.h"

#include <fstream>
#include <vector>

#include <zlib.h>

#include "sinks/file_ops.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t chunk = 256u << 10;

fs::path with_suffix(const fs::path& file, const char* suffix) {
    auto p = file;
    p += suffix;
    return p;
}

// X -> X.gz.part, deflated with a gzip header; nullopt, or why it failed
std::optional<std::string> deflate_to(const fs::path& from, const fs::path& to, gzip_result& r) {
    std::ifstream in(from, std::ios::binary);
    if (!in) return std::string("cannot open it for reading");
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    if (!out) return std::string("cannot create ") + to.filename().string();
    z_stream z{};
    // 15 + 16: a gzip header and trailer rather than zlib's
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return std::string("zlib cannot start");
    }
    std::vector<char> src(chunk), dst(chunk);
    std::optional<std::string> why;
    int flush = Z_NO_FLUSH;
    while (!why && flush != Z_FINISH) {
        in.read(src.data(), static_cast<std::streamsize>(src.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (in.bad()) why = "reading it failed";
        flush = in.eof() ? Z_FINISH : Z_NO_FLUSH;
        r.in += got;
        z.next_in = reinterpret_cast<Bytef*>(src.data());
        z.avail_in = static_cast<uInt>(got);
        do {
            z.next_out = reinterpret_cast<Bytef*>(dst.data());
            z.avail_out = static_cast<uInt>(dst.size());
            if (deflate(&z, flush) == Z_STREAM_ERROR) why = "zlib failed";
            const auto have = dst.size() - z.avail_out;
            out.write(dst.data(), static_cast<std::streamsize>(have));
            r.out += have;
            if (!out) why = "writing " + to.filename().string() + " failed (disk full?)";
        } while (!why && z.avail_out == 0);
    }
    deflateEnd(&z);
    out.close();
    if (!why && !out) why = "writing " + to.filename().string() + " failed (disk full?)";
    return why;
}

} // namespace

fs::path gz_path(const fs::path& file) { return with_suffix(file, ".gz"); }
fs::path gz_part_path(const fs::path& file) { return with_suffix(file, ".gz.part"); }

bool gzip_complete(const fs::path& gz) noexcept {
    try {
        std::ifstream in(gz, std::ios::binary);
        if (!in) return false;
        z_stream z{};
        if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
        std::vector<char> src(chunk), dst(chunk);
        bool ok = true, ended = false, any = false;
        while (ok) {
            in.read(src.data(), static_cast<std::streamsize>(src.size()));
            const auto got = static_cast<std::size_t>(in.gcount());
            if (in.bad()) ok = false;
            if (got == 0) break;
            z.next_in = reinterpret_cast<Bytef*>(src.data());
            z.avail_in = static_cast<uInt>(got);
            for (;;) {
                if (ended) {
                    if (z.avail_in == 0) break;
                    // another member follows (gzip allows several): it must be whole too
                    inflateReset(&z);
                    ended = false;
                }
                z.next_out = reinterpret_cast<Bytef*>(dst.data());
                z.avail_out = static_cast<uInt>(dst.size());
                const int rc = inflate(&z, Z_NO_FLUSH);
                any = true;
                if (rc == Z_STREAM_END) {
                    ended = true;
                } else if (rc == Z_BUF_ERROR && z.avail_in == 0) {
                    break;  // wants more input
                } else if (rc != Z_OK) {
                    ok = false;
                    break;
                }
                // all input taken and the output not full: nothing is pending
                if (!ended && z.avail_in == 0 && z.avail_out != 0) break;
            }
            if (in.eof()) break;
        }
        inflateEnd(&z);
        return ok && any && ended;
    } catch (...) {
        return false;
    }
}

gzip_result gzip_file(const fs::path& file) noexcept {
    gzip_result r;
    try {
        const auto gz = gz_path(file), part = gz_part_path(file);
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            r.error = "it does not exist";
            return r;
        }
        if (fs::exists(gz, ec)) {
            if (gzip_complete(gz)) {
                // a crash after the rename, before the delete: done already
                r.earlier = true;
                r.kept = remove_file(file);
                return r;
            }
            // never made by a rename of ours (a complete .part is all we rename)
            if (auto why = remove_file(gz)) {
                r.error = "a broken " + gz.filename().string() + " is in the way and cannot be removed: " + *why;
                return r;
            }
        }
        if (auto why = remove_file(part)) {
            r.error = "cannot remove the leftover " + part.filename().string() + ": " + *why;
            return r;
        }
        auto why = deflate_to(file, part, r);
        if (!why) why = sync_file(part);
        if (!why) why = rename_file(part, gz);
        if (why) {
            remove_file(part);
            r.error = *why;
            return r;
        }
        // the name of the .gz is on the disk before the file it replaces goes
        sync_folder(file.parent_path());
        r.kept = remove_file(file);
    } catch (const std::exception& e) {
        r.error = e.what();
    } catch (...) {
        r.error = "out of memory";
    }
    return r;
}

} // namespace slotlog
