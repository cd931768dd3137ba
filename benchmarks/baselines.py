"""The scipy baseline: ``scipy.signal.correlate2d`` looped over images and channels.

This is the signal-processing toolbox used for deep learning. (The other baseline, naive
loops over output pixels, is :func:`convlab.reference.conv_reference`, the course's own
readable definition.) Like every column, it is checked against torch before timing.
"""

from __future__ import annotations

import numpy as np


def conv2d_scipy(x, w, b, stride, padding, dilation, groups):
    """Sum of ``correlate2d(image channel, kernel channel, "valid")`` over input channels.

    scipy has no stride or dilation: the kernel gets ``dilation - 1`` zeros between taps
    and the full-resolution result is subsampled, which is what a scipy user would do.
    """
    from scipy.signal import correlate2d

    c_out, c_group, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    if dilation > 1:
        wd = np.zeros((c_out, c_group, dilation * (kh - 1) + 1, dilation * (kw - 1) + 1), w.dtype)
        wd[..., ::dilation, ::dilation] = w
        w = wd
    per_group = c_out // groups
    rows = []
    for image in xp:
        planes = []
        for o in range(c_out):
            c0 = (o // per_group) * c_group
            acc = sum(correlate2d(image[c0 + c], w[o, c], mode="valid") for c in range(c_group))
            planes.append(acc[::stride, ::stride] + (0 if b is None else b[o]))
        rows.append(planes)
    return np.asarray(rows, dtype=x.dtype)
