"""The learner's path in a real browser: `make lab` → home notebook → lesson 2 → its exercise.

The course is started exactly as ``make lab`` starts it — ``convlab start DIR`` with extra
``jupyter lab`` options (``make lab ARGS=...``) — into a git-ignored workspace inside this
checkout. Chromium opens the home notebook, follows its link to lesson 2, follows lesson
2's link to its exercise notebook (answering one of lesson 2's checkpoints on the way), runs all of it (every ``check()`` shows its ❌ "not
implemented yet" without raising), saves both notebooks with Ctrl+S, and then the checkout
must be exactly as it was: no tracked file modified, nothing new outside the workspace.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips (fails under CI) with the install hint
    expect = None

from .conftest import LAB_SETTINGS, JupyterLab, _server_env, stop_jupyterlab

REPO = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).with_name("browser_fixture") / "probe.js"
WORKSPACE = REPO / ".workspace-test"  # git-ignored, like workspace/ for make lab
LESSON = "lessons/02_padding_stride.ipynb"
EXERCISE = "exercises/02_padding_stride.ipynb"


def _git_state() -> tuple[str, dict[str, str]]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tracked = subprocess.run(
        ["git", "ls-files", "-s", "START_HERE.ipynb", "lessons", "exercises"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return status, {line.split("\t")[1]: line for line in tracked.splitlines()}


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory, chromium):
    """JupyterLab started by `convlab start` (what `make lab` runs) on a fresh workspace."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout to compare git status before and after")
    home = tmp_path_factory.mktemp("course-lab")
    env = _server_env(home)
    for section, values in LAB_SETTINGS.items():
        settings = Path(
            env["JUPYTER_CONFIG_DIR"], "lab", "user-settings", f"{section}.jupyterlab-settings"
        )
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps(values))
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    token = secrets.token_hex(16)
    convlab = Path(sys.executable).with_name("convlab")
    args = [  # what a learner would pass as make lab ARGS="..."
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--ServerApp.shutdown_no_activity_timeout=900",
    ]
    before = _git_state()
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [convlab, "start", str(WORKSPACE), *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = JupyterLab(process, token, WORKSPACE, log)
    runtime = Path(env["JUPYTER_RUNTIME_DIR"], f"jpserver-{process.pid}.json")
    deadline = time.monotonic() + 120
    while not lab.url:
        assert process.poll() is None, f"convlab start exited:\n{lab.log_tail()}"
        assert time.monotonic() < deadline, f"JupyterLab did not start:\n{lab.log_tail()}"
        try:
            lab.url = json.loads(runtime.read_text())["url"]
            lab.api("GET", "api/status")
        except (OSError, ValueError, KeyError):
            lab.url = ""
            time.sleep(0.2)
    try:
        yield lab, before
    finally:
        stop_jupyterlab(lab)
        shutil.rmtree(WORKSPACE, ignore_errors=True)


def _wait(page, script: str, arg: dict, seconds: float, what: str):
    handle = page.wait_for_function(script, arg=arg, polling=100, timeout=seconds * 1000)
    value = handle.json_value()
    assert not (isinstance(value, dict) and ("dialog" in value or "died" in value)), (what, value)
    return value


DIRTY = """p => { const w = Array.from(window.jupyterapp.shell.widgets('main'))
    .find(w => w.context?.path === p); return w && w.context.isReady && !w.context.model.dirty; }"""


@pytest.mark.browser
@pytest.mark.slow
def test_home_lesson_exercise_run_save_leaves_the_checkout_clean(course_lab, chromium, request):
    lab, before = course_lab
    page = chromium.new_page()
    page.set_default_timeout(60_000)
    request.addfinalizer(page.close)
    page.add_init_script(path=PROBE)
    # the URL `convlab start` opens: the server root is the workspace, START_HERE.ipynb first
    page.goto(f"{lab.url}lab/tree/START_HERE.ipynb?token={lab.token}&reset")
    _wait(page, "a => window.convlabProbe.ready(a)", {"path": "START_HERE.ipynb"}, 120, "home")
    home = page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown")
    home.first.wait_for()
    assert "course on convolution" in home.first.inner_text()
    directory = request.config.getoption("screenshots")
    if directory:
        out = request.config.invocation_params.dir / directory / "course-home.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=out)

    page.get_by_role("link", name="Padding, stride and output size").first.click()
    kernel = _wait(page, "a => window.convlabProbe.ready(a)", {"path": LESSON}, 120, "lesson 2")
    assert kernel["kernel"]
    # the learner runs the lesson and answers its first checkpoint (a 5×5 input, p = 1,
    # k = 3, s = 2: 3 output rows), first wrong, then right
    assert page.evaluate("a => window.convlabProbe.runAll(a)", {"path": LESSON}) is None
    _wait(page, "a => window.convlabProbe.done(a)", {"path": LESSON, **kernel}, 300, "lesson run")
    lesson = page.locator(".jp-NotebookPanel:visible")
    answer = lesson.get_by_placeholder("your answer").first
    answer.scroll_into_view_if_needed()
    checkpoint = answer.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    answer.fill("4")
    checkpoint.get_by_role("button", name="Check").click()
    expect(checkpoint).to_contain_text("❌ Not quite: try again.")
    answer.fill("3")
    checkpoint.get_by_role("button", name="Check").click()
    expect(checkpoint).to_contain_text("✅ Right.")
    link = page.locator(".jp-NotebookPanel:visible").get_by_role("link", name=EXERCISE)
    link.first.scroll_into_view_if_needed()
    link.first.click()
    ready = _wait(page, "a => window.convlabProbe.ready(a)", {"path": EXERCISE}, 120, "exercise")

    problem = page.evaluate("a => window.convlabProbe.runAll(a)", {"path": EXERCISE})
    assert problem is None, problem
    _wait(page, "a => window.convlabProbe.done(a)", {"path": EXERCISE, **ready}, 300, "Run All")
    report = page.evaluate("a => window.convlabProbe.report(a)", {"path": EXERCISE})
    assert not report["errors"] and not report["unrun"], report
    text = page.locator(".jp-NotebookPanel:visible .jp-OutputArea").all_inner_texts()
    assert sum("not implemented yet" in t.lower() for t in text) >= 3, text

    for path in (EXERCISE, LESSON):
        page.evaluate(
            """p => window.jupyterapp.shell.activateById(Array.from(window.jupyterapp.shell
            .widgets('main')).find(w => w.context?.path === p).id)""",
            path,
        )
        page.locator(".jp-NotebookPanel:visible .jp-Notebook").first.click()
        page.keyboard.press("Control+s")
        _wait(page, DIRTY, path, 60, f"saving {path}")
    saved = json.loads((WORKSPACE / EXERCISE).read_text())
    assert any(c.get("outputs") for c in saved["cells"] if c["cell_type"] == "code")
    assert not list(WORKSPACE.rglob("*.py")), "jupytext paired a .py into the workspace"

    status, tracked = _git_state()
    if directory:  # the README picture written by this run is not the learner's doing

        def drop(text: str) -> str:
            return "".join(ln for ln in text.splitlines(True) if "course-home.png" not in ln)

        status, before = drop(status), (drop(before[0]), before[1])
    assert (status, tracked) == before, f"the checkout changed:\n{status}"
