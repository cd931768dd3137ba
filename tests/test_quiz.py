"""Checkpoints (convlab.quiz) and explorer challenges (Explorer.set_goal)."""

import pytest

from convlab import quiz


def test_number_right_wrong_then_revealed_after_two_wrong_tries():
    q = quiz.number("o for n=5, k=3?", 3, explain="5 - 3 + 1.", hint="o = n - k + 1")
    first = q.submit("4")
    assert (first.correct, first.text) == (False, "❌ Not quite: try again. Hint: o = n - k + 1")
    second = q.submit(2)
    assert not second.correct and "The answer is 3. 5 - 3 + 1." in second.text
    assert q.state == {
        "tries": 2,
        "wrong": 2,
        "solved": False,
        "revealed": True,
        "last": second.text,
    }
    assert q.submit(" 3 ").correct and q.state["solved"]


def test_unreadable_answers_are_not_tries_and_never_raise():
    q = quiz.number("o?", 3, explain="because")
    for bad in ("", "three", None, object(), True, float("nan"), "inf", [1, 2]):
        verdict = q.submit(bad)
        assert not verdict.correct and not verdict.counted and verdict.text.startswith("🤔")
    assert q.state["tries"] == 0
    assert q.submit("−3").text.startswith("❌")  # a typographic minus is read


def test_number_tolerance():
    q = quiz.number("ratio?", 109.75, tolerance=0.05, explain="50,348,032 / 458,752")
    assert q.submit("109.8").correct
    assert not quiz.number("ratio?", 109.75, explain="x").submit("109.8").correct


@pytest.mark.parametrize("typed", ["2, 16, 6, 6", "(2, 16, 6, 6)", "2×16×6×6", "[2 16 6 6]"])
def test_shape_accepts_the_ways_people_type_a_shape(typed):
    assert quiz.shape("shape?", (2, 16, 6, 6), explain="e").submit(typed).correct


def test_shape_wrong_length_is_wrong_not_an_error():
    q = quiz.shape("shape?", (2, 16, 6, 6), explain="e")
    assert q.submit("2, 16, 6").counted and not q.state["solved"]
    assert not q.submit("2, sixteen").counted


def test_choice_by_index_letter_or_text():
    q = quiz.choice("edge?", ["reflect", "replicate", "circular"], 1, explain="copies")
    assert q.submit(1).correct and q.submit("B").correct and q.submit("replicate").correct
    assert not q.submit("d").counted and not q.submit(None).counted
    assert not q.submit(0).correct
    with pytest.raises(ValueError, match=r"quiz\.choice: answer must be the index"):
        quiz.choice("x", ["a", "b"], 2, explain="e")


def test_cells_row_and_grid_need_exactly_the_right_cells():
    row = quiz.cells("unread?", 6, [5], explain="e")
    assert not row.submit([4, 5]).correct and row.submit("5").correct
    assert not row.submit([9]).counted  # outside the row
    grid = quiz.cells("which?", (3, 3), [(0, 0), (2, 2)], explain="e")
    assert not grid.submit([(0, 0)]).correct
    assert "The answer is (0, 0), (2, 2)." in grid.submit([(1, 1)]).text
    assert grid.submit([(2, 2), (0, 0)]).correct


def test_constructor_errors_name_the_argument():
    with pytest.raises(TypeError, match="quiz: explain must be a non-empty str"):
        quiz.number("q", 1, explain="")
    with pytest.raises(TypeError, match="quiz: question"):
        quiz.shape("", (1,), explain="e")


def test_text_and_saved_notebook_forms_show_the_question():
    q = quiz.choice("Which mode?", ["zeros", "reflect"], 0, explain="e")
    assert repr(q).splitlines() == [
        "Checkpoint (choice): Which mode?",
        "  a) zeros",
        "  b) reflect",
        "Run this cell to answer. (Without Jupyter: .submit(your_answer))",
    ]
    bundle = q._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live in Jupyter
    assert (
        "Which mode?" in bundle["text/html"] and "Run this cell to answer." in bundle["text/html"]
    )
    assert "<li>reflect</li>" in bundle["text/html"]


def test_the_widget_buttons_submit_and_show_feedback():
    q = quiz.cells("unread?", 4, [3], explain="e")
    box = q.widget()
    grid = box.children[1].children[0]
    check = box.children[1].children[1]
    grid.children[3].value = True
    check.click()
    assert q.state["solved"] and "✅" in box.children[2].value

    n = quiz.number("o?", 3, explain="e")
    form = n.widget()
    form.children[1].children[0].value = "7"
    form.children[1].children[1].click()
    assert n.state["tries"] == 1 and "❌" in form.children[2].value

    c = quiz.choice("m?", ["a", "b"], 1, explain="e")
    form = c.widget()
    form.children[1].children[1].click()  # nothing picked: not a try
    assert c.state["tries"] == 0
    form.children[1].children[0].value = "b"
    form.children[1].children[1].click()
    assert c.state["solved"]


def test_explorer_goal_reached_and_not_reached():
    widgets = pytest.importorskip("convlab.widgets")
    ex = widgets.conv_explorer(n=8, k=3).set_goal(
        "Halve the input: 8 -> 4", lambda s: s["out"] == (4, 4)
    )
    assert ex.state["goal_reached"] is False and "not yet" in ex.goal_html.value
    assert ex.children[0] is ex.goal_html
    sliders = {c.description: c for c in _controls(ex)}
    with ex.hold():
        sliders["stride s"].value = 2
        sliders["padding p"].value = 1
    ex.update()
    assert ex.state["out"] == (4, 4) and ex.state["goal_reached"] is True
    assert "✅ reached" in ex.goal_html.value
    sliders["stride s"].value = 1
    assert ex.state["goal_reached"] is False


def test_a_goal_that_raises_is_not_reached():
    widgets = pytest.importorskip("convlab.widgets")
    ex = widgets.conv_explorer().set_goal("impossible", lambda s: s["no such key"])
    assert ex.state["goal_reached"] is False
    with pytest.raises(TypeError, match="set_goal: reached must be a function"):
        ex.set_goal("x", 3)


def _controls(widget):
    for child in getattr(widget, "children", ()):
        if hasattr(child, "min") or hasattr(child, "options"):
            yield child
        yield from _controls(child)
