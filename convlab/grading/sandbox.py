"""Running one exercise of one submission in a worker process, and reading back its answer
without trusting it.

Each run gets a fresh private temporary directory, a scrubbed environment, a new session
(its own process group, killed as a whole afterwards), a wall-clock timeout enforced from
here and resource limits set by the worker itself before any submission code runs (see
:mod:`convlab.grading.worker`). What comes back is read with size caps, ``O_NOFOLLOW``,
``np.load(allow_pickle=False)`` and a strict decoder; nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .compare import Raised
from .protocol import Opaque, decode, encode

__all__ = ["Job", "Limits", "Outcome", "run", "selftest"]

WORKER = str(Path(__file__).with_name("worker.py"))
RESULT_CAP = 4 * 2**20
EVENTS_CAP = 64 * 2**10


@dataclass(frozen=True)
class Limits:
    """Per-exercise limits: wall-clock seconds, address space, file size, kept output."""

    timeout: float = 10.0
    memory_mb: int = 1024
    file_mb: int = 32
    output_chars: int = 2000


@dataclass(frozen=True)
class Job:
    func: str
    chunks: list[dict]  # {"cell", "line", "source"}: the statements to execute, in order
    cases: list[tuple]  # positional arguments of each call
    forbid_modules: tuple[str, ...] = ()
    forbid_functions: tuple[str, ...] = ()
    timed: tuple | None = None  # arguments of the timed call
    baseline: str = "conv2d"


@dataclass
class Outcome:
    """What a run produced, decoded and validated (values are arrays, numbers, Raised...)."""

    timed_out: bool = False
    returncode: int | None = None
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    define_error: Raised | None = None
    cases: list[Any] = field(default_factory=list)
    timing: dict | None = None
    events: list[tuple[str, str]] = field(default_factory=list)
    output: str = ""
    output_chars: int = 0
    stray_output: str = ""


def _environment(work: str) -> dict[str, str]:
    """Nothing of the grader's environment: no secrets, no paths, one BLAS thread."""
    env = {"PATH": os.defpath, "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8"}
    env |= dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")
    return env


def _read(path: str, cap: int) -> bytes | None:
    """At most ``cap`` bytes of a regular file, never following a symlink or blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(cap)
    finally:
        os.close(fd)


def _raised(record: Any) -> Raised:
    if not isinstance(record, dict):
        return Raised(("Exception",), "unreadable error record")
    types = record.get("type")
    types = (
        tuple(str(t)[:80] for t in types[:8])
        if isinstance(types, list) and types
        else ("Exception",)
    )
    where = record.get("where")
    where = tuple(str(w)[:200] for w in where[:3]) if isinstance(where, list) else ()
    return Raised(types, str(record.get("message", ""))[:500], where)


def _load_array(work: str, cap: int):
    def load(name: str):
        data = _read(os.path.join(work, name), cap + 1)
        if data is None or len(data) > cap:
            return Opaque("ndarray", "missing or larger than the file-size limit")
        try:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
        except Exception:
            return Opaque("ndarray", "unreadable .npy file")
        return arr if isinstance(arr, np.ndarray) else Opaque("ndarray", "not an array")

    return load


def _collect(work: str, out: Outcome, limits: Limits) -> None:
    """Fill ``out`` from the files the worker left, validating every field."""
    load = _load_array(work, limits.file_mb * 2**20)
    for line in (_read(os.path.join(work, "events.log"), EVENTS_CAP) or b"").splitlines()[:100]:
        try:
            event = json.loads(line)
            out.events.append((str(event["kind"])[:20], str(event["what"])[:300]))
        except (ValueError, KeyError, TypeError):
            continue
    stray = _read(os.path.join(work, "stdout.txt"), limits.output_chars)
    out.stray_output = (stray or b"").decode("utf-8", "replace")
    raw = _read(os.path.join(work, "result.json"), RESULT_CAP)
    try:
        result = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        result = None
    if not isinstance(result, dict):
        return
    if result.get("define") is not None:
        out.define_error = _raised(result["define"])
    cases = result.get("cases")
    for record in cases if isinstance(cases, list) else []:
        if isinstance(record, dict) and "error" in record:
            out.cases.append(_raised(record["error"]))
        elif isinstance(record, dict) and "value" in record:
            out.cases.append(decode(record["value"], load))
    timing = result.get("timing")
    if isinstance(timing, dict) and "error" in timing:
        out.timing = {"error": _raised(timing["error"])}
    elif isinstance(timing, dict):
        seconds, base = timing.get("seconds"), timing.get("baseline")
        if all(isinstance(v, float) and v > 0 for v in (seconds, base)):
            out.timing = {
                "seconds": seconds,
                "baseline": base,
                "value": decode(timing.get("value"), load),
            }
    text, chars = result.get("output"), result.get("output_chars")
    out.output = text[: limits.output_chars] if isinstance(text, str) else ""
    out.output_chars = chars if isinstance(chars, int) else len(out.output)


def _write_job(work: str, job: Job, limits: Limits) -> None:
    counter = iter(range(10**6))

    def save(arr: np.ndarray) -> str:
        name = f"in_{next(counter)}.npy"
        np.save(os.path.join(work, name), arr, allow_pickle=False)
        return name

    spec = {
        "func": job.func,
        "chunks": job.chunks,
        "cases": [encode(tuple(args), save) for args in job.cases],
        "forbidden": {"modules": list(job.forbid_modules), "functions": list(job.forbid_functions)},
        "limits": {
            "cpu_seconds": int(limits.timeout) + 1,
            "memory_mb": limits.memory_mb,
            "file_mb": limits.file_mb,
        },
        "timing": None
        if job.timed is None
        else {"baseline": job.baseline, "args": encode(tuple(job.timed), save)},
        "output_chars": limits.output_chars,
    }
    with open(os.path.join(work, "job.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f)


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[bool, int, float]:
    """Wait for exit or the deadline; kill the whole process group; reap. No zombie left."""
    deadline = time.monotonic() + timeout
    timed_out, pause = False, 0.001
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if time.monotonic() > deadline:
            timed_out = True
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
    with contextlib.suppress(ProcessLookupError):  # the leader is not reaped yet, so
        os.killpg(proc.pid, signal.SIGKILL)  # its group id cannot have been reused
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return timed_out, proc.returncode, usage.ru_utime + usage.ru_stime


def run(job: Job, limits: Limits) -> Outcome:
    """Run ``job`` in a fresh worker under ``limits`` and return what it produced."""
    work = tempfile.mkdtemp(prefix="convlab-grade-")
    out = Outcome()
    try:
        _write_job(work, job, limits)
        started = time.monotonic()
        with open(os.path.join(work, "stdout.txt"), "wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-I", "-B", WORKER, work],
                cwd=work,
                env=_environment(work),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
            out.timed_out, out.returncode, out.cpu_seconds = _wait(proc, limits.timeout)
        out.wall_seconds = time.monotonic() - started
        _collect(work, out, limits)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def selftest(limits: Limits) -> str | None:
    """None if a worker starts (NumPy imports) under ``limits``; else what went wrong."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-B", WORKER, "--selftest", str(limits.memory_mb)],
            capture_output=True,
            timeout=60,
            env=_environment(tempfile.gettempdir()),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0 and done.stdout.strip() == b"ok":
        return None
    return (done.stderr or done.stdout).decode("utf-8", "replace")[
        -800:
    ] or f"exit code {done.returncode}"
