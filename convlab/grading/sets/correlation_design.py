"""Lesson 01, design and debug: the convolution theorem (FFT) and im2col as one matrix product.

Expected values are convlab's :func:`~convlab.convolve` (scipy.signal's modes) and
:func:`~convlab.conv2d`; the helpers below compute the usual *wrong* answers, for the hints.
"""

from __future__ import annotations

import numpy as np

from ... import conv2d, convolve
from ..compare import Satisfies
from ..exercise_types import Case, Exercise, Mistake, TimeBudget
from ._inputs import ints, normal


def fft_conv2d_ref(x: np.ndarray, k: np.ndarray, mode: str = "full") -> np.ndarray:
    return convolve(x, k, mode=mode, method="direct")


def _crop(full: np.ndarray, x: np.ndarray, k: np.ndarray, mode: str, *, top, left) -> np.ndarray:
    (h, w), (kh, kw) = x.shape, k.shape
    if mode == "full":
        return full
    if mode == "same":
        return full[top : top + h, left : left + w]
    return full[kh - 1 : h, kw - 1 : w]


def _circular(x, k, mode="full"):
    """No zero padding: the FFT product of size x.shape is a circular convolution."""
    return np.fft.irfft2(np.fft.rfft2(x) * np.fft.rfft2(k, x.shape), x.shape)


def _same_late(x, k, mode="full"):
    """'same' cropped from k // 2 instead of (k - 1) // 2 (differs for even kernels)."""
    full = fft_conv2d_ref(x, k, "full")
    return _crop(full, x, k, mode, top=k.shape[0] // 2, left=k.shape[1] // 2)


def _complex(x, k, mode="full"):
    return Satisfies(
        lambda got: "" if isinstance(got, np.ndarray) and got.dtype.kind == "c" else "no",
        "a complex array",
    )


def _fft(*, label, x_shape, k_shape, mode, make=ints, public=True):
    return Case(
        label=label, make=lambda r: (make(r, *x_shape), make(r, *k_shape), mode), public=public
    )


def _fft_random(*, label, mode):
    """Sizes drawn per seed: image 5…24, kernel 1…5 per axis, so odd and even both occur."""

    def args(r):
        xs, ks = r.integers(5, 25, size=2), r.integers(1, 6, size=2)
        return normal(r, *map(int, xs)), normal(r, *map(int, ks)), mode

    return Case(label=label, make=args, public=False)


def conv2d_im2col_ref(x, w, b=None, stride=1, padding=0) -> np.ndarray:
    return conv2d(x, w, b, stride=stride, padding=padding)


def _tap_major(x, w, b=None, stride=1, padding=0):
    """Columns unfolded as (kh, kw, C) but the weight flattened as (C, kh, kw)."""
    o, c, kh, kw = w.shape
    mixed = w.reshape(o, kh, kw, c).transpose(0, 3, 1, 2)
    return conv2d_im2col_ref(x, mixed, b, stride, padding)


def _im2col(*, label, x_shape, w_shape, bias, stride=1, padding=0, public=True, make=ints):
    def args(r):
        return (
            make(r, *x_shape),
            make(r, *w_shape),
            make(r, w_shape[0]) if bias else None,
            stride,
            padding,
        )

    return Case(label=label, make=args, public=public)


EXERCISES = (
    Exercise(
        id="01.fft_conv2d",
        func="fft_conv2d",
        params=("x", "k", "mode"),
        points=2,
        tier="design",
        title="The convolution theorem: convolution by FFT (full, same, valid)",
        reference=fft_conv2d_ref,
        cases=(
            _fft(label="4×5 image, 2×3 kernel, full", x_shape=(4, 5), k_shape=(2, 3), mode="full"),
            _fft(label="5×5 image, 3×3 kernel, same", x_shape=(5, 5), k_shape=(3, 3), mode="same"),
            _fft(
                label="6×5 image, 2×2 kernel (even), same",
                x_shape=(6, 5),
                k_shape=(2, 2),
                mode="same",
            ),
            _fft(
                label="6×7 image, 3×2 kernel, valid", x_shape=(6, 7), k_shape=(3, 2), mode="valid"
            ),
            _fft(
                label="3×2 image, 4×3 kernel (larger), full",
                x_shape=(3, 2),
                k_shape=(4, 3),
                mode="full",
                make=normal,
                public=False,
            ),
            _fft(
                label="16×13 image, 4×5 kernel, same",
                x_shape=(16, 13),
                k_shape=(4, 5),
                mode="same",
                make=normal,
                public=False,
            ),
            _fft(
                label="9×8 image, 5×5 kernel, valid",
                x_shape=(9, 8),
                k_shape=(5, 5),
                mode="valid",
                make=normal,
                public=False,
            ),
            _fft(
                label="7×7 image, 1×1 kernel, same",
                x_shape=(7, 7),
                k_shape=(1, 1),
                mode="same",
                make=normal,
                public=False,
            ),
            _fft(
                label="32×31 image, 7×6 kernel, same",
                x_shape=(32, 31),
                k_shape=(7, 6),
                mode="same",
                make=normal,
                public=False,
            ),
            _fft(
                label="20×20 image, 6×6 kernel, valid",
                x_shape=(20, 20),
                k_shape=(6, 6),
                mode="valid",
                make=normal,
                public=False,
            ),
            _fft_random(label="random sizes (odd and even), full", mode="full"),
            _fft_random(label="random sizes (odd and even), same", mode="same"),
            _fft_random(label="random sizes (odd and even), valid", mode="valid"),
        ),
        hint=(
            "Zero-pad both to (H + kh − 1, W + kw − 1) (np.fft.rfft2(a, s=shape)), multiply, "
            "invert with np.fft.irfft2(…, s=shape): that is the full convolution. 'same' is "
            "its centre full[(kh − 1)//2 : … + H, (kw − 1)//2 : … + W], 'valid' is "
            "full[kh − 1 : H, kw − 1 : W]."
        ),
        mistakes=(
            Mistake(
                hint="Without zero padding the FFT product is a *circular* convolution: the kernel "
                "wraps around the image's edges. Transform both at size (H + kh − 1, W + kw − 1).",
                compute=_circular,
            ),
            Mistake(
                hint="'same' keeps the centre of the full output starting at (kh − 1)//2, not "
                "kh//2: for an even kernel the extra row and column come off the end, as in scipy.",
                compute=_same_late,
            ),
            Mistake(
                hint="You returned complex numbers: the result of a real convolution is real. Use "
                "np.fft.irfft2 (or take .real of np.fft.ifft2).",
                compute=_complex,
            ),
            Mistake(
                hint="That is cross-correlation (the kernel not flipped). The convolution theorem "
                "multiplies the plain spectra: FFT(x) · FFT(k).",
                compute=lambda x, k, mode: fft_conv2d_ref(x, k[::-1, ::-1], mode),
            ),
        ),
    ),
    Exercise(
        id="01.conv2d_im2col",
        func="conv2d_im2col",
        params=("x", "w", "b", "stride", "padding"),
        points=3,
        tier="design",
        title="conv2d as one unfold and one matrix product (im2col)",
        reference=conv2d_im2col_ref,
        cases=(
            _im2col(
                label="1×1×4×4 input, one 2×2 filter",
                x_shape=(1, 1, 4, 4),
                w_shape=(1, 1, 2, 2),
                bias=False,
            ),
            _im2col(
                label="1×2×5×5 input, 3 filters 3×3, bias",
                x_shape=(1, 2, 5, 5),
                w_shape=(3, 2, 3, 3),
                bias=True,
            ),
            _im2col(
                label="2×3×6×7 input, 4 filters 3×2, stride 2, padding 1",
                x_shape=(2, 3, 6, 7),
                w_shape=(4, 3, 3, 2),
                bias=True,
                stride=2,
                padding=1,
            ),
            _im2col(
                label="2×3×9×8, 5 filters 3×3, stride (2, 1), padding (1, 2)",
                x_shape=(2, 3, 9, 8),
                w_shape=(5, 3, 3, 3),
                bias=True,
                stride=(2, 1),
                padding=(1, 2),
                public=False,
                make=normal,
            ),
            _im2col(
                label="1×4×5×5, 2 filters 5×5, padding 2",
                x_shape=(1, 4, 5, 5),
                w_shape=(2, 4, 5, 5),
                bias=True,
                stride=1,
                padding=2,
                public=False,
                make=normal,
            ),
            _im2col(
                label="3×2×11×10, 3 filters 2×3, stride 3",
                x_shape=(3, 2, 11, 10),
                w_shape=(3, 2, 2, 3),
                bias=False,
                stride=3,
                padding=0,
                public=False,
                make=normal,
            ),
            _im2col(
                label="1×8×1×1 input, 4 filters 1×1",
                x_shape=(1, 8, 1, 1),
                w_shape=(4, 8, 1, 1),
                bias=True,
                stride=1,
                padding=0,
                public=False,
                make=normal,
            ),
        ),
        hint=(
            "Pad, then take every window at once: np.lib.stride_tricks.sliding_window_view(xp, "
            "(kh, kw), axis=(2, 3))[:, :, ::sh, ::sw] has shape (N, C, oh, ow, kh, kw). Reshape "
            "it to rows of C·kh·kw (in the (c, u, v) order of w.reshape(O, -1)), multiply by "
            "w.reshape(O, -1).T once, add b and move the channels to axis 1."
        ),
        mistakes=(
            Mistake(
                hint="Add the bias: b[o] is added to every pixel of output channel o.",
                compute=lambda x, w, b, s, p: conv2d_im2col_ref(x, w, None, s, p),
            ),
            Mistake(
                hint="The columns and the flattened weight must list the taps in the same order: "
                "w.reshape(O, -1) runs over (c, u, v), so each unfolded row must too "
                "(channel first, then kernel row, then kernel column).",
                compute=_tap_major,
            ),
            Mistake(
                hint="You flipped the kernel; conv2d is cross-correlation.",
                compute=lambda x, w, b, s, p: conv2d_im2col_ref(x, w[:, :, ::-1, ::-1], b, s, p),
            ),
        ),
        budget=TimeBudget(
            factor=10.0,
            points=1,
            make=lambda r: (normal(r, 1, 4, 64, 64), normal(r, 4, 4, 3, 3), normal(r, 4), 1, 1),
            label="1×4×64×64 input, 4 filters 3×3, padding 1",
        ),
    ),
)
