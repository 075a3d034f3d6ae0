"""The HTML graph report, checked in a real browser (headless Debian ``chromium``).

Chromium loads the report from a ``file://`` URL with networking off; the
tests read what it rendered after the page's script ran (``--dump-dom``)
and ``--screenshot``s.  Filters, facets, collapsed apps and the selected
node are driven through the URL hash (``report.html#app=catalog``), which
the script reads; hovering is driven by a test script appended to a copy of
the page.  Pages: the example project, a generated 300-receiver project
(10 apps x 30 receivers, 60 models: ``tests/synthetic_project.py``), hand-made
data with hostile names, and statuses the analysis may not produce yet.

Chromium is required: without it these tests fail (``.ci/run`` installs it;
``SIGNAL_LINT_CHROMIUM`` may name another Chromium/Chrome binary).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from browser import browse, chromium, png_pixels
from graph_shapes import HAND_MADE
from synthetic_project import write_synthetic_project

from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.graph.query import sender_text
from signal_lint.report.graph import RenderOptions, as_html, graph_data
from signal_lint.report.html import EDGE_THRESHOLD, page_data, render

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "fixtures" / "example_project"
DOCS_IMAGES = ROOT / "docs" / "images"


class Node:
    def __init__(self, attrs: dict[str, str | None]) -> None:
        self.attrs = attrs
        self.id = attrs.get("id")
        self.classes = set((attrs.get("class") or "").split())
        self.name = attrs.get("data-name")
        self.hidden = "hidden" in attrs
        self.text_parts: list[str] = []

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts)).strip()


class Page(HTMLParser):
    """The report's cards (``<article>``), edges (``<path class="edge ...">``) and a few marked elements."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: dict[str, Node] = {}
        self.edges: list[dict[str, str | None]] = []
        self.elements: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, list[str]] = {}
        self.body: dict[str, str | None] = {}
        self.links: list[str] = []
        self.groups: dict[str, dict[str, str | None]] = {}
        self.dead: list[dict[str, str | None]] = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self.scripts = 0
        self._open: list[Node] = []
        self._depth: list[int] = []
        self._ids: list[str] = []
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.body = attributes
        if tag == "script":
            self.scripts += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "div" and "group" in (attributes.get("class") or "").split():
            self.groups[attributes.get("data-app") or ""] = attributes
        if tag == "li" and attributes.get("data-id"):
            self.dead.append(attributes)
        if tag == "select":
            self._select = attributes.get("id")
            self.options[self._select or ""] = []
        if tag == "option" and self._select:
            self.options[self._select].append(attributes.get("value") or "")
        if (
            tag == "path"
            and "edge" in (attributes.get("class") or "").split()
            and attributes.get("data-from")
        ):
            self.edges.append(attributes)
        if attributes.get("id"):
            self.elements[attributes["id"]] = attributes
            self.texts[attributes["id"]] = []
            if tag not in ("input", "br", "wbr", "meta", "img", "path"):
                self._ids.append(attributes["id"])
        if tag == "article":
            node = Node(attributes)
            self.nodes[node.name] = node
            self._open.append(node)
            self._depth.append(0)
        elif self._depth and tag not in ("br", "wbr", "img", "input", "meta"):
            self._depth[-1] += 1

    def handle_endtag(self, tag):
        if tag == "article" and self._open:
            self._open.pop()
            self._depth.pop()
        elif self._depth:
            self._depth[-1] -= 1

    def handle_data(self, data):
        for node in self._open:
            node.text_parts.append(data)
        for identifier in self._ids[-1:]:
            self.texts[identifier].append(data)

    def text_of(self, identifier: str) -> str:
        return "".join(self.texts.get(identifier, []))

    def nodes_by_id(self, identifier: str | None) -> str | None:
        return next((name for name, node in self.nodes.items() if node.id == identifier), None)


def project_data(root: Path, config_root: str | None = None) -> dict:
    paths = [str(root)]
    config = load_config(paths)
    graph, findings, messages = graph_paths(paths, config, use_cache=False)
    assert messages == []
    return graph_data(graph, findings, config_root or config.root)


@pytest.fixture(scope="module")
def data():
    return project_data(EXAMPLE)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = write_synthetic_project(tmp_path_factory.mktemp("synthetic"))
    return project_data(root, str(root))


HOSTILE_NAME = (
    "shop.receivers.on_<img src=x onerror=\"document.body.setAttribute('data-pwned',1)\">_saved"
)
HOSTILE = {
    "signals": [
        {
            "name": "shop.signals.evil</script><script>document.body.setAttribute('data-pwned',2)</script>",
            "short_name": "evil</script><script>document.body.setAttribute('data-pwned',2)</script>",
            "builtin": False,
            "model_signal": False,
            "path": "shop/signals.py",
            "line": 3,
        }
    ],
    "receivers": [
        {"name": HOSTILE_NAME, "kind": "function", "path": "shop/<b>receivers</b>.py", "line": 7}
    ],
    "connections": [
        {
            "signal": "shop.signals.evil</script><script>document.body.setAttribute('data-pwned',2)</script>",
            "receiver": HOSTILE_NAME,
            "sender": 'shop.models.Order\u2028"><svg onload=alert(3)>',
            "weak": True,
            "dispatch_uid": "</script>&amp;<!--",
            "path": "shop/<b>receivers</b>.py",
            "line": 6,
            "status": "collected",
            "reason": "<script>document.body.setAttribute('data-pwned',4)</script> `<i>x</i>`",
            "kind": "decorator",
            "context": "module",
            "conditional": False,
        }
    ],
    "sends": [],
    "findings": [
        {
            "code": "SIG001",
            "name": "x<y",
            "severity": "error",
            "path": "shop/<b>receivers</b>.py",
            "line": 7,
            "column": 1,
            "message": "`<img src=x onerror=alert(5)>` and </script>",
        }
    ],
}


ALLAUTH = {"name": "django-allauth", "version": "65.22.1"}
# A project receiving an installed package's signal, beside the package's own receiver of it
# and a package receiver of a Django signal (graph_data() marks what packages contribute).
INSTALLED = {
    "signals": [
        {
            "name": "allauth.account.signals.user_logged_in",
            "short_name": "user_logged_in",
            "builtin": False,
            "model_signal": False,
            "path": ".venv/lib/python3.11/site-packages/allauth/account/signals.py",
            "line": 9,
            "installed": ALLAUTH,
        },
        {
            "name": "django.core.signals.setting_changed",
            "short_name": "setting_changed",
            "builtin": True,
            "model_signal": False,
            "path": None,
            "line": None,
            "installed": None,
        },
    ],
    "receivers": [
        {
            "name": "app.receivers.remember_login",
            "kind": "function",
            "path": "app/receivers.py",
            "line": 5,
            "installed": None,
        },
        {
            "name": "allauth.usersessions.signals.on_user_logged_in",
            "kind": "name",
            "path": ".venv/lib/python3.11/site-packages/allauth/usersessions/signals.py",
            "line": 16,
            "installed": ALLAUTH,
        },
        {
            "name": "allauth.app_settings.reset",
            "kind": "function",
            "path": ".venv/lib/python3.11/site-packages/allauth/app_settings.py",
            "line": 3,
            "installed": ALLAUTH,
        },
    ],
    "connections": [
        {
            "signal": "allauth.account.signals.user_logged_in",
            "receiver": "app.receivers.remember_login",
            "sender": None,
            "weak": True,
            "dispatch_uid": None,
            "path": "app/receivers.py",
            "line": 4,
            "status": "live",
            "conditional": False,
            "installed": None,
        },
        {
            "signal": "allauth.account.signals.user_logged_in",
            "receiver": "allauth.usersessions.signals.on_user_logged_in",
            "sender": None,
            "weak": True,
            "dispatch_uid": None,
            "path": ".venv/lib/python3.11/site-packages/allauth/usersessions/apps.py",
            "line": 22,
            "status": "live",
            "conditional": False,
            "installed": ALLAUTH,
        },
        {
            "signal": "django.core.signals.setting_changed",
            "receiver": "allauth.app_settings.reset",
            "sender": None,
            "weak": True,
            "dispatch_uid": None,
            "path": ".venv/lib/python3.11/site-packages/allauth/app_settings.py",
            "line": 2,
            "status": "live",
            "conditional": False,
            "installed": ALLAUTH,
        },
    ],
    "sends": [],
    "findings": [],
    "apps": [{"label": "app", "package": "app", "path": "app", "installed": None}],
    "models": [],
}

# Appended to a copy of a page: hovers a node, then records what the page drew, and measures
# whether any identifier in a finding box or a card name is broken across lines.
PROBE = """<script>
(function () {
  var graph = document.getElementById("graph");
  document.body.setAttribute("data-edges-idle", graph.getAttribute("data-edges"));
  var target = document.querySelector('article[data-name="%s"]');
  if (target) {
    target.dispatchEvent(new MouseEvent("mouseenter"));
    document.body.setAttribute("data-edges-hover", graph.getAttribute("data-edges"));
    target.dispatchEvent(new MouseEvent("mouseleave"));
    document.body.setAttribute("data-edges-after", graph.getAttribute("data-edges"));
  }
  var broken = [], checked = 0;
  document.querySelectorAll(".finding code .seg, .node .name").forEach(function (element) {
    element.childNodes.forEach(function (child) {
      if (child.nodeType !== 3 || !child.textContent.trim()) return;
      var range = document.createRange();
      range.selectNodeContents(child);
      var tops = {};
      Array.prototype.forEach.call(range.getClientRects(), function (r) {
        if (r.width > 0) tops[Math.round(r.top)] = true;
      });
      checked++;
      if (Object.keys(tops).length > 1) broken.push(child.textContent);
    });
  });
  document.body.setAttribute("data-checked", String(checked));
  document.body.setAttribute("data-broken", JSON.stringify(broken));
})();
</script></body>"""


def page_file(directory: Path, name: str, text: str, probe: str | None = None) -> Path:
    if probe is not None:
        text = text.replace("</body>", PROBE % probe, 1)
    path = directory / f"{name}.html"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(data, synthetic, tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("pages")
    first_receiver = next(r["name"] for r in synthetic["receivers"] if "app03" in r["name"])
    return {
        "example": page_file(
            directory, "example", render(data), probe="shop.receivers.on_order_saved_first"
        ),
        "synthetic": page_file(directory, "synthetic", render(synthetic), probe=first_receiver),
        "hostile": page_file(directory, "hostile", render(HOSTILE)),
        "shapes": page_file(directory, "shapes", render(HAND_MADE)),
        "installed": page_file(directory, "installed", render(INSTALLED)),
        "links": page_file(
            directory,
            "links",
            render(
                data,
                RenderOptions(
                    link_template="https://example.com/r/blob/{rev}/{path}#L{line}|vscode://file/{abspath}:{line}",
                    root="/work/my project",
                    rev="abc123",
                ),
            ),
        ),
    }


@pytest.fixture(scope="module")
def pages(files, synthetic) -> dict[str, Page]:
    """Every DOM the tests read, dumped by chromium two at a time."""
    receiver = next(r["name"] for r in synthetic["receivers"] if "app05" in r["name"])
    urls = {
        "plain": files["example"].as_uri(),
        "search": files["example"].as_uri() + "#search=on_order_saved",
        "problems": files["example"].as_uri() + "#problems=1",
        "app": files["example"].as_uri() + "#app=catalog",
        "signal": files["example"].as_uri() + "#signal=django.db.models.signals.post_delete",
        "model": files["example"].as_uri() + "#model=shop.models.Customer",
        "hostile": files["hostile"].as_uri(),
        "shapes": files["shapes"].as_uri(),
        "shapes-tests": files["shapes"].as_uri() + "#tests=1",
        "installed": files["installed"].as_uri(),
        "installed-shown": files["installed"].as_uri() + "#installed=1",
        "links": files["links"].as_uri(),
        "big": files["synthetic"].as_uri(),
        "big-selected": files["synthetic"].as_uri() + "#select=" + receiver,
        "big-collapsed": files["synthetic"].as_uri() + "#collapse=*",
        "big-app": files["synthetic"].as_uri() + "#app=app03",
        "big-search": files["synthetic"].as_uri() + "#search=on_event_app01",
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        dumps = dict(zip(urls, pool.map(browse, urls.values()), strict=True))
    return {key: Page(dom) for key, dom in dumps.items()}


# -- without a browser -----------------------------------------------------------------------------


def test_chromium_is_installed():
    binary = chromium()
    version = subprocess.run([binary, "--version"], capture_output=True, timeout=60)
    assert version.returncode == 0 and b"Chrom" in version.stdout, version


def test_same_data_same_bytes(data):
    first = as_html(data)
    assert first == as_html(data) == render(json.loads(json.dumps(data)))
    assert first.startswith("<!DOCTYPE html>\n") and first.endswith("</html>\n")


def test_same_bytes_whatever_the_hash_seed(data, tmp_path):
    source = tmp_path / "graph.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    script = (
        "import json, sys; from signal_lint.report.html import render; "
        "sys.stdout.write(render(json.load(open(sys.argv[1]))))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(source)],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_the_page_is_package_data_filled_in(data):
    """HTML, CSS and JS are template files shipped with the package; Python fills placeholders."""
    templates = resources.files("signal_lint.report").joinpath("templates")
    page = render(data)
    for name in ("graph.css", "graph.js"):
        assert templates.joinpath(name).read_text("utf-8") in page
    skeleton = templates.joinpath("graph.html").read_text("utf-8")
    assert set(re.findall(r"\{\{(\w+)\}\}", skeleton)) == {"TITLE", "CSS", "JS", "DATA"}
    assert "{{" not in page.replace(templates.joinpath("graph.js").read_text("utf-8"), "")
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"report/templates/*"' in pyproject
    assert len((ROOT / "signal_lint" / "report" / "html.py").read_text().splitlines()) < 400


def test_self_contained(data):
    page = render(data)
    assert not re.search(r"""\b(src|href|srcset|action)\s*=""", page)
    assert not re.search(r"@import|url\((?!#)|//fonts\.|<link|<iframe|<object|<embed", page)
    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"]
    assert "default-src 'none'" in page  # CSP: the browser refuses any load


def test_names_and_messages_are_escaped():
    page = render(HOSTILE)
    for fragment in ("<img src=x", "<svg onload", "<b>receivers</b>", "<i>x</i>", "<!--"):
        assert fragment not in page, fragment
    assert page.count("<script") == 2  # the data island and the page's own script
    assert "</script><script>document" not in page
    island = page.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "\u2028" not in island and "<" not in island
    assert json.loads(island)["nodes"]


def test_findings_attached_to_the_nodes_they_concern(data):
    island = page_data(data)
    codes = {
        n["name"]: {island["findings"][i]["code"] for i in n["findings"]}
        for n in island["nodes"].values()
    }
    expected = {
        "shop.receivers.on_order_saved_wrong_arg_create": "SIG004",  # on the def line
        "shop.receivers.on_order_item_saved_resaves": "SIG008",  # inside the body
        "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested": "SIG002",  # the connect() in ready()
        "shop.receivers.OrderAuditTrail.on_order_pre_delete_method": "SIG005",
        "shop.receivers.on_order_paid()": "SIG012",
        "shop.handlers_unused.on_order_item_deleted_never_imported": "SIG101",
        "shop.signals.order_placed": "SIG016",  # a send site
        "django.db.models.signals.post_save": "SIG010",
        "shop.legacy_signals.order_cancelled": "SIG011",  # the definition
    }
    for name, code in expected.items():
        assert code in codes[name], (name, codes[name])
    assert "SIG004" not in codes["shop.receivers.on_order_saved_first"]
    attached = {i for n in island["nodes"].values() for i in n["findings"]}
    assert attached | set(island["unattached"]) == set(range(len(island["findings"])))
    assert [
        island["findings"][i]["code"]
        for i in island["unattached"]
        if island["findings"][i]["code"] < "SIG100"
    ] == []


# -- in the browser: the example project -----------------------------------------------------------


def test_the_script_ran_and_drew_every_node_and_edge(pages, data):
    page = pages["plain"]
    assert page.body.get("data-ready") == "1"
    names = {r["name"] for r in data["receivers"]} | {s["name"] for s in data["signals"]}
    names |= {sender_text(c["sender"]) for c in data["connections"] if c["sender"]}
    names |= {sender_text(s["sender"]) for s in data["sends"]}  # "any sender" for sender=None
    assert "(unresolved: 'shop.Refund')" in names
    assert names <= set(page.nodes)
    assert not any(node.hidden for node in page.nodes.values())
    assert len(data["receivers"]) <= EDGE_THRESHOLD  # a small project: every edge is drawn
    graph = page.elements["graph"]
    assert int(graph["data-edges"]) == len(page.edges)
    ids = {node.id: name for name, node in page.nodes.items()}
    pairs = {(ids[e["data-from"]], ids[e["data-to"]]) for e in page.edges}
    for c in data["connections"]:
        assert (c["signal"], c["receiver"]) in pairs
        if c["sender"]:
            assert (sender_text(c["sender"]), c["signal"]) in pairs
    assert ("shop.models.Order", "django.db.models.signals.post_save") in pairs
    for edge in page.edges:
        assert re.fullmatch(r"M[\d.]+ [\d.]+ C[\d. -]+", edge["d"]), edge["d"]
    assert set(page.groups) == {"catalog", "shop"}  # receivers grouped by app


def test_dead_receivers_are_marked_and_listed(pages):
    page = pages["plain"]
    nodes = page.nodes
    expected = {
        "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested": (
            "collected",
            "collected",
            "collected when its enclosing function returns",
        ),
        "shop.receivers.on_order_saved_dispatch_uid_loser": (
            "ignored",
            "ignored",
            "already taken by",
        ),
        "shop.receivers.on_refund_saved_unknown_sender": ("pending", "pending", "shop.Refund"),
        "shop.handlers_unused.on_order_item_deleted_never_imported": (
            "never-imported",
            "never imported",
            "is never imported by anything Django loads",
        ),
        "shop.handlers_unused.on_customer_pre_delete_never_imported": (
            "never-imported",
            "never imported",
            "is never imported by anything Django loads",
        ),
    }
    for name, (status, label, reason) in expected.items():
        node = nodes[name]
        assert {"dead", f"status-{status}"} <= node.classes, (name, node.classes)
        assert node.attrs.get("data-status") == status
        assert label.upper() in node.text.upper() and reason in node.text, (name, node.text)
    conditional = nodes["shop.views.order_detail.<locals>.on_order_changed_while_viewing"]
    assert "status-later" in conditional.classes and "dead" not in conditional.classes
    assert "connected later" in conditional.text
    assert "status-live" in nodes["shop.receivers.on_order_saved_first"].classes
    dead_edges = {e["data-to"] for e in page.edges if "edge-dead" in e["class"]}
    assert {nodes[name].id for name in expected} <= dead_edges
    listed = {page.nodes_by_id(item["data-id"]) for item in page.dead}
    assert listed == set(expected)
    assert page.text_of("dead-count").startswith("5")


def test_findings_are_shown_in_their_cards(pages):
    nodes = pages["plain"].nodes
    assert "SIG004" in nodes["shop.receivers.on_order_saved_wrong_arg_create"].text
    assert (
        "unknown-receiver-argument" in nodes["shop.receivers.on_order_saved_wrong_arg_create"].text
    )
    assert "SIG004" not in nodes["shop.receivers.on_order_saved_first"].text
    assert (
        "SIG016" in nodes["shop.signals.order_placed"].text
        and "SIG017" in nodes["shop.signals.order_placed"].text
    )


def test_summary_counts(pages, data):
    header = re.sub(r"\s+", " ", pages["plain"].text_of("summary")).lower()
    assert f"{len(data['signals'])} signals" in header
    assert f"{len(data['receivers'])} receivers" in header
    assert f"{len(data['connections'])} connections" in header
    assert (
        "5 dead" in header
        and "1 collected" in header
        and "1 ignored" in header
        and "2 never imported" in header
    )
    assert f"{len(data['findings'])} findings" in header


def test_search_from_the_url_hides_what_does_not_match(pages):
    page = pages["search"]
    nodes = page.nodes
    matching = [name for name in nodes if "on_order_saved" in name]
    assert len(matching) == 4
    for name in matching:
        assert not nodes[name].hidden and "match" in nodes[name].classes, name
    for name in ("django.db.models.signals.post_save", "shop.models.Order"):
        assert not nodes[name].hidden and "context" in nodes[name].classes
    for name in (
        "catalog.receivers.fill_product_slug",
        "shop.receivers.send_order_receipt",
        "shop.signals.order_placed",
    ):
        assert nodes[name].hidden, name
    assert page.text_of("match-count").startswith("4 matches, 6 shown")
    shown = {node.id for node in nodes.values() if not node.hidden}
    assert page.edges and all(e["data-from"] in shown and e["data-to"] in shown for e in page.edges)
    assert page.groups["catalog"].get("hidden") is not None  # no catalog receiver shown: no header


def test_problems_only(pages):
    nodes = pages["problems"].nodes
    assert not nodes["shop.receivers.on_order_saved_dispatch_uid_loser"].hidden
    assert not nodes["shop.receivers.on_order_saved_wrong_arg_create"].hidden
    assert nodes["catalog.receivers.announce_product_published"].hidden


def test_facets_from_the_url_match_exactly(pages):
    app = pages["app"]
    assert app.options["facet-app"] == ["", "catalog", "shop"]
    shown = {name for name, node in app.nodes.items() if not node.hidden}
    matched = {
        name
        for name, node in app.nodes.items()
        if "context" not in node.classes and not node.hidden
    }
    assert {name for name in matched if ".receivers." in name} == {
        name for name in app.nodes if name.startswith("catalog.receivers.")
    }
    assert not any(name.startswith("shop.receivers.") for name in shown)
    signal = pages["signal"]
    receivers = {
        name
        for name, node in signal.nodes.items()
        if not node.hidden and (".receivers." in name or ".handlers_unused." in name)
    }
    assert "catalog.receivers.forget_deleted_product" in receivers
    assert "shop.receivers.on_order_deleted_missing_kwargs" in receivers
    assert "shop.receivers.on_order_saved_first" not in receivers  # post_save, not post_delete
    model = pages["model"]
    assert not model.nodes["shop.receivers.on_customer_saved_wrapped"].hidden
    assert model.nodes["shop.receivers.on_order_saved_first"].hidden
    assert "django.db.models.signals.post_save" in model.options["facet-signal"]
    assert "shop.models.Customer" in model.options["facet-model"]


def test_no_mid_identifier_wrapping_and_hover(files):
    page = Page(browse(files["example"].as_uri(), size=(1000, 900)))
    assert int(page.body["data-checked"]) > 100
    assert json.loads(page.body["data-broken"]) == []
    assert page.body["data-edges-hover"] == page.body["data-edges-idle"]  # a small graph: all drawn


def test_hostile_names_stay_text(pages):
    page = pages["hostile"]
    assert page.body.get("data-ready") == "1" and "data-pwned" not in page.body
    assert page.scripts == 2
    node = page.nodes[HOSTILE_NAME]
    assert "dead" in node.classes and "<img src=x onerror=alert(5)>" in node.text


def test_new_statuses_and_sender_shapes_are_drawn(pages):
    page = pages["shapes"]
    tests_only = page.nodes["app.tests.helpers.on_saved_in_tests"]
    assert tests_only.hidden and "test-only" in tests_only.classes  # hidden by default
    assert "show 1 test-only receiver" in page.text_of("tests-label")
    weird = page.nodes["app.receivers.on_weird"]
    assert "dead" in weird.classes and weird.attrs["data-status"] == "sender-collected"
    assert (
        "SENDER-COLLECTED" in weird.text.upper()
        and "the sender was garbage collected" in weird.text
    )
    dynamic = page.nodes["app.receivers.on_dynamic_model"]
    assert (
        '(unresolved: apps.get_model("app", "Thing"))' in dynamic.text
        and "if settings.AUDIT" in dynamic.text
    )
    shown = pages["shapes-tests"].nodes["app.tests.helpers.on_saved_in_tests"]
    assert not shown.hidden and "TEST-ONLY" in shown.text.upper()


def test_installed_packages_are_hidden_behind_a_toggle(pages):
    page = pages["installed"]
    package_only = (
        "allauth.usersessions.signals.on_user_logged_in",
        "allauth.app_settings.reset",
        "django.core.signals.setting_changed",  # only a package receives it
    )
    for name in package_only:
        node = page.nodes[name]
        assert node.hidden and "installed" in node.classes, name
        assert node.attrs["data-installed"] == "django-allauth 65.22.1"
    # the project's receiver, and the package's signal the project receives, stay in view
    for name in ("app.receivers.remember_login", "allauth.account.signals.user_logged_in"):
        assert not page.nodes[name].hidden and "installed" not in page.nodes[name].classes, name
    assert "show 3 nodes from installed packages" in page.text_of("installed-label")
    shown = pages["installed-shown"]
    for name in package_only:
        assert not shown.nodes[name].hidden, name
    assert "installed: django-allauth 65.22.1" in shown.nodes[package_only[0]].text
    # without installed packages there is no toggle
    assert pages["shapes"].elements["installed-toggle"].get("hidden") is not None


def test_link_template(pages, data):
    links = pages["links"].links
    assert links and all(link.startswith("https://example.com/r/blob/abc123/") for link in links)
    assert (
        "https://example.com/r/blob/abc123/shop/receivers.py#L43|vscode://file/%2Fwork%2Fmy%20project/shop/receivers.py:43"
        not in links
    )
    assert any(
        link.startswith("https://example.com/r/blob/abc123/shop/receivers.py#L")
        and "|vscode://file//work/my%20project/shop/receivers.py:" in link
        for link in links
    )
    assert pages["plain"].links == []  # off by default


# -- in the browser: 300 receivers -----------------------------------------------------------------


def test_three_hundred_receivers_default_view(pages, synthetic):
    page = pages["big"]
    assert page.body.get("data-ready") == "1"
    receivers = [
        name
        for name in page.nodes
        if ".receivers." in name or ".handlers_unused." in name or "<locals>" in name
    ]
    assert len(receivers) == 300 and len(synthetic["models"]) == 60
    assert len(page.groups) == 10
    # nothing selected: no edge is drawn (a grey wall of 600 edges would hide everything)
    assert int(page.elements["graph"]["data-edges"]) == len(page.edges) == 0
    assert "hidden" not in page.elements["edge-hint"]
    assert "edges are drawn for the node you hover or click" in page.text_of("edge-hint")


def test_three_hundred_receivers_selected_hovered_collapsed_and_faceted(pages, files, synthetic):
    selected = pages["big-selected"]
    island = page_data(synthetic)
    focus = selected.elements["graph"]["data-focus"]
    (focus_id,) = [i for i, n in island["nodes"].items() if n["name"] == focus]
    near = {focus_id, *island["nodes"][focus_id]["related"]}
    drawn = int(selected.elements["graph"]["data-edges"])
    assert focus.startswith("app05.") and 1 <= drawn == len(selected.edges) <= 10
    assert all(e["data-from"] in near and e["data-to"] in near for e in selected.edges)
    collapsed = pages["big-collapsed"]
    assert all("collapsed" in (g.get("class") or "") for g in collapsed.groups.values())
    assert all(collapsed.nodes[name].hidden for name in collapsed.nodes if ".receivers." in name)
    assert (
        0 < len(collapsed.edges) <= 2 * 14 * 10 + 100
    )  # into 10 app cards, at most one per signal and style
    app = pages["big-app"]
    shown = [
        name for name, node in app.nodes.items() if not node.hidden and name.startswith("app03.")
    ]
    assert len([n for n in shown if ".receivers." in n or ".handlers_unused." in n]) == 29
    assert 0 < len(app.edges) == int(app.elements["graph"]["data-edges"])  # few enough: all drawn
    search = pages["big-search"]
    assert {name for name, node in search.nodes.items() if "match" in node.classes} == {
        name for name in search.nodes if "on_event_app01" in name
    }
    hovered = Page(browse(files["synthetic"].as_uri()))
    assert hovered.body["data-edges-idle"] == "0" and hovered.body["data-edges-after"] == "0"
    assert 1 <= int(hovered.body["data-edges-hover"]) <= 10


# -- screenshots -----------------------------------------------------------------------------------


def assert_readable(shot: Path, size: tuple[int, int]) -> None:
    width, height, pixels = png_pixels(shot)
    assert (width, height) == size
    colours = Counter(pixels)
    assert len(colours) > 200, len(colours)  # text, cards, coloured marks, anti-aliased
    assert colours.most_common(1)[0][1] < 0.9 * len(pixels)  # not one flat colour
    reds = sum(n for p, n in colours.items() if p[0] > 180 and p[1] < 90 and p[2] < 90)
    assert reds > 50  # red marks (dead receivers, errors) are drawn


@pytest.mark.parametrize(
    ("page", "name", "fragment", "size"),
    [
        ("example", "graph-example.png", "", (1440, 1400)),
        (
            "example",
            "graph-example-facet.png",
            "#signal=django.db.models.signals.post_save",
            (1440, 1100),
        ),
        ("synthetic", "graph-300.png", "", (1440, 1100)),
        ("synthetic", "graph-300-collapsed.png", "#collapse=*", (1440, 1100)),
    ],
)
def test_screenshots_are_not_blank(files, tmp_path, page, name, fragment, size):
    """Also the pictures of docs/graph.md: ``SIGNAL_LINT_UPDATE_SCREENSHOTS=1`` writes them there."""
    shot = tmp_path / name
    browse(files[page].as_uri() + fragment, screenshot=shot, size=size)
    assert_readable(shot, size)
    if os.environ.get("SIGNAL_LINT_UPDATE_SCREENSHOTS"):
        (DOCS_IMAGES / name).write_bytes(shot.read_bytes())
