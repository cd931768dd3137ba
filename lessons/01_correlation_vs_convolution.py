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
# # Lesson 1 · Cross-correlation vs convolution
#
# Every CNN is built from one operation: slide a small grid of weights (the *kernel*) over
# an image, and at each position multiply and add up. PyTorch calls it `conv2d`; a
# mathematician would call it **cross-correlation**, because true convolution turns the
# kernel around first. This lesson separates the two exactly, shows why deep learning can
# ignore the difference, and puts the operation to work on a photo.
#
# **Learning objectives.** After this lesson you can
#
# - compute one output of a sliding window by hand, and count the outputs;
# - write both definitions, as sums and as integrals, and say where the flip is;
# - turn a correlation into a convolution by rotating the kernel 180°, and predict what
#   that does to a given kernel (nothing to a blur, a sign change to Sobel);
# - show that convolution commutes and correlation does not, and say why frameworks
#   compute cross-correlation and still call it convolution;
# - read Sobel and Laplacian feature maps of a photo;
# - compute a convolution through the FFT, with the zero-padding right.
#
# A **Checkpoint** asks you to predict before the next cell shows the answer.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import timeit
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import kernels, plot, quiz, reference, widgets
from convlab.images import photo

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1 · The sliding window
#
# A 5×5 input, a 3×3 kernel, and the output value at row 1, column 1, computed the way
# `convlab.conv2d` (and `torch.nn.functional.conv2d`) computes it. The orange frame is the
# kernel's footprint; the small orange `×w` in each cell is the weight that cell is
# multiplied by; the sum is written underneath.

# %%
x = np.arange(1.0, 26.0).reshape(5, 5)
w = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])
plot.conv_step(x, w, 1, 1);

# %% [markdown]
# The kernel lies on the input **as it is**: its top-left weight 1 meets the top-left cell
# of the window (7), its bottom-right −1 meets the bottom-right cell (19), and the output
# is $1 \cdot 7 + 2 \cdot 8 + 1 \cdot 13 - 1 \cdot 19 = 17$. The whole output is built the
# same way: the window moves one column right, jumps back to the left at the end of a
# row, and only its contents change. The kernel is the same at every position (*weight
# sharing*: 9 weights, however large the image).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "A 4×4 input and a 2×2 kernel, no padding. How many output values does the window make?",
    9,
    hint="Count where the window's left edge can start in one row, then square it.",
    explain="The 2×2 window fits at 3 positions along each axis (starting at column 0, 1 "
    "or 2), so the output is 3×3 = 9 values. Per side, n − k + 1 = 4 − 2 + 1 = 3.",
)

# %% [markdown]
# Press ▶ to watch the window visit all positions; the output fills in as it moves.

# %% tags=["nbval-ignore-output"]
plot.animate(np.arange(1.0, 17.0).reshape(4, 4), np.array([[1.0, 2.0], [0.0, -1.0]]))

# %% [markdown]
# ### Play
#
# Drag the sliders: the line above the picture is the output size with your numbers in
# it ($n - k + 1$ per side while padding is 0, stride and dilation 1; lessons 2 and 4 add
# the rest). Press **play** to run the window over every position.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer(n=7, k=3, padding=0).set_goal(
    "With padding 0 and stride 1, make the 7×7 input give a 4×4 output",
    lambda s: s["n"] == 7 and s["padding"] == 0 and s["stride"] == 1 and s["out"] == (4, 4),
)

# %% [markdown]
# ## 2 · Convolution turns the kernel around
#
# A mathematician's convolution, written $x * w$, **rotates the kernel by 180°** before
# laying it down. Cross-correlation, $x \star w$, does not. Same input, same position:

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "Same input, same position (1, 1), but the kernel rotated by 180° first (a true "
    "convolution). What is the output value?",
    61,
    hint="Rotated, the −1 sits at the top-left of the kernel and the row 0 2 1 at the bottom.",
    explain="Rotated, the kernel reads [[−1, 0, 0], [0, 1, 0], [0, 2, 1]], so the sum is "
    "−1·7 + 1·13 + 2·18 + 1·19 = 61 instead of 17. The footprint is the same; what changes "
    "is which weight meets which pixel.",
)

# %%
plot.conv_step(x, w, 1, 1, convolution=True);

# %% [markdown]
# As sums, keeping the outputs where the kernel fits inside the image (*valid* mode,
# output $(H - k_h + 1) \times (W - k_w + 1)$):
#
# $$(x \star w)[i, j] = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} x[i + a,\ j + b]\; w[a, b]$$
#
# $$(x * w)[i, j] = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} x[i + a,\ j + b]\;
#   w[k_h - 1 - a,\ k_w - 1 - b]$$
#
# Reading $w[k_h - 1 - a, k_w - 1 - b]$ reverses the rows **and** the columns: a rotation
# by 180°, in NumPy `w[::-1, ::-1]` (also `np.flip(w)` and `np.rot90(w, 2)`). It is
# **not** the transpose `w.T`, which mirrors across the diagonal. So each operation is
# the other with a rotated kernel:
#
# $$x * w = x \star \mathrm{rot180}(w), \qquad x \star w = x * \mathrm{rot180}(w) .$$
#
# `convlab.reference` writes the sums as plain loops; they must agree with the fast
# `convlab.correlate2d` / `convolve2d` and with the layer `convlab.conv2d`, which wants
# `(N, C, H, W)` arrays (hence the `[None, None]`).

# %% tags=["nbval-check-output"]
corr_loops = reference.correlate2d_reference(x, w)
conv_loops = reference.convolve2d_reference(x, w)
layer = convlab.conv2d(x[None, None], w[None, None])[0, 0]  # (N, C, H, W) in and out
rot180 = w[::-1, ::-1]

print("cross-correlation, by the definition:\n", corr_loops)
print("convolution, by the definition:\n", conv_loops)
print("conv2d == cross-correlation:", np.allclose(layer, corr_loops))
print("conv2d == convolution:      ", np.allclose(layer, conv_loops))
print("correlate2d == definition:", np.allclose(convlab.correlate2d(x, w, "valid"), corr_loops))
print("convolve2d  == definition:", np.allclose(convlab.convolve2d(x, w, "valid"), conv_loops))
print("rot180(w) == w.T:", np.array_equal(rot180, w.T))
print(
    "conv2d(x, rot180(w)) == convolution:",
    np.allclose(convlab.conv2d(x[None, None], rot180[None, None])[0, 0], conv_loops),
)

# %% [markdown]
# `conv2d` is the cross-correlation: 17 at $[1, 1]$, and 61 for the true convolution.
# Hand it two plain 2-D arrays and it says what it needs:

# %% tags=["raises-exception"]
convlab.conv2d(x, w)

# %% [markdown]
# ### The impulse test
#
# Feed in an image that is 0 except for a single 1. Every output is a weighted sum of the
# pixels under the window, so the output shows the kernel, but which way round?

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "An image that is 0 except for a single 1 goes through conv2d with the kernel w "
    "(padding 1 keeps the size). What appears around the 1?",
    ["w, as it is", "w rotated by 180°", "w transposed (w.T)", "one number: the sum of w"],
    1,
    hint="Which weight does the window just above-left of the 1 read it with?",
    explain="The output just above-left of the 1 reads it through the bottom-right weight "
    "w[2, 2]; the output just below-right reads it through the top-left weight w[0, 0]. So "
    "the kernel appears backwards, rot180(w). A true convolution stamps w itself, which is "
    "why signal processing calls the kernel the impulse response.",
)

# %%
delta = np.zeros((5, 5))
delta[2, 2] = 1.0
fig, axes = plt.subplots(1, 4, figsize=(9.6, 2.9), width_ratios=[5, 3, 5, 5])  # equal cells
plot.grid(delta, axes[0], title="impulse")
plot.grid(w, axes[1], title="kernel w", palette="kernel")
plot.grid(
    convlab.conv2d(delta[None, None], w[None, None], padding=1)[0, 0],
    axes[2],
    title="conv2d: rot180(w)",
)
plot.grid(convlab.convolve2d(delta, w, mode="same"), axes[3], title="convolve2d: w")
fig.subplots_adjust(left=0.03, right=0.99, wspace=0.35, top=0.8, bottom=0.05);

# %% [markdown]
# The rotation does not matter when the kernel **is its own rotation**: box blurs,
# Gaussians and the Laplacian. Sobel kernels are *antisymmetric*.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "rot180(sobel_x) = −sobel_x. What does a true convolution with sobel_x do to the edge "
    "map that conv2d makes?",
    ["nothing", "negates every value (red and blue swap)", "transposes it", "mirrors it"],
    1,
    explain="Convolution is correlation with rot180(sobel_x) = −sobel_x, and the sum is "
    "linear in the kernel, so every output changes sign. The edges are found in the same "
    "places with the same strength; only the signs swap.",
)

# %% tags=["nbval-check-output"]
for name, k in kernels.classic().items():
    r = k[::-1, ::-1]
    verdict = (
        "rot180(k) ==  k"
        if np.allclose(r, k)
        else "rot180(k) == -k"
        if np.allclose(r, -k)
        else "neither"
    )
    print(f"{name:10s} {verdict}")

# %% [markdown]
# ## 3 · The definitions in 1-D, and as integrals
#
# In 1-D the sums read
#
# $$(x * w)[i] = \sum_{t} x[i - t]\, w[t], \qquad (x \star w)[i] = \sum_{t} x[i + t]\, w[t] .$$
#
# An impulse shows the flip again: convolution copies the kernel the right way round,
# correlation backwards. `np.convolve` is a true convolution and agrees with
# `convlab.convolve`.

# %% tags=["nbval-check-output"]
impulse = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
w1 = np.array([1.0, 2.0, 3.0])
print("convolve(impulse, w)  :", convlab.convolve(impulse, w1, mode="same"))
print("correlate(impulse, w) :", convlab.correlate(impulse, w1, mode="same"))
print(
    "np.convolve agrees    :", np.allclose(convlab.convolve(impulse, w1), np.convolve(impulse, w1))
)

# %% [markdown]
# For a signal $x(s)$ and a kernel $w(s)$ on the real line, the sums become integrals:
#
# $$(x * w)(t) = \int_{-\infty}^{\infty} x(s)\, w(t - s)\, ds, \qquad
#   (x \star w)(t) = \int_{-\infty}^{\infty} x(s)\, w(s - t)\, ds .$$
#
# Below, a box $x$ and a lopsided ramp $w$ (lopsided on purpose: a symmetric kernel would
# hide the flip). Each panel is one value of $t$: the orange curve is the kernel as the
# integral reads it, the shaded area is the integral, and the bottom panel collects the
# areas. Convolution mirrors the ramp (its tall edge at $s = t$); correlation keeps it.

# %%
plot.flip_and_slide(convolution=True);

# %%
plot.flip_and_slide(convolution=False);

# %% [markdown] tags=["going-further"]
# ### Going further: the integrals by hand, and whose argument slides
#
# For the box and the ramp, $(x * w)(t) = t - t^2/2$ on $[0, 1]$ and $(2 - t)^2/2$ on
# $[1, 2]$, so the peak is $\tfrac12$ at $t = 1$, as drawn (the pictures use sums over
# samples 0.005 apart, so the areas agree to about 0.005). The correlation's curve is the
# convolution's mirrored only because the box is symmetric.
#
# Signal-processing books often write the cross-correlation of $f$ and $g$ as
# $\int \overline{f(s)}\, g(s + t)\, ds$, with the *first* argument as the template. For
# real signals that is our $(g \star f)(t)$. Since swapping the arguments of a correlation
# mirrors its output (section 4), typing such a formula in as `correlate(f, g)` gives its
# result backwards. This course follows `scipy.signal.correlate(x, w)` and PyTorch: the
# image first, the kernel second, and the kernel is what slides.

# %% [markdown]
# ## 4 · Convolution commutes, correlation does not
#
# Substitute $u = i - t$ in the convolution: $\sum_t x[i - t]\, w[t] = \sum_u x[u]\,
# w[i - u]$, so $x * w = w * x$ (in full mode, every position where the two overlap). The
# same substitution in the correlation, $u = i + t$, gives
# $(x \star w)[i] = (w \star x)[-i]$.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "correlate([1, 2, 3], [0, 1, 0.5]) in full mode is [0.5, 2, 3.5, 3, 0]. What is "
    "correlate([0, 1, 0.5], [1, 2, 3])?",
    [
        "[0.5, 2, 3.5, 3, 0], the same",
        "[0, 3, 3.5, 2, 0.5], mirrored",
        "[−0.5, −2, −3.5, −3, 0], negated",
    ],
    1,
    explain="(x ⋆ w)[i] = (w ⋆ x)[−i]: swapping the arguments of a correlation mirrors its "
    "output. A convolution would give the same answer both ways.",
)

# %% tags=["nbval-check-output"]
a = np.array([1.0, 2.0, 3.0])
b = np.array([0.0, 1.0, 0.5])
print("convolve(a, b) :", convlab.convolve(a, b))
print("convolve(b, a) :", convlab.convolve(b, a))
print("correlate(a, b):", convlab.correlate(a, b))
print("correlate(b, a):", convlab.correlate(b, a), "  <- the mirror image")

X = rng.integers(0, 10, (6, 6)).astype(float)
K = rng.integers(-3, 4, (3, 3)).astype(float)
print(
    "2-D, convolve2d(X, K) == convolve2d(K, X):  ",
    np.allclose(convlab.convolve2d(X, K), convlab.convolve2d(K, X)),
)
print(
    "2-D, correlate2d(K, X) == rot180 of correlate2d(X, K):",
    np.allclose(convlab.correlate2d(K, X), convlab.correlate2d(X, K)[::-1, ::-1]),
)

# %% [markdown] tags=["going-further"]
# ### Going further: associativity, or two layers as one
#
# Convolution is also **associative**: $(x * f) * g = x * (f * g)$. So two stacked
# convolution layers with no nonlinearity in between are one layer with a bigger kernel
# (two 3×3 layers make one 5×5: the receptive-field story of lesson 4). With correlation
# layers, which is what a CNN stacks, the merged kernel is the **convolution** $f * g$ of
# the two kernels, not their correlation: one more place where the flip shows up.

# %% tags=["nbval-check-output"]
img = rng.random((9, 9))
f, g = rng.random((3, 3)), rng.random((3, 3))
two_layers = convlab.correlate2d(convlab.correlate2d(img, f, mode="valid"), g, mode="valid")
merged = convlab.convolve2d(f, g)  # full mode: 5×5
print("merged kernel shape:", merged.shape)
print(
    "two 3×3 correlations == one with convolve2d(f, g): ",
    np.allclose(two_layers, convlab.correlate2d(img, merged, mode="valid")),
)
print(
    "two 3×3 correlations == one with correlate2d(f, g):",
    np.allclose(two_layers, convlab.correlate2d(img, convlab.correlate2d(f, g), mode="valid")),
)

# %% [markdown]
# ## 5 · Why frameworks compute cross-correlation and call it convolution
#
# The PyTorch documentation of `Conv2d` says the output is
# $\text{bias} + \sum_k \text{weight}_k \star \text{input}_k$, "where $\star$ is the valid
# 2D cross-correlation operator"; TensorFlow's `tf.nn.conv2d` writes the same sum with no
# flip. Goodfellow, Bengio and Courville (*Deep Learning*, §9.1): "many machine learning
# libraries implement cross-correlation but call it convolution".
#
# It costs a network nothing, because the kernel is **learned**. Try it: the targets below
# are made by a true convolution with $w$, and we fit the 9 weights of a cross-correlation
# by least squares (each row of `unfold` is one 3×3 window of the image).

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "The targets are made by a TRUE convolution with w. What does the least-squares fit of "
    "a cross-correlation kernel find?",
    ["w", "rot180(w)", "w.T", "no exact fit: a blurred w"],
    1,
    explain="x * w = x ⋆ rot180(w) exactly, so the correlation kernel rot180(w) reproduces "
    "every target and least squares finds it. Whatever true convolution a task needs, a "
    "correlation layer learns its rotated kernel: the flip is absorbed into the weights.",
)

# %% tags=["nbval-check-output"]
image = rng.random((12, 12))
target = convlab.convolve2d(image, w, mode="valid")  # produced by a TRUE convolution
patches = convlab.unfold(image[None, None], 3)[0].T  # (100 windows, 9 pixels each)
learned, *_ = np.linalg.lstsq(patches, target.ravel())
learned = learned.reshape(3, 3).round(10) + 0.0  # + 0.0 turns -0.0 into 0.0
print("learned correlation kernel:\n", learned)
print("== rot180(w):", np.allclose(learned, rot180))

# %% [markdown]
# **The flip matters** whenever a kernel crosses from one convention to the other:
#
# - a kernel from a text that defines it for true convolution, used in `conv2d` (a Sobel
#   changes sign);
# - weights moved between a library that convolves (`scipy.signal.convolve2d`,
#   `scipy.ndimage.convolve`, MATLAB's `conv2`) and one that correlates (every deep
#   learning framework, `scipy.ndimage.correlate`, OpenCV's `filter2D`);
# - backpropagation (lesson 7): the gradient of a correlation layer with respect to its
#   input is a *full convolution* with the same kernel.
#
# ## 6 · Edge filters on a real photo, and feature maps
#
# The classic hand-made kernels, applied with `conv2d` to Grace Hopper's portrait. Red is
# positive, blue negative, white zero; each kernel is inset bottom-left.

# %%
face = photo(size=150)
edge_kernels = {
    "sobel_x": kernels.sobel_x(),
    "sobel_y": kernels.sobel_y(),
    "laplacian": kernels.laplacian(),
}
plot.feature_maps(edge_kernels, face, ncols=4, panel=1.8);

# %% [markdown]
# - **sobel_x** $= [1, 2, 1]^\top [-1, 0, 1]$: right minus left, smoothed vertically. It
#   answers *vertical* edges: red where the photo gets brighter to the right.
# - **sobel_y**, its transpose, lights up *horizontal* edges: the cap's brim, the collar.
# - **laplacian**: $x_{\uparrow} + x_{\downarrow} + x_{\leftarrow} + x_{\rightarrow} - 4x$.
#   Its weights sum to 0, so flat regions give 0, and every edge shows as a thin red/blue
#   double line.
#
# A true convolution with Sobel swaps the colours; the edge *strength*
# $\sqrt{g_x^2 + g_y^2}$ stays the same:

# %%
gx = convlab.conv2d(face[None, None], kernels.sobel_x()[None, None], padding=1)[0, 0]
gy = convlab.conv2d(face[None, None], kernels.sobel_y()[None, None], padding=1)[0, 0]
gx_conv = convlab.convolve2d(face, kernels.sobel_x(), mode="same")
print("convolve2d(face, sobel_x) == -conv2d(face, sobel_x):", np.allclose(gx_conv, -gx))

m = np.percentile(np.abs(gx), 99)  # the same colour scale as sobel_x above
strength = np.hypot(gx, gy)
fig, axes = plt.subplots(1, 2, figsize=(5.6, 3.3))
axes[0].imshow(gx_conv, cmap="RdBu_r", vmin=-m, vmax=m, interpolation="nearest")
axes[0].set_title("convolve2d(face, sobel_x)", fontsize=10)
axes[1].imshow(
    strength, cmap="gray_r", vmin=0, vmax=np.percentile(strength, 99), interpolation="nearest"
)
axes[1].set_title("edge strength √(gx² + gy²)", fontsize=10)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout();

# %% [markdown]
# Each of those images is a **feature map**: the output of one kernel at every position.
# Its value at $[i, j]$ is a dot product,
# $\langle \text{patch}_{ij}, w \rangle = \|\text{patch}_{ij}\|\, \|w\| \cos\theta_{ij}$,
# large where the patch *looks like the kernel*. Because the same kernel is used
# everywhere, a pattern is found wherever it is, and the map shifts when the image shifts
# (*translation equivariance*). A layer with several kernels stacks their maps as output
# channels.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.shape(
    "The three kernels above, stacked as a weight of shape (3, 1, 3, 3), go through conv2d "
    "with padding 1 on the photo as a (1, 1, 150, 128) array. What is the output's shape?",
    (1, 3, 150, 128),
    hint="One output channel per kernel; padding 1 with a 3×3 kernel keeps the size.",
    explain="(N, C_out, H, W) = (1, 3, 150, 128): one image, one feature map per kernel, "
    "and 150 + 2 − 3 + 1 = 150 rows, 128 + 2 − 3 + 1 = 128 columns.",
)

# %% tags=["nbval-check-output"]
weight = np.stack(list(edge_kernels.values()))[:, None]  # (C_out=3, C_in=1, 3, 3)
maps = convlab.conv2d(face[None, None], weight, padding=1)  # (N=1, C_out=3, H, W)
print("photo:", face.shape, " weight:", weight.shape, " feature maps:", maps.shape)
print("channel 0 is the sobel_x map:", np.allclose(maps[0, 0], gx))

# %% [markdown]
# ### Play with the kernel
#
# Pick a preset or type nine numbers. A kernel whose weights sum to 1 keeps the
# brightness (box, gaussian, sharpen); one that sums to 0 finds edges. The challenge: make
# `conv2d` compute a **true convolution** with `sobel_y`.

# %% tags=["nbval-ignore-output"]
widgets.kernel_playground().set_goal(
    "Type the kernel that makes conv2d compute a true convolution with sobel_y",
    lambda s: np.allclose(s["kernel"], kernels.sobel_y()[::-1, ::-1]),
)

# %% [markdown]
# ## 7 · The convolution theorem: convolution is multiplication in frequency
#
# The Fourier transform turns convolution into a pointwise product:
#
# $$\mathcal{F}\{x * w\} = \mathcal{F}\{x\} \cdot \mathcal{F}\{w\}, \qquad
#   \mathcal{F}\{x \star w\} = \mathcal{F}\{x\} \cdot \overline{\mathcal{F}\{w\}}
#   \ \ (\text{real } w).$$
#
# For sampled signals the discrete Fourier transform (DFT) has one catch: the product of
# two length-$N$ DFTs is the **circular** convolution, where whatever falls off the end
# wraps around to the start. To get the ordinary convolution, zero-pad both signals to at
# least the full output length first.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.number(
    "a has 4 samples, b has 3. What is the shortest DFT length N for which the FFT "
    "product gives the full convolution with nothing wrapped around?",
    6,
    hint="How many values does the full convolution of a and b have?",
    explain="The full convolution has n + k − 1 = 4 + 3 − 1 = 6 values, so N ≥ 6. With "
    "N = 4 the last two values wrap around and are added onto the first two.",
)

# %% tags=["nbval-check-output"]
a = np.array([1.0, 2.0, 3.0, 4.0])
b = np.array([1.0, 1.0, 1.0])
n_full = len(a) + len(b) - 1
linear = np.fft.irfft(np.fft.rfft(a, n_full) * np.fft.rfft(b, n_full), n_full)
circular = np.fft.irfft(np.fft.rfft(a) * np.fft.rfft(b, len(a)), len(a))
print("convolve(a, b)           :", convlab.convolve(a, b, method="direct"))
print("FFT product, padded to 6 :", linear.round(10) + 0.0)
print("FFT product, no padding  :", circular.round(10) + 0.0, " <- the tail 7, 4 wrapped onto 1, 3")

# %% [markdown]
# `convlab.convolve` computes either way: `method="direct"` sums shifted copies (one per
# kernel tap), `method="fft"` goes through the frequency domain. In 2-D, on the photo with
# a 15×15 Gaussian blur, the two and an explicit `np.fft` product agree to rounding:

# %% tags=["nbval-check-output"]
blur = kernels.gaussian(15, 3.0)
direct = convlab.convolve(face, blur, method="direct")
via_fft = convlab.convolve(face, blur, method="fft")
# pad to the full size n + k - 1 per axis, so nothing wraps around
shape = [n + k - 1 for n, k in zip(face.shape, blur.shape, strict=True)]
by_hand = np.fft.irfft2(np.fft.rfft2(face, shape) * np.fft.rfft2(blur, shape), shape)
print("output shape:", direct.shape)
print("direct == fft:      ", np.allclose(direct, via_fft, atol=1e-12, rtol=0))
print("direct == np.fft:   ", np.allclose(direct, by_hand, atol=1e-12, rtol=0))

# %% [markdown]
# **When does the FFT win?** The direct sum costs $k^2$ multiply-adds per output pixel.
# The FFT route costs three transforms of the padded image, almost independent of $k$.

# %% tags=["checkpoint", "nbval-ignore-output"]
quiz.choice(
    "On a 256×256 image, for which kernel is the FFT route more likely to be faster "
    "than the direct sum?",
    ["3×3", "31×31", "both: the FFT always wins", "neither: the direct sum always wins"],
    1,
    explain="The direct sum grows with k² (9 against 961 multiply-adds per pixel) while "
    "the FFT's cost barely changes with k. Small kernels favour the direct sum, large ones "
    "the FFT; the timings below (of whatever machine runs them) show where they cross.",
)

# %% tags=["nbval-ignore-output"]
# live timings of whatever machine runs this cell
big = rng.random((256, 256))
print(" kernel   direct ms   fft ms   faster")
for k in (3, 5, 9, 15, 31):
    kern = rng.random((k, k))
    direct_run = partial(convlab.convolve, big, kern, method="direct")
    fft_run = partial(convlab.convolve, big, kern, method="fft")
    t_direct = 1e3 * min(timeit.repeat(direct_run, number=1, repeat=3))  # best of 3, in ms
    t_fft = 1e3 * min(timeit.repeat(fft_run, number=1, repeat=3))
    print(
        f"{k:3d}×{k:<3d} {t_direct:10.1f} {t_fft:8.1f}   {'direct' if t_direct < t_fft else 'fft'}"
    )

# %% [markdown] tags=["going-further"]
# ### Going further: what frameworks do with the FFT
#
# For an $n \times n$ image the direct sum costs $\approx n^2 k^2$ multiply-adds; the FFT
# route $\approx c\, N^2 \log N^2$ with $N = n + k - 1$. The crossover is a handful of
# taps per side. CNN layers mostly use 3×3 and 1×1 kernels on many channels, where the
# direct sum (or im2col followed by a matrix multiply, or Winograd's trick) is faster, and
# strides would waste most of an FFT's work. So convlab's `conv2d` never takes the FFT
# route, and PyTorch's CPU convolution rarely does (NNPACK's automatic algorithm choice
# can pick FFT tiles); GPU libraries such as cuDNN keep FFT-based algorithms among their
# choices, for large kernels. `convlab.convolve(..., method="auto")`, like
# `scipy.signal.convolve`, estimates both costs and picks the cheaper one.

# %% [markdown]
# ## Common mistakes
#
# - **"`conv2d` is a convolution, so it flips the kernel."** It does not; it is a
#   cross-correlation. *Spot it:* the impulse test. Feed a single 1: `conv2d` stamps
#   `rot180(w)`, a true convolution stamps `w`.
# - **"Flipping the kernel" done with `w.T`.** The flip is a 180° rotation,
#   `w[::-1, ::-1]`. *Spot it:* on a kernel that is not symmetric,
#   `np.array_equal(w[::-1, ::-1], w.T)` is `False`.
# - **A kernel copied across conventions without rotating it.** A Sobel from
#   `scipy.signal.convolve2d` or MATLAB's `conv2` used in `conv2d`. *Spot it:* the edge map
#   comes out with red and blue swapped.
# - **The arguments of a correlation swapped.** Signal-processing texts often put the
#   template first. *Spot it:* the output comes out mirrored.
# - **FFT convolution without zero-padding.** *Spot it:* the first $k - 1$ outputs differ
#   from `np.convolve`, because the tail wrapped around onto them.
# - **Plain 2-D arrays given to a layer.** `conv2d` wants `(N, C, H, W)` and a weight
#   `(C_out, C_in, kH, kW)`. *Spot it:* the error message asks for the missing axes; add
#   them with `[None, None]`.

# %% [markdown]
# ## Exercises
#
# Open **[exercises/01_correlation_vs_convolution.ipynb](../exercises/01_correlation_vs_convolution.ipynb)** and write three functions, in
# NumPy only; each cell ends with a `check(...)` that tests it on the spot:
#
# - `corr2d(x, k)`: valid cross-correlation with loops, `check("01.corr2d")` (2 points);
# - `conv2d_true(x, k)`: valid true convolution, `check("01.conv2d_true")` (2 points);
# - `conv2d_full(x, k)`: full convolution, the commutative one, `check("01.conv2d_full")`
#   (3 points).
#
# Then **Design and debug** (5 points): `fft_conv2d`, `conv2d_im2col`.

# %% [markdown] tags=["going-further"]
# ### Going further: reading
#
# - Goodfellow, Bengio, Courville, *Deep Learning* (2016), §9.1 "The convolution
#   operation": the definitions, and why libraries implement cross-correlation.
# - The PyTorch documentation of
#   [`torch.nn.Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html):
#   the formula with $\star$, the cross-correlation operator.
# - Mathieu, Henaff, LeCun, "Fast Training of Convolutional Networks through FFTs" (2013),
#   and Lavin, Gray, "Fast Algorithms for Convolutional Neural Networks" (2015,
#   Winograd): how the convolution theorem and its cousins speed up CNN layers.

# %% [markdown]
# ---
# **Next:** [Lesson 2 · Padding, stride and output size](02_padding_stride.ipynb) · back to the [course home](../START_HERE.ipynb)
