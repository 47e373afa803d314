"""A writer's network options and the SLOTLOG_* environment variables, read
and checked as the C++ client does (client/src/writer_options.cpp)."""
import os
import re

from ._names import printable
from ._wire import BROADCAST_PORT, NETBIOS_DATAGRAM_PORT

AUTOMATIC = "auto"
TRANSPORTS = ("auto", "mailslot", "broadcast", "both")
_TRANSPORT_NAMES = "auto, mailslot, broadcast or both"


def _trim(s):
    return s.strip(" \t")


def parse_transport(text):
    """auto (or automatic), mailslot, broadcast, both, case-insensitive; None otherwise"""
    t = text.lower() if text.isascii() else text
    if t == "automatic":
        return AUTOMATIC
    return t if t in TRANSPORTS else None


def _port(text):
    if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= 65535:
        return None
    return int(text)


def workgroup_problem(w):
    if not w:
        return "the workgroup is empty"
    if len(w.encode("utf-8", "surrogateescape")) > 15:
        return "the workgroup '%s' is %d characters long, a netbios name holds at most 15" % (
            printable(w), len(w.encode("utf-8", "surrogateescape")))
    if any(ord(c) <= 0x20 or ord(c) >= 0x7F or c in '\\/:*?"<>|' for c in w):
        return ("the workgroup '%s' may only hold ascii letters, digits and punctuation other than "
                '\\/:*?"<>| (no spaces)' % printable(w))
    return ""


def destination_problem(d):
    size = len(d.encode("utf-8", "surrogateescape"))
    if not d:
        return "a broadcast destination is empty"
    if size > 255:
        return "the broadcast destination '%s...' is %d characters long, a host name holds at most 255" % (
            printable(d[:40]), size)
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "," for c in d):
        return ("the broadcast destination '%s' is not an ipv4 address or host name (no spaces, commas or "
                "control characters)" % printable(d))
    return ""


class WriterOptions(object):
    """How a writer reaches slots on other machines (and, on POSIX, which
    runtime folder the system collector's sockets are in)."""

    def __init__(self, transport=AUTOMATIC, netbios_port=NETBIOS_DATAGRAM_PORT, broadcast_port=BROADCAST_PORT,
                 broadcast_to=(), workgroup="WORKGROUP", system_runtime_dir="/run/slotlog"):
        self.transport = transport
        self.netbios_port = netbios_port
        self.broadcast_port = broadcast_port
        self.broadcast_to = list(broadcast_to)
        self.workgroup = workgroup
        self.system_runtime_dir = system_runtime_dir

    def check(self):
        """ValueError saying which field is wrong"""
        if self.transport not in TRANSPORTS:
            raise ValueError("the network transport %r is not one of %s" % (self.transport, _TRANSPORT_NAMES))
        for which, port in (("netbios", self.netbios_port), ("broadcast", self.broadcast_port)):
            if not isinstance(port, int) or not 1 <= port <= 65535:
                raise ValueError("the %s port is %r (use 1 to 65535)" % (which, port))
        for d in self.broadcast_to:
            why = destination_problem(d)
            if why:
                raise ValueError(why)
        why = workgroup_problem(self.workgroup)
        if why:
            raise ValueError(why)
        return self

    @classmethod
    def from_environment(cls, environ=None):
        """The defaults, overridden by SLOTLOG_TRANSPORT, SLOTLOG_NETBIOS_PORT,
        SLOTLOG_BROADCAST_PORT, SLOTLOG_BROADCAST_TO (a comma list) and
        SLOTLOG_WORKGROUP; unset or empty keeps the default. ValueError names
        a variable with a bad value."""
        env = os.environ if environ is None else environ
        o = cls()

        def bad(name, value, why):
            raise ValueError("%s='%s': %s" % (name, printable(value), why))

        v = env.get("SLOTLOG_TRANSPORT", "")
        if _trim(v):
            o.transport = parse_transport(_trim(v)) or bad("SLOTLOG_TRANSPORT", v,
                                                           "not a transport (use %s)" % _TRANSPORT_NAMES)
        for name, field in (("SLOTLOG_NETBIOS_PORT", "netbios_port"), ("SLOTLOG_BROADCAST_PORT", "broadcast_port")):
            v = env.get(name, "")
            if _trim(v):
                setattr(o, field, _port(_trim(v)) or bad(name, v, "not a port number (1 to 65535)"))
        v = env.get("SLOTLOG_BROADCAST_TO", "")
        if _trim(v):
            for entry in (_trim(e) for e in v.split(",")):
                if entry:
                    why = destination_problem(entry)
                    if why:
                        bad("SLOTLOG_BROADCAST_TO", v, why)
                    o.broadcast_to.append(entry)
        v = env.get("SLOTLOG_WORKGROUP", "")
        if _trim(v):
            why = workgroup_problem(_trim(v))
            if why:
                bad("SLOTLOG_WORKGROUP", v, why)
            o.workgroup = _trim(v)
        return o
