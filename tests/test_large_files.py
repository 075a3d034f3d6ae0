"""A large file costs memory in proportion to its size, not 300 times it.

A syntax tree takes 100 to 300 bytes per byte of source; in files of a
megabyte or more, bracketed literals longer than 64 KiB are blanked before
parsing (``parse.elide_literals``), keeping every position: a 20 MB list
literal took 6.5 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys

from signal_lint.extract import extract_source
from signal_lint.extract import parse as parse_module
from signal_lint.extract.parse import ELIDE_RUN_SIZE, elide_literals

RECEIVER = (
    b"from django.dispatch import receiver\n"
    b"from django.db.models.signals import post_save\n\n"
    b"@receiver(post_save)\n"
    b"def before(sender, instance):\n"
    b"    pass\n\n"
)


def numbers(count: int) -> bytes:
    return b"[" + b", ".join(b"%d" % i for i in range(count)) + b"]"


def strings(count: int) -> bytes:
    return b"[\n" + b"".join(b'    "s[%d]",  # (\n' % i for i in range(count)) + b"]"


def test_a_long_literal_is_blanked_keeping_every_position():
    source = b"DATA = " + strings(5000) + b"\nOTHER = (1, 2)\n"
    elided = elide_literals(source)
    assert elided is not None
    assert len(elided) == len(source) and elided.count(b"\n") == source.count(b"\n")
    assert elided.startswith(b"DATA = [\n0 ") and elided.endswith(b"]\nOTHER = (1, 2)\n")
    one_line = elide_literals(b"X = " + numbers(20000) + b"\n")
    assert one_line is not None and one_line.startswith(b"X = [0  ") and one_line.endswith(b" ]\n")


def test_only_literals_are_blanked():
    long = ELIDE_RUN_SIZE // 4
    for kept in (
        b"URLS = [" + b"path('x/', view), " * long + b"]\n",  # calls: include() is a fact
        b"NAMES = [" + b"post_save, " * long + b"]\n",  # names
        b"S = [" + b"f'{x}', " * long + b"]\n",  # f-strings hold expressions
        b"X = [1, 2]  # " + b"[1, " * long + b"\n",  # brackets in a comment
        b"X = '''" + b"[1, " * long + b"'''\n",  # and in a string
        b"X = [" + b"1, " * 100 + b"]\n",  # short
    ):
        assert elide_literals(kept) is None, kept[:40]


def test_a_file_in_another_encoding_is_not_blanked():
    source = b"# -*- coding: shift_jis -*-\nX = " + numbers(30000) + b"\n"
    assert elide_literals(source) is None


def test_the_facts_of_a_large_file_are_those_of_the_file(monkeypatch):
    source = (
        RECEIVER
        + b"DATA = {\n"
        + b"".join(b'    "k%d": (%d, None, [True, -1.5e3]),\n' % (i, i) for i in range(40000))
        + b"}\n\n@receiver(post_save)\ndef after(sender, instance):\n    pass\n"
    )
    assert len(source) > parse_module.ELIDE_FILE_SIZE
    blanked = extract_source(source, "big.py", "big", detailed=True)
    monkeypatch.setattr(parse_module, "ELIDE_FILE_SIZE", len(source) + 1)  # parse it whole
    whole = extract_source(source, "big.py", "big", detailed=True)
    assert blanked == whole
    assert [(c.receiver.text, c.line) for c in blanked.connections] == [
        ("before", 4),
        ("after", source.count(b"\n") - 2),
    ]


def test_a_large_literal_costs_memory_in_proportion_to_its_size(tmp_path):
    """Parsing a 4 MB list literal took 500 MB; the source itself is all that must be held."""
    path = tmp_path / "data.py"
    path.write_bytes(RECEIVER + b"DATA = " + numbers(600_000) + b"\n")
    size = path.stat().st_size
    probe = (
        "import json, resource, sys\n"
        "from signal_lint.extract import extract_file\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "facts = extract_file(sys.argv[1])\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(json.dumps([(after - before) * 1024, len(facts.connections), facts.parse_error is None]))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, check=True, timeout=300
    ).stdout
    growth, connections, parsed = json.loads(output)
    assert parsed and connections == 1
    assert growth < 10 * size, f"{growth / size:.0f} bytes of memory per byte of source"
