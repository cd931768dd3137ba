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


def _walk(layers, input_shape, *, bias=True, groups=True, macs_on_input=False):
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


def _conv(*, out_channels, kernel_size, stride=1, padding=0, groups=1, bias=True):
    """A conv2d layer spec as convlab.summary reads it, defaults left out."""
    spec = {"type": "conv2d", "out_channels": out_channels, "kernel_size": kernel_size}
    spec.update({"stride": stride} if stride != 1 else {})
    spec.update({"padding": padding} if padding else {})
    spec.update({"groups": groups} if groups != 1 else {})
    return spec | ({} if bias else {"bias": False})


POOL = {"type": "maxpool2d", "kernel_size": 2, "stride": 2}
RELU = {"type": "relu"}
FLATTEN = {"type": "flatten"}
LINEAR = {"type": "linear", "out_features": 10}

_NETS = (  # each net's label, layers, input shape (C, H, W) and whether it is public
    dict(
        label="one conv 3→8, 3×3, padding 1, on 3×8×8",
        layers=[_conv(out_channels=8, kernel_size=3, padding=1)],
        shape=(3, 8, 8),
        public=True,
    ),
    dict(
        label="conv, relu, pool, linear on 1×8×8",
        layers=[_conv(out_channels=4, kernel_size=3, padding=1), RELU, POOL, FLATTEN, LINEAR],
        shape=(1, 8, 8),
        public=True,
    ),
    dict(
        label="strided conv 16→32 (stride 2, no bias) on 16×15×15",
        layers=[_conv(out_channels=32, kernel_size=3, stride=2, bias=False)],
        shape=(16, 15, 15),
        public=True,
    ),
    dict(
        label="depthwise 3×3 (groups 32) + pointwise 1×1 on 32×28×28",
        layers=[
            _conv(out_channels=32, kernel_size=3, padding=1, groups=32),
            RELU,
            _conv(out_channels=64, kernel_size=1),
        ],
        shape=(32, 28, 28),
        public=True,
    ),
    dict(
        label="ResNet stem: conv 7×7/2 3→64, maxpool 3/2 ... on 3×224×224",
        layers=[
            _conv(out_channels=64, kernel_size=7, stride=2, padding=3, bias=False),
            RELU,
            {"type": "maxpool2d", "kernel_size": 3, "stride": 2},
        ],
        shape=(3, 224, 224),
        public=False,
    ),
    dict(
        label="digits CNN of lesson 7 on 1×8×8",
        layers=[
            _conv(out_channels=16, kernel_size=3, padding=1),
            RELU,
            POOL,
            _conv(out_channels=32, kernel_size=3, padding=1),
            RELU,
            POOL,
            FLATTEN,
            LINEAR,
        ],
        shape=(1, 8, 8),
        public=False,
    ),
    dict(
        label="grouped conv 12→24 (groups 3, 5×5, stride 2, padding 2) on 12×17×9",
        layers=[
            _conv(out_channels=24, kernel_size=5, stride=2, padding=2, groups=3),
            {"type": "avgpool2d", "kernel_size": 2},
        ],
        shape=(12, 17, 9),
        public=False,
    ),
    dict(label="no layers", layers=[], shape=(3, 4, 4), public=False),
)


def _net(*, label, layers, shape, public):
    return Case(
        label=label, make=lambda r: ([dict(layer) for layer in layers], tuple(shape)), public=public
    )


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
    example = [
        _conv(out_channels=c_in, kernel_size=k, padding=k // 2, groups=c_in, bias=False),
        _conv(out_channels=c_out, kernel_size=1, bias=False),
    ]
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


def _budget(*, c_in, c_out, k, budget, public=True):
    label = f"c_in={c_in}, c_out={c_out}, k={k}, budget={budget:,}"
    return Case(label=label, make=lambda r: (c_in, c_out, k, budget), public=public)


EXERCISES = (
    Exercise(
        id="03.count_params_macs",
        func="count_params_macs",
        params=("layers", "input_shape"),
        points=2,
        tier="design",
        title="Read a network: parameters and multiply-accumulates",
        reference=count_params_macs_ref,
        cases=tuple(_net(**net) for net in _NETS),
        hint=(
            "Walk the layers carrying (C, H, W). conv2d: O·(C/g)·k² weights (+ O biases), "
            "MACs = O·(C/g)·k²·oh·ow with oh = ⌊(H + 2p − k)/s⌋ + 1; pooling and relu: none "
            "(pooling shrinks H, W); flatten: none; linear on F features: F·O weights (+ O), "
            "F·O MACs."
        ),
        mistakes=(
            Mistake(
                hint="Count the biases: one per output channel (per output feature for linear), "
                "unless the spec says 'bias': False.",
                compute=lambda layers, shape: (
                    _walk(layers, shape, bias=False)[0],
                    _walk(layers, shape)[1],
                ),
            ),
            Mistake(
                hint="A grouped conv connects each output channel to C/groups input channels only: "
                "O·(C/g)·k² weights and MACs.",
                compute=lambda layers, shape: _walk(layers, shape, groups=False),
            ),
            Mistake(
                hint="MACs are counted per *output* pixel: use the conv's output size "
                "⌊(H + 2p − k)/s⌋ + 1, not the input's H × W.",
                compute=lambda layers, shape: _walk(layers, shape, macs_on_input=True),
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
            _budget(c_in=32, c_out=64, k=3, budget=3_000),
            _budget(c_in=64, c_out=64, k=3, budget=4_000),
            _budget(c_in=3, c_out=16, k=5, budget=200),
            _budget(c_in=16, c_out=32, k=3, budget=656),
            _budget(c_in=128, c_out=256, k=3, budget=50_000, public=False),
            _budget(c_in=256, c_out=256, k=3, budget=60_000, public=False),
            _budget(c_in=8, c_out=8, k=7, budget=480, public=False),
            _budget(c_in=1, c_out=1, k=1, budget=2, public=False),
            _budget(c_in=24, c_out=48, k=5, budget=1_751, public=False),
        ),
        hint=(
            "Depthwise: {'type': 'conv2d', 'out_channels': c_in, 'kernel_size': k, "
            "'groups': c_in} has c_in·k² weights; pointwise: a 1×1 conv to c_out has "
            "c_in·c_out. Biases add c_in + c_out; drop them ('bias': False) when they do not "
            "fit. If even c_in·k² + c_in·c_out is over budget, return None."
        ),
        mistakes=(
            Mistake(
                hint="The biases count too: without them your design fits, with them it does not. "
                "Add 'bias': False to the layers (or budget c_in + c_out more).",
                compute=_over_by_bias,
            ),
            Mistake(
                hint="A depthwise layer has one k×k filter per input channel: groups = c_in "
                "(c_in·k² weights), not a full conv (c_in²·k²).",
                compute=_full_depthwise,
            ),
            Mistake(
                hint="A design fits: the smallest one (multiplier 1, no biases) has c_in·k² + "
                "c_in·c_out parameters. Count the depthwise layer as c_in·k², not c_in²·k².",
                compute=_none_but_fits,
            ),
        ),
    ),
)
