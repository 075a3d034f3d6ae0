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
    """Every fix of the example (safe and unsafe) gives its ``fixed`` text; what is left is only
    what has no fix, and fixing again changes nothing."""
    source = example.source()
    findings = [f for f in _findings(rule, source) if f.code == rule.code]
    assert any(f.fix is not None for f in findings)
    fixed = fix_source(source, findings)
    assert fixed == textwrap.dedent(example.fixed).lstrip("\n")
    left = [f for f in _findings(rule, fixed) if f.code == rule.code]
    assert sorted(f.message for f in left) == sorted(f.message for f in findings if f.fix is None)
    assert all(f.fix is None for f in left)
    assert fix_source(fixed, left) == fixed


@pytest.mark.parametrize(
    "rule, index, example",
    [item for item in INVALID if item[2].fixed is None],
    ids=[f"{r.code}-nofix-{i}" for r, i, e in INVALID if e.fixed is None],
)
def test_an_example_without_fixed_text_gets_no_fix(rule, index, example):
    """Fixability is derived from the examples: a fix the examples do not show is not made."""
    findings = [f for f in _findings(rule, example.source()) if f.code == rule.code]
    assert [f for f in findings if f.fix is not None] == []
