"""The project's re-exports: one table, built once per run, for the rules and the graph.

``shop/__init__.py`` doing ``from .signals import order_placed`` makes
``shop.order_placed`` another name of ``shop.signals.order_placed``.  Both the
per-file rules (is this name a signal?) and the graph (which signal does this
connection use?) follow such names; on a large tree the table is one of the
biggest things a run holds, so it is built once and shared.
"""

from __future__ import annotations

from collections.abc import Iterable

from signal_lint.extract.facts import FileFacts


def unique_modules(all_facts: Iterable[FileFacts]) -> dict[str, FileFacts]:
    """One file per module name; where two files claim one (two trees side by side), the first path wins."""
    modules: dict[str, FileFacts] = {}
    for facts in all_facts:
        known = modules.get(facts.module)
        if known is None or facts.path < known.path:
            modules[facts.module] = facts
    return modules


def alias_table(modules: dict[str, FileFacts]) -> dict[str, str]:
    """Every module-level alias of the project: ``"shop.order_placed" -> "shop.signals.order_placed"``."""
    return {
        f"{module}.{name}": target
        for module, facts in sorted(modules.items())
        for name, target in facts.aliases
    }


def follow_aliases(aliases: dict[str, str], qualname: str | None) -> str | None:
    """Follow re-exports to the defining name (chains are short; a cycle must not hang)."""
    for _ in range(8):
        if qualname not in aliases or aliases[qualname] == qualname:
            break
        qualname = aliases[qualname]
    return qualname
