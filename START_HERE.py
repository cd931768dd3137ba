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
# # convlab · a course on convolution in deep learning
#
# Seven short lessons take you from "what does a convolution compute?" to training a small
# CNN written in NumPy. Every number is checked against PyTorch, every idea is a picture
# first, and every lesson asks you to **predict before it tells you**.
#
# **How a lesson works.** Open it and run the cells from the top (*Run ▸ Run All Cells*, or
# Shift+Enter one at a time). You will meet
#
# - **checkpoints** — a question with a box or buttons: commit to an answer, then press
#   *Check*. Two wrong tries and it shows you the answer and why;
# - **explorers** — sliders that redraw a picture; some have a *challenge* to reach;
# - **Going further** blocks — asides you can skip on a first reading;
# - **Common mistakes** — the errors people bring from widely read notes, and how to spot them.
#
# **How an exercise works.** Each lesson has an exercise notebook. Write each function where
# it says `# YOUR CODE HERE` and run its cell: the `check("…")` under it tests your function on
# small cases and shows ✅, or ❌ with the smallest failing case, what was expected, what you
# returned and a hint. Your instructor grades the same functions on hidden, larger cases.

# %% [markdown]
# ## The lessons
#
# | # | lesson | exercise | reading | after it you can |
# | --- | --- | --- | --- | --- |
# | 1 | [Cross-correlation vs convolution](lessons/01_correlation_vs_convolution.ipynb) | [exercise 1](exercises/01_correlation_vs_convolution.ipynb) | 9 min | slide a kernel by hand, flip it for a true convolution, filter a photo, use the convolution theorem |
# | 2 | [Padding, stride and output size](lessons/02_padding_stride.ipynb) | [exercise 2](exercises/02_padding_stride.ipynb) | 8 min | predict any output size, pad four ways, place "same" padding, find the rows a stride drops |
# | 3 | [Channels](lessons/03_channels.ipynb) | [exercise 3](exercises/03_channels.ipynb) | 8 min | shape multi-channel weights, count parameters and MACs, use 1×1, grouped and depthwise convolutions |
# | 4 | [Dilation and receptive field](lessons/04_dilation_receptive_field.ipynb) | [exercise 4](exercises/04_dilation_receptive_field.ipynb) | 9 min | compute a stack's receptive field, spot gridding, choose dilation rates with no holes |
# | 5 | [Transposed convolution](lessons/05_transposed_convolution.ipynb) | [exercise 5](exercises/05_transposed_convolution.ipynb) | 8 min | write a convolution as a matrix C, compute Cᵀ three ways, size it, avoid checkerboards |
# | 6 | [Pooling](lessons/06_pooling.ipynb) | [exercise 6](exercises/06_pooling.ipynb) | 7 min | pool exactly as PyTorch does (padding, ceil_mode, adaptive), and measure invariance |
# | 7 | [Backpropagation through convolution](lessons/07_backpropagation.ipynb) | [exercise 7](exercises/07_backpropagation.ipynb) | 8 min | derive both gradients, check them numerically, train a CNN in NumPy |
#
# Start with [lesson 1](lessons/01_correlation_vs_convolution.ipynb). Each lesson ends with
# links to its exercise and to the next lesson.

# %% [markdown]
# ## Your workspace
#
# These notebooks are **your copies**: edit, run and save them freely. The course's own files
# are never touched, so getting a course update never conflicts with your answers. When you
# start the course again (`make lab` in a clone, or `convlab start`), new notebooks are copied
# in and the ones you have not changed are updated; a notebook you *have* changed is kept as
# it is, and the new version is put beside it as `NAME (course update).ipynb`.
#
# The library itself is one import away in any notebook: `import convlab` gives you
# PyTorch's convolution family in NumPy (`convlab.conv2d`, `convlab.max_pool2d`, …), the size
# formulas (`convlab.conv_output_size`), and `convlab.summary` for a whole network.
