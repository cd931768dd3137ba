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
# quarters of the positions away. Pooling has **no weights**: it is a fixed summary
# (maximum or mean) of each window, applied to every channel on its own. It cuts the
# cost of the layers after it, widens their receptive field, and makes the network a
# little less sensitive to where exactly a feature sits.
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
#
# The **checkpoints** ask you to predict before the next cell shows the answer.

# %%
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
    quiz,
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
# of each window (ringed in blue):

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

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Average pooling takes the mean of each window instead. Same 6×6 input, 2×2 windows, "
    "stride 2: what is the output at (1, 1), the window of rows 2–3 and columns 2–3?",
    5,
    explain="The window holds 9, 3, 4 and 4: (9 + 3 + 4 + 4) / 4 = 5. Max pooling gave 9 "
    "there. Averaging lets every cell speak; the maximum listens to one.",
    hint="Output (i, j) reads rows 2i, 2i + 1 and columns 2j, 2j + 1.",
)

# %%
plot.pool_step(x, 2, 0, 1, mode="avg");

# %% [markdown]
# For one channel, window size $k$, stride $s$ and no padding,
#
# $$y_{\max}[i, j] = \max_{0 \le u, v < k} x[i s + u,\; j s + v], \qquad
#   y_{\text{avg}}[i, j] = \frac{1}{k^2} \sum_{0 \le u, v < k} x[i s + u,\; j s + v].$$
#
# There is nothing to learn: pooling has **zero parameters**. Without padding, average
# pooling is even a convolution with a fixed kernel, every weight $1/k^2$, applied to each
# channel separately (`groups = C`, lesson 3). With padding that stays true only with
# `count_include_pad=True` and no ceil-mode window clipped at the edge (section 5), where
# the divisor changes. The numbers, checked against the loops in `convlab.reference`:

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
# A convolution sums over input channels (lesson 3); pooling never does. Each of the $C$
# channels is pooled separately.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "stack has shape (2, 3, 6, 6): a batch of 2 images with 3 channels. "
    "What is the shape of max_pool2d(stack, 2)?",
    (2, 3, 3, 3),
    explain="Pooling changes H and W only: (6 − 2)/2 + 1 = 3. The batch stays 2 and the "
    "channels stay 3, each pooled on its own. A conv layer would have set the channels to "
    "its number of filters.",
    hint="Which axes does a 2×2 window slide over?",
)

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
# The explorer pools a grid of random digits. Before you move anything, predict.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "A 5×5 input, 2×2 max pooling, stride 2, PyTorch's default floor mode. "
    "Click the input rows that no window reads.",
    5,
    [4],
    explain="⌊(5 − 2)/2⌋ + 1 = 2 windows per direction, starting at rows 0 and 2 and reading "
    "rows 0–3. Row 4 (and column 4) is never looked at: whatever it holds, the output is the "
    "same.",
    hint="Windows start at 0, 2, 4, … and need 2 rows each.",
)

# %% [markdown]
# The explorer starts there: move the output position to (1, 1) and its window stops at
# row 3. Tick `ceil_mode` and the output grows to 3×3; the last windows hang over the
# edge (blank cells are ignored).
# Switch to `avg`, move the output position to a corner, and toggle `count_include_pad`
# with padding 1: the divisor changes, the sum does not (section 5).
#
# **Challenge:** with `ceil_mode` ticked, the formula line rounds *up*. Find settings
# where PyTorch nevertheless returns fewer windows than $\lceil (n + 2p - k)/s \rceil + 1$.
# Section 4 explains what you found.

# %% tags=["nbval-ignore-output"]
def window_dropped(state):  # ceil_mode, and fewer windows than the ceiling formula
    n, k, s, p = state["n"], state["k"], state["stride"], state["padding"]
    return state["ceil_mode"] and state["out"][0] < int(np.ceil((n + 2 * p - k) / s)) + 1


widgets.pool_explorer(n=5, k=2, stride=2).set_goal(
    "ceil_mode on, and one window fewer than ⌈(n + 2p − k)/s⌉ + 1", window_dropped
)

# %% [markdown]
# ## 4 · Output size: floor (PyTorch) vs ceil (Caffe)
#
# With padding $p$ on **each** side, pooling has the convolution's size formula
#
# $$o_{\text{floor}} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$$
#
# (max pooling also takes a `dilation`; then $k$ becomes the span $d(k-1)+1$). The floor
# drops a last window that does not fit entirely. This is PyTorch's default
# (`ceil_mode=False`). Caffe always rounds **up**, so a partial last window counts;
# PyTorch's `ceil_mode=True` does the same,
#
# $$o_{\text{ceil}} = \left\lceil \frac{n + 2p - k}{s} \right\rceil + 1,$$
#
# with one correction: **the last window must start inside the input or the left
# padding**. If it would start in the right padding, i.e. $(o - 1)\,s \ge n + p$, it
# would see nothing but padding, and it is dropped.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 7×7 input, max_pool2d(kernel_size=2, padding=1, ceil_mode=True). "
    "The ceiling formula gives ⌈(7 + 2 − 2)/2⌉ + 1 = 5. How many output rows does PyTorch return?",
    4,
    explain="The stride defaults to the window, 2. A fifth window would start at "
    "(5 − 1)·2 = 8 ≥ n + p = 8: in the right padding, seeing nothing but padding. It is "
    "dropped, so the output is 4×4 — the same as floor mode here.",
    hint="Where would the fifth window start, in padded coordinates from −1?",
)

# %% tags=["nbval-check-output"]
print(" n  k  s  p | floor  ⌈⌉+1  ceil_mode (PyTorch)")
cases = [(5, 2, 2, 0), (6, 2, 2, 0), (112, 3, 2, 0), (5, 2, 2, 1), (7, 2, 2, 1), (9, 3, 3, 1)]
for n, k, s, p in cases:
    naive = -(-(n + 2 * p - k) // s) + 1
    floor, ceil = pool_output_size(n, k, s, p), pool_output_size(n, k, s, p, ceil_mode=True)
    print(
        f"{n:>3}{k:>3}{s:>3}{p:>3} | {floor:>5}  {naive:>4}  {ceil:>5}"
        + ("   <- last window would start in the padding: dropped" if naive != ceil else "")
    )
print("max_pool2d agrees:", max_pool2d(np.ones((1, 7, 7)), 2, padding=1, ceil_mode=True).shape)

# %% [markdown]
# In ceil mode the last window may hang past the input; the cells out there (drawn blank)
# are ignored. Here $n = 5$, $k = s = 2$ without padding: the third window in each
# direction sees one real row or column only:

# %%
x5 = rng.integers(0, 10, (5, 5)).astype(float)
plot.pool_step(x5, 2, 2, 2, stride=2, ceil_mode=True);

# %% [markdown] tags=["going-further"]
# ### Going further: porting Caffe models
#
# Caffe computes pooled sizes with the ceiling (and, with padding, the same "last window
# starts inside" correction). A Caffe model ported to PyTorch gets different shapes
# unless its pooling layers set `ceil_mode=True` where the two roundings differ —
# torchvision's GoogLeNet does exactly this. Convolutions have no such option in either
# framework: they always floor.

# %% [markdown]
# ## 5 · Padding in pooling: −∞ for max, a divisor for average
#
# **Max pooling pads with $-\infty$**, so padding can never win: a window that is partly
# padding returns the maximum of its real cells.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "max_pool2d(k=2, stride=1, padding=1) on an all-negative 3×3 input −1 … −9. "
    "The top-left window holds three padding cells and the real value −1. Its output?",
    -1,
    explain="−1. Max pooling pads with −∞, so padding never wins and the window returns "
    "the maximum of its real cells. Padding with zeros would make every border output 0 — "
    "a maximum that is not in the input.",
    hint="What value does max pooling pad with?",
)

# %% tags=["nbval-check-output"]
neg = -np.arange(1.0, 10.0).reshape(1, 3, 3)  # all negative
print("input:\n", neg[0])
print("max_pool2d(k=2, s=1, padding=1), padding −∞:\n", max_pool2d(neg, 2, 1, padding=1)[0])
zero_padded = convlab.pad(neg, (1, 1, 1, 1))  # what zero padding would do
print("zero-pad first, then pool — wrong, zeros win:\n", max_pool2d(zero_padded, 2, 1)[0])

# %% [markdown]
# **Average pooling pads with 0**, and the question is what to divide by. With
# `count_include_pad=True` (the default, and Caffe's behaviour) the divisor is the window
# size: the padding zeros count as cells. With `False` only the real input cells count.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "avg_pool2d(kernel_size=3, stride=2, padding=1) on a 6×6 input of ones, "
    "count_include_pad=True (the default). What is the top-left output? (3 decimals)",
    4 / 9,
    tolerance=0.001,
    explain="The corner window holds 4 real ones and 5 padding zeros, and the divisor is the "
    "window size 9: 4/9 ≈ 0.444. With count_include_pad=False the divisor is the 4 real "
    "cells, and the output is 1.",
    hint="Count the real cells in the corner window, then divide by what?",
)

# %% [markdown]
# One more subtlety: even with `True`, a ceil-mode window that hangs past the padding is
# *clipped* to the padded input first, so its divisor is smaller than $k^2$. On a
# $6 \times 6$ input of ones, $3 \times 3$ windows, stride 2, padding 1,
# `ceil_mode=True`, the output *is* real cells ÷ divisor (`divisor_override=1` gives the
# plain sums):

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
# `max_pool2d(..., return_indices=True)` also returns **where** each maximum came from,
# as PyTorch does: the flat position `row * W + col` in that channel's unpadded
# $H \times W$ plane (ties go to the first maximum in the window). `max_unpool2d` puts
# each maximum back there, zeros elsewhere: SegNet's decoder uses it, and it is max
# pooling's gradient routing (lesson 7).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "In the 6×6 input of section 1, the window at output (1, 1) has its maximum 9 at row 2, "
    "column 2. What index does return_indices report for it?",
    14,
    explain="row · W + col = 2 · 6 + 2 = 14: a position in the whole 6×6 plane, not in the "
    "2×2 window (that would be 0).",
    hint="The index is flat over the input plane, row-major.",
)

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
# Unpooling must rebuild a plane of the size that was pooled. By default `max_unpool2d`
# assumes $(o - 1)s - 2p + k$ per dim, the smallest input that pools to $o$ (for $p = 0$,
# $(o - 1)s + k$).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "A 5×5 input is max-pooled with k = s = 2 to 2×2, with return_indices. "
    "What does max_unpool2d(values, indices, 2) do, without output_size?",
    [
        "rebuilds the 5×5 plane",
        "rebuilds a 4×4 plane, and the indices do not fit it",
        "rebuilds a 6×6 plane with a row and column of zeros",
    ],
    1,
    explain="The default size is (2 − 1)·2 − 0 + 2 = 4. The indices count in rows of 5 "
    "(the plane that was pooled), so one of them, 17, does not exist in a 4×4 plane: "
    "convlab refuses, as PyTorch does. Pass output_size=(5, 5).",
    hint="Floor mode dropped row 4; can unpooling know it was there?",
)

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

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.cells(
    "Adaptive pooling of a length-5 row to 3 outputs. Click the positions that the middle "
    "window (i = 1) covers.",
    5,
    [1, 2, 3],
    explain="⌊1·5/3⌋ = 1 and ⌈2·5/3⌉ = 4: the window is [1, 4), positions 1, 2, 3. The "
    "windows [0, 2), [1, 4), [3, 5) overlap and differ in length: 5 does not split evenly "
    "into 3.",
    hint="Start ⌊i·n/o⌋, end ⌈(i + 1)·n/o⌉, end excluded.",
)

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
# why a modern CNN (ResNet, MobileNet…) accepts images of any size: the feature maps
# follow the input's size, global pooling squeezes each channel to one number, and the
# classifier always receives $C$ values. A flatten-then-dense head is tied to one size:

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
# Move the input by one pixel. A convolution's output moves with it (*equivariance*).
# After max pooling, a strong response that stays inside its window gives exactly the
# same output, so pooled maps change less. But with stride $s > 1$ a one-pixel shift is
# not a shift of the pooled grid, so the invariance is only approximate. Below, the
# positive part of a vertical-edge map of the photo, and the same map one pixel to the
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

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "The table below measures the relative change ‖f(x) − f(x′)‖ / ‖f(x)‖ after the one-pixel "
    "shift. Which f changes least?",
    [
        "no pooling (the edge map itself)",
        "max_pool2d(k=2)",
        "max_pool2d(k=8)",
        "global average pooling",
    ],
    3,
    explain="Global average pooling: a one-pixel shift only moves a column in and a column "
    "out of the mean. Bigger windows change less than small ones, and no pooling changes "
    "most: every edge moves.",
    hint="Which one forgets positions altogether?",
)

# %% [markdown]
# The relative change and the share of output values that did not change at all:


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
# by a multiple of the stride is exact equivariance (the pooled map just shifts); any
# other shift is not.

# %% [markdown] tags=["going-further"]
# ### Going further: anti-aliased pooling
#
# Because a one-pixel shift is not a shift of a strided grid, CNNs with strided pooling
# are less shift-invariant than often claimed: Azulay and Weiss (2019) show small
# translations flipping the predictions of trained ImageNet networks. Zhang's
# "anti-aliased" pooling (2019) blurs before subsampling — max with stride 1, a small
# blur, then the stride — as signal processing would before downsampling.

# %% [markdown]
# ## Common mistakes
#
# - **Max pooling padded with zeros.** PyTorch pads max pooling with $-\infty$: padding
#   never wins. Zero-padding first invents maxima of 0. Spot it: pool an all-negative
#   input with padding; a 0 at the border is the bug (section 5).
# - **"`Conv2d` has `ceil_mode`."** Only the pooling layers have it; a convolution always
#   floors. To keep a convolution's last partial window, pad. Spot it:
#   `nn.Conv2d(..., ceil_mode=True)` raises a `TypeError`.
# - **Pooling's stride taken as 1.** `nn.MaxPool2d(3)` has stride 3, not 1: pooling's
#   stride defaults to the window, a convolution's to 1. Spot it: the output is a third
#   of the size you expected.
# - **`count_include_pad=False` assumed.** The default is `True`: border averages are
#   pulled towards 0. Spot it: average-pool an input of ones with padding; the border
#   shows values below 1.
# - **Unpooling into the default size.** Floor mode may have dropped rows; pass
#   `output_size` to `max_unpool2d` (section 6).

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
# Then **Design and debug** (4 points): `adaptive_windows`, `avg_pool_backward`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
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
