// stub, to be written (issue 3)
#include <slotlog/eventlog.h>
