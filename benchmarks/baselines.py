"""The two baselines convlab is timed against besides torch.

* :func:`conv2d_loops`: a convolution written as loops over output pixels, one NumPy
  window product per output value (what a first attempt looks like). Teaching size only.
* :func:`conv2d_scipy`: ``scipy.signal.correlate2d`` looped over images, output channels
  and input channels (the signal-processing toolbox used for deep learning).

Both double as independent oracles: the harness checks every implementation's output
against convlab's before timing anything.
"""

from __future__ import annotations

import numpy as np


def conv2d_loops(x, w, b, stride, padding, dilation, groups):
    """``out[n, o, i, j] = b[o] + sum(window * w[o])``, one output value at a time."""
    n_img, _, h, wd = x.shape
    c_out, c_group, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    reach_h, reach_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    h_out = (h + 2 * padding - reach_h) // stride + 1
    w_out = (wd + 2 * padding - reach_w) // stride + 1
    per_group = c_out // groups
    y = np.zeros((n_img, c_out, h_out, w_out), x.dtype)
    for n in range(n_img):
        for o in range(c_out):
            c0 = (o // per_group) * c_group
            for i in range(h_out):
                for j in range(w_out):
                    r, c = i * stride, j * stride
                    window = xp[
                        n, c0 : c0 + c_group, r : r + reach_h : dilation, c : c + reach_w : dilation
                    ]
                    y[n, o, i, j] = np.sum(window * w[o]) + (0 if b is None else b[o])
    return y


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
