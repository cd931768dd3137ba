"""Receptive fields, dilation coverage and the Hybrid Dilated Convolution (HDC) rule.

A unit deep in a CNN sees a patch of the input, its *receptive field*. Per dim, after a
layer with kernel ``k``, stride ``s``, padding ``p`` and dilation ``d`` (effective kernel
``k_eff = d(k - 1) + 1``)::

    size  r_out = r_in + (k_eff - 1) * j_in       how many input pixels one unit spans
    jump  j_out = j_in * s                        input distance between adjacent units
    start t_out = t_in - p * j_in                 input index of unit 0's first pixel

starting from ``r = j = 1, t = 0`` at the input. Stacking dilated convolutions grows ``r``
fast, but if the rates share a factor the stack only ever sees a sub-grid of the input:
the *gridding* effect. :func:`dilation_coverage` counts, for every input pixel, the
paths that reach one top unit; :func:`hdc_check` applies Wang et al.'s HDC rule
("Understanding Convolution for Semantic Segmentation", 2018).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, NamedTuple

import numpy as np

from ._validation import check_alloc, check_int, fail, int_sequence, int_tuple
from .shapes import effective_kernel_size

__all__ = ["Field", "HDCResult", "dilation_coverage", "hdc_check", "receptive_field"]

_LAYER_KEYS = {"kernel_size", "stride", "padding", "dilation", "name"}


class Field(NamedTuple):
    """Receptive field after one layer (ints, or tuples per dim)."""

    size: Any
    jump: Any
    start: Any


def receptive_field(layers: Sequence[Mapping[str, Any]]) -> list[Field]:
    """Receptive field size, jump and start after each layer of a stack.

    Parameters
    ----------
    layers : sequence of dict
        One dict per conv or pooling layer with ``kernel_size`` and optionally
        ``stride`` (1), ``padding`` (0), ``dilation`` (1) and a ``name``. Values are ints,
        or tuples for per-dim settings.

    Returns
    -------
    list of Field
        ``Field(size, jump, start)`` after each layer. ``start`` is the input index of the
        first pixel that output unit 0 sees (negative when it lies in the padding); unit
        ``i`` sees ``[start + i*jump, start + i*jump + size)``.

    Notes
    -----
    :math:`r_{l} = r_{l-1} + (d_l(k_l - 1)) j_{l-1}`, :math:`j_l = j_{l-1} s_l`,
    :math:`t_l = t_{l-1} - p_l j_{l-1}`, with :math:`r_0 = j_0 = 1, t_0 = 0`.

    Examples
    --------
    >>> [f.size for f in receptive_field([{"kernel_size": 3}] * 3)]  # three 3x3 convs see 7x7
    [3, 5, 7]
    >>> receptive_field([{"kernel_size": 3, "padding": 1},
    ...                  {"kernel_size": 2, "stride": 2},
    ...                  {"kernel_size": 3, "dilation": 2, "padding": 2}])[-1]
    Field(size=12, jump=2, start=-5)
    """
    func = "receptive_field"
    if isinstance(layers, Mapping) or not isinstance(layers, Sequence):
        raise fail(
            func,
            f"layers must be a list of dicts; got layers={layers!r}",
            'Wrap a single layer in a list: [{"kernel_size": 3}]',
            kind=TypeError,
            argument="layers",
            value=layers,
        )
    dims = 1
    for layer in layers:
        for v in layer.values() if isinstance(layer, Mapping) else ():
            if isinstance(v, (tuple, list)):
                dims = max(dims, len(v))
    per_dim = any(
        isinstance(v, (tuple, list))
        for layer in layers
        if isinstance(layer, Mapping)
        for v in layer.values()
    )
    field = Field((1,) * dims, (1,) * dims, (0,) * dims)
    fields = []
    for i, layer in enumerate(layers):
        field = field_after(field, *_layer(func, i, layer, dims))
        fields.append(field if per_dim else Field(*(v[0] for v in field)))
    return fields


def field_after(
    field: Field,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
) -> Field:
    """The receptive field one more window layer makes of ``field`` (tuples per dim).

    Internal and unchecked (the callers check): :func:`receptive_field` and
    :func:`convlab.summary` both step with it, so the recursion is written once.
    ``padding`` is the padding *before* each dim (the side unit 0 sees).

    >>> field_after(Field((3,), (1,), (-1,)), (2,), (2,), (0,), (1,))
    Field(size=(4,), jump=(2,), start=(-1,))
    """
    rows = zip(*field, kernel_size, stride, padding, dilation, strict=True)
    steps = [(r + d * (k - 1) * j, j * s, t - p * j) for r, j, t, k, s, p, d in rows]
    return Field(*(tuple(v[i] for v in steps) for i in range(3)))


def _layer(func: str, i: int, layer: Any, dims: int) -> tuple[tuple[int, ...], ...]:
    if not isinstance(layer, Mapping):
        raise fail(
            func,
            f"layers[{i}] must be a dict such as {{'kernel_size': 3, 'stride': 1}}; got {layer!r}",
            kind=TypeError,
            argument=f"layers[{i}]",
            value=layer,
        )
    unknown = set(layer) - _LAYER_KEYS
    if unknown or "kernel_size" not in layer:
        raise fail(
            func,
            f"layers[{i}] needs 'kernel_size' and may have 'stride', 'padding', 'dilation', "
            f"'name'; got keys {sorted(layer)}",
            argument=f"layers[{i}]",
            value=layer,
        )
    return (
        int_tuple(func, f"layers[{i}]['kernel_size']", layer["kernel_size"], dims, minimum=1),
        int_tuple(func, f"layers[{i}]['stride']", layer.get("stride", 1), dims, minimum=1),
        int_tuple(func, f"layers[{i}]['padding']", layer.get("padding", 0), dims, minimum=0),
        int_tuple(func, f"layers[{i}]['dilation']", layer.get("dilation", 1), dims, minimum=1),
    )


def _dilations(func: str, dilations: Any, kernel_size: Any) -> tuple[tuple[int, ...], int]:
    rates = int_sequence(
        func,
        "dilations",
        dilations,
        kind="list",
        meaning=", one per layer",
        fix="E.g. dilations=[1, 2, 5]",
        minimum=1,
    )
    if not rates:
        raise fail(
            func,
            "dilations must name at least one layer; got dilations=[]",
            argument="dilations",
            value=dilations,
        )
    k = int_tuple(func, "kernel_size", kernel_size, 1, minimum=1)[0]
    return rates, k


def dilation_coverage(dilations: Sequence[int], kernel_size: int = 3, ndim: int = 2) -> np.ndarray:
    """How many paths lead from each input pixel to one top unit of a dilated stack.

    Parameters
    ----------
    dilations : list of int
        One dilation rate per stacked ``kernel_size`` convolution (stride 1).
    kernel_size : int
    ndim : int
        1 for a row, 2 for the square picture of the lessons.

    Returns
    -------
    ndarray of int
        Side length = the stack's receptive field. Zeros are input pixels the unit never
        sees: the holes of the gridding effect.

    Notes
    -----
    One layer reaches the ``k`` taps spaced ``d`` apart; a stack reaches their sums, so
    the 1-D counts are the convolution of the layers' dilated all-ones kernels. In 2-D
    they are the outer product of the 1-D counts.

    Examples
    --------
    >>> dilation_coverage([2, 2], ndim=1)  # every other pixel: gridding
    array([1, 0, 2, 0, 3, 0, 2, 0, 1])
    >>> dilation_coverage([1, 2], ndim=1)  # no holes
    array([1, 1, 2, 1, 2, 1, 1])
    """
    func = "dilation_coverage"
    rates, k = _dilations(func, dilations, kernel_size)
    ndim = check_int(func, "ndim", ndim, minimum=1)
    side = 1 + sum(d * (k - 1) for d in rates)  # the stack's receptive field
    check_alloc(func, (side,) * min(ndim, 64), 8, dilations=rates, kernel_size=k, ndim=ndim)
    counts = np.ones(1, dtype=np.int64)
    for d in rates:
        taps = np.zeros(effective_kernel_size(k, d), dtype=np.int64)
        taps[::d] = 1
        counts = np.convolve(counts, taps)
    return reduce(np.multiply.outer, [counts] * ndim)


def _unseen(rates: tuple[int, ...], k: int) -> tuple[int, int]:
    """The receptive field of one row and how many of its pixels no path reaches.

    The reached offsets are the sums of one tap ``t * d`` per layer. Few layers of huge
    rates (``[1, 10**9]``): keep the set of sums, at most ``k ** layers`` values. Else
    a boolean row of the field, grown layer by layer in ``O(field)`` each: within each
    residue class mod ``d`` a layer ORs ``k`` consecutive cells, a difference of
    cumulative sums. Both exact; neither builds :func:`dilation_coverage`'s counts.
    """
    field = 1 + sum(d * (k - 1) for d in rates)
    if k ** len(rates) <= _MAX_OFFSETS:
        dtype = np.int64 if field < 2**62 else object  # exact beyond int64 too
        reached = np.zeros(1, dtype)
        for d in rates:
            reached = np.unique((reached[:, None] + np.arange(k).astype(dtype) * d).ravel())
        return field, field - reached.size
    if field > _MAX_OFFSETS:
        raise fail(
            "hdc_check",
            f"counting the unseen pixels of dilations={list(rates)} with kernel_size={k} "
            f"would track a receptive field of {field} pixels (limit {_MAX_OFFSETS})",
            "Check fewer or smaller layers at a time",
        )
    row, length = np.ones(1, bool), 1
    for d in rates:
        grown = length + d * (k - 1)
        m = -(-grown // d)  # rows of the (m, d) layout: cell q*d + r at [q, r]
        cells = np.zeros(m * d, np.int64)
        cells[:length] = row
        sums = np.cumsum(cells.reshape(m, d), axis=0)
        window = sums.copy()
        window[k:] -= sums[:-k]  # taps t = 0..k-1 reach back t rows in the same column
        row, length = (window > 0).ravel()[:grown], grown
    return field, field - int(np.count_nonzero(row))


_MAX_OFFSETS = 10**7


@dataclass(frozen=True)
class HDCResult:
    """Verdict of :func:`hdc_check`: truthy when the stack satisfies the HDC rule.

    ``unseen`` is the measured truth beside it: how many pixels of one row of the
    receptive field no path reaches (0 means no gridding). ``reason`` is the whole
    sentence (``str(result)``); ``why`` its clause on the rule alone (e.g.
    ``"M_2 = 4 > K = 3"``), for a picture's title, without the rates or the caveat.
    """

    ok: bool
    dilations: tuple[int, ...]
    kernel_size: int
    M: tuple[int, ...]  # M_1 .. M_n, the maximum distance between two nonzero taps
    gcd: int
    unseen: int
    reason: str
    why: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.reason


def hdc_check(dilations: Sequence[int], kernel_size: int = 3) -> HDCResult:
    """Does a stack of dilated convolutions satisfy the HDC rule? With the reason, and a check.

    Parameters
    ----------
    dilations : list of int
        Rates ``r_1 .. r_n`` of consecutive ``kernel_size`` convolutions.
    kernel_size : int
        ``K``.

    Returns
    -------
    HDCResult
        Truthy when both conditions hold; ``str(result)`` says why or why not,
        ``result.M`` holds ``M_1 .. M_n`` and ``result.unseen`` the pixels of one row of
        the receptive field that no path reaches (from :func:`dilation_coverage`).

    Notes
    -----
    With :math:`M_n = r_n` and, going down,
    :math:`M_i = \\max(M_{i+1} - 2r_i,\\; M_{i+1} - 2(M_{i+1} - r_i),\\; r_i)`, the rule asks
    for :math:`M_2 \\le K`; and the rates must not share a common factor > 1, otherwise
    every path steps in multiples of it and the other pixels are never seen.

    The rule is a design guide for rates that start at 1 and never decrease (the
    sawtooth groups of the paper, e.g. [1, 2, 5]); there it agrees with the holes in
    :func:`dilation_coverage`. Outside that setting it can be wrong both ways ([2, 3]
    passes yet leaves holes; [1, 3, 1] fails yet has none), and the verdict says so.

    Examples
    --------
    >>> bool(hdc_check([1, 2, 5])), bool(hdc_check([2, 4, 6]))
    (True, False)
    >>> print(hdc_check([2, 4, 6]))
    [2, 4, 6] grids with K=3: M_2 = 4 > K = 3, and every rate is a multiple of 2

    Outside the rule's setting, trust the measured holes:

    >>> check = hdc_check([2, 3])
    >>> bool(check), check.unseen
    (True, 2)
    """
    rates, k = _dilations("hdc_check", dilations, kernel_size)
    m = [rates[-1]]
    for r in reversed(rates[:-1]):
        nxt = m[0]
        m.insert(0, max(nxt - 2 * r, nxt - 2 * (nxt - r), r))
    common = math.gcd(*rates)
    problems = []
    if len(rates) >= 2 and m[1] > k:
        problems.append(f"M_2 = {m[1]} > K = {k}")
    if common > 1:
        problems.append(f"every rate is a multiple of {common}")
    name = f"{list(rates)}"
    if problems:
        why = ", and ".join(problems)
        reason = f"{name} grids with K={k}: {why}"
    elif len(rates) >= 2:
        why = f"M_2 = {m[1]} <= {k}, rates share no factor"
        reason = f"{name} satisfies HDC with K={k}: {why}"
    else:
        why = "nothing to grid"
        reason = f"{name} is a single undilated layer: {why}"
    field, unseen = _unseen(rates, k)
    if (unseen > 0) == (not problems):  # the rule and the measured coverage disagree
        seen = f"{unseen} of {field} pixels are unseen" if unseen else "no pixel is unseen"
        reason += f"; but {seen}: the rule assumes rates that start at 1 and never decrease"
    return HDCResult(not problems, rates, k, tuple(m), common, unseen, reason, why)
