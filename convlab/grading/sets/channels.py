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


def _counts(*, c_in, c_out, k, bias, public=True):
    return Case(
        label=f"c_in={c_in}, c_out={c_out}, k={k}, bias={bias}",
        make=lambda r: (c_in, c_out, k, bias),
        public=public,
    )


def _conv1x1(*, label, n, c, h, w, filters, bias, public=True, make=ints):
    return Case(
        label=label,
        make=lambda r: (
            make(r, n, c, h, w),
            make(r, filters, c, 1, 1),
            make(r, filters) if bias else None,
        ),
        public=public,
    )


def _conv(
    *, label, x_shape, w_shape, bias, stride=1, padding=0, dilation=1, public=True, make=ints, **kw
):
    def args(r):
        b = make(r, w_shape[0], **kw) if bias else None
        return (make(r, *x_shape, **kw), make(r, *w_shape, **kw), b, stride, padding, dilation)

    return Case(label=label, make=args, public=public)


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
            _counts(c_in=3, c_out=64, k=3, bias=True),
            _counts(c_in=64, c_out=64, k=3, bias=True),
            _counts(c_in=32, c_out=128, k=5, bias=False),
            _counts(c_in=1, c_out=1, k=1, bias=False, public=False),
            _counts(c_in=128, c_out=256, k=3, bias=True, public=False),
            _counts(c_in=16, c_out=8, k=7, bias=True, public=False),
            _counts(c_in=3, c_out=3, k=1, bias=True, public=False),
        ),
        hint=(
            "Standard: c_out·c_in·k² (+ c_out biases). Separable: a depthwise k×k conv with "
            "groups=c_in (c_in·k² + c_in) followed by a pointwise 1×1 conv (c_out·c_in + c_out)."
        ),
        mistakes=(
            Mistake(
                hint="You left out the biases: one per output channel of each layer "
                "(the separable block has two layers, so c_in + c_out biases).",
                compute=lambda i, o, k, bias: param_counts_ref(i, o, k, False),
            ),
            Mistake(
                hint="A k×k kernel has k·k = k² weights per input channel, not k.",
                compute=lambda i, o, k, bias: (
                    o * i * k + o * bias,
                    i * k + i * bias + o * i + o * bias,
                ),
            ),
            Mistake(
                hint="The depthwise layer has one k×k filter per input channel (groups=c_in): "
                "c_in·k² weights, not c_in·c_in·k².",
                compute=lambda i, o, k, bias: (
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
            _conv1x1(
                label="1×1×2×2 input, 1 filter, no bias", n=1, c=1, h=2, w=2, filters=1, bias=False
            ),
            _conv1x1(label="1×3×2×3 input, 2 filters", n=1, c=3, h=2, w=3, filters=2, bias=True),
            _conv1x1(label="2×4×5×5 input, 3 filters", n=2, c=4, h=5, w=5, filters=3, bias=True),
            _conv1x1(
                label="3×8×7×6 input, 16 filters",
                n=3,
                c=8,
                h=7,
                w=6,
                filters=16,
                bias=True,
                public=False,
                make=normal,
            ),
            _conv1x1(
                label="2×5×1×1 input, 4 filters, no bias",
                n=2,
                c=5,
                h=1,
                w=1,
                filters=4,
                bias=False,
                public=False,
                make=normal,
            ),
            _conv1x1(
                label="1×16×9×9 input, 1 filter",
                n=1,
                c=16,
                h=9,
                w=9,
                filters=1,
                bias=True,
                public=False,
                make=normal,
            ),
        ),
        hint=(
            "At every pixel, out[n, o] = Σ_c w[o, c, 0, 0] · x[n, c] + b[o]: one einsum, "
            "np.einsum('oc,nchw->nohw', w[:, :, 0, 0], x)."
        ),
        mistakes=(Mistake(hint=NO_BIAS, compute=lambda x, w, b: conv2d(x, w)),),
    ),
    Exercise(
        id="03.conv2d_multi",
        func="conv2d_multi",
        params=("x", "w", "b", "stride", "padding", "dilation"),
        points=4,
        title="Vectorised multi-channel conv2d with stride, padding and dilation",
        reference=conv2d_multi_ref,
        cases=(
            _conv(
                label="1×1×4×4 input, one 2×2 filter",
                x_shape=(1, 1, 4, 4),
                w_shape=(1, 1, 2, 2),
                bias=False,
            ),
            _conv(
                label="1×2×5×5 input, 3 filters 3×3, bias",
                x_shape=(1, 2, 5, 5),
                w_shape=(3, 2, 3, 3),
                bias=True,
            ),
            _conv(
                label="2×3×6×7, 4 filters 3×2, stride 2, padding 1",
                x_shape=(2, 3, 6, 7),
                w_shape=(4, 3, 3, 2),
                bias=True,
                stride=2,
                padding=1,
            ),
            _conv(
                label="1×2×7×7, 2 filters 3×3, dilation 2",
                x_shape=(1, 2, 7, 7),
                w_shape=(2, 2, 3, 3),
                bias=False,
                stride=1,
                padding=0,
                dilation=2,
            ),
            _conv(
                label="2×3×9×8, stride (2, 1), padding (1, 2), dilation (1, 2)",
                x_shape=(2, 3, 9, 8),
                w_shape=(5, 3, 3, 3),
                bias=True,
                stride=(2, 1),
                padding=(1, 2),
                dilation=(1, 2),
                public=False,
                make=normal,
            ),
            _conv(
                label="1×4×5×5, 2 filters 5×5, padding 2",
                x_shape=(1, 4, 5, 5),
                w_shape=(2, 4, 5, 5),
                bias=True,
                stride=1,
                padding=2,
                dilation=1,
                public=False,
                make=normal,
            ),
            _conv(
                label="3×2×11×10, 3 filters 2×3, stride 3",
                x_shape=(3, 2, 11, 10),
                w_shape=(3, 2, 2, 3),
                bias=False,
                stride=3,
                padding=0,
                dilation=1,
                public=False,
                make=normal,
            ),
            _conv(
                label="float32: 2×3×8×8, 4 filters 3×3, padding 1 (keep the dtype)",
                x_shape=(2, 3, 8, 8),
                w_shape=(4, 3, 3, 3),
                bias=True,
                stride=1,
                padding=1,
                dilation=1,
                public=False,
                make=normal,
                dtype=np.float32,
            ),
        ),
        hint=(
            "Pad once; for each kernel tap (i, j) take the strided slice "
            "xp[:, :, i·d : i·d + s·(oh − 1) + 1 : s, j·d : …] and accumulate "
            "np.tensordot(w[:, :, i, j], slice, axes=([1], [1])); add the bias last."
        ),
        mistakes=(
            Mistake(hint=NO_BIAS, compute=_no_bias),
            Mistake(
                hint="You flipped the kernel; conv2d is cross-correlation.",
                compute=lambda x, w, b, *s: conv2d_multi_ref(x, w[:, :, ::-1, ::-1], b, *s),
            ),
            Mistake(
                hint="Dilation d spaces the taps d pixels apart: "
                "tap (i, j) reads xp[i·d + s·oi, j·d + s·oj].",
                compute=lambda x, w, b, s, p, d: conv2d_multi_ref(x, w, b, s, p, 1),
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
