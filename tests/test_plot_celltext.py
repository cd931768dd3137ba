"""CellTexts reports where its labels are, so ``bbox_inches="tight"`` keeps them.

Jupyter's inline backend saves every figure with ``bbox_inches="tight"``. An artist that
does not report its extent is left out of that box, and the row indices drawn left of a
grid (``−1`` for a padding row) were cropped off every picture shown in a notebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from convlab import plot
from convlab.plot._celltext import CellTexts


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def index_labels(ax) -> list[CellTexts]:
    return [a for a in ax.artists if isinstance(a, CellTexts) and a.get_gid() == "index"]


def test_extent_covers_every_label_and_is_null_when_empty():
    fig = plot.grid(np.arange(9.0).reshape(3, 3), padding=1)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    rows, cols = index_labels(ax)[::-1]  # columns are added first
    box, frame = rows.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert box.x1 <= frame.x0  # the row indices sit left of the grid...
    anchors = rows.get_transform().transform(rows.xy)[:, 1]
    assert box.y0 < anchors.min() and box.y1 > anchors.max()  # ...one per row, all of them
    assert cols.get_window_extent(renderer).y0 >= frame.y1  # column indices above it
    rows.set_labels([""] * len(rows.strings))
    assert rows.get_window_extent(renderer).width == 0


def test_tight_bbox_keeps_the_row_indices_of_padding():
    fig = plot.conv_step(np.arange(1.0, 26.0).reshape(5, 5), np.ones((3, 3)), stride=2, padding=1)
    renderer = fig.canvas.get_renderer()
    rows = index_labels(fig.axes[0])[-1]
    assert "−1" in rows.strings
    tight = fig.get_tightbbox(renderer)  # inches: what savefig(bbox_inches="tight") keeps
    assert tight.x0 * fig.dpi <= rows.get_window_extent(renderer).x0


def test_text_properties_reach_both_the_bitmap_and_the_vector_paths():
    """props such as fontweight were once dropped silently: bold must look different."""
    from convlab.plot._celltext import _bitmap

    plain = _bitmap("118", 12, 100, (0, 0, 0, 1), False, "center", "center", ())
    bold = _bitmap(
        "118", 12, 100, (0, 0, 0, 1), False, "center", "center", (("fontweight", "bold"),)
    )
    assert plain[0].shape != bold[0].shape or not np.array_equal(plain[0], bold[0])
    fig = plt.figure()
    texts = CellTexts([(0.5, 0.5)], ["7"], "black", 12, False, props={"fontweight": "bold"})
    fig.add_artist(texts)
    [label] = list(texts._texts(texts._points()))
    assert label.get_fontweight() == "bold"
    plt.close(fig)
