"""Facts of small projects written inline in tests, as ``{path relative to the source root: source}``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from signal_lint.engine import detail_files
from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts


def facts_of(files: dict[str, str], detailed: bool | None = None) -> list[FileFacts]:
    """Each file's facts, in path order, extracted the way a run would (``detailed=None``: as the
    prefilter decides, then in full for the files a run details: see ``engine.detail_files``);
    sources are dedented, so they may be written indented in the test."""
    items = []
    for path, source in sorted(files.items()):
        module = path[: -len(".py")].replace("/", ".")
        is_package = module.endswith(".__init__")
        if is_package:
            module = module[: -len(".__init__")]
        items.append((textwrap.dedent(source).lstrip("\n").encode(), path, module, is_package))

    def extract(position: int, detailed: bool | None) -> FileFacts:
        source, path, module, is_package = items[position]
        return extract_source(source, path, module, is_package, detailed=detailed)

    facts = [extract(position, detailed) for position in range(len(items))]
    if detailed is None:
        facts = detail_files(facts, lambda position: extract(position, True))
    return facts


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write a small project ``{path: source}`` below ``root`` (sources dedented), for runs of the command."""
    for path, source in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source).lstrip("\n") if source else "")
    return root
