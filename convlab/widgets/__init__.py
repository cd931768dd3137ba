"""Slider explorers for the lessons (ipywidgets 8; imported only when you use this module).

Each explorer is an ``ipywidgets.VBox``: make it the last expression of a cell to show
it. Its picture is a PNG in an ``ipywidgets.Image`` (no ipympl needed), and it keeps its
state in plain attributes (``state``, ``output``, ``formula``, ``message``, ``figure``)
for tests and for learners who want the numbers.
"""

from .backprop import BackpropExplorer, backprop_explorer
from .channels import ChannelsExplorer, channels_explorer
from .conv import ConvExplorer, PoolExplorer, conv_explorer, pool_explorer
from .dilation import DilationExplorer, dilation_explorer
from .padding import PaddingExplorer, padding_explorer
from .playground import KernelPlayground, kernel_playground
from .transpose import TransposeExplorer, transpose_explorer

__all__ = [
    "BackpropExplorer",
    "ChannelsExplorer",
    "ConvExplorer",
    "DilationExplorer",
    "KernelPlayground",
    "PaddingExplorer",
    "PoolExplorer",
    "TransposeExplorer",
    "backprop_explorer",
    "channels_explorer",
    "conv_explorer",
    "dilation_explorer",
    "kernel_playground",
    "padding_explorer",
    "pool_explorer",
    "transpose_explorer",
]
