"""One layer of the network calculator: its output shape, parameters, MACs and window.

:func:`convlab.summary` turns every layer (a spec dict, a ``convlab.nn`` layer or a
``torch.nn`` module) into a spec dict with torch's keyword names, and :func:`step`
answers for one spec and one input shape. Sizes come from :mod:`convlab.shapes`,
parameter counts from :func:`convlab.conv_params`; nothing here runs a convolution.

MACs (multiply-accumulates, for the whole batch) per layer type:

- conv: ``N * prod(out) * C_out * (C_in / groups) * prod(k)`` (:func:`convlab.conv_macs`);
- transposed conv: ``N * prod(in) * C_in * (C_out / groups) * prod(k)``: every input value
  is multiplied by its group's kernels (the MACs of the conv it is the transpose of);
- linear: ``prod(leading dims) * in_features * out_features``;
- batchnorm: one per element (at inference it is ``x * scale + shift``);
- pooling, activations, flatten, dropout: 0 (they compare or add, they multiply nothing).

Bias additions are not counted, as is usual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import costs, shapes
from ._netspec import FUNC, Step, dims, kind_of
from ._validation import (
    check_bool,
    check_choice,
    check_groups,
    check_output_padding,
    check_pool_padding,
    fail,
    int_sequence,
    int_tuple,
)
from .errors import ConvlabError


def step(spec: dict[str, Any], kind: str, shape: tuple[int, ...], where: str) -> Step:
    """Shape, parameters, MACs and receptive-field window of one layer (see module doc)."""
    if kind in ("conv", "conv_transpose", "max_pool", "avg_pool", "adaptive_avg_pool",
                "adaptive_max_pool") and len(shape) < 3:  # fmt: skip
        raise fail(
            FUNC,
            f"{where} ({kind}) needs an input (N, C, *spatial); got shape {list(shape)}",
            "A flatten or linear layer before it removed the spatial dims",
        )
    if kind == "conv":
        return _conv(spec, shape, where)
    if kind == "conv_transpose":
        return _conv_transpose(spec, shape, where)
    if kind in ("max_pool", "avg_pool"):
        return _pool(spec, kind, shape, where)
    if kind.startswith("adaptive"):
        return _adaptive(spec, kind, shape, where)
    if kind == "batchnorm":
        c = _channels(spec, "num_features", shape, where)
        affine = check_bool(FUNC, "affine", spec.get("affine", True))
        return Step("batchnorm", shape, 2 * c if affine else 0, math.prod(shape), "keep")
    if kind == "linear":
        return _linear(spec, shape, where)
    if kind == "flatten":
        return _flatten(spec, shape, where)
    if kind == "pad":
        return _pad(spec, shape, where)
    return Step(kind, shape, 0, 0, "keep")


def _channels(spec: dict[str, Any], key: str, shape: tuple[int, ...], where: str) -> int:
    """The layer's input channels: ``spec[key]`` if given (it must match), else shape[1]."""
    if len(shape) < 2:
        raise fail(FUNC, f"{where} needs an input (N, C, ...); got shape {list(shape)}")
    c = shape[1] if key not in spec else int_tuple(FUNC, key, spec[key], 1, minimum=1)[0]
    if c != shape[1]:
        raise fail(
            FUNC,
            f"{where} expects {key}={c} but its input has {shape[1]} channels "
            f"(shape {list(shape)})",
            f"Set {key}={shape[1]} or fix the layer before it",
        )
    return c


def _settings(spec: dict[str, Any], where: str, nd: int, names: dict[str, tuple[Any, int]]):
    return [
        int_tuple(FUNC, n, spec.get(n, default), nd, minimum=m) for n, (default, m) in names.items()
    ]


def _label(kind: str, kernel: tuple[int, ...], **extra: Any) -> str:
    shown = [f"{k.replace('_', ' ')} {v}" for k, v in extra.items() if v is not None]
    return ", ".join([f"{kind} {dims(kernel)}", *shown])


def _nondefault(values: tuple[int, ...], default: int) -> str | None:
    if all(v == default for v in values):
        return None
    return str(values[0]) if len(set(values)) == 1 else dims(values)


def _fits(where: str, label: str, size, padded, extent) -> None:
    """The error the issue asks for: which layer, its input, the kernel's extent."""
    if all(p >= e for p, e in zip(padded, extent, strict=True)):
        return
    pad = f" ({dims(padded)} with its padding)" if padded != size else ""
    raise fail(
        FUNC,
        f"{where} ({label}): input {dims(size)}{pad} is smaller than the kernel's extent "
        f"{dims(extent)}",
        "Use a bigger input, less downsampling before this layer, or more padding",
    )


def _conv(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    n, nd = shape[0], len(shape) - 2
    c_in = _channels(spec, "in_channels", shape, where)
    c_out = int_tuple(FUNC, "out_channels", spec["out_channels"], 1, minimum=1)[0]
    groups = int_tuple(FUNC, "groups", spec.get("groups", 1), 1, minimum=1)[0]
    check_groups(FUNC, c_in, c_out, groups)
    k, s, d = _settings(spec, where, nd, {"kernel_size": (None, 1), "stride": (1, 1),
                                          "dilation": (1, 1)})  # fmt: skip
    padding = spec.get("padding", 0)
    if isinstance(padding, str):
        padding = check_choice(FUNC, "padding", padding, ("valid", "same"))
        if padding == "same" and any(v != 1 for v in s):
            raise fail(
                FUNC,
                f"{where}: padding='same' is not supported for strided convolutions; "
                f"got stride={s}",
                "Compute the padding yourself (see same_padding) or use stride=1",
            )
        pads = tuple(shapes.same_padding(k, d)) if padding == "same" else ((0, 0),) * nd
        shown = padding if padding == "same" else None
    elif isinstance(padding, (list, tuple)) and padding and isinstance(padding[0], (list, tuple)):
        pads = tuple(int_tuple(FUNC, "padding", p, 2, minimum=0) for p in padding)
        if len(pads) != nd:
            raise fail(
                FUNC,
                f"padding needs one (before, after) pair per spatial dim ({nd}); "
                f"got padding={padding!r}",
            )
        shown = ", ".join(f"{b}+{a}" for b, a in pads) if any(b != a for b, a in pads) else None
        shown = shown or _nondefault(tuple(b for b, _ in pads), 0)
    else:
        p = int_tuple(FUNC, "padding", padding, nd, minimum=0)
        pads, shown = tuple((v, v) for v in p), _nondefault(p, 0)
    label = _label("conv", k, stride=_nondefault(s, 1), padding=shown,
                   dilation=_nondefault(d, 1), groups=groups if groups > 1 else None)  # fmt: skip
    size = shape[2:]
    padded = shapes.padded_size(size, pads)
    _fits(where, label, size, padded, shapes.effective_kernel_size(k, d))
    out = shapes.conv_output_size(padded, k, s, 0, d)
    macs = n * costs.conv_macs(padded, c_in, c_out, k, s, 0, d, groups)
    params = costs.conv_params(c_in, c_out, k, groups, bool(spec.get("bias", True)), nd)
    window = (k, s, tuple(b for b, _ in pads), d)
    return Step(label, (n, c_out, *out), params, macs, "window", window)


def _conv_transpose(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    n, nd = shape[0], len(shape) - 2
    c_in = _channels(spec, "in_channels", shape, where)
    c_out = int_tuple(FUNC, "out_channels", spec["out_channels"], 1, minimum=1)[0]
    groups = int_tuple(FUNC, "groups", spec.get("groups", 1), 1, minimum=1)[0]
    check_groups(FUNC, c_in, c_out, groups)
    k, s, p, op, d = _settings(spec, where, nd, {
        "kernel_size": (None, 1), "stride": (1, 1), "padding": (0, 0),
        "output_padding": (0, 0), "dilation": (1, 1)})  # fmt: skip
    shown = {n: spec.get(n, v) for n, v in (("output_padding", 0), ("stride", 1), ("dilation", 1))}
    check_output_padding(FUNC, op, s, d, **shown)
    label = _label("conv_transpose", k, stride=_nondefault(s, 1), padding=_nondefault(p, 0),
                   output_padding=_nondefault(op, 0), dilation=_nondefault(d, 1),
                   groups=groups if groups > 1 else None)  # fmt: skip
    size = shape[2:]
    out = shapes.conv_transpose_output_size(size, k, s, p, op, d)
    if min(out) < 1:
        raise fail(FUNC, f"{where} ({label}): output would be {dims(out)} for input {dims(size)}",
                   "Use less padding or a bigger input")  # fmt: skip
    params = costs.conv_params(c_in, c_out, k, groups, bool(spec.get("bias", True)), nd)
    macs = n * math.prod(size) * costs.conv_params(c_in, c_out, k, groups, False, nd)
    if all(v == 1 for v in s):  # a stride-1 transposed conv is a conv with d(k-1)-p padding
        full = shapes.effective_kernel_size(k, d)
        window = (k, s, tuple(e - 1 - q for e, q in zip(full, p, strict=True)), d)
        return Step(label, (n, c_out, *out), params, macs, "window", window)
    why = (
        f"not defined after the stride-{_nondefault(s, 1)} transposed conv at {where}: it "
        "upsamples, so neighbouring outputs see different numbers of inputs "
        "(Araujo et al.'s recurrences need strides >= 1)"
    )
    return Step(label, (n, c_out, *out), params, macs, why)


def _pool(spec: dict[str, Any], kind: str, shape: tuple[int, ...], where: str) -> Step:
    nd = len(shape) - 2
    k, p, d = _settings(spec, where, nd, {"kernel_size": (None, 1), "padding": (0, 0),
                                          "dilation": (1, 1)})  # fmt: skip
    stride = spec.get("stride")
    s = k if stride is None else int_tuple(FUNC, "stride", stride, nd, minimum=1)
    ceil = check_bool(FUNC, "ceil_mode", spec.get("ceil_mode", False))
    check_pool_padding(FUNC, p, k, padding=spec.get("padding", 0), kernel_size=spec["kernel_size"])
    label = _label(kind, k, stride=_nondefault(s, 1), padding=_nondefault(p, 0),
                   dilation=_nondefault(d, 1), ceil_mode="on" if ceil else None)  # fmt: skip
    size = shape[2:]
    padded = tuple(v + 2 * q for v, q in zip(size, p, strict=True))
    _fits(where, label, size, padded, shapes.effective_kernel_size(k, d))
    out = shapes.pool_output_size(size, k, s, p, d, ceil)
    return Step(label, (*shape[:2], *out), 0, 0, "window", (k, s, p, d))


def _adaptive(spec: dict[str, Any], kind: str, shape: tuple[int, ...], where: str) -> Step:
    size = shape[2:]
    wanted = spec["output_size"]
    if isinstance(wanted, (list, tuple)):
        wanted = tuple(n if o is None else o for o, n in zip(wanted, size, strict=False))
    out = int_tuple(FUNC, "output_size", wanted, len(size), minimum=1)
    label = f"{kind} to {dims(out)}"
    if any(n % o for n, o in zip(size, out, strict=True)):
        why = (
            f"not defined after {where}: adaptive pooling {dims(size)} to {dims(out)} "
            "uses windows of different sizes"
        )
        return Step(label, (*shape[:2], *out), 0, 0, why)
    k = tuple(n // o for n, o in zip(size, out, strict=True))
    stride = k[0] if len(set(k)) == 1 else dims(k)
    note = f"depends on the input size: here a {dims(k)} pool with stride {stride}"
    return Step(
        label, (*shape[:2], *out), 0, 0, "window", (k, k, (0,) * len(k), (1,) * len(k)), note
    )


def _linear(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    f_in = shape[-1] if "in_features" not in spec else int_tuple(
        FUNC, "in_features", spec["in_features"], 1, minimum=1)[0]  # fmt: skip
    f_out = int_tuple(FUNC, "out_features", spec["out_features"], 1, minimum=1)[0]
    if f_in != shape[-1]:
        raise fail(
            FUNC,
            f"{where} (linear {f_in} to {f_out}) expects in_features={f_in} but its input "
            f"has {shape[-1]} features (shape {list(shape)})",
            f"Set in_features={shape[-1]}, or check the flatten before it",
        )
    params = f_in * f_out + (f_out if spec.get("bias", True) else 0)
    why = (
        "keep"
        if len(shape) == 2
        else f"not tracked after {where}: a linear layer mixes the last spatial dim"
    )
    return Step(f"linear {f_in} to {f_out}", (*shape[:-1], f_out), params,
                math.prod(shape[:-1]) * f_in * f_out, why)  # fmt: skip


def _flatten(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    start, end = spec.get("start_dim", 1), spec.get("end_dim", -1)
    a, b = (int_tuple(FUNC, n, v, 1)[0] % len(shape)
            for n, v in (("start_dim", start), ("end_dim", end)))  # fmt: skip
    out = (*shape[:a], math.prod(shape[a : b + 1]), *shape[b + 1 :])
    field = "flatten" if a <= 2 and b == len(shape) - 1 else "keep"
    return Step("flatten", out, 0, 0, field)


def _pad(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    """``F.pad``/``nn.ZeroPad2d``: torch's pad order, last dim first: (left, right, top, ...)."""
    nd = len(shape) - 2
    pairs = int_sequence(FUNC, "pad", spec["pad"], meaning=" (left, right, …)")
    if len(pairs) % 2 or len(pairs) > 2 * nd:
        raise fail(
            FUNC,
            f"pad needs an even number of entries, at most {2 * nd}; got pad={list(pairs)}",
            "pad=(left, right) pads the last dim only",
        )
    before, after = [0] * nd, [0] * nd
    for i in range(len(pairs) // 2):  # pairs[0:2] pad the last dim, pairs[2:4] the one before
        before[nd - 1 - i], after[nd - 1 - i] = pairs[2 * i], pairs[2 * i + 1]
    size = shape[2:]
    out = shapes.padded_size(size, tuple(zip(before, after, strict=True)))
    if min(out) < 1:
        raise fail(FUNC, f"{where} (pad {list(pairs)}): crops input {dims(size)} to nothing")
    label = f"pad {', '.join(f'{b}+{a}' for b, a in zip(before, after, strict=True))}"
    window = ((1,) * nd, (1,) * nd, tuple(before), (1,) * nd)
    return Step(label, (*shape[:2], *out), 0, 0, "window", window)


@dataclass(frozen=True)
class Node:
    """One row to compute: a :class:`Step` and the rows it reads (-1: the input)."""

    name: str
    step: Step
    inputs: tuple[int, ...]
    owner: int | None = None  # id of the module whose parameters the row counts


def layer_step(spec: dict[str, Any], shape: tuple[int, ...], where: str) -> Step:
    """:func:`step` with the layer named in every error."""
    kind = kind_of(spec, where, len(shape) - 2)
    try:
        return step(spec, kind, shape, where)
    except ConvlabError as exc:
        if where in exc.message:  # the step named the layer itself
            raise
        raise fail(
            FUNC,
            f"{where} ({kind}): {exc.message}",
            exc.fix,
            kind=type(exc),
            argument=exc.argument,
            value=exc.value,
        ) from None
