"""``signal-lint graph --sender X --format text``: what runs when X sends, in Django's call order.

Golden files (``tests/graph/golden/``) hold the whole text for the cascade
fixture project (``fixtures/projects/cascade``: cascade, cycle, async,
import order, a receiver connected later, one ignored, bulk writes); the
call order is also checked against ``Signal._live_receivers()`` of a running
Django on the same project.  Regenerate a golden after an intended change
with ``SIGNAL_LINT_UPDATE_GOLDEN=1 python -m pytest tests/graph/test_what_runs_when.py``
and review its diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from signal_lint.cli import main
from signal_lint.config import Config
from signal_lint.engine import graph_paths
from signal_lint.graph.what_runs_when import MODEL_SIGNALS, receivers_in, what_runs_when
from signal_lint.report.what_runs_when import as_text

ROOT = Path(__file__).resolve().parents[2]
CASCADE = ROOT / "fixtures" / "projects" / "cascade"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def graph():
    built, _findings, _messages = graph_paths(
        [str(CASCADE)], Config(root=str(CASCADE)), jobs=1, use_cache=False
    )
    return built


def cli_text(capsys, monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(CASCADE)
    code = main(["graph", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("sender", "golden"),
    [("shop.Order", "cascade_order.txt"), ("Invoice", "cascade_invoice.txt")],
)
def test_golden_text(capsys, monkeypatch, sender, golden):
    code, out, err = cli_text(capsys, monkeypatch, "--sender", sender, "--format", "text")
    assert (code, err) == (0, "")
    path = GOLDEN / golden
    if os.environ.get("SIGNAL_LINT_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def runs(graph, sender: str, signal: str, through: str | None = None) -> list[str]:
    result = what_runs_when(graph, sender)
    block = next(
        s for s in result.signals if s.signal == signal and (through is None or s.sender == through)
    )
    return [run.edge.receiver for run in block.runs]


def test_sync_receivers_in_import_order_then_async_ones(graph):
    # handlers_b is imported before handlers_a by ShopConfig.ready(): file names would say otherwise
    assert runs(graph, "shop.models.Order", "django.db.models.signals.post_save") == [
        "shop.handlers_b.order_saved_first",
        "shop.handlers_a.order_saved_second",
        "shop.handlers_a.audit_any_save",  # any sender
        "shop.handlers_b.order_saved_async",  # async def: after every sync receiver
    ]


RUNTIME = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.db.models.signals import m2m_changed, post_save, pre_delete, post_delete
    from billing.models import Invoice
    from shop.models import Order
    out = {}
    for name, signal, sender in (
        ("post_save Order", post_save, Order),
        ("post_save Invoice", post_save, Invoice),
        ("pre_delete Order", pre_delete, Order),
        ("post_delete Invoice", post_delete, Invoice),
        ("m2m_changed Order.tags.through", m2m_changed, Order.tags.through),
    ):
        sync, asynchronous = signal._live_receivers(sender)
        out[name] = [f"{r.__module__}.{r.__qualname__}" for r in sync + asynchronous]
    print(json.dumps(out))
    """
)


def test_call_order_is_what_a_running_django_calls(graph):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": "."}
    proc = subprocess.run(
        [sys.executable, "-c", RUNTIME],
        cwd=CASCADE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    runtime = json.loads(proc.stdout)
    signals = "django.db.models.signals."
    static = {
        "post_save Order": runs(graph, "shop.models.Order", signals + "post_save"),
        "post_save Invoice": runs(graph, "billing.models.Invoice", signals + "post_save"),
        "pre_delete Order": runs(graph, "shop.models.Order", signals + "pre_delete"),
        "post_delete Invoice": runs(graph, "billing.models.Invoice", signals + "post_delete"),
        "m2m_changed Order.tags.through": runs(
            graph, "shop.models.Order", signals + "m2m_changed", "shop.models.Order.tags.through"
        ),
    }
    assert static == runtime


def test_the_cascade_and_its_cycle(graph):
    result = what_runs_when(graph, "shop.models.Order")
    post_save = next(s for s in result.signals if s.signal.endswith(".post_save"))
    first = post_save.runs[0]
    (creates,) = first.triggers
    assert (creates.action, creates.model, creates.cycle) == (
        "creates",
        "billing.models.Invoice",
        False,
    )
    invoice_receivers = [r.edge.receiver for s in creates.signals for r in s.runs]
    assert "billing.receivers.invoice_saved" in invoice_receivers
    invoice_saved = next(
        r for s in creates.signals for r in s.runs if r.edge.receiver.endswith("invoice_saved")
    )
    bulk, again = invoice_saved.triggers
    assert (bulk.action, bulk.model, bulk.method, bulk.signals) == (
        "bulk",
        "shop.models.Order",
        "update",
        [],
    )
    assert (again.action, again.model, again.cycle, again.signals) == (
        "creates",
        "shop.models.Order",
        True,  # an Order is already being saved: the cascade stops there
        [],
    )
    unknown = post_save.runs[1].triggers[0]
    assert (unknown.action, unknown.model, unknown.text) == (
        "saves",
        None,
        "instance.customer.save()",
    )
    assert [w[2] for w in result.bulk_writes] == ["update", "update"]


def test_deletes_cascade_into_delete_signals(graph):
    result = what_runs_when(graph, "billing.models.Invoice")
    post_delete = next(s for s in result.signals if s.signal.endswith(".post_delete"))
    (deletes,) = post_delete.runs[0].triggers
    assert (deletes.action, deletes.model) == ("deletes", "shop.models.Order")
    assert [s.signal.rsplit(".", 1)[-1] for s in deletes.signals] == ["pre_delete"]
    (archive,) = deletes.signals[0].runs[0].triggers
    assert (archive.action, archive.model) == ("saves", "shop.models.Archive")


def test_depth_is_bounded(graph):
    result = what_runs_when(graph, "billing.models.Invoice", max_depth=1)
    cut = [t for run in receivers_in(result) for t in run.triggers if t.cut]
    assert cut and all(not t.signals for t in cut)
    assert "(not followed further)" in as_text(result)
    deepest = what_runs_when(graph, "billing.models.Invoice", max_depth=0)
    assert all(not t.signals for run in receivers_in(deepest) for t in run.triggers)


def test_model_signals_listed_in_lifecycle_order(graph):
    result = what_runs_when(graph, "shop.models.Order")
    names = [s.signal for s in result.signals]
    assert names == list(MODEL_SIGNALS)  # m2m_changed: once, for its one relation
    assert result.signals[-1].sender == "shop.models.Order.tags.through"


def test_never_run_and_later_receivers(graph):
    result = what_runs_when(graph, "shop.models.Order")
    post_save = next(s for s in result.signals if s.signal.endswith(".post_save"))
    assert [r.edge.receiver for r in post_save.later] == [
        "shop.views.connect_later.<locals>.on_order_saved_while_open"
    ]
    assert [(r.edge.receiver, r.edge.status) for r in post_save.not_run] == [
        ("shop.handlers_a.order_saved_duplicate", "ignored")
    ]


def test_other_filters_narrow_the_sender_view(capsys, monkeypatch):
    code, out, _ = cli_text(
        capsys, monkeypatch, "--sender", "Order", "--signal", "pre_delete", "--format", "text"
    )
    assert code == 0
    assert "pre_delete" in out and "post_save: sent by Django" not in out
    assert "shop.handlers_a.archive_order" in out
    code, out, _ = cli_text(
        capsys, monkeypatch, "--sender", "Order", "--receiver", "audit_any_save"
    )
    assert code == 0
    top = [line for line in out.splitlines() if line.startswith("  1. ")]
    assert top == ["  1. shop.handlers_a.audit_any_save  [live]  any sender  shop/handlers_a.py:12"]


def test_a_sender_that_is_not_a_model(tmp_path, monkeypatch, capsys):
    files = {
        "app/__init__.py": "",
        "app/signals.py": "from django.dispatch import Signal\nbooted = Signal()\n",
        "app/boot.py": textwrap.dedent(
            """
            from app.signals import booted

            class Booter:
                def run(self):
                    booted.send(sender=Booter)

            def on_booted(sender, **kwargs):
                pass

            booted.connect(on_booted, sender=Booter)
            """
        ),
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    monkeypatch.chdir(tmp_path)
    code = main(["graph", "--no-cache", "--sender", "Booter"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[3:5] == [
        "app.signals.booted: sent at app/boot.py:6",
        "  1. app.boot.on_booted  [live]  app/boot.py:11",
    ]
    assert "pre_save" not in out


def test_an_unresolved_m2m_sender_is_not_a_through_model(tmp_path, monkeypatch, capsys):
    """An m2m_changed sender that cannot be resolved (``sender=through()``) is not one of the
    model's through models, and must not crash the listing of those that are."""
    files = {
        "shop/__init__.py": "",
        "shop/models.py": textwrap.dedent(
            """
            from django.db import models

            class Tag(models.Model):
                pass

            class Order(models.Model):
                tags = models.ManyToManyField(Tag)
            """
        ),
        "shop/signals.py": textwrap.dedent(
            """
            from django.db.models.signals import m2m_changed
            from shop.models import Order

            def through():
                return Order.tags.through

            def on_tags(sender, **kwargs):
                pass

            m2m_changed.connect(on_tags, sender=through())
            m2m_changed.connect(on_tags, sender=Order.tags.through)
            """
        ),
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    monkeypatch.chdir(tmp_path)
    code = main(["graph", "--no-cache", "--sender", "Order", "--format", "text"])
    out = capsys.readouterr().out
    assert code == 0
    throughs = [line for line in out.splitlines() if line.startswith(M2M_HEADING)]
    assert throughs == [f"{M2M_HEADING} for shop.models.Order.tags.through: " + M2M_SENT]


M2M_HEADING = "django.db.models.signals.m2m_changed"
M2M_SENT = "sent by Django when a many-to-many relation changes"
