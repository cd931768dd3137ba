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
# # Exercises 05 · Transposed convolution
#
# Companion to [Lesson 5 · Transposed convolution](../lessons/05_transposed_convolution.ipynb). Three functions (6 points), then two to design and debug (4 points): 10 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`.

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# ## 1 · The output size of a transposed convolution (1 point)
#
# A transposed convolution goes back from the size $n$ a convolution produced to the size
# it came from:
#
# $$o = (n - 1)\,s - 2p + d\,(k - 1) + \text{output\_padding} + 1 .$$
#
# A strided convolution maps several input sizes to the same $n$; `output_padding`
# (smaller than $s$) picks which one.


# %%
# EXERCISE: 05.transpose_output_size (1 point)
def transpose_output_size(n, k, s=1, p=0, output_padding=0, d=1):
    """Output length of a transposed convolution along one axis (an int)."""
    # YOUR CODE HERE
    raise NotImplementedError


check("05.transpose_output_size")

# %% [markdown]
# ## 2 · Convolution as a matrix (2 points)
#
# A convolution is linear, so there is a matrix $C$ with
# `C @ x.ravel() == conv(x, k).ravel()` (row-major order on both sides). Row
# $r = i \cdot o_w + j$ of $C$ holds the kernel placed where output $(i, j)$ reads the
# input:
#
# $$C[r,\ (i s + u - p) W + (j s + v - p)] = k[u, v]$$
#
# for every tap $(u, v)$ that lands inside the $H \times W$ input (taps on the zero
# padding contribute nothing). $C^\top$ is then the transposed convolution.


# %%
# EXERCISE: 05.conv_matrix (2 points)
def conv_matrix(input_shape, k, stride=1, padding=0):
    """The matrix of a single-channel 2-D cross-correlation.

    Parameters
    ----------
    input_shape : (int, int)
        (H, W) of the input.
    k : ndarray, shape (kh, kw)
    stride, padding : int

    Returns
    -------
    ndarray, shape (oh * ow, H * W)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("05.conv_matrix")

# %% [markdown]
# ## 3 · Transposed convolution as a scatter (3 points)
#
# Instead of gathering a window per output, a transposed convolution *scatters*: every
# input pixel $x[c, i, j]$ stamps the kernel $w[c]$, scaled by its value, onto the output
# at $(i s, j s)$; overlapping stamps add up. Start from zeros of the uncropped size
# $((H - 1)s + k_h,\ (W - 1)s + k_w)$, scatter, then crop $p$ rows and columns from every
# side. PyTorch's weight layout for it is `(C_in, C_out, kh, kw)`.


# %%
# EXERCISE: 05.conv_transpose2d_scatter (3 points)
def conv_transpose2d_scatter(x, w, stride=1, padding=0):
    """Transposed 2-D convolution of one sample, like torch's conv_transpose2d.

    Parameters
    ----------
    x : ndarray, shape (C_in, H, W)
    w : ndarray, shape (C_in, C_out, kh, kw)
    stride, padding : int

    Returns
    -------
    ndarray, shape (C_out, (H - 1) * stride - 2 * padding + kh, (W - 1) * stride - 2 * padding + kw)
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("05.conv_transpose2d_scatter")

# %% [markdown]
# # Design and debug
#
# ## 4 · Predict the checkerboard (1 point)
#
# A 1-D transposed convolution with kernel size $k$ and stride $s$ stamps the kernel every
# $s$ pixels. Away from the borders, does every output pixel receive the same number of
# stamps (uniform overlap), or do the counts alternate (the checkerboard artifacts of
# upsampling layers, Odena et al. 2016)? Return `True` for uniform overlap. Draw
# $k = 3, s = 2$ and $k = 4, s = 2$ on paper first.


# %%
# EXERCISE: 05.uniform_overlap (1 point)
def uniform_overlap(k, s):
    """Whether stride-s stamps of a k-tap kernel cover every pixel equally often (a bool)."""
    # YOUR CODE HERE
    raise NotImplementedError


check("05.uniform_overlap")

# %% [markdown]
# ## 5 · Transposed convolution by zero insertion (3 points)
#
# A transposed convolution is also an ordinary convolution of a *stretched* input (the
# "fractionally strided" view):
#
# 1. insert $s - 1$ zeros between neighbouring pixels, rows and columns:
#    $(H - 1)s + 1$ rows;
# 2. pad $k - 1 - p$ zeros on every side, and `output_padding` more rows and columns at the
#    **bottom and right** only;
# 3. correlate (valid) with the **flipped** kernel `k[::-1, ::-1]`.
#
# The output has $(H - 1)s - 2p + k + \text{output\_padding}$ rows, as
# `conv_transpose2d`. Single channel: `x` is $(H, W)$, `k` is $(k_h, k_w)$; here
# $p \le k - 1$ and `output_padding` $< s$.


# %%
# EXERCISE: 05.transposed_by_zero_insertion (3 points)
def transposed_by_zero_insertion(x, k, stride=1, padding=0, output_padding=0):
    """conv_transpose2d of one channel, built as zero insertion + padding + flipped conv."""
    # YOUR CODE HERE
    raise NotImplementedError


check("05.transposed_by_zero_insertion")
