"""Lesson 06, design and debug: adaptive pooling's windows; average pooling's backward pass.

Expected values: :func:`convlab.adaptive.adaptive_windows` and
:func:`convlab.avg_pool2d_backward` (checked against torch.autograd elsewhere).
"""

from __future__ import annotations

import numpy as np

from ... import avg_pool2d_backward, pool_output_size
from ...adaptive import adaptive_windows
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal


def adaptive_windows_ref(n: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    starts, ends = adaptive_windows(n, out)
    return starts.astype(np.int64), ends.astype(np.int64)


def _fixed_kernel(n, out):
    """Adaptive pooling as one fixed pooling: stride n // out, kernel n − (out − 1)·stride."""
    stride = n // out
    kernel = n - (out - 1) * stride
    starts = np.arange(out, dtype=np.int64) * stride
    return starts, starts + kernel


def _floor_ends(n, out):
    i = np.arange(out, dtype=np.int64)
    return (i * n) // out, ((i + 1) * n) // out


def _rounded(n, out):
    i = np.arange(out)
    return np.round(i * n / out).astype(np.int64), np.round((i + 1) * n / out).astype(np.int64)


def _aw(*, n, out, public=True):
    return Case(label=f"n={n}, out={out}", make=lambda r: (n, out), public=public)


def avg_pool_backward_ref(grad_out, input_shape, kernel_size, stride, padding, count_include_pad):
    x = np.zeros(input_shape, dtype=grad_out.dtype)
    return avg_pool2d_backward(
        grad_out, x, kernel_size, stride, padding, count_include_pad=count_include_pad
    )[0]


def _other_divisor(g, shape, k, s, p, c):
    return avg_pool_backward_ref(g, shape, k, s, p, not c)


def _uncropped(g, shape, k, s, p, c):
    n, ch, h, w = shape
    return np.empty((n, ch, h + 2 * p, w + 2 * p))


def _assigned(g, shape, k, s, p, c):
    """Overlapping windows written with = instead of +=: the last window wins."""
    n, ch, h, w = shape
    s = k if s is None else s
    grad = np.zeros((n, ch, h + 2 * p, w + 2 * p), dtype=g.dtype)
    oh, ow = g.shape[2:]
    rows, cols = np.arange(h + 2 * p), np.arange(w + 2 * p)
    in_rows, in_cols = (rows >= p) & (rows < h + p), (cols >= p) & (cols < w + p)
    for i in range(oh):
        for j in range(ow):
            div = (
                k * k if c else in_rows[i * s : i * s + k].sum() * in_cols[j * s : j * s + k].sum()
            )
            grad[:, :, i * s : i * s + k, j * s : j * s + k] = (g[:, :, i, j] / div)[
                ..., None, None
            ]
    return grad[:, :, p : p + h, p : p + w]


def _ap(*, label, shape, k, s, p, count_include_pad, public=True, make=ints):
    def args(r):
        oh, ow = pool_output_size(shape[2:], k, s, p)
        return make(r, shape[0], shape[1], oh, ow), tuple(shape), k, s, p, count_include_pad

    return Case(label=label, make=args, public=public)


EXERCISES = (
    Exercise(
        id="06.adaptive_windows",
        func="adaptive_windows",
        params=("n", "out"),
        points=1,
        tier="design",
        title="The windows of adaptive pooling",
        reference=adaptive_windows_ref,
        cases=(
            _aw(n=10, out=3),
            _aw(n=6, out=3),
            _aw(n=7, out=4),
            _aw(n=5, out=5),
            _aw(n=4, out=7, public=False),
            _aw(n=224, out=7, public=False),
            _aw(n=9, out=1, public=False),
            _aw(n=13, out=5, public=False),
            _aw(n=1, out=3, public=False),
            _aw(n=100, out=6, public=False),
        ),
        hint=(
            "Window i of out covers [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉): floor for the start, ceil "
            "for the end, in integer arithmetic (i * n) // out and -(-((i + 1) * n) // out). "
            "Return two int arrays."
        ),
        mistakes=(
            Mistake(
                hint="Adaptive pooling is not one fixed pooling (stride n // out, kernel n − (out "
                "− 1)·stride): each window has its own start ⌊i·n/out⌋ and end ⌈(i + 1)·n/out⌉, "
                "so windows may overlap and differ in length by one.",
                compute=_fixed_kernel,
            ),
            Mistake(
                hint="The end rounds *up*: ⌈(i + 1)·n/out⌉, so every input pixel is in a window "
                "(n = 10, out = 3: the first window is [0, 4), not [0, 3)).",
                compute=_floor_ends,
            ),
            Mistake(
                hint="Do not round to nearest: start = floor(i·n/out), end = ceil((i + 1)·n/out).",
                compute=_rounded,
            ),
        ),
    ),
    Exercise(
        id="06.avg_pool_backward",
        func="avg_pool_backward",
        params=("grad_out", "input_shape", "kernel_size", "stride", "padding", "count_include_pad"),
        points=3,
        tier="design",
        title="Backward pass of average pooling, count_include_pad both ways",
        reference=avg_pool_backward_ref,
        cases=(
            _ap(
                label="1×1×4×4, k=2 (no overlap)",
                shape=(1, 1, 4, 4),
                k=2,
                s=None,
                p=0,
                count_include_pad=True,
            ),
            _ap(
                label="1×1×5×5, k=3, s=1 (overlap)",
                shape=(1, 1, 5, 5),
                k=3,
                s=1,
                p=0,
                count_include_pad=True,
            ),
            _ap(
                label="1×2×5×5, k=3, s=2, p=1, count_include_pad=True",
                shape=(1, 2, 5, 5),
                k=3,
                s=2,
                p=1,
                count_include_pad=True,
            ),
            _ap(
                label="1×2×5×5, k=3, s=2, p=1, count_include_pad=False",
                shape=(1, 2, 5, 5),
                k=3,
                s=2,
                p=1,
                count_include_pad=False,
            ),
            _ap(
                label="2×3×6×7, k=2, s=1, p=1, False",
                shape=(2, 3, 6, 7),
                k=2,
                s=1,
                p=1,
                count_include_pad=False,
                public=False,
                make=normal,
            ),
            _ap(
                label="1×1×7×7, k=3, p=1, True",
                shape=(1, 1, 7, 7),
                k=3,
                s=None,
                p=1,
                count_include_pad=True,
                public=False,
                make=normal,
            ),
            _ap(
                label="2×2×9×8, k=4, s=3, p=2, False",
                shape=(2, 2, 9, 8),
                k=4,
                s=3,
                p=2,
                count_include_pad=False,
                public=False,
                make=normal,
            ),
            _ap(
                label="1×3×4×4, k=4, global",
                shape=(1, 3, 4, 4),
                k=4,
                s=None,
                p=0,
                count_include_pad=False,
                public=False,
                make=normal,
            ),
            _ap(
                label="1×1×6×6, k=3, s=1, p=1, True",
                shape=(1, 1, 6, 6),
                k=3,
                s=1,
                p=1,
                count_include_pad=True,
                public=False,
                make=normal,
            ),
        ),
        hint=(
            "Each output spreads grad_out / divisor evenly over its window: add it (+=, "
            "windows overlap) into a zero array of the padded size, then crop the padding. "
            "divisor = k·k with count_include_pad=True, else the number of real (non-padding) "
            "pixels in that window."
        ),
        mistakes=(
            Mistake(
                hint="count_include_pad=False divides each window by its number of real pixels, "
                "True by k·k (padding included): you used the other divisor.",
                compute=_other_divisor,
            ),
            Mistake(
                hint="Windows overlap: a pixel in several windows receives the sum of their shares "
                "(+=), not the last one (=).",
                compute=_assigned,
            ),
            Mistake(
                hint="Crop the padding: grad_input has the input's shape (N, C, H, W).",
                compute=_uncropped,
                shape_only=True,
            ),
        ),
    ),
)
