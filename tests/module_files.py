"""Facts of small projects written inline in tests, as ``{path relative to the source root: source}``."""

from __future__ import annotations

import textwrap

from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts


def facts_of(files: dict[str, str], detailed: bool | None = None) -> list[FileFacts]:
    """Each file's facts, in path order, extracted the way a run would (``detailed=None``: as the
    prefilter decides); sources are dedented, so they may be written indented in the test."""
    facts = []
    for path, source in sorted(files.items()):
        module = path[: -len(".py")].replace("/", ".")
        is_package = module.endswith(".__init__")
        if is_package:
            module = module[: -len(".__init__")]
        facts.append(
            extract_source(
                textwrap.dedent(source).lstrip("\n").encode(),
                path,
                module,
                is_package,
                detailed=detailed,
            )
        )
    return facts
