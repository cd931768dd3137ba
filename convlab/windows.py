"""Sliding windows as strided views: the one idea under conv, pooling, unfold and fold.

A kernel with ``k`` taps per dim visits the (padded) input at ``o`` output positions.
Instead of looping over output positions (``o`` is large), convlab loops over kernel
taps (``k`` is small): for a fixed tap ``t`` the input values it meets at *all* output
positions form a strided slice of the input,

    xp[..., t*d : t*d + s*(o-1) + 1 : s]      (per spatial dim)

which NumPy returns as a view without copying. Summing ``weight[t] * view`` over the
taps is the convolution; taking the running max over the views is max pooling; copying
the views side by side is ``unfold`` (im2col); adding values back into them is
``fold`` (col2im) and transposed convolution.

Which idea lives where:

* here, the idea itself: :func:`taps`, :func:`tap_slices`, :func:`tap_views` and their
  adjoint :func:`scatter_add_taps`, what pooling, ``unfold``/``fold`` and the signal
  functions use as they are;
* :mod:`convlab.flattaps`, the same windows laid out for speed: every tap a *contiguous*
  run of one flat copy of the padded input (the convolution's layout);
* :mod:`convlab.strategies` and :mod:`convlab.rowshift`, the matrix products run on
  those layouts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

__all__ = ["scatter_add_taps", "tap_slices", "tap_views", "taps"]


def taps(kernel_size: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """All kernel taps in row-major order, e.g. (0, 0), (0, 1), ..., (2, 2) for 3×3."""
    return itertools.product(*(range(k) for k in kernel_size))


def tap_slices(
    tap: Sequence[int], stride: Sequence[int], dilation: Sequence[int], out: Sequence[int]
) -> tuple[slice, ...]:
    """The spatial slices of the padded input that tap ``tap`` meets at all outputs."""
    return tuple(
        slice(t * d, t * d + s * (o - 1) + 1, s)
        for t, s, d, o in zip(tap, stride, dilation, out, strict=True)
    )


def tap_views(
    xp: np.ndarray,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    out: Sequence[int],
) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """Yield ``(tap, view)`` for every tap; each view has shape ``(..., *out)``.

    >>> xp = np.arange(5.0)
    >>> [v.tolist() for _, v in tap_views(xp, (2,), (2,), (1,), (2,))]
    [[0.0, 2.0], [1.0, 3.0]]
    """
    for tap in taps(kernel_size):
        yield tap, xp[(..., *tap_slices(tap, stride, dilation, out))]


def scatter_add_taps(
    full: np.ndarray,
    cols: np.ndarray,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> np.ndarray:
    """Add ``cols[..., tap, *inp]`` into ``full`` at every tap's strided slice (col2im).

    ``cols`` has shape ``(*lead, prod(kernel_size), *inp)`` and ``full`` has shape
    ``(*lead, *padded)``. Within one tap the slice never overlaps itself, so a plain
    in-place ``+=`` on the view is exact; overlaps *between* taps are the sums that make
    transposed convolution (and its checkerboards). No ``np.add.at`` needed.
    """
    inp = cols.shape[cols.ndim - len(kernel_size) :]
    for i, tap in enumerate(taps(kernel_size)):
        full[(..., *tap_slices(tap, stride, dilation, inp))] += cols[
            (..., i) + (slice(None),) * len(inp)
        ]
    return full
