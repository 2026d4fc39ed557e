"""A small ctypes binding of the govtally C ABI (include/govtally.h) for the
Spark example: options, a tally fed bytes, saved states (the `needed`
contract), resume and merge, and the report's JSON.

Each function is declared with the header's exact types; a status other
than GOVTALLY_OK raises GovtallyError with the library's message
(govtally_last_error, which is per thread: read on the thread that failed).
"""

import ctypes
import os

OK = 0
NULL_ARGUMENT = 1
INVALID_ARGUMENT = 2
WRONG_STATE = 3
IO_ERROR = 4
FILE_ERROR = 5
REJECTED_ROWS = 6
BUFFER_TOO_SMALL = 7
VALUE_IS_NULL = 8
NO_SUCH_FIGURE = 9
PANIC = 10
NO_PERIOD = 11
TEMPLATE_ERROR = 12
BAD_STATE = 13

_c_status = ctypes.c_int32
_p = ctypes.c_void_p
_u8p = ctypes.POINTER(ctypes.c_uint8)
_u64 = ctypes.c_uint64
_u64p = ctypes.POINTER(ctypes.c_uint64)
_i32p = ctypes.POINTER(ctypes.c_int32)

_SIGNATURES = {
    "govtally_abi_version": (ctypes.c_uint32, []),
    "govtally_version": (ctypes.c_char_p, []),
    "govtally_status_str": (ctypes.c_char_p, [_c_status]),
    "govtally_last_error": (_c_status, [_u8p, _u64, _u64p]),
    "govtally_dataset_from_name": (_c_status, [ctypes.c_char_p, _i32p]),
    "govtally_dataset_name": (ctypes.c_char_p, [ctypes.c_int32]),
    "govtally_options_new": (_c_status, [ctypes.POINTER(_p)]),
    "govtally_options_free": (None, [_p]),
    "govtally_options_set_year": (_c_status, [_p, ctypes.c_int32]),
    "govtally_options_set_period": (_c_status, [_p, ctypes.c_char_p, ctypes.c_char_p]),
    "govtally_options_set_skip_bad_rows": (_c_status, [_p, ctypes.c_bool]),
    "govtally_options_set_threads": (_c_status, [_p, ctypes.c_uint32]),
    "govtally_options_set_keep_state": (_c_status, [_p, ctypes.c_bool]),
    "govtally_options_set_id_prefix": (_c_status, [_p, ctypes.c_char_p]),
    "govtally_tally_new": (_c_status, [ctypes.c_int32, _p, ctypes.POINTER(_p)]),
    "govtally_tally_begin_input": (_c_status, [_p, ctypes.c_char_p]),
    "govtally_tally_feed": (_c_status, [_p, ctypes.c_char_p, _u64]),
    "govtally_tally_save_state": (_c_status, [_p, _u8p, _u64, _u64p]),
    "govtally_tally_resume": (_c_status, [ctypes.c_char_p, ctypes.c_char_p, _u64, _p, ctypes.POINTER(_p)]),
    "govtally_tally_merge_state": (_c_status, [_p, ctypes.c_char_p, ctypes.c_char_p, _u64]),
    "govtally_state_dataset": (_c_status, [ctypes.c_char_p, _u64, _i32p]),
    "govtally_tally_finish": (_c_status, [_p, ctypes.POINTER(_p)]),
    "govtally_tally_free": (None, [_p]),
    "govtally_report_json": (_c_status, [_p, _u8p, _u64, _u64p]),
    "govtally_report_free": (None, [_p]),
}

ABI_VERSION = 1


class GovtallyError(Exception):
    """A failed call: `status` and the library's message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Lib:
    """libgovtally loaded from `path`, its functions typed."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.c = ctypes.CDLL(self.path)
        for name, (res, args) in _SIGNATURES.items():
            f = getattr(self.c, name)
            f.restype = res
            f.argtypes = args
        if self.c.govtally_abi_version() != ABI_VERSION:
            raise RuntimeError(f"{path}: ABI {self.c.govtally_abi_version()}, want {ABI_VERSION}")

    def last_error(self):
        needed = _u64(0)
        self.c.govtally_last_error(None, 0, ctypes.byref(needed))
        buf = (ctypes.c_uint8 * needed.value)()
        if self.c.govtally_last_error(buf, needed.value, None) != OK:
            return "(no message)"
        return bytes(buf)[: needed.value - 1].decode("utf-8", "replace")

    def check(self, status):
        if status != OK:
            name = self.c.govtally_status_str(status).decode()
            raise GovtallyError(status, f"{name}: {self.last_error()}")

    def dataset(self, name):
        out = ctypes.c_int32(-1)
        self.check(self.c.govtally_dataset_from_name(name.encode(), ctypes.byref(out)))
        return out.value

    def dataset_name(self, code):
        return self.c.govtally_dataset_name(code).decode()

    def state_dataset(self, state):
        out = ctypes.c_int32(-1)
        self.check(self.c.govtally_state_dataset(state, len(state), ctypes.byref(out)))
        return out.value

    def options(self, year=None, period=None, skip_bad_rows=False, threads=None,
                keep_state=True, id_prefix=None):
        """A new options handle (free it with free_options)."""
        o = _p()
        self.check(self.c.govtally_options_new(ctypes.byref(o)))
        try:
            if year is not None:
                self.check(self.c.govtally_options_set_year(o, int(year)))
            if period is not None:
                self.check(self.c.govtally_options_set_period(o, period[0].encode(), period[1].encode()))
            self.check(self.c.govtally_options_set_skip_bad_rows(o, bool(skip_bad_rows)))
            if threads is not None:
                self.check(self.c.govtally_options_set_threads(o, int(threads)))
            self.check(self.c.govtally_options_set_keep_state(o, bool(keep_state)))
            if id_prefix:
                self.check(self.c.govtally_options_set_id_prefix(o, id_prefix.encode()))
        except Exception:
            self.c.govtally_options_free(o)
            raise
        return o

    def free_options(self, o):
        self.c.govtally_options_free(o)


class Tally:
    """A govtally_tally handle; use as a context manager (freed on exit)."""

    def __init__(self, lib, handle):
        self.lib = lib
        self.h = handle

    @classmethod
    def new(cls, lib, dataset, options):
        h = _p()
        lib.check(lib.c.govtally_tally_new(dataset, options, ctypes.byref(h)))
        return cls(lib, h)

    @classmethod
    def resume(cls, lib, name, state, options=None):
        """A tally resumed from `state` (bytes); options None: the state's own."""
        h = _p()
        lib.check(lib.c.govtally_tally_resume(name.encode(), state, len(state), options, ctypes.byref(h)))
        return cls(lib, h)

    def begin_input(self, name):
        self.lib.check(self.lib.c.govtally_tally_begin_input(self.h, name.encode()))

    def feed(self, data):
        self.lib.check(self.lib.c.govtally_tally_feed(self.h, data, len(data)))

    def feed_file(self, path, name=None, chunk=1 << 20):
        """Begins input `name` (default: the path as given) and feeds the
        file's bytes; returns the bytes fed."""
        self.begin_input(path if name is None else name)
        n = 0
        with open(path, "rb") as f:
            while True:
                b = f.read(chunk)
                if not b:
                    return n
                self.feed(b)
                n += len(b)

    def save_state(self):
        """The state as bytes: the size first (NULL/0), then the copy."""
        needed = _u64(0)
        s = self.lib.c.govtally_tally_save_state(self.h, None, 0, ctypes.byref(needed))
        if s != BUFFER_TOO_SMALL:
            self.lib.check(s)
        buf = (ctypes.c_uint8 * needed.value)()
        self.lib.check(self.lib.c.govtally_tally_save_state(self.h, buf, needed.value, ctypes.byref(needed)))
        return bytes(buf)

    def merge_state(self, name, state):
        self.lib.check(self.lib.c.govtally_tally_merge_state(self.h, name.encode(), state, len(state)))

    def finish_json(self):
        """Finishes the tally; the report's JSON text."""
        r = _p()
        self.lib.check(self.lib.c.govtally_tally_finish(self.h, ctypes.byref(r)))
        try:
            needed = _u64(0)
            s = self.lib.c.govtally_report_json(r, None, 0, ctypes.byref(needed))
            if s != BUFFER_TOO_SMALL:
                self.lib.check(s)
            buf = (ctypes.c_uint8 * needed.value)()
            self.lib.check(self.lib.c.govtally_report_json(r, buf, needed.value, None))
            return bytes(buf)[: needed.value - 1].decode("utf-8")
        finally:
            self.lib.c.govtally_report_free(r)

    def close(self):
        if self.h is not None:
            self.lib.c.govtally_tally_free(self.h)
            self.h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
