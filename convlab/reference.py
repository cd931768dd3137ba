"""Readable loop versions: the definitions, written the way you would on a blackboard.

These are slow on purpose. Each is the textbook definition with explicit loops over
output positions, so a learner can read it line by line, and the test-suite uses them
as an oracle for the fast, vectorised ops (``convlab.conv2d`` and friends must agree
with them to rounding on random inputs). They take batched ``(N, C, *spatial)`` arrays,
compute in float64, and skip argument checking.
"""

from __future__ import annotations

import itertools

import numpy as np

from .shapes import conv_output_size, conv_transpose_output_size, pool_output_size

__all__ = [
    "avg_pool_reference",
    "conv_reference",
    "conv_transpose_reference",
    "convolve2d_reference",
    "correlate2d_reference",
    "max_pool_reference",
    "pad_index",
]


def correlate2d_reference(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation: slide the kernel, multiply, add up.

    >>> correlate2d_reference(np.arange(9.0).reshape(3, 3), np.array([[1., 0.], [0., -1.]]))
    array([[-4., -4.],
           [-4., -4.]])
    """
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for a in range(kh):
                for b in range(kw):
                    out[i, j] += image[i + a, j + b] * kernel[a, b]
    return out


def convolve2d_reference(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid 2-D convolution: the same, with the kernel rotated by 180° first.

    >>> convolve2d_reference(np.arange(9.0).reshape(3, 3), np.array([[1., 0.], [0., -1.]]))
    array([[4., 4.],
           [4., 4.]])
    """
    return correlate2d_reference(image, kernel[::-1, ::-1])


def _tuple(v, nd: int) -> tuple[int, ...]:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd


def _window(pos, stride, dilation, kernel) -> tuple[slice, ...]:
    """The spatial slices of the window at output ``pos``: every d-th pixel from pos*s."""
    return tuple(
        slice(i * s, i * s + d * (k - 1) + 1, d)
        for i, s, d, k in zip(pos, stride, dilation, kernel)
    )


def conv_reference(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """N-d convolution (PyTorch's cross-correlation), one output value at a time.

    ``out[n, o, i] = bias[o] + sum over c, t of weight[o, c, t] * xp[n, c_g + c, i*s + t*d]``
    with ``xp`` the zero-padded input and ``c_g`` the first input channel of ``o``'s group.

    >>> conv_reference(np.arange(16.0).reshape(1, 1, 4, 4), np.ones((1, 1, 3, 3)))
    array([[[[45., 54.],
             [81., 90.]]]])
    """
    x, weight = np.asarray(x, float), np.asarray(weight, float)
    nd = x.ndim - 2
    s, p, d = _tuple(stride, nd), _tuple(padding, nd), _tuple(dilation, nd)
    kernel = weight.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(q, q) for q in p])
    out_size = [
        conv_output_size(n, k, si, pi, di) for n, k, si, pi, di in zip(x.shape[2:], kernel, s, p, d)
    ]
    c_out, c_group = weight.shape[:2]
    out = np.zeros((x.shape[0], c_out, *out_size))
    for n, o in itertools.product(range(x.shape[0]), range(c_out)):
        first = (o // (c_out // groups)) * c_group  # first input channel of o's group
        for pos in np.ndindex(*out_size):
            channels = slice(first, first + c_group)
            window = xp[(n, channels, *_window(pos, s, d, kernel))]
            out[(n, o, *pos)] = np.sum(window * weight[o])
        if bias is not None:
            out[n, o] += bias[o]
    return out


def conv_transpose_reference(
    x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """N-d transposed convolution as a scatter: every input pixel stamps the kernel.

    Input pixel ``i`` of channel ``c`` adds ``x[n, c, i] * weight[c, o]`` into the output
    window starting at ``i * s`` (taps ``d`` apart); then ``padding`` is cropped.

    >>> conv_transpose_reference(np.array([[[1., 2.]]]), np.array([[[1., 1., 1.]]]), stride=2)
    array([[[1., 1., 3., 2., 2.]]])
    """
    x, weight = np.asarray(x, float), np.asarray(weight, float)
    nd = x.ndim - 2
    s, p, d = _tuple(stride, nd), _tuple(padding, nd), _tuple(dilation, nd)
    op = _tuple(output_padding, nd)
    kernel = weight.shape[2:]
    size = [
        conv_transpose_output_size(n, k, si, pi, oi, di)
        for n, k, si, pi, oi, di in zip(x.shape[2:], kernel, s, p, op, d)
    ]
    c_in, c_group = weight.shape[:2]  # c_group = output channels per group
    full = np.zeros((x.shape[0], c_group * groups, *[m + 2 * q for m, q in zip(size, p)]))
    for n, c in itertools.product(range(x.shape[0]), range(c_in)):
        first = (c // (c_in // groups)) * c_group  # first output channel of c's group
        for pos in np.ndindex(*x.shape[2:]):
            channels = slice(first, first + c_group)
            window = (n, channels, *_window(pos, s, d, kernel))
            full[window] += x[(n, c, *pos)] * weight[c]
    out = full[(slice(None), slice(None), *[slice(q, q + m) for q, m in zip(p, size)])]
    if bias is not None:
        out = out + np.asarray(bias, float).reshape(1, -1, *[1] * nd)
    return out


def _pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode):
    """Output size, and per window ``(n, c, pos, starts, cells)``: the in-bounds cells."""
    nd = x.ndim - 2
    k, p, d = _tuple(kernel_size, nd), _tuple(padding, nd), _tuple(dilation, nd)
    s = k if stride is None else _tuple(stride, nd)
    out_size = [
        pool_output_size(n, ki, si, pi, di, ceil_mode)
        for n, ki, si, pi, di in zip(x.shape[2:], k, s, p, d)
    ]

    def windows():
        for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
            for pos in np.ndindex(*out_size):
                starts = [i * si - pi for i, si, pi in zip(pos, s, p)]
                cells = []
                for tap in np.ndindex(*k):
                    cell = tuple(b + t * di for b, t, di in zip(starts, tap, d))
                    if all(0 <= i < m for i, m in zip(cell, x.shape[2:])):
                        cells.append(cell)
                yield n, c, pos, starts, cells

    return out_size, windows()


def max_pool_reference(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max pooling with torch's flat argmax indices, one window at a time.

    Scans each window in row-major order and keeps the first maximum; a NaN wins.

    >>> max_pool_reference(np.array([[[1., 3., 3., 2.]]]), 2)
    (array([[[3., 3.]]]), array([[[1, 2]]]))
    """
    x = np.asarray(x, float)
    out_size, windows = _pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode)
    y = np.zeros((*x.shape[:2], *out_size))
    idx = np.zeros(y.shape, dtype=np.int64)
    for n, c, pos, _, cells in windows:
        best, where = -np.inf, cells[0]
        for cell in cells:
            v = x[(n, c, *cell)]
            if v > best or np.isnan(v):
                best, where = v, cell
        y[(n, c, *pos)] = best
        idx[(n, c, *pos)] = np.ravel_multi_index(where, x.shape[2:])
    return y, idx


def avg_pool_reference(
    x,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """Average pooling, one window at a time, with torch's divisor rules.

    The divisor is ``divisor_override`` if given; else the window size clipped to the
    padded input (``count_include_pad=True``) or the number of real cells in it.

    >>> avg_pool_reference(np.array([[[1., 2., 3., 4.]]]), 2, padding=1)
    array([[[0.5, 2.5, 2. ]]])
    """
    x = np.asarray(x, float)
    nd = x.ndim - 2
    k, p = _tuple(kernel_size, nd), _tuple(padding, nd)
    out_size, windows = _pool_windows(x, k, stride, p, 1, ceil_mode)
    y = np.zeros((*x.shape[:2], *out_size))
    for n, c, pos, starts, cells in windows:
        total = sum(x[(n, c, *cell)] for cell in cells)
        if divisor_override is not None:
            divisor = divisor_override
        elif count_include_pad:  # the window, but not past the right padding
            divisor = np.prod(
                [min(b + ki, m + pi) - b for b, ki, m, pi in zip(starts, k, x.shape[2:], p)]
            )
        else:
            divisor = len(cells)
        y[(n, c, *pos)] = total / divisor
    return y


def pad_index(i: int, n: int, mode: str) -> int | None:
    """Which input index a padded position ``i`` copies (``i < 0`` or ``i >= n`` is padding).

    >>> [pad_index(i, 4, "reflect") for i in range(-2, 6)]
    [2, 1, 0, 1, 2, 3, 2, 1]
    >>> [pad_index(i, 4, "circular") for i in range(-2, 6)]
    [2, 3, 0, 1, 2, 3, 0, 1]
    """
    if 0 <= i < n:
        return i
    if mode == "constant":
        return None  # the fill value
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    period = 2 * (n - 1)  # reflect: bounce off both edges without repeating them
    i = abs(i) % period
    return i if i < n else period - i
