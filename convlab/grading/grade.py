"""Grading submissions: find each answer by exercise id, run it in a worker, judge it here.

For every (submission, exercise) the grader selects the statements the function needs
(:mod:`~convlab.grading.source`), refuses forbidden APIs statically
(:mod:`~convlab.grading.forbid`), runs the rest in a fresh worker
(:mod:`~convlab.grading.sandbox`) on inputs drawn from a fresh seed, and compares the
answers with expected values computed in this process (:mod:`~convlab.grading.compare`).
A broken submission or exercise never stops the batch.

Statuses: ``ok`` (every case right), ``wrong`` (a value, shape or dtype differs),
``error`` (the function raised, or its process died), ``timeout`` (wall-clock or CPU
limit), ``missing`` (no such function, or the untouched stub), ``forbidden`` (uses an API
the exercise forbids). An exercise scores its points when it is ``ok``; a time budget, if
any, is worth its own points and reported on its own line.
"""

from __future__ import annotations

import ast
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import forbid, sandbox
from .compare import Raised, Raises, compare
from .registry import Exercise, all_exercises
from .source import Selection, Submission, is_stub, select

__all__ = ["ExerciseReport", "Prepared", "detect_lessons", "grade_exercise", "prepare"]

STATUSES = ("ok", "wrong", "error", "timeout", "missing", "forbidden")
_KEPT = (
    "only imports, functions, classes and plain assignments at the top level of a cell are "
    "kept when grading; define what the function needs that way"
)


@dataclass
class ExerciseReport:
    id: str
    title: str
    score: float
    max: float
    status: str
    messages: list[str] = field(default_factory=list)
    passed: int = 0
    cases: int = 0
    seconds: float | None = None
    timing: dict | None = None
    output: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "id"}

    @classmethod
    def of(cls, ex: Exercise, status: str, *messages: str, **more: Any) -> ExerciseReport:
        """The report of ``ex`` with ``status``: full points when ``ok``, else 0; empty
        messages are dropped; ``cases`` defaults to the exercise's number of cases."""
        score = ex.points if status == "ok" else 0
        more.setdefault("cases", len(ex.cases))
        return cls(ex.id, ex.title, score, ex.points, status, [m for m in messages if m], **more)


@dataclass(frozen=True)
class Prepared:
    """An exercise's inputs for one grading run and the expected answers (computed here)."""

    exercise: Exercise
    args: list[tuple]
    expected: list[Any]
    timed: tuple[tuple, ...] = ()  # each timed round's arguments
    timed_expected: tuple = ()


def prepare(ex: Exercise, seed: int) -> Prepared:
    """Draw every case's inputs from ``seed`` and compute the expected values.

    A time budget gets ``sandbox.ROUNDS`` timed rounds, each on inputs of its own (so a
    function that remembers its last answer gains nothing): round ``r`` calls with
    ``ex.timed_args(seed, r)``.
    """
    args = [case.make(ex.rng(seed, i)) for i, case in enumerate(ex.cases)]
    expected = [ex.expected(case, a) for case, a in zip(ex.cases, args, strict=True)]
    if ex.budget is None:
        return Prepared(ex, args, expected)
    timed = tuple(ex.timed_args(seed, r) for r in range(sandbox.ROUNDS))
    return Prepared(ex, args, expected, timed, tuple(ex.reference(*t) for t in timed))


def detect_lessons(sub: Submission) -> list[str]:
    """The lessons a submission answers: by its exercise markers, else by function names."""
    known = {ex.id: ex.lesson for ex in all_exercises()}
    marked = sorted({known[i] for i in sub.markers if i in known})
    if marked:
        return marked
    counts = Counter(ex.lesson for ex in all_exercises() if sub.bindings(ex.func))
    best = max(counts.values(), default=0)
    return sorted(lesson for lesson, n in counts.items() if n == best)


def _static_forbidden(ex: Exercise, sel: Selection) -> list[str]:
    """Each forbidden use in the selected statements, placed in its cell and line."""
    hits = []
    for st in sel.statements:
        tree = ast.parse(st.source)
        for hit in forbid.found(tree, ex.forbid_modules, ex.forbid_functions):
            hits.append(f"{hit.name} (cell {st.cell}, line {hit.line + st.line - 1})")
    return hits


def grade_exercise(prep: Prepared, sub: Submission, limits: sandbox.Limits) -> ExerciseReport:
    """Grade one exercise of one parsed submission."""
    ex = prep.exercise
    sel = select(sub, ex.func)
    if sel.graded is None:
        for cell in sub.markers.get(ex.id, []):
            if cell in sub.syntax_errors:
                problem = sub.syntax_errors[cell]
                return ExerciseReport.of(
                    ex, "error", f"cell {cell} (marked {ex.id}) does not parse: {problem}"
                )
        return ExerciseReport.of(ex, "missing", f"no function named {ex.func} was found")
    if is_stub(sel.graded.node):
        return ExerciseReport.of(
            ex, "missing", f"not attempted: {ex.func} still raises NotImplementedError"
        )
    hits = _static_forbidden(ex, sel)
    if hits:
        listing = "; ".join(hits)
        return ExerciseReport.of(
            ex, "forbidden", *sel.notes, f"uses an API this exercise forbids: {listing}"
        )
    job = sandbox.Job(
        func=ex.func,
        chunks=[{"cell": s.cell, "line": s.line, "source": s.source} for s in sel.statements],
        cases=prep.args,
        forbid_modules=ex.forbid_modules,
        forbid_functions=ex.forbid_functions,
        timed=prep.timed,
        baseline=ex.budget.baseline if ex.budget else "conv2d",
        guard=_guard(limits),
    )
    outcome = sandbox.run(job, limits)
    report = judge(prep, outcome, limits)
    report.messages[:0] = sel.notes
    return report


def _guard(limits: sandbox.Limits) -> bool:
    """The audit-hook layer is always on, except when a test proves bubblewrap alone."""
    alone = os.environ.get("CONVLAB_GRADE_TEST_WITHOUT_AUDIT_HOOK") == "1"
    return not (alone and limits.isolation == "bwrap")


def _ended(outcome: sandbox.Outcome, limits: sandbox.Limits, during: str) -> tuple[str, str]:
    """(status, message) for a worker that stopped ``during`` a case, before finishing."""
    code = outcome.returncode
    if outcome.stopped_by == "wall-clock":
        return "timeout", f"stopped at the {limits.timeout:g} s wall-clock limit during {during}"
    if outcome.stopped_by == "cpu":
        return (
            "timeout",
            f"stopped at the CPU-time limit ({limits.cpu_seconds} s) during {during}",
        )
    if outcome.signal is not None:
        return "error", f"the process was killed by {outcome.signal} during {during}"
    return (
        "error",
        f"the process ended during {during} without returning (exit code {code}: os._exit?)",
    )


def judge(prep: Prepared, outcome: sandbox.Outcome, limits: sandbox.Limits) -> ExerciseReport:
    """Turn a worker's outcome into a status, a score and messages."""
    ex, n = prep.exercise, len(prep.args)
    more = {"cases": n, "seconds": round(outcome.wall_seconds, 3)}
    more["output"] = (outcome.output + outcome.stray_output)[: limits.output_chars]
    notes = []
    if outcome.output_chars > len(outcome.output):
        notes.append(
            f"printed {outcome.output_chars:,} characters; "
            f"the report keeps the first {limits.output_chars:,}"
        )
    refused = Counter(what for kind, what in outcome.events if kind == "blocked")
    notes += [
        f"the sandbox refused {what}" + (f" ({n} times)" if n > 1 else "")
        for what, n in list(refused.items())[:5]
    ]
    notes += [f"grader: {problem}" for problem in outcome.problems]
    used = [what for kind, what in outcome.events if kind == "forbidden"]
    if used:
        return ExerciseReport.of(
            ex,
            "forbidden",
            f"used {', '.join(dict.fromkeys(used))}, which this exercise forbids",
            *notes,
            **more,
        )
    if outcome.define_error is not None:
        err = outcome.define_error
        hint = _KEPT if err.name == "NameError" else ""
        return ExerciseReport.of(
            ex,
            "error",
            f"running the cells it needs raised {err}",
            *err.where,
            hint,
            *notes,
            **more,
        )
    got = outcome.cases[:n]
    verdicts = [compare(e, g, ex.rtol, ex.atol) for e, g in zip(prep.expected, got, strict=False)]
    more["passed"] = sum(v.ok for v in verdicts)
    if len(got) < n:
        status, words = _ended(
            outcome, limits, f"case {len(got) + 1}/{n} ({ex.cases[len(got)].label})"
        )
        return ExerciseReport.of(ex, status, words, *notes, **more)
    bad = next((i for i, v in enumerate(verdicts) if not v.ok), None)
    if bad is not None:
        case, value, expected = ex.cases[bad], got[bad], prep.expected[bad]
        failed = (
            f"{n - more['passed']} of {n} cases failed; the first is case {bad + 1} ({case.label})"
        )
        if isinstance(value, Raised) and not isinstance(expected, Raises):
            memory = f" (memory limit {limits.memory_mb} MB)" if value.name == "MemoryError" else ""
            return ExerciseReport.of(
                ex, "error", failed, f"it raised {value}{memory}", *value.where, *notes, **more
            )
        hint = ex.diagnose(prep.args[bad], expected, value)
        return ExerciseReport.of(
            ex, "wrong", failed, verdicts[bad].problem, f"hint: {hint}", *notes, **more
        )
    report = ExerciseReport.of(ex, "ok", f"all {n} cases passed", *notes, **more)
    if ex.budget is not None:
        _judge_speed(prep, outcome, report)
    return report


def _judge_speed(prep: Prepared, outcome: sandbox.Outcome, report: ExerciseReport) -> None:
    """The time-budget line: its points are kept only within budget on a right answer."""
    budget = prep.exercise.budget
    timing, ex = outcome.timing, prep.exercise
    verdicts = [
        compare(e, g, ex.rtol, ex.atol)
        for e, g in zip(prep.timed_expected, (timing or {}).get("values", []), strict=False)
    ]
    wrong = next((v for v in verdicts if not v.ok), None)
    seconds, base = (timing or {}).get("seconds"), (timing or {}).get("baseline")
    if timing is None:
        line = "the timed run did not finish (time limit)"
    elif "error" in timing:
        line = f"the timed run raised {timing['error']}"
    elif "problem" in timing:
        line = f"the timed run does not count: {timing['problem']}"
    elif wrong is not None:
        line = f"the timed run returned a wrong result: {wrong.problem}"
    elif not all(isinstance(t, float) and math.isfinite(t) and t > 0 for t in (seconds, base)):
        line = f"the timed run does not count: impossible times {seconds!r}, {base!r}"
    else:
        ratio = seconds / base
        report.timing = {
            "seconds": timing["seconds"],
            "baseline_seconds": timing["baseline"],
            "ratio": round(ratio, 2),
            "budget": budget.factor,
        }
        line = f"{ratio:.1f}× the vectorised baseline on {budget.label} (budget {budget.factor:g}×)"
        if ratio <= budget.factor:
            report.messages.append(f"speed: {line}")
            return
    report.score -= budget.points
    report.messages.append(f"speed: {line}; −{budget.points:g} point (budget)")
