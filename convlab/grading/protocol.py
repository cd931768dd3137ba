"""What the grader, the worker and ``check()`` share: the value codec and the timing yardstick.

Values cross the process boundary as JSON plus ``.npy`` files, never pickle:
:func:`encode` turns a returned value into JSON (arrays are handed to a ``save_array``
callback), :func:`decode` turns it back, strictly: anything unexpected becomes an
:class:`Opaque`, which no comparison accepts. :func:`time_against` times a function
against :data:`BASELINES` in the same process.

Between the grader and a worker, everything travels as *frames* on pipes
(:func:`frame`, :class:`FrameReader`): ``b"<kind> <length>\\n"`` then ``length`` bytes.
A malformed header ends the stream; nothing after it is read.

This module imports only the standard library and NumPy: the worker loads it by path,
before any submission code runs, without importing convlab.

>>> saved = {}
>>> def save(arr):
...     saved["out_0.npy"] = arr
...     return "out_0.npy"
>>> wire = encode((np.arange(2), "x", {"k": 3}, {1}), save)
>>> wire
{'tuple': [{'array': 'out_0.npy'}, {'str': 'x'}, {'dict': [['k', 3]]}, {'opaque': ['set', '{1}']}]}
>>> decode(wire, saved.__getitem__)
(array([0, 1]), 'x', {'k': 3}, <set: {1}>)
"""

from __future__ import annotations

import re
import time

__all__ = [
    "BASELINES",
    "FrameReader",
    "Opaque",
    "baseline_conv2d",
    "decode",
    "encode",
    "frame",
    "time_against",
]

MAX_ITEMS = 256  # longest tuple/list/dict accepted back from a submission
MAX_CHARS = 1000  # longest string (a mode name, a dict key: data, never code)
ARRAY_NAME = re.compile(r"^[a-z]+(_\d+)+\.npy$")
_perf = time.perf_counter  # bound before any submission code can patch ``time``
_HEADER = re.compile(rb"([a-z]{1,12}) (\d{1,10})\n")


def frame(kind: str, payload: bytes) -> bytes:
    """One frame: a header line ``kind length`` then the payload.

    >>> frame("case", b"{}")
    b'case 2\\n{}'
    """
    return b"%s %d\n" % (kind.encode("ascii"), len(payload)) + payload


class FrameReader:
    """Cut a byte stream into ``(kind, payload)`` frames, strictly and incrementally.

    >>> r = FrameReader()
    >>> r.feed(b"case 2\\n{}ev")
    [('case', b'{}')]
    >>> r.feed(b"ent 1\\nx"), r.broken
    ([('event', b'x')], False)
    >>> r.feed(b"NOT A HEADER\\n"), r.broken
    ([], True)
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.broken = False

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        """Append ``data``; return the frames it completes (none once the stream is broken)."""
        if self.broken:
            return []
        self.buffer += data
        frames = []
        while True:
            end = self.buffer.find(b"\n", 0, 32)
            if end < 0:
                self.broken = len(self.buffer) >= 32
                return frames
            match = _HEADER.fullmatch(bytes(self.buffer[: end + 1]))
            if match is None:
                self.broken = True
                return frames
            size = int(match[2])
            if len(self.buffer) < end + 1 + size:
                return frames
            frames.append((match[1].decode("ascii"), bytes(self.buffer[end + 1 : end + 1 + size])))
            del self.buffer[: end + 1 + size]


class Opaque:
    """A returned value that is not data (a string, a dict, None in an array slot...)."""

    __slots__ = ("text", "type")

    def __init__(self, type_: str, text: str = "") -> None:
        self.type, self.text = str(type_)[:80], str(text)[:200]

    def __repr__(self) -> str:
        return f"<{self.type}{': ' + self.text if self.text else ''}>"


def _safe_repr(value) -> str:
    try:
        return repr(value)[:200]
    except BaseException:  # a hostile __repr__
        return "?"


def encode(value, save_array, depth: int = 0):
    """A JSON-able description of ``value``; arrays are handed to ``save_array(arr) -> name``."""
    import numpy as np

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and type(value) is int:
        return value if abs(value) < 2**63 else {"opaque": ["int", "a huge int"]}
    if isinstance(value, float) and type(value) is float:
        return value
    if isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, np.void):
        arr = np.asarray(value)
        if arr.dtype.kind in "biufc" and arr.dtype.names is None:
            return {"array": save_array(np.array(arr, copy=True, subok=False))}
        return {"opaque": ["ndarray", f"dtype {arr.dtype}"]}
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= MAX_ITEMS:
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [encode(v, save_array, depth + 1) for v in value]}
    if type(value) is str and len(value) <= MAX_CHARS:  # e.g. mode="same", a layer's "type"
        return {"str": value}
    if type(value) is dict and depth < 4 and len(value) <= MAX_ITEMS and _plain_keys(value):
        return {"dict": [[k, encode(v, save_array, depth + 1)] for k, v in value.items()]}
    return {"opaque": [type(value).__name__, _safe_repr(value)]}


def _plain_keys(value) -> bool:
    return all(type(k) is str and len(k) <= MAX_CHARS for k in value)


def decode(obj, load_array, depth: int = 0):
    """Inverse of :func:`encode`, strict: anything unexpected becomes :class:`Opaque`."""
    if obj is None or isinstance(obj, (bool, int, float)):
        return obj
    if isinstance(obj, dict) and len(obj) == 1 and depth < 5:
        ((kind, body),) = obj.items()
        if kind == "array" and isinstance(body, str) and ARRAY_NAME.match(body):
            return load_array(body)
        if kind in ("tuple", "list") and isinstance(body, list) and len(body) <= MAX_ITEMS:
            items = [decode(v, load_array, depth + 1) for v in body]
            return tuple(items) if kind == "tuple" else items
        if kind == "str" and isinstance(body, str) and len(body) <= MAX_CHARS:
            return body
        if kind == "dict" and isinstance(body, list) and len(body) <= MAX_ITEMS:
            pairs = [p for p in body if isinstance(p, list) and len(p) == 2]
            if len(pairs) == len(body) and _plain_keys(dict(pairs)):
                return {k: decode(v, load_array, depth + 1) for k, v in pairs}
        if kind == "opaque" and isinstance(body, list) and len(body) == 2:
            return Opaque(*map(str, body))
    return Opaque("unreadable", "the worker sent something that is not a value")


# ------------------------------------------------------------------------ timing baseline


def _pair(v):
    return (int(v), int(v)) if isinstance(v, (int,)) or getattr(v, "ndim", 1) == 0 else tuple(v)


def baseline_conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    """The speed yardstick for "vectorised" conv2d: one matrix product per kernel tap.

    This is the algorithm convlab's own conv2d uses (per-tap accumulation, no im2col
    buffer), in a dozen lines, so a submission can be timed against it in its own process.
    """
    import numpy as np

    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=x.dtype)
    xp[:, :, ph : ph + h, pw : pw + wd] = x
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((o, n, oh, ow), dtype=x.dtype)
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            out += np.tensordot(w[:, :, i, j], xp[:, :, rows, cols], axes=([1], [1]))
    if b is not None:
        out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3)


BASELINES = {"conv2d": baseline_conv2d}


def time_against(func, args, baseline, repeat: int = 7, max_seconds: float = 2.0):
    """Best-of-``repeat`` seconds of ``func(*args)`` and ``baseline(*args)``, interleaved."""
    first = func(*args)
    baseline(*args)
    best_f = best_b = float("inf")
    spent = 0.0
    for _ in range(repeat):
        t0 = _perf()
        baseline(*args)
        t1 = _perf()
        func(*args)
        t2 = _perf()
        best_b, best_f = min(best_b, t1 - t0), min(best_f, t2 - t1)
        spent += t2 - t1
        if spent > max_seconds:
            break
    return first, best_f, best_b
