"""convlab.nn layers, loss and optimiser; the digits data; a training smoke test."""

from __future__ import annotations

import math

import numpy as np
import pytest

import convlab as cl
from convlab import nn
from convlab.data import load_digits
from convlab.train import accuracy, digits_cnn, train_digits


def as_float64(layer: nn.Module) -> nn.Module:
    """Run a layer in float64 so central differences are accurate."""
    for p in layer.parameters():
        p.data, p.grad = p.data.astype(np.float64), p.grad.astype(np.float64)
    return layer


def check_layer(layer: nn.Module, x: np.ndarray) -> None:
    """Input and parameter gradients of a layer's backward vs central differences."""
    layer = as_float64(layer)
    params = layer.parameters()

    def f(x, *values):
        for p, v in zip(params, values, strict=True):
            p.data = v
        return layer.forward(x)

    def backward(g, x, *values):
        f(x, *values)
        layer.zero_grad()
        gx = layer.backward(g)
        return (gx, *[p.grad.copy() for p in params])

    check = cl.gradient_check(f, backward, x, *[p.data.copy() for p in params], max_checks=40)
    assert check, check


rng = np.random.default_rng(3)


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (lambda: nn.Conv2d(3, 4, 3, stride=2, padding=1, rng=0), (2, 3, 6, 5)),
        (lambda: nn.Conv2d(4, 4, (2, 3), groups=2, padding_mode="reflect", padding=1, rng=1),
         (2, 4, 5, 5)),
        (lambda: nn.Conv2d(2, 3, 3, bias=False, padding="same", rng=2), (1, 2, 4, 4)),
        (lambda: nn.Linear(7, 3, rng=0), (5, 7)),
        (lambda: nn.MaxPool2d(2), (2, 3, 4, 6)),
        (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (1, 2, 6, 7)),
        (lambda: nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False), (1, 2, 5, 4)),
        (lambda: nn.ReLU(), (3, 5)),
        (lambda: nn.Flatten(), (2, 3, 2, 2)),
        (lambda: nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, rng=0), nn.ReLU(), nn.MaxPool2d(2),
                               nn.Flatten(), nn.Linear(8, 3, rng=1)), (2, 1, 4, 4)),
    ],
)  # fmt: skip
def test_every_layer_backward_passes_gradient_check(layer, shape):
    x = rng.permutation(int(np.prod(shape))).reshape(shape) / 10 - 0.55  # no ties, no zeros
    check_layer(layer(), x)


def test_layers_match_torch_modules():
    torch = pytest.importorskip("torch")
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1, padding_mode="circular", rng=0)
    tconv = torch.nn.Conv2d(3, 4, 3, stride=2, padding=1, padding_mode="circular")
    lin, tlin = nn.Linear(16, 5, rng=1), torch.nn.Linear(16, 5)
    with torch.no_grad():
        for ours, theirs in ((conv, tconv), (lin, tlin)):
            theirs.weight.copy_(torch.tensor(ours.weight.data))
            theirs.bias.copy_(torch.tensor(ours.bias.data))
    model = nn.Sequential(conv, nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), lin)
    tmodel = torch.nn.Sequential(
        tconv, torch.nn.ReLU(), torch.nn.AvgPool2d(2), torch.nn.Flatten(), tlin
    )
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    target = np.array([1, 4])
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(model(x), target)
    model.backward(loss_fn.backward())
    tloss = torch.nn.functional.cross_entropy(tmodel(torch.tensor(x)), torch.tensor(target))
    tloss.backward()
    assert np.isclose(loss, tloss.item(), rtol=1e-5)
    for ours, theirs in zip(model.parameters(), tmodel.parameters(), strict=True):
        assert ours.grad.dtype == np.float32
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_sgd_matches_torch_optim():
    torch = pytest.importorskip("torch")
    p = nn.Parameter(np.array([1.0, -2.0, 3.0], np.float32))
    tp = torch.nn.Parameter(torch.tensor(p.data.copy()))
    opt = nn.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    topt = torch.optim.SGD([tp], lr=0.1, momentum=0.9, weight_decay=0.01)
    for step in range(5):
        grad = np.array([0.5, step, -1.0], np.float32)
        opt.zero_grad()
        topt.zero_grad()
        p.grad += grad
        tp.grad = torch.tensor(grad)
        opt.step()
        topt.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-6)


def test_init_follows_torch_defaults():
    conv = nn.Conv2d(16, 32, 3, rng=0)
    bound = 1 / np.sqrt(16 * 9)
    w = conv.weight.data
    assert w.dtype == np.float32 and w.shape == (32, 16, 3, 3)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.isclose(w.std(), bound / np.sqrt(3), rtol=0.05)  # uniform's std
    assert np.abs(conv.bias.data).max() <= bound
    he = nn.kaiming_uniform(np.random.default_rng(0), (1000,), fan_in=10, a=0)
    assert np.sqrt(6 / 10) * 0.95 < np.abs(he).max() <= np.sqrt(6 / 10)
    np.testing.assert_array_equal(nn.Conv2d(1, 2, 3, rng=5).weight.data,
                                  nn.Conv2d(1, 2, 3, rng=5).weight.data)  # fmt: skip


def test_cross_entropy_is_stable_and_checks_targets():
    loss = nn.CrossEntropyLoss()
    value = loss(np.array([[1e4, -1e4, 0.0]], np.float32), np.array([1]))
    assert np.isfinite(value) and np.isclose(value, 2e4)
    np.testing.assert_allclose(loss.backward(), [[1.0, -1.0, 0.0]])
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: needs logits of shape \(N, classes\)"):
        loss(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 3\)"):
        loss(np.zeros((2, 3)), np.array([0, 3]))


def test_layer_argument_errors():
    with pytest.raises(ValueError, match="Conv2d: groups must divide in_channels"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2d: kernel_size must be"):
        nn.Conv2d(3, 4, 0)
    with pytest.raises(TypeError, match="conv2d: all arrays must have the same float dtype"):
        nn.Conv2d(1, 1, 3, rng=0)(np.zeros((1, 1, 4, 4)))  # float64 input, float32 weights


def test_zero_grad_and_parameters():
    model = digits_cnn(0)
    assert len(model.parameters()) == 6
    for p in model.parameters():
        p.grad += 1
    model.zero_grad()
    assert all(not p.grad.any() for p in model.parameters())


def test_load_digits_split():
    d = load_digits()
    assert d.x_train.shape == (1438, 1, 8, 8) and d.x_test.shape == (359, 1, 8, 8)
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert d.x_train.min() == 0 and d.x_train.max() == 1
    assert np.array_equal(np.bincount(d.y_train) + np.bincount(d.y_test),
                          [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])  # fmt: skip
    again = load_digits("float64")
    np.testing.assert_array_equal(again.x_test, d.x_test)
    with pytest.raises(ValueError, match="load_digits: dtype must be one of"):
        load_digits("int8")


def test_training_smoke_loss_decreases_and_is_deterministic():
    d = load_digits()
    x, y = (d.x_train[:256] - 0.3) / 0.4, d.y_train[:256]  # roughly standardised

    def run():
        model = digits_cnn(np.random.default_rng(0))
        loss_fn = nn.CrossEntropyLoss()
        opt = nn.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses = []
        for step in range(40):
            batch = slice(32 * (step % 8), 32 * (step % 8 + 1))
            opt.zero_grad()
            losses.append(loss_fn(model(x[batch]), y[batch]))
            model.backward(loss_fn.backward())
            opt.step()
        return model, losses

    model, losses = run()
    assert np.mean(losses[-8:]) < 0.6 * np.mean(losses[:8])
    assert accuracy(model, x, y) > 0.5
    _, again = run()
    assert again == losses


def test_train_digits_runs_one_epoch():
    result = train_digits(seed=0, epochs=1)
    assert len(result.history) == 1 and 0.3 < result.test_accuracy <= 1
    assert "test_accuracy" in repr(result)


def test_sgd_step_does_not_depend_on_the_type_of_lr():
    """A NumPy float64 learning rate (e.g. from np.cos) must update float32 weights exactly
    like the same Python float (reported by the lesson 7 writer)."""
    results = []
    for lr in (0.05 * (1 + math.cos(math.pi * 0.3)) / 2, 0.05 * (1 + np.cos(np.pi * 0.3)) / 2):
        rng = np.random.default_rng(0)
        p = nn.Parameter(rng.standard_normal(1000).astype(np.float32))
        p.grad[...] = rng.standard_normal(1000).astype(np.float32)
        nn.SGD([p], lr=lr, momentum=0.9).step()
        assert p.data.dtype == np.float32
        results.append(p.data.copy())
    np.testing.assert_array_equal(*results)
