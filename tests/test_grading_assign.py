"""convlab assign: exercises/ is exactly what solutions/ generates; bad markers are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from convlab.cli import main
from convlab.grading.assign import AssignError, assign, check_markers, strip_solutions
from convlab.grading.registry import all_exercises
from convlab.grading.source import is_stub, read_submission, select

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
LESSON2 = (SOLUTIONS / "02_padding_stride.py").read_text(encoding="utf-8")


def test_committed_exercises_are_exactly_what_assign_generates(tmp_path):
    assign(SOLUTIONS, tmp_path)
    generated = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in EXERCISES.iterdir() if p.name[:2].isdigit())
    assert generated == committed and len(generated) == 14
    for name in generated:
        assert (tmp_path / name).read_bytes() == (EXERCISES / name).read_bytes(), (
            f"exercises/{name} differs from what `convlab assign` writes: run it and commit"
        )


def test_assign_is_deterministic_and_check_mode_writes_nothing(tmp_path, capsys):
    assert len(assign(SOLUTIONS, tmp_path)) == 14
    assert assign(SOLUTIONS, tmp_path) == []
    (tmp_path / "02_padding_stride.py").write_text("edited by hand")
    assert main(["assign", "--solutions", str(SOLUTIONS), "--out", str(tmp_path), "--check"]) == 1
    assert (tmp_path / "02_padding_stride.py").read_text() == "edited by hand"
    assert "stale: " in capsys.readouterr().out
    assert main(["assign", "--solutions", str(SOLUTIONS), "--out", str(EXERCISES), "--check"]) == 0


def test_exercises_hold_stubs_only_with_stable_cell_ids():
    for ex in all_exercises():
        path = next(EXERCISES.glob(f"{ex.lesson}_*.ipynb"))
        sub = read_submission(str(path))
        graded = select(sub, ex.func).graded
        assert graded is not None and is_stub(graded.node), ex.id
        assert ex.id in sub.markers
    for path in EXERCISES.glob("*"):
        text = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        if path.suffix == ".ipynb":
            assert f'"id": "{path.stem}-00"' in text and '"outputs": []' in text
            assert '"execution_count": null' in text and "text/plain" not in text


def test_stub_keeps_signature_docstring_and_indentation():
    stub = strip_solutions(LESSON2)
    assert 'def output_size(n, k, s=1, p=0, d=1):\n    """Output length' in stub
    assert "    # YOUR CODE HERE\n    raise NotImplementedError\n" in stub
    assert "// s + 1" not in stub


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("    ### END SOLUTION\n", "", 1), "still open; add ### END SOLUTION"),
        (lambda t: t.rsplit("    ### END SOLUTION\n", 1)[0], "is never closed"),
        (
            lambda t: t.replace(
                "    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", 1
            ),
            "nested ### BEGIN SOLUTION (the one on line",
        ),
        (
            lambda t: t.replace("    ### BEGIN SOLUTION\n", "", 1),
            "### END SOLUTION without a matching",
        ),
    ],
)
def test_bad_solution_markers_are_refused_with_the_line(edit, message):
    with pytest.raises(AssignError, match=r"02_padding_stride\.py, line \d+: .*") as exc:
        strip_solutions(edit(LESSON2), "solutions/02_padding_stride.py")
    assert message in str(exc.value)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace(
                "# EXERCISE: 02.reflect_pad (2 points)", "# EXERCISE: 02.output_size (1 point)"
            ),
            "duplicate exercise id 02.output_size (first on line",
        ),
        (
            lambda t: t.replace("02.reflect_pad (2 points)", "02.reflect (2 points)"),
            "unknown exercise id 02.reflect",
        ),
        (
            lambda t: t.replace("02.reflect_pad (2 points)", "02.reflect_pad (3 points)"),
            "(2 points)",
        ),
        (
            lambda t: t.replace("02.reflect_pad (2 points)", "01.corr2d (2 points)"),
            "belongs to lesson 01",
        ),
        (
            lambda t: t.replace("# EXERCISE: 02.reflect_pad (2 points)\n", ""),
            "no marker for 02.reflect_pad",
        ),
        (
            lambda t: t.replace("def reflect_pad(x, p):", "def pad_reflect(x, p):"),
            "followed by def reflect_pad",
        ),
    ],
)
def test_bad_exercise_markers_are_refused(edit, message):
    with pytest.raises(AssignError) as exc:
        check_markers(edit(LESSON2), "solutions/02_padding_stride.py", "02")
    assert message in str(exc.value)


def test_cli_reports_a_broken_solutions_dir(tmp_path, capsys):
    (tmp_path / "02_padding_stride.py").write_text(LESSON2.replace("### END SOLUTION", "", 1))
    assert main(["assign", "--solutions", str(tmp_path), "--out", str(tmp_path / "ex")]) == 2
    assert "convlab assign: " in capsys.readouterr().err
    assert not (tmp_path / "ex").exists()  # nothing written when a file is refused
    assert main(["assign", "--solutions", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
