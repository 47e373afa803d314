"""The writing end of a slot: slotlog.mailslot(name).put(message).

- POSIX, a local slot: a datagram to the collector's Unix socket, by the C++
  client's runtime rule: $SLOTLOG_RUNTIME_DIR/<name> alone when that is set,
  else the system collector's /run/slotlog/<name> when it is being read, else
  this user's own runtime folder's ($XDG_RUNTIME_DIR/slotlog, /tmp/slotlog-<uid>).
- Windows, a local slot: the mailslot itself, open(r'\\\\.\\mailslot\\logger', 'wb').
- Slots of other machines (\\\\*\\, \\\\DOMAIN\\, \\\\HOST\\): the mailslot wire
  datagram over UDP (_network.py); \\\\*\\mailslot\\x also reaches this
  machine's reader of x, as a Windows broadcast does.
"""
import errno
import os
import socket
import tempfile
import threading

from ._names import BROADCAST, LOCAL, network_message_limit, parse_slot_name
from ._network import NetworkWriter
from ._options import AUTOMATIC, WriterOptions, parse_transport

_SEND_BUFFER = 4 * 1024 * 1024  # best effort: it bounds the largest local datagram
_NO_READER = (errno.ENOENT, errno.ECONNREFUSED, errno.ENOTDIR)
_MAX_UNIX_PATH = 107
# windows: the mailslot cannot be opened because it is not there, or remote
# mailslots are disabled (3025, windows 11 24h2 / server 2025)
_WINDOWS_NOT_FOUND = (2, 3, 53, 67, 3025)


class MailslotError(OSError):
    """A message could not be sent; str() says why, errno is the error code
    (errno or a Windows error) when there is one."""

    def __init__(self, message, code=0):
        super(MailslotError, self).__init__(message)
        self.errno = code or None


def runtime_dir():
    """$SLOTLOG_RUNTIME_DIR, else /run/slotlog for root, else
    $XDG_RUNTIME_DIR/slotlog, else /tmp/slotlog-<uid> (a collector's own
    folder; windows, where slots need none: %TEMP%\\slotlog)"""
    if os.environ.get("SLOTLOG_RUNTIME_DIR"):
        return os.environ["SLOTLOG_RUNTIME_DIR"]
    if os.name == "nt":
        return os.path.join(tempfile.gettempdir(), "slotlog")
    if os.geteuid() == 0:
        return "/run/slotlog"
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.path.join(os.environ["XDG_RUNTIME_DIR"], "slotlog")
    return "/tmp/slotlog-%d" % os.getuid()


def writer_socket_paths(slot, system_runtime_dir="/run/slotlog"):
    """The sockets a writer tries for slot, in order: with $SLOTLOG_RUNTIME_DIR
    set, that folder's alone; else the system collector's first, then this
    user's own when that is another folder."""
    own = os.path.join(runtime_dir(), slot.name)
    if os.environ.get("SLOTLOG_RUNTIME_DIR"):
        return [own]
    system = os.path.join(system_runtime_dir, slot.name)
    return [system] if os.path.normpath(own) == os.path.normpath(system) else [system, own]


def _as_bytes(message):
    if isinstance(message, str):
        return message.encode("utf-8", "surrogateescape")
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(message)
    raise TypeError("a message is str or bytes, not %s" % type(message).__name__)


def _write_windows_mailslot(path, data):
    """windows: one message to the mailslot at path, opened for it alone (so
    that a collector that restarts is found again); False when it cannot be
    opened (no reader there, or remote mailslots disabled)"""
    try:
        with open(path, "wb", buffering=0) as f:
            f.write(data)
        return True
    except OSError as e:
        code = getattr(e, "winerror", None) or e.errno
        if code in _WINDOWS_NOT_FOUND:
            return False
        raise MailslotError("cannot write to '%s': %s" % (path, e.strerror), code)


class Mailslot(object):
    """A writer to one slot; see slotlog.mailslot."""

    def __init__(self, name, options):
        self.slot = parse_slot_name(name)
        self.options = options.check()
        self._network = NetworkWriter(self.slot, options) if self.slot.where != LOCAL else None
        self._socket = None
        self._lock = threading.Lock()

    @property
    def name(self):
        """the slot's canonical name, \\\\.\\mailslot\\logger"""
        return self.slot.canonical

    def put(self, message):
        """Sends one message (str, sent as UTF-8, or bytes); MailslotError when
        it cannot (no collector reads a local slot, the message is too long for
        the network, no destination took it). Fire and forget: a broadcast
        nobody hears is no error."""
        data = _as_bytes(message)
        limit = network_message_limit(self.slot)
        if limit and len(data) > limit:
            raise MailslotError("a message of %d bytes is too long for '%s': messages to other machines are "
                                "limited to %d bytes" % (len(data), self.slot.canonical, limit), errno.EMSGSIZE)
        if os.name == "nt":
            return self._put_windows(data)
        if self.slot.where == LOCAL:
            self._send_local(data, True)
            return
        # posix has no windows mailslot to try first: automatic is the mailslot protocol
        t = self.options.transport
        netbios, broadcast = t != "broadcast", t in ("broadcast", "both")
        local = self.slot.where == BROADCAST and netbios and self._send_local(data, False)
        error, code = self._network.send(data, netbios, broadcast)
        # fire and forget: this machine's reader having it is enough
        if error and not local:
            raise MailslotError(error, code)

    def _unix_socket(self):
        with self._lock:
            if self._socket is None:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SEND_BUFFER)
                except OSError:
                    pass
                self._socket = s
            return self._socket

    def _send_local(self, data, reader_required):
        """to the first socket of the slot that a reader holds; False when
        none does and a reader is optional (a broadcast's local copy)"""
        s = self._unix_socket()
        name = self.slot.name
        # worked out per message: a collector may have started since
        paths = writer_socket_paths(self.slot, self.options.system_runtime_dir)
        code = 0
        for path in paths:
            size = len(os.fsencode(path))
            if size > _MAX_UNIX_PATH:
                raise MailslotError("the socket path of slot '%s' is %d bytes long, the limit is %d: %s (set "
                                    "SLOTLOG_RUNTIME_DIR to a shorter folder)" % (name, size, _MAX_UNIX_PATH, path),
                                    errno.ENAMETOOLONG)
            try:
                s.sendto(data, path)  # blocks while the collector's queue is full: nothing is lost
                return True
            except OSError as e:
                code = e.errno
                if code in _NO_READER:
                    continue
                if code == errno.EMSGSIZE:
                    raise MailslotError("a message of %d bytes is too large for slot '%s': the limit here is about "
                                        "%d bytes (net.core.wmem_max)"
                                        % (len(data), name, s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)), code)
                raise MailslotError("cannot send to slot '%s' (%s): %s" % (name, path, os.strerror(code)), code)
        if not reader_required:
            return False
        raise MailslotError("no collector is reading slot '%s' (tried %s)" % (name, " and ".join(paths)), code)

    # -- windows (not run by the tests here: no windows python under wine) --

    def _put_windows(self, data):
        if self.slot.where == LOCAL:
            if not _write_windows_mailslot(self.slot.canonical, data):
                raise MailslotError("no collector is reading slot '%s' (%s)" % (self.slot.name, self.slot.canonical),
                                    2)
            return
        # as the C++ client: the real remote mailslot; where windows cannot
        # open it (3025: disabled by policy) the slotlog broadcast port
        t = self.options.transport
        remote = t != "broadcast" and _write_windows_mailslot(self.slot.canonical, data)
        # a broadcast that windows could not send still reaches this machine's reader
        local = (t != "broadcast" and not remote and self.slot.where == BROADCAST
                 and _write_windows_mailslot(self.slot.local_path, data))
        if t == "mailslot" or (t == AUTOMATIC and remote):
            if not (remote or local):
                raise MailslotError("cannot write to '%s': this host cannot open the remote mailslot (remote "
                                    "mailslots may be disabled: error 3025); the broadcast transport sends over udp "
                                    "instead" % self.slot.canonical, 3025)
            return
        error, code = self._network.send(data, False, True)  # windows' own netbios owns port 138
        if error and not (remote or local):
            raise MailslotError(error, code)

    def close(self):
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None
        if self._network is not None:
            self._network.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<slotlog.Mailslot %s>" % self.slot.canonical


def mailslot(name, transport=None, netbios_port=None, broadcast_port=None, broadcast_to=None, workgroup=None,
             system_runtime_dir=None):
    """A writer to the slot `name` (logger, \\\\.\\mailslot\\logger,
    \\\\*\\mailslot\\logger, \\\\DOMAIN\\mailslot\\logger or
    \\\\HOST\\mailslot\\logger; case-insensitive), with put(text or bytes),
    usable in `with`.

    The network options default to the SLOTLOG_* environment variables, as
    for the C++ client and `slotlog send`: transport (auto, mailslot,
    broadcast, both), netbios_port (138), broadcast_port (5138),
    broadcast_to (a list of addresses or host names), workgroup. POSIX:
    system_runtime_dir is where the system collector's sockets are
    (/run/slotlog). ValueError for a bad name or option.
    """
    options = WriterOptions.from_environment()
    if transport is not None:
        options.transport = parse_transport(transport) or transport  # a bad one: check() says so
    for field, value in (("netbios_port", netbios_port), ("broadcast_port", broadcast_port),
                         ("workgroup", workgroup), ("system_runtime_dir", system_runtime_dir)):
        if value is not None:
            setattr(options, field, value)
    if broadcast_to is not None:
        options.broadcast_to = [broadcast_to] if isinstance(broadcast_to, str) else list(broadcast_to)
    return Mailslot(name, options)
