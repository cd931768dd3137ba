"""The bubblewrap command line a grading worker runs under, and its seccomp filter.

Inside, the worker sees a read-only root with the system libraries (``/usr``), the Python
installation (``sys.base_prefix``, ``sys.prefix`` and NumPy's ``site-packages``), the two
worker files at ``/convlab``, its job read-only at :data:`JOB` and a private tmpfs at
:data:`WORK`; not ``/etc``, not ``HOME``, not the submissions, not the grader's output.
It runs as uid 65534 in new user, PID, IPC, UTS, network, mount and cgroup namespaces,
with a cleared environment, in a new session, killed if the grader dies.

The seccomp filter (x86-64 and AArch64) makes ``fork``, ``vfork``, ``clone`` of a new
process (not a thread), ``clone3``, ``unshare``, ``setns``, ``mount`` and ``ptrace`` fail:
a fork bomb stops at its first fork even when the grader runs as root, where
``RLIMIT_NPROC`` does nothing.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["JOB", "WORK", "command", "problem", "seccomp_fd", "seccomp_program"]

JOB = "/job"
WORK = "/tmp"
INSIDE = "/convlab"
_HERE = Path(__file__).parent
_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": WORK,
    "TMPDIR": WORK,
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def problem() -> str | None:
    """Why bubblewrap cannot be used here, or None if it may (a run still has to prove it)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux; this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    return None


def _roots() -> list[str]:
    """The directories the worker needs read-only, none inside another."""
    import numpy

    wanted = {"/usr", sys.base_prefix, sys.prefix, str(Path(numpy.__file__).parents[1])}
    found = sorted(os.path.realpath(p) for p in wanted) + sorted(wanted)
    kept: list[str] = []
    for path in sorted(set(found)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def command(python: list[str], worker: str, job_dir: str, tail: list[str], tmpfs_mb: int):
    """The argv running ``python worker *tail`` in the sandbox (worker files under /convlab)."""
    args = ["bwrap", "--unshare-all", "--uid", "65534", "--gid", "65534"]
    args += ["--hostname", "convlab-grader", "--die-with-parent", "--new-session", "--clearenv"]
    for key, value in _ENV.items():
        args += ["--setenv", key, value]
    # the private tmpfs first: a Python installation that lives under /tmp (a CI clone in
    # /tmp/...) is then bound on top of it rather than hidden by it
    args += ["--size", str(tmpfs_mb * 2**20), "--tmpfs", WORK]
    for path in _roots():
        args += ["--ro-bind", path, path]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("worker.py", "protocol.py"):
        args += ["--ro-bind", str(_HERE / name), f"{INSIDE}/{name}"]
    args += ["--ro-bind", job_dir, JOB, "--proc", "/proc", "--dev", "/dev"]
    args += ["--chdir", WORK]
    args += ["--remount-ro", "/", "--", *python, f"{INSIDE}/{Path(worker).name}", *tail]
    return args


# --------------------------------------------------------------------------- seccomp (BPF)
_ARCH = {  # audit arch, syscalls refused with EPERM, clone, clone3
    "x86_64": (0xC000003E, {"fork": 57, "vfork": 58, "ptrace": 101, "mount": 165,
                            "unshare": 272, "setns": 308}, 56, 435),
    "aarch64": (0xC00000B7, {"ptrace": 117, "mount": 40, "unshare": 97, "setns": 268}, 220, 435),
}  # fmt: skip
_CLONE_THREAD = 0x00010000
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38


def seccomp_program(machine: str | None = None) -> bytes | None:
    """The classic-BPF filter for this machine (None where no table is known).

    >>> len(seccomp_program("x86_64")) // 8  # instructions
    17
    >>> seccomp_program("sparc") is None
    True
    """
    table = _ARCH.get(machine or platform.machine())
    if table is None:
        return None
    arch, refused, clone, clone3 = table
    code: list[tuple[int, str | int, str | int, int]] = [(0x20, 0, 0, 4)]  # A = arch
    code.append((0x15, 0, "eperm", arch))  # another ABI (i386, x32): nothing at all
    code.append((0x20, 0, 0, 0))  # A = syscall number
    if arch == 0xC000003E:
        code.append((0x35, "eperm", 0, 0x40000000))  # x32 numbers
    for number in refused.values():
        code.append((0x15, "eperm", 0, number))
    code.append((0x15, "enosys", 0, clone3))  # glibc falls back to clone, checked below
    code.append((0x15, 0, "allow", clone))
    code.append((0x20, 0, 0, 16))  # A = low word of clone's flags
    code.append((0x45, "allow", "eperm", _CLONE_THREAD))
    labels = {"allow": len(code), "eperm": len(code) + 1, "enosys": len(code) + 2}
    code += [(0x06, 0, 0, _ALLOW), (0x06, 0, 0, _ERRNO | _EPERM), (0x06, 0, 0, _ERRNO | _ENOSYS)]
    out = b""
    for i, (op, jt, jf, k) in enumerate(code):
        jt = labels[jt] - i - 1 if isinstance(jt, str) else jt
        jf = labels[jf] - i - 1 if isinstance(jf, str) else jf
        out += struct.pack("=HBBI", op, jt, jf, k)
    return out


@contextlib.contextmanager
def seccomp_fd() -> Iterator[int | None]:
    """A readable descriptor holding the filter for ``bwrap --seccomp`` (None if none)."""
    program = seccomp_program()
    if program is None or not hasattr(os, "memfd_create"):
        yield None
        return
    fd = os.memfd_create("convlab-seccomp", os.MFD_CLOEXEC)
    try:
        os.write(fd, program)
        os.lseek(fd, 0, os.SEEK_SET)
        os.set_inheritable(fd, True)
        yield fd
    finally:
        os.close(fd)
