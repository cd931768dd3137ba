"""Side-by-side benchmarks: convlab vs naive loops, scipy.signal and torch CPU.

Run ``python -m benchmarks`` (``make bench``); ``python -m benchmarks --help`` lists the
flags for a quick run (``--cases``, ``--dtypes``, ``--rounds``, ``--impls``). Every
implementation runs in one process, in interleaved rounds, and the table reports medians
with their interquartile range, the ratio to torch, GFLOP/s against the same run's
``np.matmul`` ceiling, and the peak memory each convlab call allocates.
"""
