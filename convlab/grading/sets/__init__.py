"""The exercise sets, one module per lesson and tier; :data:`EXERCISES` lists them in order.

Each lesson has its core set (re-implement an op from its definition) and a *design and
debug* set (``*_design``: use the ideas: hit a target, budget, find a bug, train).
"""

from . import (
    backprop,
    backprop_design,
    channels,
    channels_design,
    correlation,
    correlation_design,
    dilation,
    dilation_design,
    padding_stride,
    padding_stride_design,
    pooling,
    pooling_design,
    transposed,
    transposed_design,
)

EXERCISES = (
    *correlation.EXERCISES,
    *correlation_design.EXERCISES,
    *padding_stride.EXERCISES,
    *padding_stride_design.EXERCISES,
    *channels.EXERCISES,
    *channels_design.EXERCISES,
    *dilation.EXERCISES,
    *dilation_design.EXERCISES,
    *transposed.EXERCISES,
    *transposed_design.EXERCISES,
    *pooling.EXERCISES,
    *pooling_design.EXERCISES,
    *backprop.EXERCISES,
    *backprop_design.EXERCISES,
)
