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
# # Lesson 2 · Padding, stride and output size
#
# Every convolution layer you write, `nn.Conv2d(64, 128, kernel_size=3, stride=2,
# padding=1)`, is a promise about shapes, and most "size mismatch" errors in a CNN come from
# getting one of these numbers wrong. Four integers decide how big the output is: the kernel
# size $k$, the **padding** $p$ (what we add around the border), the **stride** $s$ (how far
# the window jumps) and the **dilation** $d$ (how far apart the kernel's taps are). This
# lesson derives the output size one step at a time, exactly as PyTorch computes it, then
# looks at what goes *into* the padding, at `padding="same"` (and why even kernels make it
# lopsided), and at the input rows a strided convolution silently never reads.
#
# **Learning objectives.** After this lesson you can
#
# - derive and use $o = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$, knowing that $p$ is
#   added on **each** side and that the division rounds **down**;
# - pad by hand in the four modes `zeros`, `reflect`, `replicate` and `circular`, and say
#   when `reflect` and `circular` refuse;
# - compute `padding="same"` for any kernel, including even ones (the extra row goes at the
#   **end**), and explain why it only exists for stride 1;
# - predict which input rows a strided convolution never visits, and why that makes going
#   back up (transposed convolution) ambiguous.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import numpy as np

import convlab
from convlab import plot, reference, widgets

np.set_printoptions(linewidth=100)

# the kernel of Dumoulin & Visin's convolution-arithmetic figures: small, easy to add up
W3 = np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])


def square(n):
    """The n×n input 1, 2, …, n², easy to follow by eye (a display helper)."""
    return np.arange(1.0, n * n + 1).reshape(n, n)


# %% [markdown]
# ## 1 · The picture
#
# A 5×5 input, padded by one cell of zeros all round (hatched), a 3×3 kernel, stride 2. The
# orange window is the last one, output position $(2, 2)$: it starts at input row
# $2 \cdot 2 - 1 = 3$ and reaches the bottom padding row. The window visited rows
# $-1, 1, 3$ as starting rows (negative indices are padding), so the output is 3×3.

# %%
fig = plot.conv_step(square(5), W3, 2, 2, stride=2, padding=1)

# %% [markdown]
# ## 2 · The output size, one step at a time
#
# Everything happens independently along each axis, so think of one row of length $n$. The
# output has one value per position where the window fits, so the output size $o$ is just
# **the number of valid starting positions**. We list them with a one-line helper (input
# coordinates: index $-1$ is the first padding cell on the left) and compare with
# `convlab.conv_output_size`, the library's formula.


# %%
def starts(n, k, s=1, p=0, d=1):
    """Where each window starts, in input coordinates (negative = left padding)."""
    return list(range(-p, n + p - d * (k - 1), s))


# %% [markdown]
# **Step 1 — no padding, stride 1.** A window of $k$ cells starting at $i$ covers
# $i, \dots, i + k - 1$; it fits while $i + k - 1 \le n - 1$, so $i = 0, 1, \dots, n - k$:
#
# $$o = n - k + 1 .$$

# %% tags=["nbval-check-output"]
n, k = 5, 3
print(f"n={n}, k={k}: starts {starts(n, k)}  ->  o = n - k + 1 = {n - k + 1}")
print("conv_output_size(5, 3) =", convlab.conv_output_size(n, k))

# %% [markdown]
# **Step 2 — padding.** Padding $p$ adds $p$ cells on **each** side, so the row the window
# slides over has length $n + 2p$. Replace $n$ by $n + 2p$:
#
# $$o = n + 2p - k + 1 .$$
#
# With $k = 2p + 1$ (an odd kernel, $p = (k-1)/2$) this gives $o = n$: the size is kept.
#
# > **Per side, not total.** PyTorch's `padding=1` adds one row on top *and* one at the
# > bottom: two in total. So do CS231n ($P$) and Dumoulin & Visin's guide. Some sources
# > write the **total** instead: *Dive into Deep Learning* (§7.3) calls the total $p_h$ and
# > gets $n_h - k_h + p_h + 1$. Both are right; mixing them up is off by a factor of 2.
# > In this course $p$ is always per side.

# %% tags=["nbval-check-output"]
n, k, p = 5, 3, 1
print(f"p={p}: starts {starts(n, k, p=p)}  ->  o = n + 2p - k + 1 = {n + 2 * p - k + 1}")
print("conv_output_size(5, 3, padding=1) =", convlab.conv_output_size(n, k, padding=p))

# %% [markdown]
# **Step 3 — stride.** With stride $s$ the window starts only at every $s$-th position.
# Count in the padded row (index 0 is the first padding cell, so input index $-p$): the
# starts are $0, s, 2s, \dots$ as long as the start is at most $n + 2p - k$. The number of
# multiples of $s$ in $[0, n + 2p - k]$ is
#
# $$o = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 .$$
#
# The **floor** matters: when $s$ does not divide $n + 2p - k$, the last few rows are left
# over and no window starts there (section 6 shows which). PyTorch always rounds down for
# convolution. Caffe's *pooling* layers round up, a partial last window still counting;
# PyTorch offers that as `ceil_mode=True` for pooling only (lesson 6).

# %% tags=["nbval-check-output"]
for n in (7, 6):
    k, s, p = 3, 2, 1
    o = (n + 2 * p - k) // s + 1
    print(
        f"n={n}, k=3, s=2, p=1: starts {starts(n, k, s, p)}  ->  o = ⌊{n + 2 * p - k}/2⌋ + 1 = {o}"
    )

# %% [markdown]
# **Step 4 — dilation.** A kernel with dilation $d$ puts its $k$ taps $d$ cells apart, so it
# spans $d(k-1) + 1$ cells: the same as a dense kernel of that size. Replace $k$ by
# $d(k-1) + 1$ in step 3 and you have PyTorch's formula (the one in the `nn.Conv2d` docs):
#
# $$\boxed{\,o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1\,}$$
#
# $d = 1$ means **no** dilation (taps next to each other). Some texts count the *holes*
# between taps instead, so their "dilation 0" is PyTorch's `dilation=1`. Below: a 7×7 input,
# a 3×3 kernel with $d = 2$ spans 5 cells, so $o = 7 - 4 - 1 + 1 = 3$.

# %%
fig = plot.conv_step(square(7), W3, 0, 2, dilation=2)

# %% tags=["nbval-check-output"]
n, k, d = 7, 3, 2
print(f"d={d}: span d(k-1)+1 = {d * (k - 1) + 1}, starts {starts(n, k, d=d)}  ->  o = 3")
print("conv_output_size(7, 3, dilation=2) =", convlab.conv_output_size(n, k, dilation=d))

# %% [markdown]
# **The numbers, checked against the definition.** For a few settings we compare three
# things: the formula, the shape of `convlab.conv2d`'s output, and its values against
# `convlab.reference.conv_reference`, the textbook loop
# $y[i, j] = \sum_{a, b} x_p[i s + a d,\ j s + b d]\, w[a, b]$ over the zero-padded input
# $x_p$.

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
print(" n  k  s  p  d |  o  conv2d shape  matches reference")
for n, k, s, p, d in [
    (5, 3, 1, 0, 1),
    (5, 3, 1, 1, 1),
    (7, 3, 2, 1, 1),
    (6, 3, 2, 1, 1),
    (7, 3, 1, 0, 2),
    (9, 4, 3, 2, 2),
    (8, 5, 2, 2, 1),
]:
    x, w = rng.standard_normal((1, 1, n, n)), rng.standard_normal((1, 1, k, k))
    y = convlab.conv2d(x, w, stride=s, padding=p, dilation=d)
    ref = reference.conv_reference(x, w, stride=s, padding=p, dilation=d)
    o = convlab.conv_output_size(n, k, s, p, d)
    print(f"{n:2} {k:2} {s:2} {p:2} {d:2} | {o:2}  {y.shape!s:13} {np.allclose(y, ref)}")

# %% [markdown]
# ### Play with it
#
# The explorer slides the kernel over the input $1 \dots n^2$ and writes the formula with
# your numbers in it. It starts at $n = 6$, $k = 3$, stride 2, no padding. Things to try:
#
# - drag **n** to 5, back to 6, then to 7: the output is 2×2 for both 5 and 6 (at 6 the
#   last row and column are never touched), and 3×3 at 7;
# - with $k = 3$, padding 1 and stride 1, the output is always $n \times n$;
# - raise the dilation to 2 and watch the orange footprint spread out, the output shrink;
# - press **play** to watch the window visit every output position in order.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer(n=6, k=3, stride=2, padding=0)

# %% [markdown]
# ## 3 · What goes into the padding: four modes
#
# So far the padding was zeros. PyTorch's `Conv2d` has `padding_mode` with four choices.
# Here is the 4×4 input $1 \dots 16$ padded by 1 in each mode; every padded cell has the
# colour of the input cell it copies.

# %%
fig = plot.padding_modes(padding=1)

# %% [markdown]
# The same, as the arrays `convlab.pad` returns (`convlab.pad` is `torch.nn.functional.pad`:
# its padding tuple lists the **last** axis first, `(left, right, top, bottom)`, and it
# calls zero padding `"constant"`, whereas `Conv2d` calls it `"zeros"`).

# %% tags=["nbval-check-output"]
x = square(4)[None]  # (C, H, W) = (1, 4, 4): reflect/replicate/circular want channels
for mode in ("constant", "reflect", "replicate", "circular"):
    print(f"{mode}:")
    print(convlab.pad(x, (1, 1, 1, 1), mode=mode)[0].astype(int))  # ints, easier to read

# %% [markdown]
# **The index rules.** Padding never invents numbers (except the zeros): a padded position
# $i$ (with $i < 0$ or $i \ge n$) copies one input index. `convlab.reference.pad_index`
# answers "which?" for one axis; in 2-D the rule is applied to the row and the column
# separately (that is why the reflect corner above is 6: row $-1 \to 1$, column
# $-1 \to 1$).
#
# | mode | padded index $i$ copies | on `1 2 3 4`, $p = 2$ | NumPy's name |
# |---|---|---|---|
# | `zeros` | nothing: 0 | `0 0 │ 1 2 3 4 │ 0 0` | `constant` |
# | `reflect` | $-i$ if $i < 0$; $2(n-1) - i$ if $i \ge n$ | `3 2 │ 1 2 3 4 │ 3 2` | `reflect` |
# | `replicate` | $\min(\max(i, 0), n-1)$ | `1 1 │ 1 2 3 4 │ 4 4` | `edge` |
# | `circular` | $i \bmod n$ | `3 4 │ 1 2 3 4 │ 1 2` | `wrap` |
#
# `reflect` mirrors about the edge pixel **without repeating it**. NumPy's `symmetric`
# mode repeats it (`2 1 │ 1 2 3 4 │ 4 3`) and is *not* PyTorch's reflect.

# %% tags=["nbval-check-output"]
n = 4
where = range(-3, n + 3)
print("i          " + "".join(f"{i:>4}" for i in where))
for mode in ("constant", "reflect", "replicate", "circular"):
    copies = [reference.pad_index(i, n, mode) for i in where]
    print(f"{mode:<10} " + "".join("   ." if c is None else f"{c:>4}" for c in copies))

# %% [markdown]
# **How much can you pad?** `zeros` and `replicate` can pad any amount. `reflect` mirrors
# the $n - 1$ pixels next to the edge, so PyTorch requires $p < n$; `circular` wraps the
# input around at most once, so $p \le n$. A 3×3 input padded by 3: reflect refuses,
# circular wraps exactly once.

# %%
fig = plot.padding_modes(square(3), padding=3)

# %% [markdown]
# Ask for more and convlab (like PyTorch) stops you with a message that says why and what to
# do instead:

# %% tags=["raises-exception"]
convlab.pad(square(4)[None], (4, 4, 4, 4), mode="reflect")  # p = 4 = n: too much

# %% tags=["raises-exception"]
convlab.pad(square(4)[None], (5, 5, 5, 5), mode="circular")  # p = 5 > n = 4

# %% [markdown]
# Drag **p** past $n - 1$ and then past $n$ to see reflect, then circular, give up:

# %% tags=["nbval-ignore-output"]
widgets.padding_explorer(n=4, padding=1)

# %% [markdown]
# ## 4 · `padding_mode` through `conv2d`
#
# `conv2d(x, w, padding=p, padding_mode=m)` is exactly "pad by $p$ in mode $m$, then
# convolve with no padding". Here the reflect-padded 4×4 input under a 3×3 box of ones: the
# top-left output sums the mirrored 6, 5, 6, 2, … in the padding.

# %%
fig = plot.conv_step(square(4), np.ones((3, 3)), 0, 0, padding=1, padding_mode="reflect")

# %% [markdown]
# All four modes, each checked against `conv_reference` applied to the explicitly padded
# input. Only the border of the output differs: the four centre values never touch the
# padding, so they are the same in every mode. (`circular` turns the convolution into a
# *periodic* one, the kind the FFT computes: lesson 1's convolution theorem.)

# %% tags=["nbval-check-output"]
X, box = square(4)[None, None], np.ones((1, 1, 3, 3))  # (N, C, H, W) and (O, I, kH, kW)
for mode in ("zeros", "reflect", "replicate", "circular"):
    y = convlab.conv2d(X, box, padding=1, padding_mode=mode)
    padded = convlab.pad(X, (1, 1, 1, 1), mode="constant" if mode == "zeros" else mode)
    same = np.allclose(y, reference.conv_reference(padded, box))
    print(f"{mode}  (= conv_reference on the padded input: {same})")
    print(y[0, 0].astype(int))

# %% [markdown]
# ## 5 · "Same" padding, and even kernels
#
# `padding="same"` asks for $o = n$. At stride 1, step 4 gives
# $o = n + 2p - d(k-1)$, so the **total** padding must be $d(k-1)$. For an odd kernel
# that splits evenly ($k = 3 \to 1$ per side, $k = 5 \to 2$). For an **even** kernel
# (without dilation) the total $k - 1$ is odd and cannot be split: PyTorch puts the extra
# row and column at the **end** (bottom and right). TensorFlow does the same; *Dive into
# Deep Learning* suggests the opposite ($\lceil p_h/2 \rceil$ on top), so check which
# convention a text uses. `convlab.same_padding` returns `(before, after)`:

# %% tags=["nbval-check-output"]
for k, d in [(3, 1), (5, 1), (4, 1), (2, 1), (3, 2), (4, 3)]:
    before_after = convlab.same_padding(k, d)
    print(f"k={k}, d={d}: total d(k-1) = {d * (k - 1)}, (before, after) = {before_after}")

# %% [markdown]
# A 4×4 kernel on the 4×4 input with `padding="same"`: one row of zeros on top, **two** at
# the bottom, one column on the left, two on the right. An even kernel has no centre pixel,
# so a "same" output can never line up exactly with its input: output $(i, j)$ sums rows
# $i-1 \dots i+2$ and columns $j-1 \dots j+2$, a window centred on $(i + ½, j + ½)$.
# PyTorch's choice puts the output grid half a pixel down and to the right of the input.

# %%
fig = plot.conv_step(square(4), np.ones((4, 4)), 0, 0, padding="same")

# %% [markdown]
# The numbers: `padding="same"` equals padding $(1, 2)$ by hand (`pad`'s tuple is
# left, right, top, bottom) and then no padding; with the extra at the start instead, the
# answer is different (the whole picture shifts by one).

# %% tags=["nbval-check-output"]
w4 = np.ones((1, 1, 4, 4))
y_same = convlab.conv2d(X, w4, padding="same")
at_end = reference.conv_reference(convlab.pad(X, (1, 2, 1, 2)), w4)
at_start = reference.conv_reference(convlab.pad(X, (2, 1, 2, 1)), w4)
print(y_same[0, 0].astype(int))
print("extra at the end   (torch):", np.allclose(y_same, at_end))
print("extra at the start        :", np.allclose(y_same, at_start))

# %% [markdown]
# **"Same" is for stride 1 only.** With stride $s > 1$ no padding gives $o = n$ (the output
# has about $n/s$ values), so PyTorch refuses `padding="same"` with a stride, and so does
# convlab. (TensorFlow's `padding="SAME"` means something else at stride $s$: it pads just
# enough to get $o = \lceil n/s \rceil$.)

# %% tags=["raises-exception"]
convlab.conv2d(X, np.ones((1, 1, 3, 3)), stride=2, padding="same")

# %% [markdown]
# ## 6 · Rows the stride never visits
#
# Back to the floor in step 3. When $(n + 2p - d(k-1) - 1) \bmod s \ne 0$, the last
# window stops short of the end and the leftover rows are **never read**: they have no
# influence on the output at all. A 6×6 input, 3×3 kernel, stride 2, no padding:
# $(6 - 3) \bmod 2 = 1$, so one row and one column are dropped. Here is the last window,
# output $(1, 1)$: row 5 and column 5 are untouched.

# %%
fig = plot.conv_step(square(6), np.ones((3, 3)), 1, 1, stride=2)

# %% [markdown]
# Which rows do the windows read? Start $i s$, taps $a = 0, \dots, k-1$:

# %% tags=["nbval-check-output"]
for n in (5, 6, 7):
    o = convlab.conv_output_size(n, 3, stride=2)
    visited = sorted({i * 2 + a for i in range(o) for a in range(3)})
    never = sorted(set(range(n)) - set(visited))
    print(f"n={n}: o={o}, (n-k) mod s = {(n - 3) % 2}, rows read {visited}, never read {never}")

# %% [markdown]
# The same in 2-D, as a count of how many windows cover each input pixel (the count is
# itself a *transposed* convolution of ones, lesson 5's topic; take it as given here). The
# bottom row and right column are 0: you could change them to anything and the output would
# not move.

# %%
counts = convlab.conv_transpose2d(
    np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_padding=1
)[0, 0]
fig = plot.grid(counts, palette="count", title="windows covering each pixel\n(6×6, k=3, s=2)")

# %% [markdown]
# Two consequences worth knowing:
#
# - **Padding can be dropped too.** The usual ResNet downsampling conv (3×3, stride 2,
#   padding 1) on an even size such as 32: $(32 + 2 - 3) \bmod 2 = 1$, so the dropped row is
#   the *bottom padding* (and the dropped column the right padding). The layer is
#   effectively padded 1 on top and left, 0 at the bottom and right (checked below on
#   an 8×8 input).
# - **Going back up is ambiguous.** Inputs of size 5 and 6 both give $o = 2$. A transposed
#   convolution (lesson 5), which maps sizes the other way, must be told which one you
#   want: by default it returns the smallest, and `output_padding` adds the missing rows at
#   the end.

# %% tags=["nbval-check-output"]
print(
    "conv:      n=5 ->",
    convlab.conv_output_size(5, 3, stride=2),
    "  n=6 ->",
    convlab.conv_output_size(6, 3, stride=2),
)
print(
    "transpose: 2 ->",
    convlab.conv_transpose_output_size(2, 3, stride=2),
    "  with output_padding=1: 2 ->",
    convlab.conv_transpose_output_size(2, 3, stride=2, output_padding=1),
)

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(1)
x8, w = rng.standard_normal((1, 1, 8, 8)), rng.standard_normal((1, 1, 3, 3))
y = convlab.conv2d(x8, w, stride=2, padding=1)
top_left_only = reference.conv_reference(convlab.pad(x8, (1, 0, 1, 0)), w, stride=2)
print(f"8×8, k=3, s=2, p=1: output {y.shape[2:]}, same as padding top/left only:", end=" ")
print(np.allclose(y, top_left_only))

# %% [markdown]
# ## Check yourself
#
# **Q1.** A 32×32 input, 3×3 kernel, stride 2, padding 1. What is the output size, and is
# any row dropped?
#
# <details><summary>Answer</summary>
#
# $\lfloor (32 + 2 - 3)/2 \rfloor + 1 = 15 + 1 = 16$, so 16×16. $(32 + 2 - 3) \bmod 2 = 1$:
# one row is dropped, and it is the bottom padding row (the last window starts at padded
# row 30 and covers 30–32; row 33 is padding). No real input row is lost.
#
# </details>
#
# **Q2.** `nn.Conv2d(..., padding=2)`: how many columns of zeros are added to the width in
# total? What would *Dive into Deep Learning*'s $p_w$ be for this layer?
#
# <details><summary>Answer</summary>
#
# 2 on the left and 2 on the right: 4 in total. d2l's $p_w$ is the total, so $p_w = 4$
# (and its $n_w - k_w + p_w + 1$ agrees with our $n + 2p - k + 1$).
#
# </details>
#
# **Q3.** Pad the row `1 2 3` by 2 with `reflect`, then with `circular`. What happens with
# padding 3?
#
# <details><summary>Answer</summary>
#
# reflect: `3 2 │ 1 2 3 │ 2 1`; circular: `2 3 │ 1 2 3 │ 1 2`. With padding 3 reflect is
# refused ($p < n$ fails: $3 \not< 3$), while circular still works ($3 \le 3$):
# `1 2 3 │ 1 2 3 │ 1 2 3`.
#
# </details>
#
# **Q4.** `padding="same"` with a kernel of size 6, stride 1, no dilation: how many zeros
# on the left and on the right? And with dilation 2?
#
# <details><summary>Answer</summary>
#
# Total $d(k-1) = 5$: 2 on the left, 3 on the right (the extra at the end). With $d = 2$
# the total is 10: 5 and 5. `convlab.same_padding(6)` and `same_padding(6, 2)` agree.
#
# </details>
#
# **Q5.** A 5×5 input, 3×3 kernel, dilation 2, no padding, stride 1. Output size? Which
# input cells does output $(0, 0)$ read?
#
# <details><summary>Answer</summary>
#
# The kernel spans $2 \cdot 2 + 1 = 5$ cells, so $o = \lfloor (5 - 4 - 1)/1 \rfloor + 1 = 1$:
# a single output. It reads rows and columns 0, 2, 4: the four corners, the centre and the
# four edge midpoints.
#
# </details>
#
# **Q6.** Why does PyTorch refuse `padding="same"` with stride 2?
#
# <details><summary>Answer</summary>
#
# With stride 2 the output has roughly $n/2$ values whatever the padding, so $o = n$ is
# impossible; there is no padding that is "same". (TensorFlow's `SAME` instead targets
# $\lceil n/s \rceil$.)
#
# </details>

# %% [markdown]
# ## Exercises
#
# Open **[exercises/02_padding_stride.ipynb](../exercises/02_padding_stride.ipynb)** (6 points). You will write, with NumPy only:
#
# - `output_size(n, k, s, p, d)`, the formula of section 2, checked by `check("02.output_size")`;
# - `reflect_pad(x, p)`, PyTorch's reflect padding without `np.pad`, raising `ValueError`
#   when $p \ge n$, checked by `check("02.reflect_pad")`;
# - `conv2d_single(x, k, stride, padding)`, a strided, zero-padded single-channel
#   convolution, checked by `check("02.conv2d_single")`.
#
# Each `check` runs small public cases and, at the first that fails, shows what went in,
# what was expected, what came back and a hint. This is what it says to the classic slip
# of section 2, padding counted once instead of on each side:

# %%
from convlab.grading import check  # the exercise notebooks import it for you


def output_size_one_side(n, k, s=1, p=0, d=1):  # the slip: + p where it must be + 2p
    return (n + p - d * (k - 1) - 1) // s + 1


check("02.output_size", output_size_one_side)

# %% [markdown]
# ## Going further
#
# - V. Dumoulin and F. Visin, *A guide to convolution arithmetic for deep learning*
#   (arXiv:1603.07285): every size relationship with pictures, including the transposed
#   ones of lesson 5.
# - PyTorch documentation of
#   [`torch.nn.Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html)
#   (the shape formula, `padding="same"`, `padding_mode`) and of
#   [`torch.nn.functional.pad`](https://pytorch.org/docs/stable/generated/torch.nn.functional.pad.html).
# - A. Zhang et al., *Dive into Deep Learning*, §7.3 "Padding and Stride": the same
#   material written with total padding.

# %% [markdown]
# ---
# **Next:** [Lesson 3 · Channels](03_channels.ipynb) · back to the [course home](../START_HERE.ipynb)
