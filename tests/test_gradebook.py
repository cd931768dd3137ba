"""The gradebook never loses a result: student text of any kind, forged timings, a killed
grader, changed submissions."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convlab.cli import main
from convlab.grading.registry import lesson_exercises

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "solutions" / "02_padding_stride.ipynb"


def _count(lesson: str) -> int:
    return len(lesson_exercises(lesson))


def _max(lesson: str) -> str:
    return str(sum(ex.points for ex in lesson_exercises(lesson)))


CHANNELS = ROOT / "solutions" / "03_channels.ipynb"

pytestmark = pytest.mark.slow


def _edit(path: Path, func: str, edit) -> dict:
    """The notebook at ``path`` with ``edit(source)`` applied to the cell defining ``func``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if f"def {func}(" in source:
            cell["source"] = edit(source)
            return nb
    raise AssertionError(func)


def _grade(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["grade", *argv])
    return code, err.getvalue()


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# ------------------------------------------------------------------ text that cannot encode
def test_surrogates_in_output_messages_and_file_names_are_escaped(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    nb = _edit(
        BASE,
        "output_size",
        lambda s: s.replace(
            "def output_size(n, k, s=1, p=0, d=1):",
            "def output_size(n, k, s=1, p=0, d=1):\n    print('lone ' + chr(0xDCFF))",
        ),
    )
    nb = _edit_dict(nb, "reflect_pad", "    raise ValueError('bad ' + chr(0xD800))\n")
    bad_name = os.fsdecode(bytes(subs) + b"/caf\xe9-\xff.ipynb")  # not UTF-8: surrogates
    with open(os.fsencode(bad_name), "w", encoding="utf-8") as f:
        json.dump(nb, f)
    shutil.copy(BASE, subs / "plain.ipynb")
    out = tmp_path / "out"
    code, err = _grade(bad_name, str(subs / "plain.ipynb"), "--out", str(out), "--seed", "1")
    assert code == 0, err
    rows = _rows(out / "grades.csv")
    assert len(rows) == 3
    bad_row = next(r for r in rows if "caf" in r[0])
    assert bad_row[0].endswith("caf\\udce9-\\udcff.ipynb") and bad_row[-2:] == [
        str(int(_max("02")) - 2),
        _max("02"),
    ]
    report = json.loads(
        next(p for p in out.glob("caf*.json")).read_text(encoding="utf-8"), strict=True
    )
    entry = report["exercises"]
    assert entry["02.output_size"]["status"] == "ok"
    assert "lone \\udcff" in entry["02.output_size"]["output"]
    assert entry["02.reflect_pad"]["status"] == "error"
    assert any("bad \\ud800" in m for m in entry["02.reflect_pad"]["messages"])
    assert "\\udcff" in err  # the progress line too


def _edit_dict(nb: dict, func: str, body: str) -> dict:
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if f"def {func}(" in source:
            head = source.index(f"def {func}(")
            line_end = source.index(":\n", head) + 2
            cell["source"] = source[:line_end] + body + source[line_end:]
    return nb


# ------------------------------------------------------------------ timings
_SLOW_FORGER = """
import sys, time


def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
    if x.shape[-1] == 64:  # the timed input: slow, and every clock says it was instant
        time.sleep(1.0)
        time.perf_counter = time.monotonic = time.time = lambda: 0.0
        for module in list(sys.modules.values()):
            if hasattr(module, "_perf"):
                module._perf = lambda: 0.0
    return _real(x, w, b, stride, padding, dilation)
"""
_INF = """
import sys, time


def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
    time.perf_counter = lambda: float("inf")
    for module in list(sys.modules.values()):
        if hasattr(module, "_perf"):
            module._perf = lambda: float("inf")
    return _real(x, w, b, stride, padding, dilation)
"""
_FRAMES = """
import json, os, sys


def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
    if x.shape[-1] == 64:  # claim the timed round is over before computing anything
        for k in range(3):
            record = json.dumps({"phase": "func", "round": k, "value": {"array": "out_0.npy"}})
            os.write(int(sys.argv[3]), b"timed %d\\n%s" % (len(record), record.encode()))
            os.write(int(sys.argv[3]), b"ready 1e9\\n")
    return _real(x, w, b, stride, padding, dilation)
"""


@pytest.fixture(scope="module")
def timings(tmp_path_factory):
    where = tmp_path_factory.mktemp("timings")
    subs = []
    for name, wrapper in (("slow_forger", _SLOW_FORGER), ("inf", _INF), ("frames", _FRAMES)):
        nb = _edit(
            CHANNELS,
            "conv2d_multi",
            lambda s, w=wrapper: s.replace("def conv2d_multi(", "def _real(") + w,
        )
        path = where / f"{name}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        subs.append(str(path))
    subs.append(str(CHANNELS))
    out = where / "out"
    code, err = _grade(*subs, "--out", str(out), "--seed", "4", "--jobs", "2")
    assert code == 0, err
    reports = {}
    for path in out.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text, parse_constant=lambda c, p=path: pytest.fail(f"{c} in {p}"))
        reports[Path(data["submission"]).stem] = data["exercises"]["03.conv2d_multi"]
    return reports


def test_the_honest_solution_keeps_its_speed_point(timings):
    entry = timings["03_channels"]
    assert entry["score"] == entry["max"] and entry["timing"]["ratio"] <= 20


def test_a_forged_clock_cannot_hide_a_slow_function(timings):
    entry = timings["slow_forger"]
    assert entry["status"] == "ok"  # right answers
    assert entry["score"] == entry["max"] - 1  # but slow: the grader's clock saw 1 s
    assert entry["timing"]["seconds"] >= 1.0 and entry["timing"]["ratio"] > 20
    assert any(m.startswith("speed: ") and "−1 point" in m for m in entry["messages"])


def test_an_infinite_clock_is_never_read(timings):
    entry = timings["inf"]
    assert entry["score"] == entry["max"]  # the grader measured; inf never reached a report
    assert 0 < entry["timing"]["seconds"] < 10


def test_forged_timing_messages_void_the_timing(timings):
    entry = timings["frames"]
    assert entry["status"] == "ok" and entry["score"] == entry["max"] - 1
    speed = next(m for m in entry["messages"] if m.startswith("speed: "))
    assert "wrong result" in speed or "does not count" in speed


# ------------------------------------------------------------------ kill -9, resume, regrade
def _class(where: Path) -> list[str]:
    subs = []
    for name in ("01_correlation_vs_convolution", "02_padding_stride", "03_channels"):
        for k in range(2):
            path = where / f"{name}-{k}.ipynb"
            shutil.copy(ROOT / "solutions" / f"{name}.ipynb", path)
            subs.append(str(path))
    return subs


def _command(subs: list[str], out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "convlab.cli", "grade", *subs, "--out", str(out), *extra]


def _results(out: Path) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(out / "gradebook.sqlite", timeout=30)) as db:
        return db.execute("SELECT submission, exercise, seed, status FROM results").fetchall()


def test_kill_9_then_resume_equals_a_clean_run(tmp_path):
    subs = _class(tmp_path)
    clean = tmp_path / "clean"
    done = subprocess.run(_command(subs, clean, "--seed", "11"), capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    total = len(_results(clean))
    assert total == 2 * (_count("01") + _count("02") + _count("03"))

    out = tmp_path / "killed"
    proc = subprocess.Popen(_command(subs, out, "--seed", "11"), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(sqlite3.Error):
            if (out / "gradebook.sqlite").exists() and len(_results(out)) >= 5:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(_results(out))
    assert 5 <= kept < total, "the grader finished before it could be killed"
    assert not (out / "grades.csv").exists()

    again = subprocess.run(_command(subs, out), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "resuming the run with seed 11" in again.stderr
    assert f"{kept} result(s) kept from the gradebook" in again.stderr
    results = _results(out)
    keys = [(s, e) for s, e, _, _ in results]
    assert len(keys) == len(set(keys)) == total  # exactly one result each
    assert (out / "grades.csv").read_text() == (clean / "grades.csv").read_text().replace(
        str(clean), str(out)
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_changed_submission_is_regraded_and_regrade_starts_over(tmp_path):
    subs = _class(tmp_path)[:2]  # two copies of lesson 1
    out = tmp_path / "out"
    code, err = _grade(*subs, "--out", str(out), "--seed", "2")
    assert code == 0 and _rows(out / "grades.csv")[1][-2:] == [_max("01")] * 2, err
    code, err = _grade(*subs, "--out", str(out))
    assert f"{2 * _count('01')} result(s) kept" in err and "resuming the run with seed 2" in err

    wrong = _edit(
        Path(subs[0]),
        "conv2d_full",
        lambda s: (
            s.replace("def conv2d_full(", "def _x(") + "\n\ndef conv2d_full(x, k):\n    return x\n"
        ),
    )
    Path(subs[0]).write_text(json.dumps(wrong), encoding="utf-8")
    code, err = _grade(*subs, "--out", str(out))
    assert f"{_count('01')} result(s) kept" in err  # only the other submission's
    rows = {r[0]: r for r in _rows(out / "grades.csv")[1:]}
    full = _max("01")
    assert rows[subs[0]][-2:] == [str(int(full) - 3), full] and rows[subs[1]][-2:] == [full] * 2

    code, err = _grade(*subs, "--out", str(out), "--regrade")
    assert code == 0 and "kept" not in err and "resuming" not in err
    assert len({r[2] for r in _results(out)}) == 1  # one (new) seed, no rows of the old one
