"""Lessons 1-4: the checkpoints and challenges, answered as a learner would (DESIGN §4).

Every ``checkpoint`` cell is one ``quiz`` call: it must accept its own answer and refuse a
wrong one (and reveal the answer after two wrong tries). Every explorer challenge must
start unreached, and the known solutions below must reach it.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

jupytext = pytest.importorskip("jupytext")
pytest.importorskip("ipywidgets")

import convlab  # noqa: E402
from convlab import kernels, quiz, widgets  # noqa: E402

ROOT = Path(__file__).parents[1]
LESSONS = sorted((ROOT / "lessons").glob("0[1-4]_*.py"))  # 5-7: test_lesson_checkpoints.py


def _cells(test):
    found = []
    for path in LESSONS:
        for i, cell in enumerate(jupytext.read(path).cells):
            if cell.cell_type == "code" and test(cell):
                found.append(pytest.param(cell.source, id=f"{path.stem[:2]}-cell{i}"))
    return found


CHECKPOINTS = _cells(lambda c: "checkpoint" in c.metadata.get("tags", []))
CHALLENGES = _cells(lambda c: ".set_goal(" in c.source)


def _value(source):
    """Run a cell and return its last expression (a cell sees the lessons' usual names)."""
    tree = ast.parse(source)
    last = tree.body.pop()
    assert isinstance(last, ast.Expr), "the cell must end with the checkpoint or explorer"
    names = {"np": np, "convlab": convlab, "kernels": kernels, "quiz": quiz, "widgets": widgets}
    exec(compile(tree, "<cell>", "exec"), names)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), names)


def _right_and_wrong(q):
    if q.kind == "choice":
        return q.answer, (q.answer + 1) % len(q.options)
    if q.kind == "cells":
        rows = q.grid[0]
        right = [c if rows == 1 else (r, c) for r, c in sorted(q.answer)]
        return right, right[:-1] or [0 if rows == 1 else (0, 0)]
    if isinstance(q.answer, tuple):  # quiz.shape
        return ", ".join(map(str, q.answer)), (q.answer[0] + 1, *q.answer[1:])
    return str(q.answer), q.answer + 1  # quiz.number


def test_the_lessons_have_checkpoints_and_challenges():
    assert len(CHECKPOINTS) >= 6 * 4 and len(CHALLENGES) >= 4


@pytest.mark.parametrize("source", CHECKPOINTS)
def test_a_checkpoint_takes_its_answer_and_refuses_a_wrong_one(source):
    q = _value(source)
    assert isinstance(q, quiz.Checkpoint)
    right, wrong = _right_and_wrong(q)
    first = q.submit(wrong)
    assert not first.correct and first.counted and q.explain not in first.text
    second = q.submit(wrong)
    assert q.state["revealed"] and q.explain in second.text
    verdict = q.submit(right)
    assert verdict.correct and q.state["solved"] and q.explain in verdict.text
    assert len(q.explain.split("\n\n")) == 1, "the explanation is one paragraph"


@pytest.mark.parametrize("source", CHALLENGES)
def test_a_challenge_starts_unreached(source):
    explorer = _value(source)
    assert explorer.goal and explorer.state["goal_reached"] is False


def _type_kernel(ex, kernel):
    with ex.hold():
        for cell, v in zip(ex.cells, kernel.ravel(), strict=True):
            cell.value = float(v)
    ex.update()


def _set(**values):
    def apply(ex):
        with ex.hold():
            for name, v in values.items():
                getattr(ex, name).value = v
        ex.update()

    return apply


# goal text -> (a near miss, a solution): the learner's moves, on the explorer's controls
SOLUTIONS = {
    "With padding 0 and stride 1, make the 7×7 input give a 4×4 output": (
        _set(k=5),
        _set(k=4),
    ),
    "Type the kernel that makes conv2d compute a true convolution with sobel_y": (
        lambda ex: _type_kernel(ex, kernels.sobel_y()),
        lambda ex: _type_kernel(ex, kernels.sobel_y()[::-1, ::-1]),
    ),
    "Make an 8×8 input give a 4×4 output with a 3×3 kernel": (
        _set(n=8, padding=0),
        _set(n=8, padding=1),
    ),
    "Make reflect refuse while circular still pads": (_set(padding=5), _set(padding=4)),
    "Build a 3×3 layer from 8 to 8 channels with fewer than 100 parameters": (
        _set(c_in=8, c_out=8),
        lambda ex: (_set(c_in=8, c_out=8)(ex), _set(groups=8)(ex)),
    ),
    "Keep the dilation at 2 and make the 7×7 input give a 7×7 output": (
        _set(padding=1),
        _set(padding=2),
    ),
    "With three 3×3 layers, see a field of at least 21 pixels with no holes": (
        _set(rates="2, 4, 6"),
        _set(rates="1, 2, 7"),
    ),
}


@pytest.mark.parametrize("goal", SOLUTIONS)
def test_a_challenge_is_reached_by_its_solution_and_not_by_a_near_miss(goal):
    [source] = [p.values[0] for p in CHALLENGES if f'"{goal}"' in p.values[0]]
    near_miss, solution = SOLUTIONS[goal]
    explorer = _value(source)
    near_miss(explorer)
    assert explorer.state["goal_reached"] is False
    solution(explorer)
    assert explorer.state["goal_reached"] is True
