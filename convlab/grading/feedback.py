"""``check("exercise_id")``: instant feedback on an exercise, inside the learner's notebook.

It runs the exercise's public cases from small to large on the learner's function and
stops at the first (so the smallest) failing one, showing its inputs, expected vs got
(shape, dtype, values) and a hint tied to the usual mistake. It returns a
:class:`CheckResult`, rendered as HTML in Jupyter and as plain text elsewhere, and it
never raises: whatever the function does, the cell shows a verdict. The grader runs the
same comparisons on hidden cases, in a sandbox (``convlab grade``).

>>> def output_size(n, k, s=1, p=0, d=1):
...     return (n + 2 * p - d * (k - 1) - 1) // s + 1
>>> print(check("02.output_size"))
✅ 02.output_size · Output size of a convolution (1 point): all 4 public cases pass
  ✅ n=5, k=3, s=1, p=0, d=1
  ✅ n=7, k=3, s=2, p=1, d=1
  ✅ n=6, k=3, s=2, p=0, d=1
  ✅ n=10, k=3, s=1, p=0, d=2
The grader also runs hidden cases (larger inputs and edge cases).
"""

from __future__ import annotations

import ast
import html
import inspect
import sys
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass, field

from .._validation import fail
from . import forbid
from .compare import Raised, compare, show
from .protocol import BASELINES, time_against
from .registry import Exercise, exercise

__all__ = ["CheckResult", "assert_exercise", "check"]

PUBLIC_SEED = 0


@dataclass
class Failure:
    label: str
    inputs: list[tuple[str, str]]
    expected: str
    got: str
    problem: str
    hint: str


@dataclass
class CheckResult:
    """The verdict of :func:`check`; truthy when every public case passes."""

    title: str
    ok: bool
    summary: str
    cases: list[tuple[str, str]] = field(default_factory=list)  # (mark, label)
    failure: Failure | None = None
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = f"{'✅' if self.ok else '❌'} {self.title}: {self.summary}"
        lines = [head, *(f"  {mark} {label}" for mark, label in self.cases)]
        f = self.failure
        if f is not None:
            lines += ["", f"Smallest failing case: {f.label}"]
            lines += [f"  {name} = {_indent(text, 6)}" for name, text in f.inputs]
            lines += [f"Expected: {_indent(f.expected, 10)}", f"Got:      {_indent(f.got, 10)}"]
            lines += [f"Problem:  {f.problem}", f"Hint:     {f.hint}"]
        return "\n".join(lines + self.notes)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        e = html.escape
        colour = "#1a7f37" if self.ok else "#cf222e"
        rows = "".join(f"<li>{mark} {e(label)}</li>" for mark, label in self.cases)
        parts = [
            f'<div class="convlab-check" style="border-left:4px solid {colour};padding:4px 10px">',
            f"<b>{'✅' if self.ok else '❌'} {e(self.title)}</b>: {e(self.summary)}",
            f'<ul style="list-style:none;padding-left:8px;margin:4px 0">{rows}</ul>',
        ]
        f = self.failure
        if f is not None:
            td = '<td style="vertical-align:top;text-align:left;padding:2px 24px 2px 0">'
            th = '<th style="text-align:left;padding-right:24px">'

            def row(*cells: str) -> str:
                return "<tr>" + "".join(f"{td}{c}</td>" for c in cells) + "</tr>"

            args = "".join(row(f"<code>{e(n)}</code>", f"<pre>{e(t)}</pre>") for n, t in f.inputs)
            parts += [
                f"<p><b>Smallest failing case:</b> {e(f.label)}</p>",
                f"<table>{args}</table>",
                f"<table><tr>{th}expected</th>{th}got</th></tr>",
                row(f"<pre>{e(f.expected)}</pre>", f"<pre>{e(f.got)}</pre>") + "</table>",
                f"<p><b>Problem:</b> {e(f.problem)}</p>",
                f'<p style="background:#fff8c5;padding:4px"><b>Hint:</b> {e(f.hint)}</p>',
            ]
        parts += [f"<p>{e(note)}</p>" for note in self.notes]
        return "\n".join(parts) + "\n</div>"


def _indent(text: str, width: int) -> str:
    return text.replace("\n", "\n" + " " * width)


def _aliases(func: Callable) -> dict[str, str]:
    """Dotted names of the modules and functions a function's globals refer to."""
    names = {}
    for name, value in getattr(func, "__globals__", {}).items():
        if isinstance(value, types.ModuleType):
            names[name] = value.__name__
        elif callable(value) and getattr(value, "__module__", None) and hasattr(value, "__name__"):
            module = value.__module__
            names[name] = f"{'numpy' if module.startswith('numpy') else module}.{value.__name__}"
    return names


def _forbidden_notes(ex: Exercise, func: Callable) -> list[str]:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return []
    hits = forbid.found(tree, ex.forbid_modules, ex.forbid_functions, aliases=_aliases(func))
    uses = ", ".join(map(str, hits))
    return [f"⚠️ uses {uses}: forbidden in this exercise, the grader gives 0 points"] if hits else []


def _speed_note(ex: Exercise, func: Callable, seed: int = PUBLIC_SEED) -> tuple[bool, str]:
    """(within budget and right, the line that says so) for the budget's timed run."""
    budget = ex.budget
    args = ex.timed_args(seed)
    try:
        first, spent, base = time_against(func, args, BASELINES[budget.baseline])
    except BaseException as exc:
        error = Raised.from_exception(exc)
        return False, f"⚠️ speed: the timed run on {budget.label} raised {error}"
    verdict = compare(ex.reference(*args), first, ex.rtol, ex.atol)
    if not verdict.ok:
        return False, f"⚠️ speed: the timed run on {budget.label} is wrong: {verdict.problem}"
    ratio = spent / base
    if ratio <= budget.factor:
        return True, (
            f"⏱ speed: within the {budget.factor:g}× budget (vectorised baseline, {budget.label})"
        )
    return False, (
        f"⚠️ speed: {ratio:.0f}× the vectorised baseline on {budget.label}, over the "
        f"{budget.factor:g}× budget: the grader takes off {budget.points:g} point. Avoid Python "
        "loops over pixels."
    )


def _run(
    ex: Exercise, func: Callable, seed: int = PUBLIC_SEED, hidden: bool = False, speed: bool = True
) -> CheckResult:
    """Run the public cases (every case if ``hidden``) under ``seed``; time it if ``speed``."""
    title = f"{ex.id} · {ex.title} ({ex.points:g} point{'s' if ex.points != 1 else ''})"
    which = "" if hidden else "public "
    chosen = [(i, case) for i, case in enumerate(ex.cases) if hidden or case.public]
    marks: list[tuple[str, str]] = []
    for done, (i, case) in enumerate(chosen):
        args = case.make(ex.rng(seed, i))
        expected = ex.expected(case, args)
        try:
            got = func(*[a.copy() if hasattr(a, "copy") else a for a in args])
        except BaseException as exc:
            got = Raised.from_exception(exc)
        verdict = compare(expected, got, ex.rtol, ex.atol)
        if verdict.ok:
            marks.append(("✅", case.label))
            continue
        marks.append(("❌", case.label))
        marks += [("·", later.label) for _, later in chosen[done + 1 :]]
        if isinstance(got, Raised) and got.name == "NotImplementedError":
            todo = "Replace `raise NotImplementedError` with your code, then run the cell again."
            return CheckResult(title, False, "not implemented yet", marks, None, [todo])
        summary = f"{which}case {done + 1} of {len(chosen)} fails"
        inputs = [(name, show(a)) for name, a in zip(ex.params, args, strict=False)]
        failure = Failure(
            case.label,
            inputs,
            show(expected),
            show(got),
            verdict.problem,
            ex.diagnose(args, expected, got),
        )
        return CheckResult(title, False, summary, marks, failure, _forbidden_notes(ex, func))
    notes = _forbidden_notes(ex, func)
    ok = not notes
    if speed and ex.budget is not None:  # a note only: the graders take the point off
        notes.append(_speed_note(ex, func, seed)[1])
    if not hidden:
        notes.append("The grader also runs hidden cases (larger inputs and edge cases).")
    return CheckResult(title, ok, f"all {len(chosen)} {which}cases pass", marks, None, notes)


def _not_a_function(ex: Exercise, func: object) -> str:
    if func is None:
        return f"no function named {ex.func}: define it (run its cell) first"
    if not callable(func):
        return f"{ex.func} is a {type(func).__name__}, not a function"
    return ""


def check(exercise_id: str, func: Callable | None = None) -> CheckResult:
    """Run the public cases of ``exercise_id`` on your function and show what went wrong.

    Parameters
    ----------
    exercise_id : str
        The id in the exercise's ``# EXERCISE:`` line, e.g. ``"01.corr2d"``.
    func : callable, optional
        The function to check. By default the function with the exercise's name in the
        calling notebook (so define it, run its cell, then call ``check``).

    Returns
    -------
    CheckResult
        Shown as HTML in Jupyter, as text elsewhere; truthy when every public case passes.
    """
    try:
        ex = exercise(exercise_id)
    except (TypeError, ValueError) as exc:
        return CheckResult(f"check({exercise_id!r})", False, str(exc))
    try:
        if func is None:
            func = sys._getframe(1).f_globals.get(ex.func)
        problem = _not_a_function(ex, func)
        if problem:
            return CheckResult(ex.id, False, problem)
        return _run(ex, func)
    except Exception as exc:
        return CheckResult(
            ex.id, False, f"check() itself failed ({type(exc).__name__}: {exc}); please report it"
        )


def assert_exercise(
    exercise_id: str,
    func: Callable | None,
    seed: int = PUBLIC_SEED,
    *,
    public_only: bool = False,
    speed: bool = False,
) -> None:
    """Raise ``AssertionError`` unless ``func`` passes the exercise: for other graders' tests.

    This is the test that ``convlab export nbgrader|otter`` writes into the autograder
    cells. It runs the exercise's cases, public and hidden, on inputs drawn from ``seed``,
    with the same comparisons as :func:`check` and ``convlab grade``; on the first failing
    case it raises with the text :func:`check` shows (inputs, expected vs got, hint). An
    API the exercise forbids fails it too, as in ``convlab grade``.

    Parameters
    ----------
    exercise_id : str
        The exercise, e.g. ``"02.output_size"``.
    func : callable or None
        The learner's function (None, as a grader passes for a missing name, fails).
    seed : int, default 0
        Draws the cases' random inputs; 0 gives the inputs :func:`check` shows.
    public_only : bool, default False
        Run only the public cases, exactly as :func:`check` does.
    speed : bool, default False
        Test the exercise's time budget instead (its speed points): every case must pass,
        then a timed run must stay within the budget's factor of the vectorised baseline.

    Raises
    ------
    AssertionError
        The function fails a case, uses a forbidden API or (``speed``) is too slow.
    ValueError
        Unknown exercise, or ``speed=True`` for an exercise without a time budget.

    Examples
    --------
    >>> def output_size(n, k, s=1, p=0, d=1):
    ...     return (n + 2 * p - k) // s + 1
    >>> assert_exercise("02.output_size", output_size, seed=7)
    Traceback (most recent call last):
      ...
    AssertionError: ❌ 02.output_size · Output size of a convolution (1 point): case 4 of ... fails
    ...
    Smallest failing case: n=10, k=3, s=1, p=0, d=2
    ...
    Expected: 6
    Got:      8
    Problem:  8 instead of 6
    Hint:     A dilated kernel spans d(k − 1) + 1 pixels: use that instead of k.
    >>> def output_size(n, k, s=1, p=0, d=1):
    ...     return (n + 2 * p - d * (k - 1) - 1) // s + 1
    >>> assert_exercise("02.output_size", output_size, seed=7)  # passes: returns None
    """
    __tracebackhide__ = True  # IPython and pytest show the message, not this frame
    ex = exercise(exercise_id)
    if speed and ex.budget is None:
        raise fail(
            "assert_exercise",
            f"speed=True needs an exercise with a time budget; {ex.id} has none",
            "Use speed=False",
            argument="speed",
            value=speed,
        )
    problem = _not_a_function(ex, func)
    if problem:
        raise AssertionError(f"❌ {ex.id}: {problem}")
    result = _run(ex, func, seed, hidden=not public_only, speed=False)
    if not result.ok:
        raise AssertionError(str(result))
    if speed:  # best of three timed runs, as convlab grade's rounds: a busy host is not slow code
        for _ in range(3):
            fast, line = _speed_note(ex, func, seed)
            if fast or "the vectorised baseline on" not in line:
                break
        if not fast:
            raise AssertionError(f"❌ {ex.id} (speed, {ex.budget.points:g} point): {line}")
