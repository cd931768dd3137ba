"""The committed lessons read without a kernel: what GitHub, a notebook viewer or
JupyterLab before "Run All" shows is the saved outputs, with no Python behind them.

Each ``lessons/*.ipynb`` is converted to HTML with nbconvert (no execution) and opened in
headless Chromium with the network blocked (only the page itself and ``data:`` URIs
load). Then:

- every ``<img>`` decoded (``naturalWidth > 0``): no broken picture anywhere;
- every explorer cell (its source calls ``*_explorer(`` or ``kernel_playground(``) shows a
  picture: the still PNG its saved output carries, with the "run this cell" line;
- every animation player has frames, and its picture is there before any script runs
  (the first frame is the ``<img>``'s own source).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted(REPO.glob("lessons/[0-9]*.ipynb"))
EXPLORER_CALL = re.compile(r"\b(\w+_explorer|kernel_playground)\(")

# page-side: one record per code cell with what its outputs show
PROBE = """() => [...document.querySelectorAll('.jp-CodeCell')].map(cell => {
  const source = cell.querySelector('.jp-InputArea')?.innerText ?? '';
  const out = cell.querySelector('.jp-OutputArea') ?? cell;
  const imgs = [...out.querySelectorAll('img')];
  const players = [...out.querySelectorAll('img[id^="_anim_img"]')].map(img => {
    const id = img.id.replace('_anim_img', '');
    const slider = document.getElementById('_anim_slider' + id);
    const anim = window['anim' + id];
    return {
      decoded: img.complete && img.naturalWidth > 0,
      frames: anim && anim.frames ? anim.frames.length : 0,
      sliderMax: slider ? Number(slider.max) : -1,
    };
  });
  return {
    source,
    text: out.innerText,
    images: imgs.map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0,
                             width: i.naturalWidth})),
    players,
  };
})"""


def to_html(notebook: Path, out: Path) -> Path:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_filename(str(notebook))
    page = out / f"{notebook.stem}.html"
    page.write_text(body, encoding="utf-8")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("notebook", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_reads_without_a_kernel(notebook, chromium, tmp_path):
    page_file = to_html(notebook, tmp_path)
    page = chromium.new_page()
    blocked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file://", "data:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # let the players start
        cells = page.evaluate(PROBE)
    finally:
        page.close()
    assert cells, f"{notebook.name}: no code cell in the HTML"
    broken = [(n, i["src"]) for n, c in enumerate(cells) for i in c["images"] if not i["ok"]]
    assert not broken, f"{notebook.name}: broken <img> in cells {broken}"
    explorers = [c for c in cells if EXPLORER_CALL.search(c["source"])]
    assert explorers, f"{notebook.name}: no explorer cell (every lesson has one)"
    for c in explorers:
        where = f"{notebook.name}, cell {c['source'][:60]!r}"
        assert c["images"] and max(i["width"] for i in c["images"]) >= 300, (
            f"{where}: the saved output shows no picture of the explorer "
            "(re-execute the notebook: `make notebooks`)"
        )
    players = [p for c in cells for p in c["players"]]
    for p in players:
        assert p["decoded"], f"{notebook.name}: an animation shows no first frame"
        assert p["frames"] >= 2, f"{notebook.name}: an animation has {p['frames']} frames"
