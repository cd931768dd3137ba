"""Lesson 07 exercises: max-pool backward, conv2d weight gradient, conv2d input gradient.

The conv gradients are :func:`convlab.conv2d_backward`'s. The max-pool exercise gives the
learner torch's indices rather than the input, which :func:`convlab.max_pool2d_backward`
needs, so its expectation is the routing itself, one ``bincount`` (checked against the
loop definition and torch.autograd in ``tests/test_grading_registry.py``).
"""

from __future__ import annotations

import math

import numpy as np

from ... import conv2d_backward, conv_output_size, conv_transpose_output_size, max_pool2d
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal, two


def max_pool_backward_ref(grad_out, indices, input_shape) -> np.ndarray:
    """Route each output gradient to its argmax; overlapping windows add up."""
    n, c, h, w = input_shape
    planes = np.arange(n * c).reshape(n, c, 1, 1) * (h * w)
    total = np.bincount((indices + planes).ravel(), grad_out.ravel(), minlength=n * c * h * w)
    return total.reshape(input_shape).astype(grad_out.dtype)


def grad_weight_ref(x, grad_out, kernel_size, stride=1, padding=0) -> np.ndarray:
    """dL/dW of conv2d (the weight's values do not enter it)."""
    w = np.zeros((grad_out.shape[1], x.shape[1], *two(kernel_size)), dtype=x.dtype)
    return conv2d_backward(grad_out, x, w, stride=stride, padding=padding)[1]


def grad_input_ref(grad_out, w, input_shape, stride=1, padding=0) -> np.ndarray:
    """dL/dX of conv2d (the input's values do not enter it)."""
    x = np.zeros(input_shape, dtype=grad_out.dtype)
    return conv2d_backward(grad_out, x, w, stride=stride, padding=padding)[0]


def _pool_case(label, shape, k, s, p, public=True):
    def args(r):
        x = normal(r, *shape)
        _, idx = max_pool2d(x, k, s, p, return_indices=True)
        return ints(r, *idx.shape), idx, tuple(shape)

    return Case(label, args, public)


def _out_shape(xs, o, k, s, p):
    size = conv_output_size(xs[2:], k, s, p)
    return (xs[0], o, *size)


def _weight_case(label, xs, o, k, s, p, public, make):
    return Case(
        label, lambda r: (make(r, *xs), make(r, *_out_shape(xs, o, k, s, p)), k, s, p), public
    )


def _input_case(label, xs, o, k, s, p, public, make):
    def args(r):
        gy = make(r, *_out_shape(xs, o, k, s, p))
        return gy, make(r, o, xs[1], *two(k)), tuple(xs), s, p

    return Case(label, args, public)


# (label, input shape, filters, kernel, stride, padding, public, make): both conv gradients
_CONV_GRAD_CASES = (
    ("1×1×4×4 input, 1 filter 2×2", (1, 1, 4, 4), 1, 2, 1, 0, True, ints),
    ("1×2×5×5 input, 3 filters 3×3, padding 1", (1, 2, 5, 5), 3, 3, 1, 1, True, ints),
    ("2×2×6×6, 2 filters 3×3, stride 2, padding 1", (2, 2, 6, 6), 2, 3, 2, 1, True, ints),
    (
        "2×3×7×8, 4 filters 3×2, stride (2, 1), padding (1, 0)",
        (2, 3, 7, 8),
        4,
        (3, 2),
        (2, 1),
        (1, 0),
        False,
        normal,
    ),
    ("3×2×9×7, 2 filters 3×3, stride 3 (unvisited rows)", (3, 2, 9, 7), 2, 3, 3, 0, False, normal),
    ("1×1×5×5, 1 filter 5×5, padding 2", (1, 1, 5, 5), 1, 5, 1, 2, False, normal),
)


def _assigned(grad_out, indices, input_shape):
    n, c, h, w = input_shape
    grad = np.zeros((n * c, h * w), dtype=grad_out.dtype)
    rows = np.arange(n * c)[:, None].repeat(math.prod(indices.shape[2:]), 1)
    grad[rows, indices.reshape(n * c, -1)] = grad_out.reshape(n * c, -1)
    return grad.reshape(input_shape)


def _unvisited_shape(grad_out, w, input_shape, stride=1, padding=0):
    size = conv_transpose_output_size(grad_out.shape[2:], w.shape[2:], stride, padding)
    return np.empty((*input_shape[:2], *size))


EXERCISES = (
    Exercise(
        id="07.max_pool2d_backward",
        func="max_pool2d_backward",
        params=("grad_out", "indices", "input_shape"),
        points=2,
        title="Backward pass of max pooling",
        reference=max_pool_backward_ref,
        cases=(
            _pool_case("1×1×4×4, k=2 (no overlap)", (1, 1, 4, 4), 2, 2, 0),
            _pool_case("1×1×5×5, k=3, s=1 (overlapping windows)", (1, 1, 5, 5), 3, 1, 0),
            _pool_case("1×2×5×5, k=3, s=2, p=1", (1, 2, 5, 5), 3, 2, 1),
            _pool_case("2×3×8×7, k=3, s=2, p=1", (2, 3, 8, 7), 3, 2, 1, False),
            _pool_case("1×1×6×6, k=2, s=1", (1, 1, 6, 6), 2, 1, 0, False),
            _pool_case("2×1×9×9, k=4, s=2, p=2", (2, 1, 9, 9), 4, 2, 2, False),
            _pool_case("1×1×1×1, k=1", (1, 1, 1, 1), 1, 1, 0, False),
        ),
        hint=(
            "grad_input is zero except at the argmax positions: for each (n, c) plane, add "
            "grad_out into the flat H·W positions given by indices."
        ),
        mistakes=(
            Mistake(
                "Windows overlap: several outputs can pick the same input pixel and their "
                "gradients add up (np.add.at or np.bincount); assignment keeps only one.",
                _assigned,
            ),
        ),
    ),
    Exercise(
        id="07.conv2d_grad_weight",
        func="conv2d_grad_weight",
        params=("x", "grad_out", "kernel_size", "stride", "padding"),
        points=3,
        title="Gradient of conv2d with respect to the weights",
        reference=grad_weight_ref,
        cases=tuple(_weight_case(*spec) for spec in _CONV_GRAD_CASES),
        hint=(
            "dW[o, c, u, v] = Σ_{n,i,j} grad_out[n, o, i, j] · xp[n, c, i·s + u, j·s + v]: "
            "a correlation of the padded input with grad_out, summed over the batch."
        ),
        mistakes=(
            Mistake(
                "The weight gradient is a correlation (no flip): tap (u, v) pairs grad_out[i, j] "
                "with xp[i·s + u, j·s + v].",
                lambda x, gy, k, s, p: grad_weight_ref(x, gy, k, s, p)[:, :, ::-1, ::-1],
            ),
            Mistake(
                "Sum over the batch: the same weights serve every sample.",
                lambda x, gy, k, s, p: grad_weight_ref(x[:1], gy[:1], k, s, p),
            ),
        ),
    ),
    Exercise(
        id="07.conv2d_grad_input",
        func="conv2d_grad_input",
        params=("grad_out", "w", "input_shape", "stride", "padding"),
        points=4,
        title="Gradient of conv2d with respect to the input",
        reference=grad_input_ref,
        cases=tuple(_input_case(*spec) for spec in _CONV_GRAD_CASES),
        hint=(
            "Scatter back: every output gradient grad_out[n, o, i, j] adds w[o] · grad_out into "
            "the window it came from (a transposed convolution), then crop the padding. "
            "Rows the forward pass never read get zero gradient."
        ),
        mistakes=(
            Mistake(
                "As a full convolution, the input gradient uses the flipped kernel; scattering "
                "w as it is into each window is the simplest correct route.",
                lambda gy, w, shape, s, p: grad_input_ref(gy, w[:, :, ::-1, ::-1], shape, s, p),
            ),
            Mistake(
                "Rows/columns that no window read still get a (zero) gradient: the result "
                "has exactly the input's shape.",
                _unvisited_shape,
                shape_only=True,
            ),
        ),
    ),
)
