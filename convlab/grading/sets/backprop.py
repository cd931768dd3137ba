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


def _pool_case(*, label, shape, k, s, p, public=True):
    def args(r):
        x = normal(r, *shape)
        _, idx = max_pool2d(x, k, s, p, return_indices=True)
        return ints(r, *idx.shape), idx, tuple(shape)

    return Case(label=label, make=args, public=public)


def _out_shape(xs, o, k, s, p):
    size = conv_output_size(xs[2:], k, s, p)
    return (xs[0], o, *size)


def _weight_case(*, label, x_shape, filters, k, s, p, public, make):
    return Case(
        label=label,
        make=lambda r: (
            make(r, *x_shape),
            make(r, *_out_shape(x_shape, filters, k, s, p)),
            k,
            s,
            p,
        ),
        public=public,
    )


def _input_case(*, label, x_shape, filters, k, s, p, public, make):
    def args(r):
        gy = make(r, *_out_shape(x_shape, filters, k, s, p))
        return gy, make(r, filters, x_shape[1], *two(k)), tuple(x_shape), s, p

    return Case(label=label, make=args, public=public)


# both conv gradients' cases: input shape xs, o filters of size k, stride s, padding p
_CONV_GRAD_CASES = (
    dict(
        label="1×1×4×4 input, 1 filter 2×2",
        x_shape=(1, 1, 4, 4),
        filters=1,
        k=2,
        s=1,
        p=0,
        public=True,
        make=ints,
    ),
    dict(
        label="1×2×5×5 input, 3 filters 3×3, padding 1",
        x_shape=(1, 2, 5, 5),
        filters=3,
        k=3,
        s=1,
        p=1,
        public=True,
        make=ints,
    ),
    dict(
        label="2×2×6×6, 2 filters 3×3, stride 2, padding 1",
        x_shape=(2, 2, 6, 6),
        filters=2,
        k=3,
        s=2,
        p=1,
        public=True,
        make=ints,
    ),
    dict(
        label="2×3×7×8, 4 filters 3×2, stride (2, 1), padding (1, 0)",
        x_shape=(2, 3, 7, 8),
        filters=4,
        k=(3, 2),
        s=(2, 1),
        p=(1, 0),
        public=False,
        make=normal,
    ),
    dict(
        label="3×2×9×7, 2 filters 3×3, stride 3 (unvisited rows)",
        x_shape=(3, 2, 9, 7),
        filters=2,
        k=3,
        s=3,
        p=0,
        public=False,
        make=normal,
    ),
    dict(
        label="1×1×5×5, 1 filter 5×5, padding 2",
        x_shape=(1, 1, 5, 5),
        filters=1,
        k=5,
        s=1,
        p=2,
        public=False,
        make=normal,
    ),
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
            _pool_case(label="1×1×4×4, k=2 (no overlap)", shape=(1, 1, 4, 4), k=2, s=2, p=0),
            _pool_case(
                label="1×1×5×5, k=3, s=1 (overlapping windows)", shape=(1, 1, 5, 5), k=3, s=1, p=0
            ),
            _pool_case(label="1×2×5×5, k=3, s=2, p=1", shape=(1, 2, 5, 5), k=3, s=2, p=1),
            _pool_case(
                label="2×3×8×7, k=3, s=2, p=1", shape=(2, 3, 8, 7), k=3, s=2, p=1, public=False
            ),
            _pool_case(label="1×1×6×6, k=2, s=1", shape=(1, 1, 6, 6), k=2, s=1, p=0, public=False),
            _pool_case(
                label="2×1×9×9, k=4, s=2, p=2", shape=(2, 1, 9, 9), k=4, s=2, p=2, public=False
            ),
            _pool_case(label="1×1×1×1, k=1", shape=(1, 1, 1, 1), k=1, s=1, p=0, public=False),
        ),
        hint=(
            "grad_input is zero except at the argmax positions: for each (n, c) plane, add "
            "grad_out into the flat H·W positions given by indices."
        ),
        mistakes=(
            Mistake(
                hint="Windows overlap: several outputs can pick the same input pixel and their "
                "gradients add up (np.add.at or np.bincount); assignment keeps only one.",
                compute=_assigned,
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
        cases=tuple(_weight_case(**spec) for spec in _CONV_GRAD_CASES),
        hint=(
            "dW[o, c, u, v] = Σ_{n,i,j} grad_out[n, o, i, j] · xp[n, c, i·s + u, j·s + v]: "
            "a correlation of the padded input with grad_out, summed over the batch."
        ),
        mistakes=(
            Mistake(
                hint="The weight gradient is a correlation (no flip): tap (u, v) pairs "
                "grad_out[i, j] with xp[i·s + u, j·s + v].",
                compute=lambda x, gy, k, s, p: grad_weight_ref(x, gy, k, s, p)[:, :, ::-1, ::-1],
            ),
            Mistake(
                hint="Sum over the batch: the same weights serve every sample.",
                compute=lambda x, gy, k, s, p: grad_weight_ref(x[:1], gy[:1], k, s, p),
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
        cases=tuple(_input_case(**spec) for spec in _CONV_GRAD_CASES),
        hint=(
            "Scatter back: every output gradient grad_out[n, o, i, j] adds w[o] · grad_out into "
            "the window it came from (a transposed convolution), then crop the padding. "
            "Rows the forward pass never read get zero gradient."
        ),
        mistakes=(
            Mistake(
                hint="As a full convolution, the input gradient uses the flipped kernel; "
                "scattering w as it is into each window is the simplest correct route.",
                compute=lambda gy, w, shape, s, p: grad_input_ref(
                    gy, w[:, :, ::-1, ::-1], shape, s, p
                ),
            ),
            Mistake(
                hint="Rows/columns that no window read still get a (zero) gradient: the result "
                "has exactly the input's shape.",
                compute=_unvisited_shape,
                shape_only=True,
            ),
        ),
    ),
)
