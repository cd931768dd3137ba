"""Measure convlab.train.train_digits: test accuracy and wall time per seed.

Run from the repository root::

    python -m benchmarks.train_digits                 # seeds 0-4, default settings
    python -m benchmarks.train_digits --seeds 0 1 2 --epochs 15

Prints one row per seed and the summary (min / median accuracy, median and max seconds),
plus the machine's core count and BLAS threads, since the time depends on them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics

import numpy as np

from convlab.train import train_digits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args(argv)
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numpy {np.__version__}, python {platform.python_version()}"
    )
    print(f"{'seed':>4} {'test acc':>9} {'seconds':>8}")
    accs, secs = [], []
    for seed in args.seeds:
        result = train_digits(seed=seed, epochs=args.epochs)
        accs.append(result.test_accuracy)
        secs.append(result.seconds)
        print(f"{seed:>4} {result.test_accuracy:>9.4f} {result.seconds:>8.2f}", flush=True)
    print(
        f"accuracy min {min(accs):.4f} median {statistics.median(accs):.4f}; "
        f"seconds median {statistics.median(secs):.2f} max {max(secs):.2f}"
    )


if __name__ == "__main__":
    main()
