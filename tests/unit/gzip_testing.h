#pragma once

// reading back the .gz files a test made, with zlib's own reader

#include <filesystem>
#include <string>

#include <zlib.h>

namespace slotlog::testing {

// what zlib makes of a .gz: its text, "<cannot open>", or "<read error>" for a damaged one
inline std::string gunzip(const std::filesystem::path& p) {
    const gzFile f = gzopen(p.string().c_str(), "rb");
    if (!f) return "<cannot open>";
    std::string all;
    char buf[1 << 14];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(n));
    int err = Z_OK;
    gzerror(f, &err);
    gzclose(f);
    return n < 0 || err != Z_OK ? "<read error>" : all;
}

} // namespace slotlog::testing
