"""The winsys cookbook's "Writing to a network logger", with slotlog.

A writer puts "the quick brown fox" word by word to every collector of the
network (\\\\*\\mailslot\\logger), then STOP. The reader is slotlogd: each word
is one entry of its log, and STOP stops it where plain STOP is allowed
(`slotlogd serve --allow-plain-stop`); elsewhere it is logged as ignored.

    python3 network_logger.py [SLOT]
"""
import sys

import slotlog

slot = sys.argv[1] if len(sys.argv) > 1 else r"\\*\mailslot\logger"

with slotlog.mailslot(slot) as logging_mailslot:
    for word in "the quick brown fox".split():
        logging_mailslot.put(word)
    logging_mailslot.put("STOP")
