"""The committed rule docs are exactly what the rule classes generate."""

from __future__ import annotations

from pathlib import Path

from signal_lint.docs import pages

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def test_rule_pages_match_the_rule_modules():
    expected = pages()
    stale = [
        name
        for name, content in expected.items()
        if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != content
    ]
    assert stale == [], "run `python -m signal_lint.docs` to regenerate docs/rules/"


def test_no_page_for_a_rule_that_does_not_exist():
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted(pages())
