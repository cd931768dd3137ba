"""Lesson 03, design and debug: read a network (parameters and MACs); budget a separable block.

Layer specs are dicts, as in a model summary::

    {"type": "conv2d", "out_channels": 16, "kernel_size": 3, "stride": 1, "padding": 1,
     "groups": 1, "bias": True}
    {"type": "maxpool2d", "kernel_size": 2, "stride": 2}     # stride defaults to kernel_size
    {"type": "relu"}
    {"type": "flatten"}                                       # (C, H, W) -> (C·H·W,)
    {"type": "linear", "out_features": 10, "bias": True}      # on a flat input

``03.separable_budget`` has many right answers: graded by the design's properties.
"""

from __future__ import annotations

import operator

from ... import conv_macs, conv_output_size, conv_params, pool_output_size
from ..compare import Satisfies
from ..exercise_types import Case, Exercise, Mistake


def _walk(layers, input_shape, bias=True, groups=True, macs_on_input=False):
    """(params, MACs) of a spec list; the flags switch on the usual mistakes."""
    c, h, w = input_shape
    params = macs = 0
    for layer in layers:
        kind = layer["type"]
        if kind == "conv2d":
            o, k = layer["out_channels"], layer["kernel_size"]
            s, p, g = layer.get("stride", 1), layer.get("padding", 0), layer.get("groups", 1)
            g = g if groups else 1
            params += conv_params(c, o, k, groups=g, bias=bias and layer.get("bias", True))
            if macs_on_input:
                macs += o * (c // g) * k * k * h * w
            else:
                macs += conv_macs((h, w), c, o, k, s, p, 1, g)
            h, w = conv_output_size((h, w), k, s, p)
            c = o
        elif kind in ("maxpool2d", "avgpool2d"):
            k = layer["kernel_size"]
            h, w = pool_output_size((h, w), k, layer.get("stride") or k)
        elif kind == "flatten":
            c, h, w = c * h * w, 1, 1
        elif kind == "linear":
            n_in, o = c * h * w, layer["out_features"]
            params += n_in * o + (o if bias and layer.get("bias", True) else 0)
            macs += n_in * o
            c, h, w = o, 1, 1
    return params, macs


def count_params_macs_ref(layers, input_shape) -> tuple[int, int]:
    return _walk(layers, input_shape)


def _conv(o, k, s=1, p=0, g=1, bias=True):
    spec = {"type": "conv2d", "out_channels": o, "kernel_size": k}
    spec.update({"stride": s} if s != 1 else {})
    spec.update({"padding": p} if p else {})
    spec.update({"groups": g} if g != 1 else {})
    return spec | ({} if bias else {"bias": False})


POOL = {"type": "maxpool2d", "kernel_size": 2, "stride": 2}
RELU = {"type": "relu"}
FLATTEN = {"type": "flatten"}
LINEAR = {"type": "linear", "out_features": 10}

_NETS = (
    ("one conv 3→8, 3×3, padding 1, on 3×8×8", [_conv(8, 3, p=1)], (3, 8, 8), True),
    (
        "conv, relu, pool, linear on 1×8×8",
        [_conv(4, 3, p=1), RELU, POOL, FLATTEN, LINEAR],
        (1, 8, 8),
        True,
    ),
    (
        "strided conv 16→32 (stride 2, no bias) on 16×15×15",
        [_conv(32, 3, s=2, bias=False)],
        (16, 15, 15),
        True,
    ),
    (
        "depthwise 3×3 (groups 32) + pointwise 1×1 on 32×28×28",
        [_conv(32, 3, p=1, g=32), RELU, _conv(64, 1)],
        (32, 28, 28),
        True,
    ),
    (
        "ResNet stem: conv 7×7/2 3→64, maxpool 3/2 ... on 3×224×224",
        [
            _conv(64, 7, 2, 3, bias=False),
            RELU,
            {"type": "maxpool2d", "kernel_size": 3, "stride": 2},
        ],
        (3, 224, 224),
        False,
    ),
    (
        "digits CNN of lesson 7 on 1×8×8",
        [_conv(16, 3, p=1), RELU, POOL, _conv(32, 3, p=1), RELU, POOL, FLATTEN, LINEAR],
        (1, 8, 8),
        False,
    ),
    (
        "grouped conv 12→24 (groups 3, 5×5, stride 2, padding 2) on 12×17×9",
        [_conv(24, 5, 2, 2, 3), {"type": "avgpool2d", "kernel_size": 2}],
        (12, 17, 9),
        False,
    ),
    ("no layers", [], (3, 4, 4), False),
)


def _net(label, layers, shape, public):
    return Case(label, lambda r: ([dict(layer) for layer in layers], tuple(shape)), public)


# ------------------------------------------------------------------ separable budget


def _spec_int(spec, key, default=None):
    value = spec.get(key, default)
    return operator.index(value) if not isinstance(value, bool) else None


def separable_params(specs) -> int:
    """Parameters of a [depthwise, pointwise] design (c_in is the depthwise's groups)."""
    dw, pw = specs
    c_in = _spec_int(dw, "groups")
    return conv_params(
        c_in, dw["out_channels"], dw["kernel_size"], c_in, bool(dw.get("bias", True))
    ) + conv_params(dw["out_channels"], pw["out_channels"], 1, 1, bool(pw.get("bias", True)))


def _problems(specs, c_in, c_out, k):
    """What is wrong with a design's structure ("" if it is a depthwise-separable block)."""
    if not isinstance(specs, (list, tuple)) or len(specs) != 2:
        return "expected a list of two conv2d specs [depthwise, pointwise], or None"
    if not all(isinstance(s, dict) and s.get("type") == "conv2d" for s in specs):
        return "each layer must be a dict with 'type': 'conv2d'"
    dw, pw = specs
    m, g = _spec_int(dw, "out_channels"), _spec_int(dw, "groups", 1)
    if g != c_in:
        return f"the depthwise layer needs groups = c_in = {c_in}; got groups={g}"
    if _spec_int(dw, "kernel_size") != k or m < 1 or m % c_in:
        return (
            f"the depthwise layer needs kernel_size={k} and out_channels a multiple of {c_in}; "
            f"got {dw}"
        )
    if _spec_int(pw, "kernel_size") != 1 or _spec_int(pw, "groups", 1) != 1:
        return f"the pointwise layer is a 1×1 conv with groups=1; got {pw}"
    if _spec_int(pw, "out_channels") != c_out:
        return f"the block must output c_out = {c_out} channels; got {pw['out_channels']}"
    return ""


def minimum(c_in, c_out, k) -> int:
    return c_in * k * k + c_in * c_out


def separable_budget_ref(c_in: int, c_out: int, k: int, budget: int) -> Satisfies:
    least = minimum(c_in, c_out, k)
    fits = least <= budget
    example = [_conv(c_in, k, p=k // 2, g=c_in, bias=False), _conv(c_out, 1, bias=False)]
    if fits:
        text = f"a [depthwise, pointwise] design with at most {budget:,} parameters, e.g. {example}"
    else:
        text = f"None (even the smallest design has {least:,} > {budget:,} parameters)"

    def test(got) -> str:
        if got is None:
            return f"returned None, but {example} fits ({least:,} parameters)" if fits else ""
        problem = _problems(got, c_in, c_out, k)
        if problem:
            return problem
        total = separable_params(got)
        if total > budget:
            return f"the design has {total:,} parameters, over the budget of {budget:,}"
        return "" if fits else "impossible"

    return Satisfies(test, text)


def _over_by_bias(c_in, c_out, k, budget):
    def test(got):
        if got is None or _problems(got, c_in, c_out, k):
            return "no"
        bare = [dict(s, bias=False) for s in got]
        return "" if separable_params(got) > budget >= separable_params(bare) else "no"

    return Satisfies(test, "")


def _full_depthwise(c_in, c_out, k, budget):
    def test(got):
        dw = got[0]
        return "" if dw["kernel_size"] == k and dw.get("groups", 1) == 1 and c_in > 1 else "no"

    return Satisfies(test, "")


def _none_but_fits(c_in, c_out, k, budget):
    def test(got):
        return "" if got is None and minimum(c_in, c_out, k) <= budget else "no"

    return Satisfies(test, "")


def _budget(c_in, c_out, k, budget, public=True):
    label = f"c_in={c_in}, c_out={c_out}, k={k}, budget={budget:,}"
    return Case(label, lambda r: (c_in, c_out, k, budget), public)


EXERCISES = (
    Exercise(
        id="03.count_params_macs",
        func="count_params_macs",
        params=("layers", "input_shape"),
        points=2,
        tier="design",
        title="Read a network: parameters and multiply-accumulates",
        reference=count_params_macs_ref,
        cases=tuple(_net(*net) for net in _NETS),
        hint=(
            "Walk the layers carrying (C, H, W). conv2d: O·(C/g)·k² weights (+ O biases), "
            "MACs = O·(C/g)·k²·oh·ow with oh = ⌊(H + 2p − k)/s⌋ + 1; pooling and relu: none "
            "(pooling shrinks H, W); flatten: none; linear on F features: F·O weights (+ O), "
            "F·O MACs."
        ),
        mistakes=(
            Mistake(
                "Count the biases: one per output channel (per output feature for linear), "
                "unless the spec says 'bias': False.",
                lambda layers, shape: (_walk(layers, shape, False)[0], _walk(layers, shape)[1]),
            ),
            Mistake(
                "A grouped conv connects each output channel to C/groups input channels only: "
                "O·(C/g)·k² weights and MACs.",
                lambda layers, shape: _walk(layers, shape, groups=False),
            ),
            Mistake(
                "MACs are counted per *output* pixel: use the conv's output size "
                "⌊(H + 2p − k)/s⌋ + 1, not the input's H × W.",
                lambda layers, shape: _walk(layers, shape, macs_on_input=True),
            ),
        ),
    ),
    Exercise(
        id="03.separable_budget",
        func="separable_budget",
        params=("c_in", "c_out", "k", "budget"),
        points=2,
        tier="design",
        title="Design: a depthwise-separable block within a parameter budget",
        reference=separable_budget_ref,
        cases=(
            _budget(32, 64, 3, 3_000),
            _budget(64, 64, 3, 4_000),
            _budget(3, 16, 5, 200),
            _budget(16, 32, 3, 656),
            _budget(128, 256, 3, 50_000, False),
            _budget(256, 256, 3, 60_000, False),
            _budget(8, 8, 7, 480, False),
            _budget(1, 1, 1, 2, False),
            _budget(24, 48, 5, 1_751, False),
        ),
        hint=(
            "Depthwise: {'type': 'conv2d', 'out_channels': c_in, 'kernel_size': k, "
            "'groups': c_in} has c_in·k² weights; pointwise: a 1×1 conv to c_out has "
            "c_in·c_out. Biases add c_in + c_out; drop them ('bias': False) when they do not "
            "fit. If even c_in·k² + c_in·c_out is over budget, return None."
        ),
        mistakes=(
            Mistake(
                "The biases count too: without them your design fits, with them it does not. "
                "Add 'bias': False to the layers (or budget c_in + c_out more).",
                _over_by_bias,
            ),
            Mistake(
                "A depthwise layer has one k×k filter per input channel: groups = c_in "
                "(c_in·k² weights), not a full conv (c_in²·k²).",
                _full_depthwise,
            ),
            Mistake(
                "A design fits: the smallest one (multiplier 1, no biases) has c_in·k² + "
                "c_in·c_out parameters. Count the depthwise layer as c_in·k², not c_in²·k².",
                _none_but_fits,
            ),
        ),
    ),
)
