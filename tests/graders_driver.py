"""Drives nbgrader and Otter-Grader for tests/test_export.py, inside their own virtualenv.

Run with the graders' Python (never imported by the course's tests: nbgrader and otter are
imported inside the functions). One process per phase keeps their start-up cost (several
seconds each) out of the loop over sets and submissions; every step is the tool's own
entry point, the one its command line calls:

    python graders_driver.py nbgrader-generate COURSE SET...   (nbgrader generate_assignment)
    python graders_driver.py nbgrader-autograde COURSE SET...  (nbgrader autograde, gradebook)
    python graders_driver.py otter-assign EXPORT SET...        (otter assign --no-run-tests)
    python graders_driver.py otter-run EXPORT SET... [--student NAME]  (otter run, no Docker)

The last line printed by the grading phases is JSON:
``{submission: {set: {grade name: [score, max score]}}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _check(result: dict, what: str) -> None:
    if not result.get("success"):
        raise SystemExit(f"{what} failed:\n{result.get('log', '')}\n{result.get('error', '')}")


def _nbgrader_api(course: Path):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(config=config)


def nbgrader_generate(course: Path, sets: list[str]) -> None:
    api = _nbgrader_api(course)
    for name in sets:
        _check(api.generate_assignment(name), f"nbgrader generate_assignment {name}")


def nbgrader_autograde(course: Path, sets: list[str]) -> dict:
    from nbgrader.api import Gradebook

    api = _nbgrader_api(course)
    students = sorted(p.name for p in (course / "submitted").iterdir())
    for student in students:
        for name in sets:
            _check(api.autograde(name, student), f"nbgrader autograde {name} {student}")
    scores: dict = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            for name in sets:
                notebook = gradebook.find_submission_notebook(name, name, student)
                scores.setdefault(student, {})[name] = {
                    grade.name: [grade.score, grade.max_score] for grade in notebook.grades
                }
    return scores


def otter_assign(export: Path, sets: list[str]) -> None:
    from otter.assign import main as assign

    for name in sets:
        folder = export / name
        # --no-run-tests: the solution submission graded next runs the same tests
        assign(str(folder / f"{name}.ipynb"), str(folder / "dist"), no_run_tests=True)


def otter_run(export: Path, sets: list[str], student: str = "*") -> dict:
    from otter.run import main as run

    scores: dict = {}
    for name in sets:
        dist = export / name / "dist"
        (autograder,) = (dist / "autograder").glob("*.zip")
        for submission in sorted((export / "submissions").glob(f"{student}/{name}.ipynb")):
            out = submission.parent / f"{name}-results"
            out.mkdir(exist_ok=True)
            run(str(submission), autograder=str(autograder), output_dir=str(out), no_logo=True)
            tests = json.loads((out / "results.json").read_text())["tests"]
            scores.setdefault(submission.parent.name, {})[name] = {
                t["name"]: [t["score"], t["max_score"]] for t in tests if "score" in t
            }
    return scores


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "phase", choices=("nbgrader-generate", "nbgrader-autograde", "otter-assign", "otter-run")
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--student", help="otter-run: only this submission folder")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.phase == "otter-run":
        result = otter_run(root, args.sets, args.student or "*")
    else:
        phases = {
            "nbgrader-generate": nbgrader_generate,
            "nbgrader-autograde": nbgrader_autograde,
            "otter-assign": otter_assign,
        }
        result = phases[args.phase](root, args.sets)
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
