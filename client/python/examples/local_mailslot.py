"""The winsys cookbook's "Read and write a local mailslot", with slotlog.

The words of "the quick brown fox jumps over the lazy dog" go to the local
slot `reader`, one now and then, then STOP. In the cookbook the same loop
reads them back; here the reader is slotlogd with a mailslot input named
`reader` (`{"type": "mailslot", "name": "reader"}`): each word is one entry
of its log, in order.

    python3 local_mailslot.py [SLOT]
"""
import random
import sys
import time

import slotlog

writer = slotlog.mailslot(sys.argv[1] if len(sys.argv) > 1 else "reader")

message = list(reversed("the quick brown fox jumps over the lazy dog".split()))

while True:
    time.sleep(0.001)  # the cookbook's reader waited here for up to a second
    if random.randint(1, 100) > 95:
        try:
            writer.put(message.pop())
        except IndexError:
            writer.put("STOP")
            break

writer.close()
