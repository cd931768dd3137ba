"""A deliberately small neural-network kit on convlab's functional ops.

Every layer has ``forward(x)``, which remembers what the backward pass will need, and
``backward(grad)``, which takes ``dL/d(output)``, adds ``dL/d(parameter)`` into each
parameter's ``.grad`` (accumulating, as torch does) and returns ``dL/d(input)``. A
:class:`Sequential` runs the layers forward, and backward in reverse: that is all of
backpropagation. Training looks like torch's loop::

    model = Sequential(Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                       Linear(8 * 4 * 4, 10))
    loss_fn, opt = CrossEntropyLoss(), SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        opt.zero_grad()
        loss = loss_fn(model(x), y)          # forward
        model.backward(loss_fn.backward())   # backward
        opt.step()                           # update

Parameters are float32 and initialised as torch's layers are by default.
"""

from __future__ import annotations

import math

import numpy as np

from . import conv, pool
from ._validation import as_float_array, check_class_targets, check_groups, int_tuple
from .grad import conv2d_backward
from .grad_pool import avg_pool2d_backward, route_max

__all__ = [
    "SGD",
    "AvgPool2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Flatten",
    "Linear",
    "MaxPool2d",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "kaiming_uniform",
]


class Parameter:
    """A learnable array and the gradient accumulated into it."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.grad = np.zeros_like(data)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


def kaiming_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, a: float = math.sqrt(5)
) -> np.ndarray:
    """He-uniform init: U(-b, b) with ``b = sqrt(2 / (1 + a²)) * sqrt(3 / fan_in)``.

    ``a = sqrt(5)`` (torch's default for Conv and Linear) gives ``b = 1 / sqrt(fan_in)``;
    ``a = 0`` is He's init for ReLU networks, ``b = sqrt(6 / fan_in)``.

    >>> w = kaiming_uniform(np.random.default_rng(0), (64, 9), fan_in=9)
    >>> w.dtype, bool(np.abs(w).max() <= 1 / 3)
    (dtype('float32'), True)
    """
    bound = math.sqrt(2 / (1 + a * a)) * math.sqrt(3 / fan_in)
    return rng.uniform(-bound, bound, shape).astype(np.float32)


class Module:
    """Base class: ``layer(x)`` calls ``forward``; parameters are the Parameter attributes."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        return [v for v in vars(self).values() if isinstance(v, Parameter)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad[...] = 0


class Conv2d(Module):
    """``nn.Conv2d``: weight ``(out, in/groups, kH, kW)``, bias ``(out,)``, torch's init."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        rng: np.random.Generator | int | None = None,
    ) -> None:
        func = "Conv2d"
        c_in, c_out, groups = (
            int_tuple(func, name, v, 1, minimum=1)[0]
            for name, v in (("in_channels", in_channels), ("out_channels", out_channels),
                            ("groups", groups))
        )  # fmt: skip
        check_groups(func, c_in, c_out, groups)
        kernel = int_tuple(func, "kernel_size", kernel_size, 2, minimum=1)
        fan_in = c_in // groups * math.prod(kernel)
        rng = np.random.default_rng(rng)  # a Generator is returned as is
        self.weight = Parameter(kaiming_uniform(rng, (c_out, c_in // groups, *kernel), fan_in))
        self.bias = Parameter(kaiming_uniform(rng, (c_out,), fan_in)) if bias else None
        self.settings = dict(
            stride=stride, padding=padding, dilation=dilation, groups=groups,
            padding_mode=padding_mode,
        )  # fmt: skip

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        b = None if self.bias is None else self.bias.data
        return conv.conv2d(x, self.weight.data, b, **self.settings)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        b = None if self.bias is None else self.bias.data
        gx, gw, gb = conv2d_backward(grad, self.x, self.weight.data, b, **self.settings)
        self.weight.grad += gw
        if self.bias is not None:
            self.bias.grad += gb
        return gx


class Linear(Module):
    """``y = x Wᵀ + b`` with ``W`` of shape ``(out, in)``, torch's init."""

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True,
        rng: np.random.Generator | int | None = None,
    ) -> None:  # fmt: skip
        rng = np.random.default_rng(rng)  # a Generator is returned as is
        self.weight = Parameter(kaiming_uniform(rng, (out_features, in_features), in_features))
        self.bias = Parameter(kaiming_uniform(rng, (out_features,), in_features)) if bias else None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        y = x @ self.weight.data.T
        return y if self.bias is None else y + self.bias.data

    def backward(self, grad: np.ndarray) -> np.ndarray:
        self.weight.grad += grad.T @ self.x
        if self.bias is not None:
            self.bias.grad += grad.sum(axis=0)
        return grad @ self.weight.data


class ReLU(Module):
    """``max(x, 0)``; the gradient passes where the input was positive."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.mask


class Flatten(Module):
    """``(N, ...) -> (N, prod(...))``: a reshape, undone by the backward pass."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.reshape(self.shape)


class MaxPool2d(Module):
    """``nn.MaxPool2d``: the gradient goes to each window's maximum."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        self.settings = dict(
            kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
            ceil_mode=ceil_mode,
        )  # fmt: skip

    def forward(self, x: np.ndarray) -> np.ndarray:
        # keep where each maximum came from: the backward pass only routes, never re-pools
        y, self.indices = pool.max_pool2d(x, **self.settings, return_indices=True)
        self.size = x.shape[-2:]
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return route_max(grad, self.indices, self.size)


class AvgPool2d(Module):
    """``nn.AvgPool2d``: the gradient is shared equally within each window."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):  # fmt: skip
        self.settings = dict(
            kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
            count_include_pad=count_include_pad, divisor_override=divisor_override,
        )  # fmt: skip

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return pool.avg_pool2d(x, **self.settings)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return avg_pool2d_backward(grad, self.x, **self.settings)[0]


class Sequential(Module):
    """Layers in a row: forward in order, backward in reverse order."""

    def __init__(self, *layers: Module) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return "Sequential(\n" + "".join(f"  {type(m).__name__}\n" for m in self.layers) + ")"


class CrossEntropyLoss:
    """Mean of ``-log softmax(logits)[target]`` over the batch (``nn.CrossEntropyLoss``).

    Notes
    -----
    Stable log-softmax: ``log p_k = z_k - m - log sum_j exp(z_j - m)`` with ``m = max z``
    (nothing overflows). The gradient is ``(softmax(z) - onehot(target)) / N``.

    Examples
    --------
    >>> loss = CrossEntropyLoss()
    >>> round(loss(np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([0, 1])), 4)  # log(2) / 2
    0.3466
    >>> loss.backward()
    array([[ 0.  ,  0.  ],
           [ 0.25, -0.25]])
    """

    def __call__(self, logits: np.ndarray, target: np.ndarray) -> float:
        z = as_float_array("CrossEntropyLoss", "logits", logits)
        target = check_class_targets("CrossEntropyLoss", z, target)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        rows = np.arange(len(target))
        self.grad = np.exp(log_p)
        self.grad[rows, target] -= 1
        self.grad /= len(target)
        return float(-log_p[rows, target].mean())

    def backward(self) -> np.ndarray:
        """``dL/dlogits`` of the last call."""
        return self.grad


class SGD:
    """Stochastic gradient descent with momentum and weight decay, as ``torch.optim.SGD``.

    Per step: ``g = grad + weight_decay * p``; ``v = momentum * v + g``; ``p -= lr * v``.
    """

    def __init__(
        self, params: list[Parameter], lr: float, momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:  # fmt: skip
        self.params, self.lr, self.momentum, self.weight_decay = (
            list(params), lr, momentum, weight_decay,
        )  # fmt: skip
        self.velocity = [np.zeros_like(p.data) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad[...] = 0

    def step(self) -> None:
        # plain floats: a NumPy float64 lr (say from np.cos in a schedule) would make the
        # update float64 and round differently from the float32 weights it updates
        lr, momentum, decay = float(self.lr), float(self.momentum), float(self.weight_decay)
        for p, v in zip(self.params, self.velocity, strict=True):
            g = p.grad + decay * p.data if decay else p.grad
            v *= momentum
            v += g
            p.data -= lr * v
