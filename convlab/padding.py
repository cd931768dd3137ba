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
    check_alloc,
    check_choice,
    check_mode_padding,
    fail,
    int_sequence,
    real_number,
)

__all__ = ["pad"]

MODES = ("constant", "reflect", "replicate", "circular")
_NUMPY_MODE = {
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}
# conv's padding_mode names (nn.Conv2d) -> pad's mode names
PAD_MODE_OF = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
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
    widths = int_sequence(
        func,
        "pad",
        pad,
        meaning=" (left, right, top, bottom, ...)",
        fix="Wrap it in a tuple, e.g. pad=(1, 1) for the last dim",
    )
    if len(widths) % 2:
        raise fail(
            func,
            f"pad must have an even length, a (before, after) pair per dim; got pad={pad!r}",
            "Last dim first: (left, right, top, bottom, ...)",
            argument="pad",
            value=pad,
        )
    m = len(widths) // 2
    if m > x.ndim:
        raise fail(
            func,
            f"pad pads {m} dims but input has only {x.ndim} (shape {x.shape}); got pad={pad!r}",
            argument="pad",
            value=pad,
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
        check_mode_padding(func, ("mode", mode), ("pad", pad), pairs, kept)
    elif mode != "constant":
        check_mode_padding(func, ("mode", mode), ("pad", pad), pairs, spatial)
    for (before, after), n in zip(pairs, spatial, strict=True):
        if n + before + after < 0 or (before < 0 and -before > n) or (after < 0 and -after > n):
            raise fail(
                func,
                f"negative padding crops more than the input holds; got pad={pad!r} for "
                f"input of shape {x.shape}",
                argument="pad",
                value=pad,
            )
    value = real_number(func, "value", 0.0 if value is None else value)
    out = [*x.shape[: x.ndim - m], *(n + b + a for (b, a), n in zip(pairs, spatial, strict=True))]
    check_alloc(func, out, x.itemsize)
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


def pad_spatial_adjoint(
    g: np.ndarray, pairs: Sequence[tuple[int, int]], mode: str = "constant"
) -> np.ndarray:
    """The adjoint (transpose) of :func:`pad_spatial`: the gradient of padding.

    ``g`` is a gradient with the padded shape; the result has the unpadded shape and
    ``<pad_spatial(x), g> == <x, pad_spatial_adjoint(g)>`` for every ``x``. A padded
    cell is a copy of some input cell, so its gradient is *added back* onto that cell:
    constant padding drops the border, replicate adds it onto the edge, reflect onto
    the mirrored cells, circular onto the far side. Each fold is one slice-add per side
    (a side's cells go to distinct input cells, so a plain ``+=`` is exact).

    >>> g = np.array([10., 20., 1., 2., 3., 4., 30., 40.])
    >>> [pad_spatial_adjoint(g, [(2, 2)], m).tolist() for m in ("constant", "replicate")]
    [[1.0, 2.0, 3.0, 4.0], [31.0, 2.0, 3.0, 74.0]]
    >>> [pad_spatial_adjoint(g, [(2, 2)], m).tolist() for m in ("reflect", "circular")]
    [[1.0, 62.0, 43.0, 4.0], [31.0, 42.0, 13.0, 24.0]]
    """
    if mode == "circular":  # pad_spatial crops, then wraps: undo in reverse order
        return _uncrop(_fold(g, pairs, mode), pairs)
    return _fold(_uncrop(g, pairs), pairs, mode)


def _uncrop(g: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """Adjoint of a (negative-width) crop: put the zeros back."""
    widths = [(0, 0)] * (g.ndim - len(pairs)) + [(max(-b, 0), max(-a, 0)) for b, a in pairs]
    return np.pad(g, widths) if any(b or a for b, a in widths) else g


def _fold(g: np.ndarray, pairs: Sequence[tuple[int, int]], mode: str) -> np.ndarray:
    """Adjoint of growing each dim by ``(before, after)`` in ``mode`` (one dim at a time)."""
    lead = g.ndim - len(pairs)
    for axis, (before, after) in enumerate(pairs, start=lead):
        before, after = max(before, 0), max(after, 0)
        if before or after:
            g = _fold_axis(g, axis, before, after, mode)
    return g


def _fold_axis(g: np.ndarray, axis: int, before: int, after: int, mode: str) -> np.ndarray:
    def at(start: int, stop: int) -> tuple[slice, ...]:
        return (slice(None),) * axis + (slice(start, stop),)

    n = g.shape[axis] - before - after
    core = g[at(before, before + n)].copy()
    left, right = g[at(0, before)], g[at(before + n, before + n + after)]
    if mode == "replicate":  # every border cell copies the edge cell
        core[at(0, 1)] += left.sum(axis, keepdims=True)
        core[at(n - 1, n)] += right.sum(axis, keepdims=True)
    elif mode == "reflect":  # left border holds x[before..1], right border x[n-2..n-1-after]
        core[at(1, before + 1)] += np.flip(left, axis)
        core[at(n - 1 - after, n - 1)] += np.flip(right, axis)
    elif mode == "circular":  # left border holds x[n-before:], right border x[:after]
        core[at(n - before, n)] += left
        core[at(0, after)] += right
    return core
