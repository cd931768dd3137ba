# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exercises 06 · Pooling
#
# Companion to [Lesson 6 · Pooling](../lessons/06_pooling.ipynb). Three functions (6 points), then two to design and debug (4 points): 10 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`. Inputs are `(N, C, H, W)`; pooling
# works on each channel separately. `stride=None` means `stride = kernel_size`.

# %%
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from convlab.grading import check

# %% [markdown]
# ## 1 · Pooled size with `ceil_mode` (1 point)
#
# In floor mode a pooling layer has the convolution's size
# $\lfloor (n + 2p - k)/s \rfloor + 1$. With `ceil_mode=True` (Caffe's convention) it
# rounds up, $\lceil (n + 2p - k)/s \rceil + 1$, so a partial last window counts, with
# PyTorch's extra rule: the last window must *start* inside the input or the left padding.
# If $(o - 1)\,s \ge n + p$, drop it: $o - 1$.


# %%
# EXERCISE: 06.pool_output_size (1 point)
def pool_output_size(n, k, s, p=0, ceil_mode=False):
    """Output length of max/avg pooling along one axis, with PyTorch's ceil_mode rule."""
    # YOUR CODE HERE
    raise NotImplementedError


check("06.pool_output_size")

# %% [markdown]
# ## 2 · Average pooling and `count_include_pad` (2 points)
#
# Average pooling sums each $k \times k$ window of the zero-padded input and divides by
# $k^2$ when `count_include_pad=True` (the padding zeros count), or by the number of real
# input pixels in the window when `False`, which only differs for windows that overlap
# the padding.


# %%
# EXERCISE: 06.avg_pool2d (2 points)
def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    """2-D average pooling like torch's avg_pool2d (square windows, floor mode).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    kernel_size : int
    stride : int or None (None means kernel_size)
    padding : int, at most kernel_size // 2
    count_include_pad : bool

    Returns
    -------
    ndarray, shape (N, C, oh, ow)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("06.avg_pool2d")

# %% [markdown]
# ## 3 · Max pooling with PyTorch's indices (3 points)
#
# Return the maxima **and** where they were, as PyTorch's `return_indices=True` does: for
# each $(n, c)$ plane, the flat position `row * W + col` of the maximum in the *unpadded*
# $H \times W$ input. Pad with $-\infty$ (a zero from the padding must never win), and
# break ties by the first maximum in row-major window order (what `argmax` does).


# %%
# EXERCISE: 06.max_pool2d_indices (3 points)
def max_pool2d_indices(x, kernel_size, stride=None, padding=0):
    """2-D max pooling with indices, like torch's max_pool2d(..., return_indices=True).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    kernel_size : int
    stride : int or None (None means kernel_size)
    padding : int, at most kernel_size // 2

    Returns
    -------
    (values, indices) : ndarrays of shape (N, C, oh, ow); indices are integers in [0, H*W)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("06.max_pool2d_indices")

# %% [markdown]
# # Design and debug
#
# ## 4 · The windows of adaptive pooling (1 point)
#
# `adaptive_avg_pool2d(x, out)` accepts any input size: along a dim of length $n$, window
# $i$ of `out` covers the input indices
# $\left[\lfloor i n / \text{out} \rfloor,\ \lceil (i + 1) n / \text{out} \rceil\right)$.
# Windows may overlap and differ in length by one, so this is *not* one pooling with a
# fixed kernel and stride. Return the starts and the ends (exclusive) as two int arrays;
# use integer arithmetic (floats round badly for large $n$).


# %%
# EXERCISE: 06.adaptive_windows (1 point)
def adaptive_windows(n, out):
    """(starts, ends) of the `out` adaptive pooling windows over a length-n dim (int arrays)."""
    # YOUR CODE HERE
    raise NotImplementedError


check("06.adaptive_windows")

# %% [markdown]
# ## 5 · Average pooling backward, `count_include_pad` both ways (3 points)
#
# Output $(i, j)$ of average pooling is its window's sum divided by a divisor: $k^2$ with
# `count_include_pad=True`, the number of real (non-padding) pixels in that window with
# `False`. Backward, each output gradient is shared equally by its window:
# every pixel of the window receives `grad_out[n, c, i, j] / divisor`, and a pixel that
# belongs to several windows receives the **sum** of their shares. Padding pixels receive
# shares too, which are then cropped away. `stride=None` means `stride = kernel_size`.


# %%
# EXERCISE: 06.avg_pool_backward (3 points)
def avg_pool_backward(grad_out, input_shape, kernel_size, stride=None, padding=0,
                      count_include_pad=True):  # fmt: skip
    """Gradient of avg_pool2d (square kernel, int stride and padding) w.r.t. its input.

    Parameters
    ----------
    grad_out : ndarray, shape (N, C, oh, ow)
    input_shape : (N, C, H, W)
    kernel_size, padding : int
    stride : int or None
    count_include_pad : bool

    Returns
    -------
    ndarray of shape input_shape
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("06.avg_pool_backward")
