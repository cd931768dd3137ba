"""What a sandboxed run is given and what it gives back: :class:`Limits`, :class:`Job`
and :class:`Outcome`, apart from the code that runs it (:mod:`convlab.grading.sandbox`)
so that the session reading a worker's frames (:mod:`convlab.grading.session`) can fill an
outcome without importing the sandbox that starts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compare import Raised

__all__ = ["Job", "Limits", "Outcome"]


@dataclass(frozen=True)
class Limits:
    """How a worker runs: wall-clock seconds, address space, file size, kept output and the
    isolation level (``"bwrap"`` or ``"process"``)."""

    timeout: float = 10.0
    memory_mb: int = 1024
    file_mb: int = 32
    output_chars: int = 2000
    isolation: str = "process"

    @property
    def cpu_seconds(self) -> int:
        """The CPU-time limit (SIGXCPU, reported as ``stopped_by="cpu"``): one second past
        the wall-clock limit, rounded down."""
        return int(self.timeout) + 1

    @property
    def cpu_kill_seconds(self) -> int:
        """The hard CPU-time limit: SIGKILL one second after :attr:`cpu_seconds`, for a
        worker that ignores SIGXCPU."""
        return self.cpu_seconds + 1


@dataclass(frozen=True)
class Job:
    func: str
    chunks: list[dict]  # {"cell", "line", "source"}: the statements to execute, in order
    cases: list[tuple]  # positional arguments of each call
    forbid_modules: tuple[str, ...] = ()
    forbid_functions: tuple[str, ...] = ()
    timed: tuple[tuple, ...] = ()  # arguments of each timed round (empty: no timing)
    baseline: str = "conv2d"
    guard: bool = True  # the audit-hook layer (switched off only to test the OS layer alone)


@dataclass
class Outcome:
    """What a run produced, decoded and validated (values are arrays, numbers, Raised...).

    ``stopped_by`` is ``"wall-clock"`` or ``"cpu"`` when a limit ended the run, decided
    here where the limits are set; ``timing`` holds the grader-measured best seconds of
    the submission and of the baseline and every timed round's value.
    """

    stopped_by: str | None = None
    returncode: int | None = None
    signal: str | None = None
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    define_error: Raised | None = None
    cases: list[Any] = field(default_factory=list)
    timing: dict | None = None
    events: list[tuple[str, str]] = field(default_factory=list)
    output: str = ""
    output_chars: int = 0
    stray_output: str = ""
    problems: list[str] = field(default_factory=list)  # the grader's own troubles, if any
