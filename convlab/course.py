"""The learner's workspace: a private copy of the course that a course update never clobbers.

``convlab start [DIR]`` (and ``make lab``, with ``DIR = workspace/`` in the clone) copies
the course's notebooks — the home notebook ``START_HERE.ipynb``, ``lessons/`` and
``exercises/`` — into ``DIR`` and opens JupyterLab there. The learner runs, edits and
saves only those copies: the tracked files of a clone (or the installed package) are
never written, so ``git pull`` of a course update never conflicts with an answer.

Starting again copies what is new and updates what the learner has not touched since it
was copied. A notebook the learner *has* changed is never overwritten: the new course
version is written beside it as ``NAME (course update).ipynb`` and the start-up message
says so. What was copied is remembered in ``DIR/.convlab/manifest.json`` (sha256 of each
file as written).

The copies are plain notebooks: their jupytext pairing metadata is removed and
``DIR/.jupytext.toml`` turns pairing off, so the learner sees each lesson once.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CourseError", "Workspace", "course_files", "course_root", "make_workspace", "start"]

HOME = "START_HERE.ipynb"
FOLDERS = ("lessons", "exercises")
MANIFEST = Path(".convlab") / "manifest.json"
UPDATE_SUFFIX = " (course update)"


class CourseError(ValueError):
    """The course files cannot be found, or the workspace cannot be written."""


def course_root() -> Path:
    """Where the course notebooks are: a clone's top folder, or the installed wheel's copy."""
    package = Path(__file__).resolve().parent
    for root in (package.parent, package / "_course"):  # a clone (or editable install), a wheel
        if (root / HOME).is_file() and all((root / f).is_dir() for f in FOLDERS):
            return root
    raise CourseError(
        f"convlab start: no course notebooks next to {package} (expected {HOME}, lessons/ "
        "and exercises/): reinstall convlab from its wheel, or run from a clone of the course"
    )


def course_files(root: Path | None = None) -> list[str]:
    """The workspace's files, relative paths: the home notebook, lessons, exercises."""
    root = course_root() if root is None else root
    found = [HOME] + [
        f"{folder}/{p.name}" for folder in FOLDERS for p in sorted((root / folder).glob("*.ipynb"))
    ]
    return found


def learner_copy(data: bytes) -> bytes:
    """A course notebook as the learner gets it: without jupytext's pairing metadata."""
    nb = json.loads(data)
    nb.get("metadata", {}).pop("jupytext", None)
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Workspace:
    """What :func:`make_workspace` did, file by file (relative paths)."""

    path: Path
    copied: list[str] = field(default_factory=list)  # new in the workspace
    updated: list[str] = field(default_factory=list)  # untouched copies brought up to date
    offered: list[str] = field(default_factory=list)  # edited copies: the update written beside
    kept: list[str] = field(default_factory=list)  # already current

    def summary(self) -> str:
        lines = [f"convlab course workspace: {self.path}"]
        if self.copied:
            lines.append(f"  copied {len(self.copied)} notebooks")
        if self.updated:
            lines.append(f"  updated {len(self.updated)} notebooks you had not changed")
        for name in self.offered:
            beside = _beside(name)
            lines.append(
                f"  {name}: you changed it and the course has a newer version; yours is "
                f"untouched, the new one is beside it as {beside}"
            )
        return "\n".join(lines)


def _beside(name: str) -> str:
    path = Path(name)
    return str(path.with_name(path.stem + UPDATE_SUFFIX + path.suffix))


def make_workspace(dest: str | os.PathLike, root: Path | None = None) -> Workspace:
    """Create or refresh the learner's workspace in ``dest``; never overwrite their work."""
    root = course_root() if root is None else Path(root)
    dest = Path(dest).expanduser().resolve()
    if dest in (root.resolve(), *(root.resolve() / f for f in FOLDERS)):
        raise CourseError(
            f"convlab start: {dest} is the course itself; pick a folder of your own "
            "(the default, workspace/, is git-ignored)"
        )
    try:
        manifest_path = dest / MANIFEST
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        report = Workspace(dest)
        for name in course_files(root):
            new = learner_copy((root / name).read_bytes())
            target = dest / name
            known = manifest.get(name)
            if not target.exists():
                _write(target, new)
                report.copied.append(name)
            elif _sha(new) == known:
                report.kept.append(name)
                continue
            elif known is not None and _sha(target.read_bytes()) == known:
                _write(target, new)  # the learner never changed it: update in place
                report.updated.append(name)
            elif _sha(target.read_bytes()) == _sha(new):
                report.kept.append(name)
            else:
                _write(dest / _beside(name), new)
                report.offered.append(name)
                continue  # the manifest keeps the version the learner's copy came from
            manifest[name] = _sha(new)
        (dest / ".jupytext.toml").write_text(
            "# This folder is your copy of the course: plain notebooks, no paired scripts.\n"
            'formats = "ipynb"\n'
        )
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        _write(manifest_path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
    except OSError as exc:
        raise CourseError(f"convlab start: cannot write the workspace {dest}: {exc}") from exc
    return report


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def lab_command(dest: Path, lab_args: list[str]) -> list[str]:
    """The ``jupyter lab`` command that serves ``dest`` and opens the home notebook."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={dest}", *lab_args]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in lab_args:
        command.append("--allow-root")  # containers and CI run as root
    return [*command, HOME]


def start(dest: str | os.PathLike, lab_args: list[str] = (), launch: bool = True) -> Workspace:
    """Make the workspace, say what changed, and (``launch``) become JupyterLab on it."""
    report = make_workspace(dest)
    print(report.summary(), flush=True)
    if launch:
        command = lab_command(report.path, list(lab_args))
        os.chdir(report.path)
        os.execv(command[0], command)
    return report
