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
# # Lesson 4 · Dilation and receptive field
#
# A 3×3 kernel sees 9 pixels. To label a pixel of a street scene as "road" or "car", or to
# predict the next sample of a sound wave, a network needs context from hundreds of pixels
# or samples away. Stride and pooling widen the view but throw away resolution; a bigger
# kernel costs k² weights per channel pair. **Dilation** does something cheaper: it spreads
# the same k² taps apart, leaving holes between them. This lesson measures how far a unit
# deep in a network can see — its **receptive field** — and shows the catch of dilation:
# stack it carelessly and the network sees only a checkerboard of its input (**gridding**).
#
# **Learning objectives.** After this lesson you can
#
# - draw a dilated (atrous) kernel, give its effective size $(k-1)d+1$, and say exactly
#   what `dilation=1` means in PyTorch and convlab;
# - put a dilated kernel into the output-size formula and choose its "same" padding;
# - compute the receptive field (size, jump, start) of any stack of convolutions and
#   pooling layers, and check it by perturbing input pixels;
# - explain why dilations 1, 2, 4, 8 grow the receptive field exponentially, while plain
#   stacks grow it linearly;
# - spot the gridding effect, test a dilation schedule with the HDC rule of Wang et al.,
#   and know where that rule stops being exact.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import plot, reference, widgets

np.set_printoptions(linewidth=100)

# %% [markdown]
# ## 1 · A kernel with holes
#
# Here is the same 3×3 kernel (weights 1 … 9) at dilation 1, 2 and 3:

# %%
plot.dilated_kernel(3, [1, 2, 3]);

# %% [markdown]
# A convolution with **dilation** $d$ places its taps $d$ pixels apart. Between two taps
# lie $d-1$ pixels that this output ignores: the holes (hatched). The kernel still has
# $k^2 = 9$ weights and costs 9 multiplications per output, but it now spans
#
# $$k_\text{eff} = (k-1)\,d + 1$$
#
# pixels per side: 3, 5, 7 above. The French name *atrous* ("with holes") comes from the
# *algorithme à trous* of wavelet analysis; "dilated convolution" and "atrous convolution"
# are the same operation.
#
# In the formula of `conv2d` (a cross-correlation, lesson 1), dilation multiplies the tap
# offset; $x_p$ is the input after padding $p$ on every side:
#
# $$y[i, j] = b + \sum_{a=0}^{k-1} \sum_{c=0}^{k-1} w[a, c]\; x_p[\,s\,i + d\,a,\; s\,j + d\,c\,].$$
#
# > **Dilation 1 means no dilation.** In convlab, as in PyTorch (`dilation=1` is the
# > default of `torch.nn.functional.conv2d`), TensorFlow (`rate` of `tf.nn.atrous_conv2d`,
# > `dilation_rate` of Keras) and ONNX, $d$ is the **spacing** of the taps: $d = 1$ is the
# > ordinary convolution, $d = 2$ leaves one hole between neighbouring taps. Texts that
# > count the **holes** instead ($d - 1$ zeros inserted) call the ordinary convolution
# > "dilation 0", and some papers and blog posts switch between the two countings. When
# > you read "rate $r$", check which one is meant. In convlab and PyTorch $d = 0$ is
# > meaningless (every tap would read the same pixel), so it is refused:

# %% tags=["raises-exception"]
convlab.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), dilation=0)

# %% [markdown]
# **See the holes in numbers.** Feed a single bright pixel. Every output is a weighted sum
# of the pixels under the taps, so the output draws the kernel: its 9 weights, $d - 1 = 1$
# zero between neighbours, rotated by 180° because `conv2d` is a cross-correlation
# (lesson 1).

# %% tags=["nbval-check-output"]
w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # the weights 1 … 9 of the picture
delta = np.zeros((1, 1, 7, 7))
delta[0, 0, 3, 3] = 1.0
print(convlab.conv2d(delta, w, padding=2, dilation=2)[0, 0])

# %% [markdown]
# And on a random input, checked against the blackboard definition
# (`reference.conv_reference` loops over every output and tap) and against one output
# written out by hand: with $d = 2$ the first window is every second pixel of the top-left
# 5×5 patch, the slice `x[0:5:2, 0:5:2]`.

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
x = rng.standard_normal((1, 1, 9, 9))
y = convlab.conv2d(x, w, dilation=2)
print("output shape:", y.shape)
print("matches the loop definition:", np.allclose(y, reference.conv_reference(x, w, dilation=2)))
print("y[0, 0] by hand:", np.isclose(y[0, 0, 0, 0], (x[0, 0, 0:5:2, 0:5:2] * w[0, 0]).sum()))

# %% [markdown]
# ### The effective size in the output-size formula
#
# For sizes, a dilated layer behaves exactly like a dense $k_\text{eff} \times k_\text{eff}$
# kernel. The formula of lesson 2, with $p$ the padding **per side** (total $2p$) and
# PyTorch's floor:
#
# $$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1
#     = \left\lfloor \frac{n + 2p - k_\text{eff}}{s} \right\rfloor + 1 .$$
#
# "Same" padding (stride 1) needs a total of $k_\text{eff} - 1 = d(k-1)$ padded pixels. For
# a 3×3 kernel that is $p = d$ on each side, which is why segmentation code writes
# `padding=dilation`. When $k_\text{eff}$ is even, PyTorch (and `convlab.same_padding`)
# puts the extra pixel at the end (bottom/right). Note that an even kernel with an even
# dilation has an *odd* effective size ($k = 4, d = 2$: $k_\text{eff} = 7$) and pads
# symmetrically.

# %% tags=["nbval-check-output"]
n = 32
print(" k  d  k_eff  'valid' output   'same' padding (before, after)")
for k, d in [(3, 1), (3, 2), (3, 4), (5, 2), (2, 3), (4, 2)]:
    k_eff = d * (k - 1) + 1
    o = convlab.conv_output_size(n, k, stride=1, padding=0, dilation=d)
    print(f"{k:2d} {d:2d} {k_eff:5d}  {n}→{o:<13d} {convlab.same_padding(k, d)}")

# %% [markdown]
# Dilation changes neither the number of weights nor the work per output. Two 3×3 layers
# with 16 → 16 channels on a 32×32 input, one plain and one with $d = 4$ (both "same"):

# %% tags=["nbval-check-output"]
x = rng.standard_normal((1, 16, 32, 32))
w16 = rng.standard_normal((16, 16, 3, 3))
for d in (1, 4):
    out = convlab.conv2d(x, w16, padding=d, dilation=d)
    params = convlab.conv_params(16, 16, 3)
    macs = convlab.conv_macs((32, 32), 16, 16, 3, padding=d, dilation=d)
    print(f"d={d}: output {out.shape}, {params} parameters, {macs} multiply-adds")

# %% [markdown]
# ### Explore: slide a dilated kernel
#
# The orange frames are the 9 taps of a 3×3 kernel with dilation 2; the small ×w numbers are
# the weights they multiply. Drag **input size n** and watch the output grow by one row
# and column per step (stride 1: $o = n - k_\text{eff} + 1$). Back at $n = 7$, drag
# **dilation d** from 1 to 3: the taps spread out and the output shrinks from 5×5 to 3×3 to
# 1×1. Now raise **padding p** to $d$ and the output is $n \times n$ again ("same").
# Press play to slide the window over every output position.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer(n=7, k=3, dilation=2, padding=0)

# %% [markdown]
# ## 2 · The receptive field of a stack
#
# Stack three 3×3 convolutions (stride 1, no padding). Which input pixels can one unit of
# the third layer see?

# %%
plot.receptive_field([{"kernel_size": 3}] * 3, input_size=11);

# %% [markdown]
# The top panel is a 1-D slice of the network: the green unit of layer 3 reads 3 units of
# layer 2, each of those reads 3 units of layer 1, and so on down to the input. Each unit
# is drawn at the centre of the input pixels it sees. The bottom panel is the 2-D input:
# the outlines are the receptive fields of one unit of layer 1, 2 and 3 (3×3, 5×5, 7×7),
# and each cell counts the paths from that pixel up to the top unit. Central pixels feed
# the top unit through many more paths (49) than corner pixels (1), so in a trained network
# they usually matter more (the *effective* receptive field, Luo et al. 2016).
#
# **The recursion.** Track three numbers per layer $l$, starting at the input with
# $r_0 = 1$, $j_0 = 1$, $t_0 = 0$:
#
# $$r_l = r_{l-1} + (k_{\text{eff},l} - 1)\, j_{l-1}, \qquad
#   j_l = j_{l-1}\, s_l, \qquad
#   t_l = t_{l-1} - p_l\, j_{l-1}.$$
#
# - **size** $r_l$: how many input pixels (per side) one unit of layer $l$ sees;
# - **jump** $j_l$: how far apart, in input pixels, two neighbouring units of layer $l$
#   are (the product of all strides so far);
# - **start** $t_l$: the input index of the first pixel that unit 0 sees (negative when it
#   lies in the padding). Unit $u$ of layer $l$ sees input pixels
#   $t_l + u\,j_l, \dots, t_l + u\,j_l + r_l - 1$.
#
# Why: a unit of layer $l$ reads $k_\text{eff}$ consecutive units of layer $l-1$, which
# are $j_{l-1}$ input pixels apart, so it sees $(k_\text{eff} - 1)\,j_{l-1}$ pixels more
# than one of them. A layer's own stride does not enlarge its own field; it multiplies the
# reach of every layer *above* it. Pooling windows count like kernels (a 3×3 max pool with
# stride 2 is $k = 3$, $s = 2$ here). `convlab.receptive_field` runs the recursion; here is
# a small printing helper for the tables below.


# %%
def show(stack):
    """Print each layer's settings and its receptive field (display only)."""
    print(f"{'layer':<14} k  s  p  d   size  jump  start")
    for layer, f in zip(stack, convlab.receptive_field(stack), strict=True):
        k, s = layer["kernel_size"], layer.get("stride", 1)
        p, d = layer.get("padding", 0), layer.get("dilation", 1)
        name = layer.get("name", "")
        print(f"{name:<14}{k:2d}{s:3d}{p:3d}{d:3d} {f.size:6d}{f.jump:6d}{f.start:7d}")


# %% [markdown]
# **Three 3×3 = one 7×7.** Three stacked 3×3 convolutions see exactly what one 7×7 sees,
# with fewer weights ($3 \cdot 9 C^2 = 27C^2$ instead of $49C^2$ for $C$ channels in and
# out) and two more nonlinearities in between. This is the argument of the VGG paper
# (Simonyan & Zisserman, 2015) for using only 3×3 kernels.

# %% tags=["nbval-check-output"]
show([{"kernel_size": 3, "name": f"conv{i} 3×3"} for i in (1, 2, 3)])
show([{"kernel_size": 7, "name": "conv 7×7"}])
C = 64
print(
    f"weights with C={C}: three 3×3 = {3 * convlab.conv_params(C, C, 3, bias=False)}, "
    f"one 7×7 = {convlab.conv_params(C, C, 7, bias=False)}"
)

# %% [markdown]
# **VGG-16.** Five blocks of 3×3 convolutions (padding 1), each followed by a 2×2 max
# pool with stride 2. Each pool doubles the jump, so each 3×3 convolution after it adds
# twice as much as one before it: +2 in block 1, +4 in block 2, … +32 in block 5.

# %% tags=["nbval-check-output"]
vgg16 = []
for block, convs in enumerate([2, 2, 3, 3, 3], start=1):
    vgg16 += [
        {"kernel_size": 3, "padding": 1, "name": f"conv{block}_{i}"} for i in range(1, convs + 1)
    ]
    vgg16 += [{"kernel_size": 2, "stride": 2, "name": f"pool{block}"}]
show(vgg16)

# %% [markdown]
# One unit of `pool5` sees a 212×212 window: almost all of a 224×224 image. Its start is
# −90: the window of unit 0 begins 90 pixels out in the padding, so the units along the
# border see a lot of padding.
#
# **A stride-2 stem.** ResNet starts with a 7×7 convolution with stride 2 and a 3×3 max
# pool with stride 2. After those two layers the jump is already 4, so every following
# 3×3 convolution adds 8 pixels:

# %% tags=["nbval-check-output"]
show(
    [
        {"kernel_size": 7, "stride": 2, "padding": 3, "name": "conv1 7×7/2"},
        {"kernel_size": 3, "stride": 2, "padding": 1, "name": "maxpool 3×3/2"},
        {"kernel_size": 3, "padding": 1, "name": "conv 3×3"},
        {"kernel_size": 3, "padding": 1, "name": "conv 3×3"},
    ]
)

# %% [markdown]
# ### Check it by experiment
#
# The recursion is a prediction. Test it on a small stem (a 3×3 convolution with stride 2,
# then two 3×3 convolutions, all with padding 1) on a 16×16 input. The picture shows the
# prediction for unit (3, 3) of the last layer: an 11×11 window starting at input pixel
# $t + 3j = -5 + 3 \cdot 2 = 1$.

# %%
stem = [
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "padding": 1},
    {"kernel_size": 3, "padding": 1},
]
plot.receptive_field(stem, input_size=16, unit=3);

# %% [markdown]
# Now build the stack as a real network (random weights, a `tanh` after every layer), bump
# each of the 256 input pixels by 1 in turn — all at once, as a batch of 256 images — and
# record which bumps change unit (3, 3) of the output. Those pixels should be exactly the
# predicted window.


# %%
def network(x, stack, seed=1):
    """conv2d → tanh for every layer of ``stack`` (one channel, seeded random weights)."""
    weights = np.random.default_rng(seed)
    for layer in stack:
        k = layer["kernel_size"]
        s, p, d = layer.get("stride", 1), layer.get("padding", 0), layer.get("dilation", 1)
        kernel = weights.standard_normal((1, 1, k, k))
        x = np.tanh(convlab.conv2d(x, kernel, stride=s, padding=p, dilation=d))
    return x


# %% tags=["nbval-check-output"]
n, u = 16, 3
x = rng.standard_normal((1, 1, n, n))
bumped = x + np.eye(n * n).reshape(n * n, 1, n, n)  # image q has pixel q raised by 1
change = network(bumped, stem)[:, 0, u, u] - network(x, stem)[0, 0, u, u]
changed = (np.abs(change) > 1e-9).reshape(n, n)

field = convlab.receptive_field(stem)[-1]
first = field.start + u * field.jump
predicted = np.zeros((n, n), dtype=bool)
predicted[first : first + field.size, first : first + field.size] = True
print(field, "→ unit 3 sees input pixels", first, "to", first + field.size - 1)
print(
    "the pixels that change the unit are exactly the predicted window:",
    np.array_equal(changed, predicted),
)
print(changed.astype(int))

# %% [markdown]
# (With ReLU instead of `tanh` the pixels that change the unit would still lie inside the
# window, but maybe not all of them: a ReLU that outputs 0 blocks every path through it,
# *for this input*. The receptive field is what *can* influence a unit.)
#
# ## 3 · Growing fast: dilations 1, 2, 4, 8
#
# With stride 1 every jump is 1 and the recursion is a sum:
# $r_L = 1 + (k - 1)\sum_l d_l$. A plain stack of $L$ 3×3 layers reaches $2L + 1$ pixels:
# linear growth. Double the dilation at every layer, $d_l = 1, 2, 4, \dots, 2^{L-1}$, and
# $r_L = 1 + 2(2^L - 1) = 2^{L+1} - 1$: exponential growth, with the same weights per layer
# and no loss of resolution. Four layers already see 31×31:

# %%
plot.receptive_field([{"kernel_size": 3, "dilation": d} for d in (1, 2, 4, 8)], input_size=33);

# %% [markdown]
# Each layer reaches twice as far as the one below, and the map has no holes (the palest
# cells are reached by a single path; none is blank): the offsets $\pm 1, \pm 2, \pm 4,
# \pm 8$, each used or not, add up to every offset from −15 to 15.

# %% tags=["nbval-check-output"]
print("layers  plain 3×3 (2L+1)   dilations 1, 2, …, 2^(L−1)  (2^(L+1) − 1)")
depth = range(1, 9)
plain = [convlab.receptive_field([{"kernel_size": 3}] * L)[-1].size for L in depth]
doubling = [
    convlab.receptive_field([{"kernel_size": 3, "dilation": 2**i} for i in range(L)])[-1].size
    for L in depth
]
for L, a, b in zip(depth, plain, doubling, strict=True):
    print(f"{L:4d}  {a:12d}   {b:22d}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.plot(depth, doubling, "o-", color="#e8590c", label="dilations 1, 2, 4, …")
ax.plot(depth, plain, "o-", color="#1971c2", label="plain 3×3")
ax.set(xlabel="number of 3×3 layers L", ylabel="receptive field (pixels)", yscale="log")
ax.set_yticks([3, 10, 30, 100, 300], labels=["3", "10", "30", "100", "300"])
ax.legend(frameon=False)
ax.spines[["top", "right"]].set_visible(False)
fig.tight_layout();

# %% [markdown]
# Two famous uses:
#
# - **The context module** of Yu & Koltun (2016): 3×3 convolutions with dilations
#   1, 1, 2, 4, 8, 16, 1 and a final 1×1, at full resolution.
# - **WaveNet** (van den Oord et al., 2016) generates audio one sample at a time with
#   causal kernels of size $k = 2$ (padding only on the past side, which does not change the
#   field's size) and dilations 1, 2, 4, …, 512: one block sees 1024 samples, and stacked
#   blocks see more. With $k = 2$ the taps of each layer are "0 or $d$", so every past
#   offset is reached by exactly one path — its binary expansion.

# %% tags=["nbval-check-output"]
context = [{"kernel_size": 3, "dilation": d} for d in (1, 1, 2, 4, 8, 16, 1)] + [{"kernel_size": 1}]
print("context module:", [f.size for f in convlab.receptive_field(context)])
wavenet = [{"kernel_size": 2, "dilation": 2**i} for i in range(10)]
print("WaveNet block: ", [f.size for f in convlab.receptive_field(wavenet)])
print(
    "paths per sample, k=2, dilations 1, 2, 4, 8:",
    convlab.dilation_coverage([1, 2, 4, 8], kernel_size=2, ndim=1),
)

# %% [markdown]
# ## 4 · The gridding effect
#
# Now stack three 3×3 convolutions that all have dilation 2 (left), and compare with
# dilations 1, 2, 5 (right). Each cell counts the paths from that input pixel to one
# top unit (`convlab.dilation_coverage`); hatched cells are never seen.

# %%
plot.gridding([2, 2, 2], [1, 2, 5]);

# %% [markdown]
# With $[2, 2, 2]$ every tap offset is a multiple of 2, and a sum of multiples of 2 is a
# multiple of 2: the top unit sees only the pixels at even offsets from its centre, about
# one pixel in four in 2-D. Its 13×13 receptive field has 120 holes. Its right-hand
# neighbour sees the odd columns instead and shares no pixel with it, so neighbouring
# outputs are computed from disjoint sub-grids of the input. Fine detail falls through the
# holes, and the output tends to show grid artefacts. In one row:

# %% tags=["nbval-check-output"]
for rates in ([2, 2], [2, 2, 2], [1, 2, 5]):
    print(f"{rates!s:<10}", convlab.dilation_coverage(rates, ndim=1))

# %% [markdown]
# The perturbation experiment of section 2 shows the same checkerboard in a real network:
# two layers of dilation 2, on a 13×13 input, unit (2, 2).

# %% tags=["nbval-check-output"]
gridded = [{"kernel_size": 3, "dilation": 2}] * 2
n, u = 13, 2
x = rng.standard_normal((1, 1, n, n))
bumped = x + np.eye(n * n).reshape(n * n, 1, n, n)
change = network(bumped, gridded)[:, 0, u, u] - network(x, gridded)[0, 0, u, u]
print(convlab.receptive_field(gridded)[-1])
print((np.abs(change) > 1e-9).reshape(n, n).astype(int))

# %% [markdown]
# ## 5 · The HDC rule
#
# Wang et al. (2018, "Understanding Convolution for Semantic Segmentation") propose
# **Hybrid Dilated Convolution**: choose the rates $r_1, \dots, r_n$ of consecutive
# $K \times K$ layers so that the top unit sees a full square. They define $M_i$, "the
# maximum distance between two nonzero values", from the top down; for rates that never
# decrease it is exactly the widest gap between the offsets that layers $i, \dots, n$
# together reach:
#
# $$M_n = r_n, \qquad
#   M_i = \max\big(M_{i+1} - 2r_i,\; M_{i+1} - 2(M_{i+1} - r_i),\; r_i\big).$$
#
# The rule asks for
#
# 1. $M_2 \le K$: the gaps left by layers $2, \dots, n$ are small enough for the first
#    layer to fill them, and
# 2. no common factor $> 1$ of all the rates (otherwise every offset is a multiple of it:
#    $[2, 2, 2]$ has $M_2 = 2 \le 3$ and still grids).
#
# **By hand**, with $K = 3$:

# %% tags=["nbval-check-output"]
print("[2, 4, 6]: M_3 = 6")
print(
    "           M_2 = max(6 − 2·4, 6 − 2·(6 − 4), 4) = max(−2, 2, 4) =",
    max(6 - 2 * 4, 6 - 2 * (6 - 4), 4),
)
print("           M_2 = 4 > K = 3 ✗   and   gcd(2, 4, 6) =", math.gcd(2, 4, 6), "✗   → grids")
print("[1, 2, 5]: M_3 = 5")
print(
    "           M_2 = max(5 − 2·2, 5 − 2·(5 − 2), 2) = max(1, −1, 2) =",
    max(5 - 2 * 2, 5 - 2 * (5 - 2), 2),
)
print("           M_2 = 2 ≤ K = 3 ✓   and   gcd(1, 2, 5) =", math.gcd(1, 2, 5), "✓   → no holes")

# %% [markdown]
# `convlab.hdc_check` computes the same recursion (its `M` holds $M_1, \dots, M_n$) and
# says why:

# %% tags=["nbval-check-output"]
for rates in ([2, 4, 6], [1, 2, 5]):
    verdict = convlab.hdc_check(rates, kernel_size=3)
    print(bool(verdict), verdict.M, "gcd", verdict.gcd, "|", verdict)

# %% [markdown]
# What $M_2$ measures, checked directly: the offsets that layers 2 and 3 alone can reach
# are the non-zero positions of their coverage, and their largest gap is $M_2$. For
# $[\cdot, 4, 6]$ the gap is 4, too wide for a first layer that reaches only $\pm r_1$ and
# the centre; for $[\cdot, 2, 5]$ it is 2, and a first layer with $r_1 = 1$ fills it.

# %% tags=["nbval-check-output"]
for top in ([4, 6], [2, 5]):
    row = convlab.dilation_coverage(top, ndim=1)
    reach = np.flatnonzero(row) - len(row) // 2  # offsets from the centre
    print(f"layers 2, 3 = {top}: offsets {reach.tolist()}, largest gap {np.diff(reach).max()}")

# %%
plot.gridding([2, 4, 6], [1, 2, 5]);

# %% [markdown]
# **Where the rule is exact.** HDC is a design rule for the setting of the paper: 3×3
# kernels and rates that start at 1 and never decrease (like $[1, 2, 5]$ or
# $[1, 2, 5, 9]$). There it agrees with the hole count for every such stack we try;
# outside it, it can be wrong both ways. Trust the count (`dilation_coverage`), and use
# the rule to design.

# %% tags=["nbval-check-output"]
stacks = [
    list(r)
    for L in (2, 3, 4)
    for r in itertools.product(range(1, 13), repeat=L)
    if r[0] == 1 and list(r) == sorted(r)
]
agree = sum(
    bool(convlab.hdc_check(r)) == (convlab.dilation_coverage(r, ndim=1) > 0).all() for r in stacks
)
print(
    f"K = 3, rates 1 = r_1 ≤ r_2 ≤ … ≤ 12: the rule agrees with the hole count "
    f"in {agree} of {len(stacks)} stacks"
)
for rates in ([2, 3], [1, 3, 1]):
    holes = int((convlab.dilation_coverage(rates) == 0).sum())
    print(f"{rates}: HDC rule {'holds' if convlab.hdc_check(rates) else 'fails'}, {holes} holes")

# %% [markdown]
# $[2, 3]$ passes ($M_2 = 3$, no common factor) and still has holes: layer 2 reaches
# offsets $0, \pm 3$, and a first layer with rate 2 adds $0$ or $\pm 2$ to them, never
# $\pm 1$, so offset $3 + 1 = 4$ is never reached. The condition $M_2 \le K$ silently
# assumes $r_1 = 1$. $[1, 3, 1]$ fails ($M_2 = 5$) yet has no holes: the recursion assumes
# the rates do not decrease.
#
# ### Explore: design a dilation schedule
#
# Type rates, or pick a preset, and read the coverage, the holes in one row (✗) and the
# rule's verdict. Try the presets $[2, 2, 2]$ and $[1, 2, 5]$; type `2, 4, 6`, then
# `1, 2, 3`; type `2, 3` and see the rule hold over a picture with holes. Then set the
# kernel size to 2 and type `1, 2, 4, 8`: WaveNet's schedule, every pixel exactly once.

# %% tags=["nbval-ignore-output"]
widgets.dilation_explorer()

# %% [markdown]
# ## One table for a whole network
#
# `convlab.summary` runs this recursion for a whole network described layer by layer
# (channels, batchnorm and ReLU included), next to each layer's output shape,
# parameters and multiply-adds. Its `Start` column is the **centre** of unit 0's field,
# $t + (r - 1)/2$, the convention of Araujo et al.'s "Computing Receptive Fields of
# Convolutional Neural Networks" (Distill, 2019): unit $u$ is centred at
# $\text{start} + u\,j$. First, predict from the stem above:

# %% tags=["checkpoint", "nbval-ignore-output"]
from convlab import quiz, summary

quiz.number(
    "ResNet's stem: conv 7×7 stride 2 padding 3, then max pool 3×3 stride 2 padding 1. "
    "How many input pixels (per side) does one unit after the pool see?",
    11,
    explain="r = 1 + 6·1 = 7 after the conv (jump 2), then 7 + 2·2 = 11 after the pool.",
    hint="The pool's 3 taps are one jump (2 input pixels) apart.",
)

# %% tags=["nbval-check-output"]
resnet_stem = [
    {"type": "conv", "out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3},
    {"type": "batchnorm"},
    {"type": "relu"},
    {"type": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
] + [{"type": "conv", "out_channels": 64, "kernel_size": 3, "padding": 1}] * 4
table = summary(resnet_stem, (1, 3, 224, 224))
print(table)
r, centre = table.rows[-1]["receptive_field"][0], table.rows[-1]["start"][0]
print(f"last layer: {r}×{r} field centred on pixel {centre:g}, from {centre - (r - 1) / 2:g}")

# %% [markdown]
# Read the `RF` column: 7, then 11 after the pool, then $+8$ per 3×3 convolution (jump
# 4): 43 after ResNet-18's first stage. `Start` stays 0: with "half" padding every field
# is centred on its unit, so unit 0's field reaches $(43 - 1)/2 = 21$ pixels into the
# padding, the recursion's $t = -21$. The same call takes a `torch.nn.Module` when torch
# is installed, residual additions included (where branches meet, the field is the union
# of theirs).

# %% [markdown]
# ## Check yourself
#
# **Q1.** A 5×5 kernel with dilation 3: what is its effective size, and how many weights
# does it have (one channel in and out, no bias)?
#
# <details><summary>Answer</summary>
#
# $k_\text{eff} = (5 - 1)\cdot 3 + 1 = 13$, so it spans 13×13 pixels, but it still has
# $5^2 = 25$ weights. (`convlab.conv_output_size(13, 5, dilation=3)` is 1: it fits exactly
# once in a 13×13 input.)
#
# </details>

# %% [markdown]
# **Q2.** A 3×3 convolution with dilation 4, stride 1, on a 32×32 input. What padding per
# side keeps the output 32×32, and what is the output without padding? What does
# `dilation=1` mean, and what would "dilation 0" mean in a text that counts holes?
#
# <details><summary>Answer</summary>
#
# $k_\text{eff} = 2\cdot 4 + 1 = 9$; "same" needs $9 - 1 = 8$ pixels in total, $p = 4$ per
# side. Without padding: $\lfloor (32 - 9)/1 \rfloor + 1 = 24$. `dilation=1` (PyTorch,
# convlab) is the ordinary convolution, taps 1 pixel apart; a text that counts the zeros
# inserted between taps calls that same convolution "dilation 0".
#
# </details>

# %% [markdown]
# **Q3.** conv 3×3 stride 2 → conv 3×3 stride 2 → conv 3×3 stride 1 (no padding). Give the
# receptive field size and jump after each layer.
#
# <details><summary>Answer</summary>
#
# Layer 1: $r = 1 + 2\cdot 1 = 3$, $j = 2$. Layer 2: $r = 3 + 2\cdot 2 = 7$, $j = 4$.
# Layer 3: $r = 7 + 2\cdot 4 = 15$, $j = 4$. The last layer's stride 1 does not matter
# for its own field; the two strides below it multiply its reach by 4.
#
# </details>

# %% [markdown]
# **Q4.** How many 3×3 layers with dilations 1, 2, 4, … does a unit need to see 255 pixels
# per side? And with plain 3×3 layers?
#
# <details><summary>Answer</summary>
#
# $2^{L+1} - 1 = 255$ gives $L = 7$ dilated layers (the last with $d = 64$). Plain layers
# need $2L + 1 = 255$, $L = 127$.
#
# </details>

# %% [markdown]
# **Q5.** $[2, 2, 2]$ gives $M_2 = \max(2 - 4,\ 2 - 0,\ 2) = 2 \le 3$. So why does it grid,
# and which pixels does the top unit miss?
#
# <details><summary>Answer</summary>
#
# All rates are multiples of 2, so every path moves in even steps: the unit sees only the
# pixels at even offsets from its centre (in 2-D, 49 of the 169 pixels of its 13×13
# field). That is the second condition of HDC, which $M_2$ alone does not test.
#
# </details>

# %% [markdown]
# **Q6.** Wang et al. say $[1, 2, 9]$ does not work with 3×3 kernels. Compute $M_2$ and
# name one offset the top unit never sees.
#
# <details><summary>Answer</summary>
#
# $M_3 = 9$, $M_2 = \max(9 - 4,\ 9 - 14,\ 2) = 5 > 3$. Layers 2 and 3 reach
# $\{0, \pm 2, \pm 7, \pm 9, \pm 11\}$; the gap from 2 to 7 is 5, and the first layer adds
# only $-1, 0, +1$, so offsets $\pm 4$ and $\pm 5$ are never seen
# (`convlab.dilation_coverage([1, 2, 9], ndim=1)` has zeros there).
#
# </details>

# %% [markdown]
# ## Exercises
#
# Open **[exercises/04_dilation_receptive_field.ipynb](../exercises/04_dilation_receptive_field.ipynb)**. Three functions, each checked in the
# notebook with `check(...)` (✅ or ❌ with the smallest failing case):
#
# - `dilate_kernel(k, d)`: insert $d - 1$ zeros between the taps of a kernel —
#   `check("04.dilate_kernel")`;
# - `receptive_field(layers)`: the recursion for a list of (kernel, stride, dilation)
#   layers — `check("04.receptive_field")`;
# - `hdc_ok(dilations, kernel_size)`: the HDC rule — `check("04.hdc_ok")`.
#
# ## Going further
#
# - F. Yu, V. Koltun, *Multi-Scale Context Aggregation by Dilated Convolutions*, ICLR 2016:
#   the context module and exponential receptive fields.
# - P. Wang et al., *Understanding Convolution for Semantic Segmentation*, WACV 2018: the
#   gridding problem and Hybrid Dilated Convolution.
# - A. Araujo, W. Norris, J. Sim, *Computing Receptive Fields of Convolutional Neural
#   Networks*, Distill 2019: the recursion in closed form, for networks with branches too.
# - W. Luo et al., *Understanding the Effective Receptive Field in Deep Convolutional
#   Neural Networks*, NeurIPS 2016: why the centre of the field counts most.

# %% [markdown]
# ---
# **Next:** [Lesson 5 · Transposed convolution](05_transposed_convolution.ipynb) · back to the [course home](../START_HERE.ipynb)
