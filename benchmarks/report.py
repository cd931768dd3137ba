"""Turning samples into the results table (text or Markdown) and a JSON record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .cases import PEERS, Case
from .harness import TOLERANCE, summarise

IMPLS = ("convlab", "torch", "scipy", "loops")


def summarise_entry(case: Case, dtype: str, entry: dict[str, Any], ceiling: float | None):
    """Medians, ratio to torch, GFLOP/s, memory, and each target checked."""
    times = {k: {**summarise(v), "number": entry["number"][k]} for k, v in entry["samples"].items()}
    row: dict[str, Any] = {
        "case": case.name,
        "label": case.label,
        "dtype": dtype,
        "times": times,
        "error_vs_oracle": entry["error"],
        "flops": entry["flops"],
        "out_bytes": entry["out_bytes"],
        "peak_bytes": entry["peak_bytes"],
    }
    ours = times.get("convlab", {}).get("median_ms")
    theirs = times.get("torch", {}).get("median_ms")
    row["ratio_torch"] = ours / theirs if ours and theirs else None
    row["gflops"] = entry["flops"] / ours / 1e6 if ours and entry["flops"] else None
    row["ceiling_frac"] = row["gflops"] / ceiling if row["gflops"] and ceiling else None
    row["memory_ratio"] = (
        entry["peak_bytes"] / entry["out_bytes"] if entry["peak_bytes"] is not None else None
    )
    checks = {}
    bound = case.torch_target(dtype)
    if bound is not None and row["ratio_torch"] is not None:
        checks[f"≤{bound:g}× torch"] = bool(row["ratio_torch"] <= bound)
    if dtype == "float32" and case.ceiling32 and row["ceiling_frac"] is not None:
        checks[f"≥{case.ceiling32:.0%} matmul"] = bool(row["ceiling_frac"] >= case.ceiling32)
    peers = {k: times[k]["median_ms"] for k in PEERS if k in times}
    row["best_peer"] = min(peers, key=peers.get) if peers else None
    row["ratio_peer"] = peers[row["best_peer"]] / ours if peers and ours else None
    if case.peers and row["ratio_peer"] is not None:
        checks[f"≥{case.peers:g}× faster than NumPy peers"] = bool(row["ratio_peer"] >= case.peers)
    if case.memory and row["memory_ratio"] is not None:
        checks[f"mem ≤{case.memory:g}× out"] = bool(row["memory_ratio"] <= case.memory)
    for name, err in entry["error"].items():
        if err > TOLERANCE[dtype]:
            checks[f"{name} agrees"] = False
    row["checks"] = checks
    return row


def _ms(t: dict[str, float] | None, iqr: bool = False) -> str:
    if not t:
        return "—"
    m = t["median_ms"]
    text = f"{m:.3g}" if m < 100 else f"{m:.0f}"
    if iqr:
        text += f" ±{(t['q3_ms'] - t['q1_ms']) / 2:.2g}"
    return text


def _num(v: float | None, fmt: str) -> str:
    return "—" if v is None else format(v, fmt)


HEADER = [
    "case",
    "shape",
    "dtype",
    "convlab ms",
    "torch ms",
    "×torch",
    "scipy ms",
    "loops ms",
    "previous ms",
    "best peer ms",
    "peer/convlab",
    "GFLOP/s",
    "% matmul",
    "mem ×out",
    "targets",
]


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for r in rows:
        t = r["times"]
        checks = "  ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in r["checks"].items())
        peer = r.get("best_peer")
        out.append(
            [
                r["case"],
                r["label"],
                r["dtype"],
                _ms(t.get("convlab"), iqr=True),
                _ms(t.get("torch")),
                _num(r["ratio_torch"], ".2f"),
                _ms(t.get("scipy")),
                _ms(t.get("loops")),
                _ms(t.get("previous")),
                _ms(t.get(peer)) + (f" ({peer})" if peer else ""),
                _num(r.get("ratio_peer"), ".2f"),
                _num(r["gflops"], ".1f"),
                _num(None if r["ceiling_frac"] is None else 100 * r["ceiling_frac"], ".0f"),
                _num(r["memory_ratio"], ".1f"),
                checks,
            ]
        )
    return out


def render(rows: list[dict[str, Any]], markdown: bool) -> str:
    body = table_rows(rows)
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(c[i]) for c in body)) for i, h in enumerate(HEADER)]
    fmt = "  ".join(
        f"{{:{'<' if i < 3 or i == len(HEADER) - 1 else '>'}{w}}}" for i, w in enumerate(widths)
    )
    lines = [fmt.format(*HEADER), fmt.format(*("-" * w for w in widths))]
    return "\n".join(lines + [fmt.format(*cells) for cells in body])


def describe(info: dict[str, Any]) -> str:
    pools = info["thread_pools"]
    if isinstance(pools, list):
        pools = ", ".join(f"{p['internal_api']} {p['version']}: {p['num_threads']}" for p in pools)
    torch = (
        f"torch {info['torch']} ({info['torch_threads']} threads, oneDNN {info['torch_mkldnn']})"
        if "torch" in info
        else "torch not installed (its columns are empty)"
    )
    return (
        f"{info['cpu']}, {info['usable_cpus']} usable of {info['logical_cpus']} logical CPUs; "
        f"Python {info['python']}, NumPy {info['numpy']}, scipy {info.get('scipy', '—')}, "
        f"{torch}; thread pools: {pools}" + (f"; env {info['env']}" if info["env"] else "")
    )


def save(path: Path, info: dict[str, Any], args: dict[str, Any], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": info, "args": args, "results": rows}, indent=1))
