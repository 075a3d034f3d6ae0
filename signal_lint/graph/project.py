"""The project's symbol table: every module's facts, and names resolved across modules.

libcst and the extractor resolve a name within one file; here re-exports are
followed across files (``shop/__init__.py`` doing ``from .signals import
order_placed``; ``add_signal = order_placed``; a class attribute bound to a
signal), so every connection and send names the object it really uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from signal_lint.aliases import alias_table, unique_modules
from signal_lint.extract.facts import ClassDef, FileFacts, Function
from signal_lint.installed.reading import Origin

APPCONFIG_CLASSES = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})
MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})


class Project:
    def __init__(
        self,
        all_facts: Iterable[FileFacts],
        modules: dict[str, FileFacts] | None = None,
        aliases: Mapping[str, str] | None = None,
        origins: Mapping[str, Origin] | None = None,
    ) -> None:
        self.modules: dict[str, FileFacts] = (
            unique_modules(all_facts) if modules is None else modules
        )
        self.aliases: Mapping[str, str] = alias_table(self.modules) if aliases is None else aliases
        # modules read from installed packages -> the package: in the graph, never judged
        self.origins: Mapping[str, Origin] = origins or {}
        # model classes defined outside the analysed code (Django's own, from the catalog): a class
        # deriving from ``AbstractUser`` is a model even when Django's source is not here
        self.external_models: frozenset[str] = frozenset()
        # module-level names bound to a model by a call (``User = get_user_model()``) -> the
        # reference (FileFacts.model_refs' format); the graph resolves it against the settings
        self.model_refs: dict[str, str] = {}
        self.instances: dict[
            str, str
        ] = {}  # module-level name -> the class it holds an instance of
        self.classes: dict[str, tuple[FileFacts, ClassDef]] = {}
        self.functions: dict[str, tuple[FileFacts, Function]] = {}
        # the modules each module star-imports (``from .x import *``), and the names bound at module
        # level by the modules star imports are followed into (computed when first asked: memory)
        self.star_imports: dict[str, list[str]] = {}
        self._defined: dict[str, set[str]] = {}
        self._binds: dict[tuple[str, str], bool] = {}  # (module, name) -> a star import binds it
        # resolve() and bases() answer the same questions thousands of times per run (the loading
        # analysis asks for every import and class): the project does not change once built
        self._resolved: dict[str, str | None] = {}
        self._bases: dict[str, tuple[str, ...]] = {}
        # what importing a name runs, asked for every import of a module in every loading pass
        self._loads: dict[str, tuple[str, ...]] = {}
        self._imports: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        for module, facts in sorted(self.modules.items()):
            stars = [i.module for i in facts.imports if "*" in i.names and i.function is None]
            if stars:
                self.star_imports[module] = stars
            for name, cls in facts.instances:
                self.instances[f"{module}.{name}"] = cls
            for name, reference in facts.model_refs:
                self.model_refs[f"{module}.{name}"] = reference
            for class_def in facts.classes:
                self.classes[f"{module}.{class_def.qualname}"] = (facts, class_def)
            for function in facts.functions:
                self.functions[f"{module}.{function.qualname}"] = (facts, function)

    def resolve(self, qualname: str | None) -> str | None:
        """Follow re-exports and aliases (across modules) to the defining name (memoised)."""
        if qualname is None:
            return None
        try:
            return self._resolved[qualname]
        except KeyError:
            resolved = self._resolved[qualname] = self._resolve(qualname)
            return resolved

    def _resolve(self, qualname: str | None) -> str | None:
        seen = 0
        while qualname is not None and seen < 16:
            seen += 1
            target = self.aliases.get(qualname)
            if target is not None and target != qualname:
                qualname = target
                continue
            # a prefix may be an alias: ``signals.order_placed`` where ``signals`` re-exports a module
            head, _, tail = qualname.rpartition(".")
            if head and head not in self.modules and self.resolve_prefix(head) != head:
                qualname = f"{self.resolve_prefix(head)}.{tail}"
                continue
            star = self._through_star_import(head, tail) if head in self.star_imports else None
            if (
                star is not None
            ):  # ``shop/signals/__init__.py`` doing ``from .definitions import *``
                qualname = star
                continue
            break
        return qualname

    def _through_star_import(self, module: str, name: str) -> str | None:
        """The module ``name`` comes from when ``module`` gets it by ``from x import *``: the last
        star import that binds it (a later one rebinds the name), honouring ``__all__``."""
        if name in self.defined(module) or f"{module}.{name}" in self.modules:
            return None
        for star in reversed(self.star_imports[module]):
            if self._star_binds(star, name):
                return f"{star}.{name}"
        return None

    def _star_binds(self, module: str, name: str) -> bool:
        """Whether ``from module import *`` binds ``name``: its ``__all__`` when it has one, else
        its public names, its own star imports' included (memoised; a cycle binds nothing more)."""
        key = (module, name)
        found = self._binds.get(key)
        if found is not None:
            return found
        self._binds[key] = False  # while deciding: a star-import cycle adds nothing
        facts = self.modules.get(module)
        if facts is None:
            found = False  # outside the project: not known to
        elif facts.exports is not None:
            found = name in facts.exports  # whatever binds it in ``module``
        elif name.startswith("_"):
            found = False
        else:
            found = name in self.defined(module) or any(
                self._star_binds(star, name) for star in self.star_imports.get(module, ())
            )
        self._binds[key] = found
        return found

    def defined(self, module: str) -> set[str]:
        """The names ``module`` binds at module level (none for a module outside the project)."""
        names = self._defined.get(module)
        if names is None:
            facts = self.modules.get(module)
            names = set()
            if facts is not None:
                names.update(name for name, _ in facts.aliases)
                names.update(c.qualname for c in facts.classes if "." not in c.qualname)
                names.update(f.qualname for f in facts.functions if "." not in f.qualname)
                names.update(d.qualname for d in facts.signal_defs if "." not in d.qualname)
            self._defined[module] = names
        return names

    def function(self, qualname: str) -> tuple[FileFacts, Function] | None:
        """A function of the project by its qualified name (re-exports followed)."""
        return self.functions.get(self.resolve(qualname) or qualname)

    def resolve_prefix(self, qualname: str) -> str:
        target = self.aliases.get(qualname)
        return target if target is not None and target != qualname else qualname

    def loads(self, name: str) -> tuple[str, ...]:
        """The project modules ``import name`` runs: its parent packages first, then itself
        (memoised)."""
        found = self._loads.get(name)
        if found is None:
            parts = name.split(".")
            prefixes = (".".join(parts[: index + 1]) for index in range(len(parts)))
            found = self._loads[name] = tuple(p for p in prefixes if p in self.modules)
        return found

    def imports(self, module: str, names: tuple[str, ...]) -> tuple[str, ...]:
        """The project modules ``from module import names`` runs, in order (memoised): ``module``,
        each name's submodule if there is one (``from shop import signals``), and the module a
        re-export leads to, each with its parent packages (``import module``: no names)."""
        key = (module, names)
        found = self._imports.get(key)
        if found is None:
            targets = [module, *(f"{module}.{name}" for name in names if name != "*")]
            runs: list[str] = []
            for target in targets:
                runs.extend(self.loads(target))
                alias = self.resolve(target)
                if alias and alias != target:
                    runs.extend(
                        self.loads(alias if alias in self.modules else alias.rsplit(".", 1)[0])
                    )
            found = self._imports[key] = tuple(dict.fromkeys(runs))  # each runs once
        return found

    def forget_imports(self) -> None:
        """Drop what ``loads()`` and ``imports()`` remember: the graph build asks, the rules do not,
        and on a large tree it is megabytes they would hold for nothing."""
        self._loads.clear()
        self._imports.clear()

    def installed(self, module: str) -> bool:
        """Read from an installed package, not part of the project."""
        return module in self.origins

    def is_module(self, name: str) -> bool:
        return name in self.modules

    def module_of(self, qualname: str) -> str | None:
        """The project module a dotted name lives in (its longest prefix that is one), if any."""
        head = qualname
        while head:
            head = head.rpartition(".")[0]
            if head in self.modules:
                return head
        return None

    def bases(self, qualname: str) -> list[str]:
        """All base classes' qualified names, transitively through the project's classes (memoised)."""
        found = self._bases.get(qualname)
        if found is None:
            found = self._bases[qualname] = tuple(self._bases_of(qualname, 0))
        return list(found)

    def _bases_of(self, qualname: str, depth: int) -> list[str]:
        found = self.classes.get(qualname)
        if found is None or depth > 20:
            return []
        result: list[str] = []
        for base in found[1].bases:
            base = self.resolve(base)
            if base:
                result.append(base)
                result.extend(self._bases_of(base, depth + 1))
        return result

    def is_appconfig(self, qualname: str) -> bool:
        return any(base in APPCONFIG_CLASSES for base in self.bases(qualname))

    def is_model(self, qualname: str) -> bool:
        bases = self.bases(qualname)
        return any(base in MODEL_BASES or base in self.external_models for base in bases)

    def attribute(self, qualname: str, name: str) -> str | None:
        found = self.classes.get(qualname)
        if found is None:
            return None
        return dict(found[1].attributes).get(name)
