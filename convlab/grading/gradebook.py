"""The gradebook: every result committed as it completes, in ``DIR/gradebook.sqlite``.

One row per (submission, exercise, seed) with the submission's sha256, the status, score,
messages, timing and output; one row per submission with its sha256, lessons and
messages; the run's seed. SQLite in WAL mode, committed row by row: a grader killed at
any moment (even ``kill -9``) loses at most the exercises that were running, and the same
command run again grades only what is missing. ``grades.csv`` and the JSON reports are
exports of this file (:mod:`convlab.grading.report`).

Every text is stored escaped (:func:`~convlab.grading.report.clean`): no character a
student's code prints or raises, and no file name, can make storing or exporting fail.

>>> import tempfile, pathlib
>>> from convlab.grading.grade import ExerciseReport
>>> with tempfile.TemporaryDirectory() as d:
...     book = Gradebook(pathlib.Path(d) / "gradebook.sqlite")
...     book.record("alice.ipynb", 7, "ab12", ExerciseReport("02.x", "X", 2, 2, "ok", ["\\udcff"]))
...     [(r.id, r.status, r.messages) for r in book.results("alice.ipynb", 7, "ab12").values()]
...     book.results("alice.ipynb", 7, "changed"), book.close()
[('02.x', 'ok', ['\\\\udcff'])]
({}, None)
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from .grade import ExerciseReport
from .report import clean

__all__ = ["Gradebook"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    submission TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
    lessons TEXT NOT NULL, messages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    submission TEXT NOT NULL, exercise TEXT NOT NULL, seed INTEGER NOT NULL,
    sha256 TEXT NOT NULL, sandbox TEXT NOT NULL, status TEXT NOT NULL,
    score REAL NOT NULL, max REAL NOT NULL, title TEXT NOT NULL, messages TEXT NOT NULL,
    passed INTEGER NOT NULL, cases INTEGER NOT NULL, seconds REAL, timing TEXT,
    output TEXT NOT NULL, graded_at TEXT NOT NULL,
    PRIMARY KEY (submission, exercise, seed));
"""
_COLUMNS = "exercise, title, score, max, status, messages, passed, cases, seconds, timing, output"


def _text(value) -> str:
    return clean(value)


def _json(value) -> str:
    """JSON text of ``value`` with every string escaped and no NaN/inf (they become null)."""

    def tidy(v):
        if isinstance(v, str):
            return clean(v)
        if isinstance(v, float):
            return v if v == v and abs(v) != float("inf") else None
        if isinstance(v, dict):
            return {clean(k): tidy(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [tidy(x) for x in v]
        return v

    return json.dumps(tidy(value), ensure_ascii=False, allow_nan=False)


class Gradebook:
    """The SQLite file of one output directory (opened in WAL mode, autocommit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def clear(self) -> None:
        """Forget every result (``--regrade``)."""
        with self.db:
            self.db.execute("BEGIN")
            for table in ("results", "submissions", "run"):
                self.db.execute(f"DELETE FROM {table}")

    def seed(self) -> int | None:
        row = self.db.execute("SELECT value FROM run WHERE key = 'seed'").fetchone()
        return int(row[0]) if row and row[0].lstrip("-").isdigit() else None

    def set_seed(self, seed: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO run VALUES ('seed', ?)", (str(int(seed)),))

    def record_submission(self, submission: str, sha256: str, lessons, messages) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?)",
            (_text(submission), sha256, _json(list(lessons)), _json(list(messages))),
        )

    def record(
        self,
        submission: str,
        seed: int,
        sha256: str,
        report: ExerciseReport,
        sandbox: str = "process",
    ) -> None:
        """Commit one result (replacing an earlier one for the same key)."""
        seconds = report.seconds
        if not (isinstance(seconds, (int, float)) and 0 <= seconds < float("inf")):
            seconds = None
        self.db.execute(
            "INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                _text(submission),
                _text(report.id),
                int(seed),
                sha256,
                sandbox,
                _text(report.status),
                float(report.score),
                float(report.max),
                _text(report.title),
                _json(report.messages),
                int(report.passed),
                int(report.cases),
                seconds,
                None if report.timing is None else _json(report.timing),
                _text(report.output),
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            ),
        )

    def results(self, submission: str, seed: int, sha256: str) -> dict[str, ExerciseReport]:
        """The stored results of this submission's current content under ``seed``.

        Rows of an earlier content of the file (another sha256) are deleted: it is regraded.
        """
        key = _text(submission)
        self.db.execute("DELETE FROM results WHERE submission = ? AND sha256 != ?", (key, sha256))
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM results WHERE submission = ? AND seed = ?",
            (key, int(seed)),
        )
        found = {}
        for ex, title, score, top, status, messages, passed, cases, secs, timing, out in rows:
            found[ex] = ExerciseReport(
                ex,
                title,
                _number(score),
                _number(top),
                status,
                json.loads(messages),
                passed,
                cases,
                secs,
                None if timing is None else json.loads(timing),
                out,
            )
        return found

    def sandboxes(self, submission: str, seed: int) -> list[str]:
        """The isolation levels that graded this submission's stored results."""
        rows = self.db.execute(
            "SELECT DISTINCT sandbox FROM results WHERE submission = ? AND seed = ?",
            (_text(submission), int(seed)),
        )
        return sorted(r[0] for r in rows)


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x
