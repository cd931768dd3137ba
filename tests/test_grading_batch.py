"""End to end: ``convlab grade`` on the solutions, the untouched exercises and a suite of
hostile submissions, in one run (``--jobs 2``, short timeout) shared by every test here."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from convlab.cli import main
from convlab.grading.registry import all_exercises, lesson_exercises

ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cr3t-Rd7Kq2-do-not-leak"
BASE = ROOT / "solutions" / "02_padding_stride.ipynb"  # the hostile ones start from this
LESSON2 = ("02.output_size", "02.reflect_pad", "02.conv2d_single")
DESIGN2 = tuple(ex.id for ex in lesson_exercises("02") if ex.tier == "design")

pytestmark = pytest.mark.slow


def _cells(path: Path = BASE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _code(source: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": source,
    }


def _index(nb: dict, func: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if f"def {func}(" in "".join(c["source"]))


def _replace(nb: dict, func: str, source: str) -> dict:
    nb["cells"][_index(nb, func)] = _code(f"# EXERCISE: {func}\n{source}\n\ncheck('x')\n")
    return nb


def _insert(nb: dict, source: str, at: int = 2) -> dict:
    nb["cells"].insert(at, _code(source))
    return nb


def _hostile() -> dict[str, tuple[dict, dict[str, str]]]:
    """name -> (notebook, expected status per exercise) for the hostile suite."""
    ok = dict.fromkeys(LESSON2 + DESIGN2, "ok")  # the hostile cells replace core ones
    suite = {}

    nb = _replace(
        _cells(),
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    while True:\n        pass",
    )
    suite["infinite_loop"] = (nb, ok | {"02.output_size": "timeout"})

    nb = _replace(_cells(), "reflect_pad", "import os\n\ndef reflect_pad(x, p):\n    os._exit(0)")
    suite["os_exit"] = (nb, ok | {"02.reflect_pad": "error"})

    nb = _insert(_cells(), "import sys\nsys.exit('stop grading here')")
    nb = _replace(
        nb,
        "conv2d_single",
        "def conv2d_single(x, k, stride=1, padding=0):\n    raise SystemExit(1)",
    )
    suite["sys_exit"] = (nb, ok | {"02.conv2d_single": "error"})

    nb = _insert(_cells(), "raise RuntimeError('boom at import')")
    nb = _insert(nb, "SCALE = 1 // 0")
    nb = _replace(nb, "output_size", "def output_size(n, k, s=1, p=0, d=1):\n    return SCALE")
    suite["raise_at_import"] = (nb, ok | {"02.output_size": "error"})

    patch = (
        "np.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.array_equal = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, **k: np.ones(np.shape(b), bool)"
    )
    nb = _insert(_cells(), patch)
    nb = _replace(
        nb,
        "conv2d_single",
        "def conv2d_single(x, k, stride=1, padding=0):\n"
        + "".join(f"    {line}\n" for line in patch.splitlines())
        + "    return np.zeros((1, 1))",
    )
    nb = _replace(nb, "reflect_pad", "def reflect_pad(x, p):\n    return x")
    suite["patch_numpy"] = (nb, ok | {"02.conv2d_single": "wrong", "02.reflect_pad": "wrong"})

    nb = _replace(
        _cells(),
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    return (n + 2*p - d*(k-1) - 1) / s + 1",
    )
    nb = _replace(
        nb,
        "reflect_pad",
        "def reflect_pad(x, p):\n"
        "    return np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p), np.float32)",
    )
    suite["wrong_dtype"] = (nb, ok | {"02.output_size": "wrong", "02.reflect_pad": "wrong"})

    nb = _insert(_cells(), "print('x' * 50_000_000)")
    nb = _replace(
        nb,
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    print('y' * 50_000_000)\n"
        "    return (n + 2 * p - d * (k - 1) - 1) // s + 1",
    )
    suite["print_50mb"] = (nb, ok)

    nb = _cells()
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "code"]  # no markdown left
    del nb["cells"][_index(nb, "reflect_pad")]
    single = nb["cells"].pop(_index(nb, "conv2d_single"))
    stub = 'def output_size(n, k, s=1, p=0, d=1):\n    """Doc."""\n    raise NotImplementedError()'
    nb["cells"] = [single, *nb["cells"], _code(stub)]  # conv2d_single now before the imports
    suite["deleted_reordered"] = (nb, ok | {"02.reflect_pad": "missing"})

    nb = _replace(
        _cells(),
        "conv2d_single",
        "def conv2d_single(x, k, stride=1, padding=0):\n    from convlab import conv2d\n"
        "    return conv2d(x[None, None], k[None, None], stride=stride, padding=padding)[0, 0]",
    )
    nb = _replace(
        nb, "reflect_pad", "def reflect_pad(x, p):\n    return np.pad(x, p, mode='reflect')"
    )
    nb = _replace(
        nb,
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    __import__('tor' + 'ch')\n"
        "    return (n + 2 * p - d * (k - 1) - 1) // s + 1",
    )
    suite["forbidden_api"] = (nb, ok | dict.fromkeys(LESSON2, "forbidden"))

    nb = _insert(_cells(), "import os, signal")
    nb = _replace(
        nb,
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    try:\n        open('/var/tmp/convlab-pwned', 'w')\n"
        "    except OSError:\n        pass\n    return int(os.environ['CONVLAB_GRADER_SECRET'])",
    )
    nb = _replace(
        nb,
        "reflect_pad",
        "def reflect_pad(x, p):\n"
        "    return np.frombuffer(open(SECRET_FILE, 'rb').read(), np.uint8)",
    )
    nb = _insert(nb, "SECRET_FILE = 'PLACEHOLDER'")
    nb = _replace(
        nb,
        "conv2d_single",
        "def conv2d_single(x, k, stride=1, padding=0):\n    os.kill(os.getppid(), signal.SIGKILL)",
    )
    suite["snoop_and_kill"] = (nb, ok | dict.fromkeys(LESSON2, "error"))

    nb = _replace(
        _cells(),
        "output_size",
        "def output_size(n, k, s=1, p=0, d=1):\n    return np.ones(10**11).size",
    )
    nb = _replace(
        nb, "reflect_pad", "import os\ndef reflect_pad(x, p):\n    os.fork()\n    return x"
    )
    nb = _replace(
        nb,
        "conv2d_single",
        "import threading\ndef conv2d_single(x, k, stride=1, padding=0):\n"
        "    threading.Thread(target=print).start()",
    )
    suite["resources"] = (nb, ok | dict.fromkeys(LESSON2, "error"))

    nb = _replace(
        _cells(),
        "reflect_pad",
        "# EXERCISE: 02.reflect_pad (2 points)\ndef reflect_pad(x, p):\n    return x[",
    )
    suite["syntax_error"] = (nb, ok | {"02.reflect_pad": "error"})
    return suite


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Write the hostile suite, grade everything once, return what the tests need."""
    where = tmp_path_factory.mktemp("submissions")
    secret_file = where / "grader-secret.txt"
    secret_file.write_text(SECRET)
    expected = {}
    for name, (nb, statuses) in _hostile().items():
        text = json.dumps(nb).replace("PLACEHOLDER", str(secret_file))
        (where / f"{name}.ipynb").write_text(text)
        expected[f"{name}.ipynb"] = statuses
    (where / "garbage.ipynb").write_bytes(b"\x00\xff this is not a notebook")
    subs = sorted(str(p) for p in (ROOT / "solutions").glob("*.ipynb"))
    subs += sorted(str(p) for p in (ROOT / "exercises").glob("*.ipynb"))
    subs += sorted(str(p) for p in where.glob("*.ipynb"))
    before = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in subs}
    out = tmp_path_factory.mktemp("grades")
    os.environ["CONVLAB_GRADER_SECRET"] = SECRET
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            code = main(
                ["grade", *subs, "--out", str(out), "--jobs", "2", "--timeout", "5", "--seed", "7"]
            )
    finally:
        del os.environ["CONVLAB_GRADER_SECRET"]
    after = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in subs}
    with open(out / "grades.csv", newline="") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    reports = {}
    for path in out.glob("*.json"):
        data = json.loads(path.read_text())
        reports[data["submission"]] = data
    return {
        "code": code,
        "out": out,
        "rows": rows,
        "reports": reports,
        "stderr": stderr.getvalue(),
        "before": before,
        "after": after,
        "expected": expected,
        "subs": subs,
        "where": where,
    }


def _report(run, name):
    return run["reports"][str(run["where"] / name)]


def _row(run, name):
    return run["rows"][str(run["where"] / name)]


def test_the_batch_ran_and_exited_zero(run):
    assert run["code"] == 0
    assert len(run["rows"]) == len(run["subs"])
    assert "graded 27 submission(s)" in run["stderr"]
    assert run["stderr"].count("[") >= len(run["subs"])  # one progress line per submission


def test_submissions_are_never_modified(run):
    assert run["before"] == run["after"]


def test_solutions_get_full_marks(run):
    for path in run["subs"]:
        if Path(path).parent.name == "solutions":
            report = run["reports"][path]
            assert report["score"] == report["max_score"] > 0, report
            assert {e["status"] for e in report["exercises"].values()} == {"ok"}


def test_untouched_exercises_get_zero_without_crashing(run):
    for path in run["subs"]:
        if Path(path).parent.name == "exercises":
            report = run["reports"][path]
            assert report["score"] == 0 and report["max_score"] > 0
            assert {e["status"] for e in report["exercises"].values()} == {"missing"}
            assert all(
                "NotImplementedError" in e["messages"][0] for e in report["exercises"].values()
            )


@pytest.mark.parametrize("name", sorted(_hostile()))
def test_each_hostile_submission_gets_the_right_statuses(run, name):
    report = _report(run, f"{name}.ipynb")
    got = {i: e["status"] for i, e in report["exercises"].items()}
    assert got == run["expected"][f"{name}.ipynb"], json.dumps(report["exercises"], indent=1)
    for e in report["exercises"].values():
        assert e["score"] == (e["max"] if e["status"] == "ok" else 0)


def test_hostile_messages_explain_what_happened(run):
    def messages(name, ex):
        return " | ".join(_report(run, f"{name}.ipynb")["exercises"][ex]["messages"])

    assert "5 s wall-clock limit" in messages("infinite_loop", "02.output_size")
    assert (
        "the process ended during case 1/8 (3×3, p=1) without returning (exit code 0"
        in messages("os_exit", "02.reflect_pad")
    )
    assert "SystemExit" in messages("sys_exit", "02.conv2d_single")
    assert "ZeroDivisionError" in messages("raise_at_import", "02.output_size")
    assert "returned a float (3.0); expected an int" in messages("wrong_dtype", "02.output_size")
    assert "hint: You used true division" in messages("wrong_dtype", "02.output_size")
    assert "dtype float32 instead of float64" in messages("wrong_dtype", "02.reflect_pad")
    assert "shape (1, 1) instead of (3, 3)" in messages("patch_numpy", "02.conv2d_single")
    assert "printed 500,000,010 characters" in messages("print_50mb", "02.output_size")
    assert "defined 2 times" in messages("deleted_reordered", "02.output_size")
    assert "convlab (cell " in messages("forbidden_api", "02.conv2d_single")
    assert "numpy.pad" in messages("forbidden_api", "02.reflect_pad")
    assert "import torch" in messages("forbidden_api", "02.output_size")
    assert "KeyError" in messages("snoop_and_kill", "02.output_size")
    assert "refused open('/var/tmp/convlab-pwned', write)" in messages(
        "snoop_and_kill", "02.output_size"
    )
    # under bubblewrap the file is simply not there; without it, the audit hook refuses it
    snooped = messages("snoop_and_kill", "02.reflect_pad")
    if _report(run, "snoop_and_kill.ipynb")["sandbox"] == "bwrap":
        assert "FileNotFoundError" in snooped
    else:
        assert "sandbox refused open(" in snooped
    assert "os.kill" in messages("snoop_and_kill", "02.conv2d_single")
    assert "MemoryError" in messages("resources", "02.output_size")
    assert "os.fork" in messages("resources", "02.reflect_pad")
    assert "_thread.start_new_thread" in messages("resources", "02.conv2d_single")
    assert "does not parse" in messages("syntax_error", "02.reflect_pad")


def test_huge_output_is_truncated(run):
    report = _report(run, "print_50mb.ipynb")
    assert len(json.dumps(report)) < 50_000
    assert report["exercises"]["02.output_size"]["output"].startswith("yyyy")


def test_no_secret_leaks_and_nothing_escapes_the_sandbox(run):
    for path in run["out"].iterdir():
        assert SECRET not in path.read_text(errors="replace"), path
    assert not Path("/var/tmp/convlab-pwned").exists()


def test_unreadable_file_is_a_row_not_a_crash(run):
    row = _row(run, "garbage.ipynb")
    assert row["total"] == "0" and row["lesson"] == ""
    assert "could not read the submission" in _report(run, "garbage.ipynb")["messages"][0]


def test_csv_has_one_column_per_exercise_and_a_total(run):
    with open(run["out"] / "grades.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header[:2] == ["submission", "lesson"] and header[-2:] == ["total", "max"]
    assert len(header) == 2 + len(all_exercises()) + 2
    row = _row(run, "infinite_loop.ipynb")
    most = sum(ex.points for ex in lesson_exercises("02"))  # 9: both tiers
    assert (row["02.output_size"], row["02.reflect_pad"], row["total"], row["max"]) == (
        "0",
        "2",
        f"{most - 1:g}",
        f"{most:g}",
    )
    assert row["01.corr2d"] == ""


def test_json_reports_follow_the_schema(run):
    report = _report(run, "print_50mb.ipynb")
    assert report["schema_version"] == 1 and report["seed"] == 7 and len(report["sha256"]) == 64
    entry = report["exercises"]["02.reflect_pad"]
    assert set(entry) >= {"score", "max", "status", "messages"}
    assert entry["status"] in ("ok", "wrong", "error", "timeout", "missing", "forbidden")
    assert not [p for p in run["out"].iterdir() if p.name.startswith(".")]  # no temp files left


def test_speed_is_reported_on_its_own_line(run):
    report = run["reports"][str(ROOT / "solutions" / "03_channels.ipynb")]
    entry = report["exercises"]["03.conv2d_multi"]
    assert any(m.startswith("speed: ") and "budget 20×" in m for m in entry["messages"])
    assert entry["timing"]["ratio"] <= 20


def test_misuse_exits_non_zero(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["grade", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["grade", str(BASE), "--out", str(tmp_path), "--jobs", "0"])
    assert exc.value.code == 2
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as exc:
        main(["grade", str(BASE), "--out", str(tmp_path / "file")])
    assert exc.value.code == 2
