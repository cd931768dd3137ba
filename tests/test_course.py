"""The learner's path (DESIGN §4): a workspace of their own, from a clone or from the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from convlab import course
from convlab.cli import main

REPO = Path(__file__).resolve().parents[1]


def _lessons_and_exercises():
    return sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("[le][ex]*/[0-9]*.ipynb"))


def test_the_course_is_the_home_notebook_lessons_and_exercises():
    files = course.course_files()
    assert course.course_root() == REPO
    assert files[0] == "START_HERE.ipynb"
    assert sorted(files[1:]) == _lessons_and_exercises()
    assert len(files) == 1 + 7 + 7


def test_the_home_notebook_links_every_lesson_and_exercise():
    text = (REPO / "START_HERE.ipynb").read_text()
    for name in _lessons_and_exercises():
        assert f"]({name})" in text, f"START_HERE.ipynb has no link to {name}"


def test_lessons_link_their_exercise_the_next_lesson_and_home_and_exercises_link_back():
    lessons = sorted(REPO.glob("lessons/[0-9]*.ipynb"))
    for i, path in enumerate(lessons):
        text = path.read_text()
        assert f"](../exercises/{path.name})" in text, path.name
        assert "](../START_HERE.ipynb)" in text, path.name
        if i + 1 < len(lessons):
            assert f"]({lessons[i + 1].name})" in text, path.name
        exercise = (REPO / "exercises" / path.name).read_text()
        assert f"](../lessons/{path.name})" in exercise, f"exercises/{path.name}"


def test_workspace_copies_plain_notebooks_and_turns_pairing_off(tmp_path):
    report = course.make_workspace(tmp_path / "ws")
    assert report.copied == course.course_files() and not report.offered
    ws = tmp_path / "ws"
    for name in course.course_files():
        nb = json.loads((ws / name).read_text())
        original = json.loads((REPO / name).read_text())
        assert "jupytext" not in nb["metadata"]
        original["metadata"].pop("jupytext")
        assert nb == original, name
    assert not list(ws.rglob("*.py")), "the learner sees each notebook once"
    assert 'formats = "ipynb"' in (ws / ".jupytext.toml").read_text()


def test_starting_again_keeps_the_learners_work_and_offers_the_update_beside_it(tmp_path):
    root = tmp_path / "course"
    for name in course.course_files():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((REPO / name).read_bytes())
    ws = tmp_path / "ws"
    course.make_workspace(ws, root)
    again = course.make_workspace(ws, root)
    assert again.kept == course.course_files() and not (again.copied or again.updated)

    edited, untouched = "lessons/02_padding_stride.ipynb", "lessons/03_channels.ipynb"
    mine = json.loads((ws / edited).read_text())
    mine["cells"][0]["source"] = "my notes"
    (ws / edited).write_text(json.dumps(mine))
    (ws / "exercises/01_correlation_vs_convolution.ipynb").unlink()  # deleted by the learner
    for name in (edited, untouched):  # the course is updated
        nb = json.loads((root / name).read_text())
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "new"})
        (root / name).write_text(json.dumps(nb))

    report = course.make_workspace(ws, root)
    assert report.offered == [edited] and report.updated == [untouched]
    assert report.copied == ["exercises/01_correlation_vs_convolution.ipynb"]
    assert json.loads((ws / edited).read_text())["cells"][0]["source"] == "my notes"
    beside = ws / "lessons/02_padding_stride (course update).ipynb"
    assert json.loads(beside.read_text())["cells"][-1]["source"] == "new"
    assert json.loads((ws / untouched).read_text())["cells"][-1]["source"] == "new"
    assert "02_padding_stride (course update).ipynb" in report.summary()
    # started once more: the learner's copy is still theirs
    assert course.make_workspace(ws, root).offered == [edited]


def test_start_refuses_to_use_the_course_itself_as_a_workspace():
    with pytest.raises(course.CourseError, match="is the course itself"):
        course.make_workspace(REPO / "lessons")


def test_cli_start_no_launch_and_the_jupyter_lab_command(tmp_path, capsys):
    assert main(["start", str(tmp_path / "ws"), "--no-launch"]) == 0
    assert "copied 15 notebooks" in capsys.readouterr().out
    assert (tmp_path / "ws" / "START_HERE.ipynb").is_file()
    command = course.lab_command(tmp_path, ["--port", "8890", "--no-browser"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert command[-1] == "START_HERE.ipynb" and "--no-browser" in command


def test_cli_rejects_unknown_options_outside_start(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["tidy", "x.ipynb", "--no-browser"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --no-browser" in capsys.readouterr().err


@pytest.mark.slow
def test_the_wheel_carries_the_course_and_convlab_start_writes_it(tmp_path):
    """pip install convlab && convlab start: built here, installed into a fresh venv."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(dist)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("convlab-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the wheel alone into the fresh venv (pip run for that interpreter: its console script
    # is the venv's); its dependencies borrowed from this environment through a .pth
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [python, "-c", "import convlab.course as c; print(c.course_root())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    assert Path(where) == Path(site) / "convlab" / "_course"
    subprocess.run(
        [venv / "bin" / "convlab", "start", "course", "--no-launch"],
        check=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
    )
    for name in course.course_files():
        packaged = (Path(where) / name).read_bytes()
        assert packaged == (REPO / name).read_bytes(), f"the wheel's {name} differs from the repo's"
        assert (tmp_path / "course" / name).read_bytes() == course.learner_copy(packaged)
