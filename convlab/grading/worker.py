"""The grading worker: one exercise of one untrusted submission, in a process of its own.

:mod:`convlab.grading.sandbox` starts it as ``python -I -B worker.py JOBDIR WORKDIR FD``,
inside bubblewrap or as a plain process in a new session, with a scrubbed environment,
``WORKDIR`` (private, writable) as its working directory, the job in ``JOBDIR`` (read-only
under bubblewrap), descriptor ``FD`` (a pipe) as its only way out and standard input as
the grader's way in. The worker

1. lowers its own resource limits (CPU seconds, address space, file size, open files,
   core dumps, processes) before anything else runs;
2. reads ``job.json`` and the inputs (``.npy`` loaded with ``allow_pickle=False``);
3. if the exercise has a time budget, runs the baseline on the timed inputs the grader
   sends, before any submission code exists in the process (the grader holds the clock);
4. plants tripwires on forbidden functions and installs an audit hook, which cannot be
   removed, refusing imports of forbidden modules (and of subinterpreters and the low-level
   process primitives), reads outside the Python installation, ``JOBDIR`` and ``WORKDIR``,
   writes outside ``WORKDIR``, relative ``os.open`` (``dir_fd``), processes, threads,
   signals, pidfds, sockets, ctypes and limit changes; each refusal is reported at once;
5. executes only the statements of the submission that the graded function needs, calls
   it on every case and sends each answer as a frame on ``FD`` (JSON plus ``.npy``
   bytes, never pickle); then runs the timed rounds;
6. leaves with ``os._exit`` so that no ``atexit`` hook of the submission runs.

It imports only the standard library, NumPy and its sibling :mod:`convlab.grading.protocol`
(loaded by path), never convlab: the expected values are computed, the time is measured
and everything is compared in the grader process, so nothing produced here has to be
trusted. The audit hook is a second layer; the boundary is the operating system's
(bubblewrap; see the README).
"""

from __future__ import annotations

import builtins
import io
import json
import os
import resource
import signal
import sys
import traceback

SCHEMA = 2

if __package__:  # imported as convlab.grading.worker (doctest collection, tools)
    from .protocol import BASELINES, FrameReader, decode, encode, frame
else:  # run as a script by the sandbox: load the sibling module by path, then forget the path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from protocol import BASELINES, FrameReader, decode, encode, frame

    del sys.path[0]


class _Tail(io.TextIOBase):
    """Keeps the first ``limit`` characters written and counts the rest (for print())."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.total = limit, [], 0

    def writable(self) -> bool:
        return True

    def write(self, s) -> int:
        s = s if isinstance(s, str) else str(s)
        room = self.limit - sum(map(len, self.kept))
        if room > 0:
            self.kept.append(s[:room])
        self.total += len(s)
        return len(s)

    @property
    def text(self) -> str:
        return "".join(self.kept)


def _set_limits(limits: dict) -> None:
    mb = 2**20
    wanted = [
        # SIGXCPU at the limit, SIGKILL at the hard one (both decided by sandbox.Limits)
        ("RLIMIT_CPU", int(limits["cpu_seconds"]), int(limits["cpu_kill_seconds"])),
        ("RLIMIT_AS", int(limits["memory_mb"]) * mb, int(limits["memory_mb"]) * mb),
        ("RLIMIT_FSIZE", int(limits["file_mb"]) * mb, int(limits["file_mb"]) * mb),
        ("RLIMIT_NOFILE", 64, 64),
        ("RLIMIT_CORE", 0, 0),
    ]
    for name, soft, hard in wanted:
        which = getattr(resource, name, None)
        if which is None:
            continue
        _, cur_hard = resource.getrlimit(which)
        if cur_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, cur_hard), min(hard, cur_hard)
        resource.setrlimit(which, (soft, hard))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over-long writes fail with EFBIG instead


_DENY = frozenset(
    {
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
        "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill",
        "_thread.start_new_thread", "os.symlink", "os.link", "os.chmod", "os.chown",
        "os.chdir", "os.putenv", "os.unsetenv", "os.setxattr", "os.removexattr",
        "resource.setrlimit", "resource.prlimit", "sys.addaudithook", "sys._current_frames",
        "gc.get_objects", "gc.get_referrers", "gc.get_referents", "builtins.input",
        "mmap.__new__", "webbrowser.open", "urllib.Request", "http.client.connect",
        "ftplib.connect", "smtplib.connect",
    }
)  # fmt: skip
_DENY_PREFIX = ("socket.", "ctypes.", "winreg.", "_winapi.", "msvcrt.")
_WRITE_EVENTS = frozenset(
    {
        "os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.truncate", "os.utime",
        "os.mkfifo", "os.mknod", "shutil.copyfile", "shutil.copymode", "shutil.copystat",
        "shutil.copytree", "shutil.move", "shutil.rmtree", "shutil.make_archive",
        "shutil.unpack_archive",
    }
)  # fmt: skip
_LIST_EVENTS = ("os.listdir", "os.scandir", "glob.glob", "glob.glob/2")
# Ways around the hook itself: a subinterpreter has no audit hook; the raw fork/exec and the
# pidfd calls raise no audit event.
_NEVER_IMPORT = ("_xxsubinterpreters", "_xxinterpchannels", "_interpreters")
_UNAUDITED = ("os.pidfd_open", "signal.pidfd_send_signal", "_posixsubprocess.fork_exec")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _install_guard(work: str, job_dir: str, forbidden_modules: list[str], log) -> None:
    """Add the (irremovable) audit hook that enforces the policy in the module docstring."""
    import importlib.util
    import sysconfig

    real = os.path.realpath
    paths = sysconfig.get_paths()
    readable = [real(paths[k]) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    readable += [work, job_dir, "/dev/null", "/dev/urandom"]
    hidden = []  # where forbidden packages live: reading their source is importing them
    for name in forbidden_modules:
        top, *rest = name.split(".")
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            spec = None
        for loc in (spec.submodule_search_locations or []) if spec else []:
            hidden.append(real(os.path.join(loc, *rest)))

    def under(path: str, roots) -> bool:
        return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)

    def resolve(p) -> str | None:
        if isinstance(p, int):
            return None
        return real(os.path.join(work, os.fsdecode(p)))

    busy = []

    def hook(event: str, args: tuple) -> None:
        if busy:
            return
        busy.append(1)
        try:
            problem = None
            if event == "import" and args and isinstance(args[0], str):
                name = args[0]
                if name.split(".")[0] in _NEVER_IMPORT:
                    problem = f"import {name}"
                elif any(name == f or name.startswith(f + ".") for f in forbidden_modules):
                    log("forbidden", f"import {name}")
                    raise ImportError(f"{name} is forbidden in this exercise (convlab grader)")
            elif event == "open":
                path = resolve(args[0])
                flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
                mode = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
                writes = bool(flags & _WRITE_FLAGS) or any(c in mode for c in "wax+")
                raw = args[0] if args else None
                relative = isinstance(raw, (str, bytes)) and not os.path.isabs(os.fsdecode(raw))
                if writes and len(args) > 1 and args[1] is None and relative:
                    problem = f"os.open({raw!r}) relative to a directory descriptor"
                elif path is not None:
                    allowed = under(path, [work] if writes else readable)
                    if not allowed or under(path, hidden):
                        problem = f"open({path!r}, {'write' if writes else 'read'})"
            elif event in _WRITE_EVENTS:
                targets = [resolve(a) for a in args if isinstance(a, (str, bytes))]
                if not all(t is not None and under(t, [work]) for t in targets):
                    problem = f"{event}{tuple(map(str, args))}"
            elif event in _LIST_EVENTS:
                targets = [resolve(a) for a in args[:1] if isinstance(a, (str, bytes))]
                if not all(under(t, readable) and not under(t, hidden) for t in targets):
                    problem = f"{event}({args[0]!r})"
            elif event in _DENY or event.startswith(_DENY_PREFIX):
                problem = event
            if problem:
                log("blocked", problem)
                raise PermissionError(f"the convlab grader's sandbox refuses {problem}")
        finally:
            busy.clear()

    sys.addaudithook(hook)


def _plant_tripwires(dotted_names, log, kind: str = "forbidden") -> None:
    """Replace each forbidden function, wherever a loaded module holds it, by a tripwire."""
    for dotted in dotted_names:
        modname, _, attr = dotted.rpartition(".")
        original = getattr(sys.modules.get(modname), attr, None)
        if original is None:
            continue

        def wire(*args, _what=dotted, **kwargs):
            log(kind, f"{_what}()")
            if kind == "blocked":
                raise PermissionError(f"the convlab grader's sandbox refuses {_what}")
            raise PermissionError(f"{_what} is forbidden in this exercise (convlab grader)")

        for module in list(sys.modules.values()):
            space = getattr(module, "__dict__", None)
            if isinstance(space, dict):
                for key, value in list(space.items()):
                    if value is original:
                        setattr(module, key, wire)


def _block_threads(log) -> None:
    """No threads: Python 3.11 has no audit event for them, so the entry point is replaced."""
    import _thread

    def refuse(*args, **kwargs):
        log("blocked", "_thread.start_new_thread")
        raise PermissionError("the convlab grader's sandbox refuses _thread.start_new_thread")

    _thread.start_new_thread = _thread.start_new = refuse
    if "threading" in sys.modules:
        sys.modules["threading"]._start_new_thread = refuse


def _describe(exc: BaseException) -> dict:
    """Type names (MRO), message and the submission's own frames of an exception."""
    import linecache

    frames = []
    stack = traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__), lookup_lines=False)
    for f in stack:  # only the submission's cells: no source file is read for the others
        if f.filename.startswith("cell["):
            line = linecache.getline(f.filename, f.lineno).strip()[:120]
            frames.append(f"cell {f.filename[5:-1]}, line {f.lineno}, in {f.name}: {line}")
    try:
        message = str(exc)[:500]
    except BaseException:
        message = "?"
    return {
        "type": [c.__name__ for c in type(exc).__mro__][:8],
        "message": message,
        "where": frames[-3:],
    }


class _Channel:
    """The frames to the grader (descriptor ``fd``) and from it (standard input)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.arrays = 0
        self.reader = FrameReader()
        self.pending: list[tuple[str, bytes]] = []

    def send(self, kind: str, payload) -> None:
        data = frame(kind, payload if isinstance(payload, bytes) else json.dumps(payload).encode())
        while data:
            data = data[os.write(self.fd, data) :]

    def save(self, arr) -> str:
        """Send an array (``.npy`` bytes); its name is its position, as the grader counts."""
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, arr, allow_pickle=False)
        self.send("array", buffer.getvalue())
        self.arrays += 1
        return f"out_{self.arrays - 1}.npy"

    def receive_args(self):
        """The next timed call's arguments: ``array`` frames, then an ``args`` frame."""
        import numpy as np

        arrays: dict[str, object] = {}
        while True:
            while not self.pending:
                data = os.read(0, 2**16)
                if not data:
                    raise EOFError("the grader closed the channel")
                self.pending += self.reader.feed(data)
            kind, payload = self.pending.pop(0)
            if kind == "array":
                arrays[f"in_{len(arrays)}.npy"] = np.load(io.BytesIO(payload), allow_pickle=False)
            elif kind == "args":
                return decode(json.loads(payload), arrays.__getitem__)


def _timed_rounds(channel: _Channel, phase: str, func, rounds: int) -> None:
    """Each round: say ready, take the inputs, call, send the value. The grader times it."""
    for k in range(rounds):
        channel.send("ready", {"phase": phase, "round": k})
        args = channel.receive_args()
        try:
            record = {"phase": phase, "round": k, "value": encode(func(*args), channel.save)}
        except BaseException as exc:
            record = {"phase": phase, "round": k, "error": _describe(exc)}
        channel.send("timed", record)
        if "error" in record:
            return


def main(job_dir: str, work: str, fd: int) -> None:
    """Run the job in ``job_dir`` in ``work``, answering on descriptor ``fd``; never returns."""
    os.chdir(work)
    with open(os.path.join(job_dir, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    _set_limits(job["limits"])
    import linecache

    import numpy as np

    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # no processes or threads (not for root)
    loaded = lambda name: np.load(os.path.join(job_dir, name), allow_pickle=False)  # noqa: E731
    cases = [decode(args, loaded) for args in job["cases"]]
    timing = job.get("timing")
    channel = _Channel(fd)
    logged = {"forbidden": 0, "blocked": 0}

    def log(kind: str, what: str) -> None:  # 20 lines per kind: refusals cannot crowd out uses
        logged[kind] += 1
        if logged[kind] <= 20:
            channel.send("event", {"kind": kind, "what": what[:300]})

    if timing:  # before any submission code exists in this process
        _timed_rounds(channel, "baseline", BASELINES[timing["baseline"]], timing["rounds"])

    def output() -> None:
        channel.send("output", {"text": tail.text, "chars": tail.total})

    _plant_tripwires(job["forbidden"]["functions"], log)
    if job.get("guard", True):  # the second layer (off only when a test proves the first)
        import _posixsubprocess  # noqa: F401  (loaded, so that its tripwire can be planted)

        _plant_tripwires(_UNAUDITED, log, "blocked")
        _block_threads(log)
        _install_guard(
            os.path.realpath(work), os.path.realpath(job_dir), job["forbidden"]["modules"], log
        )
    tail = _Tail(int(job["output_chars"]))
    sys.stdout = sys.stderr = tail
    space = {"__name__": "__submission__", "__builtins__": builtins}
    try:
        for chunk in job["chunks"]:
            name = f"cell[{chunk['cell']}]"
            text = "\n" * (chunk["line"] - 1) + chunk["source"]
            shown = linecache.cache.get(name, (0, None, [], name))[2]  # the cell's kept lines
            for i, line in enumerate(text.splitlines(True)):
                shown.extend(["\n"] * (i + 1 - len(shown)))
                shown[i] = line if line.strip() or not shown[i].strip() else shown[i]
            linecache.cache[name] = (0, None, shown, name)
            exec(compile(text, name, "exec"), space)
        func = space.get(job["func"])
        if not callable(func):
            raise NameError(f"{job['func']} is not a function after running its cells")
    except BaseException as exc:
        channel.send("define", _describe(exc))
        output()
        os._exit(0)
    for args in cases:
        try:
            record = {"value": encode(func(*args), channel.save)}
        except BaseException as exc:
            record = {"error": _describe(exc)}
        channel.send("case", record)
        output()
    if timing:
        _timed_rounds(channel, "func", func, timing["rounds"])
    output()
    channel.send("done", b"")
    os._exit(0)


if __name__ == "__main__":
    if sys.argv[1] == "--selftest":  # can a worker start under these limits?
        _set_limits(
            {"cpu_seconds": 10, "cpu_kill_seconds": 11, "memory_mb": int(sys.argv[2]), "file_mb": 1}
        )
        import numpy  # noqa: F401

        print("ok")
        sys.exit(0)
    try:
        main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    except BaseException:  # a broken job: the grader reports it (no "done" frame)
        traceback.print_exc(file=sys.__stderr__)
        os._exit(3)
