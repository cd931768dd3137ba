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
# # Exercises 02 · Padding, stride and output size
#
# Companion to [Lesson 2 · Padding, stride and output size](../lessons/02_padding_stride.ipynb). Three functions (6 points), then two to design and debug (3 points): 9 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`; `reflect_pad` must not call `np.pad`.

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# ## 1 · The output size (1 point)
#
# A convolution with kernel size $k$, stride $s$, padding $p$ (added on **each** side)
# and dilation $d$ (1 = none) turns a length $n$ into
#
# $$o = \left\lfloor \frac{n + 2p - d(k - 1) - 1}{s} \right\rfloor + 1 .$$
#
# $d(k-1)+1$ is the span of the dilated kernel; the floor drops a last window that does
# not fit entirely.


# %%
# EXERCISE: 02.output_size (1 point)
def output_size(n, k, s=1, p=0, d=1):
    """Output length of a convolution along one axis (an int).

    Parameters
    ----------
    n, k : int
        Input length and kernel size.
    s, p, d : int
        Stride, padding on each side, dilation.
    """
    ### BEGIN SOLUTION
    return (n + 2 * p - d * (k - 1) - 1) // s + 1
    ### END SOLUTION


check("02.output_size")

# %% [markdown]
# ## 2 · Reflect padding by hand (2 points)
#
# `reflect` padding mirrors the image around its edge pixel, **without** repeating it:
# the row `[1 2 3 4]` padded by 2 becomes `[3 2 | 1 2 3 4 | 3 2]`. Pad $p$ on every side
# of a 2-D array, rows and columns alike, without `np.pad` (index arrays or slices and
# `np.concatenate` do it). As in PyTorch, the padding must be smaller than the size:
# raise `ValueError` when $p \ge H$ or $p \ge W$.


# %%
# EXERCISE: 02.reflect_pad (2 points)
def reflect_pad(x, p):
    """Reflect-pad a 2-D array by ``p`` on each side (like torch's mode="reflect").

    Parameters
    ----------
    x : ndarray, shape (H, W)
    p : int, 0 <= p < min(H, W)

    Returns
    -------
    ndarray, shape (H + 2p, W + 2p)

    Raises
    ------
    ValueError
        If p >= H or p >= W.
    """
    ### BEGIN SOLUTION
    h, w = x.shape
    if p >= h or p >= w:
        raise ValueError(f"reflect_pad: p must be smaller than both sizes {x.shape}; got p={p}")

    def mirrored(n):  # indices p..1, 0..n-1, n-2..n-1-p
        return np.concatenate([np.arange(p, 0, -1), np.arange(n), np.arange(n - 2, n - 2 - p, -1)])

    return x[mirrored(h)][:, mirrored(w)]
    ### END SOLUTION


check("02.reflect_pad")

# %% [markdown]
# Once it is done, this should raise the `ValueError` (the cell is tagged `raises-exception`):

# %% tags=["raises-exception"]
reflect_pad(np.arange(9.0).reshape(3, 3), 3)

# %% [markdown]
# ## 3 · A strided, padded single-channel convolution (3 points)
#
# Zero-pad $p$ on each side, then take every $s$-th window:
#
# $$\mathrm{out}[i, j] = \sum_{u, v} x_p[i s + u,\ j s + v]\; k[u, v],$$
#
# with the output size of exercise 1 along each axis. `stride` and `padding` are an int or
# a pair `(rows, columns)`. Vectorising is optional here (hint:
# `np.lib.stride_tricks.sliding_window_view`).


# %%
# EXERCISE: 02.conv2d_single (3 points)
def conv2d_single(x, k, stride=1, padding=0):
    """Single-channel 2-D cross-correlation with stride and zero padding.

    Parameters
    ----------
    x : ndarray, shape (H, W)
    k : ndarray, shape (kh, kw)
    stride, padding : int or (int, int)

    Returns
    -------
    ndarray, shape (oh, ow) with oh = (H + 2*ph - kh) // sh + 1, and so on.
    """
    ### BEGIN SOLUTION
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, k.shape)[::sh, ::sw]
    return np.einsum("ijuv,uv->ij", windows, k)
    ### END SOLUTION


check("02.conv2d_single")

# %% [markdown]
# # Design and debug
#
# ## 4 · Find the bug in a published formula (1 point)
#
# A widely read set of notes gives the output size of a strided convolution as below,
# with $W$ the input size, $k$ the kernel size, $P$ the **total** padding (both sides
# together) and $s$ the stride. Run it on $W = 4$, $k = 3$, $P = 0$, $s = 2$: count the
# window positions by hand and compare.


# %% tags=["nbval-check-output"]
def output_size_published(W, k, P, s):
    """The formula as published (P = total padding). It has bugs."""
    return (W - k + P + s + 1) / s


output_size_published(4, 3, 0, 2)

# %% [markdown]
# Write `output_size_fixed` with the same arguments (and the same meaning of $P$), returning
# the right size as an `int`. The grader runs it on inputs where the published formula goes
# wrong.


# %%
# EXERCISE: 02.fix_output_size (1 point)
def output_size_fixed(W, k, P, s):
    """Output size of a convolution: input W, kernel k, total padding P, stride s (an int)."""
    ### BEGIN SOLUTION
    return (W - k + P) // s + 1
    ### END SOLUTION


check("02.fix_output_size")

# %% [markdown]
# ## 5 · Design: padding and stride for a target size (2 points)
#
# You have an input of length $n$ and a $k$-tap kernel, and the next layer needs exactly
# `target` outputs. Return **any** `(p, s)` (padding on each side, stride) with
# $0 \le p < k$ and $s \ge 1$ that gives `target`, or `None` when no such pair exists.
# Many answers can be right: the grader checks yours with the formula, it does not
# compare it with one answer. (Why is $n = 10$, $k = 4$, target $10$ impossible?)


# %%
# EXERCISE: 02.choose_padding_stride (2 points)
def choose_padding_stride(n, k, target):
    """A (padding, stride) pair that maps length n to target with a k-tap kernel, or None.

    Parameters
    ----------
    n, k, target : int

    Returns
    -------
    (int, int) with 0 <= p < k and s >= 1, or None
    """
    ### BEGIN SOLUTION
    for p in range(k):
        span = n + 2 * p - k  # the last window may start at most here
        if span < 0:
            continue
        for s in range(1, span + 2):
            if span // s + 1 == target:
                return p, s
    return None
    ### END SOLUTION


check("02.choose_padding_stride")
