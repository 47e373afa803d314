"""slotlog: send log messages to a slotlog collector, from Python.

    import slotlog
    with slotlog.mailslot(r"\\\\*\\mailslot\\logger") as m:   # every collector of the network
        m.put("hello")

    import logging
    logging.getLogger().addHandler(slotlog.Handler(app="billing"))

Standard library only; Python 3.8 and later; POSIX and Windows.
"""
from ._handler import Handler, level_name, stamped_message
from ._mailslot import Mailslot, MailslotError, mailslot, runtime_dir, writer_socket_paths
from ._names import SlotName, network_message_limit, parse_slot_name

__version__ = "0.1.0"

__all__ = ["Handler", "Mailslot", "MailslotError", "SlotName", "level_name", "mailslot", "network_message_limit",
           "parse_slot_name", "runtime_dir", "stamped_message", "writer_socket_paths"]
