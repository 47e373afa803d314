"""slotlog.Handler: a logging.Handler that sends each record as one stamped
JSON message, as the C++ client's make_json_message (client/src/message.cpp)
stamps them: msg, level, app, host, pid, seq, time. The collector drops the
copies that broadcasts bring by (host, pid, seq) and reports gaps in a
sender's (host, app, pid) sequence, for Python senders as for C++ ones."""
import datetime
import json
import logging
import math
import os
import socket
import threading
import time

from ._mailslot import mailslot

# a record's own attributes; anything else on it came from `extra`
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
# the message's own keys (and slot, which the collector owns): an extra field
# of such a name is sent as extra_<name>
_RESERVED = ("msg", "level", "app", "host", "pid", "seq", "time", "slot")

# the next number of each (slot, app) stream of this process, shared by every
# handler. past _MAX_STREAMS (an application that makes up app names) every
# stream starts again at 1, which a collector takes for a restart, never a gap
_MAX_STREAMS = 4096
_next = {}
_next_lock = threading.Lock()


def next_seq(slot, app):
    with _next_lock:
        key = (slot, app)
        if key not in _next and len(_next) >= _MAX_STREAMS:
            _next.clear()
        n = _next.get(key, 1)
        _next[key] = n + 1
        return n


def level_name(levelno):
    """the slotlog level of a logging level: DEBUG debug, INFO info,
    WARNING warning, ERROR error, CRITICAL critical; below DEBUG trace, and
    from 25 (between INFO and WARNING) notice"""
    for floor, name in ((50, "critical"), (40, "error"), (30, "warning"), (25, "notice"), (20, "info"),
                        (10, "debug")):
        if levelno >= floor:
            return name
    return "trace"


def utc_time(seconds):
    """2026-11-24T21:17:35.539204Z"""
    t = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_value(value):
    """value if json can carry it as it is, else its str()"""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        return str(value)


_host = socket.gethostname()


def stamped_message(msg, level=None, app=None, slot="logger", created=None, extra=None):
    """The JSON text of one message: msg, level and app when given, host, pid,
    seq (counted per slot and app in this process) and time (created, a
    time.time() value, else now), then the extra fields."""
    out = {"msg": msg}
    if level:
        out["level"] = level
    if app:
        out["app"] = app
    if _host:
        out["host"] = _host
    out["pid"] = os.getpid()
    out["seq"] = next_seq(slot, app or "")
    out["time"] = utc_time(time.time() if created is None else created)
    for key, value in (extra or {}).items():
        key = str(key)
        out["extra_" + key if key in _RESERVED else key] = _json_value(value)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


class Handler(logging.Handler):
    """Sends each record to a slot as a stamped JSON message: msg (the
    formatted record), level (from the record's level), app (app, else the
    logger's name), host, pid, seq, time (when the record was made) and the
    record's extra fields.

    slot: as for slotlog.mailslot (logger, \\\\*\\mailslot\\logger, ...);
    options: mailslot's keyword options. A message that cannot be sent goes to
    handleError, as with every logging handler."""

    def __init__(self, slot="logger", app=None, level=logging.NOTSET, **options):
        super(Handler, self).__init__(level)
        # the message alone (and a traceback): level, app and time are fields of their own, and
        # logging.basicConfig leaves a handler's formatter alone
        self.setFormatter(logging.Formatter())
        self.app = app
        self.mailslot = mailslot(slot, **options)

    def emit(self, record):
        try:
            extra = {k: v for k, v in record.__dict__.items() if k not in _RECORD_FIELDS}
            self.mailslot.put(stamped_message(self.format(record), level_name(record.levelno),
                                              self.app or record.name, self.mailslot.slot.name, record.created,
                                              extra))
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def close(self):
        try:
            self.mailslot.close()
        finally:
            super(Handler, self).close()
