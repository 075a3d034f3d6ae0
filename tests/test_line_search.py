"""The byte searches that tell the extraction walk which lines to visit.

The walk skips every statement with no candidate on its lines, so a line
these miss is a write or an import the facts lose.
"""

from __future__ import annotations

import re

from signal_lint.extract.syntax import lines_of, literal_lines, word_lines

WORDS = (b".save(", b".create(", b".get_or_create(", b"register(")
PATTERN = re.compile(rb"\.(?:save|create|get_or_create)\(|register\(")
SOURCE = (
    b"order.save()\n"
    b"\n"
    b"Order.objects.get_or_create(pk=1); x.create()\n"  # two on one line: listed once
    b"admin.site.register(Order)\n"
    b"order.saved()  # not a call of save\n"
    b"s = 'caf\xc3\xa9'; y.create()\n"  # after a non-ASCII character
    b"z.save("
)


def test_literal_lines_are_the_lines_a_pattern_of_the_same_words_finds():
    assert literal_lines(SOURCE, WORDS) == [1, 3, 4, 6, 7]
    assert literal_lines(SOURCE, WORDS) == sorted(set(lines_of(SOURCE, PATTERN)))


def test_literal_lines_of_a_source_without_the_words():
    assert literal_lines(b"", WORDS) == []
    assert literal_lines(b"import os\n", WORDS) == []


def test_word_lines_find_whole_words_only():
    source = b"import os\nimported = 1\nfrom a import b\nreimport()\nx.import_\n"
    assert word_lines(source, b"import") == [1, 3]
