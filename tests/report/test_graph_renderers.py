"""The graph renderers (JSON, text, DOT, Mermaid): shapes, the sender -> receiver pairs, and their
real consumers: DOT is laid out by Graphviz (``dot -Tsvg``), Mermaid parsed and drawn by Mermaid.

The JSON shape is the interface of PRODUCT.md ("Interfaces"): ``signals``,
``receivers``, ``connections``, ``sends``; each connection has ``signal`` and
``receiver`` as dotted qualified names, ``sender`` (dotted name, ``null`` or
``{"unresolved": "<source text>"}``), ``weak``, ``dispatch_uid``, ``path``,
``line`` and ``status``.  Statuses and senders are rendered from the data, so
a status or sender shape added later (``test-only``, unresolved senders) is
drawn without a change here: hand-made data proves it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from graph_shapes import HAND_MADE
from mermaid_browser import render_mermaid
from synthetic_project import write_synthetic_project

from signal_lint.cli import main
from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.report.dot import as_dot
from signal_lint.report.graph import GRAPH_FORMATS, as_json, as_text, graph_data
from signal_lint.report.graph_view import GraphView, node_count
from signal_lint.report.mermaid import as_mermaid, label

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "fixtures" / "example_project"
STATUSES = {"live", "collected", "ignored", "pending", "never-imported", "test-only"}
DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[\w<>()]+)+$")


@pytest.fixture(scope="module")
def example():
    paths = [str(EXAMPLE)]
    config = load_config(paths)
    graph, findings, messages = graph_paths(paths, config, use_cache=False)
    assert messages == []
    return graph, findings, config.root


@pytest.fixture(scope="module")
def data(example):
    return graph_data(*example)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = write_synthetic_project(tmp_path_factory.mktemp("synthetic"))
    graph, findings, _ = graph_paths([str(root)], load_config([str(root)]), use_cache=False)
    return graph_data(graph, findings, str(root))


def connection(data, receiver):
    found = [c for c in data["connections"] if c["receiver"] == receiver]
    assert len(found) == 1, (receiver, found)
    return found[0]


def test_every_format_is_registered():
    assert sorted(GRAPH_FORMATS) == ["dot", "html", "json", "mermaid", "text"]


# -- JSON ------------------------------------------------------------------------------------------


def test_json_top_level_shape(data):
    assert {"signals", "receivers", "connections", "sends", "findings", "apps", "models"} <= set(
        data
    )
    for key in ("signals", "receivers", "connections", "sends", "apps", "models"):
        assert isinstance(data[key], list) and data[key], key
    assert data["apps"] == [  # installed: the package an app comes from (None: the project's)
        {"label": "catalog", "package": "catalog", "path": "catalog", "installed": None},
        {"label": "shop", "package": "shop", "path": "shop", "installed": None},
    ]
    for key in ("signals", "receivers", "connections", "sends"):
        assert {item["installed"] for item in data[key]} == {None}, key
    assert {"label": "shop.Order", "name": "shop.models.Order"} in data["models"]


def test_json_connection_fields_are_exactly_the_interface(data):
    required = {"signal", "receiver", "sender", "weak", "dispatch_uid", "path", "line", "status"}
    for c in data["connections"]:
        assert required <= set(c), c
        assert DOTTED.match(c["signal"]), c["signal"]
        assert DOTTED.match(c["receiver"]), c["receiver"]
        sender = c["sender"]
        assert (
            sender is None
            or (isinstance(sender, str) and DOTTED.match(sender))
            or (set(sender) == {"unresolved"} and isinstance(sender["unresolved"], str))
        ), sender
        assert c["weak"] in (True, False, None)
        assert c["dispatch_uid"] is None or isinstance(c["dispatch_uid"], (str, int, float, bool))
        assert isinstance(c["path"], str) and c["path"].endswith(".py")
        assert not c["path"].startswith("/") and ".." not in c["path"]
        assert isinstance(c["line"], int) and c["line"] >= 1
        assert c["status"] in STATUSES


def test_json_statuses_on_the_example_project(data):
    post_save = "django.db.models.signals.post_save"
    first = connection(data, "shop.receivers.on_order_saved_first")
    assert (
        first["signal"],
        first["sender"],
        first["dispatch_uid"],
        first["status"],
        first["path"],
    ) == (
        post_save,
        "shop.models.Order",
        "shop.order_saved",
        "live",
        "shop/receivers.py",
    )
    loser = connection(data, "shop.receivers.on_order_saved_dispatch_uid_loser")
    assert (loser["dispatch_uid"], loser["status"]) == ("shop.order_saved", "ignored")
    receipt = connection(data, "shop.receivers.send_order_receipt")
    assert (receipt["signal"], receipt["sender"], receipt["weak"]) == (
        "shop.signals.order_placed",
        None,
        True,
    )
    nested = connection(data, "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested")
    assert nested["status"] == "collected"
    unused = connection(data, "shop.handlers_unused.on_order_item_deleted_never_imported")
    assert (unused["sender"], unused["status"]) == ("shop.models.OrderItem", "never-imported")
    # a lazy reference naming no model of the project: its source text, never a dotted name
    assert connection(data, "shop.receivers.on_refund_saved_unknown_sender")["sender"] == {
        "unresolved": "'shop.Refund'"
    }
    viewing = connection(data, "shop.views.order_detail.<locals>.on_order_changed_while_viewing")
    assert viewing["weak"] is False and viewing["conditional"] is True


def test_json_is_sorted_and_deterministic(example, data):
    assert as_json(data) == as_json(graph_data(*example))
    assert [s["name"] for s in data["signals"]] == sorted(s["name"] for s in data["signals"])
    assert [r["name"] for r in data["receivers"]] == sorted(r["name"] for r in data["receivers"])
    keys = [(c["path"], c["line"]) for c in data["connections"]]
    assert keys == sorted(keys)
    assert [(s["path"], s["line"]) for s in data["sends"]] == sorted(
        (s["path"], s["line"]) for s in data["sends"]
    )
    assert as_json(data).endswith("\n")


def test_the_cli_json_has_no_absolute_paths_wherever_the_project_is(tmp_path, capsys, monkeypatch):
    """Two checkouts in different places, run from elsewhere: the same bytes."""
    copies = []
    for name in ("base", "head"):
        target = tmp_path / name / "example"
        shutil.copytree(EXAMPLE, target)
        copies.append(target)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for copy in copies:
        assert main(["graph", "--format", "json", "--no-cache", str(copy)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert str(tmp_path) not in outputs[0] and '"/' not in outputs[0]
    assert '"path": "shop/receivers.py"' in outputs[0]


def test_text_lists_each_signal_with_its_receivers_and_dead_marks(data):
    lines = as_text(data).splitlines()
    for signal in data["signals"]:
        assert signal["name"] in lines
    assert "  sent by: shop.models.Order" in lines
    nested = next(line for line in lines if "on_customer_saved_nested" in line)
    assert nested.startswith("  shop.models.Customer -> ") and "[collected: " in nested
    assert any(
        "on_order_saved_dispatch_uid_loser" in line and "[ignored: " in line for line in lines
    )
    assert "  (no receivers)" in lines  # shop.legacy_signals.order_cancelled


def test_text_shows_any_status_and_unresolved_senders():
    lines = as_text(HAND_MADE).splitlines()
    assert (
        "  app.models.Thing -> app.tests.helpers.on_saved_in_tests  (app/tests/helpers.py:3)  [test-only]"
        in lines
    )
    assert any(
        line.startswith(
            '  (unresolved: apps.get_model("app", "Thing")) -> app.receivers.on_dynamic_model'
        )
        and line.endswith("  (if settings.AUDIT)")
        for line in lines
    )
    assert any("[sender-collected: the sender was garbage collected]" in line for line in lines)


# -- DOT -------------------------------------------------------------------------------------------


def graphviz_svg(dot: str) -> ET.Element:
    binary = shutil.which("dot")
    if binary is None:
        pytest.fail(
            "the DOT tests need Graphviz: `apt-get install graphviz` (.ci/run does it)",
            pytrace=False,
        )
    done = subprocess.run([binary, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=300)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    return ET.fromstring(done.stdout)


SVG = "{http://www.w3.org/2000/svg}"


def svg_titles(svg: ET.Element, kind: str) -> list[str]:
    return [
        g.find(f"{SVG}title").text
        for g in svg.iter(f"{SVG}g")
        if g.get("class") == kind and g.find(f"{SVG}title") is not None
    ]


def svg_texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if t.text]


def test_dot_draws_one_edge_per_connection_sender_to_receiver(data):
    view = GraphView(data)
    dot = as_dot(data)
    svg = graphviz_svg(dot)
    edges = svg_titles(svg, "edge")
    pairs = [f"{p.sender.id}->{p.receiver.id}" for p in view.pairs]
    assert sorted(e.replace("&#45;", "-") for e in edges if "signal_" not in e) == sorted(pairs)
    assert len(pairs) == len(data["connections"])
    texts = svg_texts(svg)
    assert "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested" in texts
    assert "shop.models.Order" in texts and "any sender" in texts
    # the dead connection: dashed, in its status colour, labelled with signal and status
    line = next(
        line
        for line in dot.splitlines()
        if "->" in line
        and view.receivers["shop.receivers.on_order_saved_dispatch_uid_loser"].id in line
    )
    assert (
        'label="post_save\\n(ignored)"' in line and 'style="dashed"' in line and "#d97706" in line
    )
    # a signal sent and connected to nothing is an ellipse its sender points to
    cancelled = view.signals["shop.legacy_signals.order_cancelled"]
    assert f'{cancelled.id} [label="shop.legacy_signals.order_cancelled\\n(no receivers)"' in dot


def test_dot_styles_dead_test_only_and_findings_from_the_data():
    view = GraphView(HAND_MADE)
    dot = as_dot(HAND_MADE)
    svg = graphviz_svg(dot)
    lines = {
        line.split(" ", 3)[2]: line for line in dot.splitlines() if line.startswith("  receiver_")
    }
    test_only = lines[view.receivers["app.tests.helpers.on_saved_in_tests"].id]
    assert "dotted" in test_only and "[test-only]" in test_only
    weird = lines[view.receivers["app.receivers.on_weird"].id]
    assert (
        "dashed" in weird and "[sender-collected]" in weird
    )  # unknown status: drawn as dead, named
    findings = lines[view.receivers["app.receivers.on_dynamic_model"].id]
    assert "penwidth=2" in findings and "SIG004" in findings
    texts = svg_texts(svg)
    assert '(unresolved: apps.get_model("app", "Thing"))' in texts
    assert "app.receivers.Handler.make.<locals>.inner" in texts
    assert 'app.models.We"ird<T>&#x' in texts


def test_dot_on_the_synthetic_project_and_the_cascade(synthetic):
    assert node_count(synthetic) > 300
    svg = graphviz_svg(as_dot(synthetic))
    assert len(svg_titles(svg, "edge")) >= len(synthetic["connections"])


# -- Mermaid ---------------------------------------------------------------------------------------


def test_mermaid_labels_escape_what_mermaid_reads():
    assert label('a<locals>."b"#1&c`') == '"a#lt;locals#gt;.#quot;b#quot;#35;1#amp;c#96;"'
    assert label("two\nlines") == '"two lines"'


def test_mermaid_structure(data):
    text = as_mermaid(data)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert "  classDef status_collected fill:#fef2f2,stroke:#dc2626,stroke-dasharray:6 3" in lines
    assert any(
        "shop.apps.ShopConfig.ready.#lt;locals#gt;.on_customer_saved_nested" in line
        for line in lines
    )
    edges = [line for line in lines if "-->" in line or "-.->" in line or "==>" in line]
    assert len([e for e in edges if "==>" not in e]) == len(data["connections"])
    assert len(edges) == len(set(edges))
    assert any('-.->|"post_save (ignored)"|' in e for e in edges)
    assert any(
        line.startswith("  class ") and line.endswith(" status_never_imported") for line in lines
    )


def test_mermaid_is_parsed_and_drawn_by_mermaid(data, synthetic, tmp_path):
    app = {**synthetic}
    from signal_lint.graph.query import Query, apply

    one_app = apply(Query(apps=("app03",)), app)
    diagrams = [as_mermaid(data), as_mermaid(HAND_MADE), as_mermaid(one_app)]
    results = render_mermaid(diagrams, tmp_path)
    for result, diagram in zip(results, diagrams, strict=True):
        assert result["ok"], (result["error"], diagram[:2000])
    example, hand_made, one = results
    assert (
        "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested [collected] (1 finding(s): SIG002)"
        in example["text"]
    )
    assert example["nodes"] == node_count(data)
    lonely = {n.key for n in GraphView(data).unconnected_signals()}
    sends = sum(1 for s in data["sends"] if s["signal"] in lonely)
    assert example["edges"] == len(data["connections"]) + sends
    assert 'app.models.We"ird<T>&#x' in hand_made["text"]
    assert "app.receivers.on_weird [sender-collected]" in hand_made["text"]
    assert one["nodes"] == node_count(one_app) and one["edges"] >= len(one_app["connections"])


# -- --max-nodes -----------------------------------------------------------------------------------


def test_max_nodes_refuses_a_picture_too_big_and_suggests_a_filter(
    synthetic, tmp_path, capsys, monkeypatch
):
    root = write_synthetic_project(tmp_path / "project")
    monkeypatch.chdir(root)
    for fmt in ("dot", "mermaid"):
        assert main(["graph", "--format", fmt, "--no-cache"]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(
            f"signal-lint: the graph has {node_count(synthetic)} nodes, more than --max-nodes 200"
        )
        assert "--app LABEL (apps: app00, app01" in err and "--sender NAME" in err
    assert main(["graph", "--format", "dot", "--no-cache", "--app", "app03"]) == 0
    assert capsys.readouterr().out.startswith("digraph signals {")
    assert main(["graph", "--format", "dot", "--no-cache", "--max-nodes", "0"]) == 0
    assert main(["graph", "--format", "json", "--no-cache"]) == 0  # only pictures are refused


def test_renderers_on_an_empty_graph():
    from signal_lint.graph import Graph

    empty = graph_data(Graph())
    assert json.loads(as_json(empty)) == {
        "signals": [],
        "receivers": [],
        "connections": [],
        "sends": [],
        "findings": [],
        "apps": [],
        "models": [],
    }
    assert as_text(empty) == ""
    assert as_dot(empty).splitlines()[0] == "digraph signals {"
    graphviz_svg(as_dot(empty))
    assert as_mermaid(empty).splitlines()[0] == "flowchart LR"
