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
# # Lesson 7 · Backpropagation through convolution
#
# Training a CNN asks, for every weight and every pixel, *how much would the loss change
# if this number moved a little?* Backpropagation answers with the chain rule, one layer
# at a time, backwards. For a convolution the answer is tidy: the input gradient is a
# **transposed convolution** with the *same* kernel (lesson 5's $C^\top$), the weight
# gradient a **correlation**, the bias gradient a **sum**. Pooling only *routes* the
# gradient. At the end you train a small CNN in pure NumPy with these functions.
#
# **Learning objectives.** After this lesson you can
#
# - derive $\partial L/\partial x$, $\partial L/\partial w$ and $\partial L/\partial b$
#   for $y = \mathrm{conv}(x, w) + b$ with the chain rule, and name the operation that
#   computes each;
# - compute the input gradient as a transposed convolution, and say which input pixels
#   get none;
# - compute the weight gradient as a correlation, batch and channels included;
# - predict where max pooling and average pooling send the gradient (ties, overlaps);
# - check any gradient with central differences, and recognise a wrong one;
# - train a small CNN in NumPy to ≥ 97 % test accuracy.
#
# The **checkpoints** ask you to predict before the next cell shows the answer.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import math
import time

import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import nn, quiz, reference
from convlab import plot as cplot
from convlab import widgets as cwidgets
from convlab.data import load_digits
from convlab.train import accuracy, digits_cnn, train_digits

np.set_printoptions(precision=4, suppress=True, linewidth=100)
lesson_start = time.perf_counter()

# %% [markdown]
# ## 1 · The chain rule for one convolution
#
# Output $y[0, 1]$ of a 3×3 kernel on a 4×4 input is nine products added up:

# %%
x = np.arange(1.0, 17.0).reshape(4, 4)
w = np.arange(1.0, 10.0).reshape(3, 3)
cplot.conv_step(x, w, 0, 1);

# %% [markdown]
# Nudge $w[0, 0]$ and $y[0, 1]$ moves by the input it multiplies, $x[0, 1] = 2$; nudge
# $x[0, 1]$ and it moves by the weight it meets, $w[0, 0] = 1$. The loss $L$ depends on
# *all* outputs, so the chain rule adds up the paths through each. With $x_p$ the padded
# input, $s$ the stride and $g = \partial L / \partial y$ the gradient from the layers
# above (shaped like $y$):
#
# $$y[i, j] = b + \sum_{u, v} w[u, v]\; x_p[i s + u,\; j s + v]$$
#
# $$\frac{\partial L}{\partial b} = \sum_{i, j} g[i, j] \qquad
# \frac{\partial L}{\partial w[u, v]} = \sum_{i, j} g[i, j]\; x_p[i s + u,\; j s + v]$$
#
# $$\frac{\partial L}{\partial x_p[r, c]} = \sum_{i, j} g[i, j]\; w[r - i s,\; c - j s]
# \qquad (w \text{ is } 0 \text{ outside its } k \times k)$$
#
# With channels each sum grows one index: $\partial L/\partial x$ sums over the output
# channels, $\partial L/\partial w$ over the batch, $\partial L/\partial b$ over the
# batch and every position. `convlab.conv2d_backward` returns all three, as PyTorch's
# autograd does.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "A conv layer maps x of shape (2, 3, 6, 6) with a weight w of shape (4, 3, 3, 3), "
    "stride 2, padding 1, to y of shape (2, 4, 3, 3). What is the shape of dL/dw?",
    (4, 3, 3, 3),
    explain="Every gradient has the shape of the array it belongs to: dL/dw is (4, 3, 3, 3) "
    "like w, dL/dx is (2, 3, 6, 6) like x. The batch of 2 does not appear in dL/dw: one kernel "
    "serves both samples, so their contributions are summed.",
    hint="L is a number; how many numbers does w hold?",
)

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
xb = rng.normal(size=(2, 3, 6, 6))  # N, C_in, H, W (NCHW, PyTorch's layout)
wb = rng.normal(size=(4, 3, 3, 3))  # C_out, C_in, kH, kW
bb = rng.normal(size=4)
yb = convlab.conv2d(xb, wb, bb, stride=2, padding=1)
gb = rng.normal(size=yb.shape)  # dL/dy, as the layers above would send it
gx, gw, gbias = convlab.conv2d_backward(gb, xb, wb, bb, stride=2, padding=1)
print("y", yb.shape, "  g = dL/dy", gb.shape)
print("dL/dx", gx.shape, "  dL/dw", gw.shape, "  dL/db", gbias.shape)

# %% [markdown]
# ## 2 · Explore: where does one output's gradient go?
#
# The explorer sends $g$ = 1 at a single output $(i, j)$ and 0 everywhere else. The top
# row is the forward pass, the bottom row the backward pass, each gradient drawn under
# the array it belongs to. Predict first.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "A 3×3 kernel on a 5×5 input, stride 1, no padding. g is 1 at output (1, 1) and 0 "
    "elsewhere. Click the input cells whose gradient dL/dx is nonzero.",
    (5, 5),
    [(r, c) for r in (1, 2, 3) for c in (1, 2, 3)],
    explain="Output (1, 1) read the window of rows 1–3 and columns 1–3, so only those 9 "
    "inputs influenced it: dL/dx is the kernel stamped on that window, and 0 elsewhere.",
    hint="Which input cells did output (1, 1) read in the forward pass?",
)

# %% [markdown]
# Drag **output row i** and **col j**: $\partial L/\partial x$ is the kernel *stamped* on
# the window that output read, and $\partial L/\partial w$ *is* that window of $x$. Try
# **padding p** = 1 (the stamp's part on the padding is dropped), **g = 1 everywhere**
# (stamps add up), **max_pool2d** and **avg_pool2d**.
#
# **Challenge:** with max pooling and $g = 1$ everywhere, make one input cell collect the
# gradient of 9 windows or more. How many windows can contain one cell?

# %% tags=["nbval-ignore-output"]
explorer = cwidgets.backprop_explorer()
explorer.set_goal(
    "max_pool2d, g = 1 everywhere, and one input cell that collects 9 or more",
    lambda s: s["mode"] == "max" and s["gradient"] == "ones" and explorer.grad_input.max() >= 9,
)

# %% [markdown]
# ## 3 · The input gradient is a transposed convolution
#
# Read $\partial L/\partial x_p$ the other way round: each $g[i, j]$ adds
# $g[i, j] \cdot w$ onto the window it came from, and overlapping stamps add up: lesson
# 5's scatter view, with $g$ as input and the **same** kernel, stride and padding. Here
# a 2×2 $g$ from a 3×3 kernel, stride 2 (the picture calls $g$ "$x$"):

# %%
g2 = np.array([[1.0, -1.0], [2.0, 0.5]])
cplot.transposed_stamps(g2, w, stride=2);

# %% [markdown]
# In lesson 5's matrix view, $\mathrm{vec}(y) = C\, \mathrm{vec}(x)$, so the chain rule
# gives $\partial L/\partial x = C^\top g$, and $C^\top$ *is* the transposed convolution:
# the adjoint, not the inverse. Three routes, one answer:

# %% tags=["nbval-check-output"]
x5 = rng.normal(size=(1, 1, 5, 5))
w5 = rng.normal(size=(1, 1, 3, 3))
g5 = rng.normal(size=(1, 1, 2, 2))  # conv2d(x5, w5, stride=2) is 2×2
dx5 = convlab.conv2d_backward(g5, x5, w5, stride=2)[0]
C = convlab.conv_matrix((5, 5), w5[0, 0], stride=2)
print("C is", C.shape, "(outputs × inputs)")
print("transposed conv:", np.allclose(dx5, convlab.conv_transpose2d(g5, w5, stride=2)))
print("C.T @ g:        ", np.allclose(dx5[0, 0], (C.T @ g5.ravel()).reshape(5, 5)))
print("reference loop: ", np.allclose(dx5, reference.conv_transpose_reference(g5, w5, stride=2)))

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "The forward pass of conv2d is a correlation (no flip). With stride 1 and no padding, "
    "dL/dx[r] = Σᵢ g[i] w[r − i]. The input gradient is then a full correlation of g with…",
    ["w itself", "w rotated by 180°", "w transposed (w.T)"],
    1,
    explain="The index r − i is a convolution's, not a correlation's: dL/dx is the full "
    "convolution g * w, which is a correlation with w rotated by 180°. w.T swaps rows and "
    "columns, which is a different thing for most kernels.",
    hint="In a correlation the kernel index grows with r; here it is r − i.",
)

# %% tags=["nbval-check-output"]
x4, w4 = rng.normal(size=(1, 1, 4, 4)), rng.normal(size=(1, 1, 3, 3))
g4 = rng.normal(size=(1, 1, 2, 2))
dx4 = convlab.conv2d_backward(g4, x4, w4)[0][0, 0]
print(np.allclose(dx4, convlab.convolve2d(g4[0, 0], w4[0, 0], mode="full")))
print(np.allclose(dx4, convlab.correlate2d(g4[0, 0], w4[0, 0, ::-1, ::-1], mode="full")))
print(np.allclose(dx4, convlab.correlate2d(g4[0, 0], w4[0, 0], mode="full")), "(no flip: wrong)")

# %% [markdown]
# ## 4 · The weight gradient is a correlation
#
# Now read $\partial L/\partial w[u, v] = \sum_{i,j} g[i, j]\, x_p[i s + u, j s + v]$ as a
# sliding window: put $g$ on the input like a kernel, at offset $(u, v)$, multiply and
# add. For stride 1 that is the correlation $x \star g$ (valid), and it has the kernel's
# size.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 3×3 convolution on the 5×5 input x = 1…25 (row-major: x[r, c] = 5r + c + 1) receives "
    "g = [[1, 0, 2], [0, 1, 0], [−1, 0, 1]]. What is dL/dw[0, 1]?",
    20,
    explain="Slide g over x at offset (0, 1): 1·x[0,1] + 2·x[0,3] + 1·x[1,2] − 1·x[2,1] + "
    "1·x[2,3] = 2 + 8 + 8 − 12 + 14 = 20. The weight gradient is a correlation of x with g.",
    hint="dL/dw[0, 1] = Σ g[i, j] · x[i, j + 1]; only the nonzero g count.",
)

# %% [markdown]
# Below, the "kernel" is $g$ and the "output" is $\partial L/\partial w$; the written-out
# sum is $\partial L/\partial w[0, 1]$:

# %%
x55 = np.arange(1.0, 26.0).reshape(5, 5)
g33 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 1.0]])
cplot.conv_step(x55, g33, 0, 1);

# %% [markdown]
# The numbers, three ways: `conv2d_backward`, scipy-style `correlate2d`, and the bias
# gradient as the plain sum of $g$:

# %% tags=["nbval-check-output"]
_, dw, db = convlab.conv2d_backward(
    g33[None, None], x55[None, None], np.ones((1, 1, 3, 3)), bias=np.zeros(1)
)
print(dw[0, 0])
print(convlab.correlate2d(x55, g33, mode="valid"))
print("dL/db =", db, "= sum of g =", g33.sum())

# %% [markdown] tags=["going-further"]
# ### Going further: the batched weight gradient as one `conv2d`
#
# With a batch, channels and a stride it is still one correlation, if the axes trade
# places. Put the batch axis where `conv2d` expects channels, so that `conv2d`'s sum
# over channels becomes the sum over the batch: $x$ becomes $(C_{in}, N, H, W)$, a
# "batch" of $C_{in}$ images, and $g$ becomes $(C_{out}, N, o_h, o_w)$, a bank of
# $C_{out}$ "kernels". Neighbouring entries of $g$ came from windows $s$ pixels apart, so
# the forward **stride** becomes the **dilation** of this correlation. For the batch of
# section 1 (stride 2, padding 1) the result is 4×4 and needs a crop: the padded input
# has 8 rows, the windows start at rows 0, 2, 4 and reach row 6, so padded row 7 is
# never read, and the extra offset is not a weight.

# %% tags=["nbval-check-output"]
swapped = convlab.conv2d(xb.transpose(1, 0, 2, 3), gb.transpose(1, 0, 2, 3), padding=1, dilation=2)
print(
    "swapped correlation:", swapped.shape, "-> transpose back:", swapped.transpose(1, 0, 2, 3).shape
)
print(
    "equals dL/dw after cropping to 3×3:",
    np.allclose(swapped.transpose(1, 0, 2, 3)[:, :, :3, :3], gw),
)
print("dL/db is g summed over batch and space:", np.allclose(gbias, gb.sum(axis=(0, 2, 3))))

# %% [markdown]
# ## 5 · Stride and padding in the backward pass
#
# **Rows the forward never visited.** A row that no window reads influences nothing the
# network computes.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "A 3×3 kernel of ones on a 6×6 input, stride 2, no padding, and g = 1 at every output. "
    "Click the input rows whose gradient is 0 whatever g is.",
    6,
    [5],
    explain="⌊(6 − 3)/2⌋ + 1 = 2 output rows; the windows cover rows 0–2 and 2–4. Row 5 is "
    "dropped by the floor in the size formula (lesson 2), so its gradient is 0 whatever g is.",
    hint="Where do the windows start, and how far do they reach?",
)

# %% tags=["nbval-check-output"]
x6 = np.arange(1.0, 37.0).reshape(1, 1, 6, 6)
ones3 = np.ones((1, 1, 3, 3))
g_all = np.ones((1, 1, 2, 2))  # every output sends 1
dx6 = convlab.conv2d_backward(g_all, x6, ones3, stride=2)[0]
print(dx6[0, 0])

# %% [markdown]
# Row 2 is read by two windows, cell (2, 2) by four: gradients add where windows
# overlap. Inputs of 5 and 6 rows give the same 2×2 output, so `conv_transpose2d` needs
# lesson 5's `output_padding` $= (n + 2p - k) \bmod s = 1$:

# %% tags=["nbval-check-output"]
print(convlab.conv_transpose2d(g_all, ones3, stride=2).shape, "<- too small: it rebuilds a 5×5")
print(convlab.conv_transpose2d(g_all, ones3, stride=2, output_padding=1).shape)
print(np.allclose(dx6, convlab.conv_transpose2d(g_all, ones3, stride=2, output_padding=1)))

# %% [markdown]
# **Padding.** Gradient that lands on zero padding has nowhere to go: the padding is a
# constant, so it is dropped. Other padding modes *copy* input pixels into the border,
# so their gradient flows back to the pixels that were copied.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 3×3 kernel of ones, stride 1, zero padding 1, on a 4×4 input; g = 1 at every output. "
    "What is dL/dx at the corner (0, 0)?",
    4,
    explain="With a kernel of ones and g = 1, each input's gradient counts the windows that "
    "read it. The corner is read by the 4 windows centred on (0, 0), (0, 1), (1, 0) and "
    "(1, 1); the 5 other windows that would contain it are centred outside the input. "
    "With circular padding, every pixel is read by all 9.",
    hint="Count the 3×3 windows (centred on the 4×4 outputs) that contain the corner.",
)

# %% tags=["nbval-check-output"]
x44, g44 = np.zeros((1, 1, 4, 4)), np.ones((1, 1, 4, 4))
for mode in ("zeros", "circular"):
    dx = convlab.conv2d_backward(g44, x44, ones3, padding=1, padding_mode=mode)[0]
    print(f"{mode}:\n{dx[0, 0]}")

# %% [markdown]
# The three pictures side by side (blank cells are zero gradient):

# %%
fig, axes = plt.subplots(1, 3, figsize=(9, 3))
for ax, values, title in (
    (axes[0], dx6[0, 0], "stride 2: row 5, col 5 unread"),
    (axes[1], convlab.conv2d_backward(g44, x44, ones3, padding=1)[0][0, 0], "padding 1, zeros"),
    (
        axes[2],
        convlab.conv2d_backward(g44, x44, ones3, padding=1, padding_mode="circular")[0][0, 0],
        "padding 1, circular",
    ),
):
    cplot.grid(values, ax=ax, title=title, palette="Reds", hide_zeros=True)
fig.suptitle("dL/dx for g = 1 everywhere, kernel of ones", y=1.02);

# %% [markdown]
# ## 6 · Pooling routes the gradient
#
# Pooling has no weights, so its backward pass only decides *where* each output's
# gradient goes. Max pooling picked one input per window (ringed in blue below); only
# that input influenced the output, so only it gets the gradient:

# %%
xp = np.array(
    [
        [1.0, 5.0, 2.0, 0.0],
        [5.0, 3.0, 4.0, 7.0],
        [0.0, 2.0, 6.0, 1.0],
        [8.0, 1.0, 6.0, 3.0],
    ]
)
cplot.pool_step(xp, 2, 0, 0);

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "The top-left window above holds 1, 5, 5, 3, and g = 10 arrives at its output. "
    "Click the cells that receive gradient.",
    (2, 2),
    [(0, 1)],
    values=[[1, 5], [5, 3]],
    explain="Ties go to the first maximum in row-major order: the 5 at (0, 1) gets all of "
    "g = 10, the 5 at (1, 0) nothing. The gradient is not split, and it is not copied to "
    "both (that would double it).",
    hint="PyTorch's max pooling remembers one index per window.",
)

# %% [markdown]
# Two exact rules, both PyTorch's: **ties go to the first maximum** in row-major window
# order, and **overlapping windows add up** (one pixel can win several windows). Average
# pooling shares each window's gradient equally, $g/k^2$ per cell. Without padding it is
# a convolution with the fixed kernel $\frac{1}{k^2}\mathbf{1}$, so its backward is that
# kernel's transposed convolution; with padding, that holds only with
# `count_include_pad=True` and no ceil-mode window clipped (lesson 6), where the divisor
# is not $k^2$.

# %% tags=["nbval-check-output"]
gp = np.array([[[[10.0, 20.0], [30.0, 40.0]]]])
print(f"max_pool2d_backward:\n{convlab.max_pool2d_backward(gp, xp[None, None], 2)[0][0, 0]}")
print(f"avg_pool2d_backward:\n{convlab.avg_pool2d_backward(gp, xp[None, None], 2)[0][0, 0]}")
quarter = np.full((1, 1, 2, 2), 0.25)
print(
    "avg = conv_transpose2d with the kernel 1/4:",
    np.allclose(
        convlab.avg_pool2d_backward(gp, xp[None, None], 2)[0],
        convlab.conv_transpose2d(gp, quarter, stride=2),
    ),
)

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Now 3×3 max pooling with stride 1 on the same 4×4 input, and g = 1 at each of its "
    "2×2 outputs. How much gradient does the 7 at (1, 3) collect?",
    2,
    explain="The windows starting at (0, 1) and (1, 1) both contain the 7 and no larger "
    "value, so it wins both and their gradients add: 1 + 1 = 2. max_unpool2d would write "
    "the value twice instead of adding it.",
    hint="Find the maximum of each of the four 3×3 windows.",
)

# %% tags=["nbval-check-output"]
_, idx = convlab.max_pool2d(xp[None, None], 2, return_indices=True)
print(
    "indices = reference:", np.array_equal(idx, reference.max_pool_reference(xp[None, None], 2)[1])
)
print(
    "2×2, stride 2: backward = max_unpool2d:",
    np.allclose(
        convlab.max_pool2d_backward(gp, xp[None, None], 2)[0], convlab.max_unpool2d(gp, idx, 2)
    ),
)
g_ones = np.ones((1, 1, 2, 2))
y3, idx3 = convlab.max_pool2d(xp[None, None], 3, stride=1, return_indices=True)
print("3×3, stride 1: window maxima", y3[0, 0].ravel(), "at flat indices", idx3[0, 0].ravel())
adds = convlab.max_pool2d_backward(g_ones, xp[None, None], 3, stride=1)[0][0, 0]
writes = convlab.max_unpool2d(g_ones, idx3, 3, stride=1, output_size=(4, 4))[0, 0]
print(f"backward (adds):\n{adds}\nmax_unpool2d (writes):\n{writes}")

# %% [markdown]
# The same routing, drawn: the winners ringed, the arriving $g$, and what each pooling
# sends back.

# %%
fig, axes = plt.subplots(1, 4, figsize=(9.5, 2.8))
winners = [divmod(int(k), 4) for k in idx[0, 0].ravel()]
cplot.grid(xp, ax=axes[0], title="x (winners framed)", highlight=winners)
cplot.grid(gp[0, 0], ax=axes[1], title="g = dL/dy", palette="Reds")
cplot.grid(
    convlab.max_pool2d_backward(gp, xp[None, None], 2)[0][0, 0],
    ax=axes[2],
    title="max: to the winner",
    palette="Reds",
    hide_zeros=True,
)
cplot.grid(
    convlab.avg_pool2d_backward(gp, xp[None, None], 2)[0][0, 0],
    ax=axes[3],
    title="avg: shared, g/4",
    palette="Reds",
);

# %% [markdown]
# ## 7 · Gradient checks: central differences
#
# How do you know a backward pass is right? Compare it with the **central difference**
# $\big(f(a + \varepsilon) - f(a - \varepsilon)\big) / 2\varepsilon$, whose error shrinks
# like $\varepsilon^2$ (the forward difference's like $\varepsilon$). But $\varepsilon$
# cannot go to 0: $f$ is computed to about $10^{-16}$ relative precision, and dividing
# that rounding error by $\varepsilon$ blows it up. The plot measures both on
# $L(x) = \sum \tanh(\mathrm{conv2d}(x, w)) \cdot R$, whose exact gradient is
# `conv2d_backward((1 - tanh²) · R, x, w)`.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "In float64, which step ε gives the most accurate central difference?",
    ["ε = 10⁻¹", "ε = 10⁻⁵", "ε = 10⁻¹²"],
    1,
    explain="Around 10⁻⁵, where the error is near 10⁻¹¹. Larger steps suffer truncation "
    "error ∝ ε² (about 10⁻⁴ at ε = 10⁻¹); smaller ones suffer rounding error ∝ 10⁻¹⁶/ε "
    "(about 10⁻⁴ again at ε = 10⁻¹²). Smaller is not more precise.",
    hint="Two errors: one shrinks with ε, one grows as ε shrinks.",
)

# %%
xc, wc = rng.normal(size=(1, 1, 5, 5)), rng.normal(size=(1, 1, 3, 3))
R = rng.normal(size=(1, 1, 3, 3))


def loss_of_x(x):
    return float(np.sum(np.tanh(convlab.conv2d(x, wc)) * R))


t = np.tanh(convlab.conv2d(xc, wc))
exact = convlab.conv2d_backward((1 - t**2) * R, xc, wc)[0][0, 0, 2, 2]  # dL/dx[2, 2]
steps = np.logspace(-13, -1, 49)
bump = np.zeros_like(xc)
bump[0, 0, 2, 2] = 1.0
forward_err = [abs((loss_of_x(xc + h * bump) - loss_of_x(xc)) / h - exact) for h in steps]
central_err = [
    abs((loss_of_x(xc + h * bump) - loss_of_x(xc - h * bump)) / (2 * h) - exact) for h in steps
]
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(steps, forward_err, "o-", ms=3, label="forward  (f(a+ε) − f(a)) / ε")
ax.loglog(steps, central_err, "o-", ms=3, label="central  (f(a+ε) − f(a−ε)) / 2ε")
ax.loglog(steps[30:], 0.02 * steps[30:], "k--", lw=0.8, label="slope 1: error ∝ ε")
ax.loglog(steps[30:], 0.02 * steps[30:] ** 2, "k:", lw=1, label="slope 2: error ∝ ε²")
ax.set_xlabel("step ε")
ax.set_ylabel("|numeric − exact|")
ax.set_title("Error of a finite-difference derivative of L(x)")
ax.legend(fontsize=8.5)
ax.grid(True, which="major", alpha=0.3);

# %% [markdown]
# Right of the minimum the truncation error falls with slope 1 (forward) or 2 (central);
# left of it, rounding error grows like $1/\varepsilon$. The central difference bottoms
# out near $\varepsilon \approx 10^{-5}$ at about $10^{-11}$, a thousand times better
# than the best forward difference. So check in float64 with $\varepsilon \approx
# 10^{-6}$: float32 rounds about $10^{9}$ times more coarsely.

# %% [markdown] tags=["going-further"]
# ### Going further: why the central difference wins
#
# Taylor's theorem gives
#
# $$\frac{f(a + \varepsilon) - f(a)}{\varepsilon} = f'(a) + \frac{\varepsilon}{2} f''(a)
# + O(\varepsilon^2), \qquad
# \frac{f(a + \varepsilon) - f(a - \varepsilon)}{2\varepsilon} = f'(a) +
# \frac{\varepsilon^2}{6} f'''(a) + O(\varepsilon^4):$$
#
# in the central difference the $f''$ terms cancel.

# %% [markdown]
# `convlab.gradient_check(f, backward, *arrays)` does this for every entry of every array.
# For an `f` with an array output it checks $S = \sum f(\dots) \cdot R$ for a random $R$,
# whose gradient is exactly `backward(R, ...)`, so one call tests the whole Jacobian.
# Every backward function of this lesson passes:

# %% tags=["nbval-check-output"]
xg, wg, bg = rng.normal(size=(2, 2, 6, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
checks = {
    "conv2d (stride 2, padding 1)": convlab.gradient_check(
        lambda x, w, b: convlab.conv2d(x, w, b, stride=2, padding=1),
        lambda g, x, w, b: convlab.conv2d_backward(g, x, w, b, stride=2, padding=1),
        xg,
        wg,
        bg,
    ),
    "conv2d (reflect padding, dilation 2)": convlab.gradient_check(
        lambda x, w: convlab.conv2d(x, w, padding=2, dilation=2, padding_mode="reflect"),
        lambda g, x, w: convlab.conv2d_backward(
            g, x, w, padding=2, dilation=2, padding_mode="reflect"
        ),
        xg,
        wg,
    ),
    "max_pool2d (3×3, stride 1)": convlab.gradient_check(
        lambda x: convlab.max_pool2d(x, 3, stride=1),
        lambda g, x: convlab.max_pool2d_backward(g, x, 3, stride=1),
        xg,
    ),
    "avg_pool2d (2×2, padding 1)": convlab.gradient_check(
        lambda x: convlab.avg_pool2d(x, 2, padding=1),
        lambda g, x: convlab.avg_pool2d_backward(g, x, 2, padding=1),
        xg,
    ),
}
for name, check in checks.items():
    print(f"{name:38} passed={check.passed}  entries checked: {check.checked}")

# %% [markdown]
# Max pooling is not differentiable where two window entries tie; random real inputs
# never tie, but on images with flat regions a check of max pooling can fail for that
# reason alone. The report says how close it was, and where the worst entry is:

# %%
checks["conv2d (stride 2, padding 1)"]

# %% [markdown]
# **What a wrong gradient looks like.** Forget the 180° flip of section 3: the shapes are
# right, the values are not, and the check shows the worst entry's two values. A relative
# error of order 1 (rather than $10^{-9}$) means the formula is wrong, not imprecise.


# %%
def flipless_backward(g, x, w):
    _, dw, _ = convlab.conv2d_backward(g, x, w)  # the weight gradient is right
    wrong_dx = convlab.conv_transpose2d(g, w[:, :, ::-1, ::-1])  # the kernel turned around
    return wrong_dx, dw


convlab.gradient_check(lambda x, w: convlab.conv2d(x, w), flipless_backward, xg, wg)

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "A hand-written backward pass returns the weight gradient of the first sample only. "
    "It is checked with a batch of 1, then a batch of 4. What happens?",
    [
        "both checks fail",
        "the batch of 1 passes, the batch of 4 fails",
        "both pass: the batch only scales the gradient",
    ],
    1,
    explain="With one sample the sum over the batch has a single term, so the bug cannot "
    "show. With four, three terms are missing. Always check with a batch of 2 or more.",
    hint="What is a sum over a batch of one?",
)


# %% tags=["nbval-check-output"]
def first_sample_only(g, x, w):  # the bug: dL/dw of sample 0, not summed over the batch
    dx, _, _ = convlab.conv2d_backward(g, x, w)
    return dx, convlab.conv2d_backward(g[:1], x[:1], w)[1]


w_small = rng.normal(size=(2, 1, 3, 3))
for batch in (1, 4):
    xs = rng.normal(size=(batch, 1, 5, 5))
    check = convlab.gradient_check(convlab.conv2d, first_sample_only, xs, w_small)
    print(f"batch of {batch}: passed={check.passed}")

# %% [markdown]
# A third classic bug is forgetting `output_padding` for a strided convolution: the
# gradient comes out one row short, and the check refuses it before comparing anything:

# %% tags=["raises-exception"]
convlab.gradient_check(
    lambda x, w: convlab.conv2d(x, w, stride=2),
    lambda g, x, w: (
        convlab.conv_transpose2d(g, w, stride=2),  # 5×5: should be 6×6
        convlab.conv2d_backward(g, x, w, stride=2)[1],
    ),
    xg,
    wg,
)

# %% [markdown]
# ## 8 · A small CNN, trained in NumPy
#
# Everything so far is enough to train a real network: 1,797 handwritten digits, 8×8
# pixels (the UCI set that scikit-learn bundles; it ships with convlab), split into
# 1,438 training and 359 test images.

# %% tags=["nbval-check-output"]
digits = load_digits()
print("train", digits.x_train.shape, digits.y_train.shape, "  test", digits.x_test.shape)
print("pixels in [0, 1]:", digits.x_train.min(), digits.x_train.max())

# %%
fig, axes = plt.subplots(1, 10, figsize=(9, 1.3))
for k, ax in enumerate(axes):
    ax.imshow(digits.x_train[k, 0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(str(digits.y_train[k]), fontsize=11)
    ax.axis("off")
fig.subplots_adjust(wspace=0.1);

# %% [markdown]
# The model uses `convlab.nn`, a small layer kit (read `convlab/nn.py`). Each layer's
# `backward(grad)` adds $\partial L/\partial \theta$ into its parameters' `.grad` and
# returns $\partial L/\partial(\text{input})$: `Conv2d.backward` *is*
# `conv2d_backward`, `MaxPool2d.backward` *is* `max_pool2d_backward`. Two conv blocks
# and a linear classifier:

# %% tags=["nbval-check-output"]
model = digits_cnn(np.random.default_rng(0))
print(model)
for layer in model.layers:
    shapes = [p.data.shape for p in layer.parameters()]
    print(f"{type(layer).__name__:10}", shapes if shapes else "")
print("parameters:", sum(p.data.size for p in model.parameters()))

# %% [markdown]
# Shapes: 1×8×8 → conv → 16×8×8 → pool → 16×4×4 → conv → 32×4×4 → pool → 32×2×2 → 128
# → 10 scores. Cross-entropy loss, SGD with momentum, a cosine learning rate from 0.05
# to 0 over 10 epochs. Per mini-batch: **forward, loss, backward, step**.

# %% tags=["nbval-ignore-output"]
epochs, batch_size, peak_lr = 10, 32, 0.05
mean, std = float(digits.x_train.mean()), float(digits.x_train.std())
x_train = (digits.x_train - np.float32(mean)) / np.float32(std)
x_test = (digits.x_test - np.float32(mean)) / np.float32(std)

train_start = time.perf_counter()
rng_train = np.random.default_rng(0)
model = digits_cnn(rng_train)  # same seed, same initial weights as above
loss_fn = nn.CrossEntropyLoss()
opt = nn.SGD(model.parameters(), lr=peak_lr, momentum=0.9, weight_decay=1e-4)
batch_losses, test_acc = [], []
for epoch in range(epochs):
    opt.lr = peak_lr * (1 + math.cos(math.pi * epoch / epochs)) / 2
    order = rng_train.permutation(len(x_train))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        opt.zero_grad()
        loss = loss_fn(model(x_train[batch]), digits.y_train[batch])  # forward
        model.backward(loss_fn.backward())  # backward: every layer's gradients
        opt.step()  # p -= lr * velocity
        batch_losses.append(loss)
    test_acc.append(accuracy(model, x_test, digits.y_test))
    mean_loss = np.mean(batch_losses[-45:])  # 45 batches per epoch
    print(f"epoch {epoch + 1:2d}  mean loss {mean_loss:.4f}  test accuracy {test_acc[-1]:.2%}")
train_seconds = time.perf_counter() - train_start
print(f"trained in {train_seconds:.1f} s")

# %% tags=["nbval-check-output"]
print(f"test accuracy ≥ 97 %: {test_acc[-1] >= 0.97}")

# %% [markdown] tags=["going-further"]
# ### Going further: the packaged training loop
#
# `convlab.train.train_digits` is this loop, packaged. Same seed, same batches, same
# arithmetic: it ends with exactly the same weights.

# %% tags=["nbval-check-output"]
packaged = train_digits(seed=0, epochs=epochs)
same = all(
    np.array_equal(a.data, b.data)
    for a, b in zip(model.parameters(), packaged.model.parameters(), strict=True)
)
print("same weights:", same, "  same test accuracy:", packaged.test_accuracy == test_acc[-1])

# %% [markdown]
# The loss per mini-batch (log scale) and the test accuracy after each epoch:

# %%
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9.5, 3.4))
steps_per_epoch = len(batch_losses) / epochs
ax_loss.semilogy(
    np.arange(len(batch_losses)) / steps_per_epoch, batch_losses, lw=0.6, alpha=0.5, label="batch"
)
smooth = np.convolve(batch_losses, np.ones(15) / 15, mode="valid")
ax_loss.semilogy(
    (np.arange(len(smooth)) + 7) / steps_per_epoch, smooth, lw=1.8, label="mean of 15 batches"
)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("cross-entropy loss")
ax_loss.set_title("training loss")
ax_loss.legend(fontsize=8.5)
ax_acc.plot(np.arange(1, epochs + 1), 100 * np.array(test_acc), "o-")
ax_acc.axhline(97, color="gray", ls="--", lw=0.8)
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("test accuracy (%)")
ax_acc.set_title(f"test accuracy: {test_acc[-1]:.1%} on 359 digits")
fig.tight_layout();

# %% [markdown]
# Some test digits with the model's answer: the first ten, then every other digit it got
# wrong (in red, with the true label).

# %%
scores = model(x_test)
predicted = scores.argmax(axis=1)
wrong = np.flatnonzero(predicted != digits.y_test)
show = np.concatenate([np.arange(10), wrong[wrong >= 10]])
cols = 10
fig, axes = plt.subplots(-(-len(show) // cols), cols, figsize=(9, 1.3 * -(-len(show) // cols)))
for ax in axes.ravel():
    ax.axis("off")
for ax, k in zip(axes.ravel(), show, strict=False):
    ax.imshow(digits.x_test[k, 0], cmap="gray_r", vmin=0, vmax=1)
    if predicted[k] == digits.y_test[k]:
        ax.set_title(str(predicted[k]), fontsize=10)
    else:
        ax.set_title(f"{predicted[k]} (true {digits.y_test[k]})", fontsize=9, color="#c92a2a")
fig.suptitle(f"{len(wrong)} of {len(x_test)} test digits wrong", y=1.0)
fig.tight_layout();

# %% [markdown]
# What did the first layer learn? Its 16 filters are 3×3 kernels, like lesson 1's Sobel
# and blur kernels, but found by gradient descent (red > 0 > blue):

# %%
filters = model.layers[0].weight.data[:, 0]  # (16, 3, 3)
fig, axes = plt.subplots(2, 8, figsize=(9.5, 3.2))
fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, wspace=0.12, hspace=0.3)
for o, ax in enumerate(axes.ravel()):
    cplot.grid(np.round(filters[o], 1), ax=ax, labels=False, title=f"filter {o}")
fig.suptitle("first-layer filters, rounded to 0.1", y=1.02);

# %% [markdown]
# And what they make of a test digit the model reads correctly: several respond to
# strokes of one orientation, oriented edge detectors learned from 1,438 examples.

# %%
first_right = int(np.flatnonzero(predicted == digits.y_test)[0])
cplot.feature_maps(model.layers[0].weight.data, digits.x_test[first_right, 0], ncols=6, panel=1.45);

# %% tags=["nbval-ignore-output"]
print(f"lesson ran in {time.perf_counter() - lesson_start:.1f} s (training: {train_seconds:.1f} s)")

# %% [markdown]
# ## Common mistakes
#
# - **The weight gradient not summed over the batch.** One kernel serves every sample.
#   Spot it: the gradient check passes with a batch of 1 and fails with 4.
# - **A max-pool tie routed to every maximum.** PyTorch sends it all to the *first*
#   maximum. Spot it: the input gradient sums to more than the output gradient.
# - **Gradient checks in float32.** Its rounding error ($\approx 10^{-7}$) divided by
#   $\varepsilon$ swamps the comparison. Spot it: errors near $10^{-3}$ that vanish in
#   float64.
# - **No flip in the input gradient.** It is a *convolution* of $g$ with $w$. Spot it: a
#   relative error of order 1.
# - **No `output_padding` for a strided convolution.** Spot it: the input gradient is a
#   row short.

# %% [markdown]
# ## Exercises
#
# Open **[exercises/07_backpropagation.ipynb](../exercises/07_backpropagation.ipynb)**. Three graded functions, NumPy only:
#
# - `max_pool2d_backward(grad_out, indices, input_shape)` — route each gradient to its
#   window's maximum, adding where windows overlap (`check("07.max_pool2d_backward")`,
#   2 points);
# - `conv2d_grad_weight(x, grad_out, kernel_size, stride, padding)` — the weight gradient
#   as a correlation, summed over the batch (`check("07.conv2d_grad_weight")`, 3 points);
# - `conv2d_grad_input(grad_out, w, input_shape, stride, padding)` — the input gradient
#   as a transposed convolution, unread rows included (`check("07.conv2d_grad_input")`,
#   4 points).
#
# Each `check(...)` cell tests your function on small cases and shows the smallest one
# that fails, with a hint. `convlab.gradient_check` is a good friend while you work.
#
# Then **Design and debug** (5 points): `gradient_check`, `train_digits`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
#
# - V. Dumoulin and F. Visin, *A guide to convolution arithmetic for deep learning*
#   (2016), section 4: the transposed convolution as the gradient of a convolution, case
#   by case.
# - Stanford CS231n notes, *Backpropagation, intuitions* and *Convolutional Neural
#   Networks*: the chain rule as local gradients, and pooling's routing.
# - PyTorch's `torch.nn.grad.conv2d_input` / `conv2d_weight` (the same identities as
#   library functions) and `torch.autograd.gradcheck` (central differences, like
#   `convlab.gradient_check`).
# - Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, *Gradient-based learning applied to
#   document recognition* (1998): CNNs trained by backpropagation on handwritten digits.

# %% [markdown]
# ---
# That was the last lesson: back to the [course home](../START_HERE.ipynb).
