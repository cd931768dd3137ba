"""Grading a class: many submissions in parallel, with progress, never stopping on one.

Work is spread over ``jobs`` threads, one (submission, exercise) pair at a time, each
pair in its own worker process. A submission's JSON report is written as soon as its
last exercise is graded; ``grades.csv`` at the end. Inputs are drawn from one seed per
run (shown in every report) so all submissions of a run face the same cases, and the
expected answers are computed once per exercise.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TextIO

from .grade import ExerciseReport, Prepared, _report, detect_lessons, grade_exercise, prepare
from .registry import Exercise, lesson_exercises
from .report import SubmissionReport, report_names, to_json_text, write_atomic, write_csv
from .sandbox import Limits
from .source import MAX_BYTES, Submission, SubmissionError, read_submission

__all__ = ["grade_class"]


def _plan(path: str, lesson: str | None, seed: int):
    """Read and parse one submission (never executing it): its report and exercises."""
    digest, data = hashlib.sha256(), b""
    with open(path, "rb") as f:  # read-only: the submission is never modified
        while chunk := f.read(2**20):
            digest.update(chunk)
            if len(data) <= MAX_BYTES:
                data += chunk
    report = SubmissionReport(path, digest.hexdigest(), seed)
    sub: Submission | None = None
    try:
        sub = read_submission(path, data)
    except SubmissionError as exc:
        report.messages.append(f"could not read the submission: {exc}")
    except Exception as exc:  # anything else the parser trips on must not stop the batch
        report.messages.append(f"could not read the submission ({type(exc).__name__}: {exc})")
    lessons = [lesson[:2]] if lesson else detect_lessons(sub) if sub else []
    if sub is not None and not lessons:
        report.messages.append("no exercise of the course was found (no marker, no known function)")
    report.lessons = lessons
    exercises = [ex for key in lessons for ex in lesson_exercises(key)]
    return report, sub, exercises


def _grade_one(prep: Prepared, sub: Submission | None, limits: Limits) -> ExerciseReport:
    ex = prep.exercise
    if sub is None:
        return _report(ex, "error", "the submission could not be read", cases=0)
    try:
        return grade_exercise(prep, sub, limits)
    except Exception as exc:  # a grader bug must not stop the batch; it is reported loudly
        traceback.print_exc(file=sys.stderr)
        message = f"internal grader error ({type(exc).__name__}: {exc}); please report it"
        return _report(ex, "error", message, cases=0)


def _progress(log: TextIO, done: int, total: int, report: SubmissionReport) -> None:
    statuses = " ".join(f"{i.split('.', 1)[1]}:{r.status}" for i, r in report.exercises.items())
    statuses = statuses or "; ".join(report.messages)
    score = f"{report.score:g}/{report.max_score:g}"
    log.write(f"[{done:>{len(str(total))}}/{total}] {report.submission}  {score}  {statuses}\n")
    log.flush()


def grade_class(
    paths: list[str],
    out_dir: Path,
    limits: Limits,
    jobs: int = 1,
    lesson: str | None = None,
    seed: int | None = None,
    log: TextIO | None = None,
) -> list[SubmissionReport]:
    """Grade ``paths`` into ``out_dir`` (``grades.csv`` + one JSON each); return the reports.

    Progress goes to ``log`` (default: standard error), one line per finished submission.
    """
    log = sys.stderr if log is None else log
    seed = secrets.randbits(31) if seed is None else seed
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    names = report_names(paths)
    plans = [_plan(path, lesson, seed) for path in paths]
    prepared: dict[str, Prepared] = {}

    def prep(ex: Exercise) -> Prepared:
        if ex.id not in prepared:
            prepared[ex.id] = prepare(ex, seed)
        return prepared[ex.id]

    remaining = [len(exercises) for _, _, exercises in plans]
    done = 0

    def finish(k: int) -> None:
        nonlocal done
        report = plans[k][0]
        order = [ex.id for ex in plans[k][2]]
        report.exercises = {i: report.exercises[i] for i in order}
        write_atomic(out_dir / names[k], to_json_text(report))
        done += 1
        _progress(log, done, len(paths), report)

    log.write(f"grading {len(paths)} submission(s) with {jobs} job(s), seed {seed}\n")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_grade_one, prep(ex), sub, limits): k
            for k, (_, sub, exercises) in enumerate(plans)
            for ex in exercises
        }
        for k, (_, _, exercises) in enumerate(plans):
            if not exercises:
                finish(k)
        try:
            for future in as_completed(futures):
                k = futures[future]
                result = future.result()
                plans[k][0].exercises[result.id] = result
                remaining[k] -= 1
                if remaining[k] == 0:
                    finish(k)
        except KeyboardInterrupt:  # Ctrl-C: drop the queue; running workers end at their limit
            pool.shutdown(wait=False, cancel_futures=True)
            log.write("interrupted: finished reports are in place, grades.csv was not written\n")
            raise
    reports = [report for report, _, _ in plans]
    write_csv(out_dir / "grades.csv", reports)
    log.write(
        f"graded {len(paths)} submission(s) in {time.monotonic() - started:.1f} s "
        f"-> {out_dir / 'grades.csv'}\n"
    )
    return reports
