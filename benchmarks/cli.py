"""Command line of ``python -m benchmarks``."""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path

import numpy as np

from . import harness, report
from .cases import CASES, PEERS, torch

RESULTS = Path(__file__).parent / "results"


def parse(argv):
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time convlab against naive loops, scipy.signal and torch CPU.",
        epilog="Quick run: python -m benchmarks --cases 'conv3x3*' --dtypes float32 --rounds 3",
    )
    p.add_argument("--cases", default="*", help="comma-separated names or globs (default: all)")
    p.add_argument("--dtypes", default="float32,float64", help="float32,float64 (default both)")
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    p.add_argument(
        "--impls",
        default=",".join(report.IMPLS),
        help="which columns to time (also: previous, convlab before row shift)",
    )
    p.add_argument(
        "--peers",
        action="store_true",
        help="add the NumPy peers: einsum over sliding_window_view, CS231n's strides trick",
    )
    p.add_argument(
        "--threads",
        type=int,
        help="limit BLAS (via threadpoolctl) and torch to this many threads (default: theirs)",
    )
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--out", type=Path, help="JSON path (default benchmarks/results/<time>.json)")
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    return p.parse_args(argv)


def select(pattern: str):
    globs = [g.strip() for g in pattern.split(",") if g.strip()]
    chosen = [c for c in CASES if any(fnmatch.fnmatch(c.name, g) for g in globs)]
    if chosen and chosen[0].name != "matmul":  # the ceiling is measured in every run
        chosen.insert(0, CASES[0])
    return chosen


def main(argv=None) -> int:
    args = parse(argv)
    if args.list:
        for c in CASES:
            print(f"{c.name:18} {c.label}" + ("" if c.available() else f"  (waits for {c.needs})"))
        return 0
    dtypes = [d.strip() for d in args.dtypes.split(",")]
    impls = [i.strip() for i in args.impls.split(",")] + (list(PEERS) if args.peers else [])
    if args.threads:
        harness.limit_threads(args.threads)
    info = harness.machine()
    print(report.describe(info), flush=True)
    if torch is None:
        print("note: torch is not installed, so there is no ×torch column (pip install torch)")
    cases = select(args.cases)
    for c in cases:
        if not c.available():
            print(f"note: skipping {c.name}: convlab.{c.needs} has not landed yet")
    cases = [c for c in cases if c.available()]
    rng = np.random.default_rng(0)
    plan = []
    for c in cases:
        for d in dtypes:
            print(f"preparing {c.name} {d}", file=sys.stderr, flush=True)
            plan.append((c, d, harness.prepare(c, d, impls, rng, not args.no_memory)))
    harness.run_rounds([e for *_, e in plan], args.rounds, lambda m: print(m, file=sys.stderr))
    info["load_average_after"] = harness.machine()["load_average"]
    rows, ceilings = [], {}
    for c, d, entry in plan:
        row = report.summarise_entry(c, d, entry, ceilings.get(d))
        if c.name == "matmul":
            ceilings[d] = row["gflops"]
        rows.append(row)
    print(report.render(rows, args.markdown))
    misses = [
        f"{r['case']} {r['dtype']}: {k}" for r in rows for k, ok in r["checks"].items() if not ok
    ]
    met = sum(ok for r in rows for ok in r["checks"].values())
    print(f"targets: {met} met, {len(misses)} missed")
    print("all targets met" if not misses else "targets missed:\n  " + "\n  ".join(misses))
    out = args.out or RESULTS / time.strftime("%Y%m%d-%H%M%S.json")
    report.save(out, info, vars(args) | {"out": str(out)}, rows)
    print(f"results written to {out}")
    return 0
