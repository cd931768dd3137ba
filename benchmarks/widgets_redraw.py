"""Median wall time of one widget update (slider change → state → new PNG), per explorer.

Run:  MPLBACKEND=Agg python benchmarks/widgets_redraw.py [--repeats 15]

Each row sets one control of an explorer at its default size to a cycle of values, timing
the whole synchronous update an observer performs in the kernel: recompute with convlab,
redraw the matplotlib figure (or blit only the moving overlays), encode the PNG and hand
it to the ``ipywidgets.Image``. The browser's own decode/paint is not included. Budget
(DESIGN §7): well under 100 ms.

Reports the median wall time and the median CPU time of this process (the CPU time is
what the update costs when the machine is not shared; on a loaded machine the wall time
also counts waiting for a core), and the load average when the run started.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def cases():
    from convlab import widgets

    return [
        ("conv_explorer", widgets.conv_explorer, "j", [1, 2, 3, 4, 0]),
        ("conv_explorer", widgets.conv_explorer, "play", [1, 2, 3, 4, 5, 6]),
        ("conv_explorer", widgets.conv_explorer, "stride", [2, 1]),
        ("conv_explorer", widgets.conv_explorer, "k", [2, 3]),
        ("conv_explorer", widgets.conv_explorer, "mode", ["reflect", "zeros"]),
        ("pool_explorer", widgets.pool_explorer, "j", [1, 0]),
        ("pool_explorer", widgets.pool_explorer, "k", [3, 2]),
        ("padding_explorer", widgets.padding_explorer, "padding", [1, 2]),
        ("dilation_explorer", widgets.dilation_explorer, "rates", ["2, 2, 2", "1, 2, 5"]),
        ("transpose_explorer", widgets.transpose_explorer, "a", [1, 0]),
        ("transpose_explorer", widgets.transpose_explorer, "stride", [1, 2]),
        ("backprop_explorer", widgets.backprop_explorer, "i", [0, 2, 1]),
        ("backprop_explorer", widgets.backprop_explorer, "stride", [2, 1]),
        ("backprop_explorer", widgets.backprop_explorer, "mode", ["max", "conv"]),
        ("kernel_playground", widgets.kernel_playground, "preset", ["box", "sobel_x"]),
        ("kernel_playground", widgets.kernel_playground, "cell", [1.0, 0.0]),
    ]


def measure(make, control, values, repeats):
    ex = make()
    widget = ex.cells[4] if control == "cell" else getattr(ex, control)
    wall, cpu = [], []
    for r in range(repeats + 1):
        for v in values:
            t0, c0 = time.perf_counter(), time.process_time()
            widget.value = v
            if r:  # the first round warms caches (fonts, glyphs)
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs; {args.repeats} rounds per row")
    print(f"{'explorer':<20} {'control':<8} {'wall ms':>8} {'cpu ms':>8}")
    for name, make, control, values in cases():
        wall, cpu = measure(make, control, values, args.repeats)
        print(f"{name:<20} {control:<8} {wall:>8.1f} {cpu:>8.1f}")


if __name__ == "__main__":
    main()
