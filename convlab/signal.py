"""The signal-processing view: ``scipy.signal``'s correlate/convolve on plain arrays.

Deep learning's "convolution" is this module's :func:`correlate`; the mathematicians'
convolution flips the kernel first::

    correlate(a, b)[i] = sum_t a[i + t] b[t]          convolve(a, b)[i] = sum_t a[i - t] b[t]

so ``convolve(a, b) == correlate(a, b[::-1, ::-1])`` up to where ``"same"`` centres
its window. Modes (sizes per dim, ``n`` for ``in1``, ``k`` for ``in2``): ``"full"``
every overlap, ``n + k - 1``; ``"valid"`` complete overlaps only, ``n - k + 1``;
``"same"`` the size of ``in1``, centred on ``"full"``.

Arguments, defaults, results and quirks follow scipy (including the different
``"same"`` centring of ``correlate2d`` for even kernels, and swapping the inputs in
``"valid"`` mode when ``in2`` is the larger). Differences: complex input is refused and
integer input gives floats.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import shapes
from ._validation import as_float_array, check_choice, fail, fill_value
from .windows import taps

__all__ = ["convolve", "convolve2d", "correlate", "correlate2d"]

MODES = ("full", "valid", "same")
METHODS = ("auto", "direct", "fft")
BOUNDARIES = ("fill", "wrap", "symm")
_NUMPY_BOUNDARY = {"fill": "constant", "wrap": "wrap", "symm": "symmetric"}


def _inputs(func: str, in1: Any, in2: Any, mode: str) -> tuple[np.ndarray, np.ndarray]:
    a = as_float_array(func, "in1", in1)
    b = as_float_array(func, "in2", in2)
    dtype = np.result_type(a, b)
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    check_choice(func, "mode", mode, MODES)
    if a.ndim != b.ndim:
        raise fail(
            func,
            f"in1 and in2 must have the same number of dims; got shapes {a.shape} and {b.shape}",
            "Add axes with np.newaxis (e.g. b[None, :]) so they match",
        )
    if mode == "valid" and a.size and b.size:
        bigger = all(m >= k for m, k in zip(a.shape, b.shape, strict=True))
        smaller = all(m <= k for m, k in zip(a.shape, b.shape, strict=True))
        if not (bigger or smaller):
            raise fail(
                func,
                "in 'valid' mode one input must be at least as large as the other in every "
                f"dim; got shapes {a.shape} and {b.shape}",
                "Use mode='full' or 'same', or crop one input",
            )
    return a, b


def _region(n1: tuple[int, ...], n2: tuple[int, ...], mode: str, even_left: bool):
    """Start and size, per dim, of the requested part of the full output; and its size.

    ``even_left`` says where "same" puts the extra element for even kernels: scipy's
    correlate2d centres at ``k // 2``, everything else at ``(k - 1) // 2``.
    """
    full = list(shapes.conv_transpose_output_size(n1, n2))  # every overlap: n + k - 1
    if mode == "full":
        return [0] * len(full), full, full
    if mode == "same":
        return [k // 2 if even_left else (k - 1) // 2 for k in n2], list(n1), full
    # "valid": the smaller input slides inside the larger one
    small, large = tuple(map(min, n1, n2)), tuple(map(max, n1, n2))
    return [m - 1 for m in small], list(shapes.conv_output_size(large, small)), full


def _direct(
    a: np.ndarray,
    b: np.ndarray,
    starts: list[int],
    sizes: list[int],
    boundary: str = "fill",
    fillvalue: float = 0.0,
) -> np.ndarray:
    """Part ``[start, start + size)`` of the full correlation, one tap of ``b`` at a time.

    Output ``i`` of the full correlation meets ``a[i - (k - 1) + t]`` at tap ``t``, so ``a``
    is extended by ``k - 1 - start`` before (by the boundary rule) and the taps of ``b``
    slide over it: a Python loop over ``b``'s taps, never over pixels.
    """
    pads = []
    for n, k, start, size in zip(a.shape, b.shape, starts, sizes, strict=True):
        before = k - 1 - start
        pads.append((before, size - 1 - before + k - n))
    # negative "padding" (only in zero-fill mode) means the region skips part of ``a``
    a = a[
        tuple(slice(max(-b_, 0), n + min(e, 0)) for (b_, e), n in zip(pads, a.shape, strict=True))
    ]
    grow = [(max(b_, 0), max(e, 0)) for b_, e in pads]
    kw = {"constant_values": fillvalue} if boundary == "fill" else {}
    ap = np.pad(a, grow, mode=_NUMPY_BOUNDARY[boundary], **kw)
    out = np.zeros(sizes, np.result_type(a, b))
    if math.prod(sizes) < b.size:  # fewer outputs than taps: one dot product per output
        flat = b.ravel()
        for pos in np.ndindex(*sizes):
            window = ap[tuple(slice(i, i + k) for i, k in zip(pos, b.shape, strict=True))]
            out[pos] = flat @ window.ravel()
        return out
    for tap in taps(b.shape):
        out += b[tap] * ap[tuple(slice(t, t + s) for t, s in zip(tap, sizes, strict=True))]
    return out


def _fft(
    a: np.ndarray, b: np.ndarray, starts: list[int], sizes: list[int], full: list[int]
) -> np.ndarray:
    """Same as :func:`_direct` with zero fill, via the convolution theorem."""
    shape = [_next_fast_len(f) for f in full]
    axes = list(range(a.ndim))
    flipped = b[(slice(None, None, -1),) * b.ndim]  # correlation = convolution with flip
    spectrum = np.fft.rfftn(a, shape, axes) * np.fft.rfftn(flipped, shape, axes)
    out = np.fft.irfftn(spectrum, shape, axes)
    region = tuple(slice(s, s + n) for s, n in zip(starts, sizes, strict=True))
    return np.ascontiguousarray(out[region], dtype=np.result_type(a, b))


def _next_fast_len(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n, a length NumPy's FFT handles quickly."""
    best = 2 ** math.ceil(math.log2(max(n, 1)))
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35
            while m < n:
                m *= 2
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def _choose(a: np.ndarray, b: np.ndarray, mode: str, method: str, kinds: str = "ff") -> str:
    """``auto``: SciPy's ``choose_conv_method`` rule, and never the FFT for non-finite input.

    SciPy's rule: direct for integer inputs whose exact result needs more than float64's
    53 bits, direct for booleans, else the FFT when its operation count, weighted by
    SciPy's measured constants, beats the direct sum's. ``kinds`` holds the dtype kinds
    of the inputs as given (convlab has already made them floats). On top of that a NaN
    or inf anywhere picks direct: the FFT would spread it over the whole output, while
    direct confines it to the outputs that really see it.
    """
    if method != "auto":
        return method
    if "i" in kinds or "u" in kinds:
        top = float(np.abs(a).max(initial=0)) * float(np.abs(b).max(initial=0))
        if top * min(a.size, b.size) > 2**52 - 1:
            return "direct"
    if kinds == "bb":
        return "direct"
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return "direct"
    return "fft" if _fft_faster(a.shape, b.shape, mode) else "direct"


def _fft_faster(x: tuple[int, ...], h: tuple[int, ...], mode: str) -> bool:
    """SciPy's ``_fftconv_faster`` (its operation counts and fitted constants)."""
    prod = math.prod
    out = {
        "full": [n + k - 1 for n, k in zip(x, h, strict=True)],
        "valid": [abs(n - k) + 1 for n, k in zip(x, h, strict=True)],
        "same": list(x),
    }[mode]
    if len(x) == 1:
        s1, s2 = x[0], h[0]
        direct = {
            "full": s1 * s2,
            "valid": (s2 - s1 + 1) * s1 if s2 >= s1 else (s1 - s2 + 1) * s2,
            "same": s1 * s2 if s1 < s2 else s1 * s2 - (s2 // 2) * ((s2 + 1) // 2),
        }[mode]
    else:
        direct = prod(x) * prod(h) if mode == "same" else min(prod(x), prod(h)) * prod(out)
    n = prod(n + k - 1 for n, k in zip(x, h, strict=True))
    fft = 3 * n * math.log(n) if n > 0 else 0.0
    offset = -1e-3 if len(x) == 1 else -1e-4
    if len(x) == 1:
        constants = {
            "valid": (1.89095737e-9, 2.1364985e-10, offset),
            "full": (1.7649070e-9, 2.1414831e-10, offset),
            "same": (3.2646654e-9, 2.8478277e-10, offset)
            if prod(h) <= prod(x)
            else (3.21635404e-9, 1.1773253e-8, -1e-5),
        }
    else:
        constants = {
            "valid": (1.85927e-9, 2.11242e-8, offset),
            "full": (1.99817e-9, 1.66174e-8, offset),
            "same": (2.04735e-9, 1.55367e-8, offset),
        }
    o_fft, o_direct, o_offset = constants[mode]
    return o_fft * fft < o_direct * direct + o_offset


def _kinds(*values: Any) -> str:
    """The dtype kinds of the inputs as given ("i", "u", "b", "f", ...), before promotion."""
    return "".join(
        v.dtype.kind if isinstance(v, np.ndarray) else np.asarray(v).dtype.kind for v in values
    )


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> np.ndarray:
    """N-d cross-correlation, as ``scipy.signal.correlate``.

    Parameters
    ----------
    in1, in2 : array_like
        Same number of dims.
    mode : {"full", "valid", "same"}
    method : {"auto", "direct", "fft"}
        ``direct`` sums shifted copies of ``in1``; ``fft`` uses the convolution theorem;
        ``auto`` picks as ``scipy.signal.choose_conv_method`` does, and always direct
        for input holding NaN or inf (the FFT would spread it over the whole output).
        Results agree to rounding.

    Returns
    -------
    ndarray

    Notes
    -----
    :math:`z_i = \\sum_t x_{i+t}\\, y_t` (indices shifted so ``"full"`` starts at the first
    overlap). ``"same"`` takes ``n`` values of ``"full"`` from index ``(k - 1) // 2``.

    Examples
    --------
    >>> correlate([1., 2., 3.], [0., 1., 0.5])
    array([0.5, 2. , 3.5, 3. , 0. ])
    >>> correlate([1., 2., 3.], [0., 1., 0.5], mode="same")
    array([2. , 3.5, 3. ])
    """
    func = "correlate"
    a, b = _inputs(func, in1, in2, mode)
    check_choice(func, "method", method, METHODS)
    return _correlate(a, b, mode, method, _kinds(in1, in2) if method == "auto" else "ff")


def _correlate(a: np.ndarray, b: np.ndarray, mode: str, method: str, kinds: str) -> np.ndarray:
    """:func:`correlate` of checked arrays (what :func:`convolve` calls too)."""
    if a.size == 0 or b.size == 0:
        return np.array([], dtype=np.result_type(a, b))
    if a.ndim == 0:
        return a * b
    starts, sizes, full = _region(a.shape, b.shape, mode, even_left=False)
    swap = mode == "valid" and b.size > a.size  # scipy weighs the larger input as in1
    if _choose(*((b, a) if swap else (a, b)), mode, method, kinds) == "fft":
        return _fft(a, b, starts, sizes, full)
    if b.size > a.size:  # loop over the smaller one's taps: corr(a, b) = reversed corr(b, a)
        rev = (slice(None, None, -1),) * a.ndim
        flipped_starts = [f - s - n for f, s, n in zip(full, starts, sizes, strict=True)]
        return np.ascontiguousarray(_direct(b, a, flipped_starts, sizes)[rev])
    return _direct(a, b, starts, sizes)


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> np.ndarray:
    """N-d convolution (kernel flipped), as ``scipy.signal.convolve``.

    Parameters
    ----------
    in1, in2 : array_like
    mode : {"full", "valid", "same"}
    method : {"auto", "direct", "fft"}

    Returns
    -------
    ndarray

    Notes
    -----
    :math:`z_i = \\sum_t x_{i-t}\\, y_t`: :func:`correlate` with ``in2`` reversed along
    every axis. Convolution commutes (``convolve(a, b) == convolve(b, a)`` in full mode);
    correlation does not.

    Examples
    --------
    >>> convolve([1., 2., 3.], [0., 1., 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    """
    func = "convolve"
    a, b = _inputs(func, in1, in2, mode)
    check_choice(func, "method", method, METHODS)
    kinds = _kinds(in1, in2) if method == "auto" else "ff"
    return _correlate(a, b[(slice(None, None, -1),) * b.ndim], mode, method, kinds)


def _inputs2d(func: str, in1: Any, in2: Any, mode: str, boundary: str, fillvalue: Any):
    a, b = _inputs(func, in1, in2, mode)
    if a.ndim != 2 or b.ndim != 2:
        raise fail(
            func,
            f"in1 and in2 must both be 2-D; got shapes {a.shape} and {b.shape}",
            "Use correlate/convolve for other dims",
        )
    check_choice(func, "boundary", boundary, BOUNDARIES)
    return a, b, fill_value(func, fillvalue)


def correlate2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: float = 0
) -> np.ndarray:
    """2-D cross-correlation with boundary handling, as ``scipy.signal.correlate2d``.

    Parameters
    ----------
    in1, in2 : array_like, 2-D
    mode : {"full", "valid", "same"}
    boundary : {"fill", "wrap", "symm"}
        Extend ``in1`` with ``fillvalue``, circularly, or by mirroring *with* the edge
        (``symm``: ``c b a | a b c | c b a``; compare ``pad(mode="reflect")``).
    fillvalue : float

    Returns
    -------
    ndarray

    Notes
    -----
    ``"same"`` takes ``n`` values of ``"full"`` from ``k // 2`` here, one later than
    :func:`correlate` does for even kernels: scipy's convention, kept.

    Examples
    --------
    >>> x = np.array([[1., 2.], [3., 4.]])
    >>> correlate2d(x, np.array([[1., 0.], [0., -1.]]), mode="valid")
    array([[-3.]])
    >>> shift = np.array([[0., 0., 0.], [0., 0., 1.], [0., 0., 0.]])  # reads the right neighbour
    >>> correlate2d(np.arange(9.0).reshape(3, 3), shift, mode="same", boundary="wrap")
    array([[1., 2., 0.],
           [4., 5., 3.],
           [7., 8., 6.]])
    """
    func = "correlate2d"
    a, b, fillvalue = _inputs2d(func, in1, in2, mode, boundary, fillvalue)
    if a.size == 0 or b.size == 0:
        return np.array([], dtype=np.result_type(a, b)).reshape(0, 0)
    if mode == "valid" and (a.shape[0] < b.shape[0] or a.shape[1] < b.shape[1]):
        starts, sizes, _ = _region(b.shape, a.shape, mode, even_left=True)
        return np.ascontiguousarray(_direct(b, a, starts, sizes)[::-1, ::-1])
    if mode == "full" and boundary == "fill" and fillvalue == 0 and b.size > a.size:
        return _correlate(a, b, mode, "direct", "ff")  # loops over the smaller one's taps
    starts, sizes, _ = _region(a.shape, b.shape, mode, even_left=True)
    return _direct(a, b, starts, sizes, boundary, fillvalue)


def convolve2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: float = 0
) -> np.ndarray:
    """2-D convolution with boundary handling, as ``scipy.signal.convolve2d``.

    Parameters
    ----------
    in1, in2 : array_like, 2-D
    mode : {"full", "valid", "same"}
    boundary : {"fill", "wrap", "symm"}
    fillvalue : float

    Returns
    -------
    ndarray

    Notes
    -----
    :func:`correlate2d` with ``in2`` rotated by 180°; ``"same"`` is centred at
    ``(k - 1) // 2`` of the full convolution.

    Examples
    --------
    >>> convolve2d(np.array([[1., 2.], [3., 4.]]), np.array([[1., 0.], [0., -1.]]))
    array([[ 1.,  2.,  0.],
           [ 3.,  3., -2.],
           [ 0., -3., -4.]])
    """
    func = "convolve2d"
    a, b, fillvalue = _inputs2d(func, in1, in2, mode, boundary, fillvalue)
    if a.size == 0 or b.size == 0:
        return np.array([], dtype=np.result_type(a, b)).reshape(0, 0)
    if mode == "valid" and (a.shape[0] < b.shape[0] or a.shape[1] < b.shape[1]):
        a, b = b, a  # convolution commutes; scipy swaps too
    if boundary == "fill" and fillvalue == 0 and b.size > a.size:
        return _correlate(a, b[::-1, ::-1], mode, "direct", "ff")  # the smaller one's taps
    starts, sizes, _ = _region(a.shape, b.shape, mode, even_left=False)
    return _direct(a, b[::-1, ::-1], starts, sizes, boundary, fillvalue)
