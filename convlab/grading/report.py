"""The grader's outputs: one JSON report per submission and ``grades.csv``, written atomically.

``grades.csv`` has one row per submission and the columns ``submission``, ``lesson``, one
per exercise id (the score; empty when the submission was not graded on it), ``total`` and
``max``. Each ``<name>.json`` holds::

    {"schema_version": 1, "submission": "...", "sha256": "...", "lessons": ["03"],
     "seed": 1234, "score": 6.0, "max_score": 7.0, "messages": [...],
     "exercises": {"03.conv1x1": {"title": "...", "score": 2, "max": 2, "status": "ok",
                   "messages": [...], "passed": 6, "cases": 6, "seconds": 0.41,
                   "timing": null, "output": ""}, ...}}

Files appear complete or not at all (written to a temporary name, then ``os.replace``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .grade import ExerciseReport
from .registry import all_exercises

__all__ = ["SCHEMA_VERSION", "SubmissionReport", "report_names", "write_atomic", "write_csv"]

SCHEMA_VERSION = 1


@dataclass
class SubmissionReport:
    submission: str
    sha256: str
    seed: int
    lessons: list[str] = field(default_factory=list)
    exercises: dict[str, ExerciseReport] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

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


def to_json_text(report: SubmissionReport) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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
            [r.submission, "+".join(r.lessons), *scores, _number(r.score), _number(r.max_score)]
        )
    write_atomic(path, buffer.getvalue())


def _number(x: float) -> str:
    return f"{x:g}"
