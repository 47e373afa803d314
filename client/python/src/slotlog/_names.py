"""Slot names, as the C++ client reads them (core/proto/src/slot_name.cpp).

A slot is ``logger``, ``\\\\.\\mailslot\\logger``, ``\\\\*\\mailslot\\logger``,
``\\\\DOMAIN\\mailslot\\logger`` or ``\\\\HOST\\mailslot\\logger``; names are
case-insensitive (ASCII letters are lowered, other characters pass through).
"""

LOCAL = "local"
BROADCAST = "broadcast"
DOMAIN_OR_HOST = "domain_or_host"

_MAX_NAME = 255  # bytes of UTF-8, as the C++ client counts


def printable(text):
    """text for an error message: control characters as \\xHH, one line."""
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)


def lower_ascii(text):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


class SlotName(object):
    """A parsed slot name: where (LOCAL, BROADCAST or DOMAIN_OR_HOST), the
    server ("." local, "*" broadcast, else the domain or host, lower case) and
    the name (lower case, may hold "\\" for sub-folders)."""

    __slots__ = ("where", "server", "name")

    def __init__(self, where, server, name):
        self.where = where
        self.server = server
        self.name = name

    @property
    def canonical(self):
        """\\\\.\\mailslot\\logger, \\\\*\\mailslot\\logger, \\\\host\\mailslot\\logger"""
        return "\\\\" + self.server + "\\mailslot\\" + self.name

    @property
    def local_path(self):
        """the local reader's name, \\\\.\\mailslot\\logger"""
        return "\\\\.\\mailslot\\" + self.name

    def __repr__(self):
        return "SlotName(%r)" % self.canonical


def _bad(text, why):
    raise ValueError("invalid slot name '%s': %s" % (printable(text), why))


def _check_name(text, name):
    if not name:
        _bad(text, "the name after \\mailslot\\ is empty")
    size = len(name.encode("utf-8", "surrogatepass"))
    if size > _MAX_NAME:
        _bad(text, "the name is %d characters long, the limit is %d" % (size, _MAX_NAME))
    if "/" in name:
        _bad(text, "'/' is not allowed in a slot name")
    for part in name.split("\\"):
        if not part:
            _bad(text, "empty folder in the name (a leading, trailing or doubled '\\')")
        if part in (".", ".."):
            _bad(text, "'.' and '..' are not allowed as parts of a slot name")


def parse_slot_name(text):
    """The SlotName of text; ValueError saying what is wrong."""
    if not isinstance(text, str):
        raise TypeError("a slot name is a str, not %s" % type(text).__name__)
    if not text:
        raise ValueError("invalid slot name: the name is empty")
    if "\0" in text:
        _bad(text, "it contains a NUL character")
    if not text.startswith("\\\\"):
        # a bare name is a local slot, as in winsys: logger -> \\.\mailslot\logger
        _check_name(text, text)
        return SlotName(LOCAL, ".", lower_ascii(text))

    server, sep, after_server = text[2:].partition("\\")
    if not server:
        _bad(text, "the server part of \\\\SERVER\\mailslot\\NAME is empty (use '.' for this machine)")
    if "/" in server:
        _bad(text, "'/' is not allowed in a server name")
    if not sep:
        _bad(text, "missing the 'mailslot' component (\\\\SERVER\\mailslot\\NAME)")
    word, sep, name = after_server.partition("\\")
    if lower_ascii(word) != "mailslot":
        _bad(text, "missing the 'mailslot' component (\\\\SERVER\\mailslot\\NAME), found '%s'" % word)
    if not sep:
        _bad(text, "the name after \\mailslot\\ is empty")
    _check_name(text, name)

    server = lower_ascii(server)
    where = LOCAL if server == "." else BROADCAST if server == "*" else DOMAIN_OR_HOST
    return SlotName(where, server, lower_ascii(name))


def network_message_limit(slot):
    """The largest message sent to a slot on other machines: 424 bytes for
    \\\\*\\mailslot\\logger, less for longer names; 0 (no limit) for a local slot."""
    if slot.where == LOCAL:
        return 0
    name_cost = (len(slot.name.encode("utf-8", "surrogatepass")) + 3) // 4 * 4
    return min(432 - name_cost if name_cost < 432 else 0, 424)
