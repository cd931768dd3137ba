"""Each grading module imports alone, in a fresh interpreter.

That catches a cycle that only works in one import order (``import
convlab.grading.sets.channels`` first used to need ``registry`` half-initialised). The
static check that no module of convlab imports itself round a cycle, function-level
imports included, is tests/test_imports.py.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import convlab.grading

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(convlab.grading.__path__, "convlab.grading.")
    if m.name != "convlab.grading.worker"  # a script run by path inside the sandbox
)


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone(module):
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
