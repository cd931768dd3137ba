"""``convlab grade --lesson``: the lesson is checked by the grading registry's own rule."""

from __future__ import annotations

import pytest

from convlab.cli import main
from convlab.grading import batch, sandbox


@pytest.fixture
def submission(tmp_path):
    path = tmp_path / "alice.ipynb"
    path.write_text("{}")
    return str(path)


@pytest.mark.parametrize("lesson", ["99", "3", "03_x", "03_padding_stride"])
def test_unknown_lesson_is_a_usage_error(lesson, submission, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["grade", "--lesson", lesson, submission, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert (
        "grade: --lesson must be one of 01, 02, 03, 04, 05, 06, 07 (or its full name); "
        f"got {lesson!r}" in err
    )


@pytest.mark.parametrize("lesson", ["03", "03_channels"])
def test_known_lesson_by_number_or_name_is_graded(lesson, submission, tmp_path, monkeypatch):
    graded = []
    monkeypatch.setattr(sandbox, "selftest", lambda limits: None)
    monkeypatch.setattr(batch, "grade_class", lambda *args, **kw: graded.append(args[4]))
    assert main(["grade", "--lesson", lesson, submission, "--out", str(tmp_path / "out")]) == 0
    assert graded == [lesson]
