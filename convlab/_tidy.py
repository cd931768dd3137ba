"""``convlab tidy``: make executed notebooks byte-stable before they are committed.

Executing the same notebook twice gives the same pictures and numbers (seeded, no
timing metadata), but three things still change from run to run or machine to machine,
and they are removed here (every other output is left as it is):

* a widget's output refers to a random model id, and without the widget state (which is
  not committed) it cannot be displayed anyway: the widget view is dropped and the rest of
  the bundle kept (convlab's explorers carry a still PNG of their first state, with the
  "run this cell ..." line, and that text as the plain-text fallback);
* output printed in a loop arrives in a varying number of stream chunks: consecutive
  chunks of the same stream are merged;
* an error's traceback lists the frames with the absolute paths and line numbers of the
  machine that ran it: only its last line, the exception and its message (what an error
  demonstration is there to show), is kept.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["tidy"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def tidy(path: Path) -> bool:
    """Tidy one ``.ipynb`` in place; return whether it changed."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if out.output_type == "error":
                out.traceback = out.traceback[-1:]
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    continue
            previous = outputs[-1] if outputs else None
            if (
                out.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == out.name
            ):
                previous.text += out.text
                continue
            outputs.append(out)
        cell.outputs = outputs
    after = nbformat.writes(nb)
    if after != before:
        path.write_text(after + ("" if after.endswith("\n") else "\n"), encoding="utf-8")
    return after != before
