"""Every rule's own examples: INVALID ones give exactly their positions, VALID ones nothing at all.

Examples with other modules (``files``) are small projects: test_project_rule_examples.py runs them.
"""

from __future__ import annotations

import textwrap

import pytest

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source
from signal_lint.fix import fix_source
from signal_lint.rules import all_rules

INVALID = [
    (rule, index, example)
    for rule in all_rules()
    for index, example in enumerate(rule.INVALID)
    if not rule.project and not example.files
]
VALID = [
    (rule, index, example)
    for rule in all_rules()
    for index, example in enumerate(rule.VALID)
    if not rule.project and not example.files
]


def _findings(rule, source):
    facts = extract_source(
        source.encode(), rule.example_path, rule.example_path[:-3].replace("/", ".")
    )
    return check_one(facts, load_catalog())


@pytest.mark.parametrize(
    "rule, index, example", INVALID, ids=[f"{r.code}-invalid-{i}" for r, i, _ in INVALID]
)
def test_invalid_example_is_flagged_exactly(rule, index, example):
    found = [
        (f.line, f.column + 1) for f in _findings(rule, example.source()) if f.code == rule.code
    ]
    assert found == sorted(example.positions)


@pytest.mark.parametrize(
    "rule, index, example", VALID, ids=[f"{r.code}-valid-{i}" for r, i, _ in VALID]
)
def test_valid_example_has_no_finding_from_any_rule(rule, index, example):
    assert _findings(rule, example.source()) == []


FIXABLE = [(rule, index, example) for rule, index, example in INVALID if example.fixed is not None]


@pytest.mark.parametrize(
    "rule, index, example", FIXABLE, ids=[f"{r.code}-fix-{i}" for r, i, _ in FIXABLE]
)
def test_fix_gives_the_fixed_example_and_is_idempotent(rule, index, example):
    source = example.source()
    findings = [f for f in _findings(rule, source) if f.code == rule.code]
    fixed = fix_source(source, findings)
    assert fixed == textwrap.dedent(example.fixed).lstrip("\n")
    left = [f for f in _findings(rule, fixed) if f.code == rule.code]
    assert left == []
    assert fix_source(fixed, left) == fixed
