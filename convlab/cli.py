"""The ``convlab`` command: ``start``, ``assign``, ``grade``, ``export``, ``summary``, ``tidy``.

``convlab start [DIR]`` copies the course into a workspace of the learner's own and opens
JupyterLab there (other options are passed on to ``jupyter lab``, e.g. ``--no-browser``).
``convlab summary SPEC.json`` prints a network's shapes, parameters, MACs and receptive
fields (see :func:`convlab.summary`).

``convlab assign`` regenerates ``exercises/`` from ``solutions/``; ``convlab grade`` grades
submitted notebooks into a directory of reports; ``convlab export nbgrader|otter DIR``
writes the exercises for those grading systems. Exit status 0 means the command ran
(students may still have failed); 1 means ``assign --check`` found stale exercises;
2 means the command was misused (bad arguments, missing files, a grader that cannot start).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ConvlabError

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

    _export_parser(commands)
    _summary_parser(commands)

    start = commands.add_parser(
        "start",
        help="copy the course into your own workspace and open JupyterLab there",
        description="Copy the course notebooks (home, lessons, exercises) into DIR, never "
        "overwriting a notebook you changed, then open JupyterLab on DIR/START_HERE.ipynb. "
        "Any other option is passed on to jupyter lab, e.g. --no-browser --port 8890.",
    )
    start.add_argument(
        "dir", nargs="?", type=Path, default=Path("convlab-course"), help="default: convlab-course"
    )
    start.add_argument(
        "--no-launch", action="store_true", help="write the workspace only; do not start JupyterLab"
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
        except ConvlabError as exc:  # "lesson must be one of ...": the flag is its argument
            parser.error(f"grade: --{exc.detail}")
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


def _export_parser(commands) -> None:
    export = commands.add_parser(
        "export", help="write the exercises for nbgrader or Otter-Grader (Gradescope)"
    )
    export.add_argument("format", choices=("nbgrader", "otter"), help="the grading system")
    export.add_argument("out", type=Path, help="directory to write (an nbgrader course root)")
    export.add_argument(
        "--lesson", action="append", metavar="NN", help="only this set, e.g. 03 (repeatable)"
    )
    export.add_argument(
        "--solutions", type=Path, default=Path("solutions"), help="default: solutions"
    )
    export.add_argument(
        "--seed", type=int, help="seed of the hidden cases' inputs (default: a fresh one)"
    )
    export.add_argument(
        "--requirement", help="otter: pip line for convlab in requirements.txt (default: git URL)"
    )


def _export(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import secrets

    from .export import ExportError, export

    if args.out.exists() and not args.out.is_dir():
        parser.error(f"export: {args.out} exists and is not a directory")
    seed = secrets.randbelow(2**31) if args.seed is None else args.seed
    try:
        written = export(
            args.format,
            args.out,
            solutions=args.solutions,
            lessons=args.lesson,
            seed=seed,
            requirement=args.requirement,
        )
    except ExportError as exc:
        print(f"convlab {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(f"hidden cases drawn with --seed {seed}")
    return 0


def _summary_parser(commands) -> None:
    summary = commands.add_parser(
        "summary",
        help="print a network's shapes, parameters, MACs and receptive fields",
        description="SPEC is a JSON (or, with PyYAML installed, YAML) file holding either a "
        'list of layers, e.g. [{"type": "conv", "out_channels": 64, "kernel_size": 3}], or '
        '{"input_shape": [1, 3, 224, 224], "layers": [...]}. See help(convlab.summary).',
    )
    summary.add_argument("spec", type=Path, help="JSON or YAML file of layers")
    summary.add_argument(
        "--input", help="input shape N,C,H,W, e.g. 1,3,224,224 (default: the file's input_shape)"
    )
    summary.add_argument("--dtype", default="float32", help="for the memory figures")
    summary.add_argument("--markdown", action="store_true", help="print a Markdown table")


def _load_spec(parser: argparse.ArgumentParser, path: Path):
    import json

    if not path.is_file():
        parser.error(f"summary: spec file {path} does not exist")
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            parser.error(f"summary: reading {path} needs PyYAML (pip install pyyaml); or use JSON")
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            parser.error(f"summary: {path} is not valid YAML: {exc}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        parser.error(f"summary: {path} is not valid JSON: {exc}")


def _summary(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from .netsummary import summary

    spec = _load_spec(parser, args.spec)
    layers, shape = spec, None
    if isinstance(spec, dict):
        layers, shape = spec.get("layers"), spec.get("input_shape")
    if args.input is not None:
        try:
            shape = [int(v) for v in args.input.replace("x", ",").split(",")]
        except ValueError:
            parser.error(f"summary: --input must be integers such as 1,3,224,224; got {args.input}")
    if shape is None:
        parser.error("summary: give the input shape with --input 1,3,224,224 or input_shape")
    try:
        table = summary(layers, shape, dtype=args.dtype)
    except (TypeError, ValueError) as exc:
        print(f"convlab {exc}", file=sys.stderr)
        return 2
    print(table.to_markdown() if args.markdown else table)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``convlab`` console script."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "start":
        from .course import CourseError, start

        try:
            start(args.dir, extra, launch=not args.no_launch)
        except CourseError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "grade":
        return _grade(parser, args)
    if args.command == "summary":
        return _summary(parser, args)
    if args.command == "export":
        return _export(parser, args)
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
