"""Lesson 03 exercises: parameter counts, 1×1 convolution, vectorised multi-channel conv2d."""

from __future__ import annotations

import numpy as np

from ... import conv2d, conv_params
from ..exercise_types import Case, Exercise, Mistake, TimeBudget
from ._inputs import ints, normal


def param_counts_ref(c_in: int, c_out: int, k: int, bias: bool) -> tuple[int, int]:
    standard = conv_params(c_in, c_out, k, bias=bias)
    separable = conv_params(c_in, c_in, k, groups=c_in, bias=bias) + conv_params(
        c_in, c_out, 1, bias=bias
    )
    return standard, separable


def conv2d_multi_ref(x, w, b=None, stride=1, padding=0, dilation=1) -> np.ndarray:
    return conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)


def _counts(c_in, c_out, k, bias, public=True):
    return Case(
        f"c_in={c_in}, c_out={c_out}, k={k}, bias={bias}", lambda r: (c_in, c_out, k, bias), public
    )


def _conv1x1(label, n, c, h, w, o, bias, public=True, make=ints):
    return Case(
        label,
        lambda r: (make(r, n, c, h, w), make(r, o, c, 1, 1), make(r, o) if bias else None),
        public,
    )


def _conv(label, xs, ws, bias, stride=1, padding=0, dilation=1, public=True, make=ints, **kw):
    def args(r):
        b = make(r, ws[0], **kw) if bias else None
        return (make(r, *xs, **kw), make(r, *ws, **kw), b, stride, padding, dilation)

    return Case(label, args, public)


def _no_bias(x, w, b=None, *settings):
    return conv2d_multi_ref(x, w, None, *settings)


NO_BIAS = "Add the bias: b[o] is added to every pixel of output channel o (b[None, :, None, None])."

EXERCISES = (
    Exercise(
        id="03.param_counts",
        func="param_counts",
        params=("c_in", "c_out", "k", "bias"),
        points=1,
        title="Parameters: standard vs depthwise-separable convolution",
        reference=param_counts_ref,
        cases=(
            _counts(3, 64, 3, True),
            _counts(64, 64, 3, True),
            _counts(32, 128, 5, False),
            _counts(1, 1, 1, False, False),
            _counts(128, 256, 3, True, False),
            _counts(16, 8, 7, True, False),
            _counts(3, 3, 1, True, False),
        ),
        hint=(
            "Standard: c_out·c_in·k² (+ c_out biases). Separable: a depthwise k×k conv with "
            "groups=c_in (c_in·k² + c_in) followed by a pointwise 1×1 conv (c_out·c_in + c_out)."
        ),
        mistakes=(
            Mistake(
                "You left out the biases: one per output channel of each layer "
                "(the separable block has two layers, so c_in + c_out biases).",
                lambda i, o, k, bias: param_counts_ref(i, o, k, False),
            ),
            Mistake(
                "A k×k kernel has k·k = k² weights per input channel, not k.",
                lambda i, o, k, bias: (o * i * k + o * bias, i * k + i * bias + o * i + o * bias),
            ),
            Mistake(
                "The depthwise layer has one k×k filter per input channel (groups=c_in): "
                "c_in·k² weights, not c_in·c_in·k².",
                lambda i, o, k, bias: (
                    param_counts_ref(i, o, k, bias)[0],
                    conv_params(i, i, k, bias=bias) + conv_params(i, o, 1, bias=bias),
                ),
            ),
        ),
    ),
    Exercise(
        id="03.conv1x1",
        func="conv1x1",
        params=("x", "w", "b"),
        points=2,
        title="1×1 convolution as a matrix product over channels",
        reference=lambda x, w, b: conv2d(x, w, b),
        cases=(
            _conv1x1("1×1×2×2 input, 1 filter, no bias", 1, 1, 2, 2, 1, False),
            _conv1x1("1×3×2×3 input, 2 filters", 1, 3, 2, 3, 2, True),
            _conv1x1("2×4×5×5 input, 3 filters", 2, 4, 5, 5, 3, True),
            _conv1x1("3×8×7×6 input, 16 filters", 3, 8, 7, 6, 16, True, False, normal),
            _conv1x1("2×5×1×1 input, 4 filters, no bias", 2, 5, 1, 1, 4, False, False, normal),
            _conv1x1("1×16×9×9 input, 1 filter", 1, 16, 9, 9, 1, True, False, normal),
        ),
        hint=(
            "At every pixel, out[n, o] = Σ_c w[o, c, 0, 0] · x[n, c] + b[o]: one einsum, "
            "np.einsum('oc,nchw->nohw', w[:, :, 0, 0], x)."
        ),
        mistakes=(Mistake(NO_BIAS, lambda x, w, b: conv2d(x, w)),),
    ),
    Exercise(
        id="03.conv2d_multi",
        func="conv2d_multi",
        params=("x", "w", "b", "stride", "padding", "dilation"),
        points=4,
        title="Vectorised multi-channel conv2d with stride, padding and dilation",
        reference=conv2d_multi_ref,
        cases=(
            _conv("1×1×4×4 input, one 2×2 filter", (1, 1, 4, 4), (1, 1, 2, 2), False),
            _conv("1×2×5×5 input, 3 filters 3×3, bias", (1, 2, 5, 5), (3, 2, 3, 3), True),
            _conv(
                "2×3×6×7, 4 filters 3×2, stride 2, padding 1",
                (2, 3, 6, 7),
                (4, 3, 3, 2),
                True,
                2,
                1,
            ),
            _conv("1×2×7×7, 2 filters 3×3, dilation 2", (1, 2, 7, 7), (2, 2, 3, 3), False, 1, 0, 2),
            _conv(
                "2×3×9×8, stride (2, 1), padding (1, 2), dilation (1, 2)",
                (2, 3, 9, 8),
                (5, 3, 3, 3),
                True,
                (2, 1),
                (1, 2),
                (1, 2),
                False,
                normal,
            ),
            _conv(
                "1×4×5×5, 2 filters 5×5, padding 2",
                (1, 4, 5, 5),
                (2, 4, 5, 5),
                True,
                1,
                2,
                1,
                False,
                normal,
            ),
            _conv(
                "3×2×11×10, 3 filters 2×3, stride 3",
                (3, 2, 11, 10),
                (3, 2, 2, 3),
                False,
                3,
                0,
                1,
                False,
                normal,
            ),
            _conv(
                "float32: 2×3×8×8, 4 filters 3×3, padding 1 (keep the dtype)",
                (2, 3, 8, 8),
                (4, 3, 3, 3),
                True,
                1,
                1,
                1,
                False,
                normal,
                dtype=np.float32,
            ),
        ),
        hint=(
            "Pad once; for each kernel tap (i, j) take the strided slice "
            "xp[:, :, i·d : i·d + s·(oh − 1) + 1 : s, j·d : …] and accumulate "
            "np.tensordot(w[:, :, i, j], slice, axes=([1], [1])); add the bias last."
        ),
        mistakes=(
            Mistake(NO_BIAS, _no_bias),
            Mistake(
                "You flipped the kernel; conv2d is cross-correlation.",
                lambda x, w, b, *s: conv2d_multi_ref(x, w[:, :, ::-1, ::-1], b, *s),
            ),
            Mistake(
                "Dilation d spaces the taps d pixels apart: "
                "tap (i, j) reads xp[i·d + s·oi, j·d + s·oj].",
                lambda x, w, b, s, p, d: conv2d_multi_ref(x, w, b, s, p, 1),
                shape_only=True,
            ),
        ),
        budget=TimeBudget(
            factor=20.0,
            points=1,
            make=lambda r: (normal(r, 1, 4, 64, 64), normal(r, 4, 4, 3, 3), normal(r, 4), 1, 1, 1),
            label="1×4×64×64 input, 4 filters 3×3, padding 1",
        ),
    ),
)
