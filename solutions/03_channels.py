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
# # Exercises 03 · Channels
#
# Companion to [Lesson 3 · Channels](../lessons/03_channels.ipynb). Three functions (7 points), then two to design and debug (4 points): 11 points.
#
# **How it works.** Write each function where it says `# YOUR CODE HERE`, run its cell:
# the `check("…")` at the end tests it on small public cases and shows ✅, or ❌ with the
# smallest failing case, expected vs got and a hint. The grader runs the same checks on
# hidden, larger inputs.
#
# **Rules.** NumPy only: inside your functions, no `convlab`, `torch`, `scipy.signal`,
# `scipy.ndimage`, `np.convolve` or `np.correlate`. Layouts are PyTorch's: input
# `(N, C, H, W)`, weight `(C_out, C_in, kh, kw)`, bias `(C_out,)`.

# %%
import numpy as np

from convlab.grading import check

# %% [markdown]
# ## 1 · Counting parameters (1 point)
#
# A standard $k \times k$ convolution from $c_{in}$ to $c_{out}$ channels has
# $c_{out} \cdot c_{in} \cdot k^2$ weights plus $c_{out}$ biases. A *depthwise-separable*
# convolution replaces it by two layers: a depthwise $k \times k$ convolution (one filter
# per input channel, `groups=c_in`: $c_{in} k^2$ weights, $c_{in}$ biases) and a pointwise
# $1 \times 1$ convolution ($c_{out} c_{in}$ weights, $c_{out}$ biases). Return both
# counts; `bias=False` means no bias in any layer.


# %%
# EXERCISE: 03.param_counts (1 point)
def param_counts(c_in, c_out, k, bias=True):
    """Learnable parameters of a k×k convolution and of its depthwise-separable version.

    Returns
    -------
    (int, int)
        ``(standard, separable)``.
    """
    ### BEGIN SOLUTION
    b = 1 if bias else 0
    standard = c_out * c_in * k * k + b * c_out
    depthwise = c_in * k * k + b * c_in
    pointwise = c_out * c_in + b * c_out
    return standard, depthwise + pointwise
    ### END SOLUTION


check("03.param_counts")

# %% [markdown]
# ## 2 · The 1×1 convolution (2 points)
#
# With a $1 \times 1$ kernel, a convolution mixes channels pixel by pixel: a matrix product
# over the channel axis,
#
# $$\mathrm{out}[n, o, i, j] = \sum_c w[o, c, 0, 0]\; x[n, c, i, j] + b[o].$$
#
# Write it without loops (`np.einsum` or `np.tensordot`). `b` may be `None`.


# %%
# EXERCISE: 03.conv1x1 (2 points)
def conv1x1(x, w, b):
    """1×1 convolution.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (O, C, 1, 1)
    b : ndarray of shape (O,), or None

    Returns
    -------
    ndarray, shape (N, O, H, W)
    """
    ### BEGIN SOLUTION
    out = np.einsum("oc,nchw->nohw", w[:, :, 0, 0], x)
    if b is not None:
        out = out + b[None, :, None, None]
    return out
    ### END SOLUTION


check("03.conv1x1")

# %% [markdown]
# ## 3 · A vectorised multi-channel conv2d (4 points, 1 of them for speed)
#
# The full `conv2d` of PyTorch (without groups):
#
# $$\mathrm{out}[n, o, i, j] = b[o] + \sum_{c, u, v} w[o, c, u, v]\;
# x_p[n,\ c,\ i s_h + u d_h,\ j s_w + v d_w],$$
#
# with $x_p$ the zero-padded input and output size
# $\lfloor (H + 2p_h - d_h(k_h - 1) - 1)/s_h \rfloor + 1$ (same for the width).
# `stride`, `padding` and `dilation` are an int or a pair; keep the input's dtype.
#
# **No Python loops over pixels.** A loop over the $k_h k_w$ kernel taps is fine: each tap
# $(u, v)$ reads one strided slice of $x_p$ for all outputs at once. The grader times your
# function on a 1×4×64×64 input: within 20× of a vectorised baseline earns the speed point.


# %%
# EXERCISE: 03.conv2d_multi (4 points)
def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
    """Multi-channel, multi-filter 2-D convolution (cross-correlation), like torch's conv2d.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    w : ndarray, shape (O, C, kh, kw)
    b : ndarray of shape (O,), or None
    stride, padding, dilation : int or (int, int)

    Returns
    -------
    ndarray, shape (N, O, oh, ow), dtype of x
    """
    ### BEGIN SOLUTION
    (sh, sw), (ph, pw), (dh, dw) = (
        (v, v) if isinstance(v, int) else tuple(v) for v in (stride, padding, dilation)
    )
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    o, _, kh, kw = w.shape
    oh = (xp.shape[2] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[3] - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((o, x.shape[0], oh, ow), dtype=x.dtype)  # (O, N, oh, ow): tensordot's order
    for u in range(kh):
        rows = slice(u * dh, u * dh + sh * (oh - 1) + 1, sh)
        for v in range(kw):
            cols = slice(v * dw, v * dw + sw * (ow - 1) + 1, sw)
            out += np.tensordot(w[:, :, u, v], xp[:, :, rows, cols], axes=([1], [1]))
    if b is not None:
        out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3)
    ### END SOLUTION


check("03.conv2d_multi")

# %% [markdown]
# # Design and debug
#
# ## 4 · Read a network: parameters and MACs (2 points)
#
# A network is a list of layer specs (dicts, as a model summary prints them), applied to
# one sample of shape $(C, H, W)$:
#
# ```python
# {"type": "conv2d", "out_channels": 16, "kernel_size": 3,   # stride 1, padding 0,
#  "stride": 1, "padding": 1, "groups": 1, "bias": True}      # groups 1, bias True by default
# {"type": "maxpool2d", "kernel_size": 2, "stride": 2}        # also "avgpool2d"; stride
#                                                             # defaults to kernel_size
# {"type": "relu"}
# {"type": "flatten"}                                         # (C, H, W) -> (C·H·W,)
# {"type": "linear", "out_features": 10, "bias": True}        # on a flat input
# ```
#
# Return the total number of learnable parameters and of multiply-accumulates (MACs) of
# one forward pass, as `(params, macs)`. A conv with $O$ filters over $C$ channels in
# $g$ groups has $O \cdot (C/g) \cdot k^2$ weights and does that many MACs **per output
# pixel**; pooling and ReLU have no parameters (count no MACs for them). These are the
# specs `convlab.summary` reads, so you can compare with it outside the function.


# %%
# EXERCISE: 03.count_params_macs (2 points)
def count_params_macs(layers, input_shape):
    """Parameters and multiply-accumulates of a stack of layer specs on one (C, H, W) sample.

    Parameters
    ----------
    layers : list of dict
    input_shape : (C, H, W)

    Returns
    -------
    (int, int)
        (parameters, MACs)
    """
    ### BEGIN SOLUTION
    c, h, w = input_shape
    params = macs = 0
    for layer in layers:
        kind = layer["type"]
        if kind == "conv2d":
            o, k = layer["out_channels"], layer["kernel_size"]
            s, p = layer.get("stride", 1), layer.get("padding", 0)
            g = layer.get("groups", 1)
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            weights = o * (c // g) * k * k
            params += weights + (o if layer.get("bias", True) else 0)
            macs += weights * h * w
            c = o
        elif kind in ("maxpool2d", "avgpool2d"):
            k = layer["kernel_size"]
            s = layer.get("stride") or k
            h, w = (h - k) // s + 1, (w - k) // s + 1
        elif kind == "flatten":
            c, h, w = c * h * w, 1, 1
        elif kind == "linear":
            n_in, o = c * h * w, layer["out_features"]
            params += n_in * o + (o if layer.get("bias", True) else 0)
            macs += n_in * o
            c, h, w = o, 1, 1
    return params, macs
    ### END SOLUTION


check("03.count_params_macs")

# %% [markdown]
# ## 5 · Design: a separable block within a budget (2 points)
#
# Replace a $k \times k$ convolution from `c_in` to `c_out` channels by a
# depthwise-separable block that has at most `budget` parameters: a depthwise conv
# (`groups = c_in`, kernel $k$, `out_channels` a multiple of `c_in`) followed by a pointwise
# $1 \times 1$ conv (`groups = 1`) to `c_out` channels. Return the two conv specs (in the
# format above), or `None` if no such block fits. Any design within budget earns the
# points: biases or not, a depth multiplier or not. Your `count_params_macs` can check it.


# %%
# EXERCISE: 03.separable_budget (2 points)
def separable_budget(c_in, c_out, k, budget):
    """A [depthwise, pointwise] pair of conv specs with at most `budget` parameters, or None.

    Parameters
    ----------
    c_in, c_out, k, budget : int

    Returns
    -------
    list of two dicts, or None
    """
    ### BEGIN SOLUTION
    for bias in (True, False):  # keep the biases if they fit
        params = c_in * k * k + c_in * c_out + (c_in + c_out) * bias
        if params <= budget:
            depthwise = {"type": "conv2d", "out_channels": c_in, "kernel_size": k,
                         "padding": k // 2, "groups": c_in, "bias": bias}  # fmt: skip
            pointwise = {"type": "conv2d", "out_channels": c_out, "kernel_size": 1, "bias": bias}
            return [depthwise, pointwise]
    return None
    ### END SOLUTION


check("03.separable_budget")
