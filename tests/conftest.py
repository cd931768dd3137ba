"""Fixtures shared by the test modules, and the real-browser test's harness.

The browser test (``test_browser.py``) gets a throw-away JupyterLab server and headless
Chromium from here. The server runs from a temporary copy of the notebooks with all its
Jupyter/IPython state in pytest's tmp dir, so a run never touches ``~/.jupyter`` nor
modifies a committed notebook. Chromium is Debian's package driven by Playwright; nothing
is ever downloaded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CONVLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# JupyterLab user settings seeded before the first start: no news question, no update
# check, and every cell attached to the DOM (the default windowing mode detaches or skips
# off-screen cells, which would hide prompts and outputs from the DOM checks).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
# Where the browser test records per-notebook phase times for the terminal summary.
TIMES_PROPERTY = "browser_seconds"
_SERVER_START = pytest.StashKey[float]()


@pytest.fixture
def rng(request):
    """A generator seeded by the test's name: reproducible, different per test."""
    seed = sum(map(ord, request.node.nodeid)) % 2**32
    return np.random.default_rng(seed)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="browser test: also save the README screenshots (SHOTS in tests/test_browser.py)",
    )
    parser.addoption(
        "--review-shots",
        metavar="DIR",
        default=None,
        help="browser test: also save the pictures issue 13 fixed (REVIEW_SHOTS), to look at",
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    rows = [
        (report.nodeid.rpartition("[")[2].rstrip("]"), dict(report.user_properties)[TIMES_PROPERTY])
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        and TIMES_PROPERTY in dict(getattr(report, "user_properties", ()))
    ]
    if not rows:
        return
    terminalreporter.section("browser test: seconds per notebook")
    if _SERVER_START in config.stash:
        terminalreporter.write_line(
            f"JupyterLab server ready in {config.stash[_SERVER_START]:.1f} s"
        )
    for name, phases in rows:
        detail = ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in phases.items())
        terminalreporter.write_line(f"{name:40} {sum(phases.values()):6.1f} s  ({detail})")


def skip_or_fail(reason: str) -> None:
    """Skip, unless CI demands the browser test (CONVLAB_REQUIRE_BROWSER=1): then fail."""
    if os.environ.get("CONVLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CONVLAB_REQUIRE_BROWSER=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """A headless Chromium browser context (Playwright) with a fresh profile."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(
            f"browser test needs Chromium at {CHROMIUM}: install Debian's package with "
            "`sudo apt-get install chromium` (or point CONVLAB_CHROMIUM at a Chromium binary); "
            "never `playwright install`"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser test needs Python Playwright: pip install -e '.[test]'")
    profile = tmp_path_factory.mktemp("chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile / "user-data",
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 860},
            # Chromium keeps crash reports under XDG_CONFIG_HOME whatever the profile: not ~.
            env={**os.environ, "XDG_CONFIG_HOME": str(profile / "config")},
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class JupyterLab:
    """A running ``jupyter lab`` server, reached through its REST API."""

    process: subprocess.Popen
    token: str
    root: Path  # the temporary folder it serves
    log: Path
    url: str = ""  # "http://127.0.0.1:PORT/" once the server has written its runtime file

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def serve(self, notebook: str) -> str:
        """Copy the repo folder holding ``notebook`` into the served root (once); its URL path.

        The jupytext text pairs are left out, so JupyterLab shows exactly the committed
        .ipynb (jupytext would otherwise read the cells from the .py and compare file times,
        which a git checkout does not order).
        """
        folder = Path(notebook).parent
        if not (self.root / folder).is_dir():
            stems = {path.stem for path in (REPO / folder).glob("*.ipynb")}
            shutil.copytree(
                REPO / folder,
                self.root / folder,
                ignore=lambda _, names: {
                    name
                    for name in names
                    if name in (".ipynb_checkpoints", "__pycache__")
                    or (Path(name).suffix in (".py", ".md") and Path(name).stem in stems)
                },
            )
        return Path(notebook).as_posix()

    def lab_url(self, path: str) -> str:
        """Open ``path`` in a fresh workspace (``reset``: no tab of an earlier page restored)."""
        return f"{self.url}lab/tree/{urllib.parse.quote(path)}?token={self.token}&reset"

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _server_command(root: Path, token: str) -> list[str]:
    command = [sys.executable, "-m", "jupyterlab", "--no-browser"]
    command += [
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",  # the server binds a free port and writes it to its runtime file
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # If pytest is SIGKILLed, the orphans end themselves: idle kernels after 15 min,
        # then the server 15 min after its last kernel.
        "--MappingKernelManager.cull_idle_timeout=900",
        "--ServerApp.shutdown_no_activity_timeout=900",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: drive and read JupyterLab
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def _server_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A learner's JupyterLab has no MPLBACKEND: with MPLBACKEND=Agg (set for the test run)
    # ipykernel would not install the inline backend and plain plot cells would show nothing.
    env.pop("MPLBACKEND", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[name] = str(home / name.lower())
    # The kernel imports this tree's convlab (its cwd is the copy of the notebook's folder).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def start_jupyterlab(home: Path, timeout: float = 90, attempts: int = 3) -> JupyterLab:
    """Start ``jupyter lab`` with all its state under ``home``; return once its API answers."""
    env = _server_env(home)
    for section, values in LAB_SETTINGS.items():
        name = f"{section}.jupyterlab-settings"
        settings = Path(env["JUPYTER_CONFIG_DIR"], "lab", "user-settings", name)
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps(values))
    root = home / "root"
    root.mkdir()
    for attempt in itertools.count(1):
        lab = _launch(env, root, home / f"server-{attempt}.log")
        runtime_file = Path(env["JUPYTER_RUNTIME_DIR"], f"jpserver-{lab.process.pid}.json")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and lab.process.poll() is None:
            try:
                lab.url = lab.url or json.loads(runtime_file.read_text())["url"]
                lab.api("GET", "api/status")
                return lab
            except (OSError, ValueError, KeyError):  # not written / half written / not listening
                time.sleep(0.1)
        stop_jupyterlab(lab)
        log = lab.log_tail()
        # The free port the server picked may be taken before it listens: then try again.
        if attempt == attempts or not ("already in use" in log or "is not available" in log):
            raise RuntimeError(f"jupyter lab did not start (log {lab.log}):\n{log}")


def _launch(env: dict[str, str], root: Path, log: Path) -> JupyterLab:
    token = secrets.token_hex(16)
    with log.open("wb") as out:
        process = subprocess.Popen(
            _server_command(root, token),
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown can signal all of it
        )
    return JupyterLab(process, token, root, log)


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process (Linux /proc; elsewhere empty)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):  # the process just ended
            fields = stat.read_text().rpartition(")")[2].split()
            table[int(stat.parent.name)] = (int(fields[1]), fields[19])
    return table


def _descendants(pid: int) -> set[tuple[int, str]]:
    """(pid, start time) of every descendant of ``pid``: kernels run in their own sessions."""
    table = _processes()
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, (parent, _) in table.items() if parent == current]
        found |= {(child, table[child][1]) for child in children}
        frontier += children
    return found


def stop_jupyterlab(lab: JupyterLab) -> None:
    """Shut every kernel down, stop the server's process group, then kill any survivor."""
    survivors: set[tuple[int, str]] = set()
    try:
        if lab.url and lab.process.poll() is None:
            for kernel in lab.api("GET", "api/kernels"):
                lab.api("DELETE", f"api/kernels/{kernel['id']}")
    except (OSError, ValueError):  # the server is not answering: the signals below stop it
        pass
    finally:
        survivors = _descendants(lab.process.pid)
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lab.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                lab.process.wait(wait)
                break
        alive = _processes()
        for pid, started in survivors:  # kernels run in sessions of their own, outside the group
            if alive.get(pid, (0, ""))[1] == started:  # the same process, not a reused pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def jupyterlab(request, tmp_path_factory, chromium):  # chromium first: skip before starting
    """A ``jupyter lab`` server on 127.0.0.1; stopped at the end of the session, always."""
    started = time.monotonic()
    lab = start_jupyterlab(tmp_path_factory.mktemp("jupyter"))
    request.config.stash[_SERVER_START] = time.monotonic() - started
    try:
        yield lab
    finally:
        stop_jupyterlab(lab)


@pytest.fixture
def phase(request):
    """``with phase("run"): ...`` times a part of a test for the terminal summary."""
    seconds: dict[str, float] = {}
    request.node.user_properties.append((TIMES_PROPERTY, seconds))

    @contextmanager
    def timed(name: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.monotonic() - start

    return timed
