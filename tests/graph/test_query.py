"""Graph queries: ``--sender``, ``--signal``, ``--receiver``, ``--app`` narrow every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signal_lint.cli import main
from signal_lint.config import load_config
from signal_lint.engine import graph_paths
from signal_lint.graph.query import Query, QueryError, apply, match, resolve
from signal_lint.report.graph import graph_data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example_project"
POST_SAVE = "django.db.models.signals.post_save"


@pytest.fixture(scope="module")
def data():
    paths = [str(EXAMPLE)]
    config = load_config(paths)
    graph, findings, _ = graph_paths(paths, config, use_cache=False)
    return graph_data(graph, findings, config.root)


def test_match_exact_or_by_a_unique_last_component():
    names = [
        "shop.models.Order",
        "shop.models.OrderItem",
        "catalog.models.Item",
        "shop.models.Item",
    ]
    assert match("shop.models.Order", names, "sender") == "shop.models.Order"
    assert match("Order", names, "sender") == "shop.models.Order"
    assert match("models.OrderItem", names, "sender") == "shop.models.OrderItem"
    with pytest.raises(
        QueryError,
        match=r"sender `Item` is ambiguous: it could be `catalog.models.Item`, `shop.models.Item`",
    ):
        match("Item", names, "sender")
    with pytest.raises(
        QueryError,
        match=r"no sender `order` in the graph \(did you mean `shop.models.Order`, `shop.models.OrderItem`\?\)",
    ):
        match("order", names, "sender")
    with pytest.raises(QueryError, match="no receiver `x`: the graph has none"):
        match("x", [], "receiver")


def test_resolve_knows_lazy_model_labels(data):
    query = resolve(Query(senders=("shop.Order", "Customer"), signals=("post_save",)), data)
    assert query.senders == ("shop.models.Order", "shop.models.Customer")
    assert query.signals == (POST_SAVE,)
    with pytest.raises(QueryError, match="no app labelled `nope`: the apps are `catalog`, `shop`"):
        resolve(Query(apps=("nope",)), data)


def test_sender_keeps_its_connections_and_the_any_sender_receivers_of_what_it_sends(data):
    shown = apply(resolve(Query(senders=("shop.Order",)), data), data)
    receivers = {c["receiver"] for c in shown["connections"]}
    assert "shop.receivers.on_order_saved_first" in receivers
    assert (
        "shop.receivers.send_order_receipt" in receivers
    )  # any sender, on order_placed that Order sends
    assert "shop.receivers.on_order_tags_changed_bad_action" in receivers  # Order.tags.through
    assert "catalog.receivers.record_product_created" not in receivers
    assert {c["sender"] for c in shown["connections"]} <= {
        "shop.models.Order",
        "shop.models.Order.tags.through",
        None,
    }
    assert {s["sender"] for s in shown["sends"]} == {"shop.models.Order"}
    assert {r["name"] for r in shown["receivers"]} == receivers
    assert {s["name"] for s in shown["signals"]} == {c["signal"] for c in shown["connections"]} | {
        s["signal"] for s in shown["sends"]
    }


def test_options_combine_and_repeat(data):
    both = apply(resolve(Query(senders=("Order",), signals=("post_save",)), data), data)
    assert {c["signal"] for c in both["connections"]} == {POST_SAVE}
    assert {c["sender"] for c in both["connections"]} == {"shop.models.Order"}
    either = apply(resolve(Query(signals=("post_delete", "pre_delete")), data), data)
    assert {c["signal"].rsplit(".", 1)[-1] for c in either["connections"]} == {
        "post_delete",
        "pre_delete",
    }


def test_receiver_and_app(data):
    one = apply(resolve(Query(receivers=("on_order_saved_first",)), data), data)
    assert [c["receiver"] for c in one["connections"]] == ["shop.receivers.on_order_saved_first"]
    assert {s["sender"] for s in one["sends"]} <= {"shop.models.Order"}
    catalog = apply(resolve(Query(apps=("catalog",)), data), data)
    assert catalog["connections"]
    for c in catalog["connections"]:
        assert "catalog" in (c["receiver"].split(".")[0], (c["sender"] or "").split(".")[0])
    assert not any(f["code"] == "SIG004" for f in catalog["findings"])  # a shop receiver's
    shop = apply(resolve(Query(apps=("shop",)), data), data)
    assert any(f["code"] == "SIG004" for f in shop["findings"])


def test_findings_follow_what_is_kept(data):
    shown = apply(resolve(Query(receivers=("on_order_saved_wrong_arg_create",)), data), data)
    codes = [f["code"] for f in shown["findings"]]
    assert "SIG004" in codes  # its own; its signal's (post_save: SIG010) come along
    assert "SIG008" not in codes and "SIG001" not in codes  # other receivers'


@pytest.mark.parametrize("fmt", ["json", "text", "dot", "mermaid", "html"])
def test_every_format_is_narrowed(fmt, capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    assert main(["graph", "--no-cache", "--format", fmt, "--receiver", "send_order_receipt"]) == 0
    out = capsys.readouterr().out
    assert "send_order_receipt" in out
    assert "on_order_saved_first" not in out and "fill_product_slug" not in out


def test_the_cli_refuses_names_the_graph_does_not_hold(capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLE)
    assert main(["graph", "--no-cache", "--sender", "Ordr"]) == 2
    assert capsys.readouterr().err == "signal-lint: no sender `Ordr` in the graph\n"
    assert main(["graph", "--no-cache", "--signal", "saved"]) == 2
    assert "no signal `saved`" in capsys.readouterr().err
    assert (
        main(["graph", "--no-cache", "--format", "json", "--app", "shop", "--app", "catalog"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["connections"]
