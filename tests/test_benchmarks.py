"""The benchmark harness runs (it is not in the timed suite, so nothing else would notice
it rotting): a one-round run of the small cases, each column, the JSON it writes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_run_one_round_and_write_json(tmp_path):
    out = tmp_path / "run.json"
    cmd = [sys.executable, "-m", "benchmarks", "--cases", "teaching", "--rounds", "1",
           "--impls", "convlab,scipy,previous", "--peers", "--out", str(out)]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "teaching" in done.stdout and "targets" in done.stdout
    run = json.loads(out.read_text())
    teaching = [r for r in run["results"] if r["case"] == "teaching"]
    assert {r["dtype"] for r in teaching} == {"float32", "float64"}
    for row in teaching:
        assert set(row["times"]) >= {"convlab", "previous", "einsum", "strides", "scipy"}
        assert all(t["median_ms"] > 0 for t in row["times"].values())
    assert run["machine"]["numpy"] == np.__version__
