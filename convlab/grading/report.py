"""The grader's outputs: one JSON report per submission and ``grades.csv``, written atomically.

``grades.csv`` has one row per submission and the columns ``submission``, ``lesson``, one
per exercise id (the score; empty when the submission was not graded on it), ``total`` and
``max``. Each ``<name>.json`` holds::

    {"schema_version": 1, "submission": "...", "sha256": "...", "lessons": ["03"],
     "seed": 1234, "sandbox": "bwrap", "score": 6.0, "max_score": 7.0, "messages": [...],
     "exercises": {"03.conv1x1": {"title": "...", "score": 2, "max": 2, "status": "ok",
                   "messages": [...], "passed": 6, "cases": 6, "seconds": 0.41,
                   "timing": null, "output": ""}, ...}}

Both are exports of the gradebook (:mod:`convlab.grading.gradebook`). Files appear
complete or not at all (written to a temporary name, then ``os.replace``), and every text
is escaped by :func:`clean` first, so no character and no file name can make writing fail.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .grade import ExerciseReport
from .registry import all_exercises

__all__ = [
    "SCHEMA_VERSION",
    "SubmissionReport",
    "clean",
    "report_names",
    "sweep",
    "to_json_text",
    "write_atomic",
    "write_csv",
]

SCHEMA_VERSION = 1


def clean(text) -> str:
    """``text`` as valid UTF-8 text: lone surrogates (from a student's output, or a file
    name that is not UTF-8) become visible escapes instead of errors.

    >>> clean("caf\\xe9 \\udcff")
    'café \\\\udcff'
    """
    return str(text).encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass
class SubmissionReport:
    submission: str
    sha256: str
    seed: int
    lessons: list[str] = field(default_factory=list)
    exercises: dict[str, ExerciseReport] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    sandbox: str = "process"

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.exercises.values()), 2)

    @property
    def max_score(self) -> float:
        return round(sum(r.max for r in self.exercises.values()), 2)

    def to_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "submission": self.submission,
            "sha256": self.sha256,
            "lessons": self.lessons,
            "seed": self.seed,
            "sandbox": self.sandbox,
            "score": self.score,
            "max_score": self.max_score,
            "messages": self.messages,
            "exercises": {k: r.to_json() for k, r in self.exercises.items()},
        }


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def report_names(submissions: list[str]) -> list[str]:
    """A distinct, filesystem-safe ``<name>.json`` per submission (``-2``... on clashes)."""
    names, taken = [], set()
    for path in submissions:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(path).stem).strip("._") or "submission"
        name, k = stem, 1
        while name.lower() in taken or name.lower() == "grades":
            k += 1
            name = f"{stem}-{k}"
        taken.add(name.lower())
        names.append(f"{name}.json")
    return names


def _tidy(value):
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {clean(k): _tidy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tidy(v) for v in value]
    return value


def to_json_text(report: SubmissionReport) -> str:
    """The report as JSON text: strings escaped, non-finite numbers as ``null``."""
    data = _tidy(report.to_json())
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def sweep(out_dir: Path) -> None:
    """Remove temporary files a killed grader left behind (``.<name>.<random>.tmp``)."""
    for path in out_dir.glob(".*.tmp"):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def write_csv(path: Path, reports: list[SubmissionReport]) -> None:
    """``grades.csv``: one row per submission, one column per exercise graded anywhere."""
    graded = {i for r in reports for i in r.exercises}
    columns = [ex.id for ex in all_exercises() if ex.id in graded]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "lesson", *columns, "total", "max"])
    for r in reports:
        scores = [_number(r.exercises[c].score) if c in r.exercises else "" for c in columns]
        writer.writerow(
            [
                clean(r.submission),
                clean("+".join(r.lessons)),
                *scores,
                _number(r.score),
                _number(r.max_score),
            ]
        )
    write_atomic(path, buffer.getvalue())


def _number(x: float) -> str:
    return f"{x:g}"
