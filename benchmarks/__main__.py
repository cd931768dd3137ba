"""``python -m benchmarks``: see :mod:`benchmarks.cli`."""

import os

# OpenBLAS worker threads busy-wait for 2**28 cycles (~0.1 s) after every call before
# they sleep. On a 2-core machine that spinning starves torch's OpenMP threads whenever
# the two libraries alternate, so torch would be timed against NumPy's idle threads.
# 2**22 cycles (~1.6 ms) keeps them awake between the calls of one op (as GOMP's own
# spin does for torch) without leaking into the next sample. Must be set before NumPy
# loads; an explicit setting wins.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "22")

from .cli import main  # imported after the environment is set

raise SystemExit(main())
