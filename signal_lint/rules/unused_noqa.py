"""SIG018: a ``# noqa`` directive whose signal-lint codes silence nothing (ruff's RUF100 for our codes).

https://docs.astral.sh/ruff/rules/unused-noqa/
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract import NOQA_DIRECTIVE
from signal_lint.extract.facts import FileFacts
from signal_lint.findings import WARNING, Finding, Fix
from signal_lint.rules.base import Invalid, NoqaUsage, Rule, Valid, all_rules
from signal_lint.rules.context import RuleContext

OUR_PREFIX = "SIG"
__all__ = ["NOQA_DIRECTIVE", "UnusedNoqa"]  # the fixer finds directives as extraction does


class UnusedNoqa(Rule):
    """
    ## What it does
    Flags the signal-lint codes of a `# noqa: SIG004` directive that silence
    no finding on its line: the finding is gone (the code was fixed, the
    rule got more precise), the code names a rule that this run does not
    enable (`--select`, `--ignore`, `per-file-ignores`), a rule that does not
    exist, or is written twice.

    Only signal-lint's own codes (`SIG...`) are judged: `E501` or `F401` in
    the same comment belong to other tools and are left alone. A bare
    `# noqa` is left alone too: it speaks to every linter, and signal-lint
    cannot know whether another one needs it. A directive that names
    `SIG018` itself is not judged.

    ## Why is this bad?
    A stale `noqa` hides the next real finding on that line: when the line
    changes and a new mistake appears, it is silenced before anyone sees it.
    Dead suppressions also make readers believe there is a problem where
    there is none.

    ## Example
    ```python
    def on_save(sender, **kwargs):  # noqa: SIG001
        pass
    ```

    Use instead:
    ```python
    def on_save(sender, **kwargs):
        pass
    ```

    ## Known problems
    A code of a project rule (`SIG1xx`, and the project halves of SIG002
    and SIG003) is judged only when the whole project is checked (a run over
    the project root, or `--project-root`): a run over some files cannot
    know all of those findings. SIG018 does not run inside flake8, which applies `noqa`
    itself (and offers no "unused" check of its own).

    ## Fix safety
    Safe: the fix removes the dead codes, or the whole comment when no code
    is left (with any text after the codes, which is taken as the reason for
    the suppression; a second comment after it, `# noqa: SIG004  # type: ignore`,
    is kept).

    ## References
    - [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    - [flake8: selecting and ignoring violations](https://flake8.pycqa.org/en/latest/user/violations.html#in-line-ignoring-errors)
    """

    code = "SIG018"
    name = "unused-noqa"
    severity = WARNING
    reads = frozenset[str]()  # judged in check_noqa()
    summary = "A `# noqa` directive whose signal-lint codes silence nothing"
    MESSAGE = "unused `noqa` directive ({details}): {action}"
    fix_title = "remove the unused codes, or the comment"

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, instance, create, **kwargs):  # noqa: SIG004
                pass

            post_save.connect(on_save)  # noqa: E501
            post_save.connect(on_save)  # noqa
            post_save.connect(on_save)  # noqa: SIG002, SIG018
            """
        ),
        Valid(
            '''
            def documented():
                """Silence a finding with `# noqa: SIG004` on the reported line."""
            '''
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):  # noqa: SIG001
                pass

            post_save.connect(on_save)
            """,
            [(3, 33)],
            fixed="""
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, instance, create, **kwargs):  # noqa: SIG001, SIG004
                pass

            post_save.connect(on_save)  # noqa: E501, SIG015  # type: ignore
            post_save.connect(on_save)  # noqa: SIG999 -- was SIG015
            """,
            [(3, 51), (6, 29), (7, 29)],
            fixed="""
            from django.db.models.signals import post_save

            def on_save(sender, instance, create, **kwargs):  # noqa: SIG004
                pass

            post_save.connect(on_save)  # noqa: E501  # type: ignore
            post_save.connect(on_save)
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())  # judged in check_noqa, once the other rules' findings are filtered

    def check_noqa(self, facts: FileFacts, usage: NoqaUsage) -> Iterator[Finding]:
        for line, codes, column, end_column in facts.noqa:
            if not codes or any(self.code.startswith(code) for code in codes):
                continue  # a bare directive (no codes), or one that silences this rule itself
            dead: dict[str, list[str]] = {}
            kept: list[str] = []
            seen: set[str] = set()
            for code in codes:
                problem = "duplicated" if code in seen else _problem(code, usage, line)
                seen.add(code)
                if problem is None:
                    kept.append(code)
                else:
                    dead.setdefault(problem, []).append(code)
            if not dead:
                continue
            details = "; ".join(
                f"{problem}: {', '.join(f'`{code}`' for code in dead[problem])}"
                for problem in ("unused", "non-enabled", "unknown", "duplicated")
                if problem in dead
            )
            removed = sorted({code for found in dead.values() for code in found})
            action = (
                f"remove {', '.join(f'`{code}`' for code in removed)} from it"
                if kept
                else "remove it"
            )
            yield self.finding(
                facts,
                line,
                column,
                Fix("unused-noqa", line, column, value=", ".join(kept)),
                end=(line, end_column),
                details=details,
                action=action,
            )


def _problem(code: str, usage: NoqaUsage, line: int) -> str | None:
    """Why ``code`` is dead in the directive on ``line``, or None when it stays."""
    if not code.startswith(OUR_PREFIX) or code in usage.used.get(line, ()):
        return None  # another tool's, or it silenced a finding
    covered = [rule.code for rule in all_rules() if rule.code.startswith(code)]
    if not covered:
        return "unknown"
    enabled = [rule for rule in covered if rule in usage.enabled]
    if not enabled:
        return "non-enabled"
    if any(rule in usage.unjudged for rule in enabled):
        return None  # its findings are not all known in this run
    return "unused"
