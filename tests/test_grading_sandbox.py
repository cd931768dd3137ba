"""The sandbox against escapes: each hostile submission tries one way out, and its canary
(a file outside, a signal to the grader, a surviving child, a row in grades.csv) is
checked to be absent.

The suite is graded three times, each by a real ``convlab grade`` process (a successful
pidfd attack must be able to kill it without killing pytest): ``--sandbox process`` (the
audit hook is the only guard), ``--sandbox bwrap`` (both layers), and ``--sandbox bwrap``
with the audit hook switched off, which shows that the operating system alone holds.
The bubblewrap runs skip with the reason where bubblewrap cannot run; with
``CONVLAB_REQUIRE_BWRAP=1`` (set by ``.ci/run``) that is a failure instead.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from convlab.grading import bwrap, sandbox
from convlab.grading.registry import lesson_exercises

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "solutions" / "02_padding_stride.ipynb"
CHANNELS = ROOT / "solutions" / "03_channels.ipynb"
SECRET = "s3cr3t-" + "Zq8Lw1-must-not-leak"
SITE = Path(np.__file__).parents[1]
RIGHT = "    return (n + 2 * p - d * (k - 1) - 1) // s + 1\n"
SLEEP = 2  # seconds an escaped child waits before it acts (the grader has finished by then)

pytestmark = pytest.mark.slow

ATTACKS = {
    # a .pth file in site-packages, through a directory descriptor (the audit event has no
    # dir_fd: the hook sees a relative name)
    "dirfd_pth": """
    try:
        fd = os.open(SITE, os.O_RDONLY)
        os.write(os.open(TOKEN + ".pth", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), b"x")
    except OSError as exc:
        print("dirfd:", type(exc).__name__)
""",
    # a subinterpreter has no audit hook: read the grader's environment and a file in HOME,
    # overwrite another student's notebook, leave the loot outside
    "subinterpreter": """
    code = (
        "import os\\n"
        "loot = open('/proc/%d/environ' % os.getppid(), 'rb').read()\\n"
        "loot += open(HOME_SECRET, 'rb').read()\\n"
        "open(CANARY + '/loot', 'wb').write(loot)\\n"
        "open(OTHER, 'wb').write(b'pwned')\\n"
    )
    for name, value in (("HOME_SECRET", HOME_SECRET), ("CANARY", CANARY), ("OTHER", OTHER)):
        code = code.replace(name, repr(value))
    try:
        import _xxsubinterpreters as interpreters
        interpreters.run_string(interpreters.create(), code)
    except Exception as exc:
        print("subinterpreter:", type(exc).__name__)
""",
    # the low-level fork and a new session: outlive the process-group kill, then forge a
    # row of grades.csv after the grader has finished
    "fork_session": """
    try:
        pid = posix.fork()
    except OSError as exc:
        print("fork:", type(exc).__name__)
        pid = None
    if pid == 0:
        try:
            posix.setsid()
            time.sleep(SLEEP)
            with open(GRADES, "a") as f:
                f.write("forged.ipynb,02,2,2,3,7,7\\n")
            open(CANARY + "/survivor", "w").close()
        finally:
            posix._exit(0)
""",
    # the same with the raw primitive under subprocess (no audit event), exec'ing a shell,
    # which has no audit hook at all
    "fork_exec_session": """
    script = "sleep %d; echo forged.ipynb,02,2,2,3,7,7 >> %s; touch %s/survivor"
    command = (script % (SLEEP, GRADES, CANARY)).encode()
    try:
        import _posixsubprocess
        r, w = os.pipe()
        _posixsubprocess.fork_exec(
            [b"/bin/sh", b"-c", command], [b"/bin/sh"], True, (w,), None, None,
            -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None, None, -1, None, False,
        )
    except Exception as exc:
        print("fork_exec:", type(exc).__name__)
""",
    # kill the grader through a pidfd (no audit event)
    "pidfd_kill": """
    try:
        signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)
    except OSError as exc:
        print("pidfd:", type(exc).__name__)
""",
    # a (bounded) fork bomb: as root RLIMIT_NPROC does nothing
    "fork_bomb": """
    forks = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(SLEEP)
            open(CANARY + "/bomb-%d" % os.getpid(), "w").close()
            os._exit(0)
        forks += 1
    print("forks:", forks)
""",
    # 3,000 nested directories left in the working directory (cleanup used to recurse)
    "deep_tree": """
    fd = os.open(".", os.O_RDONLY)
    for _ in range(0 if os.path.exists("d") else 3000):
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
""",
}


def bwrap_or_skip() -> None:
    """Skip (or fail, with CONVLAB_REQUIRE_BWRAP=1) when bubblewrap cannot run here."""
    try:
        sandbox.choose_isolation("bwrap")
    except RuntimeError as exc:
        if os.environ.get("CONVLAB_REQUIRE_BWRAP") == "1":
            pytest.fail(f"CONVLAB_REQUIRE_BWRAP=1 but {exc}")
        pytest.skip(str(exc))


def _notebook(body: str, values: dict) -> dict:
    nb = json.loads(BASE.read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(nb["cells"]) if "def output_size(" in "".join(c["source"]))
    consts = "".join(f"{k} = {v!r}\n" for k, v in values.items())
    source = (
        "# EXERCISE: output_size\nimport os, posix, signal, time\n"
        f"{consts}\ndef output_size(n, k, s=1, p=0, d=1):{body}{RIGHT}"
    )
    nb["cells"][at] = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": source,
    }
    return nb


def _grade(subs: list[Path], out: Path, home: Path, *extra: str, env: dict | None = None):
    environ = {**os.environ, "HOME": str(home), "CONVLAB_GRADER_SECRET": SECRET, **(env or {})}
    argv = [sys.executable, "-m", "convlab.cli", "grade", *map(str, subs), "--out", str(out)]
    argv += ["--jobs", "2", "--timeout", "10", "--seed", "3", *extra]
    done = subprocess.run(argv, capture_output=True, text=True, env=environ, timeout=600)
    time.sleep(SLEEP + 1.5)  # an escaped child would act now
    return done


@pytest.fixture(scope="module", params=["process", "bwrap", "bwrap-without-audit-hook"])
def escapes(request, tmp_path_factory):
    """Grade every attack under one isolation level; return what the tests check."""
    mode = request.param
    if mode != "process":
        bwrap_or_skip()
    if mode == "bwrap-without-audit-hook" and bwrap.seccomp_program() is None:
        pytest.skip("no seccomp table for this machine: the fork bomb would be real")
    where = tmp_path_factory.mktemp(f"escapes-{mode}")
    home, canary, out = where / "home", where / "canary", where / "out"
    for d in (home, canary):
        d.mkdir()
    (home / "secret.txt").write_text(SECRET)
    other = where / "subs" / "zz_other_student.ipynb"
    other.parent.mkdir()
    shutil.copy(BASE, other)
    token = "convlab_canary_" + secrets.token_hex(6)
    values = {
        "SITE": str(SITE),
        "TOKEN": token,
        "HOME_SECRET": str(home / "secret.txt"),
        "CANARY": str(canary),
        "OTHER": str(other),
        "GRADES": str(out / "grades.csv"),
        "SLEEP": SLEEP,
    }
    subs = []
    for name, body in ATTACKS.items():
        path = other.parent / f"{name}.ipynb"
        path.write_text(json.dumps(_notebook(body, values)), encoding="utf-8")
        subs.append(path)
    subs.append(other)
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    isolation = "process" if mode == "process" else "bwrap"
    env = {"CONVLAB_GRADE_TEST_WITHOUT_AUDIT_HOOK": "1"} if "without" in mode else {}
    try:
        done = _grade(subs, out, home, "--sandbox", isolation, env=env)
    finally:
        planted = SITE / f"{token}.pth"
        escaped_pth = planted.exists()
        planted.unlink(missing_ok=True)
    reports = {}
    for path in out.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        reports[Path(data["submission"]).stem] = data
    return {
        "mode": mode,
        "done": done,
        "out": out,
        "canary": canary,
        "reports": reports,
        "escaped_pth": escaped_pth,
        "other_intact": hashlib.sha256(other.read_bytes()).hexdigest() == before,
    }


def _entry(escapes, name: str) -> dict:
    return escapes["reports"][name]["exercises"]["02.output_size"]


def test_the_grader_survives_and_writes_everything(escapes):
    """pidfd_kill: no signal reaches the grader; every submission has its report."""
    done = escapes["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "graded 8 submission(s)" in done.stderr
    assert set(escapes["reports"]) == {*ATTACKS, "zz_other_student"}
    full = sum(ex.points for ex in lesson_exercises("02"))
    assert escapes["reports"]["zz_other_student"]["score"] == full


def test_no_file_appears_in_site_packages(escapes):
    assert not escapes["escaped_pth"]
    assert "dirfd: " in _entry(escapes, "dirfd_pth")["output"]


def test_no_loot_and_the_other_notebook_is_intact(escapes):
    assert not (escapes["canary"] / "loot").exists()
    assert escapes["other_intact"]
    for path in escapes["out"].iterdir():
        assert SECRET.encode() not in path.read_bytes(), path


def test_no_child_survives_nor_forges_a_row(escapes):
    assert not (escapes["canary"] / "survivor").exists()
    assert not list(escapes["canary"].glob("bomb-*"))
    with open(escapes["out"] / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 8 and not any("forged" in cell for row in rows for cell in row)
    assert "forks: 0" in _entry(escapes, "fork_bomb")["output"]
    assert "fork: " in _entry(escapes, "fork_session")["output"]
    assert "fork_exec: " in _entry(escapes, "fork_exec_session")["output"]


def test_each_attempt_is_refused_and_the_answer_still_counts(escapes):
    """Every attack function also returns the right answer: refusing the attack costs the
    student nothing else, and a deep tree left behind does not discard the result."""
    for name in ATTACKS:
        entry = _entry(escapes, name)
        assert entry["status"] == "ok", (name, entry)
        assert not any("internal grader error" in m for m in entry["messages"]), entry


def test_the_audit_hook_names_what_it_refused(escapes):
    if escapes["mode"] == "bwrap-without-audit-hook":
        pytest.skip("the audit hook is off in this run")
    words = {
        "dirfd_pth": "relative to a directory descriptor",
        "subinterpreter": "import _xxsubinterpreters",
        "fork_session": "os.fork",
        "fork_exec_session": "_posixsubprocess.fork_exec",
        "pidfd_kill": "os.pidfd_open",
        "fork_bomb": "os.fork",
    }
    for name, word in words.items():
        assert any(word in m for m in _entry(escapes, name)["messages"]), name


def test_a_deep_tree_cannot_cost_the_result(monkeypatch):
    """Cleanup that raises (RecursionError, as shutil.rmtree does on 3,000 levels in
    Python 3.11) falls back to rm -rf and never discards what the worker answered."""

    def broken(path, *args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(sandbox.shutil, "rmtree", broken)
    job = sandbox.Job(
        "f", [{"cell": 1, "line": 1, "source": "def f(x):\n    return 2 * x"}], [(3,)]
    )
    seen = []
    real = sandbox.tempfile.mkdtemp

    def remembered(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(sandbox.tempfile, "mkdtemp", remembered)
    out = sandbox.run(job, sandbox.Limits(timeout=10))
    assert out.cases == [6] and out.problems == []
    assert seen and not os.path.exists(seen[0])


def test_the_worker_runs_under_the_cpu_limits_that_limits_decided():
    """Both CPU limits come from Limits (soft: SIGXCPU, hard: SIGKILL); the worker only
    applies them, so there is one place that adds a second."""
    job = sandbox.Job(
        "f",
        [{"cell": 1, "line": 1, "source": _RLIMIT_CPU}],
        [()],
    )
    limits = sandbox.Limits(timeout=2.5)
    assert (limits.cpu_seconds, limits.cpu_kill_seconds) == (3, 4)
    assert sandbox.run(job, limits).cases == [(3, 4)]


_RLIMIT_CPU = "import resource\ndef f():\n    return resource.getrlimit(resource.RLIMIT_CPU)"


def test_a_directory_that_cannot_be_removed_is_a_note_not_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox.shutil, "rmtree", lambda path: 1 / 0)
    monkeypatch.setattr(sandbox.subprocess, "run", lambda *a, **k: None)
    out = sandbox.Outcome(cases=[1])
    sandbox._remove(str(tmp_path), out)
    assert out.cases == [1] and "ZeroDivisionError" in out.problems[0]


def test_the_seccomp_program_refuses_forks_but_not_threads():
    program = bwrap.seccomp_program("x86_64")
    ops = [program[i : i + 8] for i in range(0, len(program), 8)]
    assert len(ops) == 17
    assert int.from_bytes(ops[-3][4:], "little") == 0x7FFF0000  # allow
    assert int.from_bytes(ops[-2][4:], "little") == 0x00050001  # EPERM
    assert bwrap.seccomp_program("aarch64") is not None


def test_bwrap_runs_as_nobody_with_a_read_only_root_and_nothing_of_home(monkeypatch):
    bwrap_or_skip()
    monkeypatch.setenv("CONVLAB_GRADER_SECRET", SECRET)
    probe = (
        "import os, json\n"
        "def f():\n"
        "    seen = {'uid': os.getuid(), 'pid': os.getpid(), 'root': sorted(os.listdir('/'))}\n"
        "    try:\n        open('/x', 'w')\n    except OSError as e:\n"
        "        seen['root_write'] = e.errno\n"
        "    seen['env'] = int('CONVLAB_GRADER_SECRET' in os.environ)\n"
        "    home = sorted(os.listdir(HOME)) if os.path.isdir(HOME) else []\n"
        "    return [seen['uid'], seen['pid'], seen['root_write'], seen['env'], len(home)]\n"
    )
    probe = f"HOME = {str(Path.home())!r}\n" + probe
    job = sandbox.Job("f", [{"cell": 1, "line": 1, "source": probe}], [()], guard=False)
    out = sandbox.run(job, sandbox.Limits(timeout=10, isolation="bwrap"))
    uid, pid, errno_, leaked, in_home = out.cases[0]
    assert (uid, pid, errno_) == (65534, 2, 30)  # nobody, PID 2 of its own namespace, EROFS
    assert leaked == 0  # nothing of the grader's environment
    home = Path.home()
    # of HOME, at most the way to a Python installation that lives there (pyenv)
    assert in_home == len(
        {Path(r).relative_to(home).parts[0] for r in bwrap._roots() if Path(r).is_relative_to(home)}
    )


def test_auto_falls_back_to_process_with_a_warning_in_every_report(monkeypatch, tmp_path):
    monkeypatch.setattr(bwrap, "problem", lambda: "bwrap is not installed (test)")
    isolation, warning = sandbox.choose_isolation("auto")
    assert isolation == "process" and "bwrap is not installed (test)" in warning
    assert "not a security boundary" in warning
    with pytest.raises(RuntimeError, match="bubblewrap cannot run here"):
        sandbox.choose_isolation("bwrap")
    assert sandbox.choose_isolation("process") == ("process", None)

    from convlab.cli import main

    with pytest.raises(SystemExit):  # argparse: only the three levels
        main(["grade", str(BASE), "--out", str(tmp_path / "x"), "--sandbox", "docker"])
    assert main(["grade", str(BASE), "--out", str(tmp_path / "x"), "--sandbox", "bwrap"]) == 2

    garbage = tmp_path / "garbage.ipynb"  # no exercise: no worker runs, the report is written
    garbage.write_bytes(b"\x00 not a notebook")
    assert main(["grade", str(garbage), "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "garbage.json").read_text(encoding="utf-8"))
    assert any(m.startswith("warning: bubblewrap is not usable") for m in report["messages"])
