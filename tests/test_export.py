"""convlab export: assert_exercise, the nbgrader and Otter files, and the real tools on them.

The last test runs nbgrader and Otter-Grader themselves (pinned in
requirements/graders.txt, installed in their own virtualenv .venv/graders, reused across
runs) on the export of every set: a solution submission gets full marks, the untouched
student notebook zero, and a submission with one planted mistake per set loses exactly
that exercise's points. Scores are read back from nbgrader's gradebook and Otter's
results.json.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from convlab.cli import main
from convlab.export import ExerciseSet, read_sets
from convlab.export._sets import grade_id
from convlab.export.otter import otter_solution
from convlab.grading import assert_exercise, check
from convlab.grading.registry import exercise

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
SEED = 2026


@pytest.fixture(scope="module")
def sets() -> list[ExerciseSet]:
    return read_sets(SOLUTIONS)


@pytest.fixture(scope="module")
def answers(sets) -> dict[str, object]:
    """Every exercise's function, as the solutions notebooks define it."""
    found = {}
    for exercise_set in sets:
        namespace: dict = {}
        for cell in exercise_set.notebook.cells:
            if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", []):
                exec(cell.source, namespace)
        found.update({ex.id: namespace[ex.func] for ex in exercise_set.exercises})
    return found


# ------------------------------------------------------------------ assert_exercise


def test_every_solution_passes_every_case_and_its_speed_budget(sets, answers):
    for ex in (ex for s in sets for ex in s.exercises):
        assert_exercise(ex.id, answers[ex.id], seed=SEED)
        assert_exercise(ex.id, answers[ex.id], public_only=True)
        if ex.budget is not None:
            assert_exercise(ex.id, answers[ex.id], seed=SEED, speed=True)


def flipped_corr2d(x, k):
    out = np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1))
    k = k[::-1, ::-1]
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k.shape[0], j : j + k.shape[1]] * k)
    return out


def test_public_only_fails_with_exactly_the_text_check_shows():
    with pytest.raises(AssertionError) as raised:
        assert_exercise("01.corr2d", flipped_corr2d, public_only=True)
    assert str(raised.value) == str(check("01.corr2d", flipped_corr2d))
    assert "Hint:     You flipped the kernel: that is convolution." in str(raised.value)


def test_hidden_cases_fail_with_expected_got_and_the_mistakes_hint(answers):
    right = answers["02.output_size"]

    def no_dilation(n, k, s=1, p=0, d=1):
        return right(n, k, s, p, 1)

    with pytest.raises(AssertionError) as raised:
        assert_exercise("02.output_size", no_dilation, seed=SEED)
    text = str(raised.value)
    cases = len(exercise("02.output_size").cases)
    assert f"(1 point): case 4 of {cases} fails" in text  # public and hidden cases
    assert "Expected: 6\nGot:      8\nProblem:  8 instead of 6" in text
    assert "Hint:     A dilated kernel spans d(k − 1) + 1 pixels" in text


def test_a_hidden_case_alone_can_fail(answers):
    """Right on every public case, wrong on a hidden one: check() passes, the grader fails."""
    ex = exercise("02.output_size")
    public = {(c.make(None)) for c in ex.cases if c.public}
    right = answers["02.output_size"]

    def only_public(n, k, s=1, p=0, d=1):
        return right(n, k, s, p, d) if (n, k, s, p, d) in public else 0

    assert check("02.output_size", only_public)
    assert_exercise("02.output_size", only_public, public_only=True)
    with pytest.raises(AssertionError, match=r"case 5 of \d+ fails"):
        assert_exercise("02.output_size", only_public, seed=SEED)


def test_stub_missing_function_and_forbidden_api_fail():
    def conv1x1(x, w, b):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not implemented yet"):
        assert_exercise("03.conv1x1", conv1x1, seed=SEED)
    with pytest.raises(AssertionError, match=r"^❌ 03\.conv1x1: no function named conv1x1"):
        assert_exercise("03.conv1x1", None, seed=SEED)

    def conv2d_multi(x, w, b=None, stride=1, padding=0, dilation=1):
        from convlab import conv2d

        return conv2d(x, w, b, stride, padding, dilation)

    with pytest.raises(
        AssertionError, match=r"⚠️ uses convlab \(line 2\), convlab.conv2d \(line 2\): forbidden"
    ):
        assert_exercise("03.conv2d_multi", conv2d_multi, seed=SEED)


def test_speed_point_needs_the_budget_and_a_right_answer(answers):
    right = answers["03.conv2d_multi"]

    def loops(*args):  # right, with Python work per output pixel
        out = right(*args)
        for index in np.ndindex(out.shape):
            out[index] = np.sum(out[index])
        return out

    with pytest.raises(AssertionError, match=r"\(speed, 1 point\): ⚠️ speed: \d+× the vectorised"):
        assert_exercise("03.conv2d_multi", loops, seed=SEED, speed=True)

    def wrong(*args):
        return answers["03.conv2d_multi"](*args) + 1

    with pytest.raises(AssertionError, match="case 1 of"):  # wrong: no speed point either
        assert_exercise("03.conv2d_multi", wrong, seed=SEED, speed=True)
    with pytest.raises(ValueError, match=r"assert_exercise: speed=True needs .* 02.output_size"):
        assert_exercise("02.output_size", answers["02.output_size"], speed=True)
    with pytest.raises(ValueError, match="exercise_id must be a known exercise id"):
        assert_exercise("02.nope", answers["02.output_size"])


# ------------------------------------------------------------------ the exported files


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def test_nbgrader_source_notebooks(tmp_path, sets):
    assert main(["export", "nbgrader", str(tmp_path), "--seed", str(SEED)]) == 0
    assert (tmp_path / "nbgrader_config.py").is_file()
    for exercise_set in sets:
        cells = _cells(tmp_path / "source" / exercise_set.stem / f"{exercise_set.stem}.ipynb")
        graded = {c.metadata["nbgrader"]["grade_id"]: c for c in cells if "nbgrader" in c.metadata}
        for ex in exercise_set.exercises:
            meta = graded[grade_id(ex, "solution")].metadata["nbgrader"]
            assert meta["solution"] and not meta["grade"] and meta["schema_version"] == 3
            test = graded[grade_id(ex, "test")]
            meta = test.metadata["nbgrader"]
            assert meta["grade"] and meta["locked"] and not meta["solution"]
            speed = ex.budget.points if ex.budget else 0
            assert meta["points"] == ex.points - speed
            public, hidden = test.source.split("### BEGIN HIDDEN TESTS\n")
            assert f'assert_exercise("{ex.id}", {ex.func}, public_only=True)' in public
            assert (
                hidden
                == f'assert_exercise("{ex.id}", {ex.func}, seed={SEED})\n### END HIDDEN TESTS'
            )
            if ex.budget:
                speed_cell = graded[grade_id(ex, "speed")]
                assert speed_cell.metadata["nbgrader"]["points"] == ex.budget.points
                assert f"seed={SEED}, speed=True)\n### END HIDDEN TESTS" in speed_cell.source
        points = sum(c.metadata["nbgrader"].get("points", 0) for c in graded.values())
        assert points == exercise_set.points
        text = "\n".join(c.source for c in cells)
        assert "../lessons/" in text and 'check("' in text  # the learner's notebook, kept


def test_otter_master_notebooks(tmp_path, sets):
    (channels,) = (s for s in sets if s.stem == "03_channels")
    exercises = channels.exercises
    timed = [ex for ex in exercises if ex.budget]
    assert timed  # 03.conv2d_multi has a speed point
    assert main(["export", "otter", str(tmp_path), "--seed", str(SEED), "--lesson", "03"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["03_channels"]
    folder = tmp_path / "03_channels"
    assert (folder / "requirements.txt").read_text().startswith("convlab @ git+https://")
    cells = _cells(folder / "03_channels.ipynb")
    assert cells[0].cell_type == "raw" and cells[0].source.startswith("# ASSIGNMENT CONFIG")
    assert "ok_format: false" in cells[0].source
    raws = [c.source.splitlines()[0] for c in cells if c.cell_type == "raw"]
    block = ["# BEGIN QUESTION", "# BEGIN SOLUTION", "# END SOLUTION", "# BEGIN TESTS"]
    assert raws[1:] == [*block, "# END TESTS", "# END QUESTION"] * len(exercises)
    names = [c.source.split("name: ")[1] for c in cells if "# BEGIN QUESTION" in c.source]
    assert names == [grade_id(ex) for ex in exercises]
    tests = [c.source for c in cells if "# BEGIN TEST CONFIG" in c.source]
    assert len(tests) == 2 * len(exercises) + len(timed)  # public + hidden each, speed tests
    assert sum("hidden: true" in t for t in tests) == len(exercises) + len(timed)
    public = [t for t in tests if "hidden: true" not in t]
    assert all("points: 0\n" in t and "public_only=True)" in t for t in public)
    points = [float(t.split("points: ")[1].split("\n")[0]) for t in tests]
    assert sum(points) == channels.points
    for ex in timed:
        speed = next(t for t in tests if f'"{ex.id}", {ex.func}, seed={SEED}, speed=True' in t)
        assert f"points: {ex.budget.points:g}\n" in speed and "hidden: true" in speed
    # the learner gets convlab's stub, the solution stays in the autograder's copy
    solution = next(c.source for c in cells if f"def {exercises[0].func}(" in c.source)
    assert "# BEGIN SOLUTION NO PROMPT" in solution and "### " not in solution


def test_otter_solution_markers_keep_the_indent():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert otter_solution(source).splitlines() == [
        "def f(x):",
        "    # BEGIN SOLUTION NO PROMPT",
        "    return x",
        "    # END SOLUTION",
        '    """ # BEGIN PROMPT',
        "    # YOUR CODE HERE",
        "    raise NotImplementedError",
        '    """; # END PROMPT',
    ]


def test_export_is_deterministic_for_a_seed(tmp_path, sets):
    for run in ("a", "b"):
        for fmt in ("nbgrader", "otter"):
            assert main(["export", fmt, str(tmp_path / run / fmt), "--seed", "7"]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(files) == 1 + 3 * len(sets)  # config; a source, a master, requirements per set
    for path in files:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lesson", "9"], "export: --lesson must be one of 01, 02"),
        (["--solutions", "nowhere"], "export: no solutions directory nowhere"),
    ],
)
def test_usage_errors(args, message, tmp_path, capsys):
    assert main(["export", "otter", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err


def test_out_must_be_a_directory(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as exited:
        main(["export", "nbgrader", str(tmp_path / "file")])
    assert exited.value.code == 2
    assert (
        "export: " + str(tmp_path / "file") + " exists and is not a directory"
        in capsys.readouterr().err
    )


# ------------------------------------------------------------------ the real tools

GRADERS = ROOT / ".venv" / "graders"
PINS = [ROOT / "requirements" / name for name in ("graders.txt", "constraints.txt")]
DRIVER = Path(__file__).with_name("graders_driver.py")
PHASES: dict[str, float] = {}  # seconds per driver phase, for the report
SUBMISSIONS = ("solution", "untouched", "mistake")
PLANT = """

# Planted by tests/test_export.py: every answer of {func} off by one.
_right_{func} = {func}


def _off_by_one(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_off_by_one(v) for v in value)
    if isinstance(value, bool):
        return not value
    return value + 1


def {func}(*args, **kwargs):
    return _off_by_one(_right_{func}(*args, **kwargs))
"""


def graders_python() -> Path:
    """The graders' virtualenv: nbgrader, otter-grader and convlab (editable), made once."""
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in [*PINS, ROOT / "pyproject.toml"]))
    marker = GRADERS / f".installed-{stamp.hexdigest()[:16]}"
    python = GRADERS / "bin" / "python"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(GRADERS)], check=True)
        pins = ["-c", str(PINS[1]), "-r", str(PINS[0])]
        command = [str(python), "-m", "pip", "install", "--quiet", *pins, "-e", str(ROOT)]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, f"installing the graders failed:\n{done.stderr[-3000:]}"
        marker.touch()
    return python


def _run(python: Path, phase: str, root: Path, args: list[str], home: Path) -> dict | None:
    """Run one phase of tests/graders_driver.py with the graders' Python; its JSON result."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env |= {
        "PATH": f"{python.parent}{os.pathsep}{env.get('PATH', '')}",  # nbgrader calls alembic
        "JUPYTER_CONFIG_DIR": str(home / "config"),  # no user or site config of the machine
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(home / "ipython"),  # no profile or startup files of the machine
    }
    started = time.monotonic()
    done = subprocess.run(
        [str(python), str(DRIVER), phase, str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=1800,
    )
    PHASES[phase] = PHASES.get(phase, 0.0) + time.monotonic() - started  # runs add up
    assert done.returncode == 0, f"{phase} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return (
        json.loads(done.stdout.strip().splitlines()[-1])
        if "autograde" in phase or "run" in phase
        else None
    )


def planted(exercise_set: ExerciseSet) -> object:
    """The exercise to get wrong in a set: one no other answer calls, a timed one if any."""
    cells = {index: cell.source for index, cell in enumerate(exercise_set.notebook.cells)}
    alone = [
        ex
        for index, found in exercise_set.answers.items()
        for ex in found
        if not any(
            ex.func + "(" in src
            for i, src in cells.items()
            if i != index and i in exercise_set.answers
        )
    ]
    timed = [ex for ex in alone if ex.budget]
    return timed[0] if timed else alone[int(exercise_set.stem[:2]) % len(alone)]


def _submit(student_nb, solved: dict[str, str], exercise_set, mistake: bool):
    """The student notebook with answers filled in: ``solved`` maps exercise id -> cell."""
    nb = copy.deepcopy(student_nb)
    wrong = planted(exercise_set)
    for cell in nb.cells:
        for ex_id, source in solved.items():
            if cell.cell_type == "code" and f"# EXERCISE: {ex_id} " in cell.source:
                cell.source = source + (
                    PLANT.format(func=wrong.func) if mistake and ex_id == wrong.id else ""
                )
    return nb


def _solution_cells(nb) -> dict[str, str]:
    return {
        m.split()[0]: cell.source
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in cell.source.split("# EXERCISE: ")[1:]
    }


def nbgrader_pipeline(python, course: Path, sets, home: Path) -> dict:
    stems = [s.stem for s in sets]
    _run(python, "nbgrader-generate", course, stems, home)
    for s in sets:
        student = nbformat.read(course / "release" / s.stem / f"{s.stem}.ipynb", as_version=4)
        source = nbformat.read(course / "source" / s.stem / f"{s.stem}.ipynb", as_version=4)
        for name, nb in [
            ("solution", _submit(student, _solution_cells(source), s, False)),
            ("untouched", student),
            ("mistake", _submit(student, _solution_cells(source), s, True)),
        ]:
            folder = course / "submitted" / name / s.stem
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{s.stem}.ipynb")
    graded = _run(python, "nbgrader-autograde", course, stems, home)
    # grade cells are <exercise>-test and <exercise>-speed: add them up per exercise
    scores: dict = {}
    for student, by_set in graded.items():
        for stem, grades in by_set.items():
            per = scores.setdefault(student, {}).setdefault(stem, {})
            for name, (score, _) in grades.items():
                key = name.split("-")[0]
                per[key] = per.get(key, 0) + score
    return scores


def otter_pipeline(python, export: Path, sets, home: Path) -> dict:
    stems = [s.stem for s in sets]
    _run(python, "otter-assign", export, stems, home)
    for s in sets:
        dist = export / s.stem / "dist"
        student = nbformat.read(dist / "student" / f"{s.stem}.ipynb", as_version=4)
        solution = nbformat.read(dist / "autograder" / f"{s.stem}.ipynb", as_version=4)
        for name, nb in [
            ("solution", _submit(student, _solution_cells(solution), s, False)),
            ("untouched", student),
            ("mistake", _submit(student, _solution_cells(solution), s, True)),
        ]:
            (export / "submissions" / name).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, export / "submissions" / name / f"{s.stem}.ipynb")
    graded: dict = {}
    for name in SUBMISSIONS:  # one after the other (see test_real_nbgrader_and_otter...)
        graded |= _run(python, "otter-run", export, [*stems, "--student", name], home)
    return {
        student: {stem: {q: score for q, (score, _) in qs.items()} for stem, qs in by_set.items()}
        for student, by_set in graded.items()
    }


def expected_scores(sets) -> dict:
    """Per submission, per set, per exercise (its grade id): the points it must score."""
    table: dict = {"solution": {}, "untouched": {}, "mistake": {}}
    for s in sets:
        wrong = planted(s)
        for ex in s.exercises:
            key = grade_id(ex)
            table["solution"].setdefault(s.stem, {})[key] = ex.points
            table["untouched"].setdefault(s.stem, {})[key] = 0
            table["mistake"].setdefault(s.stem, {})[key] = 0 if ex is wrong else ex.points
    return table


def _table(title: str, scores: dict, sets, seconds: float) -> list[str]:
    lines = [
        f"{title} ({seconds:.0f} s)",
        f"{'set':34} {'solution':>9} {'untouched':>9} {'mistake':>9}",
    ]
    for s in sets:
        row = [sum(scores[k][s.stem].values()) for k in ("solution", "untouched", "mistake")]
        wrong = planted(s)
        lines.append(
            f"{s.stem:34} {row[0]:9g} {row[1]:9g} {row[2]:9g}   of {s.points:g}; planted: {wrong.id}"
        )
    return lines


@pytest.mark.slow
def test_real_nbgrader_and_otter_grade_the_export(tmp_path, sets, request, capsys):
    started = time.monotonic()
    python = graders_python()
    install = time.monotonic() - started
    course, export = tmp_path / "nbgrader", tmp_path / "otter"
    assert main(["export", "nbgrader", str(course), "--seed", str(SEED)]) == 0
    assert main(["export", "otter", str(export), "--seed", str(SEED)]) == 0

    results: dict = {}

    def timed(name, pipeline, root):
        t0 = time.monotonic()
        try:
            results[name] = pipeline(python, root, sets, tmp_path / f"home-{name}")
        except BaseException as exc:  # reported below, from the test's own thread
            results[name] = exc
        results[f"{name}-seconds"] = time.monotonic() - t0

    # one tool at a time, one submission at a time: on a 2-core CI machine, kernels started
    # side by side missed Jupyter's 60 s start-up limit
    timed("nbgrader", nbgrader_pipeline, course)
    timed("otter", otter_pipeline, export)
    for name in ("nbgrader", "otter"):
        if isinstance(results[name], BaseException):
            raise results[name]

    report = request.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"graders' virtualenv ready in {install:.0f} s"]
    lines += _table(
        "nbgrader 0.9.6: generate_assignment + autograde",
        results["nbgrader"],
        sets,
        results["nbgrader-seconds"],
    )
    lines += _table(
        "Otter-Grader 7.0.0: otter assign + otter run",
        results["otter"],
        sets,
        results["otter-seconds"],
    )
    lines.append(", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in PHASES.items()))
    if report is not None:
        with capsys.disabled():  # the score tables and times, in the run's own output
            report.write_sep("-", "convlab export: scores from the real tools")
            for line in lines:
                report.write_line(line)
    want = expected_scores(sets)
    assert results["nbgrader"] == want, "\n".join(lines)
    assert results["otter"] == want, "\n".join(lines)
    for s in sets:  # the tools' feedback on the planted mistake is check()'s text
        wrong = planted(s)
        for text in (
            nbgrader_feedback(course, s.stem, grade_id(wrong, "test")),
            otter_feedback(export, s.stem, grade_id(wrong)),
        ):
            text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # IPython's colours
            assert f"AssertionError: ❌ {wrong.id} · " in text, text
            for line in ("Smallest failing case: ", "Expected: ", "Got:      ", "Hint:     "):
                assert re.search(rf"\n\s*{line}\S", text), (line, text)


def nbgrader_feedback(course: Path, stem: str, cell: str) -> str:
    nb = nbformat.read(course / "autograded" / "mistake" / stem / f"{stem}.ipynb", as_version=4)
    (found,) = (c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell)
    return "\n".join("\n".join(o.get("traceback", [])) for o in found.outputs)


def otter_feedback(export: Path, stem: str, question: str) -> str:
    results = export / "submissions" / "mistake" / f"{stem}-results" / "results.json"
    tests = json.loads(results.read_text())["tests"]
    return next(t["output"] for t in tests if t["name"] == question)
