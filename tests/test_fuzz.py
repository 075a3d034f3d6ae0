"""Bounded fuzzing: generated programs and damaged files never crash the analysis.

The full pass (thousands of hypothesmith programs and mutated files of real
projects) is run by hand; these few examples per run keep the property in
the suite: extracting facts, caching them, checking them and fixing them
never raise, whatever the bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import hypothesmith
import libcst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signal_lint.catalog import load_catalog
from signal_lint.codec import decoder, encode
from signal_lint.config import Config
from signal_lint.engine import check_facts, check_one
from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts
from signal_lint.fix import fix_source

CATALOG = load_catalog()
FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "rules").glob("SIG0*.py"))
INSERTIONS = [
    b"(", b"[", b"{", b")", b"'", b'"', b'"""', b"\\", b":", b"lambda", b"*", b"**", b"@", b"\t",
    b"\x00", b"\xff", b"\r", b"async ", b"await ", b"f'{", b"t'{x}'", b"except* E, F:", b"type X = int",
    b"@receiver(post_save)\n", b"post_save.connect(h, weak=False)\n", b"# noqa: SIG001\n",
]  # fmt: skip


def exercise(source: bytes) -> None:
    """Everything a run does with one file's bytes."""
    for detailed in (None, True):
        facts = extract_source(source, "fuzz/mod.py", "fuzz.mod", detailed=detailed)
        assert decoder(FileFacts)(json.loads(encode(facts))) == facts
        findings = check_one(facts, CATALOG)
    check_facts([facts], CATALOG, Config())
    if any(f.fix is not None for f in findings):
        try:
            fix_source(source, findings)
        except libcst.ParserSyntaxError:
            pass  # libcst refuses what ast accepted: the file is left as it is


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
def test_generated_programs_never_crash_the_analysis(code):
    exercise(code.encode("utf-8", "surrogatepass"))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    fixture=st.sampled_from(FIXTURES),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "truncate"]),
            st.floats(0, 1),
            st.sampled_from(INSERTIONS),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_damaged_files_never_crash_the_analysis(fixture, edits):
    source = fixture.read_bytes()
    for kind, where, text in edits:
        at = int(where * len(source))
        if kind == "insert":
            source = source[:at] + text + source[at:]
        elif kind == "delete":
            source = source[:at] + source[at + 1 + len(text) :]
        else:
            source = source[:at]
    exercise(source)
