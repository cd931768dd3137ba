"""Feature maps: a real photo through classic kernels, or through a conv layer's filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import conv2d
from .._validation import as_float_array, check_ndim, fail
from ._grid import NumberGrid
from ._style import INK, MUTED, fmt_value, font_for, new_figure

__all__ = ["feature_maps", "show_map"]


def _named(kernels: Any) -> tuple[list[str], list[np.ndarray], bool]:
    """Names and kernels from a dict, a list of 2-D kernels, or a 4-D conv weight."""
    func = "feature_maps"
    if kernels is None:
        from ..kernels import classic

        kernels = classic()
    if isinstance(kernels, Mapping):
        names, arrays = (
            list(kernels),
            [as_float_array(func, f"kernels[{k!r}]", v) for k, v in kernels.items()],
        )
        layer = False
    else:
        w = as_float_array(func, "kernels", kernels)
        check_ndim(
            func, "kernels", w, (3, 4), "(n, kH, kW) kernels or a conv weight (C_out, C_in, kH, kW)"
        )
        layer = w.ndim == 4
        names = (
            [f"filter {o}" for o in range(len(w))]
            if layer
            else [f"kernel {o}" for o in range(len(w))]
        )
        arrays = list(w)
    for name, a in zip(names, arrays, strict=True):
        if not layer:  # only a dict's entries can have the wrong rank: name them by key
            check_ndim(func, f"kernels[{name!r}]", a, (2,), "(kH, kW)")
    if not arrays:
        message = "kernels must hold at least one kernel; got none"
        raise fail(func, message, argument="kernels", value=kernels)
    return names, arrays, layer


def feature_maps(
    kernels: Any = None,
    image: Any = None,
    *,
    bias: Any = None,
    ncols: int = 3,
    panel: float = 2.3,
):
    """The photo and what each kernel (or each filter of a conv layer) makes of it.

    Parameters
    ----------
    kernels : dict, array, optional
        ``{name: (kH, kW) array}`` (default :func:`convlab.kernels.classic`), an
        ``(n, kH, kW)`` stack, or a conv layer's weight ``(C_out, C_in, kH, kW)`` whose
        ``C_in`` matches the image (1 for gray, 3 for RGB).
    image : array (H, W) or (H, W, 3), optional
        Default :func:`convlab.images.photo` (gray, 160 pixels high).
    bias : array (C_out,), optional
        For a conv layer.
    ncols : int
        Panels per row.
    panel : float
        Panel width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each map is ``conv2d(image, kernel, padding="same")`` (cross-correlation, as in a CNN).
    Kernels whose weights sum to 1 (blur, sharpen...) keep the brightness, so their maps
    are drawn as gray images on ``[0, 1]``; the others (edges, filters) give signed maps,
    drawn red > 0 > blue on a symmetric scale that saturates at the 99th percentile of
    ``|y|`` (so faint structure shows; the exact range is written below each map). Each
    kernel is inset bottom-left.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlab import kernels
    >>> fig = feature_maps({"sobel_x": kernels.sobel_x()})
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
    ['input', 'sobel_x']
    >>> plt.close(fig)
    """
    from ..images import photo

    func = "feature_maps"
    img = photo(size=160) if image is None else as_float_array(func, "image", image)
    check_ndim(func, "image", img, (2, 3), "(H, W) gray or (H, W, 3) RGB")
    names, arrays, layer = _named(kernels)
    x = img[None] if img.ndim == 2 else np.moveaxis(img, -1, 0)
    if layer:
        weight = np.stack(arrays).astype(x.dtype)
        b = None if bias is None else as_float_array(func, "bias", bias).astype(x.dtype)
        maps = list(conv2d(x, weight, b, padding="same"))
    else:
        if img.ndim == 3:
            raise fail(
                func,
                "2-D kernels need a gray image (H, W); got an RGB image",
                "Use photo(gray=True), or pass a conv weight (C_out, 3, kH, kW)",
            )
        maps = [conv2d(x, k[None, None].astype(x.dtype), padding="same")[0] for k in arrays]
    n = len(maps) + 1
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    aspect = img.shape[0] / img.shape[1]
    gap_x, row_h = 0.15, panel * aspect + 0.62
    width, height = ncols * panel + (ncols - 1) * gap_x + 0.2, nrows * row_h + 0.05
    fig = new_figure((width, height))
    flat = [
        fig.add_axes(
            (
                (0.1 + c * (panel + gap_x)) / width,
                (height - (r + 1) * row_h + 0.3) / height,
                panel / width,
                panel * aspect / height,
            )
        )
        for r in range(nrows)
        for c in range(ncols)
    ]
    flat[0].imshow(img, cmap="gray", vmin=0, vmax=1, interpolation="antialiased")
    flat[0].set_title("input", fontsize=10.5, color=INK)
    for ax, name, y, k in zip(flat[1:], names, maps, arrays, strict=False):
        if layer:  # a filter of a conv layer: inset it when it has one input channel
            k = k[0] if k.shape[0] == 1 else None
        show_map(ax, y, k, inset=0.42 * panel)
        ax.set_title(name, fontsize=10.5, color=INK)
    for ax in flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig


def map_style(kernel: np.ndarray | None, y: np.ndarray) -> tuple[str, float, float]:
    """Colour map and limits for the feature map ``y`` of ``kernel``.

    A 2-D kernel whose weights sum to 1 keeps the brightness: gray on ``[0, 1]``. Any
    other map is signed: red > 0 > blue, symmetric at the 99th percentile of ``|y|``.

    Examples
    --------
    >>> map_style(np.full((3, 3), 1 / 9), np.zeros((4, 4)))
    ('gray', 0.0, 1.0)
    >>> map_style(np.array([[1.0, 0.0, -1.0]]), np.array([[-2.0, 2.0]]))
    ('RdBu_r', -2.0, 2.0)
    """
    if kernel is not None and kernel.ndim == 2 and abs(kernel.sum() - 1) < 1e-6:
        return "gray", 0.0, 1.0
    m = float(np.percentile(np.abs(y), 99)) or 1.0
    return "RdBu_r", -m, m


def show_map(ax, y: np.ndarray, kernel: np.ndarray | None = None, inset: float = 0.7):
    """Draw one feature map (gray if the kernel keeps brightness, signed otherwise) with its
    value range below and the kernel inset; returns the image artist."""
    cmap, vmin, vmax = map_style(kernel, y)
    im = ax.imshow(y, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="antialiased")
    label = f"values {fmt_value(y.min())} … {fmt_value(y.max())}"
    ax.set_xlabel(label, fontsize=8.5, color=MUTED, labelpad=2)
    if kernel is not None and kernel.ndim == 2:
        side = inset / (ax.get_position().width * ax.figure.get_figwidth())
        box = ax.inset_axes((0.03, 0.03, side, side))
        longest = max(len(fmt_value(v)) for v in kernel.ravel())
        size = font_for(inset * 72 / max(kernel.shape), longest)
        g = NumberGrid(
            box, kernel, palette="kernel", labels=False, fontsize=size, say_dropped=False
        )
        if g.cells is None:  # say so where the values are written: under the map
            ax.set_xlabel(f"{label}\nkernel inset: colours only", fontsize=8.5, color=MUTED)
            g.scale_note = ax.xaxis.label
    return im
