"""Root pytest configuration: what to collect, and names shared by all doctests."""

import os

import matplotlib
import numpy as np
import pytest

# Jupyter uses the platformdirs layout (and stops warning that it will).
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
# Headless figures for the plot and widget tests in this process only. Not through
# MPLBACKEND: the notebook kernels nbval starts inherit the environment, and with
# MPLBACKEND=Agg ipykernel does not pick its inline backend, so lessons show no figures.
matplotlib.use("Agg")

# Import the package before any of its modules is collected for doctests: under
# --import-mode=importlib, collecting convlab/strategies.py before the package is
# imported executes that file a second time as a new module object, so a test that
# monkeypatches convlab.strategies would patch a copy that conv.py never calls
# (``pytest convlab/strategies.py tests/test_strategies.py`` used to fail that way).
import convlab  # noqa: F401

# Lessons and solutions are tested as notebooks (.ipynb via nbval), not imported as
# modules (exercises/ too: stubs whose check() shows "not implemented yet", never raises).
collect_ignore_glob = [
    "exercises/*.py",  # the exercise notebooks run under nbval, as a learner receives them
    "benchmarks/*",
    "tests/fixtures/*",  # generators that need torch, run by hand
    "tests/browser_fixture/*",  # the browser test's stand-in notebook, run in JupyterLab
    "lessons/*.py",
    "solutions/*.py",
    ".venv/*",
    "build/*",
]


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace["np"] = np
