"""SIG108 receiver-misses-subclass, and its proof: fixtures/projects/subclasses saves and deletes
an instance of each model in a running Django; SIG108 lists exactly the receivers that did not
run for a subclass the project writes (SIG106: the abstract model's receivers never run)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import project_findings, project_positions
from django_runtime import run_in_project

from signal_lint.rules.receiver_misses_subclass import SHOP

PROJECT = Path(__file__).resolve().parents[2] / "fixtures" / "projects" / "subclasses"

HEAD = """
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from shop.models import GiftOrder, Order, RushOrder

"""


def sig108(receivers: str, **files: str) -> list[tuple[str, int, int]]:
    return project_positions({**SHOP, **files, "shop/receivers.py": HEAD + receivers}, "SIG108")


ON_ORDER_SAVED = (
    "@receiver(post_save, sender=Order)\ndef on_order_saved(sender, **kwargs):\n    pass\n\n"
)
ON_ORDER_DELETED = (
    "@receiver(pre_delete, sender=Order)\ndef on_order_deleted(sender, **kwargs):\n    pass\n\n"
)


@pytest.mark.parametrize(
    "write",
    [
        "RushOrder.objects.create()",
        "RushOrder.objects.get_or_create(pk=1)",
        "RushOrder.objects.update_or_create(pk=1)",
        "RushOrder().save()",
        "order = RushOrder()\n    order.save()",
        "order = RushOrder.objects.get(pk=1)\n    order.save()",
    ],
)
def test_a_save_of_a_proxy_is_missed(write):
    services = f"from shop.models import RushOrder\n\n\ndef write():\n    {write}\n"
    assert sig108(ON_ORDER_SAVED, **{"shop/services.py": services}) == [("shop/receivers.py", 6, 2)]


def test_a_subclass_nothing_writes_is_not_reported():
    services = (
        "from shop.models import RushOrder\n\n\ndef read():\n    return RushOrder.objects.count()\n"
    )
    assert sig108(ON_ORDER_SAVED, **{"shop/services.py": services}) == []


def test_writes_by_the_tests_do_not_count():
    tests = (
        "from shop.models import RushOrder\n\n\ndef test_it():\n    RushOrder.objects.create()\n"
    )
    assert sig108(ON_ORDER_SAVED, **{"shop/tests.py": tests}) == []


def test_a_model_form_and_a_serializer_write_their_model():
    form = (
        "from django import forms\n\nfrom shop.models import GiftOrder\n\n\n"
        "class GiftForm(forms.ModelForm):\n    class Meta:\n        model = GiftOrder\n        fields = '__all__'\n"
    )
    assert sig108(ON_ORDER_SAVED, **{"shop/forms.py": form}) == [("shop/receivers.py", 6, 2)]
    serializer = form.replace("from django import forms", "from rest_framework import serializers")
    serializer = serializer.replace("forms.ModelForm", "serializers.ModelSerializer")
    assert sig108(ON_ORDER_SAVED, **{"shop/serializers.py": serializer}) == [
        ("shop/receivers.py", 6, 2)
    ]
    filterset = form.replace("forms.ModelForm", "FilterSet").replace(
        "from django import forms", "from django_filters import FilterSet"
    )
    assert sig108(ON_ORDER_SAVED, **{"shop/filters.py": filterset}) == []  # reads, never saves


def test_an_admin_registration_writes_its_model():
    admin = "from django.contrib import admin\n\nfrom shop.models import RushOrder\n\nadmin.site.register(RushOrder)\n"
    assert sig108(ON_ORDER_SAVED + ON_ORDER_DELETED, **{"shop/admin.py": admin}) == [
        ("shop/receivers.py", 6, 2),
        ("shop/receivers.py", 10, 2),
    ]


def test_deleting_a_multi_table_child_runs_the_parents_delete_receivers():
    services = "from shop.models import GiftOrder\n\n\ndef forget(pk):\n    GiftOrder.objects.filter(pk=pk).delete()\n"
    assert sig108(ON_ORDER_DELETED, **{"shop/services.py": services}) == []
    services = services.replace("GiftOrder", "RushOrder")
    assert sig108(ON_ORDER_DELETED, **{"shop/services.py": services}) == [
        ("shop/receivers.py", 6, 2)
    ]


@pytest.mark.parametrize(
    "also",
    [
        "@receiver(post_save, sender=RushOrder)\n",
        "@receiver(post_save, sender='shop.rushorder')\n",
        "@receiver(post_save)\n",
    ],
)
def test_the_same_receiver_connected_for_the_subclass_or_any_sender_is_covered(also):
    services = (
        "from shop.models import RushOrder\n\n\ndef write():\n    RushOrder.objects.create()\n"
    )
    assert sig108(also + ON_ORDER_SAVED, **{"shop/services.py": services}) == []


def test_another_receiver_for_the_subclass_does_not_cover_this_one():
    other = (
        "@receiver(post_save, sender=RushOrder)\ndef on_rush_saved(sender, **kwargs):\n    pass\n\n"
    )
    services = (
        "from shop.models import RushOrder\n\n\ndef write():\n    RushOrder.objects.create()\n"
    )
    assert sig108(ON_ORDER_SAVED + other, **{"shop/services.py": services}) == [
        ("shop/receivers.py", 6, 2)
    ]


def test_message_names_the_subclasses_and_says_what_to_do():
    services = (
        "from shop.models import GiftOrder, RushOrder\n\n\n"
        "def write():\n    RushOrder.objects.create()\n    GiftOrder.objects.create()\n"
    )
    files = {**SHOP, "shop/services.py": services, "shop/receivers.py": HEAD + ON_ORDER_SAVED}
    (finding,) = project_findings(files, "SIG108")
    assert finding.severity == "warning"
    assert "`GiftOrder` (multi-table) or `RushOrder` (proxy)" in finding.message
    assert "also connect it for them" in finding.message
    assert "`isinstance(instance, Order)`" in finding.message


# --- proof: what a running Django calls --------------------------------------------------

RUN = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core import checks
    from django.core.management import call_command
    call_command("migrate", run_syncdb=True, verbosity=0)
    from shop import models
    from shop.receivers import CALLS

    runs = {}
    for name in ("Order", "RushOrder", "ArchivedOrder", "GiftOrder", "ExpressOrder"):
        model = getattr(models, name)
        CALLS.clear()
        instance = model.objects.create()
        saved = sorted({receiver for receiver, _ in CALLS})
        CALLS.clear()
        instance.delete()
        runs[name] = {"save": saved, "delete": sorted({receiver for receiver, _ in CALLS})}
    e001 = [m.msg for m in checks.run_checks() if m.id == "signals.E001"]
    print(json.dumps({"runs": runs, "e001": e001}))
    """
)
# How fixtures/projects/subclasses writes each subclass (shop/services.py, forms.py, admin.py).
WRITTEN = {
    "RushOrder": {"save", "delete"},
    "GiftOrder": {"save"},
    "ExpressOrder": {"save", "delete"},
}


@pytest.fixture(scope="module")
def runtime() -> dict:
    pytest.importorskip("django")
    return json.loads(run_in_project(PROJECT, RUN))


@pytest.fixture(scope="module")
def findings() -> list:
    from signal_lint.config import Config
    from signal_lint.engine import check_paths

    return check_paths([str(PROJECT)], Config(root=str(PROJECT)), jobs=1, use_cache=False).findings


def test_sig108_lists_exactly_the_subclass_writes_a_running_django_skips(runtime, findings):
    runs = runtime["runs"]
    expected = set()
    for kind in ("save", "delete"):
        for receiver in runs["Order"][kind]:
            for subclass, written in WRITTEN.items():
                if kind in written and receiver not in runs[subclass][kind]:
                    expected.add((receiver, subclass))
    flagged = set()
    for finding in findings:
        if finding.code == "SIG108":
            receiver = finding.message.split("`")[1]
            for subclass in WRITTEN:
                if f"`{subclass}`" in finding.message:
                    flagged.add((receiver, subclass))
    print("\nSIG108 against a running Django:", sorted(flagged))
    assert ("on_order_saved", "GiftOrder") in expected  # a multi-table save is missed
    assert ("on_order_deleted", "GiftOrder") not in expected  # its delete is not
    assert flagged == expected
    assert not any(
        receiver.startswith("on_stamped")
        for r in runs.values()
        for k in r.values()
        for receiver in k
    )


def test_sig106_flags_exactly_the_abstract_senders_that_never_run(runtime, findings):
    flagged = {f.message.split("`")[3] for f in findings if f.code == "SIG106"}
    assert flagged == {"on_stamped_saved", "on_stamped_saved_lazy"}
    ran = {
        receiver
        for model in runtime["runs"].values()
        for kind in model.values()
        for receiver in kind
    }
    assert flagged.isdisjoint(ran)
    (message,) = runtime["e001"]  # Django's own check reports the lazy one
    assert "on_stamped_saved_lazy" in message and "'shop.stamped'" in message
