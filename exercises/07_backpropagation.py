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
# # Exercises 07 · Backpropagation through convolution
#
# Companion to [Lesson 7 · Backpropagation through convolution](../lessons/07_backpropagation.ipynb). Three functions, 9 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`. The forward pass is PyTorch's conv2d
# (cross-correlation) with zero padding and no dilation: `grad_out` is the gradient of the
# loss with respect to its output.

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# A helper you may use: stride, padding or kernel size given as an int or a pair.


# %%
def pair(v):
    """(v, v) for an int, the pair itself otherwise."""
    return (v, v) if isinstance(v, int) else tuple(v)


# %% [markdown]
# ## 1 · Max pooling backward (2 points)
#
# Max pooling passes each output gradient to the one input pixel that won its window
# (the *routing*); every other pixel gets 0. `indices` are PyTorch's: per $(n, c)$ plane,
# the flat position `row * W + col` of each maximum. When windows overlap, one pixel can
# win several windows: its gradients **add up**.


# %%
# EXERCISE: 07.max_pool2d_backward (2 points)
def max_pool2d_backward(grad_out, indices, input_shape):
    """Gradient of max_pool2d with respect to its input.

    Parameters
    ----------
    grad_out : ndarray, shape (N, C, oh, ow)
    indices : int ndarray, shape (N, C, oh, ow), flat positions in [0, H*W)
    input_shape : (N, C, H, W)

    Returns
    -------
    ndarray of shape input_shape, dtype of grad_out
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("07.max_pool2d_backward")

# %% [markdown]
# ## 2 · The weight gradient (3 points)
#
# Weight $w[o, c, u, v]$ multiplies $x_p[n, c, i s + u, j s + v]$ in every output
# $(n, o, i, j)$, so its gradient sums those products, weighted by the output gradients:
#
# $$\frac{\partial L}{\partial w[o, c, u, v]} = \sum_{n, i, j} g[n, o, i, j]\;
# x_p[n,\ c,\ i s + u,\ j s + v] .$$
#
# It is a correlation of the padded input with `grad_out` (no flip), summed over the
# batch. One loop over the kernel taps is enough.


# %%
# EXERCISE: 07.conv2d_grad_weight (3 points)
def conv2d_grad_weight(x, grad_out, kernel_size, stride=1, padding=0):
    """Gradient of conv2d with respect to its weight.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W), the forward input
    grad_out : ndarray, shape (N, O, oh, ow)
    kernel_size, stride, padding : int or (int, int)

    Returns
    -------
    ndarray, shape (O, C, kh, kw)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("07.conv2d_grad_weight")

# %% [markdown]
# ## 3 · The input gradient (4 points)
#
# Each output $(n, o, i, j)$ read the window of $x_p$ at $(i s, j s)$, weighted by
# $w[o]$; backward, it *scatters* $g[n, o, i, j]\, w[o]$ back onto that window:
#
# $$\frac{\partial L}{\partial x_p[n, c, i s + u, j s + v]} \mathrel{+}=
# \sum_o g[n, o, i, j]\; w[o, c, u, v],$$
#
# which is a transposed convolution of `grad_out` (equivalently, a full convolution with
# the flipped kernel). Crop the padding at the end. Rows that no window read (when
# $(H + 2p - k_h) \bmod s \neq 0$) get zero gradient: the result always has the input's
# shape.


# %%
# EXERCISE: 07.conv2d_grad_input (4 points)
def conv2d_grad_input(grad_out, w, input_shape, stride=1, padding=0):
    """Gradient of conv2d with respect to its input.

    Parameters
    ----------
    grad_out : ndarray, shape (N, O, oh, ow)
    w : ndarray, shape (O, C, kh, kw)
    input_shape : (N, C, H, W)
    stride, padding : int or (int, int)

    Returns
    -------
    ndarray of shape input_shape
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("07.conv2d_grad_input")
