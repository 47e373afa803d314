"""The remote mailslot write on the wire ([MS-MAIL] over RFC 1002): one
NetBIOS datagram carrying an SMB TRANSACTION that writes to \\MAILSLOT\\<name>.

Byte for byte what the C++ client builds (core/proto/src/mailslot_wire.cpp);
tests/integration/test_python_client.py compares the two.
"""
import struct

NETBIOS_DATAGRAM_PORT = 138
BROADCAST_PORT = 5138  # the slotlog broadcast port: the same datagram

DIRECT_UNIQUE = 0x10  # to one computer's name: \\HOST\mailslot\x
DIRECT_GROUP = 0x11  # to a group name: \\*\mailslot\x, \\DOMAIN\mailslot\x
BROADCAST = 0x12

_FLAGS_WINDOWS = 0x0C | 0x02  # end-node type 3 and FIRST, as windows sends them
_ENCODED_NAME_SIZE = 34
_SMB_HEADER_SIZE = 32
_OFF_BYTES = 69  # where the slot name starts in the smb message
_WINDOWS_TIMEOUT = 1000
_PRIORITY = 1
_CLASS_UNRELIABLE = 2
_PREFIX = b"\\MAILSLOT\\"
_MAX_SLOT_NAME = 255
_MAX_MESSAGE = 424


def _without_prefix(path):
    return path[len(_PREFIX):] if path[:len(_PREFIX)].upper() == _PREFIX else path


def _bytes(text):
    return text.encode("utf-8", "surrogateescape") if isinstance(text, str) else bytes(text)


def mailslot_path(slot_name):
    """logger -> \\MAILSLOT\\LOGGER (bytes); a sub-folder a\\b -> \\MAILSLOT\\A\\B"""
    return _PREFIX + _without_prefix(_bytes(slot_name)).upper()  # bytes.upper(): ascii only


def max_data_size(slot_name):
    """424 bytes for logger, less for longer names (432 minus the name rounded up to 4)"""
    name_cost = (len(_without_prefix(_bytes(slot_name))) + 3) // 4 * 4
    return min(432 - name_cost if name_cost < 432 else 0, _MAX_MESSAGE)


def _text(b):
    return b.decode("utf-8", "replace")


def _check(datagram_type, mailslot, data):
    if not 0x10 <= datagram_type <= 0x12:
        raise ValueError("datagram type 0x%02x is not a mailslot write" % datagram_type)
    if mailslot[:len(_PREFIX)].upper() != _PREFIX:
        raise ValueError("the mailslot path '%s' does not start with \\MAILSLOT\\" % _text(mailslot))
    if b"\0" in mailslot:
        raise ValueError("the mailslot path contains a NUL character")
    slot = mailslot[len(_PREFIX):]
    if not slot:
        raise ValueError("the mailslot path names no slot after \\MAILSLOT\\")
    if len(slot) > _MAX_SLOT_NAME:
        raise ValueError("the slot name is %d characters long, the limit is 255" % len(slot))
    limit = max_data_size(slot)
    if len(data) > limit:
        raise ValueError("the message is %d bytes, a remote mailslot write to '%s' carries at most %d"
                         % (len(data), _text(slot), limit))


def _name(name, suffix, which):
    """RFC 1001 14.1: 15 characters padded with spaces and the suffix, each
    byte as two letters 'A' + nibble, then the empty scope"""
    name = _bytes(name)
    if not name:
        raise ValueError("the %s netbios name is empty" % which)
    if len(name) > 15:
        raise ValueError("the %s netbios name '%s' is %d characters long, the limit is 15"
                         % (which, _text(name), len(name)))
    if b"\0" in name:
        raise ValueError("the %s netbios name contains a NUL character" % which)
    raw = name.upper().ljust(15, b" ") + bytes([suffix])
    return b"\x20" + bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 0x0F))) + b"\0"


def encode(datagram_type, datagram_id, source_ip, source_port, source, destination, mailslot, data):
    """The datagram of one mailslot write.

    source_ip: 4 bytes (or a dotted address); source and destination: a
    NetBIOS name, or a (name, suffix) pair (suffix 0 without one); mailslot:
    the path as sent (mailslot_path(name)); data: the message's bytes.
    ValueError says what cannot be sent.
    """
    mailslot = _bytes(mailslot)
    data = _bytes(data)
    if isinstance(source_ip, str):
        source_ip = bytes(int(p) for p in source_ip.split("."))
    source = (source, 0) if isinstance(source, (str, bytes)) else source
    destination = (destination, 0) if isinstance(destination, (str, bytes)) else destination
    _check(datagram_type, mailslot, data)

    byte_count = len(mailslot) + 1 + len(data)
    smb_size = _OFF_BYTES + byte_count
    header = struct.pack(">BBH4sHHH", datagram_type, _FLAGS_WINDOWS, datagram_id & 0xFFFF, bytes(source_ip),
                         source_port, 2 * _ENCODED_NAME_SIZE + smb_size, 0)
    names = _name(source[0], source[1], "source") + _name(destination[0], destination[1], "destination")
    # smb header: TRANSACTION, every other field 0 as windows sends them
    smb = b"\xffSMB\x25" + bytes(_SMB_HEADER_SIZE - 5)
    words = struct.pack("<BHHHHBBHIHHHHHBBHHHH",
                        17,  # WordCount: 14 words and 3 setup words
                        0, len(data),  # TotalParameterCount, TotalDataCount
                        0, 0, 0, 0, 0,  # MaxParameterCount, MaxDataCount, MaxSetupCount, Reserved, Flags
                        _WINDOWS_TIMEOUT, 0,  # Timeout, Reserved2
                        0, 0,  # ParameterCount, ParameterOffset
                        len(data), _OFF_BYTES + len(mailslot) + 1,  # DataCount, DataOffset
                        3, 0,  # SetupCount, Reserved3
                        1, _PRIORITY, _CLASS_UNRELIABLE,  # write mailslot, priority, class
                        byte_count)
    return header + names + smb + words + mailslot + b"\0" + data
