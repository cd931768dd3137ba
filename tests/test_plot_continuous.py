"""convlab.plot.flip_and_slide: the drawn curves are the definitions, the areas the outputs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from convlab import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def box_ramp_convolution(t):
    """(x ∗ w)(t) for the default box x = 1 and ramp w(s) = 1 − s on [0, 1), by hand."""
    t = np.asarray(t, float)
    return np.where(t < 1, t - t**2 / 2, (2 - t) ** 2 / 2) * ((t >= 0) & (t <= 2))


def box_ramp_correlation(t):
    """(x ⋆ w)(t) = ∫ x(s) w(s − t) ds for the same pair, by hand."""
    t = np.asarray(t, float)
    return np.where(t < 0, (1 + t) ** 2 / 2, (1 - t**2) / 2) * ((t >= -1) & (t <= 1))


def panels(fig):
    """The shift panels (between 'x and w as given' and the output) and the output axes."""
    return fig.axes[1:-1], fig.axes[-1]


def dots(ax) -> np.ndarray:
    return np.array([ln.get_xydata()[0] for ln in ax.get_lines() if ln.get_marker() == "o"])


@pytest.mark.parametrize(
    ("convolution", "exact", "label"),
    [(True, box_ramp_convolution, "w(t − s)"), (False, box_ramp_correlation, "w(s − t)")],
)
def test_default_pair_matches_the_integral_worked_by_hand(convolution, exact, label):
    dt = 0.005
    fig = plot.flip_and_slide(convolution=convolution, dt=dt)
    shifts, out = panels(fig)
    t, y = out.get_lines()[0].get_xydata().T
    assert np.abs(y - exact(t)).max() < 2 * dt  # a Riemann sum of the integral
    expected_t = [0.5, 1.0, 1.5] if convolution else [-0.5, 0.0, 0.5]
    np.testing.assert_allclose(dots(out)[:, 0], expected_t)
    for ax, ti in zip(shifts, expected_t, strict=True):
        s, kernel = ax.get_lines()[1].get_xydata().T
        u = (ti - s) if convolution else (s - ti)  # where w is read: flipped or not
        inside = (u > dt / 2) & (u < 1 - dt / 2)
        np.testing.assert_allclose(kernel[inside], 1 - u[inside], atol=1e-9)
        assert np.all(kernel[(u < -dt / 2) | (u > 1 + dt / 2)] == 0)
        assert ax.get_legend_handles_labels()[1] == ["x(s)", label, "product"]


def test_each_shaded_area_is_the_output_plotted_below():
    rng = np.random.default_rng(0)
    x, w, dt = rng.random(40), rng.random(15), 0.1
    fig = plot.flip_and_slide(x, w, [0.7, 2.0, 4.9], dt=dt)
    shifts, out = panels(fig)
    reference = np.convolve(x, w) * dt  # an independent oracle
    for ax, (t, value) in zip(shifts, dots(out), strict=True):
        x_line, w_line = (ln.get_xydata()[:, 1] for ln in ax.get_lines()[:2])
        area = float(np.sum(x_line * w_line) * dt)
        assert area == pytest.approx(value, abs=1e-12)
        assert value == pytest.approx(reference[round(t / dt)], abs=1e-12)
        assert ax.get_title() == f"t = {t:g}: area {plot._style.fmt_value(area)}"


def test_correlation_of_a_pair_is_numpy_correlate():
    x, w, dt = np.array([0.0, 1.0, 2.0, 1.0]), np.array([1.0, 0.0, -1.0]), 0.5
    fig = plot.flip_and_slide(x, w, [-1.0, 0.0, 0.5], dt=dt, convolution=False)
    _, out = panels(fig)
    # (x ⋆ w)(t) = Σ_n x[n] w[n − t/dt] dt, i.e. numpy's correlate(x, w, "full") from t = −2·dt
    full = np.correlate(x, w, "full") * dt
    for t, value in dots(out):
        assert value == pytest.approx(full[round(t / dt) + len(w) - 1])


@pytest.mark.parametrize(
    ("kwargs", "kind", "match"),
    [
        ({"x": np.ones((3, 3))}, ValueError, r"flip_and_slide: x must be"),
        ({"w": []}, ValueError, r"flip_and_slide: w must hold at least one sample"),
        ({"t": [0, 1, 2, 3, 4, 5]}, ValueError, r"flip_and_slide: t must hold 1 to 5"),
        ({"dt": 0}, ValueError, r"flip_and_slide: dt must be a positive number; got dt=0"),
        ({"convolution": "yes"}, TypeError, r"flip_and_slide: convolution must be True or False"),
        ({"x": "box"}, TypeError, r"flip_and_slide: x must be an array"),
    ],
)
def test_errors_name_the_argument(kwargs, kind, match):
    with pytest.raises(kind, match=match):
        plot.flip_and_slide(**kwargs)
