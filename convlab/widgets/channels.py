"""The channels explorer: input/output channels, kernel size and groups; connections,
the weight tensor's blocks, and what each setting costs in parameters and MACs."""

from __future__ import annotations

import math

import ipywidgets as widgets

from .. import conv_macs, conv_params
from ..plot.groups import channel_groups
from ._base import Explorer, dropdown, slider

__all__ = ["ChannelsExplorer", "channels_explorer"]


def divisors(n: int) -> list[int]:
    """The positive divisors of ``n``, smallest first."""
    return [d for d in range(1, n + 1) if n % d == 0]


class ChannelsExplorer(Explorer):
    """Sliders for ``C_in``, ``C_out`` and ``k``, a ``groups`` menu (only the common
    divisors of the channel counts) and a bias switch; the picture is
    :func:`convlab.plot.channel_groups`.

    State: ``in_channels``, ``out_channels``, ``kernel_size``, ``groups``, ``bias``,
    ``weight_shape`` (PyTorch's ``(C_out, C_in/groups, k, k)``), ``params`` and ``macs``
    (:func:`convlab.conv_params` / :func:`convlab.conv_macs` on one ``size × size`` input
    with "same" padding) and ``dense_params`` (the same layer with ``groups=1``).
    """

    figsize = (9.6, 4.3)

    def __init__(self, in_channels=4, out_channels=6, kernel_size=3, groups=1, bias=True, size=32):
        self.size = size
        self.c_in = slider("in channels C_in", in_channels, 1, 8)
        self.c_out = slider("out channels C_out", out_channels, 1, 12)
        self.k = slider("kernel size k", kernel_size, 1, 5, step=2)
        options = divisors(math.gcd(in_channels, out_channels))
        self.groups = dropdown("groups", options, groups if groups in options else 1)
        self.bias = widgets.Checkbox(value=bias, description="bias", indent=False)
        for w in (self.c_in, self.c_out):
            w.observe(self._channels, names="value")
        left = widgets.VBox([self.c_in, self.c_out, self.k])
        right = widgets.VBox([self.groups, self.bias])
        self.note = ""
        self._setup([widgets.HBox([left, right])], [self.k, self.groups, self.bias])

    def _channels(self, change):
        """New channel counts: offer only the groups that divide both, then redraw."""
        i, o = self.c_in.value, self.c_out.value
        options = divisors(math.gcd(i, o))
        old = self.groups.value
        keep = old if old in options else max(d for d in options if d <= old)
        self.note = (
            ""
            if keep == old
            else f"groups={old} does not divide both C_in={i} and C_out={o}: now groups={keep}. "
        )
        with self.hold():
            self.groups.options = options
            self.groups.value = keep
        self.update()
        self.note = ""

    def update(self):
        i, o, k = self.c_in.value, self.c_out.value, self.k.value
        g, bias, n = self.groups.value, self.bias.value, self.size
        params = conv_params(i, o, k, groups=g, bias=bias)
        pad = k // 2
        macs = conv_macs((n, n), i, o, k, padding=pad, groups=g)
        self.state = dict(
            in_channels=i,
            out_channels=o,
            kernel_size=k,
            groups=g,
            bias=bias,
            weight_shape=(o, i // g, k, k),
            params=params,
            macs=macs,
            dense_params=conv_params(i, o, k, bias=bias),
        )
        plus = f" + {o}" if bias else ""
        self.set_formula(f"params = C_out·(C_in/groups)·k²{' + C_out' * bias}"
                         f" = {o}·({i}/{g})·{k}²{plus} = {params}")  # fmt: skip
        kind = ""
        if g == i and k > 1:
            kind = "Depthwise: each filter sees one channel. Follow it with a 1×1 conv to mix. "
        elif k == 1 and g == 1:
            kind = "1×1 (pointwise): a dense layer across channels at every pixel. "
        self.set_message(
            f"{self.note}{kind}On one {n}×{n} input (padding {pad}): "
            f"{macs:,} multiply-adds = {n * n} positions × {macs // (n * n):,} per position.",
            None,
        )
        channel_groups(i, o, k, g, bias=bias, fig=self.figure)
        self.render()


def channels_explorer(**settings) -> ChannelsExplorer:
    """The channels / groups explorer (see :class:`ChannelsExplorer`); keywords set the
    initial controls: ``in_channels, out_channels, kernel_size, groups, bias, size``.

    Examples
    --------
    >>> ex = channels_explorer(in_channels=4, out_channels=4, groups=4)
    >>> ex.state["weight_shape"], ex.state["params"], ex.state["dense_params"]
    ((4, 1, 3, 3), 40, 148)
    """
    return ChannelsExplorer(**settings)
