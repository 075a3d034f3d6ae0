"""Every rule fixture: the findings are exactly the inline markers, flake8-bugbear style.

``fixtures/rules/SIG004.py`` is ordinary Python; an offending line carries a
comment ``# SIG004: 31`` (the 1-based column the finding reports; several
columns: ``# SIG004: 24, 36``; several codes: ``# SIG001: 1  # SIG004: 24``).
The file must produce those findings and no other, of any code.
``fixtures/rules/SIG000/`` holds files that do not parse; their markers are
read from the raw text, since they cannot be tokenized.  A project rule's
fixture is a directory holding a small project (settings and apps,
``fixtures/rules/SIG102/``): checked as a whole, its findings are exactly the
markers of all its files.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.engine import check_one, check_paths
from signal_lint.extract import extract_source

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "rules"
MARKER = re.compile(r"\b(SIG\d{3}):\s*(\d+(?:\s*,\s*\d+)*)")

Finding = tuple[int, int, str]

RULE_FIXTURES = sorted(FIXTURES.glob("SIG*.py"))
PARSE_ERROR_FIXTURES = sorted((FIXTURES / "SIG000").glob("*.py"))
PROJECT_FIXTURES = sorted(
    path for path in FIXTURES.glob("SIG*") if path.is_dir() and path.name != "SIG000"
)


def _markers_in(text: str, line: int) -> list[Finding]:
    return [
        (line, int(column), code)
        for code, columns in MARKER.findall(text)
        for column in columns.split(",")
    ]


def expected_from_comments(source: bytes) -> list[Finding]:
    """Markers in comments only, so a string mentioning ``SIG004: 3`` is not one."""
    expected: list[Finding] = []
    for token in tokenize.tokenize(io.BytesIO(source).readline):
        if token.type == tokenize.COMMENT:
            expected.extend(_markers_in(token.string, token.start[0]))
    return sorted(expected)


def expected_from_lines(source: bytes) -> list[Finding]:
    """Markers of a file that does not tokenize: any ``# SIGxxx: n`` on a line."""
    expected: list[Finding] = []
    for number, line in enumerate(source.decode("utf-8", "replace").splitlines(), start=1):
        if "#" in line:
            expected.extend(_markers_in(line[line.index("#") :], number))
    return sorted(expected)


def actual(path: Path) -> list[Finding]:
    relative = path.relative_to(ROOT).as_posix()
    module = relative[: -len(".py")].replace("/", ".")
    facts = extract_source(path.read_bytes(), relative, module)
    return sorted((f.line, f.column + 1, f.code) for f in check_one(facts, load_catalog()))


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.stem for p in RULE_FIXTURES])
def test_fixture_findings_equal_its_markers(path):
    source = path.read_bytes()
    expected = expected_from_comments(source)
    assert any(code == path.stem for _, _, code in expected), (
        "a fixture flags its own code at least once"
    )
    assert actual(path) == expected


@pytest.mark.parametrize("path", PARSE_ERROR_FIXTURES, ids=[p.name for p in PARSE_ERROR_FIXTURES])
def test_parse_error_fixture_findings_equal_its_markers(path):
    expected = expected_from_lines(path.read_bytes())
    assert [code for _, _, code in expected] == ["SIG000"], "one SIG000 marker per unparsable file"
    assert actual(path) == expected


def test_marker_parser_reads_several_columns_and_codes():
    source = b"x = 1  # SIG004: 24, 36  # SIG001: 1\ny = '# SIG009: 3'\n"
    assert expected_from_comments(source) == [
        (1, 1, "SIG001"),
        (1, 24, "SIG004"),
        (1, 36, "SIG004"),
    ]


def project_actual(directory: Path) -> list[tuple[str, int, int, str]]:
    result = check_paths([str(directory)], Config(root=str(directory)), jobs=1, use_cache=False)
    return sorted(
        (Path(f.path).resolve().relative_to(directory).as_posix(), f.line, f.column + 1, f.code)
        for f in result.findings
    )


def project_expected(directory: Path) -> list[tuple[str, int, int, str]]:
    expected = []
    for path in sorted(directory.rglob("*.py")):
        relative = path.relative_to(directory).as_posix()
        expected.extend(
            (relative, line, column, code)
            for line, column, code in expected_from_comments(path.read_bytes())
        )
    return sorted(expected)


@pytest.mark.parametrize("directory", PROJECT_FIXTURES, ids=[p.name for p in PROJECT_FIXTURES])
def test_project_fixture_findings_equal_its_markers(directory):
    expected = project_expected(directory)
    assert any(code == directory.name for _, _, _, code in expected), (
        "a fixture flags its own code at least once"
    )
    assert project_actual(directory) == expected
