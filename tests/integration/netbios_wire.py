"""The remote mailslot write on the wire ([MS-MAIL]), built and taken apart in
Python for the tests, independently of the C++ codec: a NetBIOS datagram
(RFC 1002) that carries an SMB TRANSACTION writing to \\MAILSLOT\\<NAME>.
Shared by the linux tests and the wine tests (tests/windows)."""
import socket
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


class Receiver:
    """a UDP socket on 127.0.0.1 and a free port"""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def receive(self, timeout=10.0):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            return None

    def close(self):
        self.sock.close()


def netbios_name(encoded):
    """a first-level encoded name (0x20, 32 half-ascii letters, 0x00) -> (name, suffix)"""
    assert encoded[0] == 0x20 and encoded[33] == 0, encoded
    raw = bytes(((encoded[1 + 2 * i] - 0x41) << 4) | (encoded[2 + 2 * i] - 0x41) for i in range(16))
    return raw[:15].decode("ascii").rstrip(" "), raw[15]


def parse(packet):
    """rfc 1002 direct datagram + smb TRANSACTION mailslot write -> dict"""
    assert packet is not None, "no datagram arrived"
    msg_type, flags, dgm_id, src_ip, src_port, dgm_length, packet_offset = struct.unpack(">BBH4sHHH", packet[:14])
    assert flags == 0x0E, hex(flags)  # FIRST, no MORE, the node type windows sends
    assert packet_offset == 0
    assert dgm_length == len(packet) - 14, (dgm_length, len(packet))
    source = netbios_name(packet[14:48])
    destination = netbios_name(packet[48:82])
    smb = packet[82:]
    assert smb[:4] == b"\xffSMB" and smb[4] == 0x25, smb[:8]  # SMB_COM_TRANSACTION
    assert smb[32] == 17  # 14 words + 3 setup words
    (total_params, total_data, _max_params, _max_data, _max_setup, _r1, _flags, timeout, _r2,
     param_count, _param_offset, data_count, data_offset, setup_count, _r3,
     opcode, _priority, mailslot_class, byte_count) = struct.unpack("<HHHHBBHIHHHHHBBHHHH", smb[33:69])
    assert setup_count == 3 and opcode == 1 and mailslot_class == 2, (setup_count, opcode, mailslot_class)
    assert total_params == param_count == 0 and total_data == data_count
    assert 69 + byte_count == len(smb), (byte_count, len(smb))
    name_end = smb.index(b"\0", 69)
    assert data_offset + data_count == len(smb)
    return {
        "type": msg_type, "id": dgm_id, "source_ip": socket.inet_ntoa(src_ip), "source_port": src_port,
        "source": source, "destination": destination, "timeout": timeout,
        "mailslot": smb[69:name_end].decode("ascii"), "data": smb[data_offset:data_offset + data_count],
    }
