"""The ``convlab`` command: ``convlab assign``, ``convlab grade`` and ``convlab tidy``.

``convlab assign`` regenerates ``exercises/`` from ``solutions/``; ``convlab grade`` grades
submitted notebooks into a directory of reports. Exit status 0 means the command ran
(students may still have failed); 1 means ``assign --check`` found stale exercises;
2 means the command was misused (bad arguments, missing files, a grader that cannot start).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive; got {text}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convlab", description="convlab course tools")
    commands = parser.add_subparsers(dest="command", required=True)

    assign = commands.add_parser("assign", help="regenerate exercises/ from solutions/")
    assign.add_argument(
        "--solutions", type=Path, default=Path("solutions"), help="default: solutions"
    )
    assign.add_argument("--out", type=Path, default=Path("exercises"), help="default: exercises")
    assign.add_argument(
        "--check", action="store_true", help="only report whether --out is up to date"
    )

    grade = commands.add_parser("grade", help="grade submitted notebooks")
    grade.add_argument("submissions", nargs="+", help=".ipynb files, or directories of them")
    grade.add_argument(
        "--out", type=Path, required=True, help="directory for grades.csv and the reports"
    )
    grade.add_argument(
        "--jobs", type=_positive(int), default=1, help="parallel workers (default 1)"
    )
    grade.add_argument(
        "--timeout", type=_positive(float), default=10.0, help="seconds per exercise (default 10)"
    )
    grade.add_argument(
        "--memory", type=_positive(int), default=1024, help="MB per worker (default 1024)"
    )
    grade.add_argument(
        "--lesson", help="grade every submission as this lesson, e.g. 03 (default: detect)"
    )
    grade.add_argument(
        "--seed",
        type=int,
        help="random seed for the inputs (default: the unfinished run's, or fresh)",
    )
    grade.add_argument(
        "--sandbox",
        choices=("auto", "bwrap", "process"),
        default="auto",
        help="isolation of student code: bwrap (bubblewrap, an OS boundary), process (rlimits "
        "and an audit hook only), auto (bwrap when it works, else process with a warning)",
    )
    again = grade.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        default=True,
        help="keep the results already in DIR/gradebook.sqlite and grade the rest (default)",
    )
    again.add_argument(
        "--regrade", action="store_true", help="forget earlier results in --out and start over"
    )

    tidy = commands.add_parser(
        "tidy", help="make executed notebooks byte-stable (used by make notebooks)"
    )
    tidy.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files")
    return parser


def _expand(parser: argparse.ArgumentParser, items: list[str]) -> list[str]:
    paths = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(str(p) for p in path.glob("*.ipynb"))
            if not found:
                parser.error(f"grade: directory {item} holds no .ipynb file")
            paths += found
        elif path.is_file():
            paths.append(item)
        else:
            parser.error(f"grade: submission {item} does not exist")
    return paths


def _grade(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from .grading.batch import grade_class
    from .grading.registry import lesson_exercises
    from .grading.sandbox import Limits, choose_isolation, selftest

    paths = _expand(parser, args.submissions)
    if args.lesson is not None:
        try:
            lesson_exercises(args.lesson)
        except ValueError as exc:
            parser.error(f"grade: --{str(exc).removeprefix('lesson_exercises: ')}")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"grade: --out {args.out} exists and is not a directory")
    try:
        isolation, warning = choose_isolation(args.sandbox)
    except RuntimeError as exc:
        print(f"convlab grade: --sandbox bwrap: {exc}", file=sys.stderr)
        return 2
    limits = Limits(timeout=args.timeout, memory_mb=args.memory, isolation=isolation)
    problem = selftest(limits)
    if problem:
        print(f"convlab grade: the grading worker cannot start: {problem}", file=sys.stderr)
        return 2
    grade_class(
        paths,
        args.out,
        limits,
        args.jobs,
        args.lesson,
        args.seed,
        regrade=args.regrade,
        warning=warning,
    )
    return 0


def _assign(args: argparse.Namespace) -> int:
    from .grading.assign import AssignError, assign

    try:
        changed = assign(args.solutions, args.out, check=args.check)
    except AssignError as exc:
        print(f"convlab assign: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(("stale: " if args.check else "wrote ") + str(path))
    if args.check and changed:
        print("exercises are out of date: run `convlab assign`", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``convlab`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "grade":
        return _grade(parser, args)
    if args.command == "tidy":
        from ._tidy import tidy

        for path in args.notebooks:
            if not path.is_file():
                parser.error(f"tidy: notebook {path} does not exist")
            if tidy(path):
                print(f"tidied {path}")
        return 0
    return _assign(args)


if __name__ == "__main__":
    sys.exit(main())
