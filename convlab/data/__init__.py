"""Small real datasets that ship with convlab, so every lesson works offline.

``digits.npz`` holds the 1797 8×8 handwritten digits of the UCI "Optical Recognition of
Handwritten Digits" dataset (the copy scikit-learn bundles: the UCI test set, 13
writers). Source: E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository,
https://doi.org/10.24432/C50P49, licensed CC BY 4.0 (see ``DIGITS_LICENSE.txt``).
It is rebuilt by ``python -m convlab.data._build_digits``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from .._validation import check_choice

__all__ = ["Digits", "load_digits"]

_PATH = Path(__file__).with_name("digits.npz")


class Digits(NamedTuple):
    """A fixed train/test split: images ``(N, 1, 8, 8)`` in [0, 1], labels ``(N,)`` int64."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits(dtype: str = "float32") -> Digits:
    """Load the 8×8 digits with convlab's fixed, stratified 80/20 train/test split.

    Parameters
    ----------
    dtype : {"float32", "float64"}
        Dtype of the images. Pixels (integers 0..16) are divided by 16.

    Returns
    -------
    Digits
        ``(x_train, y_train, x_test, y_test)``: 1438 training and 359 test images of shape
        ``(1, 8, 8)`` (one channel, NCHW), labels 0..9. The split is stored in the file,
        so it is the same on every machine.

    Notes
    -----
    Each class contributes ``round(0.2 n_c)`` test images, chosen once by a seeded
    permutation.

    Examples
    --------
    >>> d = load_digits()
    >>> d.x_train.shape, d.x_test.shape, d.x_train.dtype
    ((1438, 1, 8, 8), (359, 1, 8, 8), dtype('float32'))
    >>> np.bincount(d.y_test)
    array([36, 36, 35, 37, 36, 36, 36, 36, 35, 36])
    """
    dtype = check_choice("load_digits", "dtype", dtype, ("float32", "float64"))
    with np.load(_PATH, allow_pickle=False) as f:
        images, labels, is_test = f["images"], f["labels"], f["is_test"]
    x = (images.astype(dtype) / 16)[:, None]
    y = labels.astype(np.int64)
    return Digits(x[~is_test], y[~is_test], x[is_test], y[is_test])
