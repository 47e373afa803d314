#include "process_memory.h"

#include <malloc.h>

namespace slotlog {

void share_one_heap_arena() noexcept {
#if defined(__GLIBC__)
    ::mallopt(M_ARENA_MAX, 1);
#endif
}

} // namespace slotlog
