"""Model senders across the project and its installed packages: one identity however spelled.

A package's receivers on ``settings.AUTH_USER_MODEL`` or ``get_user_model()`` listen for the
project's user model; a model a package defines is a known model of the project (class, lazy
label in any case), so SIG102, SIG106 and SIG107 compare it as Django does.
"""

from __future__ import annotations

import json
import textwrap

from fake_environments import SHOPKIT, make_environment, project

from signal_lint.cli import main

__all__ = ["project"]  # the fixture, imported for pytest

USER_RECEIVERS = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save


def audit_user(sender, **kwargs):
    pass


def audit_user_again(sender, **kwargs):
    pass


post_save.connect(audit_user, sender=settings.AUTH_USER_MODEL)
User = get_user_model()
post_save.connect(audit_user_again, sender=User)
"""

PAYMENT_MODELS = """
from django.db import models


class Payment(models.Model):
    pass
"""

PAYMENT_RECEIVERS = """
from django.db.models.signals import post_save
from django.dispatch import receiver

from shopkit.models import Payment


@receiver(post_save, sender=Payment, dispatch_uid="payment-audit")
def on_payment(sender, **kwargs):
    pass


@receiver(post_save, sender="shopkit.payment", dispatch_uid="payment-audit")
def on_payment_again(sender, **kwargs):
    pass


@receiver(post_save, sender="shopkit.Refund")
def on_refund(sender, **kwargs):
    pass


def settle(ids):
    Payment.objects.filter(pk__in=ids).update()
"""


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_a_packages_receivers_on_the_user_model_run_when_the_projects_user_model_saves(
    project, capsys
):
    receivers = textwrap.dedent(SHOPKIT["shopkit/receivers.py"]) + USER_RECEIVERS
    make_environment(project / ".venv", {**SHOPKIT, "shopkit/receivers.py": receivers})
    (project / "shop" / "views.py").write_text(
        "from shop.models import Customer\n\n\n"
        "def deactivate(ids):\n    Customer.objects.filter(pk__in=ids).update(active=False)\n"
    )
    _, out = run(capsys, "check", "--format", "json", "--select", "SIG107", ".")
    (finding,) = json.loads(out)
    assert (finding["path"], finding["line"]) == ("shop/views.py", 5)
    assert "its receivers `audit_user`, `audit_user_again` do not run" in finding["message"]
    _, out = run(capsys, "graph", "--sender", "shop.models.Customer", "--format", "text")
    saved = out.split("post_save: sent by Django when an instance is saved\n", 1)[1]
    assert saved.splitlines()[:2] == [
        "  1. shopkit.receivers.audit_user  [live]  installed shopkit 1.2  "
        ".venv/lib/python3.11/site-packages/shopkit/receivers.py:23",
        "  2. shopkit.receivers.audit_user_again  [live]  installed shopkit 1.2  "
        ".venv/lib/python3.11/site-packages/shopkit/receivers.py:25",
    ]


def test_a_model_an_installed_package_defines_is_one_sender_however_spelled(project, capsys):
    make_environment(project / ".venv", {**SHOPKIT, "shopkit/models.py": PAYMENT_MODELS})
    (project / "shop" / "payments.py").write_text(textwrap.dedent(PAYMENT_RECEIVERS).lstrip())
    (project / "shop" / "apps.py").write_text(
        (project / "shop" / "apps.py")
        .read_text()
        .replace("import receivers", "import payments, receivers")
    )
    _, out = run(capsys, "check", "--format", "json", "--select", "SIG102,SIG106,SIG107", ".")
    found = [(f["code"], f["line"]) for f in json.loads(out)]
    assert found == [("SIG102", 12), ("SIG106", 17), ("SIG107", 23)]
    _, out = run(capsys, "graph", "--format", "json")
    graph = json.loads(out)
    statuses = {
        e["receiver"].rsplit(".", 1)[-1]: (e["sender"], e["status"]) for e in graph["connections"]
    }
    assert statuses["on_payment"] == ("shopkit.models.Payment", "live")
    assert statuses["on_payment_again"] == ("shopkit.models.Payment", "ignored")
    assert statuses["on_refund"] == ({"unresolved": "'shopkit.Refund'"}, "pending")
    assert {"label": "shopkit.Payment", "name": "shopkit.models.Payment"} in graph["models"]
