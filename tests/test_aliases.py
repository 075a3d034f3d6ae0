"""The project's alias table (``signal_lint/aliases.py``): kept per module, it must answer as one
flat table of ``"module.name" -> target`` built module by module in sorted order would."""

from __future__ import annotations

from dataclasses import replace

from module_files import facts_of

from signal_lint.aliases import alias_table, follow_aliases, unique_modules


def flat_table(modules):  # type: ignore[no-untyped-def]
    """The table as it was built before it was kept per module: the reference."""
    return {
        f"{module}.{name}": target
        for module, facts in sorted(modules.items())
        for name, target in facts.aliases
    }


def modules_binding(bindings: dict[str, tuple[tuple[str, str], ...]]):  # type: ignore[no-untyped-def]
    template = facts_of({"x.py": ""})[0]
    return {
        module: replace(template, module=module, aliases=names)
        for module, names in bindings.items()
    }


def test_a_key_two_modules_claim_is_the_longer_module_s_as_in_a_flat_table():
    modules = modules_binding(
        {
            "shop": (("a.b", "from.shop"), ("c", "shop.c.target"), ("c", "rebound")),
            "shop.a": (("b", "from.shop.a"),),
            "shop.a.b": (("c", "deep"),),
            "other": (("Config.handler", "other.handlers.on_save"),),
        }
    )
    table, flat = alias_table(modules), flat_table(modules)
    assert dict(table) == flat
    assert list(table) == list(flat) and len(table) == len(flat)
    for key in [*flat, "shop.a.b", "shop.missing", "other.Config", "", ".", "shop.", "nowhere.x"]:
        assert (key in table) == (key in flat)
        assert table.get(key) == flat.get(key)
    assert table["shop.a.b"] == "from.shop.a"  # not shop's ``a.b``
    assert table["shop.c"] == "rebound"  # the module's last binding
    assert None not in table


def test_the_table_of_a_project_follows_re_exports_as_the_flat_one_does():
    modules = unique_modules(
        facts_of(
            {
                "shop/__init__.py": "from shop.signals import order_placed\nfrom . import signals as s\n",
                "shop/signals.py": "from django.dispatch import Signal\norder_placed = Signal()\n",
                "shop/apps.py": "from shop import order_placed\n\nclass C:\n    sig = order_placed\n",
            }
        )
    )
    table, flat = alias_table(modules), flat_table(modules)
    assert flat and dict(table) == flat
    for key in flat:
        assert follow_aliases(table, key) == follow_aliases(flat, key)
    assert follow_aliases(table, "shop.apps.C.sig") == "shop.signals.order_placed"
    assert follow_aliases(table, None) is None
