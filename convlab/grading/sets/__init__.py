"""The exercise sets, one module per lesson; :data:`EXERCISES` lists them all in order."""

from . import backprop, channels, correlation, dilation, padding_stride, pooling, transposed

EXERCISES = (
    *correlation.EXERCISES,
    *padding_stride.EXERCISES,
    *channels.EXERCISES,
    *dilation.EXERCISES,
    *transposed.EXERCISES,
    *pooling.EXERCISES,
    *backprop.EXERCISES,
)
