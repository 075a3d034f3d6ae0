"""What every rule is: a code, a name, a severity, docs, examples and ``check()``.

Rules are found by walking this package (one module per rule, no
registration).  A per-file rule reads one file's ``FileFacts``; a project rule
reads the project graph.  Each rule carries examples of code it must flag
(``INVALID``, with the exact positions it reports, as printed: 1-based line
and column) and code it must not flag (``VALID``); the test suite runs them
all, and the docs are generated from them.
"""

from __future__ import annotations

import importlib
import pkgutil
import textwrap
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from functools import cache
from typing import (
    TYPE_CHECKING,
    ClassVar,
)

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import Finding, Fix, Location

if TYPE_CHECKING:
    from signal_lint.graph import Graph
    from signal_lint.rules.context import RuleContext


# What a per-file rule's ``check()`` may read of one file, by kind; ``Rule.reads`` names the kinds
# a rule needs, so the engine skips the rule on the many files that have none of them.
# "receivers": functions of the file connected as receivers, here or from another file.
FILE_INPUTS = frozenset({"parse_error", "connections", "receivers", "sends", "signal_defs"})


@dataclass(frozen=True)
class Invalid:
    """An example a rule must flag: its findings' (line, column), 1-based, as printed.

    Project examples put other modules in ``files``; a position in one of
    them is written ``(path, line, column)``.
    """

    code: str
    positions: Sequence[tuple[object, ...]]
    fixed: str | None = None  # the code after the rule's fix, for fixable rules
    files: dict[str, str] = field(default_factory=dict)  # other modules of a project example

    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")


@dataclass(frozen=True)
class Valid:
    """An example no rule may flag."""

    code: str
    files: dict[str, str] = field(default_factory=dict)

    def source(self) -> str:
        return textwrap.dedent(self.code).lstrip("\n")


@dataclass(frozen=True)
class NoqaUsage:
    """What one file's ``# noqa`` directives did in a run, for the rule that judges them (SIG018).

    ``used``: line -> the codes of its directive that silenced a finding;
    ``enabled``: every code the run checks; ``unjudged``: codes whose findings
    this run cannot know in full (project rules, unless the whole project is read).
    """

    used: Mapping[int, Set[str]]
    enabled: frozenset[str]
    unjudged: frozenset[str]


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    summary: ClassVar[str] = ""  # one line: `signal-lint rules`, SARIF's shortDescription
    MESSAGE: ClassVar[str]
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    project: ClassVar[bool] = False
    fix_title: ClassVar[str] = ""  # a fixable rule: what its fix does, in a few words (JSON)
    needs_models: ClassVar[bool] = False  # reads ``RuleContext.models``: the graph is built first
    example_path: ClassVar[str] = "app/signals.py"  # where examples pretend to live
    # The ``FILE_INPUTS`` ``check()`` reads: it finds nothing in a file that has none of them, and
    # is not called there. None: not declared, called on every file.
    reads: ClassVar[frozenset[str] | None] = None

    @classmethod
    def fixable(cls) -> bool:
        """Derived from the examples, so docs cannot claim a fix the tests don't show."""
        return any(example.fixed is not None for example in cls.INVALID)

    @classmethod
    def doc(cls) -> str:
        return textwrap.dedent(cls.__doc__ or "").strip()

    def check(
        self, facts: FileFacts, ctx: RuleContext
    ) -> Iterable[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterable[Finding]:
        """Project rules (``project = True``) read the graph instead of one file.

        A per-file rule may have a project half too (SIG003 follows modules
        imported only from ``ready()``): it runs when the whole project is
        checked, never inside flake8.
        """
        return ()

    def check_noqa(self, facts: FileFacts, usage: NoqaUsage) -> Iterable[Finding]:
        """A rule about the ``# noqa`` directives themselves (SIG018) runs after every other
        rule's findings were filtered, with what each directive silenced."""
        return ()

    @classmethod
    def judges_noqa(cls) -> bool:
        return cls.check_noqa is not Rule.check_noqa

    @classmethod
    def reads_graph(cls) -> bool:
        """A project rule, or a per-file rule with a project half."""
        return cls.project or cls.check_project is not Rule.check_project

    def finding(
        self,
        facts: FileFacts,
        line: int,
        column: int,
        fix: Fix | None = None,
        *,
        related: Sequence[Location] = (),
        end: tuple[int, int] | None = None,
        **values: object,
    ) -> Finding:
        """A finding of this rule; ``values`` fill its MESSAGE.

        ``related``: other places it involves; ``end``: where it ends (line, column)
        when not where the syntax node at (line, column) ends.
        """
        return Finding(
            self.code,
            self.name,
            self.severity,
            facts.path,
            line,
            column,
            self.MESSAGE.format(**values),
            fix,
            tuple(related),
            end[0] if end else None,
            end[1] if end else None,
        )


def file_inputs(facts: FileFacts, ctx: RuleContext) -> frozenset[str]:
    """The ``FILE_INPUTS`` present in ``facts``: most files have none."""
    present = set()
    if facts.parse_error is not None:
        present.add("parse_error")
    if facts.connections:
        present.update(("connections", "receivers"))
    elif ctx.connected_to(facts):
        present.add("receivers")
    if facts.sends:
        present.add("sends")
    if facts.signal_defs:
        present.add("signal_defs")
    return frozenset(present)


def asked(rule: Rule | type[Rule], present: frozenset[str]) -> bool:
    """Whether ``rule.check()`` can find anything in a file with the inputs ``present``."""
    return rule.reads is None or not rule.reads.isdisjoint(present)


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class in this package, sorted by code."""
    import signal_lint.rules as package

    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in ("base", "context", "receivers") or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


def rule_by_code(code: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.code == code.upper():
            return rule
    return None
