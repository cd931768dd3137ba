"""Argument checking for every public function: the only place errors are worded.

Every message follows one pattern so learners can scan it::

    <function>: <argument> <what was expected>; got <argument>=<value>. <fix>

``TypeError`` means "wrong kind of thing", ``ValueError`` "right kind, wrong value".
:func:`fail` builds them as :class:`convlab.ConvlabError` s that also carry those parts
as fields (``func``, ``argument``, ``value`` as passed, ``message``, ``fix``): code that
explains an error reads the fields, never the text. A helper given an argument's
``name`` and ``value`` blames it; a caller that rewrites an argument (a tuple per dim,
``(before, after)`` pairs) passes the value as the user wrote it for messages.
No public function lets an ``IndexError``, ``ZeroDivisionError`` or a wrongly shaped
result escape: whatever torch refuses, convlab refuses here first, in words.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import ConvlabError, error_type

__all__ = [
    "LAYOUTS",
    "as_float_array",
    "check_alloc",
    "check_bool",
    "check_choice",
    "check_int",
    "check_ndim",
    "check_position",
    "check_same_dtype",
    "fail",
    "fill_value",
    "int_or_none",
    "int_sequence",
    "int_tuple",
    "positive_float",
    "real_number",
    "settings_text",
    "split_batch",
    "tuple_length",
]


# The batched layout of the 1-, 2- and 3-D ops, as messages and docstrings spell it.
LAYOUTS = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


def fail(
    func: str,
    message: str,
    fix: str | None = None,
    *,
    kind: type[Exception] = ValueError,
    argument: str | None = None,
    value: Any = None,
) -> ConvlabError:
    """Build (not raise) the error for ``func``: a ``kind`` that carries its parts.

    ``argument`` is the public argument to blame as the signature spells it (``None``
    if no single one is) and ``value`` that argument as the caller passed it; see
    :class:`convlab.ConvlabError`.

    >>> error = fail("conv2d", "stride must be >= 1; got stride=0", "Use stride=1",
    ...              argument="stride", value=0)
    >>> print(error)
    conv2d: stride must be >= 1; got stride=0. Use stride=1
    >>> isinstance(error, ValueError), error.argument, error.value, error.fix
    (True, 'stride', 0, 'Use stride=1')
    """
    cls = error_type(kind)
    try:
        return cls(func, message, fix, argument=argument, value=value)
    except TypeError:  # a user's error class with its own constructor (gradient_check)
        base = TypeError if issubclass(kind, TypeError) else ValueError
        return error_type(base)(func, message, fix, argument=argument, value=value)


def _show(value: Any) -> str:
    """A short repr for messages: arrays by shape and dtype, everything else by repr."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------------------- arrays


def as_float_array(func: str, name: str, value: Any) -> np.ndarray:
    """Return ``value`` as a float32 or float64 array, following convlab's dtype rule.

    float32 and float64 pass through unchanged (no copy); float16 becomes float32;
    integers and bools become float64 (torch would refuse or keep ints: a friendly,
    documented deviation). Anything else is a ``TypeError`` naming the argument.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise fail(
            func,
            f"{name} must be an array of real numbers; got {name}={_show(value)}",
            "Pass a NumPy array, e.g. np.asarray(...)",
            kind=TypeError,
            argument=name,
            value=value,
        )
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise fail(
            func,
            f"{name} must be a rectangular array of real numbers; got {name}={_show(value)}",
            "Check that every row has the same length",
            kind=TypeError,
            argument=name,
            value=value,
        ) from exc
    kind = arr.dtype.kind
    if not arr.dtype.isnative and kind in "fiub":  # big-endian data: same numbers, native
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if kind == "f":
        if arr.dtype == np.float16:
            return arr.astype(np.float32)
        if arr.dtype.itemsize > 8:
            return arr.astype(np.float64)
        return arr
    if kind in "iub":
        return arr.astype(np.float64)
    if kind == "c":
        raise fail(
            func,
            f"{name} must be real; got {name}={_show(arr)}",
            "convlab works on real arrays: pass x.real, or use numpy/scipy for complex signals",
            kind=TypeError,
            argument=name,
            value=value,
        )
    raise fail(
        func,
        f"{name} must be an array of real numbers; got {name}={_show(arr)}",
        "Convert it with np.asarray(..., dtype=float)",
        kind=TypeError,
        argument=name,
        value=value,
    )


def check_same_dtype(func: str, **arrays: np.ndarray | None) -> np.dtype:
    """All float arrays must share one dtype (torch refuses float32 with float64)."""
    given = {name: a for name, a in arrays.items() if a is not None}
    dtypes = {a.dtype for a in given.values()}
    if len(dtypes) > 1:
        listing = ", ".join(f"{name} is {a.dtype}" for name, a in given.items())
        first = next(iter(given))
        raise fail(
            func,
            f"all arrays must have the same float dtype; got {listing}",
            f"Cast them to one dtype, e.g. .astype({given[first].dtype.name})",
            kind=TypeError,
        )
    return dtypes.pop()


def split_batch(
    func: str, name: str, x: np.ndarray, nd: int, layout: str, *, siblings: bool = True
) -> tuple[np.ndarray, bool]:
    """Accept ``(N, C, *spatial)`` or unbatched ``(C, *spatial)``; return batched and a flag.

    ``siblings`` says ``func`` has 1d/2d/3d versions that a wrong rank can point to.
    """
    if x.ndim == nd + 2:
        return x, False
    if x.ndim == nd + 1:
        return x[None], True
    raise fail(
        func,
        f"{name} must be {nd + 1}-D (unbatched ({layout[4:]}) or {nd + 2}-D (batched {layout}); "
        f"got {name} with shape {x.shape}",
        "Add or remove axes, e.g. x[None] for a single sample"
        if x.ndim == nd
        else f"For {x.ndim - 2} spatial dims use the {x.ndim - 2}d version of this function"
        if siblings and x.ndim > nd + 2 and 1 <= x.ndim - 2 <= 3
        else None,
        argument=name,
        value=x,
    )


def check_ndim(func: str, name: str, arr: np.ndarray, ndims: Sequence[int], meaning: str) -> None:
    """``arr.ndim`` must be one of ``ndims``; ``meaning`` describes the layout, e.g. "(H, W)"."""
    if arr.ndim not in ndims:
        dims = " or ".join(f"{n}-D" for n in ndims)
        raise fail(
            func,
            f"{name} must be {dims} {meaning}; got {name} with shape {arr.shape}",
            "Pick one channel, e.g. x[0], or drop the batch axis"
            if arr.ndim > max(ndims)
            else None,
            argument=name,
            value=arr,
        )


# ----------------------------------------------------------------------------- integers

# torch's int64: larger magnitudes overflow in torch and in NumPy's index arithmetic.
INT_BOUND = 2**63

# The largest array an op allocates (output or working buffer); beyond it the call is
# refused up front with a worded ValueError instead of a MemoryError or a long hang.
MAX_BYTES = 2**32


def _int_value(value: Any) -> int | None:
    """The int that ``value`` stands for, or ``None`` if it is not int-like.

    Python and NumPy ints, 0-d integer arrays and anything with ``__index__`` count;
    bools do not (``stride=True`` is a mistake, not a 1), nor do floats, even whole ones.
    """
    if type(value) is int:
        return value
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, np.ndarray):
        return int(value) if value.ndim == 0 and value.dtype.kind in "iu" else None
    if isinstance(value, numbers.Integral) or hasattr(type(value), "__index__"):
        try:
            return operator.index(value)
        except Exception:  # a broken __index__ is the caller's value being wrong
            return None
    return None


def _is_int(value: Any) -> bool:
    return _int_value(value) is not None


def _is_int_sequence(value: Any) -> bool:
    """A tuple, list or range of ints or not: never a str, bytes or an array."""
    return isinstance(value, (tuple, list, range))


def _int_word(minimum: int | None) -> str:
    """How a message names an int with this minimum: "int", "positive int", ..."""
    return {None: "int", 0: "non-negative int", 1: "positive int"}.get(minimum, f"int >= {minimum}")


def _int_hint(name: str, value: Any) -> str:
    """The fix for a value that is not an int: what to write instead."""
    if isinstance(value, (bool, np.bool_)):
        return "A bool is not a size: write the number itself"
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return f"Use a whole number, e.g. {name}={int(value)}"
    if isinstance(value, (bytes, bytearray)):
        return f"Bytes are not numbers here: write {name} as an int or a tuple of ints"
    return "Use whole numbers"


def check_int(func: str, name: str, value: Any, *, minimum: int | None = None) -> int:
    """One int (never a sequence) ``>= minimum`` that fits in int64, as a Python int.

    >>> check_int("conv_params", "groups", np.int64(2), minimum=1)
    2
    >>> check_int("conv_params", "groups", float("nan"))
    Traceback (most recent call last):
    TypeError: conv_params: groups must be an int; got groups=nan. Use whole numbers
    """
    v = _int_value(value)
    what = _int_word(minimum)
    article = "an" if what[0] in "aeiou" else "a"
    if v is None:
        raise fail(
            func,
            f"{name} must be {article} {what}; got {name}={_show(value)}",
            _int_hint(name, value),
            kind=TypeError,
            argument=name,
            value=value,
        )
    _check_range(func, name, value, (v,), f"{article} {what}", minimum)
    return v


def _check_range(
    func: str, name: str, value: Any, values: tuple[int, ...], expected: str, minimum, meaning=""
) -> None:
    if any(not -INT_BOUND < v < INT_BOUND for v in values):
        raise fail(
            func,
            f"{name} must be {expected} that fits in 64 bits (|{name}| < 2**63); "
            f"got {name}={_show(value)}",
            "Use a realistic size: an array that large would not fit in memory",
            argument=name,
            value=value,
        )
    if minimum is not None and any(v < minimum for v in values):
        raise fail(
            func,
            f"{name} must be {expected}{meaning}; got {name}={_show(value)}",
            argument=name,
            value=value,
        )


def int_tuple(
    func: str,
    name: str,
    value: Any,
    n: int,
    *,
    minimum: int | None = None,
    meaning: str = "",
    broadcast: bool = False,
) -> tuple[int, ...]:
    """An int or a length-``n`` sequence of ints, each ``>= minimum``, as a tuple.

    With ``broadcast`` a one-element sequence stands for all ``n`` dims, as torch's
    conv and pooling ops take it (its unfold and adaptive pooling do not).
    NumPy ints are accepted; floats, bools, bytes and strings are not.

    >>> int_tuple("conv2d", "stride", 2, 2, minimum=1)
    (2, 2)
    >>> int_tuple("conv2d", "padding", (1,), 2, minimum=0, broadcast=True)
    (1, 1)
    """
    if type(value) is int and (minimum is None or value >= minimum) and abs(value) < INT_BOUND:
        return (value,) * n  # the common case, checked before any message is built
    what = _int_word(minimum)
    article = "an" if what[0] in "aeiou" else "a"
    expected = f"{article} {what} or a tuple of {n} {what}s" if n > 1 else f"{article} {what}"
    v = _int_value(value)
    if v is not None:
        values = (v,) * n
    elif _is_int_sequence(value):
        items = [_int_value(item) for item in value]
        if broadcast and len(items) == 1 and n > 1:
            items = items * n  # torch: a one-element list is used for every dim
        if len(items) != n:
            raise fail(
                func,
                f"{name} must be {expected}{meaning}; got {name}={_show(value)} "
                f"with {len(items)} entries",
                f"Give one value per spatial dim ({n})",
                argument=name,
                value=value,
            )
        bad = [item for item, i in zip(value, items, strict=False) if i is None]
        if bad:
            raise fail(
                func,
                f"{name} must be {expected}; got {name}={_show(value)}",
                _int_hint(name, bad[0]) if len(value) == 1 else "Use whole numbers, e.g. int(v)",
                kind=TypeError,
                argument=name,
                value=value,
            )
        values = tuple(items)  # type: ignore[arg-type]
    else:
        raise fail(
            func,
            f"{name} must be {expected}; got {name}={_show(value)}",
            _int_hint(name, value),
            kind=TypeError,
            argument=name,
            value=value,
        )
    _check_range(func, name, value, values, expected, minimum, meaning)
    return values


def int_sequence(
    func: str,
    name: str,
    value: Any,
    *,
    kind: str = "tuple",
    meaning: str = "",
    fix: str | None = None,
    minimum: int | None = None,
) -> tuple[int, ...]:
    """A tuple or list of ints of any length (never a bare int), each ``>= minimum``.

    ``kind`` is the word the message uses ("tuple" or "list"), ``meaning`` what the
    entries stand for and ``fix`` how to write one.

    >>> int_sequence("pad", "pad", [1, 2])
    (1, 2)
    >>> int_sequence("pad", "pad", 1, meaning=" (left, right, ...)", fix="Wrap it in a tuple")
    Traceback (most recent call last):
    TypeError: pad: pad must be a tuple of ints (left, right, ...); got pad=1. Wrap it in a tuple
    """
    what = _int_word(minimum).replace("int", "ints")
    expected = f"{name} must be a {kind} of {what}{meaning}; got {name}={_show(value)}"
    if not _is_int_sequence(value):
        raise fail(
            func,
            expected,
            fix or _int_hint(name, value),
            kind=TypeError,
            argument=name,
            value=value,
        )
    values = tuple(_int_value(v) for v in value)
    if any(v is None for v in values):
        raise fail(
            func,
            expected,
            "Use whole numbers, e.g. int(v)",
            kind=TypeError,
            argument=name,
            value=value,
        )
    _check_range(func, name, value, values, f"a {kind} of {what}", minimum, meaning)  # type: ignore[arg-type]
    return values  # type: ignore[return-value]


def check_alloc(
    func: str, shape: Sequence[int], itemsize: int, what: str = "output", **settings: Any
) -> None:
    """Refuse, before allocating it, an array too large for memory (``MAX_BYTES``).

    >>> check_alloc("pad", (10**6, 10**6), 8)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: pad: the output would have shape (1000000, 1000000), 8.0 TB (limit 4.3 GB)...
    """
    size = math.prod(shape) * itemsize
    if size > MAX_BYTES:
        raise fail(
            func,
            f"the {what} would have shape {_show(tuple(shape))}, {_bytes(size)} "
            f"(limit {_bytes(MAX_BYTES)}){settings_text(settings, ' for ')}",
            "Use smaller sizes, padding or strides",
        )


def settings_text(settings: dict[str, Any], lead: str = "") -> str:
    """``stride=(2, 2), padding=(1, 1)``: the arguments behind a size, for messages."""
    if not settings:
        return ""
    return lead + ", ".join(f"{k}={_show(v)}" for k, v in settings.items())


def _bytes(n: int) -> str:
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= scale:
            return f"{n / scale:.2g} {unit}" if n / scale >= 10**6 else f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def tuple_length(func: str, **values: Any) -> int | None:
    """The common length of the tuple (or list) ``values``; ``None`` if all are scalars.

    >>> tuple_length("conv_output_size", input_size=(32, 32), kernel_size=3)
    2
    """
    lengths = {len(v) for v in values.values() if isinstance(v, (tuple, list))}
    if len(lengths) > 1:
        got = ", ".join(f"{name}={v!r}" for name, v in values.items())
        raise fail(
            func,
            f"tuple arguments must have equal lengths; got {got}",
            "Give one value per spatial dim, or one int for all of them",
        )
    return lengths.pop() if lengths else None


def real_number(func: str, name: str, value: Any) -> float:
    """A real number (int or float, NaN and inf allowed: they are values), as a float.

    >>> real_number("pad", "value", "0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: pad: value must be a real number; got value='0'. Write the number itself...
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise fail(
            func,
            f"{name} must be a real number; got {name}={_show(value)}",
            f"Write the number itself, e.g. {name}=0.0",
            kind=TypeError,
            argument=name,
            value=value,
        )
    if isinstance(value, np.ndarray) and (value.ndim or value.dtype.kind not in "iuf"):
        raise fail(
            func,
            f"{name} must be a real number; got {name}={_show(value)}",
            kind=TypeError,
            argument=name,
            value=value,
        )
    return float(value)


def fill_value(func: str, value: Any) -> float:
    """SciPy's ``fillvalue``: a real scalar or any one-element array of numbers (bools too).

    Like SciPy, a value that is not one real number is a ``ValueError``.

    >>> fill_value("correlate2d", np.array([2]))
    2.0
    """
    if isinstance(value, (str, bytes)) or value is None:
        arr = None
    else:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):
            arr = None
    if arr is None or arr.dtype.kind not in "biuf" or arr.size != 1:
        raise fail(
            func,
            f"fillvalue must be a real scalar or an array with one element; got "
            f"fillvalue={_show(value)}",
            "E.g. fillvalue=0 or fillvalue=np.nan",
            argument="fillvalue",
            value=value,
        )
    return float(arr.reshape(()))


def positive_float(func: str, name: str, value: Any) -> float:
    """A finite real number ``> 0`` (e.g. a Gaussian's ``sigma``), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail(
            func,
            f"{name} must be a positive number; got {name}={_show(value)}",
            kind=TypeError,
            argument=name,
            value=value,
        )
    if not np.isfinite(value) or value <= 0:
        raise fail(
            func,
            f"{name} must be a positive number; got {name}={_show(value)}",
            argument=name,
            value=value,
        )
    return float(value)


def check_position(func: str, position: tuple[int, ...], out: tuple[int, ...]) -> tuple[int, ...]:
    """An output position, the arguments ``i`` and ``j``, must lie inside the output ``out``.

    >>> check_position("conv_window", (1, 5), (3, 3))
    Traceback (most recent call last):
    ValueError: conv_window: the output position must lie inside the 3x3 output (0..2, 0..2); \
got (i, j)=(1, 5). Pick i and j within the output size
    """
    names = ("i", "j")
    pos = tuple(check_int(func, n, v) for n, v in zip(names, position, strict=True))
    given = zip(names, position, pos, out, strict=True)
    outside = [(n, v) for n, v, p, o in given if not 0 <= p < o]
    if outside:
        ranges = ", ".join(f"0..{o - 1}" for o in out)
        raise fail(
            func,
            f"the output position must lie inside the {'x'.join(map(str, out))} output "
            f"({ranges}); got (i, j)={pos}",
            "Pick i and j within the output size",
            argument=outside[0][0],
            value=outside[0][1],
        )
    return pos


def check_index(func: str, name: str, value: Any, size: int, what: str) -> int:
    """One int in ``0 .. size - 1``, e.g. which of a layer's ``size`` filters to draw.

    >>> check_index("channel_sum", "out_channel", 1, 2, "the weight's C_out")
    1
    """
    (i,) = int_tuple(func, name, value, 1, minimum=0)
    if i >= size:
        raise fail(
            func,
            f"{name} must be < {size} ({what}); got {name}={i}",
            f"Pick {name} between 0 and {size - 1}",
            argument=name,
            value=value,
        )
    return i


def int_or_none(func: str, name: str, value: Any, *, nonzero: bool = False) -> int | None:
    """``None`` or one int (never a tuple), non-zero if asked (e.g. ``divisor_override``:
    torch refuses only 0, a negative divisor flips the sign)."""
    if value is None:
        return None
    v = check_int(func, name, value)
    if nonzero and v == 0:
        raise fail(
            func,
            f"{name} must be a non-zero int or None; got {name}=0",
            f"Leave {name}=None to divide by the window size",
            argument=name,
            value=value,
        )
    return v


def check_bool(func: str, name: str, value: Any) -> bool:
    """``value`` must be a bool (as torch insists for flags such as ``ceil_mode``)."""
    if not isinstance(value, (bool, np.bool_)):
        raise fail(
            func,
            f"{name} must be True or False; got {name}={_show(value)}",
            kind=TypeError,
            argument=name,
            value=value,
        )
    return bool(value)


def check_choice(func: str, name: str, value: Any, choices: Sequence[str]) -> str:
    """``value`` must be one of the strings in ``choices``."""
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise fail(
            func,
            f"{name} must be one of {options}; got {name}={_show(value)}",
            kind=TypeError,
            argument=name,
            value=value,
        )
    if value not in choices:
        close = [c for c in choices if c.lower() == value.lower()]
        raise fail(
            func,
            f"{name} must be one of {options}; got {name}={value!r}",
            f"Did you mean {close[0]!r}?" if close else None,
            argument=name,
            value=value,
        )
    return value


# ----------------------------------------------------------------------------- convolution


def check_groups(func: str, in_channels: int, out_channels: int, groups: int) -> None:
    """``groups`` must divide both channel counts."""
    for name, c in (("in_channels", in_channels), ("out_channels", out_channels)):
        if c % groups:
            raise fail(
                func,
                f"groups must divide {name}; got groups={groups} with {name}={c}",
                f"Choose groups among the common divisors of {in_channels} and {out_channels}",
                argument="groups",
                value=groups,
            )


def check_weight(func: str, x: np.ndarray, w: np.ndarray, nd: int, groups: int, transposed: bool):
    """Weight rank and channel agreement with the (batched) input."""
    layout = "(C_in, C_out/groups, *kernel)" if transposed else "(C_out, C_in/groups, *kernel)"
    if w.ndim != nd + 2:
        raise fail(
            func,
            f"weight must be {nd + 2}-D {layout}; got weight with shape {w.shape}",
            "For a single 2-D kernel k use k[None, None]" if w.ndim == nd else None,
            argument="weight",
            value=w,
        )
    if any(k < 1 for k in w.shape[2:]):
        raise fail(
            func,
            f"weight must have a non-empty kernel; got weight with shape {w.shape}",
            argument="weight",
            value=w,
        )
    c_in = x.shape[1]
    if transposed:
        if w.shape[0] != c_in:
            raise fail(
                func,
                f"weight of shape {w.shape} expects input with {w.shape[0]} channels "
                f"(weight.shape[0]); got {c_in} channels (input shape {x.shape})",
                "The transposed-conv weight is laid out (C_in, C_out/groups, *kernel)",
            )
        check_groups(func, c_in, w.shape[1] * groups, groups)
        return
    if w.shape[0] % groups:
        raise fail(
            func,
            f"groups must divide out_channels; got groups={groups} with weight of shape "
            f"{w.shape} ({w.shape[0]} output channels)",
            argument="groups",
            value=groups,
        )
    if w.shape[1] * groups != c_in:
        channels_last = x.shape[-1] == w.shape[1] * groups  # e.g. NHWC from TensorFlow
        raise fail(
            func,
            f"weight of shape {w.shape} with groups={groups} expects input with "
            f"{w.shape[1] * groups} channels; got {c_in} channels (input shape {x.shape})",
            "The input looks channels-last (TensorFlow's default, e.g. NHWC); convlab, like "
            f"PyTorch, wants channels first: np.moveaxis(x, -1, {-(nd + 1)})"
            if channels_last
            else "The weight is laid out (C_out, C_in/groups, *kernel): check C_in and groups",
        )


def check_bias(
    func: str,
    bias: np.ndarray | None,
    out_channels: int,
    weight: np.ndarray | None = None,
    groups: int = 1,
) -> None:
    if bias is not None and bias.shape != (out_channels,):
        source = "" if weight is None else f" for weight of shape {weight.shape}"
        source += f" and groups={groups}" if groups != 1 else ""
        raise fail(
            func,
            f"bias must be 1-D with one value per output channel ({out_channels}{source}); "
            f"got bias with shape {bias.shape}",
            argument="bias",
            value=bias,
        )


def check_padded_fits(
    func: str,
    size: tuple[int, ...],
    padded: tuple[int, ...],
    extent: tuple[int, ...],
    **settings: Any,
) -> None:
    """The (dilated) kernel must fit in the padded input."""
    if any(e > p for e, p in zip(extent, padded, strict=True)):
        raise fail(
            func,
            f"the kernel (dilated extent {extent}) is larger than the padded input "
            f"{padded} (input size {size}){settings_text(settings, '; got ')}",
            "Use a smaller kernel or dilation, or more padding",
        )


def check_mode_padding(
    func: str,
    mode: tuple[str, str],
    padding: tuple[str, Any],
    pads: Sequence[tuple[int, int]],
    size: tuple[int, ...],
) -> None:
    """reflect needs padding < size; circular needs padding <= size (wrap at most once).

    ``mode`` and ``padding`` are ``(argument name, value as passed)``, e.g.
    ``("padding_mode", "reflect")`` and ``("padding", 4)``; ``pads`` are the checked
    ``(before, after)`` widths per padded dim and ``size`` that dim's input size.

    >>> check_mode_padding("conv2d", ("padding_mode", "reflect"), ("padding", (4, 4)),
    ...                    ((4, 4), (4, 4)), (3, 3))
    Traceback (most recent call last):
    ValueError: conv2d: padding_mode='reflect' needs padding < input size in every spatial \
dim; got padding=(4, 4) for input size (3, 3). Reflection mirrors the input without \
repeating the edge, so it needs that many pixels: use less padding or mode 'replicate'
    """
    (mode_name, name), (pad_name, given) = (mode[0], mode[1]), padding
    worst = [max(before, after) for before, after in pads]
    if name == "reflect" and any(w >= n for w, n in zip(worst, size, strict=True)):
        raise fail(
            func,
            f"{mode_name}='reflect' needs padding < input size in every spatial dim; "
            f"got {pad_name}={_show(given)} for input size {size}",
            "Reflection mirrors the input without repeating the edge, so it needs that "
            "many pixels: use less padding or mode 'replicate'",
            argument=pad_name,
            value=given,
        )
    if name == "circular" and any(w > n for w, n in zip(worst, size, strict=True)):
        raise fail(
            func,
            f"{mode_name}='circular' needs padding <= input size in every spatial dim "
            f"(it wraps around at most once); got {pad_name}={_show(given)} for input size "
            f"{size}",
            "Use less padding",
            argument=pad_name,
            value=given,
        )


def check_output_size(func: str, out: tuple[int, ...], size: tuple[int, ...], **settings) -> None:
    """Every output length must be at least 1."""
    if min(out, default=1) < 1:
        shown = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        raise fail(
            func,
            f"output size would be {out} for input size {size} with {shown}",
            "Use a bigger input, a smaller kernel/stride, or less negative room",
        )


def check_output_padding(
    func: str,
    output_padding: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    /,
    **given: Any,
) -> None:
    """Each ``output_padding`` < stride or dilation (checked ints per dim).

    ``given`` holds ``output_padding``, ``stride`` and ``dilation`` as passed, to show.
    """
    shown = given or dict(output_padding=output_padding, stride=stride, dilation=dilation)
    for op, s, d in zip(output_padding, stride, dilation, strict=True):
        if op >= max(s, d):
            raise fail(
                func,
                "output_padding must be smaller than either stride or dilation; got "
                f"output_padding={_show(shown['output_padding'])} with "
                f"{settings_text({k: v for k, v in shown.items() if k != 'output_padding'})}",
                "output_padding only picks among the sizes a strided conv maps to the same "
                "output: it is at most stride - 1",
                argument="output_padding",
                value=shown["output_padding"],
            )


def check_pool_padding(
    func: str, padding: tuple[int, ...], kernel: tuple[int, ...], /, **given: Any
) -> None:
    """PyTorch: pad <= half of the kernel size (the kernel's, however dilated).

    ``padding`` and ``kernel`` are checked ints per dim; ``given`` holds ``padding`` and
    ``kernel_size`` as passed, to show.

    >>> check_pool_padding("max_pool2d", (2, 2), (3, 3), padding=2, kernel_size=3)
    Traceback (most recent call last):
    ValueError: max_pool2d: padding must be at most half of kernel_size; got padding=2 with \
kernel_size=3. Larger padding would create windows that see only padding
    """
    shown = given or dict(padding=padding, kernel_size=kernel)
    for p, k in zip(padding, kernel, strict=True):
        if p > k // 2:
            raise fail(
                func,
                "padding must be at most half of kernel_size; got "
                f"padding={_show(shown['padding'])} with kernel_size={_show(shown['kernel_size'])}",
                "Larger padding would create windows that see only padding",
                argument="padding",
                value=shown["padding"],
            )


def check_channels(func: str, x: np.ndarray, nd: int) -> None:
    """Pooling needs at least one channel and non-empty spatial dims (torch refuses both;
    only the batch may be empty)."""
    if min(x.shape[1:], default=1) < 1:
        raise fail(
            func,
            f"input must have at least one channel and non-empty spatial dims (only the batch "
            f"N may be 0); got input with shape {x.shape}",
            f"Pass a batched {LAYOUTS[nd]} array with C >= 1",
            argument="input",
            value=x,
        )


# ----------------------------------------------------------------------------- gradients


def check_grad_output(
    func: str, grad_output: np.ndarray, expected: tuple[int, ...], settings: dict | None = None
) -> None:
    """``grad_output`` must have the shape the forward op returns for these arguments."""
    got = grad_output.shape
    if got != expected:
        forward = func.removesuffix("_backward")
        shown = f" ({settings_text(settings)})" if settings else ""
        raise fail(
            func,
            f"grad_output must have the shape of {forward}'s output for these arguments"
            f"{shown}, {expected}; got grad_output with shape {got}",
            f"Pass dL/dy for y = {forward}(input, ...) with the same arguments",
            argument="grad_output",
            value=grad_output,
        )


def check_callable(func: str, name: str, value: Any) -> None:
    if not callable(value):
        raise fail(
            func,
            f"{name} must be a function; got {name}={_show(value)}",
            "Pass the function itself, e.g. lambda x, w: conv2d(x, w)",
            kind=TypeError,
            argument=name,
            value=value,
        )


def check_arity(func: str, name: str, value: Any, count: int) -> None:
    """``value(*count arguments)`` must be a valid call (checked before calling it)."""
    import inspect

    try:
        inspect.signature(value).bind(*range(count))
    except TypeError as exc:
        raise fail(
            func,
            f"{name} must take {count} positional argument{'s' if count != 1 else ''}; "
            f"{name}{_signature(value)} cannot ({exc})",
            "f takes the arrays; backward takes grad_output and then the arrays",
            kind=TypeError,
            argument=name,
            value=value,
        ) from None
    except ValueError:  # no signature to read (some builtins): let the call decide
        pass


def call_checked(func: str, name: str, value: Any, args: Sequence[Any]) -> Any:
    """Call a user's function; its TypeError/ValueError comes back saying who called it.

    The original error stays chained (``raise ... from``), and its type is kept.
    """
    try:
        return value(*args)
    except (TypeError, ValueError) as exc:
        shapes = ", ".join(_show(a) for a in args)
        raise fail(
            func,
            f"{name} raised {type(exc).__name__} when called with the arrays ({shapes}): {exc}",
            "Check that f and backward accept the arrays you pass, in order",
            kind=type(exc),
            argument=name,
            value=value,
        ) from exc


def _signature(value: Any) -> str:
    import inspect

    try:
        return str(inspect.signature(value))
    except (TypeError, ValueError):
        return "(...)"


def finite_float(func: str, name: str, value: Any, *, positive: bool = False) -> float:
    """A finite real number ``>= 0`` (``> 0`` if ``positive``), e.g. a tolerance."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise fail(
            func,
            f"{name} must be a real number; got {name}={_show(value)}",
            kind=TypeError,
            argument=name,
            value=value,
        )
    low = "> 0" if positive else ">= 0"
    if not math.isfinite(value) or (value <= 0 if positive else value < 0):
        raise fail(
            func,
            f"{name} must be a finite number {low}; got {name}={_show(value)}",
            argument=name,
            value=value,
        )
    return float(value)


def check_step(func: str, eps: float, value: float, up: float, down: float, dtype) -> None:
    """The finite-difference step must move the entry in its dtype."""
    if up == down:
        raise fail(
            func,
            f"eps={eps!r} is too small for {np.dtype(dtype).name}: an entry {value!r} "
            "plus or minus the step rounds to itself",
            f"Use eps >= {float(np.finfo(dtype).eps) ** 0.5:.1g} (the square root of the "
            "machine epsilon)",
            argument="eps",
            value=eps,
        )


def check_gradients(func: str, grads: Any, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    """One gradient per checked array, each of that array's shape."""
    if isinstance(grads, np.ndarray) or not isinstance(grads, Sequence):
        grads = (grads,)
    if len(grads) < len(arrays):
        raise fail(
            func,
            f"need one gradient per array ({len(arrays)}); got {len(grads)}",
            "Return (or pass) the gradients in the order of the arrays",
        )
    result = []
    for i, (g, a) in enumerate(zip(grads, arrays, strict=False)):
        if g is None:
            raise fail(
                func,
                f"the gradient for array {i} is None",
                "Return one array per input, in order (e.g. (grad_input, grad_weight))",
                kind=TypeError,
            )
        g = np.asarray(g)
        if g.shape != a.shape:
            raise fail(
                func,
                f"the gradient for array {i} must have its shape {a.shape}; got shape {g.shape}",
                "A gradient has the shape of what it differentiates; for a strided conv, "
                "pass the output_padding that restores the input size",
            )
        result.append(g)
    return result


def check_scalar_output(func: str, value: Any) -> float:
    """A function checked against precomputed gradients must return one number."""
    arr = np.asarray(value)
    if arr.size != 1:
        raise fail(
            func,
            f"with precomputed gradients, f must return a scalar; got an array of shape "
            f"{arr.shape}",
            "Reduce it (e.g. f(...).sum()), or pass backward as a function of "
            "(grad_output, *arrays)",
        )
    return float(arr.reshape(()))


def check_class_targets(func: str, logits: np.ndarray, target: Any) -> np.ndarray:
    """Logits ``(N, classes)`` and integer class indices ``(N,)`` in ``[0, classes)``."""
    t = np.asarray(target)
    if logits.ndim != 2 or t.shape != logits.shape[:1] or t.dtype.kind not in "iu":
        raise fail(
            func,
            f"needs logits of shape (N, classes) and integer targets of shape (N,); got "
            f"logits with shape {logits.shape} and target {_show(t)}",
            "Targets are class indices, e.g. np.array([3, 0, 7]), not one-hot rows",
        )
    if t.size and (t.min() < 0 or t.max() >= logits.shape[1]):
        raise fail(
            func,
            f"targets must lie in [0, {logits.shape[1]}) for {logits.shape[1]} classes; got "
            f"targets from {t.min()} to {t.max()}",
            argument="target",
            value=target,
        )
    return t
