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
# A 3×3 kernel sees 9 pixels, but labelling a pixel of a street scene needs context from
# hundreds of pixels away. **Dilation** spreads the same 9 taps apart, leaving holes
# between them. This lesson measures how far a unit deep in a network can see, its
# **receptive field**, and shows the catch: stack dilations carelessly and the network
# sees only a checkerboard of its input (**gridding**).
#
# **Learning objectives.** After this lesson you can
#
# - draw a dilated (atrous) kernel, give its effective size $(k-1)d+1$, and say exactly
#   what `dilation=1` means in PyTorch and convlab;
# - put a dilated kernel into the output-size formula and choose its "same" padding;
# - compute the receptive field (size, jump, start) of any stack of convolutions, and
#   check it by perturbing input pixels;
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
from convlab import plot, quiz, reference, widgets

np.set_printoptions(linewidth=100)

# %% [markdown]
# ## 1 · A kernel with holes
#
# A convolution with **dilation** $d$ places its taps $d$ pixels apart. Between two taps
# lie $d - 1$ pixels that this output ignores: the holes. The kernel keeps its $k^2$
# weights and its $k^2$ multiplications per output; only its reach grows.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 3×3 kernel with dilation 3: how many pixels does it span per side?",
    7,
    hint="Between neighbouring taps lie d − 1 = 2 holes.",
    explain="Three taps with two holes between each pair: 3 + 2 · 2 = 7, or "
    "(k − 1) · d + 1 = 2 · 3 + 1 = 7. It still has 9 weights.",
)

# %% [markdown]
# Here is the same 3×3 kernel (weights 1 … 9) at dilation 1, 2 and 3, the holes hatched:

# %%
plot.dilated_kernel(3, [1, 2, 3]);

# %% [markdown]
# The kernel spans
#
# $$k_\text{eff} = (k-1)\,d + 1$$
#
# pixels per side: 3, 5, 7 above ("atrous", *à trous*, means "with holes": the same
# operation). In `conv2d`, dilation multiplies the tap offset ($x_p$ is the padded input):
#
# $$y[i, j] = b + \sum_{a=0}^{k-1} \sum_{c=0}^{k-1} w[a, c]\; x_p[\,s\,i + d\,a,\; s\,j + d\,c\,].$$
#
# > **Dilation 1 means no dilation.** In convlab, PyTorch, TensorFlow (`dilation_rate`)
# > and ONNX, $d$ is the **spacing** of the taps: $d = 1$ is the ordinary convolution.
# > oneDNN counts the **holes** instead, so its dilation 0 is PyTorch's `dilation=1`. In
# > convlab and PyTorch $d = 0$ would put every tap on the same pixel, so it is refused:

# %% tags=["raises-exception"]
convlab.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), dilation=0)

# %% [markdown]
# **The holes in numbers.** A single bright pixel draws the kernel, rotated by 180°
# (lesson 1), with one zero between neighbouring weights. On a random input, the first
# window with $d = 2$ is the slice `x[0:5:2, 0:5:2]`.

# %% tags=["nbval-check-output"]
w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # the weights 1 … 9 of the picture
delta = np.zeros((1, 1, 7, 7))
delta[0, 0, 3, 3] = 1.0
print(convlab.conv2d(delta, w, padding=2, dilation=2)[0, 0])

rng = np.random.default_rng(0)
x = rng.standard_normal((1, 1, 9, 9))
y = convlab.conv2d(x, w, dilation=2)
print("output shape:", y.shape)
print("matches the loop definition:", np.allclose(y, reference.conv_reference(x, w, dilation=2)))
print("y[0, 0] by hand:", np.isclose(y[0, 0, 0, 0], (x[0, 0, 0:5:2, 0:5:2] * w[0, 0]).sum()))

# %% [markdown]
# ### The effective size in the output-size formula
#
# For sizes, a dilated kernel is a dense $k_\text{eff} \times k_\text{eff}$ one. Lesson 2's
# formula, with $p$ per side:
#
# $$o = \left\lfloor \frac{n + 2p - d(k-1) - 1}{s} \right\rfloor + 1
#     = \left\lfloor \frac{n + 2p - k_\text{eff}}{s} \right\rfloor + 1 .$$
#
# "Same" padding (stride 1) needs $k_\text{eff} - 1 = d(k-1)$ padded pixels in total.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 3×3 kernel with dilation 4, stride 1, on a 32×32 input. What padding per side "
    "keeps the output 32×32?",
    4,
    hint="The total padding must be k_eff − 1.",
    explain="k_eff = 2 · 4 + 1 = 9, so 'same' needs 9 − 1 = 8 padded pixels, 4 per side. "
    "For any 3×3 kernel that is p = d, which is why segmentation code writes "
    "padding=dilation. Without padding the output would be 32 − 9 + 1 = 24.",
)

# %% tags=["nbval-check-output"]
n = 32
print(" k  d  k_eff  'valid' output   'same' padding (before, after)")
for k, d in [(3, 1), (3, 2), (3, 4), (5, 2), (2, 3), (4, 2)]:
    k_eff = d * (k - 1) + 1
    o = convlab.conv_output_size(n, k, stride=1, padding=0, dilation=d)
    print(f"{k:2d} {d:2d} {k_eff:5d}  {n}→{o:<13d} {convlab.same_padding(k, d)}")

# %% [markdown]
# ### Play: slide a dilated kernel
#
# The orange frames are the 9 taps of a 3×3 kernel with dilation 2. Drag **dilation d**
# from 1 to 3 and watch the output shrink; then take the challenge.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer(n=7, k=3, dilation=2, padding=0).set_goal(
    "Keep the dilation at 2 and make the 7×7 input give a 7×7 output",
    lambda s: s["dilation"] == 2 and s["n"] == 7 and s["out"] == (7, 7),
)

# %% [markdown]
# ## 2 · The receptive field of a stack
#
# Stack three 3×3 convolutions (stride 1, no padding). One unit of the third layer reads 3
# units of layer 2, each of which reads 3 units of layer 1, and so on down to the input.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Three stacked 3×3 convolutions, stride 1. How many input pixels per side can one unit "
    "of the third layer see?",
    7,
    hint="Each 3×3 layer adds one pixel on each side.",
    explain="Each layer widens the view by k − 1 = 2 pixels: 1 → 3 → 5 → 7. So three 3×3 "
    "layers see what one 7×7 sees.",
)

# %%
plot.receptive_field([{"kernel_size": 3}] * 3, input_size=11);

# %% [markdown]
# Top: a 1-D slice of the network. Bottom: the 2-D input, with the receptive fields of
# one unit of layer 1, 2 and 3 outlined; each cell counts the paths from that pixel up to
# the top unit (49 from the centre, 1 from a corner).
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
# - **start** $t_l$: the input index of the first pixel that unit 0 sees (negative in the
#   padding). Unit $u$ sees input pixels $t_l + u\,j_l$ to $t_l + u\,j_l + r_l - 1$.
#
# A unit reads $k_\text{eff}$ units of the layer below, $j_{l-1}$ input pixels apart. A
# layer's own stride does not enlarge its own field; it multiplies the reach of every
# layer *above* it. `convlab.receptive_field` runs the recursion; `show` prints it.


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
# **Three 3×3 = one 7×7**, with fewer weights ($27C^2$ instead of $49C^2$ for $C$
# channels in and out) and two more nonlinearities in between: the argument of the VGG
# paper (Simonyan & Zisserman, 2015) for using only 3×3 kernels.

# %% tags=["nbval-check-output"]
show([{"kernel_size": 3, "name": f"conv{i} 3×3"} for i in (1, 2, 3)])
show([{"kernel_size": 7, "name": "conv 7×7"}])
C = 64
print(
    f"weights with C={C}: three 3×3 = {3 * convlab.conv_params(C, C, 3, bias=False)}, "
    f"one 7×7 = {convlab.conv_params(C, C, 7, bias=False)}"
)

# %% [markdown]
# Strides change the picture: each stride multiplies the jump, so every layer above it
# adds more.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "conv 3×3 stride 2 → conv 3×3 stride 2 → conv 3×3 stride 1, no padding. What is the "
    "receptive field of the last layer?",
    15,
    hint="Run the recursion: r grows by (k − 1) times the jump of the layer below.",
    explain="Layer 1: r = 1 + 2 · 1 = 3, j = 2. Layer 2: r = 3 + 2 · 2 = 7, j = 4. "
    "Layer 3: r = 7 + 2 · 4 = 15. The strides below the last layer multiply its reach by 4.",
)

# %% tags=["nbval-check-output"]
show(
    [
        {"kernel_size": 3, "stride": 2, "name": "conv 3×3/2"},
        {"kernel_size": 3, "stride": 2, "name": "conv 3×3/2"},
        {"kernel_size": 3, "name": "conv 3×3"},
    ]
)

# %% [markdown]
# ### Check it by experiment
#
# The recursion is a prediction. Test it on a small stem: a 3×3 convolution with stride 2,
# then two 3×3 convolutions, all with padding 1, on a 16×16 input.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "The stem: conv 3×3 stride 2, then two conv 3×3 stride 1 (padding 1 everywhere). "
    "What is the receptive field of the last layer?",
    11,
    hint="The first layer sets the jump to 2 for both layers above it.",
    explain="Layer 1: r = 3, j = 2. Layer 2: r = 3 + 2 · 2 = 7. Layer 3: r = 7 + 2 · 2 = 11. "
    "Padding moves the window (the start) but does not change its size.",
)

# %% [markdown]
# The picture shows the prediction for unit (3, 3) of the last layer: an 11×11 window
# starting at input pixel $t + 3j = -5 + 3 \cdot 2 = 1$.

# %%
stem = [
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "padding": 1},
    {"kernel_size": 3, "padding": 1},
]
plot.receptive_field(stem, input_size=16, unit=3);

# %% [markdown]
# Now build the stack as a real network (random weights, `tanh` after every layer), bump
# each of the 256 input pixels in turn (as a batch of 256 images) and record which bumps
# change unit (3, 3). They should be exactly the predicted window.


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

# %% [markdown] tags=["going-further"]
# ### Going further: the receptive fields of VGG-16 and ResNet's stem
#
# These networks use max pooling, lesson 6's topic. For the receptive field a pooling
# window counts like a kernel of the same size and stride. VGG-16 has five blocks of 3×3
# convolutions (padding 1), each followed by a 2×2 pool with stride 2. Each pool doubles
# the jump, so each 3×3 convolution after it adds twice as much as one before it: +2 in
# block 1, +4 in block 2, … +32 in block 5. One unit of `pool5` sees a 212×212 window,
# almost all of a 224×224 image; its start is −90, so the units along the border see a lot
# of padding. ResNet starts with a 7×7 convolution with stride 2 and a 3×3 max pool with
# stride 2: after those two layers the jump is already 4, so every following 3×3
# convolution adds 8 pixels.

# %% tags=["nbval-check-output"]
vgg16 = []
for block, convs in enumerate([2, 2, 3, 3, 3], start=1):
    vgg16 += [
        {"kernel_size": 3, "padding": 1, "name": f"conv{block}_{i}"} for i in range(1, convs + 1)
    ]
    vgg16 += [{"kernel_size": 2, "stride": 2, "name": f"pool{block}"}]
show(vgg16)

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
# ## 3 · Growing fast: dilations 1, 2, 4, 8
#
# With stride 1 every jump is 1 and the recursion is a sum: $r_L = 1 + (k - 1)\sum_l d_l$.
# A plain stack of $L$ 3×3 layers reaches $2L + 1$ pixels: linear growth.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Four 3×3 layers with dilations 1, 2, 4 and 8, stride 1. What is the receptive field?",
    31,
    hint="r = 1 + (k − 1) · (sum of the dilations).",
    explain="r = 1 + 2 · (1 + 2 + 4 + 8) = 31: four layers see 31×31, where four plain 3×3 "
    "layers see 9×9. With doubling dilations r_L = 2^(L+1) − 1.",
)

# %%
plot.receptive_field([{"kernel_size": 3, "dilation": d} for d in (1, 2, 4, 8)], input_size=33);

# %% [markdown]
# No holes: the offsets $\pm 1, \pm 2, \pm 4, \pm 8$, each used or not, add up to every
# offset from −15 to 15. Doubling the dilation at every layer gives
# $r_L = 2^{L+1} - 1$: exponential growth, with the same weights per layer and no loss of
# resolution.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "How many 3×3 layers with dilations 1, 2, 4, … does a unit need to see 255 pixels per side?",
    7,
    hint="Solve 2^(L+1) − 1 = 255.",
    explain="2^(L+1) − 1 = 255 gives 2^(L+1) = 256, L = 7 (the last with dilation 64). "
    "Plain 3×3 layers would need 2L + 1 = 255, L = 127.",
)

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

# %% [markdown] tags=["going-further"]
# ### Going further: the context module and WaveNet
#
# - **The context module** of Yu & Koltun (2016): 3×3 convolutions with dilations
#   1, 1, 2, 4, 8, 16, 1 and a final 1×1, at full resolution.
# - **WaveNet** (van den Oord et al., 2016) generates audio one sample at a time with
#   causal kernels of size $k = 2$ (padding only on the past side, which does not change the
#   field's size) and dilations 1, 2, 4, …, 512: one block sees 1024 samples. With $k = 2$
#   the taps of each layer are "0 or $d$", so every past offset is reached by exactly one
#   path: its binary expansion.

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
# Now stack three 3×3 convolutions that all have dilation 2. Their receptive field is
# $1 + 2 \cdot 6 = 13$ pixels per side. But does the top unit see all 13?

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "Three 3×3 layers, all with dilation 2. Here is one row of the 13-pixel receptive field, "
    "offsets −6 to 6 from the centre. Click the pixels the top unit never sees.",
    13,
    [1, 3, 5, 7, 9, 11],
    values=list(range(-6, 7)),
    hint="Every tap moves 0 or ±2 pixels. Which offsets can a sum of three such moves reach?",
    explain="Each layer moves by −2, 0 or +2, and a sum of even numbers is even: the top "
    "unit sees only the even offsets, and the 6 odd ones (±1, ±3, ±5) fall through the "
    "holes. In 2-D that leaves 49 of the 169 pixels.",
)

# %% [markdown]
# Each cell below counts the paths from that input pixel to one top unit
# (`convlab.dilation_coverage`); hatched cells are never seen. Left $[2, 2, 2]$, right
# $[1, 2, 5]$.

# %%
plot.gridding([2, 2, 2], [1, 2, 5]);

# %% [markdown]
# With $[2, 2, 2]$ the 13×13 field has 120 holes. The neighbouring unit sees the odd
# columns instead, so neighbouring outputs come from disjoint sub-grids of the input: fine
# detail falls through the holes. In one row:

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
# $K \times K$ layers so that the top unit sees a full square. $M_i$, "the maximum
# distance between two nonzero values", is the widest gap between the offsets that layers
# $i, \dots, n$ reach (for rates that never decrease):
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
# `M` is not an echo of the rates. Wang et al. name $[1, 2, 9]$ as a schedule that does
# not work with 3×3 kernels:

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Rates [1, 2, 9] with K = 3. What is M_2?",
    5,
    hint="M_3 = 9; then M_2 = max(M_3 − 2·r_2, M_3 − 2·(M_3 − r_2), r_2).",
    explain="M_2 = max(9 − 4, 9 − 14, 2) = 5 > 3, so the rule fails. Layers 2 and 3 reach "
    "offsets 0, ±2, ±7, ±9, ±11: the gap from 2 to 7 is 5, and the first layer adds only "
    "−1, 0 or +1, so offsets ±4 and ±5 are never seen.",
)

# %% [markdown]
# `convlab.hdc_check` computes the same recursion (its `M` holds $M_1, \dots, M_n$) and
# says why:

# %% tags=["nbval-check-output"]
for rates in ([2, 4, 6], [1, 2, 5], [1, 2, 9]):
    verdict = convlab.hdc_check(rates, kernel_size=3)
    print(bool(verdict), "M =", verdict.M, "gcd", verdict.gcd, "|", verdict)
print("[1, 2, 9], one row:", convlab.dilation_coverage([1, 2, 9], ndim=1))

# %%
plot.gridding([2, 4, 6], [1, 2, 5]);

# %% [markdown]
# **The rule is for one group.** Wang et al. build deep networks from repeated groups
# with a sawtooth schedule, $[1, 2, 5, 1, 2, 5, \dots]$, and apply the rule to each group
# $[1, 2, 5]$, not to the whole stack: the recursion assumes rates that never decrease.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "Two groups [1, 2, 5] stacked: the sawtooth [1, 2, 5, 1, 2, 5]. Does the top unit miss "
    "any pixel of its receptive field?",
    ["yes: the rates repeat, so it grids", "no: every pixel is seen"],
    1,
    explain="Each group alone reaches every offset from −8 to 8, so two groups reach every "
    "sum of two such offsets: every offset from −16 to 16 (0 holes, receptive field 33). "
    "The HDC recursion, run over the whole stack, gives M_2 = 5 and says 'grids': it is "
    "meant per group.",
)

# %% tags=["nbval-check-output"]
sawtooth = [1, 2, 5, 1, 2, 5]
whole = convlab.hdc_check(sawtooth)
print("whole stack:", bool(whole), "M =", whole.M)
print("per group:  ", bool(convlab.hdc_check([1, 2, 5])), "for [1, 2, 5], twice")
print(
    "holes in the sawtooth's receptive field:",
    int((convlab.dilation_coverage(sawtooth) == 0).sum()),
)

# %% [markdown]
# ### Play: design a dilation schedule
#
# Type rates, or pick a preset, and read the coverage, the holes in one row (✗) and the
# rule's verdict. Then take the challenge: three layers, no holes, and a receptive field
# of at least 21.

# %% tags=["nbval-ignore-output"]
widgets.dilation_explorer(dilations="2, 2, 2").set_goal(
    "With three 3×3 layers, see a field of at least 21 pixels with no holes",
    lambda s: (
        s["kernel_size"] == 3
        and len(s["dilations"]) == 3
        and s["receptive_field"] >= 21
        and s["holes"] == 0
    ),
)

# %% [markdown] tags=["going-further"]
# ### Going further: where the rule is exact
#
# HDC is a design rule for the setting of the paper: 3×3 kernels and rates that start at
# 1 and never decrease (like $[1, 2, 5]$ or $[1, 2, 5, 9]$). There it agrees with the hole
# count for every such stack we try; outside it, it can be wrong both ways. $[2, 3]$
# passes ($M_2 = 3$, no common factor) and still has holes: layer 2 reaches offsets
# $0, \pm 3$, and a first layer with rate 2 adds $0$ or $\pm 2$, never $\pm 1$, so offset
# $3 + 1 = 4$ is never reached: the condition $M_2 \le K$ silently assumes $r_1 = 1$.
# $[1, 3, 1]$ fails ($M_2 = 5$) yet has no holes. Trust the count (`dilation_coverage`),
# and use the rule to design.

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
# ## One table for a whole network
#
# `convlab.summary` runs this recursion for a whole network described layer by layer
# (channels, batchnorm and ReLU included), next to each layer's output shape,
# parameters and multiply-adds. Its `Start` column is the **centre** of unit 0's field,
# $t + (r - 1)/2$, the convention of Araujo et al.'s "Computing Receptive Fields of
# Convolutional Neural Networks" (Distill, 2019): unit $u$ is centred at
# $\text{start} + u\,j$. A max pool (lesson 6) counts like a kernel of its size and
# stride. First, predict:

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
# ## Common mistakes
#
# - **"Dilation 0" for an ordinary convolution.** That is oneDNN's counting of holes;
#   PyTorch and convlab count the spacing. *Spot it:* `dilation=0` is refused, and
#   `dilation=1` must give the same output as no dilation at all.
# - **The span written as $k \cdot d$.** It is $(k-1)d + 1$. *Spot it:* a 3×3 kernel with
#   $d = 2$ spans 5 pixels, not 6.
# - **"Same" padding kept at $(k-1)/2$ after adding dilation.** It must be $d(k-1)/2$.
#   *Spot it:* each 3×3 layer shrinks the map by $2(d-1)$ pixels.
# - **Receptive fields added without the jump.** After a stride-2 layer every kernel
#   counts double. *Spot it:* compare with `convlab.receptive_field`.
# - **Equal dilations stacked, like $[2, 2, 2]$.** *Spot it:* `dilation_coverage` has
#   zeros, in a checkerboard.
# - **The HDC rule applied to a whole sawtooth stack.** It is meant per group. *Spot it:*
#   count the holes instead.

# %% [markdown]
# ## Exercises
#
# Open **[exercises/04_dilation_receptive_field.ipynb](../exercises/04_dilation_receptive_field.ipynb)**. Three functions, each checked in the
# notebook with `check(...)` (✅ or ❌ with the smallest failing case):
#
# - `dilate_kernel(k, d)`: insert $d - 1$ zeros between the taps of a kernel,
#   `check("04.dilate_kernel")`;
# - `receptive_field(layers)`: the recursion for a list of (kernel, stride, dilation)
#   layers, `check("04.receptive_field")`;
# - `hdc_ok(dilations, kernel_size)`: the HDC rule, `check("04.hdc_ok")`.
#
# Then **Design and debug** (5 points): `hole_count`, `rf_start_jump`, `dilation_schedule`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
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
