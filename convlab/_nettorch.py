"""The network calculator on a ``torch.nn.Module``: traced with ``torch.fx``, never run.

Known layers (``nn.Conv*d``, ``nn.ConvTranspose*d``, pooling, batchnorm, linear,
flatten, padding, activations) become spec dicts and go through the same arithmetic
as a spec list. Everything else (a residual ``+``, ``torch.cat``, ``x.view(...)``, an
unknown module) is evaluated on ``meta`` tensors, which carry shapes and no data.
Only imported when a torch module is passed; torch is never a convlab dependency.
"""

from __future__ import annotations

from typing import Any

try:  # only imported for a torch module; this guard keeps doctest collection torch-free
    import torch
    from torch import fx, nn
except ImportError:  # pragma: no cover
    torch = fx = nn = None

from ._netlayers import Node, layer_step
from ._netspec import FUNC, Step, dims
from ._validation import fail

# functions and methods that act per element: the receptive field is the union of inputs
_POINTWISE = {
    "add", "iadd", "sub", "isub", "mul", "imul", "truediv", "itruediv", "neg", "abs",
    "relu", "relu_", "relu6", "sigmoid", "tanh", "gelu", "silu", "hardswish", "elu",
    "leaky_relu", "hardtanh", "dropout", "contiguous", "clone", "float", "to",
}  # fmt: skip
_RESHAPE = {"flatten", "view", "reshape"}
_LINEAR_OPS = {"conv1d", "conv2d", "conv3d", "linear", "conv_transpose1d", "conv_transpose2d",
               "conv_transpose3d", "matmul", "bmm", "einsum"}  # fmt: skip


def module_spec(m: nn.Module) -> dict[str, Any] | None:
    """A torch layer as a spec dict with its keyword names, or ``None`` if unknown.

    The type keeps the class's ``1d``/``2d``/``3d``, so a 2-D layer on an input shape
    without its batch dim is refused with a message that says so.
    """
    spec = _spec(m)
    suffix = type(m).__name__[-2:]
    if spec is not None and suffix in ("1d", "2d", "3d") and spec["type"] != "pad":
        spec["type"] += suffix
    return spec


def _spec(m: nn.Module) -> dict[str, Any] | None:
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        return {"type": "conv", "in_channels": m.in_channels, "out_channels": m.out_channels,
                "kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding,
                "dilation": m.dilation, "groups": m.groups, "bias": m.bias is not None}  # fmt: skip
    if isinstance(m, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
        return {"type": "conv_transpose", "in_channels": m.in_channels,
                "out_channels": m.out_channels, "kernel_size": m.kernel_size,
                "stride": m.stride, "padding": m.padding, "output_padding": m.output_padding,
                "dilation": m.dilation, "groups": m.groups, "bias": m.bias is not None}  # fmt: skip
    if isinstance(m, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
        return {"type": "max_pool", "kernel_size": m.kernel_size, "stride": m.stride,
                "padding": m.padding, "dilation": m.dilation, "ceil_mode": m.ceil_mode}  # fmt: skip
    if isinstance(m, (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
        return {"type": "avg_pool", "kernel_size": m.kernel_size, "stride": m.stride,
                "padding": m.padding, "ceil_mode": m.ceil_mode}  # fmt: skip
    for cls, kind in ((nn.modules.pooling._AdaptiveAvgPoolNd, "adaptive_avg_pool"),
                      (nn.modules.pooling._AdaptiveMaxPoolNd, "adaptive_max_pool")):  # fmt: skip
        if isinstance(m, cls):
            return {"type": kind, "output_size": m.output_size}
    if isinstance(m, nn.modules.batchnorm._BatchNorm):
        return {"type": "batchnorm", "num_features": m.num_features, "affine": m.affine}
    if isinstance(m, nn.Linear):
        return {"type": "linear", "in_features": m.in_features,
                "out_features": m.out_features, "bias": m.bias is not None}  # fmt: skip
    if isinstance(m, nn.Flatten):
        return {"type": "flatten", "start_dim": m.start_dim, "end_dim": m.end_dim}
    if isinstance(m, (nn.modules.padding._ConstantPadNd, nn.modules.padding._ReflectionPadNd,
                      nn.modules.padding._ReplicationPadNd)):  # fmt: skip
        return {"type": "pad", "pad": list(m.padding)}
    if isinstance(m, (nn.ReLU, nn.ReLU6, nn.Dropout, nn.Identity)):
        return {"type": type(m).__name__.lower().rstrip("1d23")}
    return None


def _trace(model: nn.Module) -> fx.GraphModule:
    try:
        return fx.symbolic_trace(model)
    except Exception as exc:  # fx raises many kinds; say which model and why, briefly
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise fail(
            FUNC,
            f"torch.fx cannot trace {type(model).__name__} ({reason[:120]})",
            "Summarise it as a list of layer dicts, or pass the traceable submodules",
        ) from None


def _meta(value: Any) -> Any:
    return torch.empty(value.shape, dtype=value.dtype, device="meta") if isinstance(
        value, torch.Tensor) else value  # fmt: skip


def torch_nodes(model: nn.Module, shape: tuple[int, ...]) -> list[Node]:
    """One :class:`Node` per tensor-valued operation of ``model``'s traced forward."""
    graph = _trace(model)
    modules = dict(graph.named_modules())
    env: dict[fx.Node, Any] = {}
    row: dict[fx.Node, int] = {}
    nodes: list[Node] = []
    placeholders = 0
    for node in graph.graph.nodes:
        if node.op == "placeholder":
            placeholders += 1
            if placeholders == 1:
                env[node], row[node] = torch.empty(shape, device="meta"), -1
            elif node.args:  # an argument with a default
                env[node] = node.args[0]
            else:
                raise fail(FUNC, f"{type(model).__name__}.forward takes more than one input",
                           "Summarise the part that takes one tensor")  # fmt: skip
            continue
        if node.op == "output":
            break
        args = fx.node.map_arg(node.args, lambda n: env[n])
        kwargs = fx.node.map_arg(node.kwargs, lambda n: env[n])
        inputs = tuple(
            row[n] for n in node.all_input_nodes if n in row and isinstance(env[n], torch.Tensor)
        )
        if node.op == "get_attr":
            target = graph
            for part in node.target.split("."):
                target = getattr(target, part)
            env[node] = _meta(target)
            continue
        if node.op == "call_module":
            m = modules[node.target]
            spec = module_spec(m)
            if spec is not None and args and isinstance(args[0], torch.Tensor):
                st = layer_step(spec, tuple(args[0].shape), f"layer {node.target}")
                frozen = sum(p.numel() for p in m.parameters() if not p.requires_grad)
                if frozen:
                    st = Step(
                        st.label, st.out, st.params - frozen, st.macs, st.field, st.window, st.note
                    )
                env[node] = torch.empty(st.out, device="meta")
            else:
                env[node], st = _unknown_module(m, args, kwargs, node.target)
            name, owner = node.target, id(m)
        else:
            fn = node.target if node.op == "call_method" else getattr(node.target, "__name__", "")
            if node.op == "call_method":
                env[node] = getattr(args[0], node.target)(*args[1:], **kwargs)
            else:
                env[node] = node.target(*args, **kwargs)
            if not isinstance(env[node], torch.Tensor):
                continue
            st, name, owner = _function_step(fn, node, args, kwargs, env[node]), node.name, None
        if isinstance(env[node], torch.Tensor):
            row[node] = len(nodes)
            nodes.append(Node(name, st, inputs, owner))
    return nodes


def _unknown_module(m: nn.Module, args: Any, kwargs: Any, name: str) -> tuple[Any, Step]:
    params = {k: torch.empty_like(v, device="meta") for k, v in m.named_parameters()}
    buffers = {k: torch.empty_like(v, device="meta") for k, v in m.named_buffers()}
    out = torch.func.functional_call(m, {**params, **buffers}, args, kwargs)
    trainable = sum(p.numel() for p in m.parameters() if p.requires_grad)
    kind = type(m).__name__
    shape = tuple(out.shape) if isinstance(out, torch.Tensor) else ()
    if m.__module__.startswith(("torch.nn.modules.activation", "torch.nn.modules.dropout")):
        return out, Step(kind.lower(), shape, trainable, 0, "keep")
    note = f"{kind} is not a layer summary knows: MACs not counted"
    why = f"not tracked through {name} ({kind})"
    return out, Step(kind, shape, trainable, 0, why, None, note)


def _function_step(fn: str, node: fx.Node, args: Any, kwargs: Any, out: torch.Tensor) -> Step:
    shape = tuple(out.shape)
    if fn in _POINTWISE:
        return Step(fn, shape, 0, 0, "union")
    first = next((a for a in args if isinstance(a, torch.Tensor)), None)
    if fn in ("cat", "concat", "concatenate") and first is not None:
        dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
        if dim % out.dim() == 1:
            return Step("cat", shape, 0, 0, "union")
    if fn in _RESHAPE and first is not None:
        if shape[2:] == tuple(first.shape[2:]) and out.dim() == first.dim():
            return Step(fn, shape, 0, 0, "union")
        if out.dim() == 2 and first.dim() > 2:
            return Step(fn, shape, 0, 0, "flatten")
    if fn == "getitem" and first is not None:
        window = _crop(args[1], tuple(first.shape))
        if window is not None:
            return Step("slice", shape, 0, 0, "window", window)
    note = f"{fn}: MACs not counted, use the nn module" if fn in _LINEAR_OPS else ""
    seen = dims(tuple(first.shape)) if first is not None else "no tensor"
    why = f"not tracked through {node.name} ({fn} on {seen})"
    return Step(fn, shape, 0, 0, why, None, note)


def _crop(index: Any, shape: tuple[int, ...]) -> tuple[tuple[int, ...], ...] | None:
    """``x[..., a:b:s]`` keeps the spatial layout: a window of size 1, stride s, offset a.

    Slicing the batch or the channels (``x[:, :16]``) leaves the field as it is.

    ``None`` for anything else (an int index drops a dim, a tensor index gathers).
    """
    index = index if isinstance(index, tuple) else (index,)
    if sum(i is Ellipsis for i in index) > 1 or not all(
        isinstance(i, slice) or i is Ellipsis for i in index
    ):
        return None
    if Ellipsis in index:
        at = index.index(Ellipsis)
        index = index[:at] + (slice(None),) * (len(shape) - len(index) + 1) + index[at + 1 :]
    index = index + (slice(None),) * (len(shape) - len(index))
    spans = [i.indices(n) for i, n in zip(index[2:], shape[2:], strict=True)]
    nd = len(spans)
    return ((1,) * nd, tuple(s for _, _, s in spans), tuple(-a for a, _, _ in spans), (1,) * nd)
