#!/usr/bin/env python3
"""What the data-only cache costs against the pickles it replaced (issue 9).

The cache became JSON read by a type-checking codec (``signal_lint/codec.py``) in one
commit; before it, the facts and the run's findings were pickles, which a hostile checkout
could use to run code.  This times ``signal-lint check`` as committed just before
(``--pickle-rev``, default ``3ceb23e^``) and at that commit (``--json-rev``, default
``3ceb23e``), both exported with ``git archive`` and run as ``python -m signal_lint``, on
``benchmarks/run.py``'s corpus (Django and four large Django packages), in round-robin over
``--repeat`` repetitions:

* ``cold``: an empty cache directory (``SIGNAL_LINT_CACHE_DIR``): every file parsed, the
  cache written;
* ``warm``: the same again: findings read back from the cache;
* ``one file changed``: a comment appended to one file with receivers: the facts of every
  other file are read from the cache, that one is parsed again.

The commit also brought the hostile-input checks (regular files only, a size cap), which
every run pays too; nothing else in it changes a run's work.  Prints a Markdown section
(medians of wall and CPU time, the JSON / pickle ratios, the cache's size) and, with
``--write``, puts it in docs/performance.md (``benchmarks/run.py`` keeps the section).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys

from common import HERE, REPO, log, write_section
from corpus import EDIT_CANDIDATES, build_corpus, first_file_with, warm_page_cache
from tools import Run, capture, export_revision, run_once

MARK = "benchmarks/cache_format.py"
KINDS = ("cold", "warm", "one file changed")


def _cache_bytes(directory: str) -> int:
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _, names in os.walk(directory)
        for name in names
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pickle-rev", default="3ceb23e^", help="the last commit with pickles")
    parser.add_argument("--json-rev", default="3ceb23e", help="the commit with the JSON cache")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--corpus-dir", default=os.path.join(HERE, ".corpus"))
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    corpus_dir = os.path.abspath(args.corpus_dir)
    corpus, _ = build_corpus(corpus_dir, with_copies=False)
    warm_page_cache(corpus.root)
    formats = {"pickle": args.pickle_rev, "JSON": args.json_rev}
    sources = {name: export_revision(rev, corpus_dir) for name, rev in formats.items()}
    edited = next(
        (
            os.path.join(corpus.root, c)
            for c in EDIT_CANDIDATES
            if os.path.isfile(os.path.join(corpus.root, c))
        ),
        None,
    ) or first_file_with(corpus.root, b"@receiver")
    assert edited is not None, "no file with a receiver in the corpus"
    with open(edited, "rb") as handle:
        original = handle.read()
    base = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAL_LINT_")}
    base.pop("VIRTUAL_ENV", None)
    times: dict[tuple[str, str], list[Run]] = {(f, k): [] for f in formats for k in KINDS}
    sizes: dict[str, int] = {}
    outputs: dict[str, set[str | None]] = {f: set() for f in formats}
    argv = [sys.executable, "-m", "signal_lint", "check", "--exit-zero", "--jobs", args.jobs, "."]
    try:
        for repetition in range(args.repeat):
            for name, (_, source) in sources.items():
                cache = os.path.join(corpus_dir, "cache-format", name)
                shutil.rmtree(cache, ignore_errors=True)
                env = dict(base, PYTHONPATH=source, SIGNAL_LINT_CACHE_DIR=cache)
                for kind in KINDS:
                    if kind == "one file changed":
                        with open(edited, "ab") as handle:
                            handle.write(f"\n# benchmark edit {repetition}\n".encode())
                    run = run_once(argv, corpus.root, env, keep_stdout=kind == "cold")
                    times[name, kind].append(run)
                    if kind == "cold":
                        outputs[name].add(run.stdout_digest)
                        sizes[name] = _cache_bytes(cache)
                    log(f"{repetition + 1}/{args.repeat} {name} {kind}: {run.wall:.2f} s")
                with open(edited, "wb") as handle:
                    handle.write(original)
    finally:
        with open(edited, "wb") as handle:
            handle.write(original)
    section = report(args, corpus.description, formats, sources, times, sizes, outputs)
    print(section)
    if args.write:
        write_section(os.path.join(REPO, "docs", "performance.md"), MARK, section)
    return 0


def report(
    args: argparse.Namespace,
    description: str,
    formats: dict[str, str],
    sources: dict[str, tuple[str, str]],
    times: dict[tuple[str, str], list[Run]],
    sizes: dict[str, int],
    outputs: dict[str, set[str | None]],
) -> str:
    def median(name: str, kind: str, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in times[name, kind])

    subjects = {
        name: capture(["git", "-C", REPO, "log", "-1", "--format=%h %s", sha])[:70]
        for name, (sha, _) in sources.items()
    }
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    repetitions = "repetitions" if args.repeat > 1 else "repetition"
    lines = [
        "## The data-only cache against pickle",
        "",
        f"Measured by `python benchmarks/cache_format.py --write` ({args.repeat} {repetitions} in "
        f"round-robin, `--jobs {args.jobs}`, load average at the end {load}) on the corpus above "
        f"({description}). pickle: `{formats['pickle']}` ({subjects['pickle']}…); JSON: "
        f"`{formats['JSON']}` ({subjects['JSON']}…), each exported with `git archive` and run as "
        "`python -m signal_lint check`. That commit also added the regular-file and size checks, "
        "which every run pays.",
        "",
        "| run | pickle wall | JSON wall | JSON / pickle (wall) | pickle CPU | JSON CPU | "
        "JSON / pickle (CPU) |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        pw, jw = median("pickle", kind, "wall"), median("JSON", kind, "wall")
        pc, jc = median("pickle", kind, "cpu"), median("JSON", kind, "cpu")
        lines.append(
            f"| {kind} | {pw:.2f} s | {jw:.2f} s | **{jw / pw:.2f}** | {pc:.2f} s | {jc:.2f} s | "
            f"**{jc / pc:.2f}** |"
        )
    same = "identical" if len(outputs["pickle"] | outputs["JSON"]) == 1 else "**different**"
    lines += [
        "",
        f"- cache size after a cold run: pickle {sizes['pickle'] / 1e6:.1f} MB, JSON "
        f"{sizes['JSON'] / 1e6:.1f} MB",
        f"- the findings printed by the two are {same} (every cold run compared)",
        "- warm / cold (JSON, wall): "
        f"{median('JSON', 'warm', 'wall') / median('JSON', 'cold', 'wall'):.2f}; one file changed / "
        f"cold: {median('JSON', 'one file changed', 'wall') / median('JSON', 'cold', 'wall'):.2f}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
