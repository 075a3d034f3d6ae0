"""Mermaid diagrams parsed and drawn by Mermaid itself, in headless Chromium, from local files.

The ``mermaid`` npm package is installed by ``.ci/run`` into a cache outside
the repository (``$SIGNAL_LINT_CI_CACHE/node_modules/mermaid``, by default
``${XDG_CACHE_HOME:-~/.cache}/signal-lint-ci``); ``SIGNAL_LINT_MERMAID`` may name
another ``mermaid.min.js``.  Without it the tests that need it fail, saying how to
install it.  Nothing is fetched from the network.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import browse

CACHE = Path(
    os.environ.get("SIGNAL_LINT_CI_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "signal-lint-ci"
)
RELATIVE = Path("node_modules") / "mermaid" / "dist" / "mermaid.min.js"


def mermaid_js() -> Path:
    explicit = os.environ.get("SIGNAL_LINT_MERMAID")
    path = Path(explicit) if explicit else CACHE / RELATIVE
    if not path.is_file():
        pytest.fail(
            f"the Mermaid tests need the mermaid npm package at {path}: "
            f"`npm install --prefix {CACHE} mermaid@11` (.ci/run does it) or set SIGNAL_LINT_MERMAID",
            pytrace=False,
        )
    return path


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<script src="{script}"></script>
<script type="application/json" id="diagrams">{diagrams}</script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict", maxEdges: 5000, maxTextSize: 10000000}});
var items = JSON.parse(document.getElementById("diagrams").textContent);
(async function () {{
  for (var i = 0; i < items.length; i++) {{
    var out = document.createElement("section");
    out.id = "result-" + i;
    try {{
      await mermaid.parse(items[i]);
      var drawn = await mermaid.render("diagram-" + i, items[i]);
      out.setAttribute("data-ok", "1");
      out.innerHTML = drawn.svg;
    }} catch (error) {{
      out.setAttribute("data-error", String((error && error.message) || error));
    }}
    document.body.appendChild(out);
  }}
  document.body.setAttribute("data-done", "1");
}})();
</script></body></html>
"""


class Results(HTMLParser):
    """Each diagram's outcome: ``{"ok": bool, "error": str, "text": [...], "nodes": n}``."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.done = False
        self.results: list[dict] = []
        self._current: dict | None = None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body" and attributes.get("data-done") == "1":
            self.done = True
        if tag == "section" and (attributes.get("id") or "").startswith("result-"):
            self._current = {
                "ok": attributes.get("data-ok") == "1",
                "error": attributes.get("data-error") or "",
                "text": [],
                "nodes": 0,
                "edges": 0,
            }
            self.results.append(self._current)
        if self._current is not None and tag == "g":
            classes = (attributes.get("class") or "").split()
            if "node" in classes:
                self._current["nodes"] += 1
        if self._current is not None and tag == "path":
            if "flowchart-link" in (attributes.get("class") or ""):
                self._current["edges"] += 1

    def handle_data(self, data):
        if self._current is not None and data.strip():
            self._current["text"].append(data.strip())


def render_mermaid(diagrams: list[str], directory: Path) -> list[dict]:
    """Parse and draw each diagram with Mermaid; one result per diagram, in order."""
    script = mermaid_js().resolve().as_uri()
    data = json.dumps(diagrams).replace("<", "\\u003c")
    page = directory / "mermaid.html"
    page.write_text(PAGE.format(script=script, diagrams=data), encoding="utf-8")
    dom = browse(page.as_uri(), wait_ms=60000)
    results = Results(dom)
    assert results.done, "Mermaid did not finish in the browser"
    assert len(results.results) == len(diagrams)
    return results.results
