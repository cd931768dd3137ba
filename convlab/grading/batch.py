"""Grading a class: many submissions in parallel, with progress, never stopping on one.

Work is spread over ``jobs`` threads, one (submission, exercise) pair at a time, each
pair in its own worker process. Every result is committed to the gradebook
(``DIR/gradebook.sqlite``) the moment it is known; a submission's JSON report is exported
as soon as its last exercise is graded, ``grades.csv`` at the end. Running the same
command again (after a crash, Ctrl-C or ``kill -9``) grades only what the gradebook does
not hold yet for each file's current content (``regrade=True`` starts over). Inputs are
drawn from one seed per run (kept in the gradebook and shown in every report) so all
submissions of a run face the same cases; the expected answers are computed once per
exercise.
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

from .grade import ExerciseReport, Prepared, detect_lessons, grade_exercise, prepare
from .gradebook import Gradebook
from .registry import Exercise, lesson_exercises
from .report import (
    SubmissionReport,
    clean,
    report_names,
    sweep,
    to_json_text,
    write_atomic,
    write_csv,
)
from .sandbox import Limits
from .source import MAX_BYTES, Submission, SubmissionError, read_submission

__all__ = ["grade_class"]

GRADEBOOK = "gradebook.sqlite"


def _plan(path: str, lesson: str | None, seed: int):
    """Read and parse one submission (never executing it): its report and exercises."""
    digest, data = hashlib.sha256(), b""
    try:
        with open(path, "rb") as f:  # read-only: the submission is never modified
            while chunk := f.read(2**20):
                digest.update(chunk)
                if len(data) <= MAX_BYTES:
                    data += chunk
    except OSError as exc:
        report = SubmissionReport(path, "unreadable", seed, messages=[f"could not open it: {exc}"])
        return report, None, []
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
        return ExerciseReport.of(ex, "error", "the submission could not be read", cases=0)
    try:
        return grade_exercise(prep, sub, limits)
    except Exception as exc:  # a grader bug must not stop the batch; it is reported loudly
        traceback.print_exc(file=sys.stderr)
        message = f"internal grader error ({type(exc).__name__}: {exc}); please report it"
        return ExerciseReport.of(ex, "error", message, cases=0)


def _progress(log: TextIO, done: int, total: int, report: SubmissionReport) -> None:
    statuses = " ".join(f"{i.split('.', 1)[1]}:{r.status}" for i, r in report.exercises.items())
    statuses = statuses or "; ".join(report.messages)
    score = f"{report.score:g}/{report.max_score:g}"
    line = f"[{done:>{len(str(total))}}/{total}] {report.submission}  {score}  {statuses}"
    log.write(clean(line) + "\n")
    log.flush()


def _seed(book: Gradebook, seed: int | None, log: TextIO) -> int:
    """The run's seed: the one asked for, else the unfinished run's, else a fresh one."""
    if seed is None:
        seed = book.seed()
        if seed is not None:
            log.write(f"resuming the run with seed {seed} (--regrade starts over)\n")
    seed = secrets.randbits(31) if seed is None else seed
    book.set_seed(seed)
    return seed


def grade_class(
    paths: list[str],
    out_dir: Path,
    limits: Limits,
    jobs: int = 1,
    lesson: str | None = None,
    seed: int | None = None,
    log: TextIO | None = None,
    *,
    regrade: bool = False,
    warning: str | None = None,
) -> list[SubmissionReport]:
    """Grade ``paths`` into ``out_dir`` (gradebook, ``grades.csv``, one JSON each).

    Results already in the gradebook for a file's current sha256 and the run's seed are
    kept (``regrade=True`` forgets them). ``warning`` (the sandbox fell back) goes into
    every report. Progress goes to ``log`` (default: standard error), one line per
    finished submission. Returns the reports.
    """
    log = sys.stderr if log is None else log
    started = time.monotonic()
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep(out_dir)
    book = Gradebook(out_dir / GRADEBOOK)
    try:
        if regrade:
            book.clear()
        seed = _seed(book, seed, log)
        return _grade(book, paths, out_dir, limits, jobs, lesson, seed, log, warning, started)
    finally:
        book.close()


def _grade(book, paths, out_dir, limits, jobs, lesson, seed, log, warning, started):
    names = report_names(paths)
    plans = [_plan(path, lesson, seed) for path in paths]
    prepared: dict[str, Prepared] = {}

    def prep(ex: Exercise) -> Prepared:
        if ex.id not in prepared:
            prepared[ex.id] = prepare(ex, seed)
        return prepared[ex.id]

    todo = []
    for k, (report, sub, exercises) in enumerate(plans):
        if warning:
            report.messages.append(f"warning: {warning}")
        book.record_submission(report.submission, report.sha256, report.lessons, report.messages)
        kept = book.results(report.submission, seed, report.sha256)
        todo += [(k, ex, sub) for ex in exercises if ex.id not in kept]
    remaining = [0] * len(plans)
    unsaved: list[dict[str, ExerciseReport]] = [{} for _ in plans]
    for k, _, _ in todo:
        remaining[k] += 1
    done = 0

    def finish(k: int) -> None:
        """Export submission ``k``'s JSON from the gradebook; a failure costs only this."""
        nonlocal done
        report, _, exercises = plans[k]
        try:
            stored = book.results(report.submission, seed, report.sha256) | unsaved[k]
            if unsaved[k]:
                report.messages.append("warning: some results could not be saved in the gradebook")
            report.exercises = {ex.id: stored[ex.id] for ex in exercises if ex.id in stored}
            report.sandbox = "+".join(book.sandboxes(report.submission, seed)) or "none"
            write_atomic(out_dir / names[k], to_json_text(report))
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            log.write(clean(f"could not export {report.submission}: {exc!r}") + "\n")
        done += 1
        _progress(log, done, len(paths), report)

    kept = sum(len(p[2]) for p in plans) - len(todo)
    log.write(
        f"grading {len(paths)} submission(s) with {jobs} job(s), seed {seed}, "
        f"sandbox {limits.isolation}"
        + (f"; {kept} result(s) kept from the gradebook" if kept else "")
        + "\n"
    )
    if warning:
        log.write(f"warning: {warning}\n")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade_one, prep(ex), sub, limits): k for k, ex, sub in todo}
        for k in range(len(plans)):
            if remaining[k] == 0:
                finish(k)
        try:
            for future in as_completed(futures):
                k = futures[future]
                report = plans[k][0]
                book.record(
                    report.submission, seed, report.sha256, future.result(), limits.isolation
                )
                remaining[k] -= 1
                if remaining[k] == 0:
                    finish(k)
        except KeyboardInterrupt:  # Ctrl-C: drop the queue; running workers end at their limit
            pool.shutdown(wait=False, cancel_futures=True)
            log.write(
                "interrupted: every finished result is in the gradebook; run the same "
                "command again to grade the rest\n"
            )
            raise
    reports = [report for report, _, _ in plans]
    write_csv(out_dir / "grades.csv", reports)
    log.write(
        f"graded {len(paths)} submission(s) in {time.monotonic() - started:.1f} s "
        f"-> {out_dir / 'grades.csv'}\n"
    )
    return reports
