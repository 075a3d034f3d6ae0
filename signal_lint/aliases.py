"""The project's re-exports: one table, built once per run, for the rules and the graph.

``shop/__init__.py`` doing ``from .signals import order_placed`` makes
``shop.order_placed`` another name of ``shop.signals.order_placed``.  Both the
per-file rules (is this name a signal?) and the graph (which signal does this
connection use?) follow such names; on a large tree the table is one of the
biggest things a run holds, so it is built once and shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from signal_lint.extract.facts import FileFacts


def unique_modules(all_facts: Iterable[FileFacts]) -> dict[str, FileFacts]:
    """One file per module name; where two files claim one (two trees side by side), the first path wins."""
    modules: dict[str, FileFacts] = {}
    for facts in all_facts:
        known = modules.get(facts.module)
        if known is None or facts.path < known.path:
            modules[facts.module] = facts
    return modules


def alias_table(modules: Mapping[str, FileFacts]) -> AliasTable:
    """Every module-level alias of the project: ``"shop.order_placed" -> "shop.signals.order_placed"``."""
    return AliasTable(modules)


class AliasTable(Mapping[str, str]):
    """``"module.name" -> target`` for every alias of every module, kept per module with the
    names the facts hold: a table of the joined names was about 17 MiB on a 20,000-file tree.

    A name bound in a class body (``Config.handler``) makes a key two modules may claim
    (``shop`` binding ``a.b``, ``shop.a`` binding ``b``): as in a table built module by module
    in sorted order, the longer module, written last, wins.
    """

    __slots__ = ("_by_module",)

    def __init__(self, modules: Mapping[str, FileFacts]) -> None:
        self._by_module = {
            module: dict(facts.aliases)
            for module, facts in sorted(modules.items())
            if facts.aliases
        }

    def get(self, qualname: str, default: str | None = None) -> str | None:  # type: ignore[override]
        dot = qualname.rfind(".")
        while dot >= 0:  # the longest module first
            names = self._by_module.get(qualname[:dot])
            found = names.get(qualname[dot + 1 :]) if names is not None else None
            if found is not None:
                return found
            dot = qualname.rfind(".", 0, dot)
        return default

    def __getitem__(self, qualname: str) -> str:
        found = self.get(qualname)
        if found is None:
            raise KeyError(qualname)
        return found

    def __contains__(self, qualname: object) -> bool:
        return isinstance(qualname, str) and self.get(qualname) is not None

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for module, names in self._by_module.items():
            for name in names:
                key = f"{module}.{name}"
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


def follow_aliases(aliases: Mapping[str, str], qualname: str | None) -> str | None:
    """Follow re-exports to the defining name (chains are short; a cycle must not hang)."""
    for _ in range(8):
        target = aliases.get(qualname) if qualname is not None else None
        if target is None or target == qualname:
            break
        qualname = target
    return qualname
