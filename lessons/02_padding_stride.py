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
# lesson derives the output size exactly as PyTorch computes it, then looks at what goes
# *into* the padding, at `padding="same"`, and at the input rows a strided convolution
# never reads.
#
# **Learning objectives.** After this lesson you can
#
# - derive and use $o = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$, knowing that $p$ is
#   added on **each** side and that the division rounds **down**;
# - pad by hand in the four modes `zeros`, `reflect`, `replicate` and `circular`, and say
#   when `reflect` and `circular` refuse;
# - compute `padding="same"` for any kernel, including even ones (the extra row goes at the
#   **end**), and explain why it only exists for stride 1;
# - predict which input rows a strided convolution never visits.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import numpy as np

import convlab
from convlab import plot, quiz, reference, widgets

np.set_printoptions(linewidth=100)

# the kernel of Dumoulin & Visin's convolution-arithmetic figures: small, easy to add up
W3 = np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])


def square(n):
    """The n×n input 1, 2, …, n², easy to follow by eye (a display helper)."""
    return np.arange(1.0, n * n + 1).reshape(n, n)


# %% [markdown]
# ## 1 · The picture
#
# A 5×5 input is padded by one cell of zeros all round, and a 3×3 kernel slides over it
# with stride 2: it jumps two cells at a time. Before you look:

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 5×5 input padded by 1 on every side, a 3×3 kernel, stride 2. How many output rows?",
    3,
    hint="The padded input has 7 rows. Where can a 3-row window start, two rows at a time?",
    explain="The padded input has 5 + 2 = 7 rows. A 3-row window can start at padded rows "
    "0, 2 and 4 (the next, 6, would run past the end), so there are 3 output rows, and by "
    "symmetry 3 columns.",
)

# %% [markdown]
# The orange window is the last one, output position $(2, 2)$. It starts at input row
# $2 \cdot 2 - 1 = 3$ and reaches the bottom padding row (hatched). The windows start at
# input rows $-1$, 1 and 3 (negative indices are padding).

# %%
fig = plot.conv_step(square(5), W3, 2, 2, stride=2, padding=1)

# %% [markdown]
# ## 2 · The output size, one step at a time
#
# Everything happens independently along each axis, so think of one row of length $n$.
# The output size $o$ is **the number of valid starting positions** of the window. A
# one-line helper lists them (index $-1$ is the first padding cell on the left), and
# `convlab.conv_output_size` is the library's formula.


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
# **Step 2 — padding.** Padding $p$ adds $p$ cells on **each** side (PyTorch's
# `padding=1` adds one row on top *and* one at the bottom), so the row has length
# $n + 2p$:
#
# $$o = n + 2p - k + 1 .$$
#
# With an odd kernel and $p = (k-1)/2$ this gives $o = n$: the size is kept.

# %% tags=["nbval-check-output"]
n, k, p = 5, 3, 1
print(f"p={p}: starts {starts(n, k, p=p)}  ->  o = n + 2p - k + 1 = {n + 2 * p - k + 1}")
print("conv_output_size(5, 3, padding=1) =", convlab.conv_output_size(n, k, padding=p))

# %% [markdown]
# **Step 3 — stride.** With stride $s$ the window starts only at every $s$-th position:
# $0, s, 2s, \dots$ in the padded row, as long as the start is at most $n + 2p - k$. The
# number of multiples of $s$ in $[0, n + 2p - k]$ is
#
# $$o = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 .$$
#
# The **floor** matters: when $s$ does not divide $n + 2p - k$, the last rows are left
# over and no window starts there (section 6). A convolution always rounds down; only
# PyTorch's *pooling* layers offer `ceil_mode` (lesson 6).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "n = 6, k = 3, stride 2, padding 1. What is o?",
    3,
    hint="Compute (n + 2p − k) / s, round down, add 1.",
    explain="(6 + 2 − 3) / 2 = 2.5 rounds down to 2, plus 1 gives 3. Windows start at "
    "input rows −1, 1 and 3; a fourth would start at 5 and need rows 5 to 7, but the "
    "padded row ends at 6.",
)

# %% tags=["nbval-check-output"]
for n in (7, 6):
    k, s, p = 3, 2, 1
    o = (n + 2 * p - k) // s + 1
    print(
        f"n={n}, k=3, s=2, p=1: starts {starts(n, k, s, p)}  ->  o = ⌊{n + 2 * p - k}/2⌋ + 1 = {o}"
    )

# %% [markdown]
# **Step 4 — dilation.** A kernel with dilation $d$ puts its $k$ taps $d$ cells apart, so
# it spans $d(k-1) + 1$ cells, like a dense kernel of that size ($d = 1$ is the ordinary
# convolution; lesson 4 is about dilation). Replace $k$ by $d(k-1) + 1$ in step 3 and you
# have PyTorch's formula, the one in the `nn.Conv2d` docs:
#
# $$\boxed{\,o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1\,}$$

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 7×7 input, a 3×3 kernel with dilation 2, no padding, stride 1. Output size per side?",
    3,
    hint="First the span of the dilated kernel: d(k − 1) + 1.",
    explain="The dilated kernel spans 2·(3 − 1) + 1 = 5 cells, so o = 7 − 5 + 1 = 3. The "
    "kernel still has 9 weights; they are just spread out.",
)

# %%
fig = plot.conv_step(square(7), W3, 0, 2, dilation=2)

# %% tags=["nbval-check-output"]
n, k, d = 7, 3, 2
print(f"d={d}: span d(k-1)+1 = {d * (k - 1) + 1}, starts {starts(n, k, d=d)}  ->  o = 3")
print("conv_output_size(7, 3, dilation=2) =", convlab.conv_output_size(n, k, dilation=d))

# %% [markdown]
# **The numbers, checked against the definition.** For a few settings: the formula, the
# shape of `convlab.conv2d`'s output, and its values against
# `convlab.reference.conv_reference`, the textbook loop
# $y[i, j] = \sum_{a, b} x_p[i s + a d,\ j s + b d]\, w[a, b]$ over the padded input $x_p$.

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
# your numbers in it. Drag **n** from 5 to 6 to 7 at stride 2: the output is 2×2 for both 5
# and 6 (at 6 the last row and column are never touched), 3×3 at 7. Then take the
# challenge: the small version of a classic downsampling layer, which halves the size.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer(n=6, k=3, stride=2, padding=0).set_goal(
    "Make an 8×8 input give a 4×4 output with a 3×3 kernel",
    lambda s: s["n"] == 8 and s["k"] == 3 and s["out"] == (4, 4),
)

# %% [markdown]
# ## 3 · What goes into the padding: four modes
#
# So far the padding was zeros. PyTorch's `Conv2d` has `padding_mode` with four choices:
# `zeros`; `reflect`, which mirrors the input about the edge pixel **without repeating
# it**; `replicate`, which repeats the edge pixel; and `circular`, which wraps around to
# the other side.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "Pad the row 1 2 3 4 by 2 on each side with reflect. What are the two values on the left?",
    ["0 0", "2 1", "3 2", "1 1", "3 4"],
    2,
    hint="Mirror about the edge pixel 1, which itself is not repeated.",
    explain="Reflect mirrors about the first pixel without repeating it: position −1 "
    "copies index 1 (the 2) and position −2 copies index 2 (the 3), so the row reads "
    "3 2 │ 1 2 3 4 │ 3 2. Replicate would give 1 1, circular 3 4.",
)

# %% [markdown]
# Here is the 4×4 input $1 \dots 16$ padded by 1 in each mode; every padded cell has the
# colour of the input cell it copies.

# %%
fig = plot.padding_modes(padding=1)

# %% [markdown]
# The same, as the arrays `convlab.pad` returns. `convlab.pad` is
# `torch.nn.functional.pad`: its padding tuple lists the **last** axis first,
# `(left, right, top, bottom)`, and it calls zero padding `"constant"`.

# %% tags=["nbval-check-output"]
x = square(4)[None]  # (C, H, W) = (1, 4, 4): reflect/replicate/circular want channels
for mode in ("constant", "reflect", "replicate", "circular"):
    print(f"{mode}:")
    print(convlab.pad(x, (1, 1, 1, 1), mode=mode)[0].astype(int))  # ints, easier to read

# %% [markdown]
# In 2-D the rule of each mode is applied to the row and the column separately: that is
# why the reflect corner above is 6 (row $-1 \to 1$, column $-1 \to 1$).

# %% [markdown]
# **How much can you pad?** `zeros` and `replicate` can pad any amount. `reflect` mirrors
# the $n - 1$ pixels next to the edge, so PyTorch requires $p < n$; `circular` wraps the
# input around at most once, so $p \le n$.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "A 3×3 input, padding 3 on every side. Which mode refuses?",
    ["zeros", "reflect", "replicate", "circular", "none of them"],
    1,
    explain="Reflect needs p < n, and 3 < 3 is false: there are only 2 pixels to mirror "
    "beside the edge. Circular needs p ≤ n, and 3 ≤ 3 holds: it wraps the input around "
    "exactly once. Zeros and replicate can pad any amount.",
)

# %%
fig = plot.padding_modes(square(3), padding=3)

# %% [markdown]
# Ask for more and convlab (like PyTorch) stops you with a message that says why and what
# to do instead:

# %% tags=["raises-exception"]
convlab.pad(square(4)[None], (4, 4, 4, 4), mode="reflect")  # p = 4 = n: too much

# %% tags=["raises-exception"]
convlab.pad(square(4)[None], (5, 5, 5, 5), mode="circular")  # p = 5 > n = 4

# %% [markdown]
# The challenge: find the settings where one of the two refuses and the other still works.

# %% tags=["nbval-ignore-output"]
widgets.padding_explorer(n=4, padding=1).set_goal(
    "Make reflect refuse while circular still pads",
    lambda s: "reflect" in s["refused"] and "circular" not in s["refused"],
)

# %% [markdown] tags=["going-further"]
# ### Going further: the index rule of each mode
#
# Padding never invents numbers (except the zeros): a padded position $i$ (with $i < 0$ or
# $i \ge n$) copies one input index. `convlab.reference.pad_index` answers "which?" for one
# axis.
#
# | mode | padded index $i$ copies | on `1 2 3 4`, $p = 2$ | NumPy's name |
# |---|---|---|---|
# | `zeros` | nothing: 0 | `0 0 │ 1 2 3 4 │ 0 0` | `constant` |
# | `reflect` | $-i$ if $i < 0$; $2(n-1) - i$ if $i \ge n$ | `3 2 │ 1 2 3 4 │ 3 2` | `reflect` |
# | `replicate` | $\min(\max(i, 0), n-1)$ | `1 1 │ 1 2 3 4 │ 4 4` | `edge` |
# | `circular` | $i \bmod n$ | `3 4 │ 1 2 3 4 │ 1 2` | `wrap` |
#
# NumPy's `symmetric` mode repeats the edge pixel (`2 1 │ 1 2 3 4 │ 4 3`) and is *not*
# PyTorch's reflect.

# %% tags=["nbval-check-output"]
n = 4
where = range(-3, n + 3)
print("i          " + "".join(f"{i:>4}" for i in where))
for mode in ("constant", "reflect", "replicate", "circular"):
    copies = [reference.pad_index(i, n, mode) for i in where]
    print(f"{mode:<10} " + "".join("   ." if c is None else f"{c:>4}" for c in copies))

# %% [markdown]
# ## 4 · `padding_mode` through `conv2d`
#
# `conv2d(x, w, padding=p, padding_mode=m)` is exactly "pad by $p$ in mode $m$, then
# convolve with no padding". Here the reflect-padded 4×4 input under a 3×3 box of ones: the
# top-left output sums the mirrored 6, 5, 6, 2, … in the padding.

# %%
fig = plot.conv_step(square(4), np.ones((3, 3)), 0, 0, padding=1, padding_mode="reflect")

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "The 4×4 input, a 3×3 box of ones, padding 1 in each of the four modes. How many of "
    "the 16 output values are the same in all four modes?",
    4,
    hint="Which windows never touch the padding?",
    explain="Only the windows that lie entirely inside the input ignore the padding: "
    "those of the central 2×2 outputs (4 − 3 + 1 = 2 per side). The 12 border outputs all "
    "read some padding, so they depend on the mode.",
)

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
# `padding="same"` asks for $o = n$. At stride 1 the formula gives $o = n + 2p - d(k-1)$,
# so the **total** padding must be $d(k-1)$. For an odd kernel that splits evenly
# ($k = 3 \to 1$ per side). For an **even** kernel the total $k - 1$ is odd: PyTorch (and
# TensorFlow) put the extra row and column at the **end**, bottom and right.
# `convlab.same_padding` returns `(before, after)`.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "padding='same' with a kernel of size 6, stride 1, no dilation: how many zeros before "
    "and after? (type before, after)",
    (2, 3),
    hint="The total is d(k − 1); the odd one out goes at the end.",
    explain="The total is d(k − 1) = 5, which cannot be split evenly: 2 before and 3 after, "
    "the extra at the end as in PyTorch. With dilation 2 the total is 10: 5 and 5.",
)

# %% tags=["nbval-check-output"]
for k, d in [(3, 1), (5, 1), (4, 1), (6, 1), (3, 2), (6, 2)]:
    before_after = convlab.same_padding(k, d)
    print(f"k={k}, d={d}: total d(k-1) = {d * (k - 1)}, (before, after) = {before_after}")

# %% [markdown]
# A 4×4 kernel on the 4×4 input with `padding="same"`: one row of zeros on top, **two** at
# the bottom, one column on the left, two on the right. An even kernel has no centre
# pixel, so the output grid sits half a pixel down and to the right of the input.

# %%
fig = plot.conv_step(square(4), np.ones((4, 4)), 0, 0, padding="same")

# %% [markdown]
# The numbers: `padding="same"` equals padding $(1, 2)$ by hand and then no padding; with
# the extra at the start, the answer is different.

# %% tags=["nbval-check-output"]
w4 = np.ones((1, 1, 4, 4))
y_same = convlab.conv2d(X, w4, padding="same")
at_end = reference.conv_reference(convlab.pad(X, (1, 2, 1, 2)), w4)
at_start = reference.conv_reference(convlab.pad(X, (2, 1, 2, 1)), w4)
print(y_same[0, 0].astype(int))
print("extra at the end   (torch):", np.allclose(y_same, at_end))
print("extra at the start        :", np.allclose(y_same, at_start))

# %% [markdown]
# **"Same" is for stride 1 only.** With stride $s > 1$ the output has about $n/s$ values
# whatever the padding, so PyTorch refuses `padding="same"` with a stride, and so does
# convlab:

# %% tags=["raises-exception"]
convlab.conv2d(X, np.ones((1, 1, 3, 3)), stride=2, padding="same")

# %% [markdown] tags=["going-further"]
# ### Going further: "same" in other libraries
#
# TensorFlow's `padding="SAME"` means something else at stride $s$: it pads just enough to
# get $o = \lceil n/s \rceil$, with the extra at the end. *Dive into Deep Learning* (§7.3)
# suggests the opposite split for even kernels ($\lceil p_h/2 \rceil$ on top), so check
# which convention a text uses before you copy its numbers.

# %% [markdown]
# ## 6 · Rows the stride never visits
#
# Back to the floor in step 3. When $(n + 2p - d(k-1) - 1) \bmod s \ne 0$, the last
# window stops short of the end and the leftover rows are **never read**: they have no
# influence on the output at all.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "A row of 6 inputs, a kernel of 3, stride 2, no padding. Click the inputs that no "
    "window reads.",
    6,
    [5],
    hint="List the windows: where does each start, and what does it cover?",
    explain="o = ⌊(6 − 3)/2⌋ + 1 = 2 windows: one starts at 0 and reads 0, 1, 2; the "
    "other starts at 2 and reads 2, 3, 4. A third would start at 4 and need 4, 5, 6, but "
    "6 does not exist, so input 5 is never read.",
)

# %% [markdown]
# Here is the last window of a 6×6 input, output $(1, 1)$: row 5 and column 5 are untouched.

# %%
fig = plot.conv_step(square(6), np.ones((3, 3)), 1, 1, stride=2)

# %% tags=["nbval-check-output"]
for n in (5, 6, 7):
    o = convlab.conv_output_size(n, 3, stride=2)
    visited = sorted({i * 2 + a for i in range(o) for a in range(3)})
    never = sorted(set(range(n)) - set(visited))
    print(f"n={n}: o={o}, (n-k) mod s = {(n - 3) % 2}, rows read {visited}, never read {never}")

# %% [markdown]
# In 2-D, as a count of how many windows cover each input pixel (the count is itself a
# *transposed* convolution of ones, lesson 5's topic). The bottom row and right column are
# 0: you could change them to anything and the output would not move.

# %%
counts = convlab.conv_transpose2d(
    np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_padding=1
)[0, 0]
fig = plot.grid(counts, palette="count", title="windows covering each pixel\n(6×6, k=3, s=2)")

# %% [markdown]
# **Padding can be dropped too.** The usual ResNet downsampling conv is 3×3, stride 2,
# padding 1.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "A 32×32 input, a 3×3 kernel, stride 2, padding 1. The output is 16×16. What does the "
    "last window leave unread?",
    ["nothing", "the last input row", "the bottom padding row", "the top padding row"],
    2,
    hint="(n + 2p − k) mod s tells how many rows are left over, at the end of the padded row.",
    explain="(32 + 2 − 3) mod 2 = 1, so one row at the end is left over. The padded rows "
    "are numbered 0 to 33; the last window starts at 30 and covers 30 to 32, so row 33, "
    "the bottom padding, is never read. No real input row is lost: the layer is effectively "
    "padded 1 on top and left, 0 at the bottom and right.",
)

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(1)
x8, w = rng.standard_normal((1, 1, 8, 8)), rng.standard_normal((1, 1, 3, 3))
y = convlab.conv2d(x8, w, stride=2, padding=1)
top_left_only = reference.conv_reference(convlab.pad(x8, (1, 0, 1, 0)), w, stride=2)
print(f"8×8, k=3, s=2, p=1: output {y.shape[2:]}, same as padding top/left only:", end=" ")
print(np.allclose(y, top_left_only))

# %% [markdown]
# One more consequence: inputs of size 5 and 6 both give $o = 2$ with $k = 3$, $s = 2$. A
# transposed convolution (lesson 5), which maps sizes the other way, must be told which one
# you want, with `output_padding`.

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

# %% [markdown]
# ## Common mistakes
#
# - **The stride formula written as $(W - k + p + s + 1)/s$.** Some notes add an extra
#   $+1$ and drop the floor. *Spot it:* $n = 4$, $k = 3$, $s = 2$, $p = 0$ gives
#   $4/2 = 2$, but only one window fits (it starts at 0; the next would need rows 2 to 4).
#   The right count is $\lfloor (4 - 3)/2 \rfloor + 1 = 1$.
# - **"Padding $p$" read as the total.** PyTorch, CS231n and Dumoulin & Visin mean per
#   side; *Dive into Deep Learning* (§7.3) writes the total $p_h$ and gets
#   $n_h - k_h + p_h + 1$. *Spot it:* for `padding=2` the width grows by 4, not 2.
# - **"Conv2d has `ceil_mode`."** Only the pooling layers have it; a convolution always
#   rounds down. *Spot it:* `nn.Conv2d(..., ceil_mode=True)` is a `TypeError`.
# - **Calling `reflect` padding "symmetric".** NumPy's `symmetric` repeats the edge pixel,
#   PyTorch's `reflect` does not. *Spot it:* pad `1 2 3` by 1: reflect gives `2` on the
#   left, symmetric gives `1`.
# - **`padding="same"` with a stride.** PyTorch refuses it; TensorFlow's `SAME` means
#   $\lceil n/s \rceil$. *Spot it:* the error message, or an output of $n/s$ where you
#   expected $n$.
# - **The extra "same" padding of an even kernel put first.** *Spot it:* compare with
#   `convlab.same_padding(k)`; the outputs differ by a one-pixel shift.

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
# Then **Design and debug** (3 points): `output_size_fixed`, `choose_padding_stride`.
#
# Each `check` runs small public cases and, at the first that fails, shows what went in,
# what was expected, what came back and a hint. This is what it says to the slip of
# padding counted once instead of on each side:

# %%
from convlab.grading import check  # the exercise notebooks import it for you


def output_size_one_side(n, k, s=1, p=0, d=1):  # the slip: + p where it must be + 2p
    return (n + p - d * (k - 1) - 1) // s + 1


check("02.output_size", output_size_one_side)

# %% [markdown] tags=["going-further"]
# ### Going further: reading
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
