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


def _aw(n, out, public=True):
    return Case(f"n={n}, out={out}", lambda r: (n, out), public)


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


def _ap(label, shape, k, s, p, c, public=True, make=ints):
    def args(r):
        oh, ow = pool_output_size(shape[2:], k, s, p)
        return make(r, shape[0], shape[1], oh, ow), tuple(shape), k, s, p, c

    return Case(label, args, public)


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
            _aw(10, 3),
            _aw(6, 3),
            _aw(7, 4),
            _aw(5, 5),
            _aw(4, 7, False),
            _aw(224, 7, False),
            _aw(9, 1, False),
            _aw(13, 5, False),
            _aw(1, 3, False),
            _aw(100, 6, False),
        ),
        hint=(
            "Window i of out covers [⌊i·n/out⌋, ⌈(i + 1)·n/out⌉): floor for the start, ceil "
            "for the end, in integer arithmetic (i * n) // out and -(-((i + 1) * n) // out). "
            "Return two int arrays."
        ),
        mistakes=(
            Mistake(
                "Adaptive pooling is not one fixed pooling (stride n // out, kernel n − (out − "
                "1)·stride): each window has its own start ⌊i·n/out⌋ and end ⌈(i + 1)·n/out⌉, "
                "so windows may overlap and differ in length by one.",
                _fixed_kernel,
            ),
            Mistake(
                "The end rounds *up*: ⌈(i + 1)·n/out⌉, so every input pixel is in a window "
                "(n = 10, out = 3: the first window is [0, 4), not [0, 3)).",
                _floor_ends,
            ),
            Mistake(
                "Do not round to nearest: start = floor(i·n/out), end = ceil((i + 1)·n/out).",
                _rounded,
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
            _ap("1×1×4×4, k=2 (no overlap)", (1, 1, 4, 4), 2, None, 0, True),
            _ap("1×1×5×5, k=3, s=1 (overlap)", (1, 1, 5, 5), 3, 1, 0, True),
            _ap("1×2×5×5, k=3, s=2, p=1, count_include_pad=True", (1, 2, 5, 5), 3, 2, 1, True),
            _ap("1×2×5×5, k=3, s=2, p=1, count_include_pad=False", (1, 2, 5, 5), 3, 2, 1, False),
            _ap("2×3×6×7, k=2, s=1, p=1, False", (2, 3, 6, 7), 2, 1, 1, False, False, normal),
            _ap("1×1×7×7, k=3, p=1, True", (1, 1, 7, 7), 3, None, 1, True, False, normal),
            _ap("2×2×9×8, k=4, s=3, p=2, False", (2, 2, 9, 8), 4, 3, 2, False, False, normal),
            _ap("1×3×4×4, k=4, global", (1, 3, 4, 4), 4, None, 0, False, False, normal),
            _ap("1×1×6×6, k=3, s=1, p=1, True", (1, 1, 6, 6), 3, 1, 1, True, False, normal),
        ),
        hint=(
            "Each output spreads grad_out / divisor evenly over its window: add it (+=, "
            "windows overlap) into a zero array of the padded size, then crop the padding. "
            "divisor = k·k with count_include_pad=True, else the number of real (non-padding) "
            "pixels in that window."
        ),
        mistakes=(
            Mistake(
                "count_include_pad=False divides each window by its number of real pixels, "
                "True by k·k (padding included): you used the other divisor.",
                _other_divisor,
            ),
            Mistake(
                "Windows overlap: a pixel in several windows receives the sum of their shares "
                "(+=), not the last one (=).",
                _assigned,
            ),
            Mistake(
                "Crop the padding: grad_input has the input's shape (N, C, H, W).",
                _uncropped,
                shape_only=True,
            ),
        ),
    ),
)
