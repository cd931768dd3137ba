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
# # Lesson 5 · Transposed convolution
#
# A strided convolution makes images smaller. Segmentation networks, autoencoders and GAN
# generators also have to go the other way: from a 16×16 feature map back to a 32×32 one,
# with weights that are learned, not fixed like bilinear interpolation. The layer that does
# it is the **transposed convolution** (`nn.ConvTranspose2d`), also sold under two other
# names: "fractionally strided convolution" (accurate) and "deconvolution" (wrong, and we
# will see why). This lesson builds it from the one fact that explains everything about
# it: a convolution is a matrix $C$, and the transposed convolution is $C^\top$.
#
# **Learning objectives.** After this lesson you can
#
# - write a small convolution as a matrix $C$ and read its rows (one output pixel each)
#   and its columns (one input pixel each);
# - compute a transposed convolution three ways — as $C^\top$, as a sum of scaled kernel
#   stamps, and as an ordinary convolution over a zero-inserted input — and say why they
#   agree;
# - predict its output size $(n-1)s - 2p + d(k-1) + \text{output\_padding} + 1$ and
#   explain what `output_padding` is for;
# - explain why it is not a deconvolution (the adjoint $C^\top$, not the inverse
#   $C^{-1}$);
# - spot the kernel/stride pairs that cause checkerboard artifacts and pick an upsampling
#   layer that avoids them.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import (
    conv2d,
    conv_matrix,
    conv_output_size,
    conv_transpose2d,
    conv_transpose_output_size,
    reference,
)
from convlab import plot as cplot
from convlab import widgets as cwidgets
from convlab.images import photo

np.set_printoptions(precision=4, suppress=True, linewidth=100)

# %% [markdown]
# ## 1 · A convolution is a matrix
#
# Take the 4×4 input $1 \dots 16$ and the 3×3 kernel $1 \dots 9$. Without padding and with
# stride 1 the output is 2×2. Flatten the input row by row into a vector of 16 numbers
# and the output into a vector of 4: the convolution becomes a 4×16 matrix $C$ times
# that vector. Each **row** of $C$ is one output pixel — the kernel laid out at the
# columns of the 9 input pixels its window covers, zeros elsewhere.

# %%
fig = cplot.conv_matrix((4, 4))

# %% [markdown]
# Look at how the rows repeat: row 1 is row 0 shifted one column right, row 2 is row 0
# shifted one *image row* (4 columns) right. Only 9 different numbers appear in 64
# entries: that is **weight sharing**, and the 28 zeros are **sparse connectivity** (an
# output pixel only sees its window). The grey lines separate the image rows in the
# flattened vectors, which is why each kernel row appears as a block of 3 with a gap.
#
# In symbols: for stride $s$, padding $p$ and dilation $d$ (1 means no dilation — some
# sources say 0 for that), output pixel $(i, j)$ is row $r = i\,o_w + j$ of $C$, and
#
# $$C\big[\,i\,o_w + j,\;\; (i s + a d - p)\,W + (j s + b d - p)\,\big] = w[a, b]$$
#
# for every tap $(a, b)$ that lands inside the $H \times W$ input (taps on the zero
# padding multiply zeros and drop out). Everything else is 0.
#
# `convlab.conv_matrix` builds $C$. Here it is, with its shape:

# %% tags=["nbval-check-output"]
x = np.arange(1.0, 17.0).reshape(4, 4)
w = np.arange(1.0, 10.0).reshape(3, 3)
C = conv_matrix((4, 4), w)
print("C has shape", C.shape, "(output pixels × input pixels)")
print(C)

# %% [markdown]
# It is the convolution: multiplying by $C$ gives exactly what `conv2d` computes, and what
# the textbook loop in `convlab.reference` computes.

# %% tags=["nbval-check-output"]
y = conv2d(x[None], w[None, None])[0]  # (C, H, W) in, (C, H, W) out
print("conv2d(x, w) =\n", y)
print("C @ x.ravel() =", C @ x.ravel())
print("equal to conv2d:", np.array_equal(C @ x.ravel(), y.ravel()))
ref = reference.conv_reference(x[None, None], w[None, None])[0, 0]
print("equal to the loop definition:", np.array_equal(y, ref))

# %% [markdown]
# Nothing here is special to one channel or stride 1: with $C_{in}$ input channels the
# columns run over every (channel, row, column), with $C_{out}$ filters the rows do, and
# a stride just skips rows. A 2-channel 5×5 input, 3 filters, stride 2, padding 1:

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
x2 = rng.standard_normal((2, 5, 5))
w2 = rng.standard_normal((3, 2, 3, 3))  # (C_out, C_in, kH, kW)
C2 = conv_matrix((2, 5, 5), w2, stride=2, padding=1)
y2 = conv2d(x2, w2, stride=2, padding=1)
print("C2:", C2.shape, "  conv2d output:", y2.shape, "=", y2.size, "numbers")
print("C2 @ x2.ravel() == conv2d(x2, w2).ravel():", np.allclose(C2 @ x2.ravel(), y2.ravel()))

# %% [markdown]
# ## 2 · The transposed convolution is $C^\top$
#
# $C$ maps 16 numbers to 4. Its transpose $C^\top$ is a 16×4 matrix: it maps 4 numbers to
# 16, a 2×2 array to a 4×4 one — the shapes of the convolution, run backwards. That
# linear map is the **transposed convolution**, and it gets its name from nothing more
# than this.

# %%
fig = cplot.conv_matrix((4, 4), transpose=True)

# %% [markdown]
# Read a *column* of $C^\top$ (a row of $C$): the value $y_0$ is multiplied by the whole
# kernel and sent to the 9 input pixels that output 0 was computed from. Each output
# value goes back to where it came from, weighted by the kernel. `conv_transpose2d`
# computes exactly $C^\top y$, with the **same** weight array:

# %% tags=["nbval-check-output"]
y_small = np.array([[1.0, 2.0], [3.0, 4.0]])
up = conv_transpose2d(y_small[None], w[None, None])[0]
print("conv_transpose2d(y, w) =\n", up)
print(
    "C.T @ y.ravel() == conv_transpose2d(y, w).ravel():",
    np.array_equal(C.T @ y_small.ravel(), up.ravel()),
)

# %% [markdown]
# With channels the same weight tensor serves both directions. `conv2d` reads `w2` as
# $(C_{out}, C_{in}, k_H, k_W)$ = (3, 2, 3, 3): 2 channels in, 3 out. `conv_transpose2d`
# reads the same array as $(C_{in}, C_{out}, k_H, k_W)$: 3 channels in, 2 out — the
# transpose of the first. This is why PyTorch's `ConvTranspose2d(in, out, k)` stores its
# weight as `(in, out, k, k)`, the other way round from `Conv2d`.

# %% tags=["nbval-check-output"]
y2_any = rng.standard_normal(y2.shape)  # any array shaped like conv2d's output
back = conv_transpose2d(y2_any, w2, stride=2, padding=1)
print("conv_transpose2d:", y2_any.shape, "->", back.shape)
print(
    "C2.T @ y.ravel() == conv_transpose2d(y, w2).ravel():",
    np.allclose(C2.T @ y2_any.ravel(), back.ravel()),
)

# %% [markdown]
# ## 3 · The scatter view: every input pixel stamps the kernel
#
# A convolution **gathers**: each output pixel reads a window of the input. Its transpose
# walks the same (input pixel, output pixel, weight) triples from the other side, so it
# **scatters**: each pixel of its input writes a copy of the kernel, scaled by its value,
# into its output, and overlapping copies add up. The same $y$ and $w$ as above (the
# picture calls the transposed convolution's input $x$, as `conv_transpose2d` does):

# %%
fig = cplot.transposed_stamps(y_small, w, stride=1)

# %% [markdown]
# The sum is $C^\top y$ from the previous section, cell for cell. With stride $s$ the
# stamps are placed $s$ apart; with dilation $d$ each stamp's taps are $d$ apart:
#
# $$z[\,i s + a d,\;\; j s + b d\,] \mathrel{+}= y[i, j]\; w[a, b] \qquad
# \text{for all } i, j \text{ and taps } a, b,$$
#
# on a canvas of $(n-1)s + d(k-1) + 1$ rows and columns; the transposed convolution's
# `padding` $p$ then **crops** $p$ rows and columns from each side of $z$. (A padding that
# removes pixels: it is the padding of the convolution being transposed, which added
# them.) `convlab.reference.conv_transpose_reference` is this double loop written out; it
# agrees with `conv_transpose2d` for any stride, padding, output_padding and channel count:

# %% tags=["nbval-check-output"]
settings = dict(stride=2, padding=1, output_padding=1)
fast = conv_transpose2d(y2_any[None], w2, **settings)
loops = reference.conv_transpose_reference(y2_any[None], w2, **settings)
print("output shape:", fast.shape, "  same as the stamping loops:", np.allclose(fast, loops))

# %% [markdown]
# ## 4 · Stride as zero insertion: "fractionally strided" convolution
#
# Here is the default picture with stride 2: a 2×2 input, a 3×3 kernel of ones (so each
# stamp is a block of its pixel's value). The stamps start 2 apart, so neighbours overlap
# in one row or column — keep an eye on the overlap count on the right, we come back to
# it in section 7.

# %%
fig = cplot.transposed_stamps()

# %% [markdown]
# There is a second way to get the same numbers, with an *ordinary* convolution. In 1-D,
# with $d = 1$ and $p = 0$, the stamping rule says output $m$ collects
# $y[i]\,w[m - i s]$ from every input $i$. Spread $y$ out first — put $s - 1$ zeros
# between neighbours, $\tilde y[i s] = y[i]$ and 0 elsewhere — and the sum becomes
#
# $$\text{out}[m] = \sum_t \tilde y[t]\; w[m - t] = (\tilde y * w)[m],$$
#
# a true convolution (the kernel **flipped**, lesson 1) of the zero-inserted input, at
# stride 1. Stride $s$ in the forward convolution becomes stride $1/s$ here, hence
# "fractionally strided". The recipe in full:
#
# 1. insert $s - 1$ zeros between input pixels (size $n \to (n-1)s + 1$);
# 2. pad $d(k-1) - p$ zeros on each side (a negative number crops), plus
#    `output_padding` more at the end;
# 3. cross-correlate at stride 1, dilation $d$, with the kernel rotated 180°.
#
# The picture for the stride-2 example above, with the kernel $1 \dots 9$ this time so
# that you can see it turned: the blue cells are $y$, the plain 0s between them are the
# inserted zeros, the hatched ring is the $d(k - 1) - p = 2$ padding, and the small
# ×9, ×8, … in each cell are the weights of the kernel rotated 180°.

# %%
s, k, p = 2, 3, 0
spread = np.zeros((3, 3))  # (2 - 1)·s + 1 = 3
spread[::s, ::s] = y_small  # step 1: y's pixels s apart, zeros between them
fig = cplot.conv_step(spread, w, 1, 2, padding=k - 1 - p, convolution=True)

# %% [markdown]
# Its output grid is the transposed convolution of $y$ at stride 2, number for number:

# %% tags=["nbval-check-output"]
print(conv_transpose2d(y_small[None], w[None, None], stride=2)[0])

# %% [markdown]
# Check it against `conv_transpose2d` on random numbers, this time with padding,
# `output_padding` and a dilated kernel so every term of the recipe is exercised
# (`convlab.pad` takes `(left, right, top, bottom)`, like `torch.nn.functional.pad`):

# %% tags=["nbval-check-output"]
n, k, s, p, op, d = 4, 3, 3, 2, 1, 2
y_r = rng.standard_normal((n, n))
w_r = rng.standard_normal((k, k))
spread = np.zeros(((n - 1) * s + 1,) * 2)
spread[::s, ::s] = y_r  # 1. insert s - 1 zeros
q = d * (k - 1) - p
padded = convlab.pad(spread, (q, q + op, q, q + op))  # 2. pad d(k-1) - p, output_padding at the end
as_conv = conv2d(padded[None], w_r[::-1, ::-1][None, None], dilation=d)[0]  # 3. flipped kernel
direct = conv_transpose2d(
    y_r[None], w_r[None, None], stride=s, padding=p, output_padding=op, dilation=d
)[0]
print("zero-inserted input:", spread.shape, " padded:", padded.shape, " output:", as_conv.shape)
print("equal to conv_transpose2d:", np.allclose(as_conv, direct))

# %% [markdown]
# This view is good for understanding and bad for computing: in 2-D at stride $s$ only
# one pixel in $s^2$ of the zero-inserted input is real, so about $1 - 1/s^2$ of the
# multiplications (3/4 at stride 2) hit inserted zeros. Libraries scatter instead (or,
# equivalently, run the backward pass of a convolution).

# %% [markdown]
# ## 5 · The output size, and why `output_padding` exists
#
# Count the canvas of stamps: the last stamp starts at $(n-1)s$ and spans $d(k-1)+1$
# cells, so the canvas has $(n-1)s + d(k-1) + 1$; `padding` crops $p$ from **each** side
# ($2p$ in total); `output_padding` adds rows and columns at the **end** (bottom and
# right) only:
#
# $$o = (n-1)\,s \;-\; 2p \;+\; d\,(k-1) \;+\; \text{output\_padding} \;+\; 1 .$$
#
# It undoes the convolution's size formula
# $n = \lfloor (m + 2p - d(k-1) - 1)/s \rfloor + 1$ — except for the floor. A stride-2
# convolution with $k = 3$, $p = 1$ sends both a 7×7 and an 8×8 input to 4×4, so from
# 4×4 the transposed convolution cannot know which one to return. `output_padding`
# (smaller than the stride) says which: 0 gives 7, 1 gives 8.

# %% tags=["nbval-check-output"]
k, s, p = 3, 2, 1
print(" m  conv → n  output_padding  transpose → o")
for m in range(5, 11):
    n = conv_output_size(m, k, s, p)
    op = (m + 2 * p - k) % s  # the rows the floor dropped
    print(f"{m:2d}  {n:8d}  {op:14d}  {conv_transpose_output_size(n, k, s, p, op):13d}")

# %% [markdown]
# The matrix view says the same thing more sharply: the 5×5 and the 6×6 inputs give two
# different matrices $C$ (9×25 and 9×36) with the same 3×3 output, so two different
# transposes of the same $y$. `output_padding` chooses between them (`conv_matrix`'s notes
# give the general rule, `output_padding` $= (m + 2p - d(k-1) - 1) \bmod s$):

# %% tags=["nbval-check-output"]
y33 = np.arange(1.0, 10.0).reshape(3, 3)
for m, op in [(5, 0), (6, 1)]:
    Cm = conv_matrix((m, m), w, stride=2, padding=1)
    tr = conv_transpose2d(y33[None], w[None, None], stride=2, padding=1, output_padding=op)[0]
    same = np.array_equal(Cm.T @ y33.ravel(), tr.ravel())
    print(f"input {m}×{m}: C is {Cm.shape}, Cᵀy is {tr.shape} with output_padding={op}: {same}")

# %% [markdown]
# The extra row and column are not necessarily zeros. Stamping $y = 1 \dots 9$ with a 3×3
# kernel of ones, stride 2, makes a 7×7 canvas; `padding=1` crops it to rows and columns
# 1…5, and `output_padding=1` gives back canvas row and column 6. Row 6 is the last row
# of the bottom stamps of 7, 8 and 9, three wide and overlapping: $7, 15, 8, 17, 9, 9$
# after the crop of the first column — not zeros:

# %% tags=["nbval-check-output"]
print(conv_transpose2d(y33[None], np.ones((1, 1, 3, 3)), stride=2, padding=1, output_padding=1)[0])

# %% [markdown]
# An `output_padding` of $s$ or more would describe a size that no stride-$s$ convolution
# maps to $n$, and convlab refuses it as PyTorch does, saying why:

# %% tags=["raises-exception"]
conv_transpose2d(y33[None], w[None, None], stride=2, output_padding=2)

# %% [markdown]
# ### Explore
#
# The explorer stamps an $n \times n$ input $1, 2, \dots$ with a $k \times k$ kernel of
# ones and prints the size formula. Things to try:
#
# - move **n** and watch the formula: each extra input pixel adds $s$ output rows;
# - set $k = 3$, $s = 2$ (the start): the overlap count goes 1, 2, 1, 2, … with 4s where
#   rows and columns cross. Now $k = 4$: inside the frame every cell gets the same count;
# - raise **padding p**: the frame shrinks, $p$ from each side; then raise
#   **output_padding** and see one row and column come back at the bottom and right only;
# - set $k = 1$, $s = 2$: the stamps no longer touch and the output has holes (count 0);
# - move **a** and **b** to pick one input cell and see where its stamp lands ($a s$, $b s$).

# %% tags=["nbval-ignore-output"]
cwidgets.transpose_explorer()

# %% [markdown]
# ## 6 · It is not a deconvolution
#
# In signal processing, **deconvolution** means *undoing* a convolution: given
# $y = x * w$ and $w$, recover $x$ (deblurring a photo with a known blur, Wiener filtering,
# Richardson–Lucy). That is $C^{-1}$. The transposed convolution is $C^\top$, and
# $C^\top \neq C^{-1}$. Zeiler et al.'s "deconvolutional networks" (2010) and the FCN paper
# (2015) used the word, Caffe named its layer `Deconvolution`, and the name stuck in many
# blog posts, but it is wrong: convolve, then
# transposed-convolve with the same kernel, and you do not get $x$ back — here not even
# roughly:

# %% tags=["nbval-check-output"]
y = conv2d(x[None], w[None, None])[0]
print("x =\n", x)
print("conv_transpose2d(conv2d(x, w), w) =\n", conv_transpose2d(y[None], w[None, None])[0])

# %% [markdown]
# Here no linear map *could* invert it: $C$ is 4×16, four equations for sixteen unknowns.
# The best any method can do is the smallest $x$ that reproduces $y$ (the pseudo-inverse),
# which still is not $x$. With `padding=1` instead, $C$ is a square 16×16 matrix; it
# happens to be invertible for this kernel, and **solving** $Cx = y$ — a true
# deconvolution — recovers $x$, while the transposed convolution still does not:

# %% tags=["nbval-check-output"]
print("pseudo-inverse, smallest x with C x = y:\n", (np.linalg.pinv(C) @ y.ravel()).reshape(4, 4))
C_same = conv_matrix((4, 4), w, padding=1)
y_same = conv2d(x[None], w[None, None], padding=1)[0]
print("C_same:", C_same.shape)
print("deconvolution, solve(C_same, y):\n", np.linalg.solve(C_same, y_same.ravel()).reshape(4, 4))
print(
    "transposed convolution, C_sameᵀ y:\n",
    conv_transpose2d(y_same[None], w[None, None], padding=1)[0],
)

# %% [markdown]
# What $C^\top$ *is*, is the **adjoint** of $C$: for every $x$ and every $y$ of the right
# shapes,
#
# $$\langle C x,\, y \rangle \;=\; \langle x,\, C^\top y \rangle .$$
#
# Checked with `conv2d` and `conv_transpose2d` only (no matrix), on the random 2-channel,
# stride-2 layer from section 1:

# %% tags=["nbval-check-output"]
lhs = np.sum(conv2d(x2, w2, stride=2, padding=1) * y2_any)
rhs = np.sum(x2 * conv_transpose2d(y2_any, w2, stride=2, padding=1))
print(f"<Cx, y>  = {lhs:.8f}")
print(f"<x, Cᵀy> = {rhs:.8f}")

# %% [markdown]
# That identity is why the transposed convolution is everywhere in training: the gradient
# of a loss with respect to a convolution's *input* is $C^\top$ applied to the gradient
# at its output — a transposed convolution (lesson 7). In a decoder the weights are
# learned, so nobody needs it to be an inverse; it is a learnable upsampling with exactly
# the connectivity of a convolution read backwards.

# %% [markdown]
# ## 7 · Checkerboard artifacts
#
# Back to the overlap counts of section 4. There, with $k = 3$ and $s = 2$, neighbouring
# stamps share one row or column, so cells receive 1, 2 or 4 stamps. With $k = 4$ at the
# same stride, neighbours share two rows — half a stamp each way — and every cell away
# from the border (here the middle 2×2) is covered by exactly $2 \times 2 = 4$ stamps:

# %%
fig = cplot.transposed_stamps(np.ones((2, 2)), np.ones((4, 4)), stride=2)

# %% [markdown]
# The counts are a transposed convolution of ones by ones. On a 3×3 input, $k = 3$ gives
# the 1-2-4 grid everywhere, $k = 4$ a flat 4 inside a border of 1s and 2s:

# %% tags=["nbval-check-output"]
ones = np.ones((1, 3, 3))
for k in (3, 4):
    counts = conv_transpose2d(ones, np.ones((1, 1, k, k)), stride=2)[0]
    print(f"k={k}, s=2: stamps per cell\n", counts.astype(int))

# %% [markdown]
# On a real image that unevenness is the **checkerboard artifact** (Odena, Dumoulin &
# Olah, 2016). Below, a 48-pixel-high photo is upsampled ×2 three ways, each kernel a
# uniform average scaled so that the *mean* gain is 1: a transposed convolution with
# $k = 3$ (gains 4/9, 8/9, 16/9 in the 1-2-4 pattern, clipped to white where above 1), one
# with $k = 4$ (even inside; the border row gets half the stamps and comes out darker),
# and **resize-then-convolve**: nearest-neighbour upsampling followed by an ordinary 3×3
# convolution. Nearest-neighbour upsampling is itself a transposed convolution — $k = s$,
# a kernel of ones, stamps that tile without overlapping.

# %%
img = photo(size=48)[None, None]  # (1, 1, 48, 41)
k3 = conv_transpose2d(img, np.full((1, 1, 3, 3), 4 / 9), stride=2, padding=1, output_padding=1)
k4 = conv_transpose2d(img, np.full((1, 1, 4, 4), 1 / 4), stride=2, padding=1)
nearest = conv_transpose2d(img, np.ones((1, 1, 2, 2)), stride=2)
resized = conv2d(nearest, np.full((1, 1, 3, 3), 1 / 9), padding="same")
panels = {
    "input 48×41": img,
    "transposed, k=3, s=2\nuneven overlap": k3,
    "transposed, k=4, s=2\neven overlap": k4,
    "nearest ×2, then 3×3 conv\n(resize-then-convolve)": resized,
}
fig, axes = plt.subplots(1, 4, figsize=(9.6, 3.4))
for ax, (title, im) in zip(axes, panels.items(), strict=True):
    ax.imshow(im[0, 0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
fig.tight_layout()

# %% [markdown]
# Counts are half the story: they assume all weights are equal. For a constant input, an
# output cell receives one tap from each stamp covering it, and *which* taps depends only
# on the cell's position modulo $s$. So the kernel splits into $s \times s$ **phases**
# ($w[a, b]$ with $a \bmod s$ and $b \bmod s$ fixed), each cell away from the border gets
# the sum of one phase, and the output is flat exactly when all phase sums are equal. A
# uniform 3×3 kernel fails (in 1-D the phases sum to $w_0 + w_2 = 2$ and $w_1 = 1$: the
# 2-1 pattern), a uniform 4×4 passes — but a trained 4×4 kernel need not. An arbitrary
# 4×4 kernel at stride 2
# turns a constant input into a periodic pattern; a bilinear-interpolation kernel (every
# phase sums to 1) does not; and resize-then-convolve gives a constant inside for **any**
# kernel, because after nearest-neighbour upsampling every window sees the same values:

# %% tags=["nbval-check-output"]
w_any = np.array([[2.0, 1, 0, -2], [-1, -3, -3, -3], [-2, 2, 1, 3], [0, 1, 3, 2]])
tent = np.array([0.25, 0.75, 0.75, 0.25])  # 1-D bilinear interpolation kernel for ×2
w_bilinear = np.outer(tent, tent)
flat = np.ones((1, 1, 4, 4))
print(
    "an arbitrary 4×4 kernel, stride 2:\n",
    conv_transpose2d(flat, w_any[None, None], stride=2, padding=1)[0, 0],
)
print(
    "bilinear 4×4 kernel, stride 2:\n",
    conv_transpose2d(flat, w_bilinear[None, None], stride=2, padding=1)[0, 0],
)
near_flat = conv_transpose2d(flat, np.ones((1, 1, 2, 2)), stride=2)
print(
    "nearest ×2, then the same kernel (interior; the constant is its sum):\n",
    conv2d(near_flat, w_any[None, None])[0, 0],
)

# %% [markdown]
# Hence the two standard fixes: use $k$ divisible by $s$ (DCGAN's $k = 4$, $s = 2$) and
# hope training keeps the phases balanced, or — Odena et al.'s recommendation —
# **resize, then convolve** (nearest or bilinear upsampling followed by a stride-1
# convolution), which has no uneven overlap to begin with: a flat input stays flat,
# whatever the kernel. The same artifact appears in
# gradients: a strided convolution's backward pass is a transposed convolution, so its
# input gradients can show the checkerboard too.

# %% [markdown]
# ## 8 · Upsampling in decoders: U-Net and GANs
#
# Where you meet transposed convolutions in practice:
#
# - **U-Net** (Ronneberger et al., 2015) climbs back up its contracting path with
#   "up-convolutions": `ConvTranspose2d(c, c // 2, kernel_size=2, stride=2)`. With
#   $k = s$ the stamps tile without overlap (no checkerboard from counts), every input
#   pixel becomes its own learned 2×2 patch, and the result is concatenated with the
#   (cropped) feature map of the contracting path at the same level.
# - **DCGAN** generators (Radford et al., 2016; here as in PyTorch's DCGAN example) grow
#   an image from a noise vector with stacked
#   `ConvTranspose2d(kernel_size=4, stride=2, padding=1)`, each of which doubles the size
#   exactly: $(n-1)\cdot 2 - 2 + 3 + 1 = 2n$. `kernel_size=3, stride=2, padding=1,
#   output_padding=1` also doubles, but with the uneven 3-over-2 overlap.
# - **FCN** (Long et al., 2015) upsamples its coarse class scores with a transposed
#   convolution *initialised* to bilinear interpolation (the kernel of section 7, whose
#   phases are balanced).
#
# A tiny DCGAN-style generator, checked with convlab on random weights — shapes and
# parameter counts (`conv_params` counts $C_{in} C_{out} k^2$ weights plus $C_{out}$ biases,
# which holds for transposed layers too):

# %% tags=["nbval-check-output"]
layers = [
    (16, 8, 4, 1, 0),
    (8, 4, 4, 2, 1),
    (4, 2, 4, 2, 1),
    (2, 1, 4, 2, 1),
]  # c_in, c_out, k, s, p
h = rng.standard_normal((1, 16, 1, 1))  # a noise vector as a 1×1 image with 16 channels
print("noise", h.shape)
for c_in, c_out, k, s, p in layers:
    weight = rng.standard_normal((c_in, c_out, k, k)) * 0.1  # (C_in, C_out, k, k)
    size = conv_transpose_output_size(h.shape[-1], k, s, p)  # the formula...
    h = conv_transpose2d(h, weight, np.zeros(c_out), stride=s, padding=p)  # ...and the op
    print(
        f"ConvTranspose2d({c_in:2d}, {c_out}, {k}, stride={s}, padding={p}) -> {h.shape}"
        f"  formula: {size}  parameters: {convlab.conv_params(c_in, c_out, k)}"
    )

# %% [markdown]
# ## Check yourself
#
# **Q1.** A 5×5 input, a 3×3 kernel, stride 1, no padding, one channel. What are the
# shapes of $C$ and of $C^\top$, and how many entries of $C$ are nonzero?
#
# <details><summary>Answer</summary>
#
# The output is 3×3, so $C$ is 9×25 and $C^\top$ is 25×9. Every row holds the 9 kernel
# weights (no tap falls on padding): 81 nonzeros out of 225.
#
# </details>

# %% [markdown]
# **Q2.** `ConvTranspose2d(kernel_size=3, stride=2, padding=1)` on a 4×4 input: what is
# the output size? And with `output_padding=1`?
#
# <details><summary>Answer</summary>
#
# $(4-1)\cdot 2 - 2\cdot 1 + (3-1) + 0 + 1 = 7$, so 7×7; with `output_padding=1`, 8×8.
# They are the two sizes that `Conv2d(kernel_size=3, stride=2, padding=1)` maps to 4×4.
#
# </details>

# %% [markdown]
# **Q3.** Why does PyTorch reject `output_padding=2` with `stride=2` (and no dilation)?
#
# <details><summary>Answer</summary>
#
# A stride-2 convolution maps exactly two consecutive input sizes to each output size
# (the floor drops 0 or 1 row). `output_padding` only picks one of them, so it lies in
# $\{0, \dots, s-1\}$; 2 would describe a size that the convolution never maps to this
# $n$. (The exact rule is "smaller than stride or dilation".)
#
# </details>

# %% [markdown]
# **Q4.** Your colleague calls `nn.ConvTranspose2d` a "deconvolution layer" and expects
# that applying it with a convolution's weights undoes that convolution. What happens,
# and what *is* true?
#
# <details><summary>Answer</summary>
#
# It computes $C^\top y$, not $C^{-1} y$; the result has the input's shape but not its
# values (section 6: values in the thousands for an input 1…16). What is true is the
# adjoint identity $\langle Cx, y\rangle = \langle x, C^\top y\rangle$, which makes it
# the backward pass of the convolution. Only if $C^\top C = I$ (e.g. a 1×1 kernel equal
# to 1) would it undo it.
#
# </details>

# %% [markdown]
# **Q5.** Which kernel sizes give an even overlap at stride 3, and what does the
# overlap count look like for $k = 4$, $s = 3$ in 1-D?
#
# <details><summary>Answer</summary>
#
# Multiples of 3: $k = 3, 6, 9, \dots$ For $k = 4$, $s = 3$ the stamps overlap by one
# cell: for three input pixels the count is 1, 1, 1, 2, 1, 1, 2, 1, 1, 1 — inside, a
# period-3 pattern, the 1-D checkerboard (in 2-D, its outer product with itself).
#
# </details>

# %% [markdown]
# **Q6.** In the zero-insertion view of a stride-2, padding-0 transposed convolution with
# a 5×5 kernel, how much padding goes around the zero-inserted input, and which way is
# the kernel turned?
#
# <details><summary>Answer</summary>
#
# $d(k-1) - p = 4$ on each side, and the kernel is rotated 180°: the stamps are a true
# convolution of the zero-inserted input, and `conv2d` cross-correlates.
#
# </details>

# %% [markdown]
# ## Exercises
#
# Open **[exercises/05_transposed_convolution.ipynb](../exercises/05_transposed_convolution.ipynb)**. Three graded functions, NumPy only:
#
# - `transpose_output_size(n, k, s, p, output_padding, d)` — the size formula
#   (`check("05.transpose_output_size")`, 1 point);
# - `conv_matrix(input_shape, k, stride, padding)` — build $C$ yourself
#   (`check("05.conv_matrix")`, 2 points);
# - `conv_transpose2d_scatter(x, w, stride, padding)` — the stamping loop of section 3,
#   with channels (`check("05.conv_transpose2d_scatter")`, 3 points).
#
# Each `check(...)` cell tests your function on small cases and shows the smallest one
# that fails, with a hint.

# %% [markdown]
# ## Going further
#
# - V. Dumoulin and F. Visin, *A guide to convolution arithmetic for deep learning*
#   (2016), chapter 4: every padding/stride case of transposed convolution, with the
#   zero-insertion pictures.
# - A. Odena, V. Dumoulin and C. Olah, *Deconvolution and Checkerboard Artifacts*,
#   Distill (2016): where the pattern comes from and the resize-convolution fix.
# - W. Shi et al., *Real-Time Single Image and Video Super-Resolution Using an Efficient
#   Sub-Pixel Convolutional Neural Network* (2016): sub-pixel convolution
#   (`nn.PixelShuffle`), another upsampling layer, closely related to a transposed
#   convolution with $k = s$.

# %% [markdown]
# ---
# **Next:** [Lesson 6 · Pooling](06_pooling.ipynb) · back to the [course home](../START_HERE.ipynb)
