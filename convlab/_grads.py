"""What every backward function shares: checking ``grad_output``, the result triple.

The gradient modules (:mod:`convlab.grad`, :mod:`convlab.grad_transpose`,
:mod:`convlab.grad_pool`, :mod:`convlab.grad_adaptive`) each validate their forward's
arguments with that forward's own ``parse_*`` function, and then meet here:

* :func:`parse_grad_output` checks ``grad_output`` against the forward's output shape
  and batches it as the input was batched;
* :func:`finish` hands back torch's triple ``(grad_input, grad_weight, grad_bias)``,
  without the batch dim again if the forward added it (pooling has no weight or bias:
  ``(grad_input, None, None)``);
* :func:`bias_grad` is the bias gradient of every convolution: ``gy`` summed over batch
  and space.

None of the gradient modules imports another's private helpers: what two of them need
lives here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_float_array, check_grad_output, check_same_dtype

__all__ = ["Grads", "IntOrTuple", "PoolGrads", "bias_grad", "finish", "parse_grad_output"]

IntOrTuple = int | tuple[int, ...]
Grads = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]
PoolGrads = tuple[np.ndarray, None, None]


def parse_grad_output(
    func: str,
    grad_output: Any,
    x: np.ndarray,
    unbatched: bool,
    shape: tuple[int, ...],
    **settings: Any,
) -> np.ndarray:
    """Check ``grad_output`` against the forward's (batched) output ``shape``; batch it.

    ``x`` is the forward's (batched) input, whose dtype ``grad_output`` must have;
    ``settings`` are the forward's arguments that made that shape (for the message).

    >>> x = np.zeros((1, 2, 3))
    >>> parse_grad_output("f", np.ones((2, 4)), x, True, (1, 2, 4)).shape
    (1, 2, 4)
    """
    g = as_float_array(func, "grad_output", grad_output)
    check_same_dtype(func, input=x, grad_output=g)
    check_grad_output(func, g, shape[1:] if unbatched else shape, settings)
    return g[None] if unbatched else g


def bias_grad(gy: np.ndarray, bias: Any) -> np.ndarray | None:
    """``dL/db``: ``gy`` summed over batch and space, or None when there is no bias.

    >>> bias_grad(np.ones((2, 3, 4)), bias=np.zeros(3))
    array([8., 8., 8.])
    """
    return None if bias is None else gy.sum(axis=(0, *range(2, gy.ndim)))


def finish(
    grad_input: np.ndarray,
    unbatched: bool,
    grad_weight: np.ndarray | None = None,
    grad_bias: np.ndarray | None = None,
) -> Grads:
    """The backward's triple, ``grad_input`` unbatched again if the forward batched it.

    >>> gx, gw, gb = finish(np.ones((1, 2, 3)), unbatched=True)
    >>> gx.shape, gw, gb
    ((2, 3), None, None)
    """
    return (grad_input[0] if unbatched else grad_input), grad_weight, grad_bias
