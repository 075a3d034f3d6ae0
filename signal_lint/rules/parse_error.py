"""SIG000: a file that cannot be read or parsed.

https://docs.python.org/3/reference/lexical_analysis.html#encoding-declarations
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import ERROR, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class ParseError(Rule):
    """
    ## What it does
    Reports a file signal-lint could not read or parse: a syntax error, a
    Python 2 file, bytes that are not valid in the file's encoding, a null
    byte, an expression nested too deeply to analyse, or an unreadable file.
    The run goes on with the other files.

    ## Why is this bad?
    Nothing in the file can be checked, and the project graph misses its
    receivers. Python itself would refuse to import it, so any receivers it
    connects never run.

    ## Example
    ```python
    print "hello"
    ```

    Use instead:
    ```python
    print("hello")
    ```

    ## Fix safety
    There is no automatic fix: the file cannot be parsed, so nothing in it
    can be rewritten safely.

    ## References
    - [Python: Encoding declarations](https://docs.python.org/3/reference/lexical_analysis.html#encoding-declarations)
    """

    code = "SIG000"
    name = "parse-error"
    severity = ERROR
    reads = frozenset({"parse_error"})
    summary = "A file that cannot be read or parsed, so nothing in it is checked"
    MESSAGE = "{message}"

    VALID = (
        Valid(
            """
            # -*- coding: latin-1 -*-
            greeting = "hello"
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                print "saved"
            """,
            [(4, 5)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        error = facts.parse_error
        if error is not None:
            yield self.finding(facts, error.line, error.column, message=error.message)
