"""Gradient checking: compare an analytic gradient with central differences.

The derivative of a scalar function ``S`` along one entry ``a_j`` is approximately

    (S(a_j + eps) - S(a_j - eps)) / (2 eps)        error O(eps²), not O(eps)

For a function with an array output ``y = f(a)``, :func:`gradient_check` checks the
scalar ``S = sum(y * R)`` for a random array ``R``: its gradient is exactly what a
backward function returns for ``grad_output = R`` (a vector-Jacobian product), so one
random projection tests the whole Jacobian without building it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import (
    as_float_array,
    call_checked,
    check_arity,
    check_callable,
    check_gradients,
    check_int,
    check_scalar_output,
    check_step,
    finite_float,
)

__all__ = ["GradientCheck", "gradient_check"]

#                 eps,  rtol, atol: float32 differences are noisy, prefer float64
_DEFAULTS = {np.float64: (1e-6, 1e-5, 1e-8), np.float32: (1e-3, 1e-2, 1e-3)}


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of :func:`gradient_check`; truthy when it passed.

    ``max_rel_error`` is the largest ``|analytic - numeric| / max(|analytic|,
    |numeric|, atol / rtol)`` (tiny gradients are judged absolutely); ``where`` is
    ``(array number, index)`` of that entry, with its two values.
    """

    passed: bool
    max_rel_error: float
    max_abs_error: float
    where: tuple[int, tuple[int, ...]]
    analytic: float
    numeric: float
    checked: int
    rtol: float
    atol: float

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        # short lines: a notebook shows this without wrapping it mid-word
        array, index = self.where
        return (
            f"GradientCheck(passed={self.passed},\n"
            f"  max_rel_error={self.max_rel_error:.2g} at array {array}, index {index},\n"
            f"  analytic {self.analytic:.6g}, numeric {self.numeric:.6g},\n"
            f"  {self.checked} entries checked, rtol={self.rtol:g})"
        )

    def _repr_html_(self) -> str:
        """A small table for notebooks: the verdict, then the worst entry."""
        import html

        array, index = self.where
        verdict = ("✅ passed", "#2b8a3e") if self.passed else ("❌ failed", "#c92a2a")
        rows = [
            ("max relative error", f"{self.max_rel_error:.2g}"),
            ("max absolute error", f"{self.max_abs_error:.2g}"),
            ("worst entry", f"array {array}, index {index}"),
            ("analytic / numeric", f"{self.analytic:.6g} / {self.numeric:.6g}"),
            ("entries checked", f"{self.checked} (rtol={self.rtol:g}, atol={self.atol:g})"),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left;font-family:monospace'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return (
            f"<table><caption style='text-align:left;color:{verdict[1]}'>GradientCheck: "
            f"{verdict[0]}</caption>{body}</table>"
        )


def gradient_check(
    f: Callable[..., Any],
    backward: Callable[..., Any] | np.ndarray | Sequence[np.ndarray],
    *arrays: Any,
    eps: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    max_checks: int | None = None,
    seed: int = 0,
) -> GradientCheck:
    """Check gradients of ``f(*arrays)`` against central differences.

    Parameters
    ----------
    f : callable
        ``f(*arrays)`` returns a scalar or an array.
    backward : callable, or the gradients
        Either ``backward(grad_output, *arrays)`` returning one gradient per array (a
        tuple; extra trailing entries are ignored, so convlab's ``*_backward``
        functions fit as they are), or, for a scalar ``f``, the gradients themselves
        (one array, or a sequence in the order of ``arrays``).
    *arrays : ndarray
        The point to check at. They are not modified.
    eps : float, optional
        Step of the differences, relative for entries larger than 1: entry ``a_j``
        moves by ``eps * max(1, |a_j|)`` (default 1e-6 for float64, 1e-3 for float32).
    rtol, atol : float, optional
        Pass when ``|analytic - numeric| <= max(rtol * max(|analytic|, |numeric|),
        atol)`` for every entry (defaults 1e-5, 1e-8 for float64; 1e-2, 1e-3 for
        float32, whose differences are much noisier: check in float64 when you can).
    max_checks : int, optional
        Check at most this many random entries per array (default: all of them; each
        entry costs two calls of ``f``).
    seed : int
        Seeds the projection ``R`` and the choice of entries.

    Returns
    -------
    GradientCheck
        Truthy when every entry passed; its repr gives the worst relative error and where.

    Notes
    -----
    With ``R`` random (or 1 for a scalar ``f``) and ``S = sum(f(*arrays) * R)``, the
    numeric gradient of entry ``j`` is :math:`(S(a + h e_j) - S(a - h e_j)) / 2h` with
    :math:`h = \\epsilon \\max(1, |a_j|)`, and the analytic one is
    ``backward(R, *arrays)[j]``.

    Examples
    --------
    >>> from convlab import conv2d, conv2d_backward
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    >>> check = gradient_check(lambda x, w: conv2d(x, w, stride=2),
    ...                        lambda g, x, w: conv2d_backward(g, x, w, stride=2), x, w)
    >>> bool(check), check.checked
    (True, 104)

    A scalar function with its gradient given directly; a wrong gradient is caught:

    >>> gradient_check(lambda x: (x ** 2).sum(), 2 * x, x).passed
    True
    >>> gradient_check(lambda x: (x ** 2).sum(), x, x)  # forgot the factor 2
    GradientCheck(passed=False,
      max_rel_error=0.5 at array 0, index (...),
      ...)
    """
    func = "gradient_check"
    check_callable(func, "f", f)
    check_arity(func, "f", f, len(arrays))
    arrays = tuple(as_float_array(func, f"arrays[{i}]", a).copy() for i, a in enumerate(arrays))
    dtype = np.result_type(*arrays) if arrays else np.float64
    d_eps, d_rtol, d_atol = _DEFAULTS[np.float32 if dtype == np.float32 else np.float64]
    eps = d_eps if eps is None else finite_float(func, "eps", eps, positive=True)
    rtol = d_rtol if rtol is None else finite_float(func, "rtol", rtol)
    atol = d_atol if atol is None else finite_float(func, "atol", atol)
    if max_checks is not None:
        max_checks = check_int(func, "max_checks", max_checks, minimum=1)
    rng = np.random.default_rng(check_int(func, "seed", seed, minimum=0))
    y = as_float_array(func, "f(*arrays)", call_checked(func, "f", f, arrays))
    if callable(backward):
        check_arity(func, "backward", backward, len(arrays) + 1)
        projection = rng.standard_normal(y.shape).astype(y.dtype) if y.ndim else y.dtype.type(1)
        got = call_checked(func, "backward", backward, (projection, *arrays))
        grads = check_gradients(func, got, arrays)
    else:
        check_scalar_output(func, y)
        projection = 1.0
        grads = check_gradients(func, backward, arrays)

    def output() -> np.ndarray:
        return np.array(f(*arrays), np.float64)  # a copy: f may return a view of an input

    worst_rel, worst_abs, worst = -1.0, 0.0, ((0, ()), 0.0, 0.0)
    checked, passed = 0, True
    for number, (a, g) in enumerate(zip(arrays, grads, strict=False)):
        entries = range(a.size)
        if max_checks is not None and a.size > max_checks:
            entries = np.sort(rng.choice(a.size, max_checks, replace=False))
        for j in entries:
            index = np.unravel_index(j, a.shape)
            original = a[index]
            step = eps * max(1.0, abs(float(original)))  # relative for large entries
            a[index] = original + step
            up, y_up = float(a[index]), output()
            a[index] = original - step
            down, y_down = float(a[index]), output()
            a[index] = original
            check_step(func, eps, float(original), up, down, a.dtype)
            # differences first (unchanged outputs cancel exactly), then project; divide
            # by the step really taken (float32 rounds original ± step)
            numeric = float(np.sum((y_up - y_down) * projection)) / (up - down)
            analytic = float(g[index])
            error = abs(analytic - numeric)
            scale = max(abs(analytic), abs(numeric))
            passed = passed and error <= max(rtol * scale, atol)
            floor = atol / rtol if rtol > 0 else 0.0  # rtol = 0: an absolute-only check
            rel = (
                error / max(scale, floor)
                if max(scale, floor) > 0
                else (0.0 if not error else math.inf)
            )
            worst_abs = max(worst_abs, error)
            if rel > worst_rel:
                worst_rel, worst = rel, ((number, tuple(int(i) for i in index)), analytic, numeric)
            checked += 1
    worst_rel = max(worst_rel, 0.0)
    return GradientCheck(passed, worst_rel, worst_abs, *worst, checked, rtol, atol)
