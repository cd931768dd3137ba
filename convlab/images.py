"""A real photo for the lessons: Grace Hopper, as shipped with matplotlib.

matplotlib bundles ``grace_hopper.jpg`` (600×512 pixels, RGB) in its sample data, so
the course needs no download. matplotlib and Pillow are imported only when the photo is
asked for, which keeps ``import convlab`` light.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._validation import check_bool, fail, int_tuple

__all__ = ["photo"]

# ITU-R BT.601 luma: the weights Pillow's convert("L") and most libraries use
_LUMA = np.array([0.299, 0.587, 0.114])


def photo(gray: bool = True, size: int | tuple[int, int] | None = None) -> np.ndarray:
    """Grace Hopper's portrait as floats in ``[0, 1]``.

    Parameters
    ----------
    gray : bool
        ``True`` gives luminance ``(H, W)``; ``False`` gives RGB ``(H, W, 3)``.
    size : int or (int, int), optional
        ``None`` keeps the full 600×512. An int is the new *height*, the width follows
        the aspect ratio; a pair is ``(height, width)``. Downscaling uses Lanczos
        filtering (Pillow), so small sizes stay free of aliasing.

    Returns
    -------
    ndarray of float64
        A fresh array (safe to modify). For a conv layer use ``x[None]`` (gray) or
        ``x.transpose(2, 0, 1)`` (RGB) to get PyTorch's ``(C, H, W)``.

    Notes
    -----
    Gray is the BT.601 luma :math:`Y = 0.299 R + 0.587 G + 0.114 B`.

    Examples
    --------
    >>> x = photo(size=64)
    >>> x.shape, x.dtype, bool(0.0 <= x.min() < x.max() <= 1.0)
    ((64, 55), dtype('float64'), True)
    >>> photo(gray=False, size=(32, 32)).shape
    (32, 32, 3)
    """
    func = "photo"
    gray = check_bool(func, "gray", gray)
    if size is None:
        shape = None
    elif isinstance(size, (tuple, list)):
        shape = int_tuple(func, "size", size, 2, minimum=1)
    else:
        (height,) = int_tuple(func, "size", size, 1, minimum=1)
        shape = (height, max(1, round(height * 512 / 600)))
    if shape is not None and max(shape) > 2400:
        raise fail(
            func,
            f"size must be at most 2400 pixels a side; got size={size!r}",
            argument="size",
            value=size,
        )
    rgb = _load(shape).astype(np.float64) / 255.0
    return rgb @ _LUMA if gray else rgb


@lru_cache(maxsize=8)
def _load(shape: tuple[int, int] | None) -> np.ndarray:
    from matplotlib import cbook
    from PIL import Image

    with cbook.get_sample_data("grace_hopper.jpg") as f, Image.open(f) as im:
        rgb = im.convert("RGB")
        if shape is not None and shape != (rgb.height, rgb.width):
            rgb = rgb.resize((shape[1], shape[0]), Image.Resampling.LANCZOS)
        arr = np.asarray(rgb, dtype=np.uint8)
    arr.setflags(write=False)
    return arr
