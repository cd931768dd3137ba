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
# Training a CNN means asking, for every weight and every pixel, *how much would the loss
# change if this number moved a little?* Backpropagation answers by running the network
# backwards, one layer at a time, with the chain rule. For a convolution layer the answer
# is surprisingly tidy: the gradient with respect to the input is a **transposed
# convolution** of the output gradient with the *same* kernel (lesson 5's $C^\top$), the
# gradient with respect to the kernel is a **correlation** of the input with the output
# gradient, and the bias gradient is a **sum**. Pooling has nothing to learn; it only
# *routes* the gradient. This lesson derives each rule, computes it with convlab, checks it
# against an independent route (the matrix $C$, finite differences), and ends by training
# a small CNN on real handwritten digits in pure NumPy, every gradient computed by the
# functions of this lesson.
#
# **Learning objectives.** After this lesson you can
#
# - derive $\partial L/\partial x$, $\partial L/\partial w$ and $\partial L/\partial b$
#   for $y = \mathrm{conv}(x, w) + b$ with the chain rule, and name the operation that
#   computes each;
# - compute the input gradient as a transposed convolution (and as $C^\top g$), with the
#   `output_padding` a strided convolution needs, and say which input pixels get none;
# - compute the weight gradient as a correlation of the input with the output gradient,
#   batch and channels included;
# - predict where max pooling and average pooling send the gradient (ties, overlaps);
# - check any gradient with central differences, and recognise a wrong one;
# - train a small CNN in NumPy to ≥ 97 % test accuracy and look at what it learned.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import math
import time

import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import nn, reference
from convlab import plot as cplot
from convlab import widgets as cwidgets
from convlab.data import load_digits
from convlab.train import accuracy, digits_cnn, train_digits

np.set_printoptions(precision=4, suppress=True, linewidth=100)
lesson_start = time.perf_counter()

# %% [markdown]
# ## 1 · The chain rule for one convolution
#
# Start with the forward pass you know. Output $y[0, 1]$ of a 3×3 kernel on a 4×4 input
# is nine products added up:

# %%
x = np.arange(1.0, 17.0).reshape(4, 4)
w = np.arange(1.0, 10.0).reshape(3, 3)
cplot.conv_step(x, w, 0, 1);

# %% [markdown]
# Read that sum as a function of its numbers. Nudge the weight $w[0, 0]$ and $y[0, 1]$
# moves by the input it multiplies, $x[0, 1] = 2$; nudge the input $x[0, 1]$ and it moves
# by the weight it meets, $w[0, 0] = 1$. Every partial derivative of a convolution is one
# of the two numbers in a product. The rest is bookkeeping: the loss $L$ depends on *all*
# outputs, so the chain rule adds up the paths through each of them.
#
# Write $x_p$ for the padded input, $s$ for the stride, and $g = \partial L / \partial y$
# for the gradient that arrives from the layers above (it has the shape of $y$). The
# forward pass (one channel) and the three gradients are
#
# $$y[i, j] = b + \sum_{u, v} w[u, v]\; x_p[i s + u,\; j s + v]$$
#
# $$\frac{\partial L}{\partial b} = \sum_{i, j} g[i, j] \qquad
# \frac{\partial L}{\partial w[u, v]} = \sum_{i, j} g[i, j]\; x_p[i s + u,\; j s + v]$$
#
# $$\frac{\partial L}{\partial x_p[r, c]} = \sum_{i, j} g[i, j]\; w[r - i s,\; c - j s]
# \qquad (\text{terms with } r - is \text{ or } c - js \text{ outside } 0 \dots k-1
# \text{ are } 0)$$
#
# With channels, $y[n, o] = b[o] + \sum_c x[n, c] \star w[o, c]$, and the sums grow
# one index each: $\partial L/\partial x[n, c]$ sums over the output channels $o$,
# $\partial L/\partial w[o, c]$ over the batch $n$, and $\partial L/\partial b[o]$ over
# $n$ and every position. `convlab.conv2d_backward` returns all three, exactly as
# PyTorch's autograd does, and each has the shape of the array it belongs to:

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
# The explorer sends $g$ = 1 at a single output $(i, j)$ and 0 everywhere else, so you
# see one output's share of the backward pass. The top row is the forward pass, the
# bottom row the backward pass, each gradient drawn under the array it belongs to.
#
# - Drag **output row i** and **output col j**: $\partial L/\partial x$ is the kernel
#   *stamped* on the window that output read, and $\partial L/\partial w$ *is* that
#   window of $x$.
# - Set **input size n** to 6 and **stride s** to 2: row 5 and column 5 turn grey. No
#   window reads them, so their gradient is 0 whatever $g$ is.
# - Set **padding p** to 1 and **output row i** to 0: the top of the stamp lands on the
#   padding (hatched). The padding is a constant, so that gradient is simply dropped.
# - Switch to **g = 1 everywhere**: every output sends 1 and the stamps add up where windows
#   overlap.
# - Switch to **max_pool2d**: the 1 goes to the ringed maximum and nowhere else; with
#   **avg_pool2d** it is shared equally, $1/k^2$ per cell.

# %% tags=["nbval-ignore-output"]
cwidgets.backprop_explorer()

# %% [markdown]
# ## 3 · The input gradient is a transposed convolution
#
# Read the formula for $\partial L/\partial x_p$ the other way round: each $g[i, j]$ adds
# $g[i, j] \cdot w$ onto the window at $(i s, j s)$ it came from, and overlapping stamps add
# up. That is exactly the *scatter* view of the transposed convolution from lesson 5, with
# $g$ as its input and the **same** kernel, stride and padding. Here $g$ is 2×2, the
# forward was a 3×3 kernel with stride 2 on a 5×5 input:

# %%
g2 = np.array([[1.0, -1.0], [2.0, 0.5]])
cplot.transposed_stamps(g2, w, stride=2);

# %% [markdown]
# (The picture names the transposed convolution's input $x$, as lesson 5 did; here that
# input is $g$.) The "sum of stamps" is $\partial L/\partial x$. In lesson 5 the
# convolution was a matrix, $\mathrm{vec}(y) = C\, \mathrm{vec}(x)$, so the chain rule
# gives $\partial L/\partial x = C^\top g$ — and $C^\top$ *is* the transposed
# convolution. Three routes, one answer (the last one is the slow loop definition in
# `convlab.reference`):

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

# %% [markdown]
# $C^\top$ is the *adjoint* of the convolution, not its inverse: the input gradient tells
# you how the loss changes with $x$, it does not undo the convolution. That is why
# "deconvolution" is the wrong name for the transposed convolution (lesson 5).
#
# **A flip appears.** With stride 1 and no padding, $\partial L/\partial x[r] =
# \sum_i g[i]\, w[r - i]$: the index $r - i$ is a true convolution's, not a correlation's.
# So the forward pass is a correlation (no flip), and the input gradient is a *full
# convolution* of $g$ with $w$, i.e. a correlation with $w$ rotated by 180°:

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
# sliding window: put $g$ on the input like a kernel, at offset $(u, v)$, multiply and add.
# For stride 1 that is the correlation $x \star g$ (valid), and it has the kernel's size.
# Below, the "kernel" is the output gradient $g$ of a 3×3 convolution on a 5×5 input, and
# the "output" is $\partial L/\partial w$; the written-out sum is $\partial L/\partial
# w[0, 1]$:

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

# %% [markdown]
# **With a batch, channels and a stride** it is still one correlation, if you let the axes
# trade places. Put the batch axis where `conv2d` expects channels, so that `conv2d`'s
# sum over channels becomes the sum over the batch: the input $x$ becomes
# $(C_{in}, N, H, W)$, a "batch" of $C_{in}$ images, and $g$ becomes
# $(C_{out}, N, o_h, o_w)$, a bank of $C_{out}$ "kernels". One more twist: neighbouring
# entries of $g$ came from windows $s$ pixels apart, so the forward **stride** becomes
# the **dilation** of this correlation (dilation 1 means no dilation — some sources call
# that 0). For the batch of section 1 (stride 2, padding 1):

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
# Why 4×4 and a crop? The padded input has $6 + 2 = 8$ rows, the windows start at rows
# 0, 2, 4 and reach row 6: padded row 7 is never read. The correlation does not know
# that and computes one extra offset, which is not a weight. The next section is about
# exactly those unread rows.
#
# ## 5 · Stride and padding in the backward pass
#
# **Rows the forward never visited.** With $n = 6$, $k = 3$, $s = 2$ and no padding, the
# output has $\lfloor (6 - 3)/2 \rfloor + 1 = 2$ rows, and its windows cover input rows
# 0–2 and 2–4. Row 5 is dropped by the floor in the size formula (lesson 2), so nothing
# the network computes depends on it, and its gradient is 0 **whatever $g$ is**:

# %% tags=["nbval-check-output"]
x6 = np.arange(1.0, 37.0).reshape(1, 1, 6, 6)
ones3 = np.ones((1, 1, 3, 3))
g_all = np.ones((1, 1, 2, 2))  # every output sends 1
dx6 = convlab.conv2d_backward(g_all, x6, ones3, stride=2)[0]
print(dx6[0, 0])

# %% [markdown]
# The interior row and column 2 are read by two windows each, the corner (2, 2) by four:
# gradients add where windows overlap. For the transposed convolution this is the
# `output_padding` of lesson 5: several input sizes (5 and 6 here) give the same 2×2
# output, so `conv_transpose2d` must be told which one to rebuild, and the extra rows
# are zeros. The amount is $(n + 2p - k) \bmod s = (6 - 3) \bmod 2 = 1$:

# %% tags=["nbval-check-output"]
print(convlab.conv_transpose2d(g_all, ones3, stride=2).shape, "<- too small: it rebuilds a 5×5")
print(convlab.conv_transpose2d(g_all, ones3, stride=2, output_padding=1).shape)
print(np.allclose(dx6, convlab.conv_transpose2d(g_all, ones3, stride=2, output_padding=1)))

# %% [markdown]
# **Padding.** Gradient that lands on zero padding has nowhere to go: the padding is a
# constant, so it is dropped (the input gradient is cropped back to the input's size).
# Other padding modes *copy* input pixels into the border, so the gradient that lands
# there flows back to the pixels that were copied. With `g = 1` everywhere and a 3×3
# kernel of ones, each input pixel's gradient counts the windows that read it: with zeros
# the corners are read by only 4, with circular padding every pixel is read by all 9:

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
# Pooling has no weights, so its backward pass only decides *where* each output's gradient
# goes. Max pooling picked one input per window (ringed in blue below); only that input
# influenced the output, so only it gets the gradient:

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

# %% [markdown]
# Two exact rules, both PyTorch's:
#
# - **Ties go to the first maximum** in row-major window order. The top-left window holds
#   two 5s; the gradient goes to the one at $(0, 1)$, not to both, and not split.
# - **Overlapping windows add up.** When windows overlap (kernel larger than stride), one
#   pixel can win several windows and collects all their gradients.
#
# Average pooling is a convolution with the fixed kernel $\frac{1}{k^2}\mathbf{1}$, so its
# backward is that kernel's transposed convolution: each window shares its gradient
# equally, $g/k^2$ per cell.

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

# %% [markdown]
# The routing needs only the forward pass's argmax indices (the ones `return_indices=True`
# gives, and `reference.max_pool_reference` computes by the textbook loop). With
# non-overlapping windows, the backward pass is then exactly `max_unpool2d`: put each
# gradient back where its maximum came from. With overlapping windows (3×3, stride 1
# below) that is no longer enough: `max_unpool2d` *writes* each value, the backward pass
# must *add* them, and the 7 at $(1, 3)$ wins two windows:

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
# The same routing, drawn: the winners of the four 2×2 windows ringed, the gradient
# arriving at the pooled output, and what each kind of pooling sends back.

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
# How do you know a backward pass is right? Compare it with the definition of the
# derivative. For a scalar function $f$ and a small step $\varepsilon$, Taylor's theorem
# gives
#
# $$\frac{f(a + \varepsilon) - f(a)}{\varepsilon} = f'(a) + \frac{\varepsilon}{2} f''(a)
# + O(\varepsilon^2), \qquad
# \frac{f(a + \varepsilon) - f(a - \varepsilon)}{2\varepsilon} = f'(a) +
# \frac{\varepsilon^2}{6} f'''(a) + O(\varepsilon^4).$$
#
# In the **central** difference the $f''$ terms cancel, so its error shrinks like
# $\varepsilon^2$ instead of $\varepsilon$. But $\varepsilon$ cannot go to 0: $f$ is
# computed to about $10^{-16}$ relative precision, and dividing that rounding error by
# $\varepsilon$ blows it up. Measure it on a small conv net,
# $L(x) = \sum \tanh(\mathrm{conv2d}(x, w)) \cdot R$ (a random $R$ weighs the outputs),
# whose exact gradient is
# `conv2d_backward((1 - tanh²) · R, x, w)` by the chain rule:

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
# out near $\varepsilon \approx 10^{-5}$ with an error around $10^{-11}$, about a thousand
# times smaller than the best forward difference (near $\varepsilon \approx 10^{-8}$).
# That is why gradient checkers use central differences in float64, with
# $\varepsilon \approx 10^{-6}$ (float32 rounds about $10^{9}$ times more coarsely:
# check in float64 when you can).
#
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
# (Max pooling is not differentiable where two window entries tie; with random real
# inputs that never happens, but on images with flat regions a gradient check of max
# pooling can fail for that reason alone.)
#
# The report says how close it was, and where the worst entry is:

# %%
checks["conv2d (stride 2, padding 1)"]

# %% [markdown]
# **What a wrong gradient looks like.** Forget the 180° flip of section 3 and the input
# gradient is a correlation of $g$ with $w$ instead of a convolution. The shapes are right,
# the values are not, and the check says so, with the worst entry's two values:


# %%
def flipless_backward(g, x, w):
    _, dw, _ = convlab.conv2d_backward(g, x, w)  # the weight gradient is right
    wrong_dx = convlab.conv_transpose2d(g, w[:, :, ::-1, ::-1])  # the kernel turned around
    return wrong_dx, dw


convlab.gradient_check(lambda x, w: convlab.conv2d(x, w), flipless_backward, xg, wg)

# %% [markdown]
# A relative error of order 1 (rather than $10^{-9}$) means the formula is wrong, not
# imprecise. The other classic bug is forgetting `output_padding` for a strided
# convolution: the gradient comes out one row short, and the check refuses it before
# comparing anything:

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
# Everything so far is enough to train a real network. The data: 1,797 handwritten digits,
# 8×8 pixels (the UCI set that scikit-learn bundles; it ships with convlab), split into
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
# The model is built from `convlab.nn`, a deliberately small layer kit (read
# `convlab/nn.py`: it fits on a few screens). Each layer has `forward(x)`, which remembers
# what the backward pass needs, and `backward(grad)`, which adds $\partial L/\partial
# \theta$ into each parameter's `.grad` and returns $\partial L/\partial(\text{input})$.
# `Conv2d.backward` *is* `conv2d_backward`; `MaxPool2d.backward` *is*
# `max_pool2d_backward`. Two conv blocks and a linear classifier:

# %% tags=["nbval-check-output"]
model = digits_cnn(np.random.default_rng(0))
print(model)
for layer in model.layers:
    shapes = [p.data.shape for p in layer.parameters()]
    print(f"{type(layer).__name__:10}", shapes if shapes else "")
print("parameters:", sum(p.data.size for p in model.parameters()))

# %% [markdown]
# Shapes through the network for one 8×8 image: 1×8×8 → conv 3×3, padding 1 →
# 16×8×8 → max-pool 2 → 16×4×4 → conv → 32×4×4 → max-pool → 32×2×2 → flatten 128 →
# linear → 10 scores. The loss is cross-entropy, the optimiser SGD with momentum.
#
# The whole training loop is below: standardise the pixels, then per mini-batch
# **forward, loss, backward, step**. `model.backward` walks the layers in reverse, each
# one turning $\partial L/\partial(\text{output})$ into $\partial L/\partial(\text{input})$.
# The learning rate follows a cosine from 0.05 down to 0 over 10 epochs.

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

# %% [markdown]
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
# The loss per mini-batch (log scale: it falls by three orders of magnitude) and the test
# accuracy after each epoch:

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
# What did the first layer learn? Its 16 filters are 3×3 kernels, like the hand-made
# Sobel and blur kernels of lesson 1, but found by gradient descent. Drawn as numbers
# (red > 0 > blue):

# %%
filters = model.layers[0].weight.data[:, 0]  # (16, 3, 3)
fig, axes = plt.subplots(2, 8, figsize=(9.5, 3.2))
fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, wspace=0.12, hspace=0.3)
for o, ax in enumerate(axes.ravel()):
    cplot.grid(np.round(filters[o], 1), ax=ax, labels=False, title=f"filter {o}")
fig.suptitle("first-layer filters, rounded to 0.1", y=1.02);

# %% [markdown]
# And what they make of a test digit the model reads correctly (`convlab.plot.feature_maps`
# runs each filter over the image with `conv2d`; red > 0 > blue). Several respond to
# strokes of one orientation: oriented edge detectors, like the Sobel kernels of lesson 1,
# but learned from 1,438 examples.

# %%
first_right = int(np.flatnonzero(predicted == digits.y_test)[0])
cplot.feature_maps(model.layers[0].weight.data, digits.x_test[first_right, 0], ncols=6, panel=1.45);

# %% tags=["nbval-ignore-output"]
print(f"lesson ran in {time.perf_counter() - lesson_start:.1f} s (training: {train_seconds:.1f} s)")

# %% [markdown]
# ## Check yourself
#
# **Q1.** A conv layer maps $x$ of shape (8, 3, 32, 32) to $y$ of shape (8, 16, 32, 32)
# with 3×3 kernels and a bias. What are the shapes of $\partial L/\partial x$,
# $\partial L/\partial w$ and $\partial L/\partial b$, and which of them sums over the
# batch?
#
# <details><summary>Answer</summary>
#
# Each gradient has the shape of its array: (8, 3, 32, 32), (16, 3, 3, 3) and (16,).
# The weight and bias gradients sum over the batch (one kernel serves every sample);
# the input gradient does not (each sample has its own input), it sums over the 16
# output channels instead.
#
# </details>

# %% [markdown]
# **Q2.** A convolution with $n = 8$, $k = 3$, stride 2 and no padding. Which input rows
# get zero gradient whatever $g$ is, and what `output_padding` makes `conv_transpose2d`
# produce the input gradient?
#
# <details><summary>Answer</summary>
#
# The output has $\lfloor (8 - 3)/2 \rfloor + 1 = 3$ rows; the windows start at rows 0, 2,
# 4 and reach row 6. Row 7 is never read, so its gradient is always 0 (and the same for
# column 7). `output_padding` $= (8 - 3) \bmod 2 = 1$: without it the transposed
# convolution rebuilds a 7×7.
#
# </details>

# %% [markdown]
# **Q3.** 2×2 max pooling, stride 2, on the window $\begin{bmatrix} 1 & 3 \\ 3 & 2
# \end{bmatrix}$, and the gradient $g = 5$ arrives at its output. What is
# $\partial L/\partial x$? And with average pooling?
#
# <details><summary>Answer</summary>
#
# Max: $\begin{bmatrix} 0 & 5 \\ 0 & 0 \end{bmatrix}$. Two entries tie at 3; PyTorch's
# argmax is the first in row-major order, the top-right one, and it gets all of $g$
# (the tie is not split). Average: $5/4 = 1.25$ in every cell.
#
# </details>

# %% [markdown]
# **Q4.** Why do gradient checks use $\frac{f(a+\varepsilon) - f(a-\varepsilon)}
# {2\varepsilon}$ rather than $\frac{f(a+\varepsilon) - f(a)}{\varepsilon}$? And why not
# take $\varepsilon = 10^{-12}$ to be extra precise?
#
# <details><summary>Answer</summary>
#
# The central difference's error is $O(\varepsilon^2)$ (the $f''$ terms cancel), the
# forward difference's $O(\varepsilon)$. But $f$ itself carries rounding errors of about
# $10^{-16}|f|$, and the difference quotient divides them by $\varepsilon$: at
# $\varepsilon = 10^{-12}$ that is an error near $10^{-4}$, far worse than at $10^{-6}$
# (see the plot in section 7).
#
# </details>

# %% [markdown]
# **Q5.** Your hand-written $\partial L/\partial w$ passes the gradient check with a batch
# of one sample but fails with a batch of four. What is the likely bug?
#
# <details><summary>Answer</summary>
#
# The sum over the batch is missing or wrong: for example the gradient is computed from
# one sample only, or averaged when the loss was a sum. With one sample the sum has a
# single term, so the bug cannot show.
#
# </details>

# %% [markdown]
# **Q6.** The forward pass of `conv2d` is a cross-correlation (no flip). Why is the input
# gradient of a stride-1 convolution a *convolution* (flipped kernel) of $g$?
#
# <details><summary>Answer</summary>
#
# $\partial L/\partial x[r] = \sum_i g[i]\, w[r - i]$: output $i$ used $x[r]$ with the
# weight at offset $r - i$ in its window. Summing $g[i]\, w[r - i]$ over $i$ is the
# definition of the convolution $g * w$, which is a correlation with $w$ rotated by 180°.
#
# </details>

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

# %% [markdown]
# ## Going further
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
