"""Checkpoints: predict-then-check questions for the lessons.

A checkpoint asks the learner to commit to an answer *before* the lesson reveals it. The
learner types or picks an answer and gets ✅ or ❌; a wrong answer shows the hint (if
any), and after two wrong tries the answer is shown with its explanation. A right answer
shows the explanation too, so the learner knows *why*.

Four kinds of question, one constructor each:

* :func:`number` — a number (an output size, a parameter count), with a tolerance;
* :func:`shape` — a shape tuple, typed as ``2, 16, 8, 8`` (or ``(2, 16, 8, 8)``, ``2×16×8×8``);
* :func:`choice` — one option out of several;
* :func:`cells` — click the cells of a row or a grid (which input rows a window never
  reads, which outputs change).

A checkpoint never raises on a learner's answer, prints as plain text where there is no
display, and a saved notebook (no kernel) shows the question with "run this cell to
answer". :meth:`Checkpoint.submit` is what the buttons call; tests and learners without
a front end can call it directly. How a typed or clicked answer is read (``"2×16×8×8"``,
``"b"``, ``"4, 5"``) lives in :mod:`convlab._quizread`; this module holds the question,
its tries and its display.

>>> from convlab import quiz
>>> q = quiz.number("A 3×3 kernel slides over a 5×5 input. Output size?", 3,
...                 explain="o = n - k + 1 = 5 - 3 + 1 = 3.")
>>> q.submit("4").correct
False
>>> print(q.submit(3).text)
✅ Right. o = n - k + 1 = 5 - 3 + 1 = 3.
>>> q.state["tries"], q.state["solved"]
(2, True)
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._quizread import cells_reader, choice_reader, read_number, read_shape, show_cells

__all__ = ["Checkpoint", "Verdict", "cells", "choice", "number", "shape"]

TRIES_BEFORE_ANSWER = 2
RUN_HINT = "Run this cell to answer."


@dataclass(frozen=True)
class Verdict:
    """The result of one answer: whether it was right, and what the learner is told."""

    correct: bool
    text: str
    counted: bool = True  # False when the answer could not be read (not a try)


class Checkpoint:
    """One question. Build it with :func:`number`, :func:`shape`, :func:`choice` or :func:`cells`.

    ``state`` is a plain dict for tests: ``tries`` (answers read so far), ``wrong``, ``solved``,
    ``revealed`` (the answer was shown after two wrong tries) and ``last`` (the last
    feedback text).
    """

    kind = "question"

    def __init__(
        self,
        question: str,
        answer: Any,
        *,
        explain: str,
        hint: str | None = None,
        parse: Callable[[Any], Any],
        same: Callable[[Any, Any], bool],
        show: Callable[[Any], str] = str,
        options: Sequence[str] = (),
    ) -> None:
        if not isinstance(question, str) or not question.strip():
            raise TypeError(f"quiz: question must be a non-empty str; got {question!r}")
        if not isinstance(explain, str) or not explain.strip():
            raise TypeError(
                "quiz: explain must be a non-empty str: say why the answer is right; "
                f"got {explain!r}"
            )
        self.question = question
        self.answer = answer
        self.explain = explain
        self.hint = hint
        self.options = list(options)
        self._parse = parse
        self._same = same
        self._show = show
        self.state: dict[str, Any] = {
            "tries": 0,
            "wrong": 0,
            "solved": False,
            "revealed": False,
            "last": "",
        }
        self._feedback = None  # the ipywidgets.HTMLMath once displayed

    # ------------------------------------------------------------------ answering
    def submit(self, value: Any) -> Verdict:
        """Judge one answer (a value or the text the learner typed); never raises."""
        try:
            given = self._parse(value)
        except (TypeError, ValueError) as exc:
            verdict = Verdict(False, f"🤔 {exc}", counted=False)
        else:
            verdict = self._judge(given)
        self.state["last"] = verdict.text
        if self._feedback is not None:
            self._feedback.value = _feedback_html(verdict)
        return verdict

    def _judge(self, given: Any) -> Verdict:
        self.state["tries"] += 1
        try:
            right = bool(self._same(given, self.answer))
        except Exception:  # a malformed answer is a wrong answer, never a crash
            right = False
        if right:
            self.state["solved"] = True
            return Verdict(True, f"✅ Right. {self.explain}")
        if self.state["solved"]:
            return Verdict(False, f"❌ Not this time (you had it before). {self.explain}")
        self.state["wrong"] += 1
        if self.state["wrong"] >= TRIES_BEFORE_ANSWER:
            self.state["revealed"] = True
            return Verdict(
                False, f"❌ Not quite. The answer is {self._show(self.answer)}. {self.explain}"
            )
        hint = f" Hint: {self.hint}" if self.hint else ""
        return Verdict(False, f"❌ Not quite: try again.{hint}")

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        lines = [f"Checkpoint ({self.kind}): {self.question}"]
        lines += [f"  {chr(97 + i)}) {o}" for i, o in enumerate(self.options)]
        lines.append(f"{RUN_HINT} (Without Jupyter: .submit(your_answer))")
        return "\n".join(lines)

    def _html(self) -> str:
        opts = "".join(f"<li>{html.escape(o)}</li>" for o in self.options)
        opts = f"<ol type='a'>{opts}</ol>" if opts else ""
        return (
            "<div style='border-left:4px solid #1c7ed6;padding:4px 10px;margin:4px 0'>"
            f"<b>Checkpoint.</b> {html.escape(self.question)}{opts}"
            f"<div style='color:#666'><i>{RUN_HINT}</i></div></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        # the live widget where there is a kernel; the question as HTML/text where there is
        # none (a saved notebook, GitHub, nbconvert): `convlab tidy` keeps those two
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self._html()
        return bundle

    def widget(self):
        """The ipywidgets form: the question, an input, a Check button, the feedback."""
        import ipywidgets as w

        question = w.HTMLMath(f"<b>Checkpoint.</b> {html.escape(self.question)}")
        self._feedback = w.HTMLMath(_feedback_html(Verdict(False, self.state["last"])))
        entry, read = self._input(w)
        button = w.Button(description="Check", button_style="primary", icon="check")
        button.on_click(lambda _: self.submit(read()))
        box = w.VBox(
            [question, w.HBox([entry, button]), self._feedback],
            layout=w.Layout(border_left="4px solid #1c7ed6", padding="4px 10px"),
        )
        box.checkpoint = self
        return box

    def _input(self, w):
        text = w.Text(placeholder="your answer", layout=w.Layout(width="220px"))
        return text, lambda: text.value


def _feedback_html(verdict: Verdict) -> str:
    if not verdict.text:
        return ""
    color = "#2b8a3e" if verdict.correct else ("#c92a2a" if verdict.counted else "#666")
    return f"<div style='color:{color};max-width:760px'>{html.escape(verdict.text)}</div>"


# ---------------------------------------------------------------------- number
def number(
    question: str, answer: float, *, explain: str, tolerance: float = 0, hint: str | None = None
) -> Checkpoint:
    """A question whose answer is a number, right within ``tolerance``.

    >>> q = number("Parameters of a 3×3 conv, 1 → 1 channel, with bias?", 10,
    ...            explain="9 weights + 1 bias.")
    >>> q.submit("9").text
    '❌ Not quite: try again.'
    >>> q.submit("ten").text
    "🤔 'ten' is not a number: type e.g. 3 or 0.5"
    >>> q.submit(11).text
    '❌ Not quite. The answer is 10. 9 weights + 1 bias.'
    """
    target = read_number(answer)
    return Checkpoint(
        question,
        target,
        explain=explain,
        hint=hint,
        parse=read_number,
        same=lambda given, right: abs(given - right) <= tolerance,
        show=lambda v: f"{v:g}",
    )


# ---------------------------------------------------------------------- shape
def shape(
    question: str, answer: Sequence[int], *, explain: str, hint: str | None = None
) -> Checkpoint:
    """A question whose answer is a shape, typed as ``2, 16, 8, 8``.

    >>> q = shape("conv2d of a (2, 3, 8, 8) input with a (16, 3, 3, 3) weight?", (2, 16, 6, 6),
    ...           explain="N stays, C_out = 16, 8 - 3 + 1 = 6.")
    >>> q.submit("(2, 16, 6, 6)").correct
    True
    """
    target = read_shape(answer)
    return Checkpoint(
        question,
        target,
        explain=explain,
        hint=hint,
        parse=read_shape,
        same=lambda given, right: given == right,
        show=lambda v: "(" + ", ".join(map(str, v)) + ")",
    )


# ---------------------------------------------------------------------- choice
class _Choice(Checkpoint):
    kind = "choice"

    def _input(self, w):
        radio = w.RadioButtons(options=self.options, value=None, layout=w.Layout(width="auto"))
        return radio, lambda: radio.index


def choice(
    question: str, options: Sequence[str], answer: int, *, explain: str, hint: str | None = None
) -> Checkpoint:
    """A multiple-choice question; ``answer`` is the index of the right option.

    The learner may answer with the index, the option's letter (``"b"``) or its text.

    >>> q = choice("Which padding mode repeats the edge pixel?",
    ...            ["reflect", "replicate", "circular"], 1,
    ...            explain="replicate copies the edge; reflect mirrors without repeating it.")
    >>> q.submit("b").correct
    True
    """
    options = [str(o) for o in options]
    if not isinstance(answer, int) or not 0 <= answer < len(options):
        raise ValueError(
            f"quiz.choice: answer must be the index of the right option (0 to "
            f"{len(options) - 1}); got {answer!r}"
        )

    return _Choice(
        question,
        answer,
        explain=explain,
        hint=hint,
        parse=choice_reader(options),
        same=lambda given, right: given == right,
        show=lambda i: f"{chr(97 + i)}) {options[i]}",
        options=options,
    )


# ---------------------------------------------------------------------- cells
class _Cells(Checkpoint):
    kind = "cells"

    def __init__(self, *args, grid: tuple[int, int], values=None, **kw):
        super().__init__(*args, **kw)
        self.grid = grid
        self.values = values

    def _label(self, r: int, c: int) -> str:
        if self.values is not None:
            return f"{self.values[r][c]:g}" if self.grid[0] > 1 else f"{self.values[c]:g}"
        return str(c) if self.grid[0] == 1 else f"{r},{c}"

    def _input(self, w):
        rows, cols = self.grid
        buttons = [
            w.ToggleButton(description=self._label(r, c), layout=w.Layout(width="52px"))
            for r in range(rows)
            for c in range(cols)
        ]
        box = w.GridBox(
            buttons, layout=w.Layout(grid_template_columns=f"repeat({cols}, 56px)", width="auto")
        )

        def read():
            picked = [i for i, b in enumerate(buttons) if b.value]
            return [i if rows == 1 else divmod(i, cols) for i in picked]

        return box, read


def cells(
    question: str,
    shape: int | tuple[int, int],
    answer: Iterable,
    *,
    explain: str,
    hint: str | None = None,
    values: Any = None,
) -> Checkpoint:
    """Click the cells that answer the question: a row of ``shape`` cells or a grid.

    ``answer`` lists the right cells: ints for a row, ``(row, col)`` pairs for a grid. The
    learner must pick exactly those. ``values`` (optional) are numbers shown on the cells.

    >>> q = cells("Input length 6, k = 3, stride 2: which positions does no window read?",
    ...           6, [5], explain="Windows start at 0 and 2; the last reads 2, 3, 4.")
    >>> q.submit([5]).correct
    True
    """
    grid = (1, int(shape)) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if len(grid) != 2 or min(grid) < 1:
        raise ValueError(f"quiz.cells: shape must be a length or (rows, cols); got {shape!r}")

    parse = cells_reader(grid)
    right = parse(list(answer))

    return _Cells(
        question,
        right,
        explain=explain,
        hint=hint,
        parse=parse,
        same=lambda given, target: given == target,
        show=lambda picked: show_cells(picked, grid),
        grid=grid,
        values=values,
    )
