"""Lessons 5-7: every checkpoint accepts its answer and refuses a wrong one, and every
explorer challenge is judged right (not reached at the start, reached at a solution).

The cells are taken from the lesson sources and run as the learner runs them (after the
set-up cell), so a checkpoint whose answer does not parse, or a challenge whose test
reads a state key that does not exist, fails here rather than in front of a learner.
"""

import ast
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
pytest.importorskip("ipywidgets")

LESSONS = Path(__file__).parents[1] / "lessons"
NAMES = ["05_transposed_convolution", "06_pooling", "07_backpropagation"]


def _run(source: str, namespace: dict):
    """Run a cell; return the value of its last expression, as Jupyter would show it."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    return None


def _cells(name: str):
    nb = jupytext.read(LESSONS / f"{name}.py")
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = next(c for c in code if "%xmode Minimal" in c.source)
    namespace: dict = {}
    _run("\n".join(l for l in setup.source.splitlines() if not l.startswith("%")), namespace)
    return code, namespace


def _wrong(q):
    """A plausible wrong answer of the checkpoint's kind."""
    if q.kind == "choice":
        return (q.answer + 1) % len(q.options)
    if q.kind == "cells":
        rows, cols = q.grid
        everything = {(r, c) for r in range(rows) for c in range(cols)}
        picked = set(q.answer) ^ {min(everything - set(q.answer) or everything)}
        return [c if rows > 1 else c[1] for c in picked]
    if isinstance(q.answer, tuple):
        return (q.answer[0] + 1, *q.answer[1:])
    return q.answer + 1


@pytest.mark.parametrize("name", NAMES)
def test_every_checkpoint_accepts_its_answer_and_refuses_a_wrong_one(name):
    code, namespace = _cells(name)
    checkpoints = [c for c in code if "checkpoint" in c.metadata.get("tags", [])]
    assert len(checkpoints) >= 6
    for cell in checkpoints:
        q = _run(cell.source, namespace)
        assert not q.submit(_wrong(q)).correct, q.question
        answer = q.answer if q.kind != "cells" else sorted(q.answer)
        if q.kind == "cells" and q.grid[0] == 1:
            answer = [c for _, c in answer]
        assert q.submit(answer).correct, q.question
        assert q.state["solved"] and q.state["tries"] == 2


# settings that do not reach each lesson's challenge, then settings that do
SOLUTIONS = {
    "05_transposed_convolution": ({"k": 3}, {"k": 4}),
    "06_pooling": ({"ceil": True}, {"ceil": True, "padding": 1}),
    "07_backpropagation": (
        {"mode": "max", "gradient": "ones"},
        {"mode": "max", "gradient": "ones", "padding": 1},
    ),
}


@pytest.mark.parametrize("name", NAMES)
def test_the_explorer_challenge_is_reached_only_when_solved(name):
    code, namespace = _cells(name)
    (cell,) = [c for c in code if ".set_goal(" in c.source]
    explorer = _run(cell.source, namespace)
    assert explorer.goal and explorer.state["goal_reached"] is False
    miss, hit = SOLUTIONS[name]
    for settings, reached in ((miss, False), (hit, True)):
        for control, value in settings.items():
            getattr(explorer, control).value = value
        assert explorer.state["goal_reached"] is reached, (settings, explorer.state)


@pytest.mark.parametrize("name", NAMES)
def test_the_lesson_keeps_its_shape(name):
    """A short core path, asides under 'Going further', checkpoints tagged and placed
    before the reveal cell, and 'Common mistakes' closing the core path."""
    cells = jupytext.read(LESSONS / f"{name}.py").cells
    markdown = [c for c in cells if c.cell_type == "markdown"]
    aside = [c for c in markdown if "going-further" in c.metadata.get("tags", [])]
    core = [c for c in markdown if c not in aside]
    assert sum(len(c.source.split()) for c in core) <= 1800
    assert aside and all(c.source.startswith("### Going further: ") for c in aside)
    headings = [c.source.split("\n")[0] for c in core if c.source.startswith("## ")]
    assert headings[-2:] == ["## Common mistakes", "## Exercises"], headings
    for i, cell in enumerate(cells):
        if "checkpoint" in cell.metadata.get("tags", []):
            assert cell.source.lstrip().startswith("quiz."), cell.source[:60]
            assert i + 1 < len(cells) and "nbval-ignore-output" in cell.metadata["tags"]
    text = "\n".join(c.source for c in markdown)
    assert f"../exercises/{name}.ipynb" in text and "../START_HERE.ipynb" in text
