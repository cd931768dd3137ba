// Injected by tests/test_browser.py into the JupyterLab page (served with
// --LabApp.expose_app_in_browser, so window.jupyterapp is the application).
// It drives JupyterLab through its own commands and reads JupyterLab's own state:
// the session's kernel status, each code cell's execution count/state and outputs.
// Every function takes one object {path, ...}; path is the notebook's path on the server.
window.convlabProbe = (() => {
  const WIDGET = "application/vnd.jupyter.widget-view+json";
  const STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';

  const panelOf = (path) =>
    window.jupyterapp &&
    Array.from(window.jupyterapp.shell.widgets("main")).find((w) => w.context?.path === path);
  const codeCells = (panel) => panel.content.widgets.filter((c) => c.model.type === "code");
  const tags = (cell) => cell.model.getMetadata("tags") || [];
  const source = (cell) => cell.model.sharedModel.getSource();
  const outputs = (cell) => cell.model.outputs.toJSON();
  const where = (panel, cell) => {
    const line = JSON.stringify(source(cell).split("\n")[0].slice(0, 60));
    return `cell ${panel.content.widgets.indexOf(cell)} (${line})`;
  };
  const dialog = () => {
    const node = document.querySelector(".jp-Dialog");
    return node ? { dialog: node.innerText } : null;
  };
  const kernelOf = (panel) => panel.sessionContext.session?.kernel;
  const pending = (cell) =>
    cell.model.executionState === "running" ||
    (cell.promptNode?.textContent ?? "").includes("*");
  const unrun = (cell) => cell.model.executionCount === null && source(cell).trim() !== "";
  const failed = (cell) =>
    !tags(cell).includes("raises-exception") &&
    outputs(cell).some((o) => o.output_type === "error");
  // The output node of each widget view a cell shows (output area child i shows output i).
  const widgetNodes = (cell) =>
    outputs(cell).flatMap((o, i) =>
      o.data?.[WIDGET]
        ? [cell.outputArea.widgets[i]?.node.querySelector(".jp-OutputArea-output")]
        : [],
    );
  const widgetFailed = (node) =>
    node.textContent.startsWith("Error displaying widget") || node.querySelector(".widget-error");
  const images = (cell) => Array.from(cell.outputArea.node.querySelectorAll("img"));

  // The <img> elements in the widget box of explorer k's slider: the nearest enclosing
  // box of the slider that holds a picture, inside the same output.
  const pictures = (k) => {
    const out = document.querySelector(`[data-convlab-explorer="${k}"]`);
    let box = out?.querySelector("[data-convlab-slider]");
    while (box && box !== out && !box.querySelector("img")) box = box.parentElement;
    return box ? Array.from(box.querySelectorAll("img")) : [];
  };
  const sha256 = async (url) => {
    const bytes = await (await fetch(url)).arrayBuffer();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  return {
    // Truthy once the notebook is open with a connected, idle kernel.
    ready({ path }) {
      const panel = panelOf(path);
      if (!panel?.context.isReady || !panel.sessionContext.isReady) return dialog() || false;
      const kernel = kernelOf(panel);
      const up = kernel?.status === "idle" && kernel.connectionStatus === "connected";
      return dialog() || (up && { kernel: kernel.id });
    },

    // Clear every output, watch the kernel for errors no cell shows (widget callbacks run
    // on comm messages), then start "Run All Cells". Returns a problem, or null.
    async runAll({ path }) {
      const app = window.jupyterapp;
      const panel = panelOf(path);
      app.shell.activateById(panel.id);
      if (app.shell.currentWidget !== panel) return "the notebook is not the current tab";
      await app.commands.execute("notebook:clear-all-cell-outputs");
      const cells = codeCells(panel);
      if (cells.some((c) => c.model.outputs.length || c.model.executionCount !== null))
        return "outputs survived notebook:clear-all-cell-outputs";
      window.convlabKernelErrors = [];
      panel.sessionContext.iopubMessage.connect((_, msg) => {
        if (msg.parent_header?.msg_type === "execute_request") return; // a cell's: see report
        const type = msg.header.msg_type;
        const { content } = msg;
        if (type === "error") window.convlabKernelErrors.push(`${content.ename}: ${content.evalue}`);
        if (type === "stream" && content.name === "stderr" && content.text.includes("Traceback"))
          window.convlabKernelErrors.push(content.text);
      });
      app.commands.execute("notebook:run-all-cells"); // done() tells when it has finished
      return null;
    },

    // Truthy once the kernel is idle, no cell is queued or running, and either every
    // non-empty code cell has an execution count or one failed (JupyterLab then aborts the
    // rest). A dialog (kernel died...) or a new or dead kernel ends the wait too.
    done({ path, kernel: id }) {
      const panel = panelOf(path);
      const kernel = kernelOf(panel);
      if (!kernel || kernel.id !== id || /dead|restarting/.test(kernel.status))
        return { died: kernel ? kernel.status : "no kernel" };
      const cells = codeCells(panel);
      const finished = kernel.status === "idle" && !cells.some(pending);
      const complete = !cells.some(unrun) || cells.some(failed);
      return dialog() || (finished && complete && { ok: true });
    },

    // For a timeout message: the kernel's status and the cells queued or running.
    state({ path }) {
      const panel = panelOf(path);
      if (!panel) return "the notebook is not open";
      const running = codeCells(panel).filter(pending).map((c) => where(panel, c));
      const status = kernelOf(panel)?.status ?? "missing";
      return `kernel ${status}; queued or running: ${running.join(", ") || "none"}`;
    },

    // Truthy once every widget view is rendered (or failed to) and every <img> has loaded.
    settled({ path }) {
      const panel = panelOf(path);
      if (!panel.content.rendermime.mimeTypes.includes(WIDGET))
        return { error: "JupyterLab has no widget renderer: is jupyterlab_widgets installed?" };
      const cells = codeCells(panel);
      const shown = (n) => n && (n.querySelector(".jupyter-widgets") || widgetFailed(n));
      return (
        cells.flatMap(widgetNodes).every(shown) &&
        cells.flatMap(images).every((img) => img.complete)
      );
    },

    // What ran: errors, cells that did not run, other stderr, figures and explorers.
    // Marks each output that holds a slider (an explorer) and its first slider.
    report({ path }) {
      const panel = panelOf(path);
      const result = { errors: [], unrun: [], stderr: [], figures: 0, sliders: 0, explorers: [] };
      for (const cell of codeCells(panel)) {
        const at = where(panel, cell);
        const expected = tags(cell).includes("raises-exception");
        const problem = (text) => result.errors.push(`${at}: ${text}`);
        if (unrun(cell)) result.unrun.push(at);
        const errors = outputs(cell).filter((o) => o.output_type === "error");
        if (!expected) errors.forEach((o) => problem(`${o.ename}: ${o.evalue}`));
        for (const node of cell.outputArea.node.querySelectorAll(STDERR)) {
          const text = node.textContent.trim();
          if (!text.includes("Traceback")) result.stderr.push(`${at}: ${text}`);
          else if (!expected && !errors.length) problem(text);
        }
        widgetNodes(cell).filter(widgetFailed).forEach((node) => problem(node.textContent));
        for (const img of images(cell))
          if (!img.naturalWidth) problem(`a picture did not load (${img.src.slice(0, 40)})`);
        const area = cell.outputArea.node;
        result.figures += area.querySelectorAll('[data-mime-type^="image/"]').length;
        for (const out of area.querySelectorAll(".jp-OutputArea-output")) {
          const sliders = out.querySelectorAll(".widget-slider");
          if (!sliders.length || out.parentElement.closest("[data-convlab-explorer]")) continue;
          const k = result.explorers.length;
          out.dataset.convlabExplorer = k;
          sliders[0].dataset.convlabSlider = "";
          result.sliders += sliders.length;
          result.explorers.push({ at, sliders: sliders.length, pictures: pictures(k).length });
        }
      }
      return result;
    },

    // The sources of explorer k's pictures (ipywidgets.Image: a new blob URL per redraw),
    // whether they changed since `before`, and what they show.
    pictureSources: ({ k }) => pictures(k).map((img) => img.src),
    redrawn: ({ k, before }) =>
      JSON.stringify(pictures(k).map((img) => img.src)) !== JSON.stringify(before),
    pictureHashes: async ({ k }) => Promise.all(pictures(k).map((img) => sha256(img.src))),

    kernelErrors: () => window.convlabKernelErrors,

    // Mark the first code cell whose source contains `text` (text null: that shows a
    // slider) for a screenshot, and scroll it into view (for a page shot: its output near
    // the top, the end of its code above). Returns the cell's index, or null.
    markCell({ path, text, mark, page }) {
      const panel = panelOf(path);
      const wanted = (c) =>
        text === null
          ? c.outputArea.node.querySelector(".widget-slider")
          : source(c).includes(text);
      const cell = codeCells(panel).find(wanted);
      if (!cell) return null;
      cell.node.dataset.convlabShot = mark;
      window.jupyterapp.shell.collapseLeft();
      cell.outputArea.node.scrollIntoView({ block: "start" });
      const scroller = cell.node.closest(".jp-WindowedPanel-outer");
      if (page && scroller) scroller.scrollTop -= 120;
      return panel.content.widgets.indexOf(cell);
    },

    // The box around what the marked cell's outputs show (text, pictures, widget parts),
    // clipped to the window: an output element itself is as wide as the notebook.
    contentBox({ mark, pad }) {
      const rects = [];
      const areas = document.querySelectorAll(`[data-convlab-shot="${mark}"] .jp-Cell-outputArea`);
      for (const area of areas) {
        const walk = document.createTreeWalker(area, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
          const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
          if (element.closest(".jp-OutputPrompt, .jp-OutputArea-promptOverlay")) continue;
          if (node.nodeType === Node.TEXT_NODE) {
            if (!node.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            rects.push(range.getBoundingClientRect());
          } else if (!node.children.length || /^(img|svg|canvas)$/i.test(node.tagName)) {
            rects.push(node.getBoundingClientRect());
          }
        }
      }
      const boxes = rects.filter((r) => r.width > 0 && r.height > 0);
      if (!boxes.length) return null;
      // Padded, but inside the output area (not its neighbours' borders) and the window.
      const outer = Array.from(areas, (a) => a.getBoundingClientRect());
      const top = Math.max(0, Math.min(...outer.map((r) => r.top)));
      const bottom = Math.min(window.innerHeight, Math.max(...outer.map((r) => r.bottom)));
      const x = Math.max(0, Math.min(...boxes.map((r) => r.left)) - pad);
      const y = Math.max(top, Math.min(...boxes.map((r) => r.top)) - pad);
      const right = Math.min(window.innerWidth, Math.max(...boxes.map((r) => r.right)) + pad);
      const end = Math.min(bottom, Math.max(...boxes.map((r) => r.bottom)) + pad);
      return { x, y, width: right - x, height: end - y };
    },

    // Shut the notebook's kernel down (JupyterLab's own action); the kernel id, or null.
    async shutdown({ path }) {
      const panel = panelOf(path);
      const id = panel && kernelOf(panel)?.id;
      if (panel) await panel.sessionContext.shutdown();
      return id || null;
    },
  };
})();
