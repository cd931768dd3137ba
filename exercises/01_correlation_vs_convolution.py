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
# Companion to [Lesson 1 · Cross-correlation vs convolution](../lessons/01_correlation_vs_convolution.ipynb). Three functions (7 points), then two to design and debug (5 points): 12 points.
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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError


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
    # YOUR CODE HERE
    raise NotImplementedError


check("01.conv2d_full")

# %% [markdown]
# # Design and debug
#
# The functions above re-implement the definition. The two below use it: compute the same
# convolution by another route, and make it fast. Same rules, same `check()`.
#
# ## 4 · The convolution theorem (2 points)
#
# The Fourier transform turns convolution into a product: $\mathcal{F}(x * k) =
# \mathcal{F}(x) \cdot \mathcal{F}(k)$. The discrete FFT computes a *circular*
# convolution (the kernel wraps around the image's edges), so zero-pad both arrays to the
# full size $(H + k_h - 1,\ W + k_w - 1)$ first: then the product's inverse **is** the full
# convolution. The other modes are crops of it, as in `scipy.signal.convolve`: `"same"`
# keeps the $H \times W$ centre, starting at row $(k_h - 1)/\!/2$ (so an even kernel drops its
# extra row at the end), and `"valid"` keeps rows $k_h - 1 \dots H - 1$ (for $k \le x$).
# `np.fft` is allowed.


# %%
# EXERCISE: 01.fft_conv2d (2 points)
def fft_conv2d(x, k, mode="full"):
    """2-D convolution (kernel flipped) computed with the FFT, like scipy.signal.fftconvolve.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    k : ndarray, shape (kh, kw); for mode="valid", kh <= H and kw <= W
    mode : {"full", "same", "valid"}

    Returns
    -------
    ndarray of float64: full (H + kh - 1, W + kw - 1), same (H, W), valid (H - kh + 1, W - kw + 1)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("01.fft_conv2d")

# %% [markdown]
# ## 5 · conv2d as one matrix product: im2col (3 points, 1 of them for speed)
#
# Frameworks often compute a convolution as **one** matrix product. *Unfold* the padded
# input: every window, of $C \cdot k_h \cdot k_w$ numbers, becomes one row of a matrix
# (`np.lib.stride_tricks.sliding_window_view` gives all windows without copying; a
# reshape then copies them once). Multiplying by the flattened weight
# `w.reshape(O, -1).T` gives every output pixel of every filter at once. No loop over
# pixels: the grader times your function against a vectorised conv2d and keeps 1 point
# for running within 10× of it. Same layout as `torch.nn.functional.conv2d`: `x` is
# $(N, C, H, W)$, `w` is $(O, C, k_h, k_w)$; stride and padding are ints or pairs.


# %%
# EXERCISE: 01.conv2d_im2col (3 points)
def conv2d_im2col(x, w, b=None, stride=1, padding=0):
    """conv2d (cross-correlation) as one unfold and one matrix product.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (O, C, kh, kw)
    b : ndarray, shape (O,), or None
    stride, padding : int or (int, int)

    Returns
    -------
    ndarray, shape (N, O, oh, ow)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("01.conv2d_im2col")
