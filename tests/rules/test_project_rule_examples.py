"""Every project rule's own examples, run as small multi-module projects (and the project
examples of per-file rules that have a project half, such as SIG003's)."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest
from module_files import facts_of

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.docs import example_findings
from signal_lint.engine import check_facts
from signal_lint.fix import fix_source
from signal_lint.rules import all_rules

INVALID = [
    (rule, index, example)
    for rule in all_rules()
    for index, example in enumerate(rule.INVALID)
    if rule.project or example.files
]
VALID = [
    (rule, index, example)
    for rule in all_rules()
    for index, example in enumerate(rule.VALID)
    if rule.project or example.files
]


def project_findings(rule, example):
    """All findings (every rule) of the example's files, as (path, line, column, code)."""
    files = {path: textwrap.dedent(code).lstrip("\n") for path, code in example.files.items()}
    files[rule.example_path] = example.source()
    return [
        (f.path, f.line, f.column + 1, f.code)
        for f in check_facts(facts_of(files), load_catalog(), Config())
    ]


def expected(rule, example):
    rows = []
    for position in example.positions:
        path, line, column = position if len(position) == 3 else (rule.example_path, *position)
        rows.append((path, line, column))
    return sorted(rows)


@pytest.mark.parametrize(
    "rule, index, example", INVALID, ids=[f"{r.code}-invalid-{i}" for r, i, _ in INVALID]
)
def test_invalid_project_example_is_flagged_exactly(rule, index, example):
    found = [
        (path, line, column)
        for path, line, column, code in project_findings(rule, example)
        if code == rule.code
    ]
    assert found == expected(rule, example)


@pytest.mark.parametrize(
    "rule, index, example", VALID, ids=[f"{r.code}-valid-{i}" for r, i, _ in VALID]
)
def test_valid_project_example_has_no_finding_from_any_rule(rule, index, example):
    assert project_findings(rule, example) == []


FIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is not None]


@pytest.mark.parametrize(
    "rule, index, example", FIXABLE, ids=[f"{r.code}-fix-{i}" for r, i, _ in FIXABLE]
)
def test_fix_of_a_project_example_gives_its_fixed_module(rule, index, example):
    """The fixes of the rule's example module give its ``fixed`` text; checked again as a
    project, the module's fixable findings of the rule are gone and fixing again changes nothing."""
    findings = [
        f
        for f in example_findings(rule, example)
        if f.code == rule.code and f.path == rule.example_path
    ]
    assert any(f.fix is not None for f in findings)
    fixed = fix_source(example.source(), findings)
    assert fixed == textwrap.dedent(example.fixed).lstrip("\n")
    again = replace(example, code=fixed)
    left = [
        f
        for f in example_findings(rule, again)
        if f.code == rule.code and f.path == rule.example_path
    ]
    assert [f for f in left if f.fix is not None] == []
