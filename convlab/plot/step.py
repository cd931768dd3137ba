"""One step of a sliding window, as a figure: :func:`conv_step` and :func:`pool_step`.

Both validate with convlab's own checks, compute with convlab's ops (see
:mod:`convlab.plot._window`) and draw a :class:`~convlab.plot._picture.StepPicture`.
"""

from __future__ import annotations

from typing import Any

from ._picture import StepPicture
from ._window import check_window_position, conv_window, pool_window

__all__ = ["StepPicture", "conv_step", "pool_step"]


def conv_step(
    x: Any,
    weight: Any,
    i: int = 0,
    j: int = 0,
    *,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
    convolution: bool = False,
    reveal: bool = False,
    axes=None,
):
    """Draw output ``(i, j)`` of a 2-D convolution with its arithmetic written out.

    Parameters
    ----------
    x : array (H, W)
        One channel of input.
    weight : array (kH, kW)
    i, j : int
        The output position to show.
    stride, padding, dilation, padding_mode
        As in :func:`convlab.conv2d` (``padding`` may be ``"same"``/``"valid"``).
    convolution : bool
        ``False`` (default) draws PyTorch's cross-correlation ``x ⋆ w``; ``True`` the
        textbook convolution ``x ∗ w``, i.e. correlation with ``w`` rotated 180°.
    reveal : bool
        Show only the outputs computed so far (row-major), as in the animation.
    axes : sequence of 3 Axes, optional
        Draw into (input, kernel, output) instead of a new figure; the arithmetic goes
        below them.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The output value is ``conv2d``'s; the text lists ``x[i·s + a·d, j·s + b·d] · w[a, b]``
    over the taps (with ``w`` flipped for ``convolution=True``), so it sums to that value.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> x = np.arange(1.0, 17.0).reshape(4, 4)
    >>> fig = conv_step(x, np.ones((2, 2)), 1, 2)
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "arithmetic"]
    ['y[1, 2] = 7·1 + 8·1\\n        + 11·1 + 12·1 = 38']
    >>> plt.close(fig)
    """
    window = conv_window(
        "conv_step", x, weight, stride, padding, dilation, padding_mode, convolution
    )
    i, j = check_window_position("conv_step", window, i, j)
    return StepPicture(window, i, j, axes=axes, reveal=reveal).fig


def pool_step(
    x: Any,
    kernel_size: int | tuple[int, int],
    i: int = 0,
    j: int = 0,
    *,
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    ceil_mode: bool = False,
    mode: str = "max",
    count_include_pad: bool = True,
    reveal: bool = False,
    axes=None,
):
    """Draw output ``(i, j)`` of 2-D max or average pooling, its window and its arithmetic.

    Parameters
    ----------
    x : array (H, W)
    kernel_size, stride, padding, dilation, ceil_mode
        As in :func:`convlab.max_pool2d` (``stride`` defaults to ``kernel_size``).
    mode : {"max", "avg"}
    count_include_pad : bool
        For ``"avg"``: divide by the whole window, or only by its real input cells.
    axes : sequence of 2 Axes, optional
        (input, output).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Max pooling pads with ``−∞`` (padding never wins); average pooling pads with 0 and
    divides by torch's count. In ``ceil_mode`` a last, partial window may hang past the
    padding: those cells (blank) are ignored by both.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> x = np.array([[1., 5., 2.], [3., 4., 0.], [7., 1., 2.]])
    >>> fig = pool_step(x, 2, 0, 1, ceil_mode=True)
    >>> [t.get_text() for t in fig.texts if t.get_gid() == "arithmetic"]
    ['y[0, 1] = max(2, 0) = 2']
    >>> plt.close(fig)
    """
    window = pool_window(
        "pool_step", x, kernel_size, stride, padding, dilation, ceil_mode, mode, count_include_pad
    )
    i, j = check_window_position("pool_step", window, i, j)
    return StepPicture(window, i, j, axes=axes, reveal=reveal).fig
