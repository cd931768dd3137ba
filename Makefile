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

.PHONY: lab test lint notebooks bench bench-torch screenshots assign clean help

help:
	@echo "make lab          create .venv, install convlab, copy the course into workspace/"
	@echo "                  (git-ignored, your work) and open JupyterLab on its START_HERE.ipynb;"
	@echo "                  jupyter lab options via ARGS, e.g. make lab ARGS=\"--port 8890 --no-browser\""
	@echo "make test         create .venv, install the test extra, run the whole suite"
	@echo "make bench        run the side-by-side benchmarks (make bench-torch adds torch)"
	@echo "make assign       regenerate exercises/ from solutions/"
	@echo "make notebooks    sync, re-execute and commit-ready every lesson and solution .ipynb"
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

# Your copy of the course lives in workspace/ (git-ignored): see convlab/course.py.
# ARGS go to jupyter lab, e.g. make lab ARGS="--port 8890 --no-browser"
WORKSPACE ?= workspace
lab: $(VENV)/.lab-installed
	$(BIN)/convlab start $(WORKSPACE) $(ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite: lint, unit + property + oracle + doctests, notebooks (nbval),
# exercise sync and grading, and the real-browser test.
test: lint
	$(PY) -m pytest

# BENCH_ARGS selects cases for a quick run, e.g. make bench BENCH_ARGS="--cases 'conv3x3*' --rounds 3"
bench: $(VENV)/.test-installed
	$(PY) -m benchmarks $(BENCH_ARGS)

# torch is not a dependency of convlab: this adds it to .venv for the torch column. Pinned:
# an unpinned torch on Linux pulls the newest CUDA build (GBs); elsewhere add
# TORCH="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" for the CPU wheel.
TORCH ?= torch==2.13.0
bench-torch: $(VENV)/.test-installed
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m benchmarks $(BENCH_ARGS)

assign: $(VENV)/.lab-installed
	$(BIN)/convlab assign

# Rebuild every paired notebook from its .py (the reviewed source): update the .ipynb
# inputs, execute top to bottom (no timing metadata, no widget state), tidy what still
# varies between runs (widget model ids, stream chunking: convlab/_tidy.py), then
# regenerate the exercises from the solutions.
NB ?= lessons/[0-9]*.py solutions/[0-9]*.py
notebooks: $(VENV)/.test-installed
	for f in $(NB); do $(BIN)/jupytext --quiet --set-kernel python3 --update --to ipynb $$f || exit 1; done
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
		$(patsubst %.py,%.ipynb,$(wildcard $(NB)))
	$(BIN)/convlab tidy $(patsubst %.py,%.ipynb,$(wildcard $(NB)))
	$(BIN)/convlab assign

# The README pictures (SHOTS in tests/test_browser.py) from a real browser run; never skipped.
screenshots: $(VENV)/.test-installed
	CONVLAB_REQUIRE_BROWSER=1 $(PY) -m pytest tests/test_browser.py tests/test_browser_course.py -m browser --screenshots=docs/img

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .jupyter-test
