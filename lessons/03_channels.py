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
# CNN turns a stack of maps into another stack: 3 → 64 → 128 … channels. A filter is not a
# $k \times k$ square but a $C_{in} \times k \times k$ block that looks at **all** input
# channels at once and adds them up; a layer is $C_{out}$ such filters. Counting their
# weights explains why convolutions beat dense layers on images, why $1 \times 1$
# convolutions are everywhere, and how *depthwise-separable* layers cut the cost by almost
# an order of magnitude.
#
# **Learning objectives.** After this lesson you can
#
# - compute a multi-channel convolution by hand: one filter sums over all input channels,
#   one bias per filter, and read the weight layout `(C_out, C_in/groups, kH, kW)`;
# - explain a $1 \times 1$ convolution as a dense layer applied at every pixel;
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
from convlab import conv2d, conv_macs, conv_params, plot, quiz, reference, widgets
from convlab.images import photo

np.set_printoptions(precision=3, suppress=True, linewidth=100)

# %% [markdown]
# ## 1 · Many input channels: one filter sums over all of them
#
# Take a 3-channel $4 \times 4$ input and **one** filter of a layer. The filter has one
# $2 \times 2$ slice per input channel: it is a $3 \times 2 \times 2$ block of weights.
# Each slice is correlated with its own channel.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "One filter with a 2×2 slice for each of the 3 input channels slides over the 3-channel "
    "4×4 input. How many output maps does this one filter make?",
    ["1 map of 3×3", "3 maps of 3×3, one per channel", "1 map of 4×4", "9 maps"],
    0,
    explain="Each slice is correlated with its own channel, and the three 3×3 partial maps "
    "are added (with the filter's single bias) into one map. However many input channels "
    "there are, one filter gives one output map.",
)

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
# (added), batch samples never are. The numbers, checked three ways: `conv2d`, the sum of
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
# A layer with $C_{out}$ output channels is $C_{out}$ filters side by side; each makes one
# map, and the maps are stacked. So the weight of `nn.Conv2d(C_in, C_out, k)` is 4-D and
# the bias has one number per filter:
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

# %% [markdown]
# Now the example of PyTorch's own `Conv2d` documentation, with lesson 2's size formula:

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "nn.Conv2d(16, 33, 3, stride=2) gets an input of shape (20, 16, 50, 100). What is the "
    "output's shape?",
    (20, 33, 24, 49),
    hint="The batch stays, the channels become C_out, and each side is ⌊(n − k)/s⌋ + 1.",
    explain="(N, C_out, H_out, W_out) = (20, 33, 24, 49): the batch of 20 stays, each of "
    "the 33 filters makes one map, ⌊(50 − 3)/2⌋ + 1 = 24 and ⌊(100 − 3)/2⌋ + 1 = 49. The "
    "16 input channels only set the depth of each filter.",
)

# %% tags=["nbval-check-output"]
y_doc = conv2d(np.zeros((20, 16, 50, 100)), np.zeros((33, 16, 3, 3)), stride=2)
print("output shape:", y_doc.shape)

# %% [markdown]
# The whole layer at a glance: every line on the left is one $k \times k$ slice
# `w[o, c]`, joining input channel `c` to output channel `o`; on the right the weight
# tensor is drawn as a $C_{out} \times C_{in}$ matrix of $k \times k$ blocks, with the bias
# column next to it. A standard convolution is *fully connected across channels* but
# *local in space*.

# %%
plot.channel_groups(4, 6, kernel_size=3, groups=1);

# %% [markdown]
# ## 3 · The 1×1 convolution: a dense layer at every pixel
#
# With $k = 1$ the spatial sums disappear:
# $y[o, i, j] = b[o] + \sum_c w[o, c, 0, 0]\, x[c, i, j]$. At each pixel the vector of
# $C_{in}$ channel values is multiplied by the $C_{out} \times C_{in}$ matrix
# `w[:, :, 0, 0]`: the **same dense layer applied at every pixel**. It changes the number
# of channels cheaply (GoogLeNet's bottlenecks, ResNet's $1 \times 1$ layers, the
# "pointwise" half of MobileNet).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "How many parameters does a 1×1 convolution from 256 to 64 channels have, with bias?",
    16448,
    hint="A 64 × 256 matrix, plus one bias per output channel.",
    explain="64 · 256 · 1 · 1 = 16,384 weights plus 64 biases: 16,448. It is a dense layer "
    "from 256 to 64 numbers, applied at every pixel with the same weights.",
)

# %% tags=["nbval-check-output"]
xb = rng.normal(size=(2, 5, 6, 7))  # (N, C_in, H, W)
w1 = rng.normal(size=(3, 5, 1, 1))  # (C_out, C_in, 1, 1)
b1 = rng.normal(size=3)
M = w1[:, :, 0, 0]  # the (C_out, C_in) matrix
y1 = conv2d(xb, w1, b1)
by_einsum = np.einsum("oc,nchw->nohw", M, xb) + b1[:, None, None]
by_matmul = (xb.transpose(0, 2, 3, 1) @ M.T + b1).transpose(0, 3, 1, 2)  # channels last
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
# i.e. $O \cdot I \cdot K$ plus the biases, and **the image size does not appear**: a
# $3 \times 3$ conv from 3 to 16 channels has 448 numbers, reused at every position.
# Compare a dense layer from the same $32 \times 32 \times 3$ input to the same
# $32 \times 32 \times 16$ output and, in between, a *locally connected* layer: $3 \times 3$
# windows like the conv, but its own weights at every position (no sharing).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "On the 32×32 input, how many times more parameters does the locally connected layer "
    "have than the convolution?",
    1024,
    hint="It has the conv's weights and biases once per output position.",
    explain="The locally connected layer has its own copy of the conv's 448 parameters at "
    "each of the 32 · 32 = 1024 positions, so exactly ×1024. That factor is what weight "
    "sharing saves, and it grows with the image.",
)

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

# %% [markdown]
# Two ideas, two savings: **locality** (each output looks at a $3 \times 3$ window, not
# at all 3072 inputs: ×109.8, from 50,348,032 / 458,752 = 109.75) and **sharing** (the
# same weights everywhere: ×1024). Sharing saves parameters (memory, and the data needed
# to learn them), not arithmetic: the locally connected layer does as many multiply-adds
# as the conv. It is also an assumption: a pattern worth detecting in one place is worth
# detecting everywhere.
#
# ## 5 · Groups and depthwise-separable convolution
#
# `groups=g` splits the input channels and the filters into $g$ groups; a filter sees only
# the $C_{in}/g$ channels of its own group. The layer *is* $g$ independent convolutions
# side by side, and the weight shrinks to `(C_out, C_in/groups, kH, kW)`: in the matrix of
# blocks, everything off the diagonal blocks is gone. `groups` must divide both $C_{in}$
# and $C_{out}$.

# %%
plot.channel_groups(4, 6, kernel_size=3, groups=2);

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "nn.Conv2d(64, 128, 3, groups=4): what is the shape of its weight?",
    (128, 16, 3, 3),
    hint="Still one filter per output channel; each sees C_in / groups channels.",
    explain="(C_out, C_in/groups, k, k) = (128, 64/4, 3, 3) = (128, 16, 3, 3): 128 filters, "
    "each 16 channels deep. That is 18,432 weights + 128 biases = 18,560 parameters, a "
    "quarter of the weights of groups=1.",
)

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
print("nn.Conv2d(64, 128, 3, groups=4): weight", (128, 64 // 4, 3, 3), end=", ")
print("params", conv_params(64, 128, 3, groups=4), "against", conv_params(64, 128, 3))

# %% [markdown]
# **Depthwise** convolution is the extreme `groups = C_in`: each input channel gets its
# own $k \times k$ filter, and channels are never mixed. A **depthwise-separable**
# convolution (Xception, MobileNet) follows it with a $1 \times 1$ pointwise convolution
# that does the mixing. What it buys, for a typical mid-network layer ($64 \to 64$
# channels, $3 \times 3$, on $56 \times 56$ maps; the standard layer has 36,928
# parameters):

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "How many parameters (with biases) does the depthwise-separable version of the 3×3 "
    "layer from 64 to 64 channels have?",
    4800,
    hint="Depthwise: 64 filters of 1 × 3 × 3, plus biases. Pointwise: a 1×1 from 64 to 64.",
    explain="Depthwise 64 · 9 + 64 = 640, pointwise 64 · 64 + 64 = 4,160: 4,800 in all, "
    "against 36,928 for the standard layer, about 7.7× fewer.",
)

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
# Per output position the MAC ratio is $\dfrac{C_{in} k^2 + C_{in} C_{out}}{C_{in}
# C_{out} k^2} = \dfrac{1}{C_{out}} + \dfrac{1}{k^2}$: with many channels a $3 \times 3$
# separable layer costs about $1/9$ of a standard one.

# %% [markdown] tags=["going-further"]
# ### Going further: a separable layer is a constrained convolution
#
# The depthwise layer $D$ (one $k \times k$ kernel per channel) and the pointwise layer
# $P$ compose into one ordinary convolution whose every slice is a scaled copy of its
# channel's depthwise kernel,
#
# $$W[o, c] = P[o, c]\; D[c], \qquad b_{\text{eff}} = P\, b_D + b_P .$$
#
# So the separable layer is a standard convolution with a *constrained* weight: all the
# filters see input channel $c$ through multiples of the same kernel $D[c]$. A depthwise
# layer may also have $m$ filters per channel ($C_{out} = m \cdot C_{in}$, the "depth
# multiplier").

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
# ## 6 · Explore: channels, kernel size and groups
#
# Drag **C_in** and watch every filter grow a block. Try `groups = 2` (the weight matrix
# becomes block-diagonal), `k = 1` (a dense layer over channels), and `C_out = 9` with
# `groups = 6`, which the menu will not offer (6 does not divide 9). The line under the
# sliders is `convlab.conv_params`; the one below counts multiply-adds on a
# $32 \times 32$ input.

# %% tags=["nbval-ignore-output"]
widgets.channels_explorer(in_channels=4, out_channels=6, kernel_size=3, groups=1).set_goal(
    "Build a 3×3 layer from 8 to 8 channels with fewer than 100 parameters",
    lambda s: (
        (s["in_channels"], s["out_channels"], s["kernel_size"]) == (8, 8, 3) and s["params"] < 100
    ),
)

# %% [markdown]
# ## 7 · NCHW (PyTorch) vs NHWC (TensorFlow)
#
# The same batch of images can be stored two ways:
#
# | | PyTorch, convlab, Caffe | TensorFlow / Keras (default `channels_last`) |
# |---|---|---|
# | activations | `(N, C, H, W)`: NCHW | `(N, H, W, C)`: NHWC |
# | conv weight | `(C_out, C_in, kH, kW)`: OIHW | `(kH, kW, C_in, C_out)`: HWIO |
#
# Images read from disk (PIL, matplotlib, `convlab.images.photo`) come as `(H, W, C)`.
# What differs is only **which axis is which**, and so the order of the numbers in memory:
# in NHWC the 3 colours of a pixel sit next to each other (RGBRGB…); in NCHW each channel
# is one plane (RRR…GGG…BBB…).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "A TensorFlow batch x has shape (8, 32, 32, 3). Which call gives conv2d the same "
    "images in NCHW?",
    ["x.reshape(8, 3, 32, 32)", "x.transpose(0, 3, 1, 2)", "x.swapaxes(1, 3)", "x.T"],
    1,
    hint="Moving an axis is a transpose; a reshape only re-cuts the memory order.",
    explain="transpose(0, 3, 1, 2) moves the channel axis to position 1 and keeps H before "
    "W. A reshape keeps the memory order RGBRGB… and cuts it into blocks of 1024, so each "
    "'channel' mixes colours of different pixels; swapaxes(1, 3) gives (N, C, W, H), every "
    "image transposed; x.T reverses all four axes.",
)

# %%
img = photo(gray=False, size=72)  # (H, W, 3), channels last, as loaded from disk
height, width = img.shape[:2]
right = img.transpose(2, 0, 1)  # (3, H, W)
wrong = img.reshape(3, height, width)  # also (3, H, W), but scrambled
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

# %% [markdown] tags=["going-further"]
# ### Going further: layouts in memory
#
# A tiny $2 \times 2$ RGB image whose red values are 10–13, green 20–23 and blue 30–33.
# `transpose` moves no data: it returns a view with permuted strides (logically CHW,
# physically still HWC, exactly what PyTorch calls the `channels_last` *memory format*
# of an NCHW tensor). `np.ascontiguousarray` makes the real NCHW copy. Which layout is
# faster depends on the kernel library; the **values** a convolution computes do not. The
# second cell computes one convolution TensorFlow's way (channels-last input, HWIO weight)
# and compares it with `conv2d`.

# %% tags=["nbval-check-output"]
hwc = np.stack([10 + np.arange(4), 20 + np.arange(4), 30 + np.arange(4)], axis=-1).reshape(2, 2, 3)
chw = hwc.transpose(2, 0, 1)  # a view: same memory, axes relabelled
print("HWC", hwc.shape, "in memory:", hwc.ravel(order="K"))
print("CHW", chw.shape, "in memory:", chw.ravel(order="K"), "(the transpose is only a view)")
print("CHW copied to its own C order:", np.ascontiguousarray(chw).ravel(order="K"))
print("strides (bytes per step along each axis): HWC", hwc.strides, " CHW view", chw.strides)

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
# ## 8 · Feature maps of a colour photo
#
# A first conv layer on an RGB photo has filters of shape $3 \times k \times k$: each can
# weigh the colours differently at each tap. Five hand-made $3 \times 3 \times 3$ filters,
# each giving one output channel:
#
# - **filter 0**: Sobel-$x$ on brightness ($0.299 R + 0.587 G + 0.114 B$ in every tap):
#   vertical edges, colour-blind;
# - **filter 1**: red − green at the centre tap only (a $1 \times 1$ filter in disguise);
# - **filter 2**: blue − (red + green)/2 at the centre: blue background vs. skin;
# - **filter 3**: Sobel-$y$ on the red channel only: horizontal edges in red;
# - **filter 4**: random weights, as a layer starts before training.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "These five 3×3 filters on an RGB photo form one layer, with a bias per filter. How "
    "many parameters does it have?",
    140,
    hint="The weight has shape (5, 3, 3, 3).",
    explain="5 · 3 · 3 · 3 = 135 weights plus 5 biases: 140, whatever the size of the photo.",
)

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
# `(5, H, W)`: a 5-channel "image" that the next layer reads with $5 \times k \times k$
# filters. Trained networks learn first-layer filters much like filters 0–3.

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
# ## Common mistakes
#
# - **The output of `nn.Conv2d(16, 33, 3, stride=2)` written with 16 channels.** The
#   output has `out_channels` = 33 maps; the 16 input channels only set the depth of each
#   filter. *Spot it:* `y.shape[1]` is always the layer's second argument.
# - **`reshape` instead of `transpose` between NHWC and NCHW.** The shape comes out right
#   and the pictures are scrambled. *Spot it:* show channel 0 as an image (section 7).
# - **The bias forgotten, or counted per input channel.** There is one bias per filter,
#   $C_{out}$ in all. *Spot it:* compare with `convlab.conv_params`.
# - **The grouped weight written as `(C_out, C_in, k, k)`.** It is
#   `(C_out, C_in/groups, k, k)`. *Spot it:* the parameter count should drop by the
#   factor `groups`.
# - **"Weight sharing makes a convolution cheaper to compute."** It saves parameters,
#   not multiply-adds. *Spot it:* `conv_macs` does not change when you untie the weights.
# - **TensorFlow weights loaded without reordering.** Keras stores HWIO, PyTorch OIHW.
#   *Spot it:* the shapes `(3, 3, 64, 128)` against `(128, 64, 3, 3)`; move the axes with
#   `w.transpose(3, 2, 0, 1)`.

# %% [markdown]
# ## Exercises
#
# Open **[exercises/03_channels.ipynb](../exercises/03_channels.ipynb)** (3 graded functions, 7 points). Each cell ends with
# a `check(...)` that tests your function on small cases and shows ✅ or ❌ with a hint:
#
# - `param_counts(c_in, c_out, k, bias=True)`: standard vs depthwise-separable parameter
#   counts, `check("03.param_counts")`;
# - `conv1x1(x, w, b)`: the $1 \times 1$ convolution as one `einsum`, `check("03.conv1x1")`;
# - `conv2d_multi(x, w, b, stride, padding, dilation)`: a vectorised multi-channel
#   `conv2d`, one strided slice per kernel tap, `check("03.conv2d_multi")`.
#
# Then **Design and debug** (4 points): `count_params_macs`, `separable_budget`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
#
# - V. Dumoulin, F. Visin, *A guide to convolution arithmetic for deep learning* (2016):
#   shapes and sizes.
# - M. Lin, Q. Chen, S. Yan, *Network In Network* (2013): the $1 \times 1$ convolution.
# - F. Chollet, *Xception* (2017) and A. Howard et al., *MobileNets* (2017):
#   depthwise-separable convolutions.
# - PyTorch docs: `torch.nn.Conv2d` (`groups`) and the *channels_last memory format*
#   tutorial.

# %% [markdown]
# ---
# **Next:** [Lesson 4 · Dilation and receptive field](04_dilation_receptive_field.ipynb) · back to the [course home](../START_HERE.ipynb)
