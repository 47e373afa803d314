"""A writer's path to slots on other machines, as the C++ client's
(client/src/network_writer.cpp): \\\\*\\mailslot\\x is a direct group datagram
to WORKGROUP<00> on the broadcast address of every interface;
\\\\HOST\\mailslot\\x a direct unique one to HOST<00> at the host's address;
\\\\DOMAIN\\mailslot\\x (a name that does not resolve) a direct group one to
DOMAIN<00> on the broadcast addresses. Sent over UDP to the NetBIOS port,
the slotlog broadcast port or both."""
import errno
import itertools
import os
import re
import socket
import struct
import sys
import threading
import time

from . import _wire
from ._names import BROADCAST

_PLAN_LIFETIME = 30.0  # seconds: interfaces come and go, names move
_EVERYONE = "255.255.255.255"


def parse_ipv4(text):
    """a.b.c.d exactly (no names, no short forms, no leading zeros), else None"""
    m = re.fullmatch(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})", text)
    if not m or any(int(p) > 255 or (len(p) > 1 and p[0] == "0") for p in m.groups()):
        return None
    return text


def netbios_name_of(host):
    """a dotted address as it is; else the name up to the first '.', upper
    case, at most 15 bytes, characters NetBIOS forbids as '_'"""
    if parse_ipv4(host):
        return host
    out = bytearray()
    for b in host.encode("utf-8", "surrogateescape").split(b".")[0]:
        if len(out) == 15:
            break
        if 0x61 <= b <= 0x7A:
            out.append(b - 32)
        elif b <= 0x20 or b >= 0x7F or b in b'\\/:*?"<>|+=;,[]':
            out.append(0x5F)
        else:
            out.append(b)
    return out.decode("ascii")


def _ifaddrs_routes():
    """(broadcast, local) of every up, non-loopback ipv4 interface with a
    broadcast address, from getifaddrs (as the C++ client lists them)"""
    import ctypes

    class ifaddrs(ctypes.Structure):
        pass

    ifaddrs._fields_ = [("ifa_next", ctypes.POINTER(ifaddrs)), ("ifa_name", ctypes.c_char_p),
                        ("ifa_flags", ctypes.c_uint), ("ifa_addr", ctypes.c_void_p),
                        ("ifa_netmask", ctypes.c_void_p), ("ifa_broadaddr", ctypes.c_void_p),
                        ("ifa_data", ctypes.c_void_p)]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.getifaddrs.argtypes = [ctypes.POINTER(ctypes.POINTER(ifaddrs))]
    libc.freeifaddrs.argtypes = [ctypes.POINTER(ifaddrs)]
    bsd_sockaddr = not sys.platform.startswith("linux")  # sa_len, then a one-byte sa_family

    def ipv4_of(pointer):
        if not pointer:
            return None
        raw = ctypes.string_at(pointer, 8)
        family = raw[1] if bsd_sockaddr else struct.unpack("=H", raw[:2])[0]
        return socket.inet_ntoa(raw[4:8]) if family == socket.AF_INET else None

    up, broadcast, loopback = 0x1, 0x2, 0x8  # IFF_*
    routes = []
    head = ctypes.POINTER(ifaddrs)()
    if libc.getifaddrs(ctypes.byref(head)) != 0:
        return routes
    try:
        node = head
        while node:
            i = node.contents
            local, bcast = ipv4_of(i.ifa_addr), ipv4_of(i.ifa_broadaddr)
            if local and bcast and i.ifa_flags & up and i.ifa_flags & broadcast and not i.ifa_flags & loopback:
                if (bcast, local) not in routes:
                    routes.append((bcast, local))
            node = i.ifa_next
    finally:
        libc.freeifaddrs(head)
    return routes


def broadcast_routes():
    """(broadcast address, own address) per interface; empty where they
    cannot be listed (windows: the limited broadcast is used instead)"""
    if os.name != "posix":
        return []
    try:
        return _ifaddrs_routes()
    except (ImportError, OSError, AttributeError):
        return []


def resolve_ipv4(host):
    """(first ipv4 address of host, None) or (None, why not)"""
    try:
        found = socket.getaddrinfo(host, None, socket.AF_INET, socket.SOCK_DGRAM)
    except socket.gaierror as e:
        return None, e.strerror or str(e)
    except (OSError, UnicodeError) as e:
        return None, str(e)
    for family, _, _, _, address in found:
        if family == socket.AF_INET:
            return address[0], None
    return None, "no ipv4 address"


def _udp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # a broadcast address is refused without it, also for connect()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    return s


def source_address_for(to):
    """the address this machine sends from to reach `to` (connecting a udp
    socket sends nothing), or 0.0.0.0"""
    try:
        with _udp_socket() as s:
            s.connect((to, 9))
            return s.getsockname()[0]
    except OSError:
        return "0.0.0.0"


# windows numbers its datagrams per machine; per process is close enough, and
# a random start keeps two senders apart (the C++ client's formula)
_ids = itertools.count((os.getpid() * 2654435761 ^ int(time.time())) & 0xFFFFFFFF)
_ids_lock = threading.Lock()


def _next_datagram_id():
    with _ids_lock:
        return next(_ids) & 0xFFFF


class _Destination(object):
    __slots__ = ("address", "source", "label", "unresolved", "fallback")

    def __init__(self, address, source, label, unresolved="", fallback=False):
        self.address, self.source, self.label, self.unresolved, self.fallback = (
            address, source, label, unresolved, fallback)


class NetworkWriter(object):
    """Builds the datagram of a message to a slot of other machines and sends
    it to the NetBIOS port, the broadcast port or both. Thread-safe."""

    def __init__(self, slot, options):
        self.slot = slot
        self.options = options
        self.target = slot.canonical
        self._source_name = netbios_name_of(socket.gethostname()) or "UNKNOWN"
        self._mailslot = _wire.mailslot_path(slot.name)
        self._lock = threading.Lock()
        self._plan = None
        self._made = 0.0
        self._socket = None

    def close(self):
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def _broadcast_destinations(self):
        routes = broadcast_routes()
        if not self.options.broadcast_to:
            out = [_Destination(b, local, b) for b, local in routes]
            # no interface with a broadcast address: the limited broadcast
            return out or [_Destination(_EVERYONE, source_address_for(_EVERYONE), _EVERYONE, fallback=True)]
        out = []
        for to in self.options.broadcast_to:
            if parse_ipv4(to):
                d = _Destination(to, None, to)
            else:
                address, why = resolve_ipv4(to)
                d = _Destination(address, None, "%s (%s)" % (to, address) if address else to, why or "")
            if not d.unresolved:
                # an interface's broadcast address: that interface's own address is the source
                d.source = next((local for b, local in routes if b == d.address), None) or source_address_for(d.address)
            out.append(d)
        return out

    def _make_plan(self):
        """(unique, destination name, destinations, problem)"""
        if self.slot.where == BROADCAST:
            return False, self.options.workgroup, self._broadcast_destinations(), ""
        server = self.slot.server
        address, _ = resolve_ipv4(server)
        name = netbios_name_of(server)
        problem = "" if name else "the server name '%s' gives no netbios name to address the datagram to" % server
        if address:
            # a name that resolves is a host
            label = server if parse_ipv4(server) else "%s (%s)" % (server, address)
            return True, name, [_Destination(address, source_address_for(address), label)], problem
        # one that does not is taken for a domain
        return False, name, self._broadcast_destinations(), problem

    def send(self, data, netbios, broadcast):
        """(error, code): error "" when at least one destination took it, else
        one sentence naming each destination and why it failed"""
        with self._lock:
            try:
                return self._send(data, netbios, broadcast)
            except ValueError as e:  # the wire refused the datagram
                return "cannot send to '%s': %s" % (self.target, e), 0
            except OSError as e:
                return "cannot create a udp socket: %s" % os.strerror(e.errno or 0), e.errno or 0

    def _send(self, data, netbios, broadcast):
        if self._plan is None or time.monotonic() - self._made > _PLAN_LIFETIME:
            self._plan = self._make_plan()
            self._made = time.monotonic()
        unique, destination_name, destinations, problem = self._plan
        if problem:
            return "cannot send to '%s': %s" % (self.target, problem), 0
        if self._socket is None:
            self._socket = _udp_socket()
        ports = ([self.options.netbios_port] if netbios else []) + ([self.options.broadcast_port] if broadcast else [])

        delivered, no_network, failures, code = 0, True, [], 0
        datagram_id = _next_datagram_id()
        for d in destinations:
            if d.unresolved:
                failures.append("%s: %s" % (d.label, d.unresolved))
                no_network = False
                continue
            # the source address differs per interface, so does the datagram
            datagram = _wire.encode(_wire.DIRECT_UNIQUE if unique else _wire.DIRECT_GROUP, datagram_id, d.source,
                                    _wire.NETBIOS_DATAGRAM_PORT, self._source_name, destination_name,
                                    self._mailslot, data)
            for port in ports:
                try:
                    self._socket.sendto(datagram, (d.address, port))
                    delivered += 1
                except OSError as e:
                    code = e.errno or 0
                    failures.append("%s:%d: %s" % (d.label, port, os.strerror(code)))
                    no_network = no_network and d.fallback and code == errno.ENETUNREACH
        if delivered or not ports:
            return "", 0
        self._plan = None  # the network may have changed: look again next time
        # no interface to broadcast on: like a windows broadcast, one nobody can hear is no error
        if no_network and failures:
            return "", 0
        return ("cannot send to '%s' over the network: %s" % (self.target, "; ".join(failures) or "no destination"),
                code)
