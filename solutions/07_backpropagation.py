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
# # Exercises 07 · Backpropagation through convolution
#
# Companion to [Lesson 7 · Backpropagation through convolution](../lessons/07_backpropagation.ipynb). Three functions (9 points), then two to design and debug (5 points): 14 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`. The forward pass is PyTorch's conv2d
# (cross-correlation) with zero padding and no dilation: `grad_out` is the gradient of the
# loss with respect to its output.

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# A helper you may use: stride, padding or kernel size given as an int or a pair.


# %%
def pair(v):
    """(v, v) for an int, the pair itself otherwise."""
    return (v, v) if isinstance(v, int) else tuple(v)


# %% [markdown]
# ## 1 · Max pooling backward (2 points)
#
# Max pooling passes each output gradient to the one input pixel that won its window
# (the *routing*); every other pixel gets 0. `indices` are PyTorch's: per $(n, c)$ plane,
# the flat position `row * W + col` of each maximum. When windows overlap, one pixel can
# win several windows: its gradients **add up**.


# %%
# EXERCISE: 07.max_pool2d_backward (2 points)
def max_pool2d_backward(grad_out, indices, input_shape):
    """Gradient of max_pool2d with respect to its input.

    Parameters
    ----------
    grad_out : ndarray, shape (N, C, oh, ow)
    indices : int ndarray, shape (N, C, oh, ow), flat positions in [0, H*W)
    input_shape : (N, C, H, W)

    Returns
    -------
    ndarray of shape input_shape, dtype of grad_out
    """
    ### BEGIN SOLUTION
    n, c, h, w = input_shape
    grad = np.zeros((n * c, h * w), dtype=grad_out.dtype)
    planes = np.arange(n * c)[:, None]
    np.add.at(grad, (planes, indices.reshape(n * c, -1)), grad_out.reshape(n * c, -1))
    return grad.reshape(input_shape)
    ### END SOLUTION


check("07.max_pool2d_backward")

# %% [markdown]
# ## 2 · The weight gradient (3 points)
#
# Weight $w[o, c, u, v]$ multiplies $x_p[n, c, i s + u, j s + v]$ in every output
# $(n, o, i, j)$, so its gradient sums those products, weighted by the output gradients:
#
# $$\frac{\partial L}{\partial w[o, c, u, v]} = \sum_{n, i, j} g[n, o, i, j]\;
# x_p[n,\ c,\ i s + u,\ j s + v] .$$
#
# It is a correlation of the padded input with `grad_out` (no flip), summed over the
# batch. One loop over the kernel taps is enough.


# %%
# EXERCISE: 07.conv2d_grad_weight (3 points)
def conv2d_grad_weight(x, grad_out, kernel_size, stride=1, padding=0):
    """Gradient of conv2d with respect to its weight.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W), the forward input
    grad_out : ndarray, shape (N, O, oh, ow)
    kernel_size, stride, padding : int or (int, int)

    Returns
    -------
    ndarray, shape (O, C, kh, kw)
    """
    ### BEGIN SOLUTION
    (kh, kw), (sh, sw), (ph, pw) = pair(kernel_size), pair(stride), pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = grad_out.shape[2:]
    grad = np.zeros((grad_out.shape[1], x.shape[1], kh, kw), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            tap = xp[:, :, u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw]
            grad[:, :, u, v] = np.einsum("nohw,nchw->oc", grad_out, tap)
    return grad
    ### END SOLUTION


check("07.conv2d_grad_weight")

# %% [markdown]
# ## 3 · The input gradient (4 points)
#
# Each output $(n, o, i, j)$ read the window of $x_p$ at $(i s, j s)$, weighted by
# $w[o]$; backward, it *scatters* $g[n, o, i, j]\, w[o]$ back onto that window:
#
# $$\frac{\partial L}{\partial x_p[n, c, i s + u, j s + v]} \mathrel{+}=
# \sum_o g[n, o, i, j]\; w[o, c, u, v],$$
#
# which is a transposed convolution of `grad_out` (equivalently, a full convolution with
# the flipped kernel). Crop the padding at the end. Rows that no window read (when
# $(H + 2p - k_h) \bmod s \neq 0$) get zero gradient: the result always has the input's
# shape.


# %%
# EXERCISE: 07.conv2d_grad_input (4 points)
def conv2d_grad_input(grad_out, w, input_shape, stride=1, padding=0):
    """Gradient of conv2d with respect to its input.

    Parameters
    ----------
    grad_out : ndarray, shape (N, O, oh, ow)
    w : ndarray, shape (O, C, kh, kw)
    input_shape : (N, C, H, W)
    stride, padding : int or (int, int)

    Returns
    -------
    ndarray of shape input_shape
    """
    ### BEGIN SOLUTION
    n, c, h, wd = input_shape
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    kh, kw = w.shape[2:]
    oh, ow = grad_out.shape[2:]
    grad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=grad_out.dtype)
    for u in range(kh):
        for v in range(kw):
            tap = (
                slice(None),
                slice(None),
                slice(u, u + sh * (oh - 1) + 1, sh),
                slice(v, v + sw * (ow - 1) + 1, sw),
            )
            grad[tap] += np.einsum("nohw,oc->nchw", grad_out, w[:, :, u, v])
    return grad[:, :, ph : ph + h, pw : pw + wd]
    ### END SOLUTION


check("07.conv2d_grad_input")

# %% [markdown]
# # Design and debug
#
# ## 4 · Write a gradient check (2 points)
#
# Before trusting a backward pass, compare it with central differences. Here the function
# is a dense layer seen through a random projection $r$ (the trick that checks a whole
# Jacobian with one scalar):
#
# $$S(x) = \sum_{i, j} r_{ij} \tanh\big((x w)_{ij}\big),$$
#
# and `analytic` is someone's formula for $\partial S / \partial x$, perhaps wrong. For every
# entry of $x$, take the central difference
# $n = \big(S(x + \epsilon e) - S(x - \epsilon e)\big) / 2\epsilon$ and the relative error
# $|a - n| / \max(|a|, |n|, 10^{-12})$. Return `(max_rel_error, index)`, the index of the
# worst entry as a tuple. A right gradient scores below $10^{-6}$.


# %%
# EXERCISE: 07.gradient_check (2 points)
def gradient_check(x, w, r, analytic, eps=1e-4):
    """(largest relative error, its index) of `analytic` against central differences of S."""

    ### BEGIN SOLUTION
    def loss(x):
        return np.sum(r * np.tanh(x @ w))

    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):  # one entry at a time: two calls of S each
        step = np.zeros_like(x)
        step[index] = eps
        numeric[index] = (loss(x + step) - loss(x - step)) / (2 * eps)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), 1e-12)
    error = np.abs(analytic - numeric) / scale
    worst = np.unravel_index(np.argmax(error), error.shape)
    return float(error[worst]), tuple(int(i) for i in worst)
    ### END SOLUTION


check("07.gradient_check")

# %% [markdown]
# ## 5 · Assemble and train (3 points)
#
# Put the pieces together: a small CNN in NumPy, trained on the 8×8 digits that ship with
# convlab (`x_train` is $(1438, 1, 8, 8)$ in $[0, 1]$, `y_train` the labels 0–9). Return
# the predicted label of every test image; the grader scores them against the held-out
# labels and gives the points for a test accuracy of at least **0.90**.
#
# - Layers: a $3 \times 3$ conv (a few filters, padding 1; copy your `conv2d_im2col` from
#   exercise set 01 into this notebook: one product per batch), ReLU, $2 \times 2$ max
#   pooling, a linear layer to 10 scores.
# - Backward: the routing of max pooling and the conv's weight gradient from above;
#   softmax cross-entropy's gradient is `softmax(z) - onehot(y)`, over the batch size.
# - Train: standardise the inputs, mini-batches of 32, SGD with momentum, a few epochs.
# - **Deterministic**: draw every random number from `np.random.default_rng(seed)`, so the
#   grader's run is yours. **Fast**: about a second here. The grader trains it twice (seed
#   0, as `check` does, and a hidden seed) within its time limit per exercise (10 s by
#   default, `convlab grade --timeout`).
#
# No `convlab`, `torch` or `sklearn` inside the function: the network is yours.

# %%
from convlab.data import load_digits

digits = load_digits()
digits.x_train.shape, digits.x_test.shape


# %%
# EXERCISE: 07.train_digits (3 points)
def train_digits(x_train, y_train, x_test, seed):
    """Train a small CNN on (x_train, y_train); return the predicted labels of x_test."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std  # float32 throughout
    c, k = 8, 3  # 8 filters 3×3, padding 1: 8×8 -> 8×8, pooled to 4×4
    w1 = rng.normal(0, np.sqrt(2 / 9), (c, k * k)).astype(np.float32)
    w2 = rng.normal(0, np.sqrt(1 / (c * 16)), (16 * c, 10)).astype(np.float32)
    b1, b2 = np.zeros(c, np.float32), np.zeros(10, np.float32)

    def forward(x):
        xp = np.pad(x[:, 0], ((0, 0), (1, 1), (1, 1)))
        cols = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(1, 2))
        cols = cols.reshape(len(x), 64, k * k)  # im2col: one row per output pixel
        z = cols @ w1.T + b1  # (N, 64, c): the conv as one matrix product
        a = np.maximum(z, 0).reshape(len(x), 4, 2, 4, 2, c)
        pooled = a.max(axis=(2, 4))  # 2×2 max pooling: (N, 4, 4, c)
        return cols, z, a, pooled, pooled.reshape(len(x), -1) @ w2 + b2

    params = [w1, b1, w2, b2]
    velocity = [np.zeros_like(p) for p in params]
    for _epoch in range(3):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            x, y = x_train[batch], y_train[batch]
            cols, z, a, pooled, scores = forward(x)
            prob = np.exp(scores - scores.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
            prob[np.arange(len(y)), y] -= 1
            g = prob / len(y)  # dL/dscores of the mean cross-entropy
            g_pooled = (g @ w2.T).reshape(pooled.shape)
            winners = a == pooled[:, :, None, :, None, :]  # max pooling routes to the max
            g_z = (winners * g_pooled[:, :, None, :, None, :]).reshape(z.shape) * (z > 0)
            grads = [
                np.einsum("npc,npk->ck", g_z, cols),
                g_z.sum(axis=(0, 1)),
                pooled.reshape(len(x), -1).T @ g,
                g.sum(axis=0),
            ]
            for p, grad, v in zip(params, grads, velocity, strict=True):
                v *= 0.9
                v += grad
                p -= 0.1 * v
    return forward(x_test)[-1].argmax(axis=1)
    ### END SOLUTION


check("07.train_digits")
