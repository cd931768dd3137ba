"""Classic 2-D image kernels: the filters of hand-made computer vision.

Before CNNs learned their filters, people designed them. A first conv layer trained on
photos ends up with look-alikes of these: edge detectors (Sobel), blob detectors
(Laplacian), smoothers (box, Gaussian). Each function returns a fresh float64 array
meant for :func:`convlab.conv2d`, i.e. for **cross-correlation** (no flip), so the
signs below are the ones you see in the output.

>>> import convlab
>>> step = np.array([[0., 0., 1., 1.]] * 4)           # dark | bright
>>> convlab.conv2d(step[None, None], sobel_x()[None, None])[0, 0]
array([[4., 4.],
       [4., 4.]])
"""

from __future__ import annotations

import numpy as np

from ._validation import int_tuple, positive_float

__all__ = [
    "box",
    "classic",
    "emboss",
    "gaussian",
    "identity",
    "laplacian",
    "sharpen",
    "sobel_x",
    "sobel_y",
]


def identity(k: int = 3) -> np.ndarray:
    """The delta kernel: a single 1, so the output copies the input.

    Parameters
    ----------
    k : int
        Side length. The 1 sits at ``(k - 1) // 2``, which is the centre for odd ``k``
        and the cell that ``padding="same"`` keeps in place for even ``k``.

    Notes
    -----
    :math:`y[i, j] = x[i, j]` with ``padding="same"``: the neutral element of convolution.

    Examples
    --------
    >>> identity()
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    (k,) = int_tuple("identity", "k", k, 1, minimum=1)
    w = np.zeros((k, k))
    w[(k - 1) // 2, (k - 1) // 2] = 1.0
    return w


def sobel_x() -> np.ndarray:
    """Sobel kernel for horizontal change: responds to *vertical* edges.

    Notes
    -----
    A derivative ``[-1, 0, 1]`` along the columns times a smoothing ``[1, 2, 1]`` down
    the rows. Correlated with an image it is positive where brightness grows to the
    right, negative where it falls.

    Examples
    --------
    >>> sobel_x()
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    """
    return np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0])


def sobel_y() -> np.ndarray:
    """Sobel kernel for vertical change: responds to *horizontal* edges.

    Notes
    -----
    The transpose of :func:`sobel_x`: positive where brightness grows downwards.

    Examples
    --------
    >>> sobel_y()
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    return sobel_x().T.copy()


def laplacian() -> np.ndarray:
    """The 4-neighbour Laplacian: a second derivative, zero on flat and linear regions.

    Notes
    -----
    :math:`y = x_{i-1,j} + x_{i+1,j} + x_{i,j-1} + x_{i,j+1} - 4x_{i,j}`; its weights sum to
    0, so it ignores the mean brightness and lights up spots, lines and both sides of edges.

    Examples
    --------
    >>> laplacian()
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def box(k: int = 3) -> np.ndarray:
    """The box (mean) filter: every weight ``1 / k²``, a blur.

    Notes
    -----
    The output is the average of a ``k×k`` window, the same as ``avg_pool2d`` with
    stride 1. Weights sum to 1, so flat regions keep their value.

    Examples
    --------
    >>> box(2)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    (k,) = int_tuple("box", "k", k, 1, minimum=1)
    return np.full((k, k), 1.0 / (k * k))


def gaussian(k: int = 5, sigma: float = 1.0) -> np.ndarray:
    """A sampled, normalised Gaussian: the smooth blur.

    Parameters
    ----------
    k : int
        Side length (odd keeps it centred).
    sigma : float
        Standard deviation in pixels. ``k ≈ 6 sigma`` keeps almost all of the bell.

    Notes
    -----
    :math:`w[a, b] \\propto \\exp(-(u_a^2 + u_b^2) / 2\\sigma^2)` with
    :math:`u = a - (k - 1)/2`, scaled so the weights sum to 1. It is separable: the outer
    product of a 1-D Gaussian with itself.

    Examples
    --------
    >>> gaussian(3, sigma=1.0).round(3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]])
    """
    (k,) = int_tuple("gaussian", "k", k, 1, minimum=1)
    sigma = positive_float("gaussian", "sigma", sigma)
    u = np.arange(k) - (k - 1) / 2
    g = np.exp(-(u**2) / (2 * sigma**2))
    w = np.outer(g, g)
    return w / w.sum()


def sharpen() -> np.ndarray:
    """Sharpen: the identity minus the Laplacian, so edges get boosted.

    Notes
    -----
    ``identity() - laplacian()``; weights sum to 1, so flat regions are unchanged.

    Examples
    --------
    >>> sharpen()
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    return identity() - laplacian()


def emboss() -> np.ndarray:
    """Emboss: a diagonal derivative plus the pixel itself, a relief look.

    Notes
    -----
    Antisymmetric around the centre along the main diagonal (plus 1 in the middle):
    positive where brightness grows towards the bottom right.

    Examples
    --------
    >>> emboss()
    array([[-2., -1.,  0.],
           [-1.,  1.,  1.],
           [ 0.,  1.,  2.]])
    """
    return np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])


def classic() -> dict[str, np.ndarray]:
    """The classic kernels by name, in the order the lessons show them.

    Examples
    --------
    >>> list(classic())
    ['identity', 'sobel_x', 'sobel_y', 'laplacian', 'box', 'gaussian', 'sharpen', 'emboss']
    >>> classic()["box"].shape, classic()["gaussian"].shape
    ((3, 3), (5, 5))
    """
    return {
        "identity": identity(),
        "sobel_x": sobel_x(),
        "sobel_y": sobel_y(),
        "laplacian": laplacian(),
        "box": box(3),
        "gaussian": gaussian(5, 1.0),
        "sharpen": sharpen(),
        "emboss": emboss(),
    }
