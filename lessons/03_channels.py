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
# # Lesson 3 · Channels
#
# A photo is not one grid of numbers but three (red, green, blue), and every layer of a
# CNN turns a stack of maps into another stack: 3 → 64 → 128 … channels. This lesson is
# about that third axis. A filter is not a $k \times k$ square but a $C_{in} \times k
# \times k$ block that looks at **all** input channels at once and adds them up; a layer
# is $C_{out}$ such filters. Counting their weights explains why convolutions beat dense
# layers on images, why $1 \times 1$ convolutions are everywhere, and how MobileNet-style
# *depthwise-separable* layers cut the cost by almost an order of magnitude. We finish
# with the two memory layouts you will meet in practice, NCHW (PyTorch) and NHWC
# (TensorFlow).
#
# **Learning objectives.** After this lesson you can
#
# - compute a multi-channel convolution by hand: one filter sums over all input channels,
#   one bias per filter, and read the weight layout `(C_out, C_in/groups, kH, kW)`;
# - explain a $1 \times 1$ convolution as a dense layer applied at every pixel, and write
#   it as one `einsum`/matmul over the channel axis;
# - count parameters and multiply-adds of a layer ($O \cdot I \cdot K$), and say how much
#   weight sharing saves against a dense layer;
# - use `groups`, and build a depthwise-separable convolution whose cost you can predict;
# - move between NCHW and NHWC without scrambling an image.

# %%
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import conv2d, conv_macs, conv_params, plot, reference, widgets
from convlab.images import photo

np.set_printoptions(precision=3, suppress=True, linewidth=100)

# %% [markdown]
# ## 1 · Many input channels: one filter sums over all of them
#
# Here is a 3-channel $4 \times 4$ input and **one** filter of a layer. The filter has one
# $2 \times 2$ slice per input channel, so it is a $3 \times 2 \times 2$ block of weights.
# Each slice is correlated with its own channel, and the three partial maps are **added**
# (with the filter's single bias) into one output map:

# %%
rng = np.random.default_rng(0)
x = rng.integers(0, 4, (3, 4, 4)).astype(float)  # (C_in, H, W): 3 channels of 4×4
w = rng.integers(-1, 2, (2, 3, 2, 2)).astype(float)  # (C_out, C_in, kH, kW): 2 filters
b = np.array([1.0, -2.0])  # one bias per filter
plot.channel_sum(x, w, b, out_channel=0);

# %% [markdown]
# In symbols, for an input with $C_{in}$ channels and filter $o$ of size
# $C_{in} \times k_H \times k_W$,
#
# $$y[o, i, j] \;=\; b[o] \;+\; \sum_{c=0}^{C_{in}-1} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
#   w[o, c, u, v]\; x[c,\; i + u,\; j + v].$$
#
# The sum over $c$ is what makes channels different from a batch: channels are **mixed**
# (added), batch samples never are. However many input channels there are, one filter
# gives one output map. The numbers, checked three ways — `conv2d`, the sum of
# single-channel correlations, and the loop definition in `convlab.reference`:

# %% tags=["nbval-check-output"]
y = conv2d(x, w, b)  # (C_out, 3, 3): unbatched input (C_in, H, W) works as in PyTorch
per_channel = sum(conv2d(x[c : c + 1], w[:, c : c + 1]) for c in range(3)) + b[:, None, None]
print("y[0] =\n", y[0])
print("sum of per-channel correlations + bias agrees:", np.allclose(y, per_channel))
print("loop definition agrees:", np.allclose(y, reference.conv_reference(x[None], w, b)[0]))

# %% [markdown]
# ## 2 · Many output channels: one filter (and one bias) per output map
#
# A layer with $C_{out}$ output channels is simply $C_{out}$ filters side by side. Each
# makes one map, and the maps are stacked. So the weight of `nn.Conv2d(C_in, C_out, k)`
# is a 4-D array and the bias has one number per filter:
#
# | array | shape (PyTorch, convlab) | here |
# |---|---|---|
# | input | `(N, C_in, H, W)` or `(C_in, H, W)` | `(3, 4, 4)` |
# | weight | `(C_out, C_in/groups, kH, kW)` | `(2, 3, 2, 2)` |
# | bias | `(C_out,)` | `(2,)` |
# | output | `(N, C_out, H_out, W_out)` | `(2, 3, 3)` |
#
# (`groups`, section 5, is 1 here.) Filter 1 on its own gives output channel 1:

# %% tags=["nbval-check-output"]
one_at_a_time = np.concatenate([conv2d(x, w[o : o + 1], b[o : o + 1]) for o in range(2)])
print("weight", w.shape, "bias", b.shape, "-> output", y.shape)
print("stacking the filters one at a time gives the layer:", np.array_equal(one_at_a_time, y))
print("y[1] =\n", y[1])

# %% [markdown]
# The whole layer at a glance: every line on the left is one $k \times k$ slice
# `w[o, c]`, joining input channel `c` to output channel `o`; on the right the weight
# tensor is drawn as a $C_{out} \times C_{in}$ matrix of $k \times k$ blocks, with the bias
# column next to it. A standard convolution is *fully connected across channels* (every
# filter sees every input channel) but *local in space* (a $k \times k$ window).

# %%
plot.channel_groups(4, 6, kernel_size=3, groups=1);

# %% [markdown]
# ## 3 · The 1×1 convolution: a dense layer at every pixel
#
# With $k = 1$ the spatial sums disappear:
#
# $$y[o, i, j] = b[o] + \sum_c w[o, c, 0, 0]\, x[c, i, j].$$
#
# At each pixel $(i, j)$ the vector of $C_{in}$ channel values is multiplied by the
# $C_{out} \times C_{in}$ matrix `w[:, :, 0, 0]`: the **same dense layer applied at every
# pixel**, with no look at the neighbours. It changes the number of channels cheaply
# (GoogLeNet's bottlenecks, ResNet's $1 \times 1$ layers, the "pointwise" half of
# MobileNet). As an `einsum` over the channel axis, or a plain matrix product once the
# channels are the last axis:

# %% tags=["nbval-check-output"]
xb = rng.normal(size=(2, 5, 6, 7))  # (N, C_in, H, W)
w1 = rng.normal(size=(3, 5, 1, 1))  # (C_out, C_in, 1, 1)
b1 = rng.normal(size=3)
M = w1[:, :, 0, 0]  # the (C_out, C_in) matrix
y1 = conv2d(xb, w1, b1)
by_einsum = np.einsum("oc,nchw->nohw", M, xb) + b1[:, None, None]
by_matmul = (xb.transpose(0, 2, 3, 1) @ M.T + b1).transpose(0, 3, 1, 2)  # channels last
print("output", y1.shape)
print("conv2d == einsum over channels:", np.allclose(y1, by_einsum))
print("conv2d == matmul per pixel:    ", np.allclose(y1, by_matmul))
print("parameters of a 1×1 conv 256 -> 64:", conv_params(256, 64, 1), "= 64·256 + 64")

# %% [markdown]
# ## 4 · Weight sharing: why convolutions beat dense layers on images
#
# A layer's parameter count is
#
# $$\text{params} = C_{out} \cdot \frac{C_{in}}{\text{groups}} \cdot k_H k_W
#   \;+\; C_{out}\ (\text{bias}),$$
#
# i.e. $O \cdot I \cdot K$ plus the biases — and **the image size does not appear**. The
# same 448 numbers of a $3 \times 3$ conv from 3 to 16 channels are reused at every
# position of a $32 \times 32$ image, or of a $224 \times 224$ one. Compare a dense layer
# that maps the same $32 \times 32 \times 3$ input to the same $32 \times 32 \times 16$
# output, and, in between, a *locally connected* layer: $3 \times 3$ windows like the
# conv, but its own weights at every position (no sharing).

# %% tags=["nbval-check-output"]
H = W = 32
conv = conv_params(3, 16, 3)  # 16·3·3·3 + 16
# locally connected: one weight per multiply-add of the conv, one bias per output value
local = conv_macs((H, W), 3, 16, 3, padding=1) + H * W * 16
dense = (H * W * 3) * (H * W * 16) + H * W * 16
print(f"dense 3072 -> 16384:        {dense:>12,}")
print(f"locally connected (3×3):    {local:>12,}   locality saves ×{dense / local:,.1f}")
print(f"convolution (3×3, shared):  {conv:>12,}   sharing saves ×{local / conv:,.0f} = H·W")
print(f"dense / conv:               ×{dense / conv:,.0f}")
big_dense = (224 * 224 * 3) * (224 * 224 * 16)
print(f"the same conv on 224×224:   {conv:>12,}   (a dense layer: {big_dense:.2e} weights)")

# %% [markdown]
# Two ideas, two savings: **locality** (each output looks at a $3 \times 3$ window, not at
# all 3072 inputs) and **sharing** (the window's weights are the same everywhere, exactly
# ×1024 = 32·32 here). Note that the locally connected layer has one weight per
# multiply-add of the convolution (`conv_macs`): sharing saves parameters — memory, and
# the data needed to learn them — not arithmetic. Sharing is also an assumption: a pattern worth detecting in one
# place is worth detecting everywhere (translation equivariance).
#
# ## 5 · Groups and depthwise-separable convolution
#
# `groups=g` splits the input channels into $g$ groups and the filters into $g$ groups; a
# filter sees only the $C_{in}/g$ channels of its own group. The layer *is* $g$ independent
# convolutions side by side, and the weight shrinks to `(C_out, C_in/groups, kH, kW)` —
# in the matrix of blocks, everything off the diagonal blocks is gone. `groups` must
# divide both $C_{in}$ and $C_{out}$.

# %%
plot.channel_groups(4, 6, kernel_size=3, groups=2);

# %% tags=["nbval-check-output"]
xg = rng.normal(size=(1, 4, 6, 6))
wg = rng.normal(size=(6, 2, 3, 3))  # (C_out, C_in/groups, k, k) with groups=2
bg = rng.normal(size=6)
grouped = conv2d(xg, wg, bg, groups=2)
halves = np.concatenate(
    [conv2d(xg[:, :2], wg[:3], bg[:3]), conv2d(xg[:, 2:], wg[3:], bg[3:])], axis=1
)
print("groups=2 is two convolutions side by side:", np.allclose(grouped, halves))
print(
    "loop definition agrees:", np.allclose(grouped, reference.conv_reference(xg, wg, bg, groups=2))
)
print("params groups=1:", conv_params(4, 6, 3), " groups=2:", conv_params(4, 6, 3, groups=2))

# %% [markdown]
# **Depthwise** convolution is the extreme `groups = C_in`: each input channel gets its
# own $k \times k$ filter (or $m$ of them, $C_{out} = m \cdot C_{in}$, the "depth
# multiplier"), and channels are never mixed. A **depthwise-separable** convolution
# (Xception, MobileNet) follows it with a $1 \times 1$ pointwise convolution that does the
# mixing. The two layers compose into one ordinary convolution whose every slice is a
# scaled copy of its channel's depthwise kernel,
#
# $$W[o, c] = P[o, c]\; D[c], \qquad b_{\text{eff}} = P\, b_D + b_P,$$
#
# so the separable layer is a standard convolution with a *constrained* weight: all the
# filters see input channel $c$ through multiples of the same $k \times k$ kernel $D[c]$.
# Numerically:

# %% tags=["nbval-check-output"]
C, O = 4, 6
D, bD = rng.normal(size=(C, 1, 3, 3)), rng.normal(size=C)  # depthwise: groups=C
P, bP = rng.normal(size=(O, C, 1, 1)), rng.normal(size=O)  # pointwise 1×1
separable = conv2d(conv2d(xg, D, bD, padding=1, groups=C), P, bP)
W_eff = P[:, :, 0, 0][:, :, None, None] * D[:, 0][None]  # (O, C, 3, 3)
b_eff = P[:, :, 0, 0] @ bD + bP
print(
    "depthwise then pointwise == one conv with W[o, c] = P[o, c]·D[c]:",
    np.allclose(separable, conv2d(xg, W_eff, b_eff, padding=1)),
)

# %% [markdown]
# What it buys, for a typical mid-network layer ($64 \to 64$ channels, $3 \times 3$, on
# $56 \times 56$ maps):

# %% tags=["nbval-check-output"]
C_in, C_out, k, n = 64, 64, 3, (56, 56)
std_p = conv_params(C_in, C_out, k)
sep_p = conv_params(C_in, C_in, k, groups=C_in) + conv_params(C_in, C_out, 1)
std_m = conv_macs(n, C_in, C_out, k, padding=1)
sep_m = conv_macs(n, C_in, C_in, k, padding=1, groups=C_in) + conv_macs(n, C_in, C_out, 1)
print(f"standard 3×3:        {std_p:>7,} params {std_m:>13,} MACs")
print(f"depthwise-separable: {sep_p:>7,} params {sep_m:>13,} MACs")
print(
    f"savings: params ×{std_p / sep_p:.2f}, MACs ×{std_m / sep_m:.2f}"
    f"  (1 / (1/C_out + 1/k²) = ×{1 / (1 / C_out + 1 / k**2):.2f})"
)

# %% [markdown]
# The MAC ratio is $\dfrac{C_{in} k^2 + C_{in} C_{out}}{C_{in} C_{out} k^2} =
# \dfrac{1}{C_{out}} + \dfrac{1}{k^2}$ per output position: with many channels a
# $3 \times 3$ separable layer costs about $1/9$ of a standard one.
#
# ## 6 · Explore: channels, kernel size and groups
#
# Drag **C_in** and watch every filter grow a block; then try:
#
# - `groups = 2`: the weight matrix becomes block-diagonal and the weights halve;
# - `C_in = C_out = groups` (e.g. 6, 6, 6): depthwise — one line per channel;
# - `k = 1`, `groups = 1`: a $1 \times 1$ convolution, a dense layer over channels;
# - `C_out = 9` with `groups = 6`: not allowed (6 does not divide 9), the menu only
#   offers common divisors.
#
# The line under the sliders is `convlab.conv_params`; the one below it counts
# multiply-adds (`convlab.conv_macs`) on a $32 \times 32$ input.

# %% tags=["nbval-ignore-output"]
widgets.channels_explorer(in_channels=4, out_channels=6, kernel_size=3, groups=1)

# %% [markdown]
# ## 7 · NCHW (PyTorch) vs NHWC (TensorFlow)
#
# The same batch of images can be stored two ways:
#
# | | PyTorch, convlab, Caffe | TensorFlow / Keras (default `channels_last`) |
# |---|---|---|
# | activations | `(N, C, H, W)` — NCHW | `(N, H, W, C)` — NHWC |
# | conv weight | `(C_out, C_in, kH, kW)` — OIHW | `(kH, kW, C_in, C_out)` — HWIO |
#
# Images read from disk (PIL, matplotlib, `convlab.images.photo`) come as `(H, W, C)`:
# channels last. What differs is only **which axis is which, and so the order of the numbers in
# memory**. In NHWC the 3 colours of a pixel sit next to each other (RGBRGB…); in NCHW
# each channel is one contiguous plane (RRR…GGG…BBB…). A tiny $2 \times 2$ RGB image
# whose red values are 10–13, green 20–23 and blue 30–33:

# %% tags=["nbval-check-output"]
hwc = np.stack([10 + np.arange(4), 20 + np.arange(4), 30 + np.arange(4)], axis=-1).reshape(2, 2, 3)
chw = hwc.transpose(2, 0, 1)  # a view: same memory, axes relabelled
print("HWC", hwc.shape, "in memory:", hwc.ravel(order="K"))
print("CHW", chw.shape, "in memory:", chw.ravel(order="K"), "(the transpose is only a view)")
print("CHW copied to its own C order:", np.ascontiguousarray(chw).ravel(order="K"))
print("strides (bytes per step along each axis): HWC", hwc.strides, " CHW view", chw.strides)

# %% [markdown]
# `transpose` moves no data: it returns a view with permuted strides (logically CHW,
# physically still HWC — exactly what PyTorch calls the `channels_last` *memory format*
# of an NCHW tensor). `np.ascontiguousarray` makes the real NCHW copy. Which is faster
# depends on the kernel library; the **values** a convolution computes do not depend on
# the layout. To see that, compute one convolution TensorFlow's way — channels-last input,
# HWIO weight, sum over the window and the last axis — and compare with `conv2d`:

# %% tags=["nbval-check-output"]
from numpy.lib.stride_tricks import sliding_window_view

x_nhwc = rng.normal(size=(2, 7, 7, 3))  # TensorFlow layout
w_hwio = rng.normal(size=(3, 3, 3, 5))  # (kH, kW, C_in, C_out)
windows = sliding_window_view(x_nhwc, (3, 3), axis=(1, 2))  # (N, 5, 5, C_in, kH, kW)
y_nhwc = np.einsum("nijcuv,uvco->nijo", windows, w_hwio)
y_nchw = conv2d(x_nhwc.transpose(0, 3, 1, 2), w_hwio.transpose(3, 2, 0, 1))  # OIHW
print("NHWC result", y_nhwc.shape, " NCHW result", y_nchw.shape)
print("same numbers, axes moved:", np.allclose(y_nhwc, y_nchw.transpose(0, 2, 3, 1)))

# %% [markdown]
# Going from one layout to the other is a **transpose**, never a `reshape`. A reshape
# keeps the memory order and just cuts it differently, so "channel 0" becomes a
# mixture of every third value of all three colours:

# %%
img = photo(gray=False, size=72)  # (H, W, 3), channels last, as loaded from disk
height, width = img.shape[:2]
right = img.transpose(2, 0, 1)  # (3, H, W)
wrong = img.reshape(3, height, width)  # also (3, H, W) — but scrambled
fig, axes = plt.subplots(1, 3, figsize=(7.2, 3.0))
for ax, im, title in zip(
    axes,
    [img, right[0], wrong[0]],
    [
        "photo (H, W, 3)",
        "channel 0 = red: transpose(2, 0, 1)",
        "'channel 0' after reshape(3, H, W)",
    ],
    strict=True,
):
    ax.imshow(im, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=9.5)
    ax.set_axis_off()
fig.tight_layout();

# %% [markdown]
# convlab (like PyTorch) expects channels first. Hand it a channels-last image and it
# stops with a message that says so, instead of silently computing garbage:

# %% tags=["raises-exception"]
w_rgb = rng.normal(size=(4, 3, 3, 3))  # 4 filters for an RGB input
conv2d(img[None], w_rgb)  # img[None] is (1, H, W, 3): NHWC

# %% [markdown]
# ## 8 · Feature maps of a colour photo
#
# A first conv layer on an RGB photo has filters of shape $3 \times k \times k$: each can
# weigh the colours differently at each tap. Five hand-made $3 \times 3 \times 3$ filters
# (the layout is `(C_out, C_in, kH, kW)` = `(5, 3, 3, 3)`), each giving one output channel:
#
# - **filter 0**: Sobel-$x$ on brightness ($0.299 R + 0.587 G + 0.114 B$ in every tap):
#   vertical edges, colour-blind;
# - **filter 1**: red − green at the centre tap only (a $1 \times 1$ filter in disguise):
#   the flag's stripes and the lips light up;
# - **filter 2**: blue − (red + green)/2 at the centre: blue background vs. skin;
# - **filter 3**: Sobel-$y$ on the red channel only: horizontal edges in red;
# - **filter 4**: random weights, as a layer starts before training.

# %%
luma = np.array([0.299, 0.587, 0.114])
bank = np.zeros((5, 3, 3, 3))
bank[0] = luma[:, None, None] * convlab.kernels.sobel_x()
bank[1, :, 1, 1] = [1.0, -1.0, 0.0]
bank[2, :, 1, 1] = [-0.5, -0.5, 1.0]
bank[3, 0] = convlab.kernels.sobel_y()
bank[4] = np.random.default_rng(4).normal(scale=0.3, size=(3, 3, 3))
plot.feature_maps(bank, photo(gray=False, size=96), ncols=3, panel=1.6);

# %% [markdown]
# Red is positive, blue negative. The layer's output is these 5 maps stacked,
# `(5, H, W)` — a 5-channel "image" that the next layer reads with $5 \times k \times k$
# filters. Trained networks learn first-layer filters much like filters 0–3: oriented
# edges and colour opponents.

# %% tags=["nbval-check-output"]
maps = conv2d(photo(gray=False, size=96).transpose(2, 0, 1), bank, padding="same")
print("photo (3, 96, 82) -> feature maps", maps.shape, "with", conv_params(3, 5, 3), "parameters")

# %% [markdown]
# ## One table for a whole network
#
# `convlab.summary` applies this lesson's counts, $O \cdot \frac{I}{g} \cdot K$ parameters
# and $O \cdot \frac{I}{g} \cdot K$ multiply-adds per output position, to every layer of a
# network at once, from the shapes alone (it never runs a convolution). Take VGG-16 at
# $224 \times 224$: 13 convolutions of $3 \times 3$, five max pools, three dense layers.
# Before the table: guess where its parameters live.

# %% tags=["checkpoint", "nbval-ignore-output"]
from convlab import quiz, summary

quiz.choice(
    "VGG-16 has 138 million parameters. Which share sits in its 3 dense layers at the end?",
    ["about 10 %", "about 50 %", "about 90 %"],
    2,
    explain="The first dense layer alone maps 512·7·7 = 25,088 inputs to 4,096 outputs: "
    "102.8 million weights. The 13 convolutions share their weights over every position "
    "and hold only 14.7 million.",
    hint="The first dense layer reads the whole 512×7×7 map; a 3×3 conv reads 3×3 windows.",
)

# %% tags=["nbval-check-output"]
vgg16 = []
for width, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
    vgg16 += [{"type": "conv", "out_channels": width, "kernel_size": 3, "padding": 1}] * convs
    vgg16 += [{"type": "max_pool", "kernel_size": 2}]  # ReLUs left out: 0 params, 0 MACs
vgg16 += [{"type": "flatten"}] + [{"type": "linear", "out_features": f} for f in (4096, 4096, 1000)]
table = summary(vgg16, (1, 3, 224, 224))
print(table)

# %% [markdown]
# Add up the two kinds of layer:

# %% tags=["nbval-check-output"]
for kind in ("conv", "linear"):
    rows = [r for r in table.rows if r["type"].startswith(kind)]
    params, macs = sum(r["params"] for r in rows), sum(r["macs"] for r in rows)
    print(
        f"{kind:>6}: {params:>11,} params ({params / table.total_params:5.1%}),"
        f" {macs:>14,} MACs ({macs / table.total_macs:5.1%})"
    )

# %% [markdown]
# The dense layers hold 89 % of the weights and do under 1 % of the work; the
# convolutions are the other way round. That is weight sharing read off one table, and why
# later networks (ResNet, MobileNet) end with global average pooling and a single small
# dense layer. The `RF`, `Jump` and `Start` columns are the receptive field of
# [lesson 4](04_dilation_receptive_field.ipynb); `python -m convlab summary net.json`
# prints the same table from a JSON list of layers, without a notebook.

# %% [markdown]
# ## Check yourself
#
# **Q1.** `nn.Conv2d(3, 64, kernel_size=5)`: how many parameters, and what is the weight's
# shape?
#
# <details><summary>Answer</summary>
#
# Weight `(64, 3, 5, 5)`: $64 \cdot 3 \cdot 25 = 4800$ weights, plus 64 biases: **4864**
# (`convlab.conv_params(3, 64, 5)`). The image size does not matter.
#
# </details>
#
# **Q2.** `nn.Conv2d(64, 128, 3, groups=4)`: weight shape and parameter count? What would
# `groups=3` do?
#
# <details><summary>Answer</summary>
#
# `(128, 16, 3, 3)` — each filter sees $64/4 = 16$ channels: $128 \cdot 16 \cdot 9 + 128 =
# 18{,}560$ parameters, a quarter of the weights of `groups=1` (73,856). `groups=3` is an
# error: groups must divide both 64 and 128.
#
# </details>
#
# **Q3.** A $1 \times 1$ convolution sees a single pixel. What is it good for?
#
# <details><summary>Answer</summary>
#
# It mixes **channels**: at every pixel it applies the same dense layer
# $\mathbb{R}^{C_{in}} \to \mathbb{R}^{C_{out}}$ (an `einsum` over the channel axis). It
# changes the number of channels cheaply ($C_{in} C_{out}$ weights), e.g. to shrink 256
# channels to 64 before an expensive $3 \times 3$, and is the pointwise half of a
# depthwise-separable convolution.
#
# </details>
#
# **Q4.** A depthwise-separable replacement for a $3 \times 3$ conv from 128 to 256
# channels: how many parameters (with biases), against the standard layer?
#
# <details><summary>Answer</summary>
#
# Depthwise $128 \cdot 9 + 128 = 1280$, pointwise $256 \cdot 128 + 256 = 33{,}024$: total
# **34,304**, against $256 \cdot 128 \cdot 9 + 256 = 295{,}168$, about 8.6× fewer.
#
# </details>
#
# **Q5.** A TensorFlow batch has shape `(8, 32, 32, 3)`. How do you feed it to `conv2d`,
# and why not `x.reshape(8, 3, 32, 32)`?
#
# <details><summary>Answer</summary>
#
# `x.transpose(0, 3, 1, 2)` (NHWC → NCHW). A reshape keeps the memory order RGBRGB… and
# cuts it into blocks of 1024, so each "channel" would mix all three colours of
# different pixels — section 7's scrambled picture.
#
# </details>
#
# **Q6.** Which two ideas make a conv layer need ×112,384 fewer parameters than a dense
# layer from $32 \times 32 \times 3$ to $32 \times 32 \times 16$, and how much does each give?
#
# <details><summary>Answer</summary>
#
# Locality ($3 \times 3$ windows instead of all 3072 inputs: ×109.7) and weight sharing
# (the same weights at each of the $32 \cdot 32$ positions: ×1024).
#
# </details>

# %% [markdown]
# ## Exercises
#
# Open **[exercises/03_channels.ipynb](../exercises/03_channels.ipynb)** (3 graded functions, 7 points). Each cell ends with
# a `check(...)` that tests your function on small cases and shows ✅ or ❌ with a hint:
#
# - `param_counts(c_in, c_out, k, bias=True)` — standard vs depthwise-separable parameter
#   counts: `check("03.param_counts")`;
# - `conv1x1(x, w, b)` — the $1 \times 1$ convolution as one `einsum`: `check("03.conv1x1")`;
# - `conv2d_multi(x, w, b, stride, padding, dilation)` — a vectorised multi-channel
#   `conv2d`, one strided slice per kernel tap: `check("03.conv2d_multi")`.
#
# ## Going further
#
# - V. Dumoulin, F. Visin, *A guide to convolution arithmetic for deep learning* (2016) —
#   shapes and sizes.
# - M. Lin, Q. Chen, S. Yan, *Network In Network* (2013) — the $1 \times 1$ convolution.
# - F. Chollet, *Xception* (2017) and A. Howard et al., *MobileNets* (2017) —
#   depthwise-separable convolutions.
# - PyTorch docs: `torch.nn.Conv2d` (`groups`) and the *channels_last memory format*
#   tutorial.

# %% [markdown]
# ---
# **Next:** [Lesson 4 · Dilation and receptive field](04_dilation_receptive_field.ipynb) · back to the [course home](../START_HERE.ipynb)
