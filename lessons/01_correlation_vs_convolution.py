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
# an image, and at each position multiply and add up. PyTorch calls it `conv2d`,
# TensorFlow `conv2d`, the papers "convolution". A mathematician would call it
# **cross-correlation**: true convolution turns the kernel around first. This lesson
# separates the two, exactly, shows why deep learning can ignore the difference
# (and when it must not), and then puts the operation to work: edge detection on a real
# photo, feature maps, and the convolution theorem that lets the FFT do the same job.
#
# **Learning objectives.** After this lesson you can
#
# - write both definitions, continuous (an integral) and discrete (a sum), and say where
#   the flip is;
# - turn a correlation into a convolution and back by rotating the kernel 180°, and
#   predict what that does to a given kernel (nothing to a blur, a sign change to Sobel);
# - show that convolution commutes and correlation does not, and explain why frameworks
#   compute cross-correlation and still call it convolution;
# - compute a feature map by hand at any position, and read Sobel and Laplacian feature
#   maps of a photo;
# - compute a convolution through the FFT, get the zero-padding right, and say when the
#   FFT is the faster way.

# %%
# %matplotlib inline
# errors show as one short line (the message), not a long traceback
# %xmode Minimal
import timeit
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

import convlab
from convlab import kernels, plot, reference, widgets
from convlab.images import photo

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1 · The picture first
#
# A 5×5 input, a 3×3 kernel, and the output value at row 1, column 1, computed the way
# `convlab.conv2d` (and `torch.nn.functional.conv2d`) computes it. The orange frame is the
# kernel's footprint on the input; the small orange `×w` in each cell is the weight that
# cell is multiplied by; the sum is written out underneath.

# %%
x = np.arange(1.0, 26.0).reshape(5, 5)
w = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]])
plot.conv_step(x, w, 1, 1);

# %% [markdown]
# The kernel lies on the input **as it is**: its top-left weight 1 meets the top-left cell
# of the window (7), its bottom-right −1 meets the bottom-right cell (19). That is
# cross-correlation, written $x \star w$.
#
# Now the same position as a mathematician's convolution, $x * w$: the kernel is **rotated
# by 180°** before it is laid down, so its bottom-right −1 now meets the top-left cell 7,
# and its top-left 1 meets 19. Same input, same kernel, different numbers.

# %%
plot.conv_step(x, w, 1, 1, convolution=True);

# %% [markdown]
# Both are called "convolution" somewhere. The rest of this lesson is about which is
# which, why deep learning gets away with either, and where the flip still bites.
#
# ## 2 · The definitions
#
# ### 2.1 Continuous: an integral
#
# Take a signal $x(s)$ and a kernel $w(s)$, here a box and a lopsided ramp (lopsided on
# purpose: a symmetric kernel would hide the flip). **Convolution** reads the kernel
# *backwards* from the point $t$: it flips $w$, slides it to $t$, multiplies by $x$ and
# takes the area under the product:
#
# $$(x * w)(t) = \int_{-\infty}^{\infty} x(s)\, w(t - s)\, ds .$$
#
# In the picture, each panel is one value of $t$: the orange curve is $w(t - s)$ as a
# function of $s$ (the ramp, mirrored, with its tall edge at $s = t$), the shaded area is
# $\int x(s)\,w(t-s)\,ds$, and the bottom panel collects those areas for every $t$.

# %%
plot.flip_and_slide(convolution=True);

# %% [markdown]
# **Cross-correlation** slides the kernel without flipping it:
#
# $$(x \star w)(t) = \int_{-\infty}^{\infty} x(s)\, w(s - t)\, ds
#   = \int_{-\infty}^{\infty} x(t + u)\, w(u)\, du .$$
#
# The ramp now keeps its orientation (tall edge on the left) and the output is a
# different curve: it peaks at $t = 0$, where the ramp sits exactly on the box. (Here it
# happens to be the convolution's curve mirrored, because the box is symmetric; for a
# lopsided $x$ the two curves differ in shape too.)

# %%
plot.flip_and_slide(convolution=False);

# %% [markdown]
# For the box and the ramp you can do the integrals by hand: $(x * w)(t) = t - t^2/2$ on
# $[0, 1]$ and $(2 - t)^2/2$ on $[1, 2]$, so the peak is $\tfrac12$ at $t = 1$, as drawn
# (the pictures use sums over samples 0.005 apart, so the areas agree to about 0.005).
#
# > **Conventions differ.** Signal-processing books often write the cross-correlation of
# > $f$ and $g$ as $\int \overline{f(s)}\, g(s + t)\, ds$, with the *first* argument as
# > the template. For real signals that is our $(g \star f)(t)$: same idea, roles swapped.
# > Since swapping the arguments of a correlation mirrors its output (section 4), typing
# > such a formula in as `correlate(f, g)` gives its result backwards. This course follows
# > `scipy.signal.correlate(x, w)` and PyTorch: the image first, the kernel second, and
# > the kernel is what slides.
#
# ### 2.2 Discrete, in 1-D: a sum
#
# Replace the integral by a sum over integer positions:
#
# $$(x * w)[i] = \sum_{t} x[i - t]\, w[t], \qquad (x \star w)[i] = \sum_{t} x[i + t]\, w[t] .$$
#
# The cleanest way to see the difference is to feed in an **impulse**, a single 1.
# Convolution copies the kernel into the output the right way round (that is why signal
# processing calls the kernel the *impulse response*); correlation copies it backwards.
# `np.convolve` is a true convolution and agrees with `convlab.convolve`.

# %% tags=["nbval-check-output"]
impulse = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
w1 = np.array([1.0, 2.0, 3.0])
print("convolve(impulse, w)  :", convlab.convolve(impulse, w1, mode="same"))
print("correlate(impulse, w) :", convlab.correlate(impulse, w1, mode="same"))
print(
    "np.convolve agrees    :", np.allclose(convlab.convolve(impulse, w1), np.convolve(impulse, w1))
)

# %% [markdown]
# ### 2.3 Discrete, in 2-D: the one CNNs use
#
# For an image $x$ of size $H \times W$ and a kernel $w$ of size $k_h \times k_w$, keep the
# outputs where the kernel fits entirely inside the image (*valid* mode, output
# $(H - k_h + 1) \times (W - k_w + 1)$) and index them from the first complete overlap:
#
# $$(x \star w)[i, j] = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} x[i + a,\ j + b]\; w[a, b]$$
#
# $$(x * w)[i, j] = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} x[i + a,\ j + b]\;
#   w[k_h - 1 - a,\ k_w - 1 - b]$$
#
# The second line is the 2-D version of $\sum_t x[i - t]\,w[t]$: substitute
# $t = k - 1 - a$ in each axis (the shift by $k - 1$ only re-indexes the output so that
# both start at the first complete overlap). So the only difference is **which weight
# meets which pixel**: $w[a, b]$, or $w$ read from the opposite corner.
#
# `convlab.reference` writes these sums as plain loops, the way you would on a
# blackboard. They must agree with the fast, vectorised `convlab.correlate2d` /
# `convolve2d` (scipy's signal view) and with `convlab.conv2d` (PyTorch's layer, which
# wants `(N, C, H, W)` arrays: hence the `[None, None]`).

# %% tags=["nbval-check-output"]
corr_loops = reference.correlate2d_reference(x, w)
conv_loops = reference.convolve2d_reference(x, w)
layer = convlab.conv2d(x[None, None], w[None, None])[0, 0]  # (N, C, H, W) in and out

print("cross-correlation, by the definition:\n", corr_loops)
print("convolution, by the definition:\n", conv_loops)
print(
    "correlate2d == definition:", np.allclose(convlab.correlate2d(x, w, mode="valid"), corr_loops)
)
print("convolve2d  == definition:", np.allclose(convlab.convolve2d(x, w, mode="valid"), conv_loops))
print("conv2d      == cross-correlation:", np.allclose(layer, corr_loops))
print("conv2d      == convolution:      ", np.allclose(layer, conv_loops))

# %% [markdown]
# `conv2d` is the cross-correlation. The output value 17 at $[1, 1]$ and 61 for the true
# convolution are the two numbers from the pictures in section 1.
#
# `conv2d` is a *layer*: it wants channels and a batch. Hand it two plain 2-D arrays and
# it says what it needs:

# %% tags=["raises-exception"]
convlab.conv2d(x, w)

# %% [markdown]
# ## 3 · Flipping is a 180° rotation
#
# Reading $w[k_h - 1 - a, k_w - 1 - b]$ instead of $w[a, b]$ reverses the rows **and** the
# columns: a rotation by 180°, written $\mathrm{rot180}(w)$. In NumPy it is
# `w[::-1, ::-1]`, which is also `np.flip(w)` and `np.rot90(w, 2)`. It is **not** the
# transpose: `w.T` mirrors across the diagonal and keeps the diagonal in place.

# %% tags=["nbval-check-output"]
rot180 = w[::-1, ::-1]
print("w:\n", w)
print("rot180(w) = w[::-1, ::-1]:\n", rot180)
print(
    "same as np.flip(w) and np.rot90(w, 2):",
    np.array_equal(rot180, np.flip(w)),
    np.array_equal(rot180, np.rot90(w, 2)),
)
print("same as w.T:", np.array_equal(rot180, w.T))

# %% [markdown]
# Since the only difference is the rotation, each operation is the other one with a
# rotated kernel:
#
# $$x * w = x \star \mathrm{rot180}(w), \qquad x \star w = x * \mathrm{rot180}(w) .$$
#
# So PyTorch's `conv2d` computes a true convolution as soon as you hand it the rotated
# kernel:

# %% tags=["nbval-check-output"]
true_conv = convlab.conv2d(x[None, None], rot180[None, None])[0, 0]
print(true_conv)
print("conv2d(x, rot180(w)) == convolution:", np.allclose(true_conv, conv_loops))
print(
    "convolve2d(x, rot180(w)) == conv2d(x, w):",
    np.allclose(convlab.convolve2d(x, rot180, mode="valid"), layer),
)

# %% [markdown]
# The impulse test, in 2-D: an image that is 0 except for a single 1. Convolution stamps
# the kernel as it is; `conv2d` (cross-correlation) stamps it **upside down**, rotated
# 180°. (`padding=1` keeps the 5×5 size; lesson 2 is about padding.)

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
# When does the rotation not matter? When the kernel **is its own rotation**. Box blurs,
# Gaussians and the Laplacian are symmetric under 180° rotation, so for them correlation
# and convolution are the same thing. Sobel kernels are *antisymmetric*:
# $\mathrm{rot180}(\text{sobel}_x) = -\text{sobel}_x$, so convolving with Sobel gives the
# correlation's edge map with every sign flipped. Emboss is neither.

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
# ## 4 · Convolution commutes, correlation does not
#
# In full mode (every position where the two overlap at all) convolution does not care
# which argument you call the image and which the kernel. Substitute $u = i - t$:
#
# $$(x * w)[i] = \sum_t x[i - t]\, w[t] = \sum_u x[u]\, w[i - u] = (w * x)[i] .$$
#
# Correlation has $x[i + t]$ instead; the same substitution gives $u = i + t$ and
# $(x \star w)[i] = \sum_u x[u]\, w[u - i] = (w \star x)[-i]$: swapping the arguments
# **mirrors** the output.

# %% tags=["nbval-check-output"]
a = np.array([1.0, 2.0, 3.0, 4.0])
b = np.array([1.0, 0.0, -1.0])
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
    "2-D, correlate2d(X, K) == correlate2d(K, X):",
    np.allclose(convlab.correlate2d(X, K), convlab.correlate2d(K, X)),
)
print(
    "2-D, correlate2d(K, X) == rot180 of correlate2d(X, K):",
    np.allclose(convlab.correlate2d(K, X), convlab.correlate2d(X, K)[::-1, ::-1]),
)

# %% [markdown]
# Convolution is also **associative**: $(x * f) * g = x * (f * g)$. For a network this
# means two stacked convolution layers with no nonlinearity in between are one layer with
# a bigger kernel (two 3×3 layers = one 5×5, the receptive-field story of lesson 4).
# With correlation layers, which is what a CNN stacks, the merged kernel is the
# **convolution** $f * g$ of the two kernels, not their correlation: one more place where
# the flip quietly shows up.

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
# The PyTorch documentation of `Conv2d` says it plainly: the output is
# $\text{bias} + \sum_k \text{weight}_k \star \text{input}_k$, "where $\star$ is the valid
# 2D cross-correlation operator". TensorFlow's `tf.nn.conv2d` writes out the same sum with
# `input[..., i + di, j + dj, ...] * filter[di, dj, ...]`: no flip. Goodfellow, Bengio and
# Courville (*Deep Learning*, §9.1): "many machine learning libraries implement
# cross-correlation but call it convolution".
#
# It makes no difference to what a network can learn. The kernel is a parameter: if the
# best filter for the task is $v$ under true convolution, training a correlation layer
# simply finds $\mathrm{rot180}(v)$ instead. **The flip is absorbed into the weights.**
# Skipping it keeps the indexing simple (window $[i:i+k, j:j+k]$ times the kernel as
# stored), and the kernel you look at is the pattern it responds to, the right way up
# (section 7).
#
# Here is "training" in its simplest, exact form: least squares. The target is produced by
# a true convolution with $w$; we fit the 9 weights of a cross-correlation (each row of
# `unfold` is one 3×3 window of the image, the patches a correlation layer dots with its
# kernel). The fit recovers $\mathrm{rot180}(w)$, exactly:

# %% tags=["nbval-check-output"]
image = rng.random((12, 12))
target = convlab.convolve2d(image, w, mode="valid")  # produced by a TRUE convolution
patches = convlab.unfold(image[None, None], 3)[0].T  # (100 windows, 9 pixels each)
learned, *_ = np.linalg.lstsq(patches, target.ravel())
learned = learned.reshape(3, 3).round(10) + 0.0  # + 0.0 turns -0.0 into 0.0
print("learned correlation kernel:\n", learned)
print("== rot180(w):", np.allclose(learned, rot180))
print(
    "and it reproduces the target:",
    np.allclose(convlab.conv2d(image[None, None], learned[None, None])[0, 0], target),
)

# %% [markdown]
# **When the flip does matter.** Whenever a kernel crosses from one convention to the
# other it must be rotated by 180°:
#
# - a hand-designed kernel from a textbook that defines it for true convolution, used in
#   `conv2d` (for symmetric kernels nothing happens; a Sobel changes sign);
# - weights moved between a library that convolves (`scipy.signal.convolve2d`,
#   `scipy.ndimage.convolve`, MATLAB's `conv2`) and one that correlates (every DL
#   framework, `scipy.ndimage.correlate`, OpenCV's `filter2D`, MATLAB's `imfilter` by
#   default);
# - backpropagation (lesson 7): the gradient of a correlation layer with respect to its
#   input is a *full convolution* of the output gradient with the same kernel, so the
#   flip a framework skipped on the way forward appears on the way back.
#
# ## 6 · The sliding window, step by step
#
# Section 1 showed one output value. The whole output is built the same way, one cell at
# a time, row by row: the window moves one column to the right (stride 1), jumps back to
# the left at the end of a row, and only its contents change. The kernel is the same at
# every position (*weight sharing*: 9 weights, however large the image).
#
# Press ▶ to watch all nine steps of a 4×4 input and a 2×2 kernel (a 3×3 output); the
# output fills in as the window moves. `plot.animate(..., mode="convolution")` plays the
# flipped version.

# %% tags=["nbval-ignore-output"]
plot.animate(np.arange(1.0, 17.0).reshape(4, 4), np.array([[1.0, 2.0], [0.0, -1.0]]))

# %% [markdown]
# ### Explore
#
# Drag the sliders. Things to try:
#
# - **input size n** (the first slider): the output grows and shrinks with it,
#   $n + 2p - k + 1$ wide at stride 1 (the formula line above the picture shows it);
# - press **play** to run the window over every output position;
# - switch to **convolution (flipped)**: the footprint stays where it is but the orange
#   `×w` labels turn around, and the numbers change;
# - set **kernel size k** to 1: now correlation and convolution agree (a 1×1 kernel is
#   its own rotation). Padding, stride and dilation are lessons 2 and 4.

# %% tags=["nbval-ignore-output"]
widgets.conv_explorer()

# %% [markdown]
# ## 7 · Edge filters on a real photo, and feature maps
#
# The classic hand-made kernels, applied with `conv2d` (so: cross-correlation) to Grace
# Hopper's portrait. Red is positive, blue negative, white zero; each kernel is inset
# bottom-left, the value range is written below.

# %%
face = photo(size=150)
edge_kernels = {
    "sobel_x": kernels.sobel_x(),
    "sobel_y": kernels.sobel_y(),
    "laplacian": kernels.laplacian(),
}
plot.feature_maps(edge_kernels, face, ncols=4, panel=1.8);

# %% [markdown]
# - **sobel_x** $= [1, 2, 1]^\top [-1, 0, 1]$: a horizontal derivative (right minus left),
#   smoothed vertically. It answers *vertical* edges: red where the photo gets brighter to
#   the right, blue where it gets darker. Look at the two sides of the face.
# - **sobel_y**, its transpose: brighter downwards is red. It lights up *horizontal*
#   edges: the cap's brim, the glasses, the collar.
# - **laplacian**: a second derivative, $x_{\uparrow} + x_{\downarrow} + x_{\leftarrow} +
#   x_{\rightarrow} - 4x$. Its weights sum to 0, so flat regions (and smooth ramps) give 0;
#   every edge shows up as a thin red/blue double line, one on each side.
#
# The thin blue line down the right edge of the sobel_x map is not in the photo:
# `feature_maps` keeps the size with zero padding, and the step from the photo down to the
# black padding is an edge too (lesson 2's reflect and replicate padding avoid it).
#
# Convolution with Sobel instead of correlation negates the map (section 3), so the
# colours swap while the *strength* of the edges, $\sqrt{g_x^2 + g_y^2}$, stays the same:

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
# ### What a feature map is
#
# Each of those images is a **feature map** (also *activation map*): the output of one
# kernel at every position of the input. Its value at $[i, j]$ is a dot product,
#
# $$y[i, j] = \langle \text{patch}_{ij},\ w \rangle
#   = \|\text{patch}_{ij}\|\, \|w\| \cos\theta_{ij},$$
#
# large when the patch around $[i, j]$ *looks like the kernel* (small angle $\theta$).
# So a feature map answers "where in the image is this pattern?", and with
# cross-correlation the kernel you look at is the pattern it finds, the right way up.
# Because the same kernel is used everywhere, a pattern is detected wherever it is, and
# the map shifts when the image shifts (*translation equivariance*).
#
# A convolution layer has many kernels, one per output channel, and stacks their feature
# maps: three kernels make a three-channel output (lesson 3 adds input channels).
# A CNN **learns** its kernels, and the first layer of a trained network ends up with
# look-alikes of these edge detectors.

# %% tags=["nbval-check-output"]
weight = np.stack(list(edge_kernels.values()))[:, None]  # (C_out=3, C_in=1, 3, 3)
maps = convlab.conv2d(face[None, None], weight, padding=1)  # (N=1, C_out=3, H, W)
print("photo:", face.shape, " weight:", weight.shape, " feature maps:", maps.shape)
print("channel 0 is the sobel_x map:", np.allclose(maps[0, 0], gx))

# %% [markdown]
# ### Play with the kernel
#
# Pick a preset or type your own nine numbers. Try: `sobel_x`, then type its rotation
# (the negated numbers) and watch red and blue swap; a kernel whose weights sum to 1
# keeps the brightness (box, gaussian, sharpen), one that sums to 0 finds edges;
# `emboss` is the one classic kernel that is neither symmetric nor antisymmetric.

# %% tags=["nbval-ignore-output"]
widgets.kernel_playground()

# %% [markdown]
# ## 8 · The convolution theorem: convolution is multiplication in frequency
#
# The Fourier transform turns convolution into a pointwise product:
#
# $$\mathcal{F}\{x * w\} = \mathcal{F}\{x\} \cdot \mathcal{F}\{w\}, \qquad
#   \mathcal{F}\{x \star w\} = \mathcal{F}\{x\} \cdot \overline{\mathcal{F}\{w\}}
#   \ \ (\text{real } w).$$
#
# For sampled signals the discrete Fourier transform (DFT) has one catch: the product of
# two length-$N$ DFTs is the **circular** convolution, where whatever falls off the end
# wraps around to the start. To get the ordinary (linear) convolution, zero-pad both
# signals to $N \ge n + k - 1$, the full output length, first:

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
# `convlab.convolve` can compute either way: `method="direct"` sums shifted copies (one
# per kernel tap), `method="fft"` goes through the frequency domain (padded to a length
# the FFT likes). In 2-D, on the photo with a 15×15 Gaussian blur, the two and an
# explicit `np.fft` product agree to rounding (about $10^{-15}$):

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
sobel = kernels.sobel_x()
print(
    "correlation by FFT = convolution with rot180:",
    np.allclose(
        convlab.convolve(face, sobel[::-1, ::-1], method="fft"),
        convlab.correlate(face, sobel, method="direct"),
    ),
)

# %% [markdown]
# **When does the FFT win?** The direct sum costs about $k^2$ multiply-adds per output
# pixel, $\approx n^2 k^2$ for an $n \times n$ image. The FFT route costs three transforms
# of the padded size, $\approx c\, N^2 \log N^2$ with $N = n + k - 1$, almost independent
# of $k$. So the FFT wins for **large kernels** and loses for small ones. The timings
# below are measured on the machine that ran this notebook (yours will differ; the
# crossover, a handful of taps per side, is what to remember):

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

# %% [markdown]
# CNN layers mostly use 3×3 and 1×1 kernels on many channels, where the direct sum
# (or im2col followed by a matrix multiply, or Winograd's trick) is faster, and strides
# would waste most of an FFT's work. That is why convlab's `conv2d`, like PyTorch's on
# the CPU, never takes the FFT route; GPU libraries such as cuDNN keep FFT-based
# algorithms among their choices, for large kernels.
# `convlab.convolve(..., method="auto")`, like `scipy.signal.convolve`, estimates both
# costs and picks the cheaper one.
#
# ## Check yourself
#
# **Q1.** `correlate([1, 2, 3], [0, 1, 0.5])` in full mode is `[0.5, 2, 3.5, 3, 0]`.
# Without computing anything else, what is `correlate([0, 1, 0.5], [1, 2, 3])`?
#
# <details><summary>Answer</summary>
#
# Swapping the arguments of a correlation mirrors the output: `[0, 3, 3.5, 2, 0.5]`.
# (A convolution would give the same answer both ways.)
#
# </details>

# %% [markdown]
# **Q2.** You have a 3×3 kernel from a paper that defines it for true convolution. What do
# you pass to `conv2d` to get the paper's result, and for which kernels can you skip that
# step?
#
# <details><summary>Answer</summary>
#
# `w[::-1, ::-1]`, the kernel rotated by 180°. For kernels equal to their own rotation
# (box, Gaussian, Laplacian: any kernel with `np.allclose(w, w[::-1, ::-1])`) nothing
# changes. For an antisymmetric one like Sobel, skipping it negates the output.
#
# </details>

# %% [markdown]
# **Q3.** `conv2d` of an image that is all zeros except a single 1 (with enough padding)
# returns what, for a kernel $w$? And `convolve2d`?
#
# <details><summary>Answer</summary>
#
# `conv2d` (cross-correlation) returns $\mathrm{rot180}(w)$ around the position of the
# 1; `convolve2d` returns $w$ itself: convolution's output for an impulse is its kernel,
# the *impulse response*.
#
# </details>

# %% [markdown]
# **Q4.** Why can PyTorch skip the flip without losing anything a network can learn?
#
# <details><summary>Answer</summary>
#
# The kernel is learned. Any function $x \mapsto x * v$ equals
# $x \mapsto x \star \mathrm{rot180}(v)$, so a correlation layer can represent exactly the
# same maps; training just finds the rotated weights (section 5's least-squares fit found
# $\mathrm{rot180}(w)$ exactly).
#
# </details>

# %% [markdown]
# **Q5.** To convolve a 1000-sample signal with a 200-tap filter through the FFT, how long
# must the transforms be, at least, and what goes wrong with length 1000?
#
# <details><summary>Answer</summary>
#
# $N \ge 1000 + 200 - 1 = 1199$ (in practice the next fast length, e.g. 1200). With
# $N = 1000$ the product of the DFTs is the *circular* convolution: the last 199 outputs
# wrap around and are added onto the first 199.
#
# </details>

# %% [markdown]
# **Q6.** A 512×512 image, a 3×3 kernel: FFT or direct? And with a 41×41 kernel?
#
# <details><summary>Answer</summary>
#
# 3×3: direct, 9 multiply-adds per pixel beat three transforms of size 514×514.
# 41×41: the FFT, since the direct sum now costs 1681 multiply-adds per pixel while the
# FFT's cost barely grows with the kernel.
#
# </details>

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
# ## Going further
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
