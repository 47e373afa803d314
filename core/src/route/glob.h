// the glob moved to core/proto (slotlog tail filters with it too); kept so
// that the collector's callers need not change
#pragma once

#include <slotlog/glob.h>
