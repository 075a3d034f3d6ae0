"""The project's symbol table: every module's facts, and names resolved across modules.

libcst and the extractor resolve a name within one file; here re-exports are
followed across files (``shop/__init__.py`` doing ``from .signals import
order_placed``; ``add_signal = order_placed``; a class attribute bound to a
signal), so every connection and send names the object it really uses.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set, Tuple

from signal_lint.extract.facts import ClassDef, FileFacts, Function

APPCONFIG_CLASSES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})


class Project:
    def __init__(self, all_facts: Iterable[FileFacts]) -> None:
        self.modules: Dict[str, FileFacts] = {}
        for facts in all_facts:
            if facts.module not in self.modules or facts.path < self.modules[facts.module].path:
                self.modules[facts.module] = facts
        self.aliases: Dict[str, str] = {}
        self.classes: Dict[str, Tuple[FileFacts, ClassDef]] = {}
        self.functions: Dict[str, Tuple[FileFacts, Function]] = {}
        # names each module binds at module level, and the modules it star-imports (``from .x import *``)
        self.defined: Dict[str, Set[str]] = {}
        self.star_imports: Dict[str, List[str]] = {}
        for module, facts in sorted(self.modules.items()):
            names = {name for name, _ in facts.aliases}
            names.update(c.qualname for c in facts.classes if "." not in c.qualname)
            names.update(f.qualname for f in facts.functions if "." not in f.qualname)
            names.update(d.qualname for d in facts.signal_defs if "." not in d.qualname)
            self.defined[module] = names
            stars = [i.module for i in facts.imports if "*" in i.names and i.function is None]
            if stars:
                self.star_imports[module] = stars
            for name, target in facts.aliases:
                self.aliases[f"{module}.{name}"] = target
            for class_def in facts.classes:
                self.classes[f"{module}.{class_def.qualname}"] = (facts, class_def)
            for function in facts.functions:
                self.functions[f"{module}.{function.qualname}"] = (facts, function)

    def resolve(self, qualname: Optional[str]) -> Optional[str]:
        """Follow re-exports and aliases (across modules) to the defining name."""
        seen = 0
        while qualname is not None and seen < 16:
            seen += 1
            if qualname in self.aliases and self.aliases[qualname] != qualname:
                qualname = self.aliases[qualname]
                continue
            # a prefix may be an alias: ``signals.order_placed`` where ``signals`` re-exports a module
            head, _, tail = qualname.rpartition(".")
            if head and head not in self.modules and self.resolve_prefix(head) != head:
                qualname = f"{self.resolve_prefix(head)}.{tail}"
                continue
            star = self._through_star_import(head, tail) if head in self.star_imports else None
            if star is not None:  # ``shop/signals/__init__.py`` doing ``from .definitions import *``
                qualname = star
                continue
            break
        return qualname

    def _through_star_import(self, module: str, name: str) -> Optional[str]:
        if name in self.defined.get(module, ()) or f"{module}.{name}" in self.modules:
            return None
        for star in self.star_imports[module]:
            if name in self.defined.get(star, ()) or star in self.star_imports:
                return f"{star}.{name}"
        return None

    def resolve_prefix(self, qualname: str) -> str:
        target = self.aliases.get(qualname)
        return target if target is not None and target != qualname else qualname

    def is_module(self, name: str) -> bool:
        return name in self.modules

    def bases(self, qualname: str, depth: int = 0) -> List[str]:
        """All base classes' qualified names, transitively through the project's classes."""
        found = self.classes.get(qualname)
        if found is None or depth > 20:
            return []
        result: List[str] = []
        for base in found[1].bases:
            base = self.resolve(base)
            if base:
                result.append(base)
                result.extend(self.bases(base, depth + 1))
        return result

    def is_appconfig(self, qualname: str) -> bool:
        return any(base in APPCONFIG_CLASSES for base in self.bases(qualname))

    def is_model(self, qualname: str) -> bool:
        bases = self.bases(qualname)
        return any(base in MODEL_BASES for base in bases)

    def attribute(self, qualname: str, name: str) -> Optional[str]:
        found = self.classes.get(qualname)
        if found is None:
            return None
        return dict(found[1].attributes).get(name)
