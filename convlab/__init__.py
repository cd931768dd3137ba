"""convlab: convolution for deep learning, in NumPy, exactly as PyTorch computes it.

The functional ops mirror ``torch.nn.functional`` (names, argument order, defaults,
results); the signal-processing view mirrors ``scipy.signal``; the arithmetic, matrix
and receptive-field helpers are what the lessons teach. Plots and widgets live in the
lazily imported subpackages :mod:`convlab.plot` and :mod:`convlab.widgets`.

>>> import numpy as np, convlab
>>> convlab.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))).shape
(1, 1, 2, 2)
"""

from .adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
)
from .conv import conv1d, conv2d, conv3d
from .costs import conv_macs, conv_params
from .errors import ConvlabError
from .fields import dilation_coverage, hdc_check, receptive_field
from .grad import conv1d_backward, conv2d_backward, conv3d_backward
from .grad_adaptive import (
    adaptive_avg_pool1d_backward,
    adaptive_avg_pool2d_backward,
    adaptive_avg_pool3d_backward,
)
from .grad_pool import (
    avg_pool1d_backward,
    avg_pool2d_backward,
    avg_pool3d_backward,
    max_pool1d_backward,
    max_pool2d_backward,
    max_pool3d_backward,
)
from .grad_transpose import (
    conv_transpose1d_backward,
    conv_transpose2d_backward,
    conv_transpose3d_backward,
)
from .gradcheck import gradient_check
from .im2col import fold, unfold
from .matrix import conv_matrix
from .netsummary import Summary, summary
from .padding import pad
from .pool import (
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from .shapes import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
    same_padding,
)
from .signal import convolve, convolve2d, correlate, correlate2d
from .transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d
from .unpool import max_unpool1d, max_unpool2d, max_unpool3d

__version__ = "0.1.0"

# Submodules loaded on first use, so ``import convlab`` stays light (NumPy only):
# ``convlab.plot`` imports matplotlib and ``convlab.widgets`` ipywidgets.
_LAZY = ("images", "kernels", "plot", "widgets")


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ConvlabError",
    "Summary",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool1d_backward",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool3d",
    "adaptive_avg_pool3d_backward",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "avg_pool1d",
    "avg_pool1d_backward",
    "avg_pool2d",
    "avg_pool2d_backward",
    "avg_pool3d",
    "avg_pool3d_backward",
    "conv1d",
    "conv1d_backward",
    "conv2d",
    "conv2d_backward",
    "conv3d",
    "conv3d_backward",
    "conv_macs",
    "conv_matrix",
    "conv_output_size",
    "conv_params",
    "conv_transpose1d",
    "conv_transpose1d_backward",
    "conv_transpose2d",
    "conv_transpose2d_backward",
    "conv_transpose3d",
    "conv_transpose3d_backward",
    "conv_transpose_output_size",
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "dilation_coverage",
    "fold",
    "gradient_check",
    "hdc_check",
    "max_pool1d",
    "max_pool1d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "max_pool3d",
    "max_pool3d_backward",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "pad",
    "pool_output_size",
    "receptive_field",
    "same_padding",
    "summary",
    "unfold",
]
