"""The remote mailslot write on the wire ([MS-MAIL]), built in Python for the
tests, independently of the C++ encoder: a NetBIOS datagram (RFC 1002) that
carries an SMB TRANSACTION writing to \\MAILSLOT\\<NAME>."""
import struct


def encode_name(name: str, suffix: int) -> bytes:
    """RFC 1001 first-level encoding: 16 bytes (15 padded with spaces + suffix), each nibble as 'A'+n."""
    raw = name.upper().encode("ascii").ljust(15, b" ")[:15] + bytes([suffix])
    half = bytearray()
    for b in raw:
        half += bytes([ord("A") + (b >> 4), ord("A") + (b & 0x0F)])
    return bytes([32]) + bytes(half) + b"\x00"


def mailslot_write(data: bytes, slot="logger", source="WIN11PC", dest="WORKGROUP", msg_type=0x11,
                   source_ip=(192, 0, 2, 7), dgm_id=0x1234, mailslot=None) -> bytes:
    name = (mailslot or ("\\MAILSLOT\\" + slot.upper())).encode("ascii") + b"\x00"
    # smb header: magic, command 0x25 (transaction), the rest zero
    smb = b"\xffSMB" + bytes([0x25]) + bytes(27)
    words = 17
    data_offset = 32 + 1 + words * 2 + 2 + len(name)
    trans = struct.pack("<BHHHHBBHIHHHHHBB3HH",
                        words,
                        0, len(data),          # total parameter / data count
                        0, 0,                  # max parameter / data count
                        0, 0,                  # max setup count, reserved
                        0,                     # flags
                        0,                     # timeout
                        0,                     # reserved2
                        0, data_offset,        # parameter count / offset
                        len(data), data_offset,
                        3, 0,                  # setup count, reserved3
                        1, 1, 2,               # write mailslot, priority 1, class 2
                        len(name) + len(data))
    user_data = smb + trans + name + data
    names = encode_name(source, 0x00) + encode_name(dest, 0x00)
    header = struct.pack(">BBHBBBBHHH", msg_type, 0x02, dgm_id, *source_ip, 138,
                         len(names) + len(user_data), 0)
    return header + names + user_data
