"""The graph renderers (JSON, text, DOT, Mermaid) on the example project: shapes and structure.

The JSON shape is the interface of PRODUCT.md ("Interfaces"): ``signals``,
``receivers``, ``connections``, ``sends``; each connection has ``signal`` and
``receiver`` as dotted qualified names, ``sender`` (dotted name or ``null``),
``weak``, ``dispatch_uid``, ``path``, ``line`` and ``status``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.report.graph import GRAPH_FORMATS, as_dot, as_json, as_mermaid, as_text, graph_data

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "example_project"
STATUSES = {"live", "collected", "ignored", "pending", "never-imported"}
DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[\w<>()]+)+$")


@pytest.fixture(scope="module")
def example():
    paths = [str(EXAMPLE)]
    graph, findings, messages = graph_paths(paths, load_config(paths), use_cache=False)
    assert messages == []
    return graph, findings


@pytest.fixture(scope="module")
def data(example):
    return json.loads(as_json(*example))


def connection(data, receiver):
    found = [c for c in data["connections"] if c["receiver"] == receiver]
    assert len(found) == 1, (receiver, found)
    return found[0]


def test_every_format_is_registered():
    assert sorted(GRAPH_FORMATS) == ["dot", "html", "json", "mermaid", "text"]


def test_json_top_level_shape(data):
    assert {"signals", "receivers", "connections", "sends"} <= set(data)
    for key in ("signals", "receivers", "connections", "sends"):
        assert isinstance(data[key], list) and data[key], key


def test_json_connection_fields_are_exactly_the_interface(data):
    required = {"signal", "receiver", "sender", "weak", "dispatch_uid", "path", "line", "status"}
    for c in data["connections"]:
        assert required <= set(c), c
        assert DOTTED.match(c["signal"]), c["signal"]
        assert DOTTED.match(c["receiver"]), c["receiver"]
        assert c["sender"] is None or isinstance(c["sender"], str)
        assert c["weak"] in (True, False, None)
        assert c["dispatch_uid"] is None or isinstance(c["dispatch_uid"], (str, int, float, bool))
        assert isinstance(c["path"], str) and c["path"].endswith(".py")
        assert isinstance(c["line"], int) and c["line"] >= 1
        assert c["status"] in STATUSES


def test_json_statuses_on_the_example_project(data):
    post_save, post_delete = (
        "django.db.models.signals.post_save",
        "django.db.models.signals.post_delete",
    )
    first = connection(data, "shop.receivers.on_order_saved_first")
    assert (first["signal"], first["sender"], first["dispatch_uid"], first["status"]) == (
        post_save,
        "shop.models.Order",
        "shop.order_saved",
        "live",
    )
    assert first["path"].endswith("shop/receivers.py")
    loser = connection(data, "shop.receivers.on_order_saved_dispatch_uid_loser")
    assert (loser["signal"], loser["sender"], loser["dispatch_uid"], loser["status"]) == (
        post_save,
        "shop.models.Order",
        "shop.order_saved",
        "ignored",
    )
    receipt = connection(data, "shop.receivers.send_order_receipt")
    assert (receipt["signal"], receipt["sender"], receipt["weak"], receipt["status"]) == (
        "shop.signals.order_placed",
        None,
        True,
        "live",
    )
    assert (
        connection(data, "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested")["status"]
        == "collected"
    )
    unused = connection(data, "shop.handlers_unused.on_order_item_deleted_never_imported")
    assert (unused["signal"], unused["sender"], unused["status"]) == (
        post_delete,
        "shop.models.OrderItem",
        "never-imported",
    )
    assert (
        connection(data, "shop.receivers.on_refund_saved_unknown_sender")["sender"] == "shop.Refund"
    )
    viewing = connection(data, "shop.views.order_detail.<locals>.on_order_changed_while_viewing")
    assert viewing["weak"] is False and viewing["conditional"] is True


def test_json_signals_receivers_and_sends(data):
    signals = {s["name"]: s for s in data["signals"]}
    assert signals["shop.signals.order_placed"]["builtin"] is False
    assert signals["django.db.models.signals.post_save"]["builtin"] is True
    assert signals["django.db.models.signals.post_save"]["model_signal"] is True
    assert [s["name"] for s in data["signals"]] == sorted(signals)
    receivers = [r["name"] for r in data["receivers"]]
    assert receivers == sorted(receivers)
    assert {c["receiver"] for c in data["connections"]} <= set(receivers)
    assert {c["signal"] for c in data["connections"]} | {s["signal"] for s in data["sends"]} <= set(
        signals
    )
    send = [s for s in data["sends"] if s["path"].endswith("shop/tasks.py") and s["line"] == 12]
    assert send == [
        {
            "signal": "django.db.models.signals.post_save",
            "method": "send",
            "sender": "shop.models.Order",
            "arguments": ["instance"],
            "path": send[0]["path"],
            "line": 12,
        }
    ]


def test_json_is_deterministic_and_matches_graph_data(example):
    first, second = as_json(*example), as_json(*example)
    assert first == second
    assert json.loads(first) == json.loads(json.dumps(graph_data(*example)))
    assert first.endswith("\n")


def test_text_lists_each_signal_with_its_receivers_and_dead_marks(example, data):
    text = as_text(*example)
    lines = text.splitlines()
    for signal in data["signals"]:
        assert signal["name"] in lines
    assert "  sent by: shop.models.Order" in lines
    nested = next(line for line in lines if "on_customer_saved_nested" in line)
    assert nested.startswith("  shop.models.Customer -> ") and "[collected: " in nested
    assert any(
        "on_order_saved_dispatch_uid_loser" in line and "[ignored: " in line for line in lines
    )
    assert any(
        "on_order_changed_while_viewing" in line
        and line.endswith("(connected later, conditionally)")
        for line in lines
    )
    assert "  (no receivers)" in lines  # shop.legacy_signals.order_cancelled


def dot_ids(line):
    return re.findall(r"\b((?:sender|signal|receiver)_\w+)", line)


def test_dot_structure(example, data):
    dot = as_dot(*example)
    lines = dot.splitlines()
    assert lines[0] == "digraph signals {" and lines[-1] == "}" and "  rankdir=LR;" in lines
    assert dot.count("{") == dot.count("}")
    declared = {dot_ids(line)[0] for line in lines if "[label=" in line and "->" not in line}
    edges = [line for line in lines if "->" in line]
    assert edges and all(line.endswith(";") for line in edges)
    for line in edges:
        for identifier in dot_ids(line):
            assert identifier in declared, line
    assert len(declared) == len({line for line in lines if "[label=" in line and "->" not in line})
    nested = next(
        line for line in lines if "[label=" in line and "on_customer_saved_nested" in line
    )
    assert "dashed" in nested
    assert any(
        "on_order_saved_dispatch_uid_loser" in line and 'label="ignored"' in line for line in edges
    )
    assert sum(1 for line in lines if "shape=ellipse" in line) == len(data["signals"])


def test_mermaid_structure(example):
    mermaid = as_mermaid(*example)
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [line for line in lines[1:] if "-->" not in line and "-." not in line]
    edges = [line for line in lines[1:] if line not in nodes]
    declared = {line.split()[0].split('"')[0].rstrip("[(") for line in nodes}
    assert len(declared) == len(nodes)
    for line in edges:
        for identifier in dot_ids(line):
            assert identifier in declared, line
    assert len(edges) == len(set(edges))
    assert any(
        "-. never-imported .->" in line and "on_order_item_deleted_never_imported" in line
        for line in edges
    )
    assert any("-. collected .->" in line for line in edges)
    assert all('"' not in line.split('"', 1)[1].rsplit('"', 1)[0] for line in nodes)


def test_renderers_on_an_empty_graph():
    from signal_lint.graph import Graph

    empty = Graph()
    assert json.loads(as_json(empty)) == {
        "signals": [],
        "receivers": [],
        "connections": [],
        "sends": [],
        "findings": [],
    }
    assert as_text(empty) == ""
    assert as_dot(empty).splitlines()[0] == "digraph signals {"
    assert as_mermaid(empty) == "flowchart LR\n"
    assert "<html" in GRAPH_FORMATS["html"](empty)
