"""Rule documentation generated from the rule classes, so docs cannot drift.

``python -m signal_lint.docs`` rewrites ``docs/rules/``; a test fails when the
committed pages differ from what this module generates.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence

from signal_lint.findings import SAFE, UNSAFE, Finding
from signal_lint.rules.base import Invalid, Rule, Valid, all_rules


def rule_page(rule: type) -> str:
    assert issubclass(rule, Rule)
    scope = (
        "project (needs the whole project)"
        if rule.project
        else "per file (also runs inside flake8)"
    )
    if not rule.project and rule.reads_graph():
        scope += ", with a project check (`signal-lint check` only)"
    if rule.judges_noqa():
        scope = "per file (`signal-lint check` only: flake8 applies `noqa` itself)"
    lines = [
        f"# {rule.code} {rule.name}",
        "",
        f"Severity: **{rule.severity}** · Scope: {scope} · Fixable: {_fixable(rule)}",
        "",
        rule.doc(),
        "",
        "## Flagged",
        "",
    ]
    for example in rule.INVALID:
        if example.files:
            marks = ", ".join(_project_position(rule, position) for position in example.positions)
            lines += [
                f"Reported at path:line:column {marks}, in this project:",
                "",
            ] + _project_files(rule, example)
        else:
            marks = ", ".join(f"{line}:{column}" for line, column in example.positions)
            lines += [
                f"Reported at line:column {marks}:",
                "",
                "```python",
                example.source().rstrip(),
                "```",
                "",
            ]
        if example.fixed is not None:
            lines += [
                f"After `{_fix_command(_applicabilities(rule, example))}`:",
                "",
                "```python",
                textwrap.dedent(example.fixed).strip("\n"),
                "```",
                "",
            ]
    lines += ["## Not flagged", ""]
    for valid in rule.VALID:
        if valid.files:
            lines += ["This project:", ""] + _project_files(rule, valid)
        else:
            lines += ["```python", valid.source().rstrip(), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _fixable(rule: type[Rule]) -> str:
    kinds = fix_applicabilities(rule)
    if not kinds:
        return "no"
    if kinds == {SAFE}:
        return "yes, safe (`signal-lint check --fix`)"
    if kinds == {UNSAFE}:
        return "yes, unsafe (`signal-lint check --fix --unsafe-fixes`)"
    return "yes, safe or unsafe (see Fix safety)"


def fix_applicabilities(rule: type[Rule]) -> set[str]:
    """Derived from the examples with fixed text: which fixes they show, safe or unsafe."""
    kinds: set[str] = set()
    for example in rule.INVALID:
        if example.fixed is not None:
            kinds |= _applicabilities(rule, example)
    return kinds


def _fix_command(kinds: set[str]) -> str:
    return "--fix --unsafe-fixes" if UNSAFE in kinds else "--fix"


def _applicabilities(rule: type[Rule], example: Invalid) -> set[str]:
    return {
        f.fix.applicability
        for f in example_findings(rule, example)
        if f.code == rule.code and f.fix is not None
    }


def example_files(rule: type[Rule], example: Invalid | Valid) -> dict[str, str]:
    """An example's modules, dedented: the rule's own example module and any others it has."""
    files = {path: textwrap.dedent(code).lstrip("\n") for path, code in example.files.items()}
    files[rule.example_path] = example.source()
    return files


def example_findings(rule: type[Rule], example: Invalid | Valid) -> list[Finding]:
    """Every rule's findings on an example: its module alone (flake8's view), or with its other
    modules, the whole small project (project rules included)."""
    from signal_lint.catalog import load_catalog
    from signal_lint.config import Config
    from signal_lint.engine import check_facts, check_one
    from signal_lint.extract import extract_source

    if not example.files and not rule.project:
        module = rule.example_path[:-3].replace("/", ".")
        return check_one(
            extract_source(example.source().encode(), rule.example_path, module), load_catalog()
        )
    facts = []
    for path, code in sorted(example_files(rule, example).items()):
        module = path[: -len(".py")].replace("/", ".")
        is_package = module.endswith(".__init__")
        module = module[: -len(".__init__")] if is_package else module
        facts.append(extract_source(code.encode(), path, module, is_package))
    return check_facts(facts, load_catalog(), Config())


def _project_position(rule: type[Rule], position: Sequence[object]) -> str:
    path, line, column = position if len(position) == 3 else (rule.example_path, *position)
    return f"`{path}:{line}:{column}`"


def _project_files(rule: type[Rule], example: Invalid | Valid) -> list[str]:
    """A project example's modules, the rule's own example module first."""
    files = {rule.example_path: example.source()}
    files.update(
        (path, textwrap.dedent(code).lstrip("\n"))
        for path, code in sorted(example.files.items())
        if path != rule.example_path
    )
    lines: list[str] = []
    for path, code in files.items():
        if code.strip():  # empty ``__init__.py`` files only make the packages
            lines += [f"`{path}`:", "", "```python", code.rstrip(), "```", ""]
    return lines


def index_page() -> str:
    lines = [
        "# Rules",
        "",
        "| code | name | summary | severity | scope | fixable |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for rule in all_rules():
        scope = "project" if rule.project else "file"
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {summary} | {rule.severity} | "
            f"{scope} | {' or '.join(sorted(fix_applicabilities(rule)))} |"
        )
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    result = {f"{rule.code}.md": rule_page(rule) for rule in all_rules()}
    result["README.md"] = index_page()
    return result


def write(directory: str) -> None:
    os.makedirs(directory, exist_ok=True)
    for name, content in pages().items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
            handle.write(content)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join("docs", "rules"))
