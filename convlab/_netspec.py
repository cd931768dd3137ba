"""The network calculator's vocabulary: layer types, their keys, and one layer's answer.

A spec is a dict with a ``type`` and torch's keyword names; :func:`kind_of` checks it and
:class:`Step` is what :mod:`convlab._netlayers` answers for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._validation import fail

FUNC = "summary"
POINTWISE = (
    "relu", "relu6", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "hardswish",
    "hardsigmoid", "softmax", "dropout", "identity",
)  # fmt: skip
_COMMON = {"type", "name"}
# type -> (required keys, optional keys), with torch's keyword names
KEYS: dict[str, tuple[set[str], set[str]]] = {
    "conv": (
        {"out_channels", "kernel_size"},
        {"in_channels", "stride", "padding", "dilation", "groups", "bias", "padding_mode"},
    ),
    "conv_transpose": (
        {"out_channels", "kernel_size"},
        {"in_channels", "stride", "padding", "output_padding", "groups", "bias", "dilation"},
    ),
    "max_pool": ({"kernel_size"}, {"stride", "padding", "dilation", "ceil_mode", "return_indices"}),
    "avg_pool": (
        {"kernel_size"},
        {"stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"},
    ),
    "adaptive_avg_pool": ({"output_size"}, set()),
    "adaptive_max_pool": ({"output_size"}, {"return_indices"}),
    "batchnorm": (set(), {"num_features", "eps", "momentum", "affine", "track_running_stats"}),
    "flatten": (set(), {"start_dim", "end_dim"}),
    "linear": ({"out_features"}, {"in_features", "bias"}),
    "pad": ({"pad"}, {"mode", "value"}),
} | {
    name: (set(), {"inplace", "p", "negative_slope", "alpha", "approximate", "dim", "min_val"})
    for name in POINTWISE
}
ALIASES = {"batch_norm": "batchnorm", "convtranspose": "conv_transpose", "maxpool": "max_pool",
           "avgpool": "avg_pool", "dense": "linear"}  # fmt: skip


@dataclass(frozen=True)
class Step:
    """What one layer does to a tensor of shape ``shape``.

    ``window`` is ``(kernel, stride, padding_before, dilation)`` per spatial dim when the
    layer maps the receptive field like a conv window; ``field`` says what happens
    otherwise: "keep" (pointwise), "window", "flatten" or a sentence why the receptive
    field is not defined past this layer. ``note`` is a caveat shown with the row.
    """

    label: str
    out: tuple[int, ...]
    params: int
    macs: int
    field: str
    window: tuple[tuple[int, ...], ...] | None = None
    note: str = ""


def kind_of(spec: Any, where: str, nd: int) -> str:
    """The normalised ``type`` of a spec: "conv2d" -> "conv" (checking the 2), etc."""
    if not isinstance(spec, dict):
        raise fail(
            FUNC,
            f"{where} must be a dict such as {{'type': 'conv', 'out_channels': 8, "
            f"'kernel_size': 3}}; got {spec!r}",
            kind=TypeError,
        )
    raw = spec.get("type")
    if not isinstance(raw, str):
        raise fail(FUNC, f"{where} needs a 'type' string; got type={raw!r}", _types_fix())
    kind = raw.lower().replace("-", "_")
    if kind[-2:] in ("1d", "2d", "3d") and kind[:-2].rstrip("_") != "":
        dims, kind = int(kind[-2]), kind[:-2].rstrip("_")
        if dims != nd and kind not in ("batchnorm", "batch_norm"):
            raise fail(
                FUNC,
                f"{where} is a {raw} but the input has {nd} spatial dim(s)",
                "input_shape is (N, C, *spatial): one 3×224×224 image is (1, 3, 224, 224)",
            )
    kind = ALIASES.get(kind, kind)
    if kind not in KEYS:
        raise fail(FUNC, f"{where} has an unknown type={raw!r}", _types_fix())
    required, optional = KEYS[kind]
    missing, unknown = required - set(spec), set(spec) - required - optional - _COMMON
    if missing or unknown:
        raise fail(
            FUNC,
            f"{where} ({kind}) needs {sorted(required)} and may have {sorted(optional)}; "
            f"got keys {sorted(spec)}",
        )
    return kind


def _types_fix() -> str:
    return (
        "Use one of " + ", ".join(k for k in KEYS if k not in POINTWISE[1:]) + " (or an activation)"
    )


def dims(values: tuple[int, ...] | tuple[float, ...]) -> str:
    """``(3, 3)`` -> "3×3", ``(3,)`` -> "3"."""
    return "×".join(str(v) for v in values)


def show(values: Any) -> str:
    """A per-dim tuple for a table cell: ``(3, 3)`` -> "3", ``(3, 1)`` -> "3×1", None -> "—"."""
    if values is None:
        return "—"
    values = tuple(int(v) if float(v).is_integer() else v for v in values)
    return str(values[0]) if len(set(values)) == 1 else dims(values)
