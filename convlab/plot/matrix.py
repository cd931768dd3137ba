"""Convolution as a matrix: ``C`` (or ``Cᵀ``) drawn with the vectors it multiplies."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from .. import conv2d, conv_output_size, conv_transpose2d, conv_transpose_output_size
from .. import conv_matrix as _conv_matrix
from .._validation import as_float_array, check_ndim, int_tuple
from ._grid import NumberGrid
from ._style import INK, MUTED, Scale, cell_points, new_figure

__all__ = ["conv_matrix"]

LABEL_SIZE = 10.0  # points, the caption under the matrix


def conv_matrix(
    input_shape: tuple[int, int] = (4, 4),
    weight: Any = None,
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    transpose: bool = False,
    vector: Any = None,
):
    """The matrix ``C`` of a 2-D convolution (or its transpose) and what it multiplies.

    Laid out as in Falk's scheme: the vector above the matrix, each of its cells over the
    column it multiplies, and the product to the right, each cell beside its row.
    ``C @ x == conv2d(x, w).ravel()``; ``Cᵀ @ y == conv_transpose2d(y, w).ravel()``.

    Parameters
    ----------
    input_shape : (H, W)
    weight : array (kH, kW), optional
        Default ``1 … 9`` as a 3×3, so the shifted copies of the kernel in each row of C
        are easy to follow.
    stride, padding, dilation
        As in :func:`convlab.conv2d`.
    transpose : bool
        Draw ``Cᵀ`` (the transposed convolution) instead of ``C``.
    vector : array, optional
        The input (``(H, W)``), or for ``transpose=True`` the output-shaped array it
        multiplies; default ``1, 2, 3, …``.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Rows of ``C`` are output pixels, columns input pixels, both flattened row by row
    (grey lines separate image rows). Each row holds the kernel's weights at the pixels
    its window covers: a sparse, banded matrix that repeats one kernel (weight sharing).
    The product comes from :func:`convlab.conv2d` / :func:`convlab.conv_transpose2d`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlab.plot import cell_texts
    >>> fig = conv_matrix((3, 3), np.array([[1., 2.], [3., 4.]]))
    >>> [ax.get_title() for ax in fig.axes]
    ['x (input, flattened)', '', 'y = C x', 'kernel w']
    >>> fig.axes[1].get_xlabel()
    'C (4 × 9): one row per output pixel, one column per input pixel'
    >>> cell_texts(fig.axes[2])
    ['37', '47', '67', '77']
    >>> plt.close(fig)
    """
    func = "plot.conv_matrix"
    h, w = int_tuple(func, "input_shape", tuple(input_shape), 2, minimum=1)
    k = np.arange(1.0, 10.0).reshape(3, 3) if weight is None else weight
    k = as_float_array(func, "weight", k)
    check_ndim(func, "weight", k, (2,), "(kH, kW)")
    c = _conv_matrix((h, w), k, stride, padding, dilation)
    s = int_tuple(func, "stride", stride, 2, minimum=1)
    p = int_tuple(func, "padding", padding, 2, minimum=0)
    d = int_tuple(func, "dilation", dilation, 2, minimum=1)
    oh, ow = conv_output_size((h, w), k.shape, s, p, d)
    if transpose:
        v = np.arange(1.0, oh * ow + 1).reshape(oh, ow) if vector is None else vector
        v = as_float_array(func, "vector", v).reshape(oh, ow)
        reached = conv_transpose_output_size((oh, ow), k.shape, s, p, 0, d)
        op = (h - reached[0], w - reached[1])  # rows the forward conv dropped
        result = conv_transpose2d(v[None], k[None, None], None, s, p, op, 1, d)[0]
        shown, groups = c.T, (w, ow)
        names = (
            "y (output-shaped, flattened)",
            f"Cᵀ ({c.shape[1]} × {c.shape[0]}): rows are input pixels\n"
            "Cᵀ y = conv_transpose2d(y, w)",
            "Cᵀ y",
        )
    else:
        v = np.arange(1.0, h * w + 1).reshape(h, w) if vector is None else vector
        v = as_float_array(func, "vector", v).reshape(h, w)
        result = conv2d(v[None], k[None, None], None, s, p, d)[0]
        shown, groups = c, (ow, w)
        names = (
            "x (input, flattened)",
            f"C ({c.shape[0]} × {c.shape[1]}): one row per output pixel, "
            "one column per input pixel",
            "y = C x",
        )
    return _draw(shown, v.ravel(), result.ravel(), k, names, groups)


def _draw(matrix, vec, result, kernel, names, groups):
    rows, cols = matrix.shape
    kh, kw = kernel.shape
    cell = min(0.42, 10.0 / (cols + 1 + kw + 2), 7.5 / (rows + 1))
    # a narrow matrix (Cᵀ of a small output) gets margins wide enough for its caption
    caption = max(_inches(line, LABEL_SIZE) for line in names[1].split("\n"))
    left = max(0.75, (caption - cols * cell) / 2 + 0.2)
    bottom, top, gap = 0.6 + 0.2 * names[1].count("\n") + 0.15, 0.4, 0.6
    width = left + cols * cell + gap + cell + gap + kw * cell + 0.3
    height = bottom + rows * cell + 0.12 + cell + top
    fig = new_figure((width, height))

    def axes(x, y, wd, ht):
        return fig.add_axes((x / width, y / height, wd / width, ht / height))

    ax_x = axes(left, bottom + rows * cell + 0.12, cols * cell, cell)
    ax_c = axes(left, bottom, cols * cell, rows * cell)
    ax_y = axes(left + cols * cell + gap, bottom, cell, rows * cell)
    ax_w = axes(
        left + cols * cell + 2 * gap + cell, bottom + rows * cell - kh * cell, kw * cell, kh * cell
    )
    NumberGrid(ax_x, vec[None], palette="input", labels=False, title=names[0])
    scale = Scale.of(matrix, palette="kernel")
    NumberGrid(ax_c, matrix, scale=scale, labels=False, hide_zeros=True)
    ax_c.set_xlabel(names[1], fontsize=LABEL_SIZE, color=INK, labelpad=4)
    NumberGrid(ax_y, result[:, None], palette="output", labels=False, title=names[2])
    NumberGrid(ax_w, kernel, scale=scale, labels=False, title="kernel w")
    row_group, col_group = groups
    _separators(ax_c, rows, cols, row_group, col_group)
    _separators(ax_x, 1, cols, 0, col_group)
    _separators(ax_y, rows, 1, row_group, 0)
    size = min(7.0, 0.33 * cell_points(ax_c))
    ax_c.set_yticks(range(rows), [str(r) for r in range(rows)], fontsize=size)
    ax_c.set_xticks(range(cols), [str(c) for c in range(cols)], fontsize=size)
    ax_c.tick_params(length=0, colors=MUTED, labelbottom=True, labeltop=False, pad=1.5)
    a, b = ax_c.get_position(), ax_y.get_position()
    fig.text(
        (a.x1 + b.x0) / 2, (a.y0 + a.y1) / 2, "=", ha="center", va="center", fontsize=20, color=INK
    )
    return fig


def _inches(text: str, size: float) -> float:
    """Width of one line of text at ``size`` points, in inches (matplotlib's font metrics)."""
    width, _, _ = TextToPath().get_text_width_height_descent(text, FontProperties(size=size), False)
    return width / 72


def _separators(ax, rows, cols, row_group, col_group):
    """Grey lines between image rows (every ``col_group`` columns / ``row_group`` rows)."""
    seg = []
    if col_group:
        seg += [[(x - 0.5, -0.5), (x - 0.5, rows - 0.5)] for x in range(col_group, cols, col_group)]
    if row_group:
        seg += [[(-0.5, y - 0.5), (cols - 0.5, y - 0.5)] for y in range(row_group, rows, row_group)]
    ax.add_collection(LineCollection(seg, colors=MUTED, linewidths=1.4, zorder=3.2))
