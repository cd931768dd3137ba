"""Timing, memory and machine description: the measuring half of the benchmarks.

Fairness rules: every implementation runs in this one process on the same arrays; the
rounds are interleaved (round ``r`` times every case and implementation once, in an order
rotated each round) so drift in clock speed or cache state hits all of them alike; a
sample repeats a call enough times to last ~50 ms (after one untimed call); the table
reports the median sample and its interquartile range. Before each sample the process
sleeps ``SETTLE_SECONDS``: OpenBLAS's worker threads busy-wait ~0.1 s after a call
(GOMP's, torch's, for a shorter while), and on a 2-core machine those spinning threads
would otherwise slow down whichever library runs next. Memory is measured in a separate
call under ``tracemalloc`` (which sees NumPy's allocations, not torch's).
"""

from __future__ import annotations

import gc
import os
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from .cases import Case, torch

SAMPLE_SECONDS = 0.05
SETTLE_SECONDS = 0.12
_ENV = ("OPENBLAS_THREAD_TIMEOUT", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
TOLERANCE = {"float32": 1e-4, "float64": 1e-10}  # max |error| / max |value|


def machine() -> dict[str, Any]:
    """CPU, core count, library versions and the thread count of every thread pool."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info: dict[str, Any] = {
        "cpu": model,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "env": {k: v for k, v in os.environ.items() if k in _ENV or k.endswith("_NUM_THREADS")},
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    try:
        from threadpoolctl import threadpool_info

        info["thread_pools"] = [
            {k: p.get(k) for k in ("internal_api", "version", "num_threads", "prefix")}
            for p in threadpool_info()
        ]
    except ImportError:
        info["thread_pools"] = "threadpoolctl not installed (see np.show_config() and env)"
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["torch_mkldnn"] = bool(torch.backends.mkldnn.is_available())
    try:
        import scipy

        info["scipy"] = scipy.__version__
    except ImportError:
        pass
    return info


def limit_threads(n: int) -> None:
    """Run NumPy's BLAS and torch with ``n`` threads (a quieter, 1-thread comparison)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError as exc:
        raise SystemExit("--threads needs threadpoolctl (pip install threadpoolctl)") from exc
    global _limits
    _limits = threadpool_limits(n)  # kept alive: the limit lasts while the object does
    if torch is not None:
        torch.set_num_threads(n)


_limits = None


def sample(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call, averaged over ``number`` back-to-back calls after one untimed call.

    The untimed call absorbs what the interleaving costs the first call (caches, page
    mappings and thread pools left cold by the other implementations and the settle pause),
    the same for every implementation.
    """
    fn()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def _per_call(fn: Callable[[], Any]) -> float:
    """Seconds per call, from back-to-back calls lasting at least 10 ms (or 1000 calls)."""
    calls, start = 0, time.perf_counter()
    while calls < 1000 and (calls == 0 or time.perf_counter() - start < 0.01):
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak bytes NumPy allocates during one call (the returned output included)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del out
    return peak


def error(got: Any, want: Any) -> float:
    """Max absolute difference relative to the largest value (tuples: the worst part)."""
    if isinstance(want, tuple | list):
        return max(error(g, w) for g, w in zip(got, want, strict=True))
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got.shape != want.shape:
        return float("inf")
    return float(np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30))


def prepare(case: Case, dtype: str, impls: list[str], rng, memory: bool) -> dict[str, Any]:
    """Build one case, warm every implementation up, check they agree, calibrate."""
    built = case.make(np.dtype(dtype), rng)
    chosen = {k: f for k, f in built.impls.items() if k in impls}
    outs, entry = {}, {"calls": {}, "error": {}, "number": {}, "samples": {}}
    for name, fn in chosen.items():
        out = fn()  # first call: lazy initialisation (torch's oneDNN primitives, caches)
        once = _per_call(fn)
        outs[name] = out.numpy() if hasattr(out, "numpy") else out
        if isinstance(out, tuple):
            outs[name] = tuple(o.numpy() if hasattr(o, "numpy") else o for o in out)
        entry["calls"][name] = fn
        entry["number"][name] = max(1, round(SAMPLE_SECONDS / max(once, 1e-7)))
        entry["samples"][name] = []
    oracle = "torch" if "torch" in outs else "convlab"
    for name, out in outs.items():
        if name != oracle:
            entry["error"][name] = error(out, outs[oracle])
    entry["peak_bytes"] = peak_bytes(chosen["convlab"]) if memory and "convlab" in chosen else None
    entry["flops"], entry["out_bytes"] = built.flops, built.out_bytes
    return entry


def run_rounds(entries: list[dict[str, Any]], rounds: int, progress: Callable[[str], None]):
    """Interleaved rounds: each round samples every (case, dtype, impl) once."""
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for r in range(rounds):
            start = time.perf_counter()
            for entry in entries:
                names = list(entry["calls"])
                names = names[r % len(names) :] + names[: r % len(names)]
                for name in names:
                    time.sleep(SETTLE_SECONDS)  # let the last library's threads go idle
                    entry["samples"][name].append(
                        sample(entry["calls"][name], entry["number"][name])
                    )
            progress(f"round {r + 1}/{rounds} done in {time.perf_counter() - start:.1f} s")
    finally:
        if gc_was:
            gc.enable()


def summarise(samples: list[float]) -> dict[str, float]:
    q1, med, q3 = np.percentile(samples, [25, 50, 75])
    return {"median_ms": med * 1e3, "q1_ms": q1 * 1e3, "q3_ms": q3 * 1e3}
