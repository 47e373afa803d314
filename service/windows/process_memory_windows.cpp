#include "process_memory.h"

namespace slotlog {

void share_one_heap_arena() noexcept {}

} // namespace slotlog
