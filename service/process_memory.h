#pragma once

namespace slotlog {

// before the collector starts its threads: glibc gives every thread that
// allocates an arena of its own (the reader's and the writer's held 0.65 MiB
// after 200,000 messages), which keeps what it once held. the collector's
// threads allocate little once running (the queue's items and the writer's
// entry are reused), so one arena serves them all. windows' heap has no such
// arenas: nothing to do there
void share_one_heap_arena() noexcept;

} // namespace slotlog
