"""Multi-channel convolution written out: one filter sums over all input channels.

:func:`channel_sum` draws one output channel of a conv layer as the sum of single-channel
correlations ``x[c] ⋆ w[o, c]`` plus the filter's bias, each computed by convlab.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import conv2d, conv_output_size
from .._validation import (
    as_float_array,
    check_bias,
    check_index,
    check_ndim,
    check_output_size,
    check_weight,
)
from ._grid import NumberGrid
from ._style import INK, Scale, new_figure

__all__ = ["channel_sum"]


def channel_sum(x: Any, weight: Any, bias: Any = None, out_channel: int = 0, *, cell=0.34):
    """One output channel of a conv layer as the sum of its per-channel correlations.

    Parameters
    ----------
    x : array (C_in, H, W)
        One sample, PyTorch layout.
    weight : array (C_out, C_in, kH, kW)
    bias : array (C_out,), optional
    out_channel : int
        Which filter (output channel) to write out.
    cell : float
        Cell size in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Row ``c`` shows ``x[c] ⋆ w[o, c]`` (valid cross-correlation, computed by
    :func:`convlab.conv2d` on that channel alone); the panel on the right is
    ``conv2d(x, weight, bias)[o]``, which equals

    .. math:: y[o] = \\sum_c x[c] \\star w[o, c] + b[o].

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlab.plot import cell_texts
    >>> x = np.stack([np.eye(3), np.ones((3, 3))])
    >>> fig = channel_sum(x, np.ones((1, 2, 2, 2)), np.array([10.0]))
    >>> cell_texts(fig.axes[-1])  # 2 (from the identity) + 4 (from the ones) + 10
    ['16', '15', '15', '16']
    >>> plt.close(fig)
    """
    func = "channel_sum"
    x = as_float_array(func, "x", x)
    w = as_float_array(func, "weight", weight)
    check_ndim(func, "x", x, (3,), "(C_in, H, W)")
    check_weight(func, x[None], w, 2, 1, False)
    b = None if bias is None else as_float_array(func, "bias", bias)
    check_bias(func, b, len(w))
    o = check_index(func, "out_channel", out_channel, len(w), "the weight's C_out")
    out = conv_output_size(x.shape[1:], w.shape[2:])
    check_output_size(func, out, x.shape[1:], kernel_size=w.shape[2:])
    y = conv2d(x, w, b)[o]
    parts = [conv2d(x[c : c + 1], w[o : o + 1, c : c + 1])[0] for c in range(len(x))]
    (h, wd), (kh, kw), (oh, ow) = x.shape[1:], w.shape[2:], y.shape

    gap, top, row_gap, left, right = 0.62, 1.0, 0.55, 0.35, 0.35
    rows = len(x)
    row_h = max(h, kh, oh) * cell
    height = top + rows * row_h + (rows - 1) * row_gap + 0.25
    cols = [wd, kw, ow, 1, ow]  # x[c], w[o, c], partial, bias, y[o]
    width = left + sum(cols) * cell + 4 * gap + right
    fig = new_figure((width, height))

    def place(col: int, r: float) -> tuple[float, float]:
        """Left edge of column ``col`` and vertical centre of row ``r``, in inches."""
        return left + sum(cols[:col]) * cell + col * gap, height - top - r * (row_h + row_gap)

    def axes(col: int, r: float, shape: tuple[int, int]):
        x0, y_mid = place(col, r)
        y_mid -= row_h / 2
        rect = (x0, y_mid - shape[0] * cell / 2, shape[1] * cell, shape[0] * cell)
        return fig.add_axes((rect[0] / width, rect[1] / height, rect[2] / width, rect[3] / height))

    def write(x_in: float, y_in: float, text: str, size: float = 18) -> None:
        fig.text(
            x_in / width, y_in / height, text, ha="center", va="center", fontsize=size, color=INK
        )

    shared = Scale.of(*parts, palette="output")
    for c in range(rows):
        NumberGrid(axes(0, c, (h, wd)), x[c], labels=False, title=f"x[{c}]")
        NumberGrid(
            axes(1, c, (kh, kw)), w[o, c], palette="kernel", labels=False, title=f"w[{o}, {c}]"
        )
        NumberGrid(
            axes(2, c, (oh, ow)),
            parts[c],
            scale=shared,
            labels=False,
            title=f"x[{c}] ⋆ w[{o}, {c}]",
        )
        for col, op in ((1, "⋆"), (2, "=")):
            x0, y_mid = place(col, c)
            write(
                x0 - gap / 2, y_mid - row_h / 2, op, 26 if op == "⋆" else 18
            )  # ⋆ is a small glyph
        if c:
            x0, y_mid = place(2, c)
            write(x0 + ow * cell / 2, y_mid + row_gap / 2 + 0.08, "+", 16)
    middle = (rows - 1) / 2
    bias_value = np.array([[b[o] if b is not None else 0.0]])
    NumberGrid(
        axes(3, middle, (1, 1)),
        bias_value,
        palette="kernel",
        labels=False,
        title=f"b[{o}]" if b is not None else "no bias",
    )
    NumberGrid(axes(4, middle, (oh, ow)), y, palette="output", labels=False, title=f"y[{o}]")
    for col, op in ((3, "Σ +"), (4, "=")):
        x0, y_mid = place(col, middle)
        write(x0 - gap / 2, y_mid - row_h / 2, op, 15 if len(op) > 1 else 18)
    fig.text(
        0.5,
        1 - 0.38 / height,
        f"filter {o} is C_in×kH×kW = {rows}×{kh}×{kw} weights and sums over all {rows} input "
        f"channels\ny[{o}] = Σ_c x[c] ⋆ w[{o}, c] + b[{o}]",
        ha="center",
        va="center",
        fontsize=11,
        color=INK,
        gid="formula",
    )
    return fig
