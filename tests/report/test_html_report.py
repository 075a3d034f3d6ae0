"""The HTML graph report, checked in a real browser (headless Debian ``chromium``).

Chromium loads the report from a ``file://`` URL with networking off; the
tests read what it rendered after the inline script ran (``--dump-dom``) and
a ``--screenshot``.  The filter is driven through the URL
(``report.html#search=on_order``), which the page's script reads.

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
from pathlib import Path

import pytest
from browser import browse, chromium, png_pixels

from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.graph.query import sender_text
from signal_lint.report.graph import as_html, graph_data
from signal_lint.report.html import render

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "example_project"


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


def big_graph():
    """A wagtail-and-then-some graph: 40 signals, 320 receivers, 60 senders."""
    signals = [
        {
            "name": f"app{i % 7}.signals.signal_{i}",
            "short_name": f"signal_{i}",
            "builtin": False,
            "model_signal": False,
            "path": f"app{i % 7}/signals.py",
            "line": i + 1,
        }
        for i in range(40)
    ]
    receivers = [
        {
            "name": f"app{i % 9}.receivers.on_event_{i}",
            "kind": "function",
            "path": f"app{i % 9}/receivers.py",
            "line": 10 * i + 2,
        }
        for i in range(320)
    ]
    statuses = ("live", "live", "live", "collected", "ignored", "never-imported")
    connections = [
        {
            "signal": signals[(i * 7) % 40]["name"],
            "receiver": r["name"],
            "sender": f"app{i % 5}.models.Model{i % 60}" if i % 3 else None,
            "weak": True,
            "dispatch_uid": None,
            "path": r["path"],
            "line": r["line"] - 1,
            "status": statuses[i % 6],
            "reason": "" if i % 6 < 3 else "why",
            "kind": "decorator",
            "context": "module",
            "conditional": i % 10 == 0,
        }
        for i, r in enumerate(receivers)
    ]
    sends = [
        {
            "signal": signals[i % 40]["name"],
            "method": "send",
            "sender": f"app{i % 5}.models.Model{i % 60}",
            "arguments": [],
            "path": "app/models.py",
            "line": i + 1,
        }
        for i in range(80)
    ]
    findings = [
        {
            "code": "SIG004",
            "name": "unknown-receiver-argument",
            "severity": "error",
            "path": r["path"],
            "line": r["line"],
            "column": 1,
            "message": "parameter `x` is never sent",
        }
        for r in receivers[::9]
    ]
    return {
        "signals": signals,
        "receivers": receivers,
        "connections": connections,
        "sends": sends,
        "findings": findings,
    }


# -- the pages -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    paths = [str(EXAMPLE)]
    graph, findings, _messages = graph_paths(paths, load_config(paths), use_cache=False)
    return graph, findings


@pytest.fixture(scope="module")
def report(example, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(as_html(graph_data(*example)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(example):
    return graph_data(*example)


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


@pytest.fixture(scope="module")
def pages(report, tmp_path_factory) -> dict[str, Page]:
    """Every DOM the tests read, dumped by chromium in parallel."""
    hostile = tmp_path_factory.mktemp("hostile") / "report.html"
    hostile.write_text(render(HOSTILE), encoding="utf-8")
    big = tmp_path_factory.mktemp("big") / "report.html"
    big.write_text(render(big_graph()), encoding="utf-8")
    urls = {
        "plain": report.as_uri(),
        "search": report.as_uri() + "#search=on_order_saved",
        "problems": report.as_uri() + "#problems=1",
        "hostile": hostile.as_uri(),
        "big": big.as_uri() + "#search=on_event_1",
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        dumps = dict(zip(urls, pool.map(browse, urls.values()), strict=False))
    return {key: Page(dom) for key, dom in dumps.items()}


# -- without a browser -----------------------------------------------------------------------------


def test_chromium_is_installed():
    binary = chromium()
    version = subprocess.run([binary, "--version"], capture_output=True, timeout=60)
    assert version.returncode == 0 and b"Chrom" in version.stdout, version


def test_same_data_same_bytes(example, data):
    first = as_html(graph_data(*example))
    assert first == as_html(graph_data(*example)) == render(json.loads(json.dumps(data)))
    assert first.startswith("<!DOCTYPE html>\n") and first.endswith("</html>\n")


def test_same_bytes_whatever_the_hash_seed(data, tmp_path):
    source = tmp_path / "graph.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    script = "import json, sys; from signal_lint.report.html import render; sys.stdout.write(render(json.load(open(sys.argv[1]))))"
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


def test_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"""\b(src|href|srcset|action)\s*=""", page)
    assert not re.search(r"@import|url\((?!#)|//fonts\.|<link|<iframe|<object|<embed", page)
    assert re.findall(r"https?://[^\s\"'<>]+", page) == [
        "http://www.w3.org/2000/svg"
    ]  # the SVG namespace, in the script
    assert "default-src 'none'" in page  # CSP: the browser refuses any load


def test_names_and_messages_are_escaped():
    page = render(HOSTILE)
    for fragment in ("<img src=x", "<svg onload", "<b>receivers</b>", "<i>x</i>", "<!--"):
        assert fragment not in page, fragment
    assert page.count("<script") == 2  # the data block and the page's own script
    assert "</script><script>document" not in page
    assert "\u2028" not in page.split('id="graph-data">', 1)[1].split("</script>", 1)[0]


def test_findings_beside_the_nodes_they_concern(data):
    from signal_lint.report.html import _View

    view = _View(data)
    codes = {
        node.name: {f["code"] for f in node.findings}
        for group in (view.senders, view.signals, view.receivers)
        for node in group.values()
    }
    expected = {
        "shop.receivers.on_order_saved_wrong_arg_create": "SIG004",  # on the def line
        "shop.receivers.on_order_item_saved_resaves": "SIG008",  # inside the body
        "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested": "SIG002",  # on the connect() in ready()
        "shop.receivers.OrderAuditTrail.on_order_pre_delete_method": "SIG005",
        "shop.receivers.on_order_paid()": "SIG012",
        "shop.handlers_unused.on_order_item_deleted_never_imported": "SIG101",  # a module-level finding naming both
        "shop.handlers_unused.on_customer_pre_delete_never_imported": "SIG101",
        "shop.signals.order_placed": "SIG016",  # a send site
        "django.db.models.signals.post_save": "SIG010",
        "shop.legacy_signals.order_cancelled": "SIG011",  # the definition
    }
    for name, code in expected.items():
        assert code in codes[name], (name, codes[name])
    assert "SIG017" in codes["shop.signals.order_placed"]
    assert "SIG004" not in codes["shop.receivers.on_order_saved_first"]
    attached = [
        f
        for group in (view.senders, view.signals, view.receivers)
        for node in group.values()
        for f in node.findings
    ]
    assert {id(f) for f in attached} | {id(f) for f in view.unattached} == {
        id(f) for f in view.findings
    }
    per_file = [f for f in view.unattached if f["code"] < "SIG100"]
    assert per_file == []


# -- in the browser --------------------------------------------------------------------------------


def test_the_script_ran_and_drew_every_node_and_edge(pages, data):
    page = pages["plain"]
    assert page.body.get("data-ready") == "1"
    names = {r["name"] for r in data["receivers"]} | {s["name"] for s in data["signals"]}
    names |= {sender_text(c["sender"]) for c in data["connections"] if c["sender"]} | {
        sender_text(s["sender"]) for s in data["sends"] if s["sender"]
    }
    assert names <= set(page.nodes)
    assert not any(node.hidden for node in page.nodes.values())
    columns = {
        name: next(iter({"sender", "signal", "receiver"} & node.classes))
        for name, node in page.nodes.items()
    }
    assert (
        columns["shop.models.Order"] == "sender"
        and columns["shop.signals.order_placed"] == "signal"
    )
    assert columns["shop.receivers.send_order_receipt"] == "receiver"
    graph = page.elements["graph"]
    assert graph.get("class", "").split().count("laid-out") == 1
    assert int(graph["data-edges"]) == len(page.edges) > len(data["connections"]) // 2
    ids = {node.id: name for name, node in page.nodes.items()}
    pairs = {(ids[e["data-from"]], ids[e["data-to"]]) for e in page.edges}
    for c in data["connections"]:
        assert (c["signal"], c["receiver"]) in pairs
        if c["sender"]:
            assert (sender_text(c["sender"]), c["signal"]) in pairs
    assert ("shop.models.Order", "django.db.models.signals.post_save") in pairs
    for edge in page.edges:
        assert re.fullmatch(r"M[\d.]+ [\d.]+ C[\d. -]+", edge["d"]), edge["d"]


def test_dead_receivers_are_marked_with_their_reason(pages):
    nodes = pages["plain"].nodes
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
    assert (
        "status-later" in conditional.classes
        and "dead" not in conditional.classes
        and "connected later" in conditional.text
    )
    live = nodes["shop.receivers.on_order_saved_first"]
    assert "status-live" in live.classes and "dead" not in live.classes
    dead_edges = {
        e["data-to"]
        for e in pages["plain"].edges
        if re.search(r"edge-(collected|ignored|pending|never-imported)", e["class"])
    }
    assert {nodes[name].id for name in expected} <= dead_edges
    assert nodes["shop.views.order_detail.<locals>.on_order_changed_while_viewing"].id in {
        e["data-to"] for e in pages["plain"].edges if "edge-later" in e["class"]
    }


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
    assert "SIG101" in nodes["shop.handlers_unused.on_order_item_deleted_never_imported"].text


def test_summary_counts(pages, data):
    page = pages["plain"]
    header = re.sub(r"\s+", " ", page.text_of("summary"))
    assert f"{len(data['signals'])} signals" in header.lower()
    assert f"{len(data['receivers'])} receivers" in header.lower()
    assert f"{len(data['connections'])} connections" in header.lower()
    assert (
        "5 dead" in header
        and "1 collected" in header
        and "1 ignored" in header
        and "2 never imported" in header
    )
    assert f"{len(data['findings'])} findings" in header.lower()


def test_search_from_the_url_hides_what_does_not_match(pages):
    page = pages["search"]
    nodes = page.nodes
    matching = [name for name in nodes if "on_order_saved" in name]
    assert len(matching) == 4
    for name in matching:
        assert not nodes[name].hidden and "match" in nodes[name].classes, name
    # what they are connected to stays, dimmed: their signal and the sender they listen for
    for name in ("django.db.models.signals.post_save", "shop.models.Order"):
        assert not nodes[name].hidden and "context" in nodes[name].classes
    for name in (
        "catalog.receivers.fill_product_slug",
        "shop.receivers.send_order_receipt",
        "shop.signals.order_placed",
        "catalog.models.Product",
    ):
        assert nodes[name].hidden, name
    assert page.text_of("match-count").startswith("4 matches, 6 shown")
    ids = {node.id for node in nodes.values() if not node.hidden}
    assert page.edges and all(e["data-from"] in ids and e["data-to"] in ids for e in page.edges)
    assert int(page.elements["graph"]["data-edges"]) == len(page.edges) == 5


def test_problems_only(pages):
    nodes = pages["problems"].nodes
    assert not nodes["shop.receivers.on_order_saved_dispatch_uid_loser"].hidden
    assert not nodes["shop.receivers.on_order_saved_wrong_arg_create"].hidden
    assert nodes["catalog.receivers.announce_product_published"].hidden
    assert nodes["catalog.receivers.fill_product_slug"].hidden


def test_hostile_names_stay_text(pages):
    page = pages["hostile"]
    assert page.body.get("data-ready") == "1" and "data-pwned" not in page.body
    assert page.scripts == 2
    assert HOSTILE_NAME in page.nodes
    node = page.nodes[HOSTILE_NAME]
    assert "dead" in node.classes and "<img src=x onerror=alert(5)>" in node.text


def test_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "report.png"
    browse(report.as_uri(), screenshot=shot, size=(1100, 800))
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1100, 800)
    colours = Counter(pixels)
    assert len(colours) > 200, len(colours)  # text, cards, coloured marks and edges, anti-aliased
    assert colours.most_common(1)[0][1] < 0.9 * len(pixels)  # not one flat colour
    reds = sum(n for p, n in colours.items() if p[0] > 180 and p[1] < 90 and p[2] < 90)
    assert reds > 50  # the red "collected"/error marks are drawn


def test_a_few_hundred_nodes(pages):
    page = pages["big"]
    assert page.body.get("data-ready") == "1"
    assert len(page.nodes) == 40 + 320 + 60
    matching = {name for name in page.nodes if "on_event_1" in name}
    assert len(matching) == 111
    assert {name for name, node in page.nodes.items() if "match" in node.classes} == matching
    assert all(
        page.nodes[name].hidden
        for name in page.nodes
        if ".receivers." in name and name not in matching
    )
    assert not any(page.nodes[name].hidden for name in matching)
    assert len(page.edges) == int(page.elements["graph"]["data-edges"]) > 111
