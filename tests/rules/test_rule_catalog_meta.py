"""Every rule carries what the conventions promise: the catalog's code, name and
severity, a message, examples both ways, ruff-style doc headings, a fixture and a
test module.  Project rules too: their fixture is a directory holding a small
project (``fixtures/rules/SIG102/``), their examples are multi-module projects.  The table is
RULES.md's, copied here on purpose: the codes and names are a public interface, and this test
must not depend on a file outside the repository.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from signal_lint.docs import example_findings
from signal_lint.findings import ERROR, INFO, WARNING
from signal_lint.fixes import fixers
from signal_lint.rules import all_rules

ROOT = Path(__file__).resolve().parents[2]

# RULES.md, "Per-file rules", plus SIG000 ("What every rule must do": a file
# that cannot be read or parsed yields one SIG000 finding).
PER_FILE_RULES = {
    "SIG000": ("parse-error", ERROR),
    "SIG001": ("receiver-missing-kwargs", ERROR),
    "SIG002": ("weak-temporary-receiver", ERROR),
    "SIG003": ("class-prepared-in-ready", ERROR),
    "SIG004": ("unknown-receiver-argument", ERROR),
    "SIG005": ("receiver-on-method", ERROR),
    "SIG006": ("invalid-m2m-action", ERROR),
    "SIG007": ("receiver-decorator-order", WARNING),
    "SIG008": ("save-in-save-signal", WARNING),
    "SIG009": ("lazy-sender-on-plain-signal", ERROR),
    "SIG010": ("send-arguments-mismatch", ERROR),
    "SIG011": ("removed-providing-args", ERROR),
    "SIG012": ("receiver-called-not-passed", ERROR),
    "SIG013": ("unguarded-raw-save", WARNING),
    "SIG014": ("nullable-argument-dereference", WARNING),
    "SIG015": ("falsy-dispatch-uid", WARNING),
    "SIG016": ("sync-send-in-async", WARNING),
    "SIG017": ("unawaited-async-send", ERROR),
    "SIG018": ("unused-noqa", WARNING),
}

# RULES.md, "Project rules".
PROJECT_RULES = {
    "SIG101": ("receivers-never-imported", ERROR),
    "SIG102": ("dispatch-uid-collision", ERROR),
    "SIG103": ("repeated-connect", WARNING),
    "SIG104": ("custom-signal-argument-mismatch", ERROR),
    "SIG105": ("unused-signal", INFO),
    "SIG106": ("unknown-lazy-sender", ERROR),
    "SIG107": ("bulk-write-skips-receivers", INFO),
    "SIG108": ("receiver-misses-subclass", WARNING),
}

HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "Use instead:")

PER_FILE = [rule for rule in all_rules() if not rule.project]
RULES = list(all_rules())
IDS = [rule.code for rule in RULES]


def module_name(rule: type) -> str:
    return rule.__module__.rsplit(".", 1)[-1]


def test_per_file_codes_names_and_severities_are_exactly_the_catalogs():
    assert {rule.code: (rule.name, rule.severity) for rule in PER_FILE} == PER_FILE_RULES


def test_project_codes_names_and_severities_are_exactly_the_catalogs():
    assert {
        rule.code: (rule.name, rule.severity) for rule in all_rules() if rule.project
    } == PROJECT_RULES


def test_rules_are_sorted_by_code_and_codes_are_unique():
    codes = [rule.code for rule in all_rules()]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))


def test_one_rule_per_module():
    modules = [rule.__module__ for rule in all_rules()]
    assert len(modules) == len(set(modules))


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_code_name_severity_and_message(rule):
    assert re.fullmatch(r"SIG\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)
    assert rule.severity in (ERROR, WARNING, INFO)
    assert isinstance(rule.MESSAGE, str) and rule.MESSAGE.strip()
    assert not rule.MESSAGE.rstrip().endswith(".")  # one sentence, no trailing period


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_class_name_is_the_camel_case_of_the_name(rule):
    assert rule.__name__ == "".join(part.capitalize() for part in rule.name.split("-"))


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_valid_and_invalid_examples_with_positions(rule):
    assert len(rule.VALID) >= 1
    assert len(rule.INVALID) >= 1
    for example in rule.INVALID:
        assert example.positions, "an INVALID example says where its findings are"
        for (
            position
        ) in example.positions:  # (line, column), or (path, line, column) in another module
            *path, line, column = position
            assert line >= 1 and column >= 1
            assert not path or path[0] in example.files
    if rule.project:
        assert all(example.files for example in list(rule.VALID) + list(rule.INVALID)), (
            "project examples are projects"
        )


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_docstring_has_ruffs_headings_in_order(rule):
    doc = rule.doc()
    positions = [doc.find(heading) for heading in HEADINGS]
    assert all(position >= 0 for position in positions), [
        h for h, p in zip(HEADINGS, positions, strict=False) if p < 0
    ]
    assert positions == sorted(positions)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_module_docstring_says_the_purpose_and_links_the_docs(rule):
    module_doc = inspect.getmodule(rule).__doc__ or ""
    assert module_doc.strip().startswith(f"{rule.code}: ")
    assert "https://" in module_doc


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_class_body_is_in_the_conventional_order(rule):
    tree = ast.parse(inspect.getsource(inspect.getmodule(rule)))
    (cls,) = [
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == rule.__name__
    ]
    order = []
    for node in cls.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            order.append(node.targets[0].id)
        elif isinstance(node, ast.FunctionDef):
            order.append(node.name)
    expected = [
        "code",
        "name",
        "severity",
        "MESSAGE",
        "VALID",
        "INVALID",
        "check_project" if rule.project else "check",
    ]
    assert [name for name in order if name in expected] == expected


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_a_fixture_named_by_its_code(rule):
    fixtures = ROOT / "fixtures" / "rules"
    if (
        rule.code == "SIG000" or rule.project
    ):  # files that must not parse, or a project: a directory
        assert sorted((fixtures / rule.code).rglob("*.py"))
    else:
        assert (fixtures / f"{rule.code}.py").is_file()


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_a_test_module_named_by_its_topic(rule):
    path = ROOT / "tests" / "rules" / f"test_{module_name(rule)}.py"
    assert path.is_file()
    assert rule.code in path.read_text(encoding="utf-8")


def test_no_fixture_for_a_rule_that_does_not_exist():
    codes = {rule.code for rule in all_rules()}
    fixtures = {path.stem for path in (ROOT / "fixtures" / "rules").glob("SIG*")}
    assert fixtures <= codes


def _fix_safety(rule: type) -> str:
    doc = rule.doc()
    start = doc.index("## Fix safety")
    end = doc.find("\n## ", start + 1)
    return doc[start : end if end >= 0 else len(doc)]


def _example_fixes(rule: type) -> list:
    return [
        finding.fix
        for example in rule.INVALID
        for finding in example_findings(rule, example)
        if finding.code == rule.code and finding.fix is not None
    ]


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_fix_safety_section_says_whether_and_how_the_rule_fixes(rule):
    """Every rule page says it: no fix (and why), or each applicability its examples show."""
    section = _fix_safety(rule)
    body = section.removeprefix("## Fix safety").strip()
    if not rule.fixable():
        assert body.startswith("There is no automatic fix: ")
        return
    assert not body.startswith("There is no automatic fix")
    for applicability in {fix.applicability for fix in _example_fixes(rule)}:
        assert re.search(rf"\b{applicability}\b", body, re.IGNORECASE), applicability


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_a_fixable_rule_has_a_fixer_module_of_its_topic_and_uses_only_its_kind(rule):
    """``signal_lint/fixes/<topic>.py`` exists exactly for the rules whose examples show a fix."""
    fixer = ROOT / "signal_lint" / "fixes" / f"{module_name(rule)}.py"
    assert fixer.is_file() == rule.fixable()
    assert bool(rule.fix_title) == rule.fixable()  # JSON says what the fix does
    if rule.fixable():
        kind = fixers_by_module()[module_name(rule)].KIND
        assert {fix.kind for fix in _example_fixes(rule)} == {kind}


def test_every_fixer_module_belongs_to_a_rule():
    topics = {module_name(rule) for rule in RULES}
    assert set(fixers_by_module()) <= topics


def fixers_by_module() -> dict:
    return {module.__name__.rsplit(".", 1)[-1]: module for module in fixers().values()}


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_a_one_line_summary(rule):
    """Shown by `signal-lint rules` and as the SARIF alert title: short, one line, no full stop."""
    assert rule.summary and "\n" not in rule.summary
    assert len(rule.summary) <= 90 and not rule.summary.endswith(".")
