"""The notebook contract (DESIGN §4): paired, executed, deterministic, well-formed lessons.

nbval (run by the same `pytest`) re-executes every lesson and solution; these tests check
what nbval does not: that each `.py` source and its `.ipynb` pair hold the same cells,
that the committed `.ipynb` was executed top to bottom in one run without errors, warnings
or widget state, and that every lesson has the parts a lesson must have.
"""

import json
import re
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")

ROOT = Path(__file__).parents[1]
LESSON_NAMES = [
    "01_correlation_vs_convolution",
    "02_padding_stride",
    "03_channels",
    "04_dilation_receptive_field",
    "05_transposed_convolution",
    "06_pooling",
    "07_backpropagation",
]
SOURCES = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py")) + sorted(
    (ROOT / "solutions").glob("[0-9][0-9]_*.py")
)
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.py"))
MAX_BYTES = 1_500_000


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _cells(nb):
    return [(c.cell_type, c.source.strip(), c.metadata.get("tags", [])) for c in nb.cells]


def test_the_seven_lessons_and_their_exercise_sets_exist():
    for folder in ("lessons", "solutions", "exercises"):
        for name in LESSON_NAMES:
            for suffix in (".py", ".ipynb"):
                assert (ROOT / folder / f"{name}{suffix}").exists(), f"{folder}/{name}{suffix}"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_py_and_ipynb_hold_the_same_cells(path):
    script = jupytext.read(path)
    notebook = jupytext.read(path.with_suffix(".ipynb"))
    assert _cells(script) == _cells(notebook), f"run `make notebooks NB={path.relative_to(ROOT)}`"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_committed_notebook_was_executed_cleanly_in_one_run(path):
    raw = path.with_suffix(".ipynb").read_bytes()
    assert len(raw) < MAX_BYTES, f"{len(raw) / 1e6:.1f} MB: use smaller figures or lower dpi"
    nb = json.loads(raw)
    assert "widgets" not in nb["metadata"], (
        "widget state is not committed (store_widget_state=False)"
    )
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and c["source"]]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "execute top to bottom in one run"
    for cell in code:
        tags = cell["metadata"].get("tags", [])
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                assert "raises-exception" in tags, f"unexpected error in: {cell['source'][:80]}"
            if out["output_type"] == "stream" and out["name"] == "stderr":
                pytest.fail(f"stderr output (a warning?) in: {''.join(cell['source'])[:80]}")
            text = json.dumps(out.get("data", {}))
            assert "Warning" not in text, f"a warning in the output of: {cell['source'][:80]}"


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_has_every_part(path):
    nb = jupytext.read(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert re.search(r"learning objectives", markdown, re.I), "state the learning objectives"
    checkpoints = [c for c in nb.cells if "checkpoint" in c.metadata.get("tags", [])]
    if len(checkpoints) < 6:  # lessons not yet on predict-then-check checkpoints (issue 14)
        assert re.search(r"check yourself", markdown, re.I), "add 'Check yourself' questions"
        assert markdown.count("<details>") >= 3, "hide the answers in <details> blocks"
    assert f"exercises/{path.stem}.ipynb" in markdown, "point to the exercise notebook"
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    widget_cells = [
        c for c in code_cells if re.search(r"\b\w+_explorer\(|kernel_playground\(", c.source)
    ]
    assert widget_cells, "a lesson has at least one widget explorer"
    assert all("nbval-ignore-output" in c.metadata.get("tags", []) for c in widget_cells)
    assert any("nbval-check-output" in c.metadata.get("tags", []) for c in code_cells), (
        "numbers that teach are checked by nbval"
    )
    assert any("plot." in s for s in code), "the idea with a picture"


@pytest.mark.parametrize("path", SOURCES + sorted((ROOT / "exercises").glob("[0-9]*.py")), ids=_id)
def test_no_test_plumbing_in_what_a_learner_reads(path):
    """nbval's directives are cell tags (DESIGN §4), never comments a learner has to read."""
    code = [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]
    assert not [s for s in code if "NBVAL" in s], "use the cell tags nbval-check-output etc."


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lessons_use_the_library_instead_of_redefining_it(path):
    code = "\n".join(c.source for c in jupytext.read(path).cells if c.cell_type == "code")
    assert "import convlab" in code or "from convlab" in code
    redefined = re.findall(r"^\s*def (\w*(?:conv|corr|pool|pad|fold|grad)\w*)\(", code, re.M)
    assert not redefined, f"library code belongs in convlab, not in the lesson: {redefined}"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_committed_notebook_is_tidy(path, tmp_path):
    """`make notebooks` ends with `convlab tidy`: no random widget ids, merged streams."""
    from convlab._tidy import tidy

    copy = tmp_path / path.with_suffix(".ipynb").name
    copy.write_bytes(path.with_suffix(".ipynb").read_bytes())
    assert not tidy(copy), f"run `make notebooks NB={path.relative_to(ROOT)}`"


def test_tidy_merges_streams_drops_widget_views_and_shortens_tracebacks(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from convlab._tidy import tidy

    cell = new_code_cell("for i in range(3): print(i)\nexplorer")
    cell.outputs = [
        new_output("stream", name="stdout", text="0\n"),
        new_output("stream", name="stdout", text="1\n2\n"),
        new_output(
            "display_data",
            data={
                "application/vnd.jupyter.widget-view+json": {"model_id": "f00", "version_major": 2},
                "text/plain": "ConvExplorer: run this cell in Jupyter to use the explorer",
            },
        ),
    ]
    path = tmp_path / "nb.ipynb"
    error = new_code_cell("convlab.conv2d(x, w, padding=-1)")
    error.outputs = [
        new_output(
            "error",
            ename="ValueError",
            evalue="conv2d: padding must be >= 0",
            traceback=["File /home/me/convlab/conv.py:240, in conv2d", "ValueError: conv2d: ..."],
        )
    ]
    nbformat.write(new_notebook(cells=[cell, error]), path)
    assert tidy(path) and not tidy(path)  # changes once, then stable
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data"]
    assert outputs[0].text == "0\n1\n2\n"
    assert set(outputs[1].data) == {"text/plain"}
    (shown,) = nbformat.read(path, as_version=4).cells[1].outputs
    assert shown.traceback == ["ValueError: conv2d: ..."] and shown.ename == "ValueError"


# ------------------------------------------------------------------ the lesson's form (DESIGN §4)
CORE_WORDS = 1_800  # the core path: markdown outside `going-further` cells
MIN_CHECKPOINTS = 6


def core_words(path: Path) -> int:
    """Words a learner reads on the core path (markdown cells not tagged going-further)."""
    cells = jupytext.read(path).cells
    text = " ".join(
        c.source
        for c in cells
        if c.cell_type == "markdown" and "going-further" not in c.metadata.get("tags", [])
    )
    text = re.sub(r"\$[^$]*\$", " x ", text)  # a formula reads as one word
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's target is not read
    return len(re.findall(r"[\w'’]+", text))


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_core_path_is_short_and_active(path):
    nb = jupytext.read(path)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    checkpoints = [c for c, t in zip(nb.cells, tags, strict=True) if "checkpoint" in t]
    asides = [c for c, t in zip(nb.cells, tags, strict=True) if "going-further" in t]
    assert core_words(path) <= CORE_WORDS, f"core path {core_words(path)} words > {CORE_WORDS}"
    assert len(checkpoints) >= MIN_CHECKPOINTS, f"{len(checkpoints)} checkpoints"
    for cell in checkpoints:
        assert cell.cell_type == "code" and "quiz." in cell.source, cell.source[:80]
        assert "nbval-ignore-output" in cell.metadata["tags"], "a checkpoint's widget output"
    assert asides, "asides go into markdown cells tagged going-further"
    for cell in asides:
        assert cell.cell_type == "markdown"
        assert cell.source.lstrip().startswith("### Going further"), cell.source[:80]
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert any(re.match(r"#+ Common mistakes", s.lstrip()) for s in markdown)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if re.search(r"\b\w+_explorer\(", code):
        assert ".set_goal(" in code, "an explorer challenge: explorer.set_goal(text, reached)"


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_each_checkpoint_comes_before_what_it_tests(path):
    """A checkpoint is never the last cell of its section: the reveal follows it."""
    cells = jupytext.read(path).cells
    for i, cell in enumerate(cells):
        if "checkpoint" in cell.metadata.get("tags", []):
            assert i + 1 < len(cells), "a checkpoint at the very end reveals nothing"
