"""The network calculator's walk: layers in, rows with receptive fields out.

A model becomes a list of :class:`Node` (one :class:`~convlab._netlayers.Step` each and
the rows it reads); :func:`table_rows` then carries the receptive field along them with
:func:`convlab.fields.field_after`, taking the union where branches meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._netlayers import Node, layer_step
from ._netspec import FUNC, show
from ._validation import fail
from .fields import Field, field_after


def network_nodes(model: Any, shape: tuple[int, ...]) -> list[Node]:
    """The rows to compute for a spec list, a convlab.nn model or a torch module."""
    torch = __import__("sys").modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        from ._nettorch import torch_nodes

        return torch_nodes(model, shape)
    layers = model.layers if hasattr(model, "layers") and hasattr(model, "backward") else model
    if isinstance(layers, dict) or not isinstance(layers, Sequence) or isinstance(layers, str):
        raise fail(
            FUNC,
            f"model must be a list of layer dicts, a convlab.nn.Sequential or a torch.nn.Module;"
            f" got model={type(model).__name__}",
            'E.g. [{"type": "conv", "out_channels": 8, "kernel_size": 3}]',
            kind=TypeError,
            argument="model",
            value=model,
        )
    nodes: list[Node] = []
    for i, layer in enumerate(layers):
        spec = layer if isinstance(layer, dict) else _convlab_spec(layer, i)
        name = str(spec.get("name", i))
        where = f"layer {name}"
        in_shape = nodes[-1].step.out if nodes else shape
        nodes.append(Node(name, layer_step(spec, in_shape, where), (i - 1,)))
    return nodes


def _convlab_spec(layer: Any, i: int) -> dict[str, Any]:
    """A ``convlab.nn`` layer as a spec dict."""
    kind = type(layer).__name__
    settings = dict(getattr(layer, "settings", {}))
    if kind == "Conv2d":
        out, _, *k = layer.weight.data.shape
        settings.pop("padding_mode", None)
        return {"type": "conv2d", "out_channels": out, "kernel_size": tuple(k),
                "bias": layer.bias is not None, **settings}  # fmt: skip
    if kind == "Linear":
        out, f_in = layer.weight.data.shape
        return {"type": "linear", "in_features": f_in, "out_features": out,
                "bias": layer.bias is not None}  # fmt: skip
    if kind in ("MaxPool2d", "AvgPool2d"):
        return {"type": kind[:3].lower() + "_pool2d", **settings}
    if kind in ("ReLU", "Flatten"):
        return {"type": kind.lower()}
    raise fail(
        FUNC,
        f"model[{i}] is a {type(layer).__module__}.{kind}, a layer summary does not know",
        "Describe it as a dict, e.g. {'type': 'conv', ...}",
        kind=TypeError,
    )


def table_rows(nodes: list[Node], shape: tuple[int, ...]) -> tuple[list[dict[str, Any]], int]:
    """One dict per row (the :class:`convlab.Summary` rows) and the unique parameter total."""
    nd = len(shape) - 2
    start: Field | str = Field((1,) * nd, (1,) * nd, (0,) * nd)
    fields: list[Field | str] = []
    flat: list[bool] = []
    rows, owners, total = [], set(), 0
    for node in nodes:
        got = [start if i < 0 else fields[i] for i in node.inputs] or ["not defined: no input"]
        was_flat = any(flat[i] for i in node.inputs if i >= 0)
        field, note = _field(node, got, shape if not node.inputs or node.inputs[0] < 0
                             else nodes[node.inputs[0]].step.out)  # fmt: skip
        fields.append(field)
        flat.append(was_flat or node.step.field == "flatten")
        defined = isinstance(field, Field)
        centre = (tuple(t + (r - 1) / 2 for r, t in zip(field.size, field.start, strict=True))
                  if defined else None)  # fmt: skip
        rows.append({
            "name": node.name, "type": node.step.label, "output_shape": node.step.out,
            "params": node.step.params, "macs": node.step.macs,
            "receptive_field": field.size if defined else None,
            "jump": field.jump if defined and not flat[-1] else None,
            "start": centre, "note": note,
        })  # fmt: skip
        if node.owner is None or node.owner not in owners:
            total += node.step.params
            owners.add(node.owner)
    return rows, total


def _field(node: Node, got: list[Field | str], in_shape: tuple[int, ...]) -> tuple[Any, str]:
    """The receptive field after ``node`` and the note its row shows."""
    how, note = node.step.field, node.step.note
    undefined = [g for g in got if isinstance(g, str)]
    if undefined:  # the first cause stays the reason, no note repeats it
        return undefined[0], ""
    if how == "window":
        return field_after(got[0], *node.step.window), note
    if how == "flatten":
        size = in_shape[2:]
        ones = (1,) * len(size)
        return field_after(got[0], size, size, (0,) * len(size), ones), (
            "every unit sees the whole map before the flatten"
        )
    if how in ("keep", "union"):
        if len({g.jump for g in got}) > 1:
            why = f"not defined: {node.name} joins branches with jumps " + ", ".join(
                show(g.jump) for g in got
            )
            return why, why
        first = [min(g.start[a] for g in got) for a in range(len(got[0].size))]
        end = [max(g.start[a] + g.size[a] for g in got) for a in range(len(got[0].size))]
        size = tuple(e - f for e, f in zip(end, first, strict=True))
        return Field(size, got[0].jump, tuple(first)), note
    return how, how
