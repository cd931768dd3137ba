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
# # Exercises 04 · Dilation and receptive field
#
# Companion to [Lesson 4 · Dilation and receptive field](../lessons/04_dilation_receptive_field.ipynb). Three functions (6 points), then three to design and debug (5 points): 11 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy and the standard library only: no `convlab`, `torch` or `scipy.signal`
# inside your functions.

# %%
import math

import numpy as np

from convlab.grading import check

# %% [markdown]
# ## 1 · Dilate a kernel (1 point)
#
# A convolution with dilation $d$ spaces the kernel taps $d$ pixels apart. It is the same as
# an ordinary convolution with a *dilated kernel*: $d - 1$ zeros inserted between
# neighbouring taps, in both directions, so a $k_h \times k_w$ kernel becomes
# $((k_h - 1)d + 1) \times ((k_w - 1)d + 1)$. With $d = 1$ nothing changes.


# %%
# EXERCISE: 04.dilate_kernel (1 point)
def dilate_kernel(k, d):
    """Insert d - 1 zeros between the taps of a 2-D kernel.

    Parameters
    ----------
    k : ndarray, shape (kh, kw)
    d : int >= 1

    Returns
    -------
    ndarray, shape ((kh - 1) * d + 1, (kw - 1) * d + 1), dtype of k
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("04.dilate_kernel")

# %% [markdown]
# ## 2 · Receptive field of a stack (2 points)
#
# How many input pixels (along one axis) can one output pixel of a stack of layers see?
# Each layer $l$ has kernel size $k_l$, stride $s_l$ and dilation $d_l$. With the *jump*
# $j_l$ (the distance in input pixels between neighbouring outputs of layer $l$):
#
# $$r_0 = 1,\ j_0 = 1, \qquad r_l = r_{l-1} + (k_l - 1)\, d_l\, j_{l-1}, \qquad j_l = j_{l-1}\, s_l .$$
#
# Return the list $[r_1, \dots, r_L]$ (pooling layers count as layers too).


# %%
# EXERCISE: 04.receptive_field (2 points)
def receptive_field(layers):
    """Receptive field after each layer of a stack.

    Parameters
    ----------
    layers : list of (kernel_size, stride, dilation) tuples of ints

    Returns
    -------
    list of int
        The receptive field size after layer 1, 2, ...
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("04.receptive_field")

# %% [markdown]
# ## 3 · The Hybrid Dilated Convolution rule, as stated in the paper (3 points)
#
# Stacking dilated convolutions with rates $[r_1, \dots, r_n]$ can leave holes: with
# $[2, 4, 6]$ the top layer never sees odd pixels (*gridding*). Wang et al. (2018) give a
# rule. With the maximum distance between two non-zero taps
#
# $$M_n = r_n, \qquad M_i = \max\big(M_{i+1} - 2 r_i,\ M_{i+1} - 2(M_{i+1} - r_i),\ r_i\big)
# \quad (i = n - 1, \dots, 2),$$
#
# a stack with kernel size $K$ is fine when $M_2 \le K$ **and** the rates have no common
# factor larger than 1. So $[1, 2, 5]$ with $K = 3$ is fine, $[2, 4, 6]$ is not.
#
# **This exercise grades the rule as stated in the paper**, not the truth about holes. The
# lesson shows the rule is inexact outside the paper's setting (rates that start at 1 and
# grow, applied per group): $[2, 3]$ passes it yet leaves holes, $[1, 3, 1]$ fails it yet
# has none. Implement the rule as written; exercise 4 below counts the actual holes.


# %%
# EXERCISE: 04.hdc_ok (3 points)
def hdc_ok(dilations, kernel_size):
    """Whether a stack of dilated convolutions satisfies the HDC rule.

    Parameters
    ----------
    dilations : list of int (at least two)
    kernel_size : int

    Returns
    -------
    bool
    """
    # YOUR CODE HERE
    raise NotImplementedError


check("04.hdc_ok")

# %% [markdown]
# # Design and debug
#
# ## 4 · Count the holes (1 point)
#
# The HDC rule is a test; the truth is the coverage. Along one row, a layer of rate $d$
# and kernel size $K$ reaches the offsets $\{0, d, \dots, (K - 1)d\}$, and a stack reaches
# every sum of one offset per layer. Return how many of the $1 + (K - 1)\sum d$ positions of
# the receptive field **no** sum reaches (0: no gridding). `convlab.dilation_coverage`
# draws it (in the lesson, not here).


# %%
# EXERCISE: 04.hole_count (1 point)
def hole_count(dilations, kernel_size):
    """How many pixels of one row of the stack's receptive field no path reaches (an int)."""
    # YOUR CODE HERE
    raise NotImplementedError


check("04.hole_count")

# %% [markdown]
# ## 5 · Size, jump and start of every layer (2 points)
#
# Araujo et al. ("Computing receptive fields of convolutional neural networks", Distill
# 2019) track three numbers per layer $l$ with kernel $k_l$, stride $s_l$, padding $p_l$
# and dilation $d_l$, starting from $r_0 = j_0 = 1$, $t_0 = 0$:
#
# - the size $r_l = r_{l-1} + d_l (k_l - 1)\, j_{l-1}$ of one unit's receptive field,
# - the jump $j_l = j_{l-1} s_l$ between neighbouring units, in input pixels,
# - the start $t_l = t_{l-1} - p_l\, j_{l-1}$: the input index of the first pixel unit 0
#   sees (negative: inside the padding). Unit $i$ sees $[t_l + i j_l,\ t_l + i j_l + r_l)$.
#
# `layers` is a list of `(k, s, p, d)`; return one `(size, jump, start)` per layer.


# %%
# EXERCISE: 04.rf_start_jump (2 points)
def rf_start_jump(layers):
    """[(size, jump, start), …] after each (k, s, p, d) layer."""
    # YOUR CODE HERE
    raise NotImplementedError


check("04.rf_start_jump")

# %% [markdown]
# ## 6 · Design: a dilation schedule without holes (2 points)
#
# Choose the rates of `n_layers` stacked $k \times k$ convolutions (stride 1) so that the
# stack has **no holes** (your `hole_count` is 0) and a receptive field
# $1 + (k - 1)\sum d \ge$ `min_rf`; return `None` if no schedule can. Any such schedule
# earns the points. Hint: while the offsets reached so far fill $0 \dots m$ without a gap,
# a new rate $d$ keeps them gap-free exactly when $d \le m + 1$.


# %%
# EXERCISE: 04.dilation_schedule (2 points)
def dilation_schedule(n_layers, k, min_rf):
    """A list of n_layers dilation rates, hole-free, with receptive field >= min_rf, or None."""
    # YOUR CODE HERE
    raise NotImplementedError


check("04.dilation_schedule")
