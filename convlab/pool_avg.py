"""Average pooling's window sums and what torch divides each of them by."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_bool, int_or_none
from .pool_windows import PoolSpec, parse_pool, separable


def avg_pool_divisor(spec: PoolSpec, count_include_pad: bool) -> np.ndarray:
    """What each window's sum is divided by, as torch computes it (separable per dim).

    ``count_include_pad=True`` counts padding cells but never the ceil-mode overhang
    beyond the padding; ``False`` counts only real input cells.
    """
    counts = []
    for n, o, k, s, p in zip(
        spec.x.shape[2:], spec.out, spec.kernel_size, spec.stride, spec.padding, strict=True
    ):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    divisor = counts[0]
    for c in counts[1:]:
        divisor = np.multiply.outer(divisor, c)
    return divisor


def parse_avg_pool(
    func: str,
    nd: int,
    input: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: Any,
    count_include_pad: Any,
    divisor_override: Any,
) -> tuple[PoolSpec, np.ndarray]:
    """Validate an average pooling's arguments (forward or backward) and find its divisor.

    The divisor, in the input's dtype, is ``divisor_override`` (0-d) if given, else
    :func:`avg_pool_divisor` (one entry per window).
    """
    spec = parse_pool(
        func,
        nd,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=1,
        ceil_mode=ceil_mode,
    )
    count_include_pad = check_bool(func, "count_include_pad", count_include_pad)
    divisor_override = int_or_none(func, "divisor_override", divisor_override, nonzero=True)
    if divisor_override is None:
        return spec, avg_pool_divisor(spec, count_include_pad).astype(spec.x.dtype)
    return spec, np.asarray(divisor_override, spec.x.dtype)


def avg_pool_sum(spec: PoolSpec) -> np.ndarray:
    """Window sums (padding counts as zeros), one spatial dim at a time."""
    return separable(spec, np.add, 0.0)
