"""Lesson 06 exercises: pooled size (ceil_mode rule), avg-pool, max-pool with indices."""

from __future__ import annotations

import numpy as np

from ... import avg_pool2d, max_pool2d, pool_output_size
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ceil_div, distinct, ints, normal


def pool_size_ref(n: int, k: int, s: int, p: int, ceil_mode: bool) -> int:
    return pool_output_size(n, k, s, p, 1, ceil_mode)


def max_pool_ref(x, kernel_size, stride=None, padding=0):
    return max_pool2d(x, kernel_size, stride, padding, return_indices=True)


def _windows(x, k, s, p):
    """(N, C, oh, ow, k*k): the pooling windows of x padded with -inf, flattened."""
    s = k if s is None else s
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=-np.inf)
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    return win.reshape(*win.shape[:4], -1)


def _local_argmax(x, k, s=None, p=0):
    flat = _windows(x, k, s, p)
    return flat.max(-1), flat.argmax(-1)


def _padded_indices(x, k, s=None, p=0):
    values, idx = max_pool_ref(x, k, s, p)
    w = x.shape[3]
    row, col = idx // w + p, idx % w + p
    return values, row * (w + 2 * p) + col


def _global_indices(x, k, s=None, p=0):
    values, idx = max_pool_ref(x, k, s, p)
    n, c, h, w = x.shape
    offsets = (np.arange(n * c) * h * w).reshape(n, c, 1, 1)
    return values, idx + offsets


def _zero_padded(x, k, s=None, p=0):
    return max_pool2d(np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))), k, s)


def _size(*, n, k, s, p, ceil_mode, public=True):
    label = f"n={n}, k={k}, s={s}, p={p}, ceil_mode={ceil_mode}"
    return Case(label=label, make=lambda r: (n, k, s, p, ceil_mode), public=public)


def _pool(*, label, shape, k, s, p, count_include_pad=None, public=True, make=ints, **kw):
    """A pooling case: ``make(rng, *shape, **kw)`` as the input, then the settings (and
    ``count_include_pad`` where the exercise takes it)."""
    more = () if count_include_pad is None else (count_include_pad,)
    return Case(label=label, make=lambda r: (make(r, *shape, **kw), k, s, p, *more), public=public)


EXERCISES = (
    Exercise(
        id="06.pool_output_size",
        func="pool_output_size",
        params=("n", "k", "s", "p", "ceil_mode"),
        points=1,
        title="Pooled size with ceil_mode (PyTorch's rule)",
        reference=pool_size_ref,
        cases=(
            _size(n=4, k=2, s=2, p=0, ceil_mode=False),
            _size(n=5, k=2, s=2, p=0, ceil_mode=False),
            _size(n=5, k=2, s=2, p=0, ceil_mode=True),
            _size(n=3, k=2, s=2, p=1, ceil_mode=True),
            _size(n=5, k=2, s=3, p=1, ceil_mode=True, public=False),
            _size(n=6, k=3, s=2, p=1, ceil_mode=True, public=False),
            _size(n=112, k=3, s=2, p=1, ceil_mode=False, public=False),
            _size(n=7, k=3, s=2, p=0, ceil_mode=True, public=False),
            _size(n=8, k=3, s=3, p=1, ceil_mode=True, public=False),
            _size(n=1, k=1, s=1, p=0, ceil_mode=True, public=False),
        ),
        hint=(
            "Floor: ⌊(n + 2p − k)/s⌋ + 1. Ceil: ⌈(n + 2p − k)/s⌉ + 1, then PyTorch drops the "
            "last window if it would start in the right padding: if (o − 1)·s ≥ n + p, o −= 1."
        ),
        mistakes=(
            Mistake(
                hint="PyTorch drops a last window that would start inside the right padding: "
                "if (o − 1)·s ≥ n + p, the size is o − 1.",
                compute=lambda n, k, s, p, c: (
                    (ceil_div if c else int.__floordiv__)(n + 2 * p - k, s) + 1
                ),
            ),
            Mistake(
                hint="ceil_mode=True rounds up, so a partial last window still counts.",
                compute=lambda n, k, s, p, c: (n + 2 * p - k) // s + 1,
            ),
        ),
    ),
    Exercise(
        id="06.avg_pool2d",
        func="avg_pool2d",
        params=("x", "kernel_size", "stride", "padding", "count_include_pad"),
        points=2,
        title="Average pooling with count_include_pad",
        reference=lambda x, k, s, p, c: avg_pool2d(x, k, s, p, count_include_pad=c),
        cases=(
            _pool(
                label="1×1×4×4, k=2", shape=(1, 1, 4, 4), k=2, s=None, p=0, count_include_pad=True
            ),
            _pool(
                label="1×2×5×5, k=3, s=2, p=1, count_include_pad=True",
                shape=(1, 2, 5, 5),
                k=3,
                s=2,
                p=1,
                count_include_pad=True,
            ),
            _pool(
                label="1×2×5×5, k=3, s=2, p=1, count_include_pad=False",
                shape=(1, 2, 5, 5),
                k=3,
                s=2,
                p=1,
                count_include_pad=False,
            ),
            _pool(
                label="2×3×6×7, k=2, s=1, p=1, False",
                shape=(2, 3, 6, 7),
                k=2,
                s=1,
                p=1,
                count_include_pad=False,
                public=False,
                make=normal,
            ),
            _pool(
                label="1×1×7×7, k=3, p=1, True",
                shape=(1, 1, 7, 7),
                k=3,
                s=None,
                p=1,
                count_include_pad=True,
                public=False,
                make=normal,
            ),
            _pool(
                label="2×2×9×8, k=4, s=3, p=2, False",
                shape=(2, 2, 9, 8),
                k=4,
                s=3,
                p=2,
                count_include_pad=False,
                public=False,
                make=normal,
            ),
            _pool(
                label="1×3×4×4, k=4",
                shape=(1, 3, 4, 4),
                k=4,
                s=None,
                p=0,
                count_include_pad=True,
                public=False,
                make=normal,
            ),
        ),
        hint=(
            "Sum each window of the zero-padded input, then divide by k·k "
            "(count_include_pad=True) or by the number of real pixels in the window (False)."
        ),
        mistakes=(
            Mistake(
                hint="count_include_pad=False divides by the number of real (non-padding) pixels "
                "in each window, not by k·k.",
                compute=lambda x, k, s, p, c: avg_pool2d(x, k, s, p, count_include_pad=True),
            ),
            Mistake(
                hint="count_include_pad=True divides by k·k everywhere, padding included.",
                compute=lambda x, k, s, p, c: avg_pool2d(x, k, s, p, count_include_pad=False),
            ),
            Mistake(
                hint="stride=None means stride = kernel_size (non-overlapping windows).",
                compute=lambda x, k, s, p, c: avg_pool2d(x, k, 1, p, count_include_pad=c),
                shape_only=True,
            ),
        ),
    ),
    Exercise(
        id="06.max_pool2d_indices",
        func="max_pool2d_indices",
        params=("x", "kernel_size", "stride", "padding"),
        points=3,
        title="Max pooling with PyTorch's flat indices",
        reference=max_pool_ref,
        cases=(
            _pool(label="1×1×4×4, k=2", shape=(1, 1, 4, 4), k=2, s=None, p=0, make=distinct),
            _pool(label="1×1×5×5, k=3, s=2, p=1", shape=(1, 1, 5, 5), k=3, s=2, p=1, make=distinct),
            _pool(label="1×2×4×5, k=2, s=1", shape=(1, 2, 4, 5), k=2, s=1, p=0, make=distinct),
            _pool(
                label="2×3×7×6, k=3, s=2, p=1, all negative",
                shape=(2, 3, 7, 6),
                k=3,
                s=2,
                p=1,
                public=False,
                make=distinct,
                negative=True,
            ),
            _pool(
                label="1×1×6×6, k=2, p=1",
                shape=(1, 1, 6, 6),
                k=2,
                s=None,
                p=1,
                public=False,
                make=distinct,
            ),
            _pool(
                label="2×2×9×9, k=4, s=3, p=2",
                shape=(2, 2, 9, 9),
                k=4,
                s=3,
                p=2,
                public=False,
                make=distinct,
            ),
            _pool(
                label="1×1×3×3, k=3, p=1, all negative",
                shape=(1, 1, 3, 3),
                k=3,
                s=None,
                p=1,
                public=False,
                make=distinct,
                negative=True,
            ),
        ),
        hint=(
            "Pad with −inf (never with 0), take each window's argmax and convert it to a flat "
            "index into the unpadded H×W plane: (top + r − p)·W + (left + c − p)."
        ),
        mistakes=(
            Mistake(
                hint="Your indices count inside each window; PyTorch's index is the flat position "
                "row·W + col in the (unpadded) input plane.",
                compute=_local_argmax,
            ),
            Mistake(
                hint="Your indices point into the padded image; subtract the padding so they index "
                "the input: (row − p)·W + (col − p).",
                compute=_padded_indices,
            ),
            Mistake(
                hint="Indices are per (n, c) plane, in 0 … H·W − 1, not flat over the whole batch.",
                compute=_global_indices,
            ),
            Mistake(
                hint="Pad with −inf, not 0: with negative inputs a zero from the padding would "
                "win.",
                compute=_zero_padded,
                item=0,
            ),
        ),
    ),
)
