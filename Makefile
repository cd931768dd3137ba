# The two README commands:  make lab   and   make test
# Both create .venv on first use; nothing is installed outside it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Tested versions for a reproducible test run (users installing with plain pip get ranges).
CONSTRAINTS := requirements/constraints.txt

# Jupyter state lives inside the tree so tests never touch ~/.jupyter.
export JUPYTER_PLATFORM_DIRS := 1
export MPLBACKEND := Agg

.PHONY: lab test lint unit notebooks browser bench screenshots assign clean help

help:
	@echo "make lab          create .venv, install convlab, open JupyterLab on lessons/"
	@echo "make test         create .venv, install the test extra, run the whole suite"
	@echo "make bench        run the side-by-side benchmarks (make bench-torch adds torch)"
	@echo "make assign       regenerate exercises/ from solutions/"
	@echo "make screenshots  refresh the README screenshots from a real browser run"

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "convlab needs Python >= 3.10"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall whenever the project metadata or the pins change.
$(VENV)/.lab-installed: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $@ $(VENV)/.lab-installed

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --notebook-dir=. lessons/ $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite: lint, unit + property + oracle + doctests, notebooks (nbval),
# exercise sync and grading, and the real-browser test.
test: lint
	$(PY) -m pytest

bench: $(VENV)/.test-installed
	$(PY) -m benchmarks

assign: $(VENV)/.lab-installed
	$(BIN)/convlab assign

screenshots: $(VENV)/.test-installed
	$(PY) -m pytest tests/test_browser.py -m browser --screenshots=docs/img

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .jupyter-test
