"""Running one exercise of one submission in a worker process, and reading back its answer
without trusting it.

Two isolation levels (``Limits.isolation``; the README says what each guarantees):

``"bwrap"``
    The worker runs inside bubblewrap (:mod:`convlab.grading.bwrap`): new user, PID, IPC,
    UTS, network, mount and cgroup namespaces, uid 65534, a read-only root holding only
    the system libraries, the Python installation and the two worker files, the job's
    inputs read-only, a private size-limited tmpfs as working directory, a cleared
    environment, a seccomp filter refusing new processes, ``--die-with-parent`` and
    ``--new-session``. When the sandbox's init dies, every process in it dies.
``"process"``
    A plain process in a new session (its process group is killed afterwards) with a
    private temporary working directory and a scrubbed environment: only the worker's
    rlimits and audit hook stand between the student and your account.

At both levels the worker sets resource limits on itself and installs the audit hook
(a second layer); the wall clock is enforced from here. Results leave the worker only as
frames on a pipe (:func:`~convlab.grading.protocol.frame`), read here with a size cap;
arrays are loaded with ``allow_pickle=False`` and nothing is unpickled. Timed runs are
clocked here, around the worker's answer, never by the worker.
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
from pathlib import Path

import numpy as np

from . import bwrap
from .outcome import Job, Limits, Outcome
from .protocol import encode, frame
from .session import Session, exchange

__all__ = ["ISOLATIONS", "Job", "Limits", "Outcome", "choose_isolation", "run", "selftest"]

WORKER = str(Path(__file__).with_name("worker.py"))
ISOLATIONS = ("bwrap", "process")
STRAY_CAP = 64 * 2**10
ROUNDS = 3  # timed rounds (best of) for the submission and for the baseline


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


def _write_job(job_dir: str, job: Job, limits: Limits) -> list[bytes]:
    """``job.json`` and the case inputs in ``job_dir``; return each timed round's frames."""
    counter = iter(range(10**6))

    def save(arr: np.ndarray) -> str:
        name = f"in_{next(counter)}.npy"
        np.save(os.path.join(job_dir, name), arr, allow_pickle=False)
        return name

    spec = {
        "func": job.func,
        "chunks": job.chunks,
        "cases": [encode(tuple(args), save) for args in job.cases],
        "forbidden": {"modules": list(job.forbid_modules), "functions": list(job.forbid_functions)},
        "limits": {
            "cpu_seconds": limits.cpu_seconds,
            "cpu_kill_seconds": limits.cpu_kill_seconds,
            "memory_mb": limits.memory_mb,
            "file_mb": limits.file_mb,
        },
        "timing": {"baseline": job.baseline, "rounds": len(job.timed)} if job.timed else None,
        "output_chars": limits.output_chars,
        "guard": job.guard,
    }
    with open(os.path.join(job_dir, "job.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f)
    rounds = []
    for args in job.timed:
        arrays: list[bytes] = []

        def keep(arr: np.ndarray, arrays=arrays) -> str:
            buffer = io.BytesIO()
            np.save(buffer, arr, allow_pickle=False)
            arrays.append(frame("array", buffer.getvalue()))
            return f"in_{len(arrays) - 1}.npy"

        wire = json.dumps(encode(tuple(args), keep)).encode()
        rounds.append(b"".join(arrays) + frame("args", wire))
    return rounds


def _finish(proc: subprocess.Popen, limits: Limits, out: Outcome) -> None:
    """Kill the whole process group, reap the leader, decide what stopped it."""
    with contextlib.suppress(ProcessLookupError):  # the leader is not reaped yet, so
        os.killpg(proc.pid, signal.SIGKILL)  # its group id cannot have been reused
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    out.returncode, out.cpu_seconds = code, usage.ru_utime + usage.ru_stime
    if limits.isolation == "bwrap" and 128 < code < 128 + 65:  # bwrap: 128 + signal number
        code = -(code - 128)
    if code < 0:
        with contextlib.suppress(ValueError):
            out.signal = signal.Signals(-code).name
    if out.stopped_by is None and (
        code == -signal.SIGXCPU or (code == -signal.SIGKILL and out.cpu_seconds >= limits.timeout)
    ):
        out.stopped_by = "cpu"


def _command(limits: Limits, job_dir: str, work: str, tail: list[str]) -> list[str]:
    python = [sys.executable, "-I", "-B"]
    if limits.isolation == "bwrap":
        return bwrap.command(python, WORKER, job_dir, tail, tmpfs_mb=2 * limits.file_mb)
    return [*python, WORKER, *tail]


def _remove(path: str, out: Outcome) -> None:
    """Remove a worker's directory; never raises (a problem is noted, the result is kept)."""
    try:
        shutil.rmtree(path)
        return
    except FileNotFoundError:
        return
    except BaseException as exc:  # RecursionError on a deep tree, permissions, ...
        first = exc
    with contextlib.suppress(BaseException):  # rm walks any depth without recursion limits
        subprocess.run(["rm", "-rf", "--", path], timeout=120, check=False, capture_output=True)
    if os.path.lexists(path):
        out.problems.append(f"could not remove the worker's directory {path}: {first!r}")


def run(job: Job, limits: Limits) -> Outcome:
    """Run ``job`` in a fresh worker under ``limits`` and return what it produced."""
    out = Outcome()
    base = tempfile.mkdtemp(prefix="convlab-grade-")
    try:
        _run(job, limits, base, out)
    finally:
        _remove(base, out)
    return out


def _run(job: Job, limits: Limits, base: str, out: Outcome) -> None:
    job_dir, work = os.path.join(base, "job"), os.path.join(base, "work")
    os.mkdir(job_dir)
    os.mkdir(work)
    rounds = _write_job(job_dir, job, limits)
    channel, channel_w = os.pipe()
    feed_r, feed = os.pipe()
    session = Session(out, limits, rounds)
    try:
        inner_work = bwrap.WORK if limits.isolation == "bwrap" else work
        inner_job = bwrap.JOB if limits.isolation == "bwrap" else job_dir
        argv = _command(limits, job_dir, work, [inner_job, inner_work, str(channel_w)])
        started = time.monotonic()
        with open(os.path.join(base, "stdout.txt"), "wb") as sink, bwrap.seccomp_fd() as bpf:
            if limits.isolation == "bwrap":
                argv[1:1] = ["--seccomp", str(bpf)] if bpf is not None else []
            proc = subprocess.Popen(
                argv,
                cwd=work,
                env=_environment(work) if limits.isolation == "process" else {"PATH": os.defpath},
                stdin=feed_r,
                stdout=sink,
                stderr=subprocess.STDOUT,
                pass_fds=(channel_w,) + ((bpf,) if bpf is not None else ()),
                start_new_session=True,
                close_fds=True,
            )
            os.close(channel_w)
            os.close(feed_r)
            channel_w = feed_r = -1
            try:
                if exchange(proc, channel, feed, session):
                    out.stopped_by = "wall-clock"
            finally:
                _finish(proc, limits, out)
        out.wall_seconds = time.monotonic() - started
    finally:
        for fd in (channel, channel_w, feed, feed_r):
            if fd >= 0:
                os.close(fd)
    out.timing = session.timing()
    if session.reader.broken:
        out.problems.append("the worker's result stream was malformed after some point")
    stray = _read(os.path.join(base, "stdout.txt"), min(STRAY_CAP, limits.output_chars * 4))
    out.stray_output = (stray or b"").decode("utf-8", "replace")[: limits.output_chars]


def choose_isolation(wanted: str) -> tuple[str, str | None]:
    """The isolation level to use for ``wanted`` (``auto``, ``bwrap`` or ``process``) and a
    warning when ``auto`` had to fall back. Raises ``RuntimeError`` if ``bwrap`` cannot run."""
    if wanted == "process":
        return "process", None
    problem = bwrap.problem()
    if problem is None:
        problem = selftest(Limits(isolation="bwrap"))
    if problem is None:
        return "bwrap", None
    if wanted == "bwrap":
        raise RuntimeError(f"bubblewrap cannot run here: {problem}")
    return "process", (
        f"bubblewrap is not usable here ({problem.strip().splitlines()[-1][:200]}), so student "
        "code runs as a plain process with your user's rights, guarded only by rlimits and an "
        "audit hook, which is not a security boundary (see the README)"
    )


def selftest(limits: Limits) -> str | None:
    """None if a worker starts (NumPy imports) under ``limits``; else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="convlab-selftest-") as base:
        argv = _command(limits, base, base, ["--selftest", str(limits.memory_mb)])
        try:
            with bwrap.seccomp_fd() as bpf:
                if limits.isolation == "bwrap" and bpf is not None:
                    argv[1:1] = ["--seccomp", str(bpf)]
                done = subprocess.run(
                    argv,
                    capture_output=True,
                    timeout=60,
                    cwd=base,
                    env=_environment(base),
                    pass_fds=(bpf,) if bpf is not None else (),
                    check=False,
                )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
    if done.returncode == 0 and done.stdout.strip() == b"ok":
        return None
    text = (done.stderr or done.stdout).decode("utf-8", "replace")[-800:]
    return text or f"exit code {done.returncode}"
