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


# ---------------------------------------------------------------- the NumPy peers
# How people write a fast convolution in plain NumPy (the ``--peers`` columns). Both are
# written here from their well-known recipes, so the harness needs no extra package.


def conv2d_einsum(x, w, b, stride, padding, dilation, groups):
    """``np.einsum`` over ``sliding_window_view`` windows (``optimize=True``).

    The idiom of NumPy tutorials and Stack Overflow answers: a zero-copy window view of
    the padded input, contracted with the weight; ``optimize=True`` lets einsum hand the
    contraction to BLAS (through ``tensordot``, which copies the windows first).
    """
    from numpy.lib.stride_tricks import sliding_window_view

    c_out, c_group, kh, kw = w.shape
    n = x.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    extent = (dilation * (kh - 1) + 1, dilation * (kw - 1) + 1)
    v = sliding_window_view(xp, extent, axis=(2, 3))
    v = v[:, :, ::stride, ::stride, ::dilation, ::dilation]
    v = v.reshape(n, groups, c_group, *v.shape[2:])
    wg = w.reshape(groups, c_out // groups, c_group, kh, kw)
    y = np.einsum("ngchwij,gocij->ngohw", v, wg, optimize=True)
    y = y.reshape(n, c_out, *y.shape[3:])
    return y + b.reshape(-1, 1, 1)


def conv2d_strides(x, w, b, stride, padding, dilation, groups):
    """CS231n's ``conv_forward_strides``: im2col as one ``as_strided`` view, copied
    contiguous, one ``dot`` per group, then the ``(C_out, N, ...)`` result transposed
    back (extended here with dilation and groups, which the original lacks).
    """
    from numpy.lib.stride_tricks import as_strided

    c_out, c_group, kh, kw = w.shape
    n = x.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    _, c, h, wd = xp.shape
    oh = (h - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd - dilation * (kw - 1) - 1) // stride + 1
    per_group = c_out // groups
    outs = []
    for g in range(groups):
        xg = xp[:, g * c_group : (g + 1) * c_group]
        s = np.array((h * wd, dilation * wd, dilation, c * h * wd, stride * wd, stride))
        cols = as_strided(xg, (c_group, kh, kw, n, oh, ow), s * xp.itemsize)
        cols = np.ascontiguousarray(cols).reshape(c_group * kh * kw, n * oh * ow)
        wg = w[g * per_group : (g + 1) * per_group].reshape(per_group, -1)
        outs.append(wg.dot(cols))
    res = np.concatenate(outs) + b.reshape(-1, 1)
    return np.ascontiguousarray(res.reshape(c_out, n, oh, ow).transpose(1, 0, 2, 3))
