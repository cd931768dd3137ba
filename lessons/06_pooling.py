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
# # Lesson 6 · Pooling
#
# Between convolutions, CNNs shrink their feature maps: a $2 \times 2$ *max pooling* with
# stride 2 keeps the strongest response of every $2 \times 2$ block and throws three
# quarters of the positions away. Pooling has **no weights** — it is a fixed summary
# (maximum or mean) of each window, applied to every channel on its own. It cuts the
# cost of the layers after it, widens their receptive field, and makes the network a
# little less sensitive to where exactly a feature sits. This lesson makes the details
# exact: output sizes in floor and ceil mode (PyTorch vs Caffe), what padding means when
# you take a maximum or a mean, the indices max pooling can return, adaptive pooling to
# any output size, and how much invariance pooling really buys.
#
# **Learning objectives.** After this lesson you can
#
# - compute max and average pooling by hand, and explain why pooling has no parameters
#   and never mixes channels;
# - predict a pooled size with `ceil_mode=False` (PyTorch's default) and `ceil_mode=True`
#   (Caffe's rounding), including PyTorch's rule that drops a window starting in the padding;
# - say what padding contributes: $-\infty$ for max pooling, and the divisor of average
#   pooling with and without `count_include_pad`;
# - use `return_indices` and `max_unpool2d`, and adaptive / global pooling to feed any
#   input size to a fixed classifier;
# - measure how (approximately) translation-invariant pooling is.

# %%
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML

import convlab
from convlab import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool2d,
    conv2d,
    max_pool2d,
    max_unpool2d,
    plot,
    pool_output_size,
    reference,
    widgets,
)
from convlab.adaptive import adaptive_windows
from convlab.images import photo

np.set_printoptions(precision=3, suppress=True, linewidth=100)

# %% [markdown]
# ## 1 · Max and average pooling
#
# A $2 \times 2$ window slides with stride 2 (by default the stride equals the window
# size, so windows tile the input without overlap). Max pooling keeps the largest value
# of each window (the winner is ringed in blue), average pooling their mean:

# %%
x = np.array(
    [
        [1.0, 3.0, 2.0, 0.0, 5.0, 1.0],
        [4.0, 8.0, 1.0, 6.0, 2.0, 2.0],
        [0.0, 2.0, 9.0, 3.0, 1.0, 0.0],
        [5.0, 1.0, 4.0, 4.0, 0.0, 7.0],
        [2.0, 6.0, 0.0, 1.0, 3.0, 3.0],
        [1.0, 0.0, 2.0, 8.0, 4.0, 1.0],
    ]
)
plot.pool_step(x, 2, 0, 1, mode="max");

# %%
plot.pool_step(x, 2, 0, 1, mode="avg");

# %% [markdown]
# For one channel, window size $k$, stride $s$ and no padding,
#
# $$y_{\max}[i, j] = \max_{0 \le u, v < k} x[i s + u,\; j s + v], \qquad
#   y_{\text{avg}}[i, j] = \frac{1}{k^2} \sum_{0 \le u, v < k} x[i s + u,\; j s + v].$$
#
# There is nothing to learn: pooling has **zero parameters** (`nn.MaxPool2d(2)` has no
# weights). Average pooling is even a convolution with a fixed, untrained kernel — every
# weight $1/k^2$, applied to each channel separately (`groups = C`, lesson 3). The numbers,
# checked against the loop definitions in `convlab.reference`:

# %% tags=["nbval-check-output"]
X = x[None, None]  # (N, C, H, W) = (1, 1, 6, 6)
y_max = max_pool2d(X, 2)
y_avg = avg_pool2d(X, 2)
print("max pooling:\n", y_max[0, 0])
print("average pooling:\n", y_avg[0, 0])
print(
    "reference loops agree:",
    np.allclose(y_max, reference.max_pool_reference(X, 2)[0]),
    np.allclose(y_avg, reference.avg_pool_reference(X, 2)),
)
box = np.full((1, 1, 2, 2), 1 / 4)
print(
    "avg pooling == conv2d with a fixed 1/4 kernel, stride 2:",
    np.allclose(y_avg, conv2d(X, box, stride=2)),
)

# %% [markdown]
# The whole sliding pass, one output per frame (press ▶):

# %% tags=["nbval-ignore-output"]
anim = plot.animate(x, mode="max", kernel_size=3, stride=3)
HTML(anim.to_html())

# %% [markdown]
# ## 2 · Each channel on its own
#
# A convolution sums over input channels (lesson 3); pooling never does. An input with
# $C$ channels gives an output with the same $C$ channels, each pooled separately — so
# pooling changes $H$ and $W$, never $C$:

# %% tags=["nbval-check-output"]
rng = np.random.default_rng(0)
stack = rng.integers(0, 10, (2, 3, 6, 6)).astype(float)  # (N, C, H, W)
pooled = max_pool2d(stack, 2)
one_by_one = np.stack([max_pool2d(stack[:, c : c + 1], 2)[:, 0] for c in range(3)], axis=1)
print("input", stack.shape, "-> pooled", pooled.shape)
print("pooling the channels one by one gives the same:", np.array_equal(pooled, one_by_one))

# %% [markdown]
# ## 3 · Explore: window, stride, padding, ceil_mode
#
# The input is a grid of random digits (the same grid for each size). Drag **n** (the
# input size) and watch the output-size formula above the picture; then try:
#
# - `n = 5, k = 2, s = 2`: floor mode gives 2×2 — the last row and column are never read;
# - tick `ceil_mode`: 3×3, the last windows hang over the edge (the blank cells are ignored);
# - now `p = 1`: still 3×3, not the 4×4 the ceiling formula gives (section 4 says why);
# - switch to `avg`, move the output position to a corner and toggle `count_include_pad`:
#   the divisor changes, the sum does not (section 5).

# %% tags=["nbval-ignore-output"]
widgets.pool_explorer(n=5, k=2, stride=2)

# %% [markdown]
# ## 4 · Output size: floor (PyTorch) vs ceil (Caffe)
#
# With padding $p$ on **each** side, pooling has the convolution's size formula
#
# $$o_{\text{floor}} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$$
#
# (max pooling also takes a `dilation`; then $k$ becomes the span $d(k-1)+1$). The floor
# drops a last window that does not fit entirely: those input rows are never looked at.
# This is PyTorch's default (`ceil_mode=False`). Caffe instead always rounds **up**, so a
# partial last window counts; PyTorch's `ceil_mode=True` does the same,
#
# $$o_{\text{ceil}} = \left\lceil \frac{n + 2p - k}{s} \right\rceil + 1,$$
#
# with one correction (also in Caffe when there is padding): **the last window must start
# inside the input or the left padding**. If it would start in the right padding, i.e.
# $(o - 1)\,s \ge n + p$, it would see nothing but padding, and it is dropped. Porting a
# Caffe model to PyTorch means setting `ceil_mode=True` where Caffe's shapes differ —
# torchvision's GoogLeNet does exactly this. `convlab.pool_output_size` implements the
# rule:

# %% tags=["nbval-check-output"]
print(" n  k  s  p | floor  ⌈⌉+1  ceil_mode (PyTorch)")
for n, k, s, p in [(5, 2, 2, 0), (6, 2, 2, 0), (112, 3, 2, 0), (5, 2, 2, 1), (9, 3, 3, 1)]:
    naive = -(-(n + 2 * p - k) // s) + 1
    floor, ceil = pool_output_size(n, k, s, p), pool_output_size(n, k, s, p, ceil_mode=True)
    print(
        f"{n:>3}{k:>3}{s:>3}{p:>3} | {floor:>5}  {naive:>4}  {ceil:>5}"
        + ("   <- last window would start in the padding: dropped" if naive != ceil else "")
    )
print("max_pool2d agrees:", max_pool2d(np.ones((1, 5, 5)), 2, padding=1, ceil_mode=True).shape)

# %% [markdown]
# In ceil mode the last window may hang past the input (and its padding); the cells out
# there (drawn blank) are simply ignored. Here $n = 5, k = s = 2$ without padding: the
# third window in each direction sees one real row or column only:

# %%
x5 = rng.integers(0, 10, (5, 5)).astype(float)
plot.pool_step(x5, 2, 2, 2, stride=2, ceil_mode=True);

# %% [markdown]
# With `padding=1` instead, windows start at $-1, 1, 3$ (input coordinates) and end
# inside the input; the ceiling formula asks for a fourth, but it would start at $5$, the
# right padding column, and see only padding — so the output stays $3 \times 3$. (Set
# `n=5, k=2, s=2, p=1` and tick `ceil_mode` in the explorer above.)

# %% [markdown]
# ## 5 · Padding in pooling: −∞ for max, a divisor for average
#
# **Max pooling pads with $-\infty$**, so padding can never win: a window that is partly
# padding returns the maximum of its real cells — even when they are all negative.
# Padding with zeros instead would invent maxima of 0 at the border:

# %% tags=["nbval-check-output"]
neg = -np.arange(1.0, 10.0).reshape(1, 3, 3)  # all negative
print("input:\n", neg[0])
print("max_pool2d(k=2, s=1, padding=1), padding −∞:\n", max_pool2d(neg, 2, 1, padding=1)[0])
zero_padded = convlab.pad(neg, (1, 1, 1, 1))  # what zero padding would do
print("zero-pad first, then pool — wrong, zeros win:\n", max_pool2d(zero_padded, 2, 1)[0])

# %% [markdown]
# **Average pooling pads with 0**, and the question is what to divide by. With
# `count_include_pad=True` (the default, and Caffe's behaviour) the divisor is the window
# size — the padding zeros count as cells; with `False` only the real input cells count.
# One more subtlety: even with `True`, a ceil-mode window that hangs past the padding is
# *clipped* to the padded input first. So the divisor is
#
# $$\text{divisor} = \begin{cases}
#   \#\{\text{window cells inside the padded input}\} & \texttt{count\_include\_pad=True} \\
#   \#\{\text{window cells inside the real input}\} & \texttt{count\_include\_pad=False}
# \end{cases}$$
#
# (and `divisor_override` replaces both). On a $6 \times 6$ input of ones, $3 \times 3$
# windows, stride 2, padding 1, `ceil_mode=True`, the output *is* real cells ÷ divisor:

# %% tags=["nbval-check-output"]
ones = np.ones((1, 1, 6, 6))
settings = dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)
print(
    "real input cells per window (divisor_override=1 gives plain sums):\n",
    avg_pool2d(ones, **settings, divisor_override=1)[0, 0],
)
incl = avg_pool2d(ones, **settings, count_include_pad=True)
excl = avg_pool2d(ones, **settings, count_include_pad=False)
print("count_include_pad=True (÷9 inside; the last row/column is clipped to ÷6, ÷4):\n", incl[0, 0])
print("count_include_pad=False (every window divides by its real cells):\n", excl[0, 0])
print(
    "reference loops agree:",
    np.allclose(incl, reference.avg_pool_reference(ones, 3, 2, 1, True, True)),
    np.allclose(excl, reference.avg_pool_reference(ones, 3, 2, 1, True, False)),
)

# %% [markdown]
# The corner window at $(0, 0)$ with `count_include_pad=True`: five padding zeros and
# four real cells, divided by 9:

# %%
plot.pool_step(x5, 3, 0, 0, stride=2, padding=1, mode="avg", count_include_pad=True);

# %% [markdown]
# ## 6 · Where was the maximum? `return_indices` and `max_unpool2d`
#
# `max_pool2d(..., return_indices=True)` also returns, for every output, **where** its
# maximum came from, as PyTorch does: the flat position `row * W + col` in that channel's
# unpadded $H \times W$ plane (ties go to the first maximum in the window). `max_unpool2d`
# uses them to put each maximum back where it was and zeros elsewhere — a partial inverse,
# used in SegNet's decoder, and exactly the routing of max pooling's gradient (lesson 7).

# %% tags=["nbval-check-output"]
values, idx = max_pool2d(X, 2, return_indices=True)
print("values:\n", values[0, 0])
print("indices (row·6 + col):\n", idx[0, 0])
print("as (row, col):", [divmod(int(i), 6) for i in idx[0, 0].ravel()])
print(
    "indices agree with the reference loop:",
    np.array_equal(idx, reference.max_pool_reference(X, 2)[1]),
)
restored = max_unpool2d(values, idx, 2)
print("max_unpool2d:\n", restored[0, 0])

# %%
maxima = [divmod(int(i), 6) for i in idx[0, 0].ravel()]
plot.grid(x, highlight=maxima, title="input: the cells max_unpool2d restores");

# %% [markdown]
# The indices are positions in the plane that was pooled, so unpooling must rebuild a
# plane of that size. By default `max_unpool2d` assumes $(o - 1)s + k$ per dim — the
# smallest input that pools to $o$. When floor mode dropped rows, that is too small: a
# $5 \times 5$ input pools to $2 \times 2$, and the default guess is $4 \times 4$. The
# flat indices count in rows of 5, so they do not fit a plane with rows of 4:

# %% tags=["nbval-check-output"]
v5, i5 = max_pool2d(x5[None], 2, return_indices=True)  # 5×5 -> 2×2: row and column 4 dropped
print("indices in the 5×5 plane:\n", i5[0])

# %% tags=["raises-exception"]
max_unpool2d(v5, i5, 2)  # rebuilds a 4×4 plane: index 17 does not exist there

# %% [markdown]
# Pass the size you pooled from, as in PyTorch:

# %% tags=["nbval-check-output"]
print(max_unpool2d(v5, i5, 2, output_size=x5.shape)[0])

# %% [markdown]
# ## 7 · Adaptive and global pooling: any input size, a fixed output size
#
# Adaptive pooling turns the question around: you choose the **output** size $o$ and the
# windows follow. Window $i$ of $o$ over a length $n$ covers
#
# $$\left[\ \left\lfloor \frac{i\,n}{o} \right\rfloor,\ \left\lceil \frac{(i+1)\,n}{o}
#   \right\rceil \right),$$
#
# so windows can differ in length by one and may overlap; when $o$ divides $n$ this is
# ordinary pooling with $k = s = n/o$.

# %% tags=["nbval-check-output"]
for n, o in [(5, 3), (10, 3), (6, 2)]:
    starts, ends = adaptive_windows(n, o)
    print(f"n={n:>2} -> o={o}: windows", [f"[{a}, {b})" for a, b in zip(starts, ends, strict=True)])
v = np.arange(10.0)
by_hand = [v[a:b].mean() for a, b in zip(*adaptive_windows(10, 3), strict=True)]
print(
    "adaptive_avg_pool1d(0..9, 3) =",
    adaptive_avg_pool1d(v[None], 3)[0],
    " by hand:",
    np.round(by_hand, 3),
)
six = rng.normal(size=(1, 2, 6, 6))
print(
    "o divides n: adaptive == avg_pool2d(k=s=3):",
    np.allclose(adaptive_avg_pool2d(six, 2), avg_pool2d(six, 3)),
)

# %% [markdown]
# **Global average pooling** is `adaptive_avg_pool2d(x, 1)`: one mean per channel. It is
# why a modern CNN (ResNet, MobileNet…) accepts images of any size: the convolutions give
# feature maps whose size follows the input, global pooling squeezes each channel to one
# number, and the classifier always receives a vector of length $C$. Without it, a
# flatten-then-dense head is tied to one input size:

# %% tags=["nbval-check-output"]
w1 = rng.normal(size=(8, 3, 3, 3))  # a conv layer 3 -> 8 channels


def features(img):  # conv -> max pool -> ReLU: a one-layer feature extractor
    return np.maximum(max_pool2d(conv2d(img, w1, padding=1), 2), 0)


for h, w in [(32, 32), (45, 60), (97, 80)]:
    f = features(rng.normal(size=(1, 3, h, w)))
    print(
        f"image {h}×{w}: feature maps {f.shape}, flattened {f[0].size:>6} values, "
        f"after global pooling {adaptive_avg_pool2d(f, 1).reshape(1, -1).shape}"
    )

# %% [markdown]
# ## 8 · Translation invariance — approximate
#
# Move the input by one pixel. A convolution's output moves with it (*equivariance*, up
# to the border). After a $k \times k$ max pooling, a strong response that stays inside
# its window gives exactly the same output, so pooled maps change less: pooling buys
# some **invariance** to small shifts, more with bigger windows, and global pooling is
# fully invariant as long as the feature stays in the image. But with stride $s > 1$ it
# is only approximate: a shift by one pixel is not a shift of the pooled grid. Below,
# the positive part of a vertical-edge map of the photo, and the same map one pixel to the
# left (cropped from a wider map, so no wrap-around):

# %%
edges = np.maximum(conv2d(photo(size=66)[None], convlab.kernels.sobel_x()[None, None]), 0)[0]
a, b = edges[:, 0:48], edges[:, 1:49]  # b is a shifted left by one pixel
pa, pb = max_pool2d(a[None], 4)[0], max_pool2d(b[None], 4)[0]
fig, axes = plt.subplots(2, 3, figsize=(7.2, 5.4))
rows = [(a, b, "edge map"), (pa, pb, "max_pool2d(·, 4)")]
for (u, s, name), row in zip(rows, axes, strict=True):
    top = max(u.max(), s.max())
    for ax, im, title in zip(
        row, [u, s, np.abs(u - s)], [name, "shifted by 1 px", "|difference|"], strict=True
    ):
        ax.imshow(im, cmap="magma", vmin=0, vmax=top, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
fig.tight_layout();

# %% [markdown]
# How much does the output change? The relative change $\lVert f(x) - f(x') \rVert /
# \lVert f(x) \rVert$ and the share of output values that did not change at all:

# %% tags=["nbval-check-output"]
def change(u, s):  # relative change, share of values that stayed the same
    return np.linalg.norm(u - s) / np.linalg.norm(u), np.mean(np.isclose(u, s))


print(f"{'':<22}{'relative change':>16}{'unchanged':>11}")
print(f"{'edge map (no pooling)':<22}{change(a, b)[0]:>16.2f}{change(a, b)[1]:>11.0%}")
for k in (2, 4, 8):
    for name, pool in (("max", max_pool2d), ("avg", avg_pool2d)):
        r, same = change(pool(a[None], k), pool(b[None], k))
        print(f"{name}_pool2d(k={k}):{'':<6}{r:>16.2f}{same:>11.0%}")
g = change(adaptive_avg_pool2d(a[None], 1), adaptive_avg_pool2d(b[None], 1))[0]
print(f"{'global max pooling':<22}{change(a.max(keepdims=True), b.max(keepdims=True))[0]:>16.2f}")
print(f"{'global avg pooling':<22}{g:>16.2f}")
shifted2 = edges[:, 2:50]  # a shift by 2 = the pooling stride
print(
    "shift by 2, then max_pool2d(k=2) == max_pool2d then shift by 1:",
    np.array_equal(max_pool2d(a[None], 2)[0][:, 1:], max_pool2d(shifted2[None], 2)[0][:, :-1]),
)

# %% [markdown]
# Bigger windows change less, and max pooling leaves many outputs *exactly* unchanged
# (the maximum only moved inside its window) while averages all move a little. A shift
# by a multiple of the stride is exact equivariance — the pooled map just shifts — but
# any other shift is not, which is why CNNs with strided pooling are less shift-invariant
# than often claimed (Azulay & Weiss 2019; Zhang's "anti-aliased" pooling blurs before
# subsampling to fix it).
#
# ## Check yourself
#
# **Q1.** A $7 \times 7$ input, `max_pool2d(kernel_size=2)`: output size in PyTorch's
# default mode, and with `ceil_mode=True`?
#
# <details><summary>Answer</summary>
#
# Stride defaults to the window: $s = 2$. Floor: $\lfloor (7 - 2)/2 \rfloor + 1 = 3$, so
# $3 \times 3$ (row and column 6 are never read). Ceil: $\lceil 5/2 \rceil + 1 = 4$, and
# the last window starts at $6 < 7$, inside the input, so $4 \times 4$.
#
# </details>
#
# **Q2.** Same input with `padding=1, ceil_mode=True` and $k = s = 2$: the ceiling
# formula gives $\lceil (7 + 2 - 2)/2 \rceil + 1 = 5$. What does PyTorch return?
#
# <details><summary>Answer</summary>
#
# $4 \times 4$: the fifth window would start at $(5 - 1) \cdot 2 = 8 \ge n + p = 8$, i.e.
# in the right padding, so it is dropped (`convlab.pool_output_size(7, 2, 2, 1,
# ceil_mode=True)` is 4).
#
# </details>
#
# **Q3.** A max-pooling window covers two padding cells and the real values $-3$ and
# $-5$. What is its output, and why not 0?
#
# <details><summary>Answer</summary>
#
# $-3$. Max pooling pads with $-\infty$, so padding never wins; only average pooling
# pads with zeros.
#
# </details>
#
# **Q4.** `avg_pool2d` with $k = 3$, `padding=1` on an input of ones: what is the top-left
# output with `count_include_pad=True`, and with `False`?
#
# <details><summary>Answer</summary>
#
# The window holds 4 real ones and 5 padding zeros. `True` divides by 9: $4/9 \approx
# 0.444$. `False` divides by the 4 real cells: $1$.
#
# </details>
#
# **Q5.** How many parameters does a `MaxPool2d(2)` layer have on a 64-channel input, and
# how many channels does its output have?
#
# <details><summary>Answer</summary>
#
# Zero parameters, and 64 channels: pooling works on each channel on its own and only
# changes the spatial size.
#
# </details>
#
# **Q6.** Why can a network ending in `adaptive_avg_pool2d(x, 1)` and a dense layer
# classify a $224 \times 224$ and a $300 \times 400$ image with the same weights?
#
# <details><summary>Answer</summary>
#
# The convolutions work at any size; global average pooling reduces every channel to one
# number whatever $H \times W$ is, so the dense layer always receives $C$ values.
#
# </details>

# %% [markdown]
# ## Exercises
#
# Open **[exercises/06_pooling.ipynb](../exercises/06_pooling.ipynb)** (3 graded functions, 6 points). Each cell ends with
# a `check(...)` that tests your function on small cases and shows ✅ or ❌ with a hint:
#
# - `pool_output_size(n, k, s, p=0, ceil_mode=False)` — with PyTorch's ceil-mode rule:
#   `check("06.pool_output_size")`;
# - `avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True)` —
#   both divisor rules: `check("06.avg_pool2d")`;
# - `max_pool2d_indices(x, kernel_size, stride=None, padding=0)` — values and PyTorch's
#   flat indices, with $-\infty$ padding: `check("06.max_pool2d_indices")`.
#
# ## Going further
#
# - PyTorch docs: `torch.nn.MaxPool2d` / `AvgPool2d` (the `ceil_mode` note) and
#   `AdaptiveAvgPool2d`.
# - M. Lin, Q. Chen, S. Yan, *Network In Network* (2013) — global average pooling
#   instead of dense layers.
# - A. Azulay, Y. Weiss, *Why do deep convolutional networks generalize so poorly to
#   small image transformations?* (JMLR 2019); R. Zhang, *Making Convolutional Networks
#   Shift-Invariant Again* (ICML 2019).
# - V. Badrinarayanan et al., *SegNet* (2017) — max-unpooling with stored indices.

# %% [markdown]
# ---
# **Next:** [Lesson 7 · Backpropagation through convolution](07_backpropagation.ipynb) · back to the [course home](../START_HERE.ipynb)
