"""Pictures of convolution, drawn with matplotlib (imported only when you use this module).

Every function returns its :class:`matplotlib.figure.Figure` (end the notebook line with
``;`` to show it once) and draws into given axes when you pass them. Numbers in the
pictures come from convlab's own ops, so what you see is what the library computes.
"""

from ._grid import cell_texts
from .animation import SlidingAnimation, animate, save_gif, to_html
from .channels import channel_sum
from .continuous import flip_and_slide
from .features import feature_maps
from .fields import dilated_kernel, receptive_field
from .gridding import gridding
from .grids import grid, padding_modes
from .groups import channel_groups
from .matrix import conv_matrix
from .step import StepPicture, conv_step, pool_step
from .transposed import transposed_stamps

__all__ = [
    "SlidingAnimation",
    "StepPicture",
    "animate",
    "cell_texts",
    "channel_groups",
    "channel_sum",
    "conv_matrix",
    "conv_step",
    "dilated_kernel",
    "feature_maps",
    "flip_and_slide",
    "grid",
    "gridding",
    "padding_modes",
    "pool_step",
    "receptive_field",
    "save_gif",
    "to_html",
    "transposed_stamps",
]
