"""SIG000 parse-error: where the finding points and what it says (the CLI side is tests/test_bad_input.py)."""

from __future__ import annotations

from conftest import findings_for

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_file, extract_source


def found(source: bytes):
    facts = extract_source(source, "app/signals.py", "app.signals")
    return [(f.line, f.column + 1, f.code, f.message) for f in check_one(facts, load_catalog())]


def test_python2_print_points_at_the_statement():
    (finding,) = found(
        b'from django.db.models.signals import post_save\n\ndef on_save(sender, **kwargs):\n    print "saved"\n'
    )
    assert finding[:3] == (4, 5, "SIG000")
    assert finding[3].startswith("could not parse: Missing parentheses in call to 'print'")


def test_message_is_prefixed_with_could_not_parse():
    ((line, _column, code, message),) = found(b"def on_save(sender, **kwargs)\n    pass\n")
    assert code == "SIG000" and message.startswith("could not parse: ")
    assert line == 1


def test_a_file_that_does_not_parse_gets_no_other_finding():
    source = (
        b"from django.db.models.signals import post_save\n\ndef on_save(sender):\n    pass\n\n"
        b"post_save.connect(on_save\n"
    )
    assert [code for _, _, code, _ in found(source)] == ["SIG000"]


def test_null_byte_is_reported_on_its_line():
    ((line, column, code, message),) = found(b"x = 1\ny = 2\x00\n")
    assert (line, column, code) == (2, 1, "SIG000")
    assert "null byte" in message


def test_bytes_invalid_in_the_declared_encoding_are_reported():
    ((_, _, code, message),) = found(b'# -*- coding: utf-8 -*-\nx = "caf\xe9"\n')
    assert code == "SIG000" and "not valid text in its declared encoding" in message


def test_declared_latin1_file_parses():
    assert found(b'# -*- coding: latin-1 -*-\nx = "caf\xe9"\n') == []


def test_utf8_bom_parses():
    assert found(b'\xef\xbb\xbfx = "caf\xc3\xa9"\n') == []


def test_newer_syntax_than_the_running_python_is_not_a_parse_error():
    assert (
        found(b"type OrderId = int\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n")
        == []
    )


def test_over_deep_nesting_is_one_finding_not_a_crash():
    ((_, _, code, message),) = found(b"x = " + b"(" * 100_000 + b")" * 100_000 + b"\n")
    assert code == "SIG000" and "nested" in message


def test_unreadable_file_is_reported_at_line_one(tmp_path):
    facts = extract_file(str(tmp_path / "missing.py"))
    ((line, column, code, message),) = [
        (f.line, f.column + 1, f.code, f.message) for f in check_one(facts, load_catalog())
    ]
    assert (line, column, code) == (1, 1, "SIG000")
    assert message.startswith("could not read file: ")


def test_valid_source_has_no_sig000():
    assert findings_for("x = 1\n", code="SIG000") == []
