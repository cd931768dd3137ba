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
# A strided convolution makes feature maps smaller. Segmentation networks, autoencoders
# and GAN generators must also go the other way, from 16×16 back to 32×32, with learned
# weights. The layer that does it is the **transposed convolution**
# (`nn.ConvTranspose2d`), also called "fractionally strided convolution" (accurate) and
# "deconvolution" (wrong, as section 6 shows). One fact explains all of it: a convolution
# is a matrix $C$, and the transposed convolution is $C^\top$.
#
# **Learning objectives.** After this lesson you can
#
# - write a small convolution as a matrix $C$ and read its rows (one output pixel each)
#   and its columns (one input pixel each);
# - compute a transposed convolution three ways — as $C^\top$, as a sum of scaled kernel
#   stamps, and as an ordinary convolution over a zero-inserted input;
# - predict its output size $(n-1)s - 2p + d(k-1) + \text{output\_padding} + 1$ and
#   say what `output_padding` is for;
# - explain why it is not a deconvolution (the adjoint $C^\top$, not the inverse
#   $C^{-1}$);
# - spot the kernel/stride pairs that cause checkerboard artifacts.
#
# The **checkpoints** ask you to predict before the next cell shows the answer: commit
# to a number first, then run on.

# %%
# %matplotlib inline
# %xmode Minimal
import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import (
    conv2d,
    conv_matrix,
    conv_output_size,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose_output_size,
    quiz,
    reference,
)
from convlab import plot as cplot
from convlab import widgets as cwidgets
from convlab.images import photo

np.set_printoptions(precision=4, suppress=True, linewidth=100)

# %% [markdown]
# ## 1 · A convolution is a matrix
#
# Take the 4×4 input $1 \dots 16$ and the 3×3 kernel $1 \dots 9$, stride 1, no padding:
# the output is 2×2. Flatten the input row by row into a vector of 16 numbers and the
# output into a vector of 4. The convolution becomes a matrix $C$ times that vector.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "A 3×3 kernel on a 4×4 input (stride 1, no padding), flattened: y = C @ x. "
    "What is the shape of C?",
    (4, 16),
    explain="One row per output pixel (2×2 = 4) and one column per input pixel (4×4 = 16). "
    "Each row holds the 9 kernel weights at the columns of its window, and 7 zeros.",
    hint="C @ x must turn the 16 numbers of x into the 4 numbers of y.",
)

# %%
fig = cplot.conv_matrix((4, 4))

# %% [markdown]
# Each **row** of $C$ is one output pixel: the kernel laid out at the columns of the 9
# input pixels its window covers (the grey lines separate image rows). Row 1 is row 0
# shifted one column right; row 2 is row 0 shifted one image row, 4 columns. Only 9
# different numbers fill 64 entries: that is **weight sharing**, and the 28 zeros are
# **sparse connectivity**. `convlab.conv_matrix` builds $C$, and multiplying by it is
# the convolution:

# %% tags=["nbval-check-output"]
x = np.arange(1.0, 17.0).reshape(4, 4)
w = np.arange(1.0, 10.0).reshape(3, 3)
C = conv_matrix((4, 4), w)
print("C has shape", C.shape, "(output pixels × input pixels)")
print(C)

# %% tags=["nbval-check-output"]
y = conv2d(x[None], w[None, None])[0]  # (C, H, W) in, (C, H, W) out
print("conv2d(x, w) =\n", y)
print("C @ x.ravel() =", C @ x.ravel())
print("equal to conv2d:", np.array_equal(C @ x.ravel(), y.ravel()))
ref = reference.conv_reference(x[None, None], w[None, None])[0, 0]
print("equal to the loop definition:", np.array_equal(y, ref))

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Same 3×3 kernel 1…9, now on a 5×5 input (stride 1, no padding). "
    "How many entries of C are nonzero?",
    81,
    explain="The output is 3×3, so C is 9×25 = 225 entries. No tap falls on padding, so every "
    "row holds all 9 weights: 9 × 9 = 81 nonzeros and 144 zeros. The bigger the image, the "
    "sparser C: a conv layer is a huge matrix that is almost all zeros.",
    hint="Count the rows (output pixels), then the nonzeros in one row.",
)

# %% tags=["nbval-check-output"]
C5 = conv_matrix((5, 5), w)
print("C for a 5×5 input:", C5.shape, "  nonzero entries:", np.count_nonzero(C5))

# %% [markdown]
# Nothing here is special to one channel or stride 1: with $C_{in}$ input channels the
# columns run over every (channel, row, column), with $C_{out}$ filters the rows do, and
# a stride skips rows. A 2-channel 5×5 input, 3 filters, stride 2, padding 1:

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
x2 = rng.standard_normal((2, 5, 5))
w2 = rng.standard_normal((3, 2, 3, 3))  # (C_out, C_in, kH, kW)
C2 = conv_matrix((2, 5, 5), w2, stride=2, padding=1)
y2 = conv2d(x2, w2, stride=2, padding=1)
print("C2:", C2.shape, "  conv2d output:", y2.shape, "=", y2.size, "numbers")
print("C2 @ x2.ravel() == conv2d(x2, w2).ravel():", np.allclose(C2 @ x2.ravel(), y2.ravel()))

# %% [markdown] tags=["going-further"]
# ### Going further: every entry of $C$
#
# For stride $s$, padding $p$ and dilation $d$, output pixel $(i, j)$ is row
# $r = i\,o_w + j$ of $C$, and
#
# $$C\big[\,i\,o_w + j,\;\; (i s + a d - p)\,W + (j s + b d - p)\,\big] = w[a, b]$$
#
# for every tap $(a, b)$ that lands inside the $H \times W$ input (taps on the zero
# padding multiply zeros and drop out). Everything else is 0. `conv_matrix` is this
# formula, vectorised.

# %% [markdown]
# ## 2 · The transposed convolution is $C^\top$
#
# $C$ maps 16 numbers to 4. Its transpose $C^\top$ is 16×4: it maps a 2×2 array to a
# 4×4 one, the convolution's shapes run backwards. That linear map is the **transposed
# convolution**; the name means nothing more.

# %%
fig = cplot.conv_matrix((4, 4), transpose=True)

# %% [markdown]
# Read a *column* of $C^\top$ (a row of $C$): $y_0$ is multiplied by the whole kernel and
# sent back to the 9 input pixels that output 0 was computed from. `conv_transpose2d`
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
# With channels, too, one weight tensor serves both directions. `conv2d` reads `w2` as
# $(C_{out}, C_{in}, k_H, k_W)$ = (3, 2, 3, 3): 2 channels in, 3 out. `conv_transpose2d`
# reads the same array as $(C_{in}, C_{out}, k_H, k_W)$: 3 in, 2 out. This is why
# PyTorch's `ConvTranspose2d(in, out, k)` stores its weight as `(in, out, k, k)`.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "conv2d(x2, w2, stride=2, padding=1) turned a (2, 5, 5) input into a (3, 3, 3) output. "
    "y2_any has that output's shape. What shape does "
    "conv_transpose2d(y2_any, w2, stride=2, padding=1) return?",
    (2, 5, 5),
    explain="It is C2ᵀ, so it returns the shape C2 read: (2, 5, 5). w2 serves as 3 channels "
    "in, 2 out, and the size (3 − 1)·2 − 2·1 + (3 − 1) + 1 = 5 is the input's (section 5 "
    "has the formula).",
    hint="C2 maps (2, 5, 5) to (3, 3, 3); its transpose maps back.",
)

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
# A convolution **gathers**: each output pixel reads a window. Its transpose walks the
# same (input pixel, output pixel, weight) triples from the other side, so it
# **scatters**: each pixel of its input writes a copy of the kernel, scaled by its value,
# and overlapping copies add up.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "y = [[1, 2], [3, 4]] and the 3×3 kernel 1…9, stride 1: each y value stamps a scaled "
    "kernel onto the 4×4 output, y[i, j]'s stamp starting at (i, j). "
    "Click the cells that receive a stamp from all four y values.",
    (4, 4),
    [(1, 1), (1, 2), (2, 1), (2, 2)],
    explain="y[i, j]'s stamp covers rows i…i+2 and columns j…j+2. All four stamps cover rows "
    "1–2 and columns 1–2: the middle 2×2. The corners get one stamp, the other edge cells two.",
    hint="Draw the four 3×3 stamps; where do all of them overlap?",
)

# %% [markdown]
# The picture calls the transposed convolution's input $x$, as `conv_transpose2d` does:

# %%
fig = cplot.transposed_stamps(y_small, w, stride=1)

# %% [markdown]
# The sum is $C^\top y$ from section 2, cell for cell. With stride $s$ the stamps are
# placed $s$ apart; with dilation $d$ each stamp's taps are $d$ apart:
#
# $$z[\,i s + a d,\;\; j s + b d\,] \mathrel{+}= y[i, j]\; w[a, b] \qquad
# \text{for all } i, j \text{ and taps } a, b,$$
#
# on a canvas of $(n-1)s + d(k-1) + 1$ rows and columns. The `padding` $p$ then **crops**
# $p$ rows and columns from each side: it is the padding of the convolution being
# transposed, which added them. `reference.conv_transpose_reference` is this loop
# written out, and it agrees with `conv_transpose2d`:

# %% tags=["nbval-check-output"]
settings = dict(stride=2, padding=1, output_padding=1)
fast = conv_transpose2d(y2_any[None], w2, **settings)
loops = reference.conv_transpose_reference(y2_any[None], w2, **settings)
print("output shape:", fast.shape, "  same as the stamping loops:", np.allclose(fast, loops))

# %% [markdown]
# ## 4 · Stride as zero insertion: "fractionally strided" convolution
#
# With stride 2, a 2×2 input and a 3×3 kernel of ones, the stamps start 2 apart, so
# neighbours overlap in one row or column. Keep an eye on the overlap count: section 7
# comes back to it.

# %%
fig = cplot.transposed_stamps()

# %% [markdown]
# The same numbers come from an *ordinary* convolution. Spread the input out first — put
# $s - 1$ zeros between neighbours — and the stamping sum becomes a true convolution
# (kernel **flipped**, lesson 1) at stride 1. Stride $s$ forwards becomes stride $1/s$
# here, hence "fractionally strided". The recipe:
#
# 1. insert $s - 1$ zeros between input pixels (size $n \to (n-1)s + 1$);
# 2. pad $d(k-1) - p$ zeros on each side (a negative number crops), plus
#    `output_padding` more at the end;
# 3. cross-correlate at stride 1, dilation $d$, with the kernel rotated 180°.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "The picture below runs the recipe for the example above: 2×2 input, 3×3 kernel, "
    "stride 2, padding 0. How many rows does the zero-inserted, padded grid have?",
    7,
    explain="Zero insertion gives (2 − 1)·2 + 1 = 3 rows; padding d(k − 1) − p = 2 on each "
    "side adds 4: 7 rows. A 3×3 window at stride 1 fits 7 − 3 + 1 = 5 times, the 5 rows of "
    "the transposed convolution.",
    hint="Step 1 gives (n − 1)s + 1 rows; step 2 adds d(k − 1) − p on each side.",
)

# %% [markdown]
# Blue cells are $y$, the plain 0s between them the inserted zeros, the hatched ring the
# padding; the small ×9, ×8, … are the weights of the kernel $1 \dots 9$ rotated 180°:

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
# The recipe holds with padding, `output_padding` and dilation too (`convlab.pad` takes
# `(left, right, top, bottom)`, like `torch.nn.functional.pad`):

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

# %% [markdown] tags=["going-further"]
# ### Going further: why libraries scatter instead
#
# Zero insertion is good for understanding and bad for computing: in 2-D at stride $s$
# only one pixel in $s^2$ of the zero-inserted input is real, so about $1 - 1/s^2$ of
# the multiplications (3/4 at stride 2) hit inserted zeros. Libraries scatter instead,
# or, equivalently, run the backward pass of a convolution (lesson 7).

# %% [markdown]
# ## 5 · The output size, and why `output_padding` exists
#
# Count the canvas of stamps: the last stamp starts at $(n-1)s$ and spans $d(k-1)+1$
# cells. `padding` crops $p$ from **each** side; `output_padding` adds rows and columns
# at the **end** (bottom and right) only:
#
# $$o = (n-1)\,s \;-\; 2p \;+\; d\,(k-1) \;+\; \text{output\_padding} \;+\; 1 .$$

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "ConvTranspose2d(kernel_size=3, stride=2, padding=1) on a 4×4 input, output_padding=0: "
    "how many output rows?",
    7,
    explain="(4 − 1)·2 − 2·1 + (3 − 1) + 0 + 1 = 7. The table below shows the catch: "
    "Conv2d(kernel_size=3, stride=2, padding=1) maps both 7 and 8 rows to 4, so 7 is only "
    "one of two possible answers.",
    hint="Plug n = 4, s = 2, p = 1, k = 3, d = 1 into the formula.",
)

# %% [markdown]
# The formula undoes the convolution's size formula $n = \lfloor (m + 2p - d(k-1) -
# 1)/s \rfloor + 1$, except for the floor. A stride-2 convolution with $k = 3$, $p = 1$
# sends both 7×7 and 8×8 inputs to 4×4, so from 4×4 the transposed convolution cannot
# know which to return. `output_padding` (smaller than the stride) says which:
# 0 gives 7, 1 gives 8.

# %% tags=["nbval-check-output"]
k, s, p = 3, 2, 1
print(" m  conv → n  output_padding  transpose → o")
for m in range(5, 11):
    n = conv_output_size(m, k, s, p)
    op = (m + 2 * p - k) % s  # the rows the floor dropped
    print(f"{m:2d}  {n:8d}  {op:14d}  {conv_transpose_output_size(n, k, s, p, op):13d}")

# %% [markdown] tags=["going-further"]
# ### Going further: the two matrices behind `output_padding`
#
# The matrix view says it more sharply: the 5×5 and the 6×6 inputs give two different
# matrices $C$ (9×25 and 9×36) with the same 3×3 output, so two different transposes of
# the same $y$. `output_padding` chooses between them; `conv_matrix`'s notes give the
# rule, `output_padding` $= (m + 2p - d(k-1) - 1) \bmod s$. And the extra row and column
# are not necessarily zeros: stamping $y = 1 \dots 9$ with a 3×3 kernel of ones at stride
# 2 makes a 7×7 canvas, `padding=1` crops it to rows and columns 1…5, and
# `output_padding=1` gives back canvas row 6 — the overlapping bottom rows of the stamps
# of 7, 8 and 9: $7, 15, 8, 17, 9, 9$ after the crop of the first column.

# %% tags=["nbval-check-output"]
y33 = np.arange(1.0, 10.0).reshape(3, 3)
for m, op in [(5, 0), (6, 1)]:
    Cm = conv_matrix((m, m), w, stride=2, padding=1)
    tr = conv_transpose2d(y33[None], w[None, None], stride=2, padding=1, output_padding=op)[0]
    same = np.array_equal(Cm.T @ y33.ravel(), tr.ravel())
    print(f"input {m}×{m}: C is {Cm.shape}, Cᵀy is {tr.shape} with output_padding={op}: {same}")
print(conv_transpose2d(y33[None], np.ones((1, 1, 3, 3)), stride=2, padding=1, output_padding=1)[0])

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "What does conv_transpose2d(y, w, stride=2, output_padding=2) do (no dilation)?",
    [
        "returns one more row and column than output_padding=1",
        "adds two rows and columns of zeros at the bottom and right",
        "refuses: output_padding must be smaller than the stride",
    ],
    2,
    explain="A stride-2 convolution maps exactly two consecutive sizes to each output size "
    "(the floor drops 0 or 1 row), so output_padding only picks one of them: 0 or 1. A 2 "
    "would name a size that no stride-2 convolution maps to n; PyTorch refuses it, and so "
    "does convlab (the rule is: smaller than the stride or the dilation).",
    hint="Which input sizes does a stride-2 convolution send to the same output size?",
)

# %% tags=["raises-exception"]
conv_transpose2d(y33[None], w[None, None], stride=2, output_padding=2)

# %% [markdown]
# ### Explore
#
# The explorer stamps an $n \times n$ input $1, 2, \dots$ with a $k \times k$ kernel of
# ones and prints the size formula. Move **n** (each extra input pixel adds $s$ output
# rows), raise **padding p** (the frame shrinks by $p$ on each side) and
# **output_padding** (a row and column come back, bottom and right only); move **a**
# and **b** to see where one input cell's stamp lands.
#
# **Challenge:** at stride 2, find a kernel whose stamps overlap ($k > s$) yet cover
# every interior cell equally often. The goal line turns ✅ when the overlap counts
# inside the border are all equal.

# %% tags=["nbval-ignore-output"]
explorer = cwidgets.transpose_explorer()


def even_inside(state):  # stride 2, k > s, and one overlap count away from the border
    k, s, n = state["k"], state["stride"], state["n"]
    if s != 2 or k <= s or n < 2:
        return False
    inside = explorer.counts[k - s : n * s, k - s : n * s]
    return inside.min() == inside.max()


explorer.set_goal("Stride 2, overlapping stamps, an even overlap inside", even_inside)

# %% [markdown]
# ## 6 · It is not a deconvolution
#
# In signal processing, **deconvolution** means *undoing* a convolution: given
# $y = x * w$ and $w$, recover $x$ (deblurring a photo with a known blur). That is
# $C^{-1}$. The transposed convolution is $C^\top$, and $C^\top \neq C^{-1}$.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "x is the 4×4 input 1…16 and w the 3×3 kernel 1…9. What does "
    "conv_transpose2d(conv2d(x, w), w) return?",
    [
        "x exactly: the transposed convolution undoes the convolution",
        "x up to a constant factor",
        "a 4×4 array that is not x, not even roughly",
        "a 2×2 array",
    ],
    2,
    explain="It returns Cᵀ(Cx), a 4×4 array with values in the hundreds and thousands. Cᵀ "
    "has the inverse's shapes but not its values: it is the adjoint of C. Here no linear "
    "map could undo C anyway: it is 4×16, four equations for sixteen unknowns.",
    hint="The transposed convolution is Cᵀ. Is CᵀC the identity?",
)

# %% tags=["nbval-check-output"]
y = conv2d(x[None], w[None, None])[0]
print("x =\n", x)
print("conv_transpose2d(conv2d(x, w), w) =\n", conv_transpose2d(y[None], w[None, None])[0])

# %% [markdown] tags=["going-further"]
# ### Going further: a true deconvolution
#
# With $C$ 4×16 the best any method can do is the smallest $x$ that reproduces $y$ (the
# pseudo-inverse), which still is not $x$. With `padding=1`, $C$ is a square 16×16
# matrix; it happens to be invertible for this kernel, and **solving** $Cx = y$ — a true
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
# What $C^\top$ *is*, is the **adjoint** of $C$: for every $x$ and $y$ of the right
# shapes, $\langle C x,\, y \rangle = \langle x,\, C^\top y \rangle$. Checked with
# `conv2d` and `conv_transpose2d` only, on the 2-channel, stride-2 layer of section 1:

# %% tags=["nbval-check-output"]
lhs = np.sum(conv2d(x2, w2, stride=2, padding=1) * y2_any)
rhs = np.sum(x2 * conv_transpose2d(y2_any, w2, stride=2, padding=1))
print(f"<Cx, y>  = {lhs:.8f}")
print(f"<x, Cᵀy> = {rhs:.8f}")

# %% [markdown]
# That identity is why the transposed convolution is everywhere in training: the
# gradient of a loss with respect to a convolution's *input* is $C^\top$ applied to the
# gradient at its output (lesson 7). In a decoder the weights are learned, so nobody
# needs an inverse: it is a learnable upsampling with a convolution's connectivity, read
# backwards.

# %% [markdown] tags=["going-further"]
# ### Going further: where the name "deconvolution" comes from
#
# Zeiler, Krishnan, Taylor and Fergus's *Deconvolutional Networks* (CVPR 2010) really
# were deconvolution: convolutional sparse coding, which *infers* feature maps that
# reconstruct an image by solving an optimisation problem — a genuine inverse problem.
# The word spread with a different thing: the "deconvnet" of Zeiler and Fergus,
# *Visualizing and Understanding Convolutional Networks* (ECCV 2014), projected
# activations back to pixels with unpooling and the *transposed* filters of a trained
# network — $C^\top$, not $C^{-1}$. Long, Shelhamer and Darrell's *Fully Convolutional
# Networks* (CVPR 2015) then upsampled with "backwards strided convolution" in Caffe's
# layer named `Deconvolution`, and the name stuck in frameworks and blog posts.

# %% [markdown]
# ## 7 · Checkerboard artifacts
#
# Back to the overlap counts of section 4. With $k = 3$ and $s = 2$, neighbouring stamps
# share one row or column, so cells receive 1, 2 or 4 stamps. With $k = 4$, neighbours
# share two rows, and every cell away from the border (here the middle 2×2) is covered
# by exactly $2 \times 2 = 4$ stamps:

# %%
fig = cplot.transposed_stamps(np.ones((2, 2)), np.ones((4, 4)), stride=2)

# %% [markdown]
# The counts are a transposed convolution of ones by ones. In 1-D it is easy to predict.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "1-D, a kernel of 4 ones, stride 3, an input of 3 ones: the output has "
    "(3 − 1)·3 + 4 = 10 cells. Click the cells covered by two stamps.",
    10,
    [3, 6],
    explain="The stamps cover cells 0–3, 3–6 and 6–9: neighbours share one cell, 3 and 6. "
    "The count 1, 1, 1, 2, 1, 1, 2, 1, 1, 1 repeats with period 3 — the 1-D checkerboard. "
    "It is even only when k is a multiple of s.",
    hint="Stamp i starts at 3i and is 4 cells long.",
)

# %% tags=["nbval-check-output"]
print("k=4, s=3, 1-D:", conv_transpose1d(np.ones((1, 3)), np.ones((1, 1, 4)), stride=3)[0])
ones = np.ones((1, 3, 3))
for k in (3, 4):
    counts = conv_transpose2d(ones, np.ones((1, 1, k, k)), stride=2)[0]
    print(f"k={k}, s=2: stamps per cell\n", counts.astype(int))

# %% [markdown]
# On a real image that unevenness is the **checkerboard artifact** (Odena, Dumoulin &
# Olah, 2016). Below, a 48-pixel-high photo is upsampled ×2 three ways, each kernel a
# uniform average with mean gain 1: $k = 3$ (gains 4/9, 8/9, 16/9 in the 1-2-4 pattern),
# $k = 4$ (even inside; the border gets fewer stamps and comes out darker), and
# **resize-then-convolve**: nearest-neighbour upsampling (itself a transposed convolution
# with $k = s$ and a kernel of ones) followed by an ordinary 3×3 convolution.

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
# Hence the two standard fixes: use $k$ divisible by $s$ (DCGAN's $k = 4$, $s = 2$), or
# — Odena et al.'s recommendation — **resize, then convolve**, which has no uneven
# overlap at all. A strided convolution's backward pass is a transposed convolution, so
# its input gradients can show the checkerboard too.

# %% [markdown] tags=["going-further"]
# ### Going further: phases, or why $k = 4$ is not enough
#
# Counts assume all weights are equal. For a constant input, an output cell receives one
# tap from each stamp covering it, and *which* taps depends only on the cell's position
# modulo $s$. So the kernel splits into $s \times s$ **phases** ($w[a, b]$ with
# $a \bmod s$ and $b \bmod s$ fixed), each interior cell gets the sum of one phase, and
# the output is flat exactly when all phase sums are equal. A uniform 3×3 kernel fails
# (in 1-D the phases sum to $w_0 + w_2 = 2$ and $w_1 = 1$), a uniform 4×4 passes — but a
# trained 4×4 kernel need not. A bilinear-interpolation kernel (every phase sums to 1)
# stays flat, and resize-then-convolve gives a constant inside for **any** kernel,
# because after nearest-neighbour upsampling every window sees the same values:

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

# %% [markdown] tags=["going-further"]
# ### Going further: upsampling in U-Net, DCGAN and FCN
#
# - **U-Net** (Ronneberger et al., 2015) climbs back up with "up-convolutions",
#   `ConvTranspose2d(c, c // 2, kernel_size=2, stride=2)`: with $k = s$ the stamps tile
#   without overlap, and every input pixel becomes its own learned 2×2 patch.
# - **DCGAN** generators (Radford et al., 2016) grow an image from a noise vector with
#   stacked `ConvTranspose2d(kernel_size=4, stride=2, padding=1)`, each doubling the
#   size exactly: $(n-1)\cdot 2 - 2 + 3 + 1 = 2n$. `kernel_size=3, stride=2, padding=1,
#   output_padding=1` also doubles, but with the uneven 3-over-2 overlap.
# - **FCN** (Long, Shelhamer & Darrell, 2015) upsamples its coarse class scores with a
#   transposed convolution *initialised* to bilinear interpolation, whose phases are
#   balanced.
#
# A tiny DCGAN-style generator on random weights — shapes and parameter counts
# (`conv_params` counts $C_{in} C_{out} k^2$ weights plus $C_{out}$ biases, which holds
# for transposed layers too):

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
# ## Common mistakes
#
# - **"The transposed convolution recovers the input."** It is the adjoint $C^\top$,
#   not the inverse $C^{-1}$: it restores the input's *shape*, not its values
#   (section 6). Spot it: run `conv_transpose2d(conv2d(x, w), w)` and compare with `x`.
# - **"Transpose the kernel."** It is the *same* kernel, scattered: stamp $w$ itself,
#   unturned. Only the zero-insertion view rotates it, by 180° (not `w.T`), because it
#   rewrites the scatter as a correlation. What swaps is the channel axes: `(in, out,
#   k, k)`. Spot it: with an asymmetric kernel like $1 \dots 9$, passing `w.T` to
#   `conv_transpose2d` gives other numbers than passing `w`.
# - **"`kernel_size=3, stride=2` doubles the size."** It gives $2n + 1$ without padding;
#   `padding=1, output_padding=1` gives $2n$ (with the 3-over-2 checkerboard). Spot it:
#   compute $o$ before you build the decoder.
# - **"`output_padding` pads zeros."** It selects which of the input sizes to return,
#   and the extra row holds real stamp values. Spot it: print the last row.

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
#
# Then **Design and debug** (4 points): `uniform_overlap`, `transposed_by_zero_insertion`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
#
# - V. Dumoulin and F. Visin, *A guide to convolution arithmetic for deep learning*
#   (2016), chapter 4: every padding/stride case of transposed convolution, with the
#   zero-insertion pictures.
# - A. Odena, V. Dumoulin and C. Olah, *Deconvolution and Checkerboard Artifacts*,
#   Distill (2016): where the pattern comes from and the resize-convolution fix.
# - M. D. Zeiler and R. Fergus, *Visualizing and Understanding Convolutional Networks*
#   (ECCV 2014); J. Long, E. Shelhamer and T. Darrell, *Fully Convolutional Networks
#   for Semantic Segmentation* (CVPR 2015).
# - W. Shi et al., *Real-Time Single Image and Video Super-Resolution Using an Efficient
#   Sub-Pixel Convolutional Neural Network* (2016): sub-pixel convolution
#   (`nn.PixelShuffle`), another upsampling layer, closely related to a transposed
#   convolution with $k = s$.

# %% [markdown]
# ---
# **Next:** [Lesson 6 · Pooling](06_pooling.ipynb) · back to the [course home](../START_HERE.ipynb)
