"""Rebuild ``digits.npz`` from scikit-learn's bundled copy of the UCI digits (run once).

Usage (scikit-learn is needed only here, never at run time)::

    python -m convlab.data._build_digits

The result is deterministic: the same 1797 images in scikit-learn's order, and a fixed
stratified test split (20 % of each class, chosen by a seeded permutation) stored in the
file itself, so the split never depends on the NumPy version that loads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TEST_FRACTION = 0.2
SEED = 0


def build(path: Path) -> None:
    from sklearn.datasets import load_digits  # build-time only

    bunch = load_digits()
    images = bunch.images.astype(np.uint8)  # integers 0..16
    assert np.array_equal(images, bunch.images), "digits pixels are not integers 0..16"
    labels = bunch.target.astype(np.uint8)
    rng = np.random.default_rng(SEED)
    is_test = np.zeros(len(labels), bool)
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        chosen = rng.permutation(members)[: round(TEST_FRACTION * len(members))]
        is_test[chosen] = True
    np.savez_compressed(path, images=images, labels=labels, is_test=is_test)


if __name__ == "__main__":
    target = Path(__file__).with_name("digits.npz")
    build(target)
    print(f"wrote {target} ({target.stat().st_size} bytes)")
