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
# # Exercises 01 · Cross-correlation vs convolution
#
# Companion to [Lesson 1 · Cross-correlation vs convolution](../lessons/01_correlation_vs_convolution.ipynb). Three functions, 7 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate` (the grader gives 0 points for those).
# Return NumPy arrays of the dtype of the input (`float64` here).

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# ## 1 · Cross-correlation with loops (2 points)
#
# Deep-learning "convolution" is cross-correlation: slide the kernel $k$ over the image $x$
# and take a dot product at every position where it fits entirely (*valid* mode):
#
# $$\mathrm{out}[i, j] = \sum_{u=0}^{k_h - 1} \sum_{v=0}^{k_w - 1} x[i + u,\ j + v]\; k[u, v],
# \qquad 0 \le i \le H - k_h,\ 0 \le j \le W - k_w .$$
#
# The output has shape $(H - k_h + 1,\ W - k_w + 1)$. Two loops over $(i, j)$ are fine here.


# %%
# EXERCISE: 01.corr2d (2 points)
def corr2d(x, k):
    """Valid 2-D cross-correlation.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    k : ndarray, shape (kh, kw), with kh <= H and kw <= W

    Returns
    -------
    ndarray, shape (H - kh + 1, W - kw + 1)
    """
    ### BEGIN SOLUTION
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1), dtype=x.dtype)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out
    ### END SOLUTION


check("01.corr2d")

# %% [markdown]
# ## 2 · True convolution (2 points)
#
# Convolution in the mathematical sense flips the kernel in both axes (a 180° rotation)
# before sliding it:
#
# $$(x * k)[i, j] = \sum_{u, v} x[i + u,\ j + v]\; k[k_h - 1 - u,\ k_w - 1 - v],$$
#
# so `conv(x, k) == corr(x, k[::-1, ::-1])`. You may call your `corr2d`.


# %%
# EXERCISE: 01.conv2d_true (2 points)
def conv2d_true(x, k):
    """Valid 2-D convolution (the kernel is flipped), like scipy.signal.convolve2d(x, k, "valid").

    Parameters
    ----------
    x : ndarray, shape (H, W)
    k : ndarray, shape (kh, kw)

    Returns
    -------
    ndarray, shape (H - kh + 1, W - kw + 1)
    """
    ### BEGIN SOLUTION
    return corr2d(x, k[::-1, ::-1])
    ### END SOLUTION


check("01.conv2d_true")

# %% [markdown]
# ## 3 · Full convolution (3 points)
#
# *Full* mode keeps every position where the flipped kernel overlaps the image at least by
# one pixel: pad $k_h - 1$ zeros above and below, $k_w - 1$ left and right, then convolve
# in valid mode. The output has shape $(H + k_h - 1,\ W + k_w - 1)$ and, unlike valid
# mode, full convolution is commutative: `conv2d_full(x, k)` equals `conv2d_full(k, x)`,
# so the kernel may even be larger than the image.


# %%
# EXERCISE: 01.conv2d_full (3 points)
def conv2d_full(x, k):
    """Full 2-D convolution, like scipy.signal.convolve2d(x, k) (its default mode).

    Parameters
    ----------
    x : ndarray, shape (H, W)
    k : ndarray, shape (kh, kw), any size

    Returns
    -------
    ndarray, shape (H + kh - 1, W + kw - 1)
    """
    ### BEGIN SOLUTION
    kh, kw = k.shape
    padded = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    return conv2d_true(padded, k)
    ### END SOLUTION


check("01.conv2d_full")
