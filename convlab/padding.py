"""Padding: ``pad`` (torch.nn.functional.pad) and the padder every op shares.

The four modes, on the row ``1 2 3 4`` padded by 2 on each side::

    constant   0 0 | 1 2 3 4 | 0 0      (value=0)
    reflect    3 2 | 1 2 3 4 | 3 2      mirror, edge not repeated (needs pad < size)
    replicate  1 1 | 1 2 3 4 | 4 4      repeat the edge
    circular   3 4 | 1 2 3 4 | 1 2      wrap around (needs pad <= size)

NumPy calls these ``constant``, ``reflect``, ``edge`` and ``wrap``. Negative padding
crops, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import (
    as_float_array,
    check_choice,
    check_mode_padding,
    fail,
    int_tuple,
)

__all__ = ["pad"]

MODES = ("constant", "reflect", "replicate", "circular")
_NUMPY_MODE = {
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}


def pad(
    input: np.ndarray,
    pad: Sequence[int],
    mode: str = "constant",
    value: float = 0.0,
) -> np.ndarray:
    """Pad the last dims of an array, with PyTorch's argument order and modes.

    Parameters
    ----------
    input : ndarray
        Any array for ``mode="constant"``. The other modes pad the last 1, 2 or 3 dims
        of a batched ``(N, C, *spatial)`` or unbatched ``(C, *spatial)`` array.
    pad : tuple of int
        ``(left, right)`` for the last dim, then ``(top, bottom)`` for the one before,
        and so on: *last dim first*, as in ``torch.nn.functional.pad``. Negative values crop.
    mode : {"constant", "reflect", "replicate", "circular"}
    value : float
        Fill value for ``mode="constant"``.

    Returns
    -------
    ndarray
        Same dtype as ``input`` (integers and bools become float64).

    Notes
    -----
    Each padded dim grows from ``n`` to ``n + before + after``. ``reflect`` needs
    ``before, after < n``; ``circular`` needs ``before, after <= n``.

    Examples
    --------
    >>> x = np.array([[1., 2., 3., 4.]])
    >>> pad(x, (2, 2), mode="reflect")
    array([[3., 2., 1., 2., 3., 4., 3., 2.]])
    >>> pad(x, (1, 0, 1, 0), value=9)
    array([[9., 9., 9., 9., 9.],
           [9., 1., 2., 3., 4.]])
    """
    func = "pad"
    x = as_float_array(func, "input", input)
    mode = check_choice(func, "mode", mode, MODES)
    if isinstance(pad, (int, np.integer)) or not isinstance(pad, Sequence):
        raise fail(
            func,
            f"pad must be a tuple of ints (left, right, top, bottom, ...); got pad={pad!r}",
            "Wrap it in a tuple, e.g. pad=(1, 1) for the last dim",
            kind=TypeError,
        )
    widths = int_tuple(func, "pad", tuple(pad), len(pad))
    if len(widths) % 2:
        raise fail(
            func,
            f"pad must have an even length, a (before, after) pair per dim; got pad={pad!r}",
            "Last dim first: (left, right, top, bottom, ...)",
        )
    m = len(widths) // 2
    if m > x.ndim:
        raise fail(
            func,
            f"pad pads {m} dims but input has only {x.ndim} (shape {x.shape}); got pad={pad!r}",
        )
    spatial_dims = min(x.ndim - 2, 3)
    if mode != "constant" and not (1 <= m <= 3 and x.ndim in (m + 1, m + 2)):
        raise fail(
            func,
            f"mode={mode!r} pads the last 1, 2 or 3 dims of a batched (N, C, ...) or "
            f"unbatched (C, ...) array; got pad of length {len(widths)} for input of shape "
            f"{x.shape}",
            "Add axes (e.g. x[None]) or use mode='constant'"
            if x.ndim < m + 1
            else f"Pad the last {spatial_dims} dims (a pad of length {2 * spatial_dims}) "
            "or use mode='constant'",
        )
    # torch order (last dim first) -> natural order of (before, after) pairs
    pairs = [(widths[2 * i], widths[2 * i + 1]) for i in reversed(range(m))]
    spatial = x.shape[x.ndim - m :]
    if mode == "circular":  # torch crops first, then wraps what is left
        kept = tuple(n + min(b, 0) + min(a, 0) for (b, a), n in zip(pairs, spatial, strict=True))
        check_mode_padding(func, mode, pairs, kept)
    elif mode != "constant":
        check_mode_padding(func, mode, pairs, spatial)
    for (before, after), n in zip(pairs, spatial, strict=True):
        if n + before + after < 0 or (before < 0 and -before > n) or (after < 0 and -after > n):
            raise fail(
                func,
                f"negative padding crops more than the input holds; got pad={pad!r} for "
                f"input of shape {x.shape}",
            )
    return pad_spatial(x, pairs, mode, value)


def pad_spatial(
    x: np.ndarray, pairs: Sequence[tuple[int, int]], mode: str = "constant", value: float = 0.0
) -> np.ndarray:
    """Pad the last ``len(pairs)`` dims by ``(before, after)`` pairs (natural order).

    Internal and unchecked: the ops validate first. Positive widths pad, negative crop.
    PyTorch pads before it crops, except in circular mode, which wraps the cropped array.
    """
    if mode == "circular":
        return _grow(_crop(x, pairs), pairs, mode, value)
    return _crop(_grow(x, pairs, mode, value), pairs)


def _grow(x: np.ndarray, pairs: Sequence[tuple[int, int]], mode: str, value: float) -> np.ndarray:
    grow = [(0, 0)] * (x.ndim - len(pairs)) + [(max(b, 0), max(a, 0)) for b, a in pairs]
    if not any(b or a for b, a in grow):
        return x
    kwargs = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x, grow, mode=_NUMPY_MODE[mode], **kwargs)


def _crop(x: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    if not any(b < 0 or a < 0 for b, a in pairs):
        return x
    lead = x.ndim - len(pairs)
    crop = [
        slice(-b if b < 0 else 0, n + a if a < 0 else n)
        for (b, a), n in zip(pairs, x.shape[lead:], strict=True)
    ]
    return x[(..., *crop)]
