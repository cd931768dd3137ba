"""Every case where torch raises, convlab raises a TypeError/ValueError that names the
function, the argument, the value received and, where there is one, the fix."""

import re
import time

import numpy as np
import pytest

import convlab as cl
from convlab.errors import ConvlabError, error_type

x4 = np.ones((1, 1, 4, 4))
w3 = np.ones((1, 1, 3, 3))

CASES = [
    # (id, call, exception, regex the message must match)
    (
        "channel mismatch",
        lambda: cl.conv2d(x4, np.ones((1, 2, 3, 3))),
        ValueError,
        r"^conv2d: weight of shape \(1, 2, 3, 3\) with groups=1 expects input with 2 channels; got 1 channels.*C_in/groups",
    ),
    (
        "channels-last input (NHWC)",
        lambda: cl.conv2d(np.ones((1, 8, 8, 3)), np.ones((4, 3, 3, 3))),
        ValueError,
        r"^conv2d: weight of shape \(4, 3, 3, 3\) with groups=1 expects input with 3 channels; got 8 channels \(input shape \(1, 8, 8, 3\)\)\. The input looks channels-last \(TensorFlow's default, e\.g\. NHWC\); convlab, like PyTorch, wants channels first: np\.moveaxis\(x, -1, -3\)$",
    ),
    (
        "groups do not divide out",
        lambda: cl.conv2d(np.ones((1, 4, 4, 4)), np.ones((3, 2, 3, 3)), groups=2),
        ValueError,
        r"^conv2d: groups must divide out_channels; got groups=2",
    ),
    (
        "groups do not divide in",
        lambda: cl.conv2d(np.ones((1, 3, 4, 4)), np.ones((2, 1, 3, 3)), groups=2),
        ValueError,
        r"groups=2 expects input with 2 channels; got 3",
    ),
    (
        "groups zero",
        lambda: cl.conv2d(x4, w3, groups=0),
        ValueError,
        r"^conv2d: groups must be a positive int",
    ),
    (
        "stride zero",
        lambda: cl.conv2d(x4, w3, stride=0),
        ValueError,
        r"^conv2d: stride must be .*positive int.*got stride=0",
    ),
    (
        "stride negative in tuple",
        lambda: cl.conv1d(np.ones((1, 1, 5)), np.ones((1, 1, 2)), stride=(-1,)),
        ValueError,
        r"stride=\(-1,\)",
    ),
    (
        "dilation zero",
        lambda: cl.conv2d(x4, w3, dilation=0),
        ValueError,
        r"^conv2d: dilation must be .*got dilation=0",
    ),
    (
        "negative padding",
        lambda: cl.conv2d(x4, w3, padding=-1),
        ValueError,
        r"^conv2d: padding must be .*non-negative.*got padding=-1",
    ),
    (
        "kernel too large",
        lambda: cl.conv2d(x4, np.ones((1, 1, 5, 5))),
        ValueError,
        r"^conv2d: the kernel \(dilated extent \(5, 5\)\) is larger than the padded input \(4, 4\).*more padding",
    ),
    (
        "dilated kernel too large",
        lambda: cl.conv1d(np.ones((1, 1, 4)), np.ones((1, 1, 3)), dilation=2),
        ValueError,
        r"dilated extent \(5,\)",
    ),
    (
        "same with stride",
        lambda: cl.conv2d(x4, w3, padding="same", stride=2),
        ValueError,
        r"^conv2d: padding='same' is not supported for strided convolutions; got stride=2\. Compute",
    ),
    (
        "padding string",
        lambda: cl.conv2d(x4, w3, padding="full"),
        ValueError,
        r"^conv2d: padding must be one of 'valid', 'same'; got padding='full'",
    ),
    (
        "reflect too much",
        lambda: cl.conv2d(np.ones((1, 1, 3, 3)), w3, padding=4, padding_mode="reflect"),
        ValueError,
        r"^conv2d: padding_mode='reflect' needs padding < input size in every spatial dim; got padding=4 for input size \(3, 3\)",
    ),
    (
        "reflect pad equal size",
        lambda: cl.pad(np.ones((1, 1, 4)), (4, 4), "reflect"),
        ValueError,
        r"^pad: mode='reflect' needs padding < input size",
    ),
    (
        "circular too much",
        lambda: cl.pad(np.ones((1, 1, 4)), (5, 4), "circular"),
        ValueError,
        r"^pad: mode='circular' needs padding <= input size .*wraps around at most once",
    ),
    (
        "circular conv too much",
        lambda: cl.conv2d(np.ones((1, 1, 4, 8)), w3, padding=5, padding_mode="circular"),
        ValueError,
        r"padding_mode='circular'",
    ),
    (
        "bad padding_mode",
        lambda: cl.conv2d(x4, w3, padding_mode="zero"),
        ValueError,
        r"^conv2d: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular'; got padding_mode='zero'",
    ),
    (
        "bad pad mode case",
        lambda: cl.pad(x4, (1, 1), "Reflect"),
        ValueError,
        r"Did you mean 'reflect'\?",
    ),
    (
        "odd pad tuple",
        lambda: cl.pad(x4, (1, 1, 1)),
        ValueError,
        r"^pad: pad must have an even length.*got pad=\(1, 1, 1\)",
    ),
    (
        "pad not tuple",
        lambda: cl.pad(x4, 1),
        TypeError,
        r"^pad: pad must be a tuple of ints.*got pad=1\. Wrap it in a tuple",
    ),
    (
        "pad too many dims",
        lambda: cl.pad(np.ones(3), (1, 1, 1, 1)),
        ValueError,
        r"pad pads 2 dims but input has only 1",
    ),
    (
        "reflect wrong rank",
        lambda: cl.pad(np.ones((4, 4)), (1, 1, 1, 1), "reflect"),
        ValueError,
        r"^pad: mode='reflect' pads the last 1, 2 or 3 dims .*x\[None\]",
    ),
    (
        "pad float",
        lambda: cl.pad(x4, (1.5, 1)),
        TypeError,
        r"^pad: pad must be a tuple of ints \(left, right, .*\); got pad=\(1\.5, 1\)\. Use whole numbers",
    ),
    (
        "output_padding too big",
        lambda: cl.conv_transpose2d(x4, w3, stride=2, output_padding=2),
        ValueError,
        r"^conv_transpose2d: output_padding must be smaller than either stride or dilation; got output_padding=2 with stride=2, dilation=1",
    ),
    (
        "transpose output too small",
        lambda: cl.conv_transpose2d(x4, w3, padding=4),
        ValueError,
        r"^conv_transpose2d: output size would be \(-2, -2\) for input size \(4, 4\)",
    ),
    (
        "transpose weight channels",
        lambda: cl.conv_transpose2d(x4, np.ones((2, 1, 3, 3))),
        ValueError,
        r"expects input with 2 channels \(weight.shape\[0\]\); got 1 channels.*\(C_in, C_out/groups",
    ),
    (
        "pool padding too big",
        lambda: cl.max_pool2d(x4, 3, padding=2),
        ValueError,
        r"^max_pool2d: padding must be at most half of kernel_size; got padding=2 with kernel_size=3\. ",
    ),
    (
        "avg pool padding too big",
        lambda: cl.avg_pool2d(x4, 2, padding=2),
        ValueError,
        r"^avg_pool2d: padding must be at most half",
    ),
    (
        "pool output < 1",
        lambda: cl.max_pool2d(np.ones((1, 1, 2, 2)), 3),
        ValueError,
        r"^max_pool2d: output size would be \(0, 0\)",
    ),
    (
        "avg pool stride zero",
        lambda: cl.avg_pool2d(x4, 3, stride=0),
        ValueError,
        r"^avg_pool2d: stride must be",
    ),
    (
        "divisor zero",
        lambda: cl.avg_pool2d(x4, 2, divisor_override=0),
        ValueError,
        r"^avg_pool2d: divisor_override must be a non-zero int or None; got divisor_override=0",
    ),
    (
        "ceil_mode not bool",
        lambda: cl.max_pool2d(x4, 2, ceil_mode="yes"),
        TypeError,
        r"^max_pool2d: ceil_mode must be True or False; got ceil_mode='yes'",
    ),
    (
        "input ndim",
        lambda: cl.conv2d(np.ones((4, 4)), w3),
        ValueError,
        r"^conv2d: input must be 3-D \(unbatched \(C, H, W\)\) or 4-D \(batched \(N, C, H, W\)\); got input with shape \(4, 4\)\. Add or remove axes",
    ),
    (
        "input 5-D to conv2d",
        lambda: cl.conv2d(np.ones((1, 1, 4, 4, 4)), w3),
        ValueError,
        r"use the 3d version",
    ),
    (
        "weight ndim",
        lambda: cl.conv2d(x4, np.ones((3, 3))),
        ValueError,
        r"^conv2d: weight must be 4-D \(C_out, C_in/groups, \*kernel\); got weight with shape \(3, 3\)\. For a single 2-D kernel k use k\[None, None\]",
    ),
    (
        "bias shape",
        lambda: cl.conv2d(x4, w3, bias=np.ones(2)),
        ValueError,
        r"^conv2d: bias must be 1-D with one value per output channel \(1 for weight of shape \(1, 1, 3, 3\)\); got bias with shape \(2,\)",
    ),
    (
        "dtype mismatch",
        lambda: cl.conv2d(x4.astype(np.float32), w3),
        TypeError,
        r"^conv2d: all arrays must have the same float dtype; got input is float32, weight is float64\. Cast",
    ),
    (
        "complex",
        lambda: cl.conv2d(x4 + 0j, w3),
        TypeError,
        r"^conv2d: input must be real; got input=array of shape \(1, 1, 4, 4\) and dtype complex128",
    ),
    (
        "strings",
        lambda: cl.conv2d(np.array([["a"]]), w3),
        TypeError,
        r"^conv2d: input must be an array of real numbers",
    ),
    (
        "None input",
        lambda: cl.max_pool2d(None, 2),
        TypeError,
        r"^max_pool2d: input must be an array of real numbers; got input=None",
    ),
    (
        "ragged list",
        lambda: cl.conv1d([[[1, 2], [3]]], np.ones((1, 1, 1))),
        TypeError,
        r"rectangular",
    ),
    (
        "float stride",
        lambda: cl.conv2d(x4, w3, stride=1.5),
        TypeError,
        r"^conv2d: stride must be .*got stride=1\.5",
    ),
    (
        "float kernel_size",
        lambda: cl.max_pool2d(x4, 2.0),
        TypeError,
        r"got kernel_size=2\.0\. Use a whole number, e\.g\. kernel_size=2",
    ),
    (
        "tuple wrong length",
        lambda: cl.conv2d(x4, w3, stride=(1, 1, 1)),
        ValueError,
        r"^conv2d: stride must be .*got stride=\(1, 1, 1\) with 3 entries\. Give one value per spatial dim \(2\)",
    ),
    ("bool as int", lambda: cl.conv2d(x4, w3, stride=True), TypeError, r"stride=True"),
    (
        "unpool indices out of range",
        lambda: cl.max_unpool2d(np.ones((1, 1, 2, 2)), np.full((1, 1, 2, 2), 99), 2),
        ValueError,
        r"^max_unpool2d: indices must lie in \[0, 16\) for output size \(4, 4\) \(from kernel_size=2, padding=0, output_size=None\); got indices from 99 to 99",
    ),
    (
        "unpool float indices",
        lambda: cl.max_unpool2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), 2),
        TypeError,
        r"indices must be an integer array",
    ),
    (
        "unfold ndim",
        lambda: cl.unfold(np.ones((1, 1, 1, 4, 4)), 2),
        ValueError,
        r"^unfold: input must be 3-D \(unbatched \(C, H, W\)\) or 4-D \(batched \(N, C, H, W\)\); got input with shape \(1, 1, 1, 4, 4\)$",
    ),
    (
        "fold ndim",
        lambda: cl.fold(np.ones((1, 1, 4, 9)), (4, 4), 2),
        ValueError,
        r"^fold: input must be 2-D \(unbatched \(C\*kH\*kW, L\)\) or 3-D \(batched \(N, C\*kH\*kW, L\)\); got input with shape \(1, 1, 4, 9\)$",
    ),
    (
        "fold blocks",
        lambda: cl.fold(np.ones((1, 4, 8)), (4, 4), 2),
        ValueError,
        r"^fold: input.shape\[2\] must be the number of sliding windows, 3 \* 3 = 9",
    ),
    (
        "fold channels",
        lambda: cl.fold(np.ones((1, 5, 9)), (4, 4), 2),
        ValueError,
        r"multiple of kH\*kW = 4",
    ),
    (
        "conv_output_size float",
        lambda: cl.conv_output_size(5.5, 3),
        TypeError,
        r"^conv_output_size: input_size must be",
    ),
    (
        "conv_macs kernel too big",
        lambda: cl.conv_macs((2, 2), 1, 1, 3),
        ValueError,
        r"^conv_macs: output size would be \(0, 0\) for input size \(2, 2\) with kernel_size=3",
    ),
    (
        "formula tuples of different lengths",
        lambda: cl.conv_output_size((5, 5), (3, 3, 3)),
        ValueError,
        r"^conv_output_size: tuple arguments must have equal lengths; got input_size=\(5, 5\), kernel_size=\(3, 3, 3\)\. Give one value per spatial dim",
    ),
    (
        "conv_params groups",
        lambda: cl.conv_params(3, 64, 3, groups=2),
        ValueError,
        r"^conv_params: groups must divide in_channels; got groups=2 with in_channels=3",
    ),
    (
        "receptive_field keys",
        lambda: cl.receptive_field([{"kernel": 3}]),
        ValueError,
        r"needs 'kernel_size'",
    ),
    (
        "receptive_field not list",
        lambda: cl.receptive_field({"kernel_size": 3}),
        TypeError,
        r"Wrap a single layer in a list",
    ),
    ("hdc empty", lambda: cl.hdc_check([]), ValueError, r"at least one layer"),
    (
        "hdc dilations not a list",
        lambda: cl.hdc_check(2),
        TypeError,
        r"^hdc_check: dilations must be a list of positive ints, one per layer; got dilations=2\. E\.g\. dilations=\[1, 2, 5\]$",
    ),
    (
        "dilation_coverage dilation zero",
        lambda: cl.dilation_coverage([1, 0]),
        ValueError,
        r"^dilation_coverage: dilations must be a list of positive ints, one per layer; got dilations=\[1, 0\]$",
    ),
    (
        "conv_matrix input_shape not a tuple",
        lambda: cl.conv_matrix(5, np.ones((2, 2))),
        TypeError,
        r"^conv_matrix: input_shape must be a tuple of positive ints \(C_in, H, W\) or \(H, W\); got input_shape=5\. E\.g\.",
    ),
    (
        "conv_matrix input_shape zero",
        lambda: cl.conv_matrix((3, 0), np.ones((2, 2))),
        ValueError,
        r"^conv_matrix: input_shape must be a tuple of positive ints .*; got input_shape=\(3, 0\)$",
    ),
    (
        "conv_matrix too big",
        lambda: cl.conv_matrix((64, 56, 56), np.ones((64, 64, 3, 3))),
        ValueError,
        r"conv_matrix is for small teaching sizes",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "pattern"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_message(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    # exactly convlab's error of that builtin type: never a surprise subclass, never IndexError
    assert type(info.value) is error_type(error)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_messages_start_with_the_function_name():
    for name, call, _, _ in CASES:
        with pytest.raises((TypeError, ValueError)) as info:
            call()
        assert re.match(r"^[a-z_0-9]+: ", str(info.value)), name


# ----------------------------------------------------------------------------- issue 18
# Regressions for the classes of defect found by torch's OpInfo inputs and the fuzzer
# (tests/test_opinfo.py, tests/test_fuzz.py): one test per class, each failing before.

x5 = np.arange(5.0).reshape(1, 1, 5)
w2 = np.ones((1, 1, 2))

REFUSED = [
    # (id, call, exception, regex): crashes that were OverflowError, numpy's words or silence
    ("stride inf", lambda: cl.conv1d(x5, w2, stride=float("inf")), TypeError, r"^conv1d: stride"),
    ("stride nan", lambda: cl.conv1d(x5, w2, stride=float("nan")), TypeError, r"^conv1d: stride"),
    ("stride 10**30", lambda: cl.conv1d(x5, w2, stride=10**30), ValueError, r"fits in 64 bits"),
    ("stride 2**63", lambda: cl.conv2d(x4, w3, stride=2**63), ValueError, r"^conv2d: stride"),
    ("ndim 10**30", lambda: cl.conv_params(3, 4, 3, ndim=10**30), ValueError, r"ndim"),
    ("ndim 10**9", lambda: cl.conv_params(3, 4, 3, ndim=10**9), ValueError, r"ndim must be 1"),
    ("stride bool", lambda: cl.conv1d(x5, w2, stride=True), TypeError, r"A bool is not a size"),
    ("stride bytes", lambda: cl.conv1d(x5, w2, stride=b"\x02"), TypeError, r"Bytes are not"),
    ("divisor tuple", lambda: cl.avg_pool2d(x4, 2, divisor_override=(2,)), TypeError, "divisor"),
    ("divisor 0", lambda: cl.avg_pool2d(x4, 2, divisor_override=0), ValueError, r"non-zero"),
    ("output_size too long", lambda: cl.adaptive_avg_pool2d(x4, (2, 2, 2)), ValueError, r"3 e"),
    ("unfold one-element tuple", lambda: cl.unfold(x4, (2,)), ValueError, r"^unfold: kernel"),
    ("pad value str", lambda: cl.pad(x4, (1, 1), value="1"), TypeError, r"^pad: value"),
    ("pad value complex", lambda: cl.pad(x4, (1, 1), value=1j), TypeError, r"^pad: value"),
    ("pad huge", lambda: cl.pad(x4, (10**9, 10**9)), ValueError, r"^pad: the output would"),
    ("rtol negative", lambda: cl.gradient_check(np.sum, np.ones(2), np.ones(2), rtol=-1), ValueError, "rtol"),
    ("atol nan", lambda: cl.gradient_check(np.sum, np.ones(2), np.ones(2), atol=np.nan), ValueError, "atol"),
    ("eps zero", lambda: cl.gradient_check(np.sum, np.ones(2), np.ones(2), eps=0), ValueError, "eps"),
    ("eps complex", lambda: cl.gradient_check(np.sum, np.ones(2), np.ones(2), eps=1e-6j), TypeError, "eps"),
    ("eps tiny", lambda: cl.gradient_check(np.sum, np.ones(2), np.ones(2), eps=1e-300), ValueError, r"too small for float64"),
    ("transpose zero-size dim", lambda: cl.conv_transpose2d(np.ones((1, 1, 0, 3)), w3), ValueError, r"non-empty"),
    ("max pool zero channels", lambda: cl.max_pool2d(np.ones((1, 0, 4, 4)), 2), ValueError, r"at least one channel"),
    ("avg pool zero channels", lambda: cl.avg_pool1d(np.ones((1, 0, 4)), 2), ValueError, r"at least one channel"),
    ("adaptive max zero channels", lambda: cl.adaptive_max_pool2d(np.ones((0, 4, 4)), 2), ValueError, r"at least one channel"),
    ("fillvalue two values", lambda: cl.correlate2d(np.ones((2, 2)), np.ones((1, 1)), fillvalue=[1, 2]), ValueError, r"one element"),
    ("fillvalue complex", lambda: cl.convolve2d(np.ones((2, 2)), np.ones((1, 1)), fillvalue=1j), ValueError, r"fillvalue"),
    ("pool_output_size names itself", lambda: cl.pool_output_size(5, 0), ValueError, r"^pool_output_size: kernel_size"),
    ("conv_macs names itself", lambda: cl.conv_macs(8, 3, 4, 3, groups=2), ValueError, r"^conv_macs: groups"),
    ("conv_macs stride names itself", lambda: cl.conv_macs(8, 3, 4, 3, stride=0), ValueError, r"^conv_macs: stride"),
    ("dilation_coverage huge", lambda: cl.dilation_coverage([1, 10**9]), ValueError, r"^dilation_coverage: the output"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "pattern"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_issue18_refused_in_words(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error_type(error)
    assert re.search(pattern, str(info.value)), str(info.value)


@pytest.mark.parametrize(
    ("call", "kind"), [c[1:3] for c in CASES + REFUSED], ids=[c[0] for c in CASES + REFUSED]
)
def test_every_error_message_is_made_of_its_fields(call, kind):
    """The sample of every error test: str() is "func: message. Fix" built from the fields,
    and a blamed argument is named in the message."""
    with pytest.raises(ConvlabError) as info:
        call()
    error = info.value
    assert type(error) is error_type(kind)
    assert str(error) == f"{error.func}: {error.message}" + (f". {error.fix}" if error.fix else "")
    assert re.fullmatch(r"[a-z_0-9]+", error.func)
    if error.argument is not None:
        assert error.argument in error.message
    else:
        assert error.value is None


def test_int_likes_mean_their_value():
    """NumPy ints, 0-d int arrays and (for conv and pooling) one-element tuples, as torch."""
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6))
    w = np.ones((3, 2, 3, 3))
    want = cl.conv2d(x, w, stride=2, padding=1)
    for stride in (np.int64(2), np.array(2), (2,), [2]):
        np.testing.assert_array_equal(cl.conv2d(x, w, stride=stride, padding=(1,)), want)
    want_t = cl.conv_transpose2d(x, w.transpose(1, 0, 2, 3), stride=2, padding=1, output_padding=1)
    got_t = cl.conv_transpose2d(
        x, w.transpose(1, 0, 2, 3), stride=(2,), padding=(1,), output_padding=(1,)
    )
    np.testing.assert_array_equal(got_t, want_t)
    np.testing.assert_array_equal(cl.max_pool2d(x, (3,), (2,), (1,)), cl.max_pool2d(x, 3, 2, 1))
    np.testing.assert_array_equal(cl.avg_pool2d(x, 2, stride=()), cl.avg_pool2d(x, 2))
    np.testing.assert_array_equal(cl.max_pool1d(x[0], 2, stride=()), cl.max_pool1d(x[0], 2))


def test_negative_divisor_override_divides_as_torch():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(
        cl.avg_pool2d(x, 2, divisor_override=-2), -cl.avg_pool2d(x, 2, divisor_override=2)
    )


def test_adaptive_avg_pool_takes_zero_channels_as_torch():
    assert cl.adaptive_avg_pool2d(np.ones((1, 0, 4, 4)), 2).shape == (1, 0, 2, 2)


def _fast(call, seconds=2.0):
    start = time.perf_counter()
    result = call()
    assert time.perf_counter() - start < seconds, "cost grew with an argument, not the output"
    return result


def test_huge_strides_cost_what_the_output_costs():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 3, 9)), rng.standard_normal((4, 3, 3)), np.arange(4.0)
    # one window: the stride never matters
    np.testing.assert_allclose(
        _fast(lambda: cl.conv1d(x, w, b, stride=10**9)), cl.conv1d(x, w, b)[..., :1]
    )
    x2, w2_ = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((3, 2, 2, 2))
    np.testing.assert_allclose(
        _fast(lambda: cl.conv2d(x2, w2_, stride=10**4, padding=10**3)), np.zeros((1, 3, 1, 1))
    )
    # windows far apart: only they are read (stride 4 > kernel 2 takes the gather path)
    x3 = rng.standard_normal((1, 2, 3 * 10**4))
    y = _fast(lambda: cl.conv1d(x3, w2_[:, :, 0], stride=10**4, padding=5))
    xp = np.pad(x3, ((0, 0), (0, 0), (5, 5)))
    want = [
        np.einsum("ck,ock->o", xp[0, :, i : i + 2], w2_[:, :, 0])
        for i in range(0, 4 * 10**4, 10**4)
    ]
    np.testing.assert_allclose(y[0], np.array(want).T)
    np.testing.assert_allclose(
        cl.conv2d(x2, w2_, stride=(4, 5), padding=2, dilation=(1, 2)),
        _reference_conv2d(x2, w2_, (4, 5), 2, (1, 2)),
    )
    # transposed: one input pixel stamps once, however large the stride
    xt = rng.standard_normal((1, 2, 1))
    wt = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(
        _fast(lambda: cl.conv_transpose1d(xt, wt, stride=10**9)),
        np.einsum("ci,cok->ok", xt[0], wt)[None],
    )
    # and the backward passes
    gx, gw, _ = _fast(lambda: cl.conv1d_backward(np.ones((2, 4, 1)), x, w, stride=10**9))
    np.testing.assert_allclose(gw, np.broadcast_to(x[:, :, :3].sum(0), w.shape))
    assert gx[..., 3:].sum() == 0
    _fast(lambda: cl.conv_transpose1d_backward(np.ones((1, 3, 4)), xt, wt, stride=10**9))


def _reference_conv2d(x, w, stride, padding, dilation):
    from convlab.reference import conv_reference

    return conv_reference(x, w, None, stride, padding, dilation, 1)


def test_hdc_check_counts_holes_without_the_row():
    result = _fast(lambda: cl.hdc_check([1, 10**9]), 1.0)
    assert not result and result.unseen == 10**9 * 2 + 3 - 9


def test_max_pool_window_wholly_in_the_padding_is_torchs():
    """torch 2.13: -inf at the index of the first tap moved past the padding (values read
    off torch; its backward writes out of bounds there, convlab passes no gradient)."""
    y, idx = cl.max_pool1d(np.array([[[1.0, 2.0]]]), 2, dilation=3, padding=1, return_indices=True)
    assert y.tolist() == [[[-np.inf]]] and idx.tolist() == [[[2]]]
    assert cl.max_pool1d(np.array([[[1.0, 2.0]]]), 2, dilation=3, padding=1).tolist() == [
        [[-np.inf]]
    ]
    x = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    y, idx = cl.max_pool2d(x, 2, dilation=3, padding=1, return_indices=True)  # was IndexError
    assert y.tolist() == [[[[-np.inf]]]] and idx.tolist() == [[[[6]]]]
    y3, _ = cl.max_pool3d(np.ones((1, 1, 2, 2, 2)), 2, dilation=3, padding=1, return_indices=True)
    assert y3.tolist() == [[[[[-np.inf]]]]]
    gx, _, _ = cl.max_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2, dilation=3, padding=1)
    np.testing.assert_array_equal(gx, np.zeros_like(x))


def test_signal_auto_never_spreads_a_nan_over_the_output():
    x = np.ones(2000)
    x[5] = np.nan
    auto = cl.correlate(x, np.ones(500))
    np.testing.assert_array_equal(
        np.isnan(auto), np.isnan(cl.correlate(x, np.ones(500), method="direct"))
    )
    assert np.isnan(auto).sum() == 500


@pytest.mark.parametrize("fillvalue", [np.array([2.0]), True, [2], np.int64(2), np.float32(2)])
def test_fillvalue_takes_scipys_forms(fillvalue):
    got = cl.correlate2d(np.ones((2, 2)), np.ones((2, 2)), fillvalue=fillvalue)
    assert got[0, 0] == 1 + 3 * float(np.asarray(fillvalue).ravel()[0])


def test_big_endian_input_mixes_with_native():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(cl.conv2d(x.astype(">f8"), w3), cl.conv2d(x, w3))


def test_gradient_check_rtol_zero_is_an_absolute_check():
    x = np.array([1.0, 2.0])
    assert cl.gradient_check(lambda a: (a**2).sum(), 2 * x, x, rtol=0, atol=1e-6)
    assert not cl.gradient_check(lambda a: (a**2).sum(), 2 * x + 1e-3, x, rtol=0, atol=1e-6)
