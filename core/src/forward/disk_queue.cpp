// the queue on disk of a forward output.
//
// the folder holds (and the queue touches nothing else in it):
//   00000000000000000001.seg  segment files, named by the number of their first record
//   ledger                    what was acknowledged; ledger.tmp while it is replaced
//
// a segment is a run of records, each (little-endian):
//   u32 length    of what follows the crc
//   u32 crc       crc-32c (castagnoli) of everything after it
//   u64 number    1, 2, 3...: never reused, also across restarts
//   i64 queued    microseconds since 1970-01-01 utc
//   u8  id length
//   id            at most 255 bytes
//   payload       the rest
// the ledger is 28 bytes: "SLQL" | u32 version (1) | u64 last acknowledged number |
// u64 next number | u32 crc-32c of the 24 bytes before it. it is written whole to
// ledger.tmp, synced and renamed over the ledger.
//
// writing: the writer thread's records are held and written together at the end of
// the newest segment, which the queue alone writes (one positional write per batch
// of the writer, or per flush_bytes; per record when every push is synced); a new segment starts once it holds segment_size bytes, and
// after every open (a crashed process may have left a torn record at the end of its
// last one). data, the ledger and the folder are synced at most once per
// fsync_interval, by whichever thread finds the sync due, never under the lock that
// push takes. a segment is deleted once all its records are acknowledged.
//
// recovery trusts the segments, not the ledger (vector's disk buffer stopped starting
// when the two disagreed, vector issues #16231 and #18130): every valid record after
// the ledger's number is read again, and a missing or damaged ledger means nothing was
// acknowledged: duplicates are allowed, loss is not. a record whose length, number or
// crc does not fit is damaged: the next valid record is looked for byte by byte (its
// length, number and crc must fit), the damaged stretch counts as one record and the
// first in each segment is reported. damage never stops the open; only a folder that
// cannot be created, listed or written does.

#include "forward/disk_queue.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <system_error>

#include <fmt/format.h>

#include <slotlog/detail/utf8.h>

#include "forward/queue_file.h"

namespace slotlog {

namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr std::size_t header_size = 8;   // length and crc
constexpr std::size_t fixed_size = 17;   // number, time and id length: the least a length can be
constexpr std::size_t min_record = header_size + fixed_size;
constexpr std::size_t max_length = fixed_size + disk_queue::max_id + disk_queue::max_payload;
constexpr std::size_t read_chunk = 64u << 10;
constexpr std::size_t ledger_size = 28;
constexpr std::uint32_t ledger_version = 1;
constexpr std::string_view segment_suffix = ".seg";
constexpr std::size_t number_digits = 20;

// ---- little-endian fields

std::uint32_t load32(const char* p) noexcept {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 24;
}

std::uint64_t load64(const char* p) noexcept { return std::uint64_t(load32(p)) | std::uint64_t(load32(p + 4)) << 32; }

void store32(char* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void store64(char* p, std::uint64_t v) noexcept {
    store32(p, static_cast<std::uint32_t>(v));
    store32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

// ---- names and times

std::string segment_name(std::uint64_t first) {
    return fmt::format("{:0{}}{}", first, number_digits, segment_suffix);
}

// the first record number a segment file's name says, or 0 when it is no segment of ours
std::uint64_t segment_number(std::string_view name) {
    if (name.size() != number_digits + segment_suffix.size() || !name.ends_with(segment_suffix)) return 0;
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < number_digits; ++i) {
        const char c = name[i];
        if (c < '0' || c > '9') return 0;
        const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (n > (UINT64_MAX - digit) / 10) return 0;
        n = n * 10 + digit;
    }
    return n;
}

std::int64_t to_micros(system_clock::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

system_clock::time_point from_micros(std::int64_t us) noexcept {
    return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(std::chrono::microseconds(us)));
}

// a wait that cannot overflow the clock
steady_clock::time_point deadline_after(std::chrono::milliseconds wait) noexcept {
    constexpr std::chrono::milliseconds longest = std::chrono::hours(24 * 365);
    return steady_clock::now() + std::clamp(wait, std::chrono::milliseconds(0), longest);
}

} // namespace

// ---- segments and reading them

struct disk_queue::segment {
    std::uint64_t first = 0;             // the number of its first record: its name
    std::filesystem::path path;
    // under mu_
    std::shared_ptr<queue_file> file;    // the written segment's, which the reader shares
    std::uint64_t written = 0;           // bytes of whole records
    bool sealed = false;                 // written no more
    // the reader thread's
    std::uint64_t damage_end = 0;        // damage before this offset was counted already
    bool reported = false;               // its first damage was reported
};

// reads segments through a window of the file, so that records are read
// lazily and memory stays at a chunk (or the one record larger than that)
class disk_queue::segment_reader {
public:
    // the size of the valid record at `offset` of `seg` (which holds `limit` bytes),
    // read into `rec` when it is given; 0 when it is damaged, and `why`
    std::uint64_t record(const std::shared_ptr<segment>& seg, const std::shared_ptr<queue_file>& shared,
                         std::uint64_t offset, std::uint64_t limit, std::uint64_t prev, std::uint64_t bound,
                         queued_record* rec, std::string& why) {
        const std::uint64_t left = limit - offset;
        if (left < min_record) {
            why = "torn: the file ends inside it";
            return 0;
        }
        const auto head = at(seg, shared, offset, min_record, limit);
        const std::uint32_t length = load32(head.data());
        const std::uint32_t crc = load32(head.data() + 4);
        const std::uint64_t number = load64(head.data() + 8);
        const auto id_size = static_cast<unsigned char>(head[24]);
        if (length < fixed_size || length > max_length || id_size > length - fixed_size) {
            why = "bad length";
            return 0;
        }
        if (length > left - header_size) {
            why = "torn: the file ends inside it";
            return 0;
        }
        if (number < seg->first || number <= prev || number >= bound) {
            why = "unexpected record number";
            return 0;
        }
        const auto body = at(seg, shared, offset + header_size, length, limit);
        if (crc32c(body) != crc) {
            why = "bad checksum";
            return 0;
        }
        if (rec) {
            rec->number = number;
            rec->queued = from_micros(static_cast<std::int64_t>(load64(body.data() + 8)));
            rec->id.assign(body.substr(fixed_size, id_size));
            rec->payload.assign(body.substr(fixed_size + id_size));
        }
        return header_size + length;
    }

    // where the next valid record after the damaged one at `offset` starts (`limit` if none)
    std::uint64_t resync(const std::shared_ptr<segment>& seg, const std::shared_ptr<queue_file>& shared,
                         std::uint64_t offset, std::uint64_t limit, std::uint64_t prev, std::uint64_t bound) {
        std::string why;
        for (std::uint64_t at = offset + 1; at + min_record <= limit; ++at)
            if (record(seg, shared, at, limit, prev, bound, nullptr, why) != 0) return at;
        return limit;
    }

    // lets go of a segment that is about to be deleted
    void forget(const segment* seg) noexcept {
        if (seg_.get() != seg) return;
        seg_.reset();
        file_.reset();
        size_ = 0;
    }

private:
    std::string_view at(const std::shared_ptr<segment>& seg, const std::shared_ptr<queue_file>& shared,
                        std::uint64_t offset, std::size_t size, std::uint64_t limit) {
        if (seg_ != seg) {
            forget(seg_.get());
            if (shared) {
                file_ = shared;
            } else {
                auto f = std::make_shared<queue_file>();
                f->open(seg->path, queue_file::open_mode::existing);
                file_ = std::move(f);
            }
            seg_ = seg;
        }
        if (offset >= at_ && offset + size <= at_ + size_) return {buf_.get() + (offset - at_), size};
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(std::max(size, read_chunk), limit - offset));
        // a large record gets a buffer of its own size, given back at the next small read
        if (want > capacity_ || (capacity_ > 4 * read_chunk && want <= read_chunk)) {
            buf_.reset();
            capacity_ = 0;
            buf_ = std::make_unique<char[]>(want);
            capacity_ = want;
        }
        size_ = 0;
        const std::size_t got = file_->read_at(offset, buf_.get(), want);
        if (got < size)
            throw std::runtime_error(fmt::format("{} is shorter than expected", detail::path_to_utf8(seg->path)));
        at_ = offset;
        size_ = got;
        return {buf_.get(), size};
    }

    std::shared_ptr<segment> seg_;
    std::shared_ptr<queue_file> file_;
    std::unique_ptr<char[]> buf_;
    std::size_t capacity_ = 0, size_ = 0;
    std::uint64_t at_ = 0;
};

// ---- open

disk_queue::disk_queue(disk_queue_options options, problem_reporter report)
    : options_(std::move(options)), report_fn_(std::move(report)), reader_(std::make_unique<segment_reader>()) {
    ledger_path_ = options_.dir / "ledger";
    ledger_temp_ = options_.dir / "ledger.tmp";
    if (options_.segment_size == 0) options_.segment_size = 1;
    open_();
}

disk_queue::~disk_queue() {
    write_pending_();
    sync_(sync_kind::now);
}

void disk_queue::open_() {
    std::error_code ec;
    std::filesystem::create_directories(options_.dir, ec);
    if (ec) throw std::runtime_error(fmt::format("forward queue {}: cannot create the folder: {}", name_(), ec.message()));
    std::vector<std::string> names;
    try {
        names = list_queue_folder(options_.dir);
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("forward queue {}: cannot read the folder: {}", name_(), e.what()));
    }
    std::vector<std::uint64_t> firsts;
    bool ledger_found = false;
    for (const auto& name : names) {
        if (const auto n = segment_number(name); n > 0) firsts.push_back(n);
        if (name == "ledger") ledger_found = true;
    }
    std::sort(firsts.begin(), firsts.end());

    const std::uint64_t ledger_next = read_ledger_(ledger_found, !firsts.empty());
    next_ = std::max({std::uint64_t(1), acked_ + 1, ledger_next});
    std::vector<std::filesystem::path> removed;
    adopt_segments_(firsts, removed);
    scan_();
    // the segments before the first unacknowledged record hold nothing more to send
    while (!segments_.empty() && (!ack_.seg || segments_.front()->first < ack_.seg->first)) {
        removed.push_back(segments_.front()->path);
        bytes_ -= segments_.front()->written;
        reader_->forget(segments_.front().get());
        segments_.pop_front();
    }
    remove_files_(removed);

    // the ledger is written now: it proves that the folder takes writes
    try {
        write_ledger_(acked_, next_);
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("forward queue {}: cannot write in the folder: {}", name_(), e.what()));
    }
    next_sync_ = steady_clock::now() + options_.fsync_interval;
}

// the ledger's acknowledged number (into acked_) and next number; a damaged or
// missing one counts as none, and everything is sent again
std::uint64_t disk_queue::read_ledger_(bool found, bool has_segments) {
    if (!found) {
        if (has_segments) {
            report_(level::warning,
                    fmt::format("forward queue {}: no ledger: every record in the queue is sent again", name_()));
        }
        return 0;
    }
    std::uint64_t next = 0;
    bool valid = false;
    std::string why = "damaged";
    try {
        queue_file f;
        f.open(ledger_path_, queue_file::open_mode::existing);
        char buf[ledger_size];
        if (f.read_at(0, buf, ledger_size) == ledger_size && std::memcmp(buf, "SLQL", 4) == 0 &&
            load32(buf + 4) == ledger_version && load32(buf + 24) == crc32c(std::string_view(buf, 24))) {
            acked_ = load64(buf + 8);
            next = load64(buf + 16);
            valid = next == 0 || next > acked_;
        }
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (valid) return next;
    acked_ = 0;
    if (has_segments) {
        report_(level::warning, fmt::format("forward queue {}: the ledger cannot be used ({}): every record in the "
                                            "queue is sent again",
                                            name_(), why));
    }
    return 0;
}

// the segment files found at open, oldest first; those wholly acknowledged or
// empty go to `removed`
void disk_queue::adopt_segments_(const std::vector<std::uint64_t>& firsts,
                                 std::vector<std::filesystem::path>& removed) {
    for (std::size_t i = 0; i < firsts.size(); ++i) {
        auto seg = std::make_shared<segment>();
        seg->first = firsts[i];
        seg->path = options_.dir / segment_name(firsts[i]);
        seg->sealed = true;
        // every record of a segment comes before the next segment's first
        if (i + 1 < firsts.size() && firsts[i + 1] - 1 <= acked_) {
            removed.push_back(seg->path);
            continue;
        }
        try {
            queue_file f;
            f.open(seg->path, queue_file::open_mode::existing);
            seg->written = f.size();
        } catch (const std::exception& e) {
            report_(level::warning, fmt::format("forward queue {}: {}: its records cannot be sent; it is left in place",
                                                name_(), e.what()));
            next_ = std::max(next_, seg->first + 1);
            continue;
        }
        if (seg->written == 0) {
            removed.push_back(seg->path);
            continue;
        }
        next_ = std::max(next_, seg->first + 1);
        bytes_ += seg->written;
        segments_.push_back(std::move(seg));
    }
}

// reads every segment once: counts what is still to send, finds where that starts
// and the highest number used; damage is counted and reported on the way
void disk_queue::scan_() {
    const auto next = next_;
    next_ = UINT64_MAX;  // no bound but each segment's size while nothing is known
    position p;
    std::optional<position> first;
    std::uint64_t highest = 0, count = 0;
    queued_record rec;
    std::uint64_t end = 0;
    while (seek_(p, rec, end)) {
        if (rec.number > acked_) {
            if (!first) {
                first = p;
                oldest_ = rec.queued;
            }
            ++count;
        }
        highest = rec.number;
        consume_(p, rec, end);
    }
    next_ = std::max(next, highest + 1);
    records_ = count;
    if (first) {
        first->passed = 0;
        read_ = ack_ = *first;
    }
}

void disk_queue::write_ledger_(std::uint64_t acked, std::uint64_t next) {
    char buf[ledger_size];
    std::memcpy(buf, "SLQL", 4);
    store32(buf + 4, ledger_version);
    store64(buf + 8, acked);
    store64(buf + 16, next);
    store32(buf + 24, crc32c(std::string_view(buf, 24)));
    queue_file f;
    f.open(ledger_temp_, queue_file::open_mode::truncate);
    f.write_at(0, std::string_view(buf, ledger_size));
    f.sync();
    f.close();
    replace_queue_file(ledger_temp_, ledger_path_);
    sync_queue_folder(options_.dir);
}

// ---- push (the writer thread)

// under mu_: a new segment to write to, the current one sealed
std::shared_ptr<disk_queue::segment> disk_queue::new_segment_() {
    auto seg = std::make_shared<segment>();
    seg->first = next_;
    seg->path = options_.dir / segment_name(next_);
    auto file = std::make_shared<queue_file>();
    file->open(seg->path, queue_file::open_mode::create);
    // a file of that name holds nothing valid (see open_): what it holds is read as damage
    seg->written = file->size();
    seg->file = std::move(file);
    if (write_seg_) {
        write_seg_->sealed = true;
        if (write_seg_->file) unsynced_.push_back(std::move(write_seg_->file));
        write_seg_->file.reset();
    }
    bytes_ += seg->written;
    segments_.push_back(seg);
    write_seg_ = seg;
    folder_dirty_ = true;
    return seg;
}

// under mu_: when everything is acknowledged, the segment being written goes too
// (when it is full, or the queue is: a segment may be larger than max_size)
bool disk_queue::retire_write_segment_(std::vector<std::filesystem::path>& removed) {
    if (!write_seg_ || write_seg_->written == 0 || acked_ + 1 < next_) return false;
    write_seg_->sealed = true;
    write_seg_->file.reset();
    write_seg_.reset();
    for (const auto& seg : segments_) {
        removed.push_back(seg->path);
        // an open handle would keep the space of a deleted file (and on windows its name)
        reader_->forget(seg.get());
    }
    segments_.clear();
    unsynced_.clear();  // nothing in them is needed any more
    bytes_ = 0;
    folder_dirty_ = true;
    return true;
}

disk_queue::push_result disk_queue::push(std::string_view id, std::string_view payload,
                                         std::chrono::milliseconds wait_for_room) noexcept {
    try {
        if (id.size() > max_id) id = id.substr(0, max_id);
        if (payload.size() > max_payload) {
            report_(level::error, fmt::format("forward queue {}: a message of {} bytes is larger than a record may "
                                              "be ({} MiB); it is dropped",
                                              name_(), payload.size(), max_payload >> 20));
            return push_result::failed;
        }
        const std::size_t size = header_size + fixed_size + id.size() + payload.size();
        const auto now = from_micros(to_micros(system_clock::now()));  // as the record keeps it
        // what is held goes first when this record would start a new segment
        if (pending_.records > 0 && pending_.offset + pending_.bytes.size() >= options_.segment_size) write_pending_();
        slot place;
        // the room that held records reserved comes back only once they are written and sent
        bool room = reserve_(size, pending_.records > 0 ? std::chrono::milliseconds(0) : wait_for_room, place);
        if (!room && pending_.records > 0) {
            write_pending_();
            room = reserve_(size, wait_for_room, place);
        }
        if (!room) {
            std::lock_guard lk(mu_);
            ++full_drops_;
            return push_result::full;
        }
        if (pending_.records == 0) {
            pending_.seg = place.seg;
            pending_.file = place.file;
            pending_.offset = place.offset;
            pending_.first_queued = now;
        }
        encode_record_(place.number, now, id, payload);
        ++pending_.records;
        if (options_.fsync_interval.count() == 0 || pending_.bytes.size() >= flush_bytes) write_pending_();
        return push_result::ok;
    } catch (...) {
        // out of memory: this record is lost (its number stays unused)
    }
    return push_result::failed;
}

std::uint64_t disk_queue::flush() noexcept {
    write_pending_();
    return std::exchange(pending_.lost, 0);
}

// where the next record goes (after those held): waits for room up to
// `wait_for_room`; false if the queue stays full. the record's
// number and bytes are taken now, so that a held record is never retired
bool disk_queue::reserve_(std::size_t size, std::chrono::milliseconds wait_for_room, slot& place) {
    std::vector<std::filesystem::path> removed;
    {
        std::unique_lock lk(mu_);
        const auto deadline = deadline_after(wait_for_room);
        while (bytes_ + size > options_.max_size) {
            if (retire_write_segment_(removed)) continue;
            if (closed_ || size > options_.max_size || steady_clock::now() >= deadline) {
                lk.unlock();
                remove_files_(removed);
                return false;
            }
            writer_waiting_ = true;
            room_cv_.wait_until(lk, deadline);
            writer_waiting_ = false;
        }
        place.seg = write_seg_;
        // after a failed write (a full disk), a drained queue gives its space back at once
        if (push_failing_ && retire_write_segment_(removed)) place.seg.reset();
        if (!place.seg || place.seg->written >= options_.segment_size) {
            // a segment whose records were all acknowledged before it was full goes now
            retire_write_segment_(removed);
            place.seg = new_segment_();
        }
        place.file = place.seg->file;
        place.offset = place.seg->written + pending_.bytes.size();
        place.number = next_++;
        bytes_ += size;
    }
    remove_files_(removed);
    return true;
}

// the record appended to pending_.bytes, as a segment holds it
void disk_queue::encode_record_(std::uint64_t number, system_clock::time_point queued, std::string_view id,
                                std::string_view payload) {
    const std::size_t length = fixed_size + id.size() + payload.size();
    const std::size_t at = pending_.bytes.size();
    pending_.bytes.resize(at + header_size + length);
    char* b = pending_.bytes.data() + at;
    store32(b, static_cast<std::uint32_t>(length));
    store64(b + 8, number);
    store64(b + 16, static_cast<std::uint64_t>(to_micros(queued)));
    b[24] = static_cast<char>(id.size());
    if (!id.empty()) std::memcpy(b + min_record, id.data(), id.size());
    if (!payload.empty()) std::memcpy(b + min_record + id.size(), payload.data(), payload.size());
    store32(b + 4, crc32c(std::string_view(b + header_size, length)));
}

// the held records to their segment in one write. when the disk refuses it
// (full), as many whole records as it still takes, one by one and in order, as
// if each had been written alone; the rest are lost (counted and reported)
void disk_queue::write_pending_() noexcept {
    if (pending_.records == 0) return;
    const std::string_view all = pending_.bytes;
    std::size_t done = 0;
    std::uint64_t records = 0;
    std::string error;
    try {
        pending_.file->write_at(pending_.offset, all);
        done = all.size();
        records = pending_.records;
    } catch (const std::exception& e) {
        error = e.what();
        try {
            for (std::size_t size = 0; done < all.size(); done += size, ++records) {
                size = header_size + load32(all.data() + done);
                pending_.file->write_at(pending_.offset + done, all.substr(done, size));
            }
        } catch (const std::exception&) {
        }
    }
    // the reader reads only up to the segment's `written`, which commit_ moves
    if (records > 0) commit_(pending_.seg, done, records, pending_.first_queued);
    if (records < pending_.records) {
        {
            // the lost ones' numbers and room back: only this thread reserves, and they were the last
            std::lock_guard lk(mu_);
            bytes_ -= std::min(bytes_, std::uint64_t(all.size() - done));
            next_ -= pending_.records - records;
        }
        pending_.lost += pending_.records - records;
        if (!push_failing_) {
            push_failing_ = true;
            report_(level::error, fmt::format("forward queue {}: {}; messages for this output are dropped until "
                                              "it works again",
                                              name_(), error));
        }
    } else if (push_failing_) {
        push_failing_ = false;
        report_(level::notice, fmt::format("forward queue {}: writing works again", name_()));
    }
    pending_.records = 0;
    pending_.bytes.clear();
    if (pending_.bytes.capacity() > 4 * flush_bytes) pending_.bytes = std::string();
    pending_.seg.reset();
    pending_.file.reset();
}

// the written records count: the reader may take them; syncs if due
void disk_queue::commit_(const std::shared_ptr<segment>& seg, std::size_t size, std::uint64_t records,
                         system_clock::time_point queued) {
    bool wake = false, sync_here = false;
    {
        std::lock_guard lk(mu_);
        seg->written += size;
        records_ += records;
        pushed_ += records;
        if (!oldest_) oldest_ = queued;
        write_dirty_ = true;
        // the ledger keeps the next number too, so that none is used twice; syncing
        // every push (interval 0) leaves that to the next acknowledgement
        if (options_.fsync_interval.count() != 0) ledger_dirty_ = true;
        wake = reader_waiting_;
        // a waiting reader wakes now and syncs when it is due; otherwise it is done here
        sync_here = options_.fsync_interval.count() == 0 || (!wake && steady_clock::now() >= next_sync_);
    }
    if (wake) data_cv_.notify_one();
    if (sync_here) sync_(options_.fsync_interval.count() == 0 ? sync_kind::now : sync_kind::try_now);
}

// ---- read and acknowledge (the sender thread)

// under mu_: the segment after `seg` (after none: the first)
std::shared_ptr<disk_queue::segment> disk_queue::segment_after_(const std::shared_ptr<segment>& seg) const {
    const std::uint64_t first = seg ? seg->first : 0;
    const auto it = std::upper_bound(segments_.begin(), segments_.end(), first,
                                     [](std::uint64_t n, const std::shared_ptr<segment>& s) { return n < s->first; });
    return it == segments_.end() ? nullptr : *it;
}

// under mu_: nothing more to read after `p` for now
bool disk_queue::at_end_(const position& p) const {
    const auto next = segment_after_(p.seg);
    if (!p.seg) return !next;
    if (p.offset < p.seg->written) return false;
    return !(p.seg->sealed && next);
}

bool disk_queue::before_(const position& a, const position& b) noexcept {
    const std::uint64_t sa = a.seg ? a.seg->first : 0, sb = b.seg ? b.seg->first : 0;
    return sa < sb || (sa == sb && a.offset < b.offset);
}

// moves `p` over damage and segment ends to the next valid record and reads it
// into `rec`; `p` stays at its start (consume_ passes it). false: nothing more
// is written for now
bool disk_queue::seek_(position& p, queued_record& rec, std::uint64_t& end) {
    for (;;) {
        std::shared_ptr<segment> next;
        std::shared_ptr<queue_file> file;
        std::uint64_t limit = 0, bound = 0;
        bool sealed = true;
        {
            std::lock_guard lk(mu_);
            next = segment_after_(p.seg);
            if (p.seg) {
                limit = p.seg->written;
                sealed = p.seg->sealed;
                file = p.seg->file;
            }
            bound = next ? next->first : next_;
        }
        if (p.offset >= limit) {
            if (!sealed || !next) return false;
            p.seg = std::move(next);
            p.offset = 0;
            p.prev = p.seg->first - 1;
            continue;
        }
        segment& seg = *p.seg;
        // no record is shorter than min_record, which bounds the numbers a segment holds
        bound = std::min(bound, seg.first + limit / min_record + 1);
        std::string why;
        std::uint64_t skip_to = limit;
        try {
            if (const auto size = reader_->record(p.seg, file, p.offset, limit, p.prev, bound, &rec, why)) {
                end = p.offset + size;
                return true;
            }
            skip_to = reader_->resync(p.seg, file, p.offset, limit, p.prev, bound);
        } catch (const std::exception& e) {
            // unreadable: what is left of it cannot be sent
            why = e.what();
            reader_->forget(&seg);
        }
        if (p.offset >= seg.damage_end) {
            seg.damage_end = skip_to;
            const bool first = !seg.reported;
            seg.reported = true;
            {
                std::lock_guard lk(mu_);
                ++damaged_;
            }
            if (first)
                report_(level::warning,
                        fmt::format("forward queue {}: skipped a damaged record in {} at offset {} ({}); more damage "
                                    "in this segment is counted, not reported",
                                    name_(), detail::path_to_utf8(seg.path.filename()), p.offset, why));
        }
        p.offset = skip_to;
    }
}

void disk_queue::consume_(position& p, const queued_record& rec, std::uint64_t end) noexcept {
    p.offset = end;
    p.prev = rec.number;
    ++p.passed;
}

bool disk_queue::read(std::vector<queued_record>& out, std::size_t max, std::chrono::milliseconds wait) {
    if (max == 0) return false;
    try {
        const auto deadline = deadline_after(wait);
        for (;;) {
            if (before_(read_, ack_)) read_ = ack_;
            std::size_t got = 0;
            queued_record rec;
            std::uint64_t end = 0;
            while (got < max && seek_(read_, rec, end)) {
                consume_(read_, rec, end);
                out.push_back(std::move(rec));
                ++got;
            }
            if (got > 0) {
                sync_(sync_kind::if_due);
                return true;
            }
            std::unique_lock lk(mu_);
            if (!at_end_(read_)) continue;
            if (closed_) return false;
            const auto now = steady_clock::now();
            if (now >= deadline) {
                lk.unlock();
                sync_(sync_kind::if_due);
                return false;
            }
            const bool dirty = write_dirty_ || ledger_dirty_ || folder_dirty_ || !unsynced_.empty();
            if (dirty && now >= next_sync_) {
                lk.unlock();
                sync_(sync_kind::try_now);
                continue;
            }
            reader_waiting_ = true;
            data_cv_.wait_until(lk, dirty ? std::min(deadline, next_sync_) : deadline);
            reader_waiting_ = false;
        }
    } catch (...) {
        // only memory can run out here: read errors are damage
        return false;
    }
}

void disk_queue::acknowledge(std::uint64_t number) noexcept {
    try {
        {
            std::lock_guard lk(mu_);
            number = std::min(number, next_ - 1);
            if (number <= acked_) return;
        }
        const std::uint64_t passed_before = ack_.passed;
        // what the reader returned is all at or before `number`: no need to walk it again
        if (before_(ack_, read_) && read_.prev <= number) ack_ = read_;
        std::vector<std::filesystem::path> removed;
        bool wake = false;
        for (int round = 0;; ++round) {
            std::optional<system_clock::time_point> next_time;
            queued_record rec;
            std::uint64_t end = 0;
            while (seek_(ack_, rec, end)) {
                if (rec.number > number) {
                    next_time = rec.queued;
                    break;
                }
                consume_(ack_, rec, end);
            }
            std::lock_guard lk(mu_);
            if (!next_time && !at_end_(ack_) && round < 2) continue;  // a push came in meanwhile: look again
            const std::uint64_t done = ack_.passed - passed_before;
            records_ -= std::min(records_, done);
            acknowledged_ += done;
            acked_ = std::max(acked_, number);
            ledger_dirty_ = true;
            if (next_time) {
                oldest_ = next_time;
            } else if (at_end_(ack_)) {
                // drained: this also mends a count that damage made wrong
                records_ = 0;
                oldest_.reset();
            }
            // segments wholly before the first unacknowledged record are done
            while (ack_.seg && !segments_.empty() && segments_.front()->sealed &&
                   segments_.front()->first < ack_.seg->first) {
                const auto& seg = segments_.front();
                bytes_ -= seg->written;
                removed.push_back(seg->path);
                reader_->forget(seg.get());
                // no sync needed, and on windows an open handle keeps a deleted name around
                std::erase_if(unsynced_, [&](const auto& f) { return f->path() == seg->path; });
                segments_.pop_front();
                folder_dirty_ = true;
            }
            wake = writer_waiting_;
            break;
        }
        if (wake) room_cv_.notify_one();
        if (before_(read_, ack_)) read_ = ack_;
        remove_files_(removed);
        sync_(options_.fsync_interval.count() == 0 ? sync_kind::now : sync_kind::if_due);
    } catch (...) {
    }
}

void disk_queue::rewind() noexcept { read_ = ack_; }

// ---- sync, close, stats

bool disk_queue::sync_due_(steady_clock::time_point now) const {
    const bool dirty = write_dirty_ || ledger_dirty_ || folder_dirty_ || !unsynced_.empty();
    return dirty && (options_.fsync_interval.count() == 0 || now >= next_sync_);
}

void disk_queue::sync_(sync_kind kind) noexcept {
    try {
        const auto now = steady_clock::now();
        std::unique_lock s(sync_mu_, std::defer_lock);
        if (kind == sync_kind::if_due) {
            std::lock_guard lk(mu_);
            if (!sync_due_(now)) return;
        }
        if (kind == sync_kind::now) {
            s.lock();
        } else if (!s.try_lock()) {
            return;  // another thread is syncing right now
        }
        std::vector<std::shared_ptr<queue_file>> files;
        std::shared_ptr<queue_file> written;
        bool ledger = false, folder = false;
        std::uint64_t acked = 0, next = 0;
        {
            std::lock_guard lk(mu_);
            files.swap(unsynced_);
            if (write_dirty_ && write_seg_) written = write_seg_->file;
            write_dirty_ = false;
            ledger = ledger_dirty_;
            ledger_dirty_ = false;
            folder = folder_dirty_;
            folder_dirty_ = false;
            acked = acked_;
            next = next_;
            next_sync_ = now + options_.fsync_interval;
        }
        if (files.empty() && !written && !ledger && !folder) return;
        try {
            for (const auto& f : files) f->sync();
            if (written) written->sync();
            if (folder && !ledger) sync_queue_folder(options_.dir);
            if (ledger) write_ledger_(acked, next);  // syncs the folder too
            if (sync_failing_) {
                sync_failing_ = false;
                report_(level::notice, fmt::format("forward queue {}: syncing to disk works again", name_()));
            }
        } catch (const std::exception& e) {
            {
                std::lock_guard lk(mu_);
                unsynced_.insert(unsynced_.end(), files.begin(), files.end());
                write_dirty_ = write_dirty_ || written != nullptr;
                ledger_dirty_ = ledger_dirty_ || ledger;
                folder_dirty_ = folder_dirty_ || folder;
            }
            if (!sync_failing_) {
                sync_failing_ = true;
                report_(level::error, fmt::format("forward queue {}: {}; what was queued since the last sync may "
                                                  "not survive a power loss",
                                                  name_(), e.what()));
            }
        }
    } catch (...) {
    }
}

void disk_queue::sync() noexcept { sync_(sync_kind::now); }

void disk_queue::close() noexcept {
    {
        std::lock_guard lk(mu_);
        closed_ = true;
    }
    data_cv_.notify_all();
    room_cv_.notify_all();
}

disk_queue_stats disk_queue::stats() const {
    std::lock_guard lk(mu_);
    disk_queue_stats s;
    s.records = records_;
    s.bytes = bytes_;
    s.pushed = pushed_;
    s.acknowledged = acknowledged_;
    s.full_drops = full_drops_;
    s.damaged = damaged_;
    s.oldest = oldest_;
    return s;
}

// ---- small things

void disk_queue::remove_files_(const std::vector<std::filesystem::path>& paths) {
    for (const auto& path : paths) {
        try {
            remove_queue_file(path);
        } catch (const std::exception& e) {
            report_(level::warning, fmt::format("forward queue {}: {}", name_(), e.what()));
        }
    }
}

void disk_queue::report_(level lvl, const std::string& msg) noexcept {
    try {
        if (report_fn_) report_fn_(lvl, msg);
    } catch (...) {
    }
}

std::string disk_queue::name_() const { return detail::path_to_utf8(options_.dir); }

} // namespace slotlog
