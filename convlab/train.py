"""Train a small CNN on the 8×8 digits with :mod:`convlab.nn`: lesson 7's finale.

Everything is NumPy: the forward pass is convlab's conv2d and max_pool2d, the backward
pass its ``*_backward`` functions. With ``seed`` fixed, the run is deterministic.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .data import load_digits
from .nn import (
    SGD,
    Conv2d,
    CrossEntropyLoss,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
)

__all__ = ["TrainResult", "accuracy", "digits_cnn", "train_digits"]


def digits_cnn(rng: np.random.Generator | int | None = 0) -> Sequential:
    """Two conv blocks and a linear classifier for 1×8×8 images (6,090 parameters).

    >>> model = digits_cnn(0)
    >>> model(np.zeros((2, 1, 8, 8), np.float32)).shape
    (2, 10)
    >>> sum(p.data.size for p in model.parameters())
    6090
    """
    rng = np.random.default_rng(rng)  # a Generator is returned as is: shared draws
    return Sequential(
        Conv2d(1, 16, 3, padding=1, rng=rng),  # 16×8×8
        ReLU(),
        MaxPool2d(2),  # 16×4×4
        Conv2d(16, 32, 3, padding=1, rng=rng),  # 32×4×4
        ReLU(),
        MaxPool2d(2),  # 32×2×2
        Flatten(),
        Linear(32 * 2 * 2, 10, rng=rng),
    )


def accuracy(model: Sequential, x: np.ndarray, y: np.ndarray, batch_size: int = 512) -> float:
    """Fraction of ``x`` whose highest logit is the label ``y``."""
    hits = sum(
        int((model(x[i : i + batch_size]).argmax(axis=1) == y[i : i + batch_size]).sum())
        for i in range(0, len(x), batch_size)
    )
    return hits / len(x)


@dataclass
class TrainResult:
    """The trained model, its test accuracy, the wall time and one row per epoch."""

    model: Sequential
    test_accuracy: float
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    mean: float = 0.0  # inputs are standardised as (x - mean) / std before the model
    std: float = 1.0

    def __repr__(self) -> str:
        return (
            f"TrainResult(test_accuracy={self.test_accuracy:.4f}, seconds={self.seconds:.1f}, "
            f"epochs={len(self.history)})"
        )


def train_digits(
    seed: int = 0,
    epochs: int = 15,
    batch_size: int = 32,
    lr: float = 0.05,
    momentum: float = 0.9,
    weight_decay: float = 1e-4,
    verbose: bool = False,
) -> TrainResult:
    """Train :func:`digits_cnn` with SGD + momentum on the digits' training split.

    Parameters
    ----------
    seed : int
        Seeds the initial weights and the order of the mini-batches.
    epochs, batch_size, lr, momentum, weight_decay
        The usual knobs; ``lr`` is the peak of a cosine schedule (defaults reach about
        98 % test accuracy: 97.5-98.3 % over seeds 0-7).
    verbose : bool
        Print one line per epoch.

    Returns
    -------
    TrainResult
        ``test_accuracy`` is measured on the 359 held-out digits.

    Notes
    -----
    Inputs are standardised with the training set's mean and std. Per step: forward,
    ``L = mean(-log softmax(z)[y])``, backward through every layer (the conv's input
    gradient is a transposed convolution, its weight gradient a correlation), then
    ``v = μ v + g``, ``p -= lr v``, with ``lr_e = lr (1 + cos(π e / epochs)) / 2`` in
    epoch ``e``.
    """
    start = time.perf_counter()
    data = load_digits()
    mean, std = float(data.x_train.mean()), float(data.x_train.std())
    x_train = (data.x_train - np.float32(mean)) / np.float32(std)
    x_test = (data.x_test - np.float32(mean)) / np.float32(std)
    rng = np.random.default_rng(seed)
    model = digits_cnn(rng)
    loss_fn = CrossEntropyLoss()
    opt = SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    history = []
    for epoch in range(1, epochs + 1):
        opt.lr = lr * (1 + math.cos(math.pi * (epoch - 1) / epochs)) / 2
        order = rng.permutation(len(x_train))
        losses = []
        for i in range(0, len(order), batch_size):
            batch = order[i : i + batch_size]
            opt.zero_grad()
            losses.append(loss_fn(model(x_train[batch]), data.y_train[batch]))
            model.backward(loss_fn.backward())
            opt.step()
        row = {
            "epoch": epoch,
            "loss": float(np.mean(losses)),
            "test_accuracy": accuracy(model, x_test, data.y_test),
        }
        history.append(row)
        if verbose:
            print(
                f"epoch {epoch:2d}  loss {row['loss']:.4f}  test accuracy "
                f"{row['test_accuracy']:.4f}  ({time.perf_counter() - start:.1f} s)"
            )
    seconds = time.perf_counter() - start
    return TrainResult(model, history[-1]["test_accuracy"], seconds, history, mean, std)
