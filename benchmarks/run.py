#!/usr/bin/env python3
"""Benchmark signal-lint against flake8 and ruff on real Django code (issue 5).

Builds a corpus from packages on PyPI (Django plus large Django packages), then times, in
round-robin over ``--repeat`` repetitions so that load changes on a shared machine hit every
tool alike:

* signal-lint cold (``--no-cache`` when the CLI has it), ``--jobs 1`` and ``--jobs 2``;
* signal-lint warm (cache filled by an untimed run just before) and one file changed;
* flake8 default checks ``-j 1`` and ``-j 2`` (signal-lint's plugin unloaded, see
  ``flake8_wrapper.py``), flake8 with the plugin loaded and ``flake8 --select SIG``;
* ``ruff check`` (default rules, no cache), ``ruff check --select DJ`` and a warm ruff;
* signal-lint cold on a 5x copy of the corpus, with its peak memory;

and prints and writes a Markdown report (``docs/performance.md`` by default) with medians,
min/max, lines/s and the ratios the issue's targets are about.

This file is the command line and the order of things; ``corpus.py`` builds the corpus,
``tools.py`` runs the tools (one timed run, the measurements), ``report.py`` writes the report.
Standard library only; the tools are run as subprocesses.  Run it with the Python of the
environment that has signal-lint, flake8 and ruff installed::

    python benchmarks/run.py            # full run: 5 repetitions, 1x and 5x corpus
    python benchmarks/run.py --quick    # smoke test: 1 repetition, 1x corpus only

Linux only (peak memory is read from ``/proc``).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from common import HERE, REPO, log, mib
from corpus import COPIES, EDIT_CANDIDATES, build_corpus, first_file_with, warm_page_cache
from report import (
    load_average,
    load_results,
    machine_description,
    method_notes,
    save_results,
    write_report,
)
from tools import (
    DROP_VARIABLE,
    FLAKE8_WRAPPER,
    Measure,
    RunFailed,
    capture,
    export_revision,
    find_tool,
    install_kind,
    plugin_listed,
    plugin_module_missing,
    ruff_default_rules,
    ruff_files_with_finding,
    run_once,
    snapshot_worktree,
)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="benchmarks/run.py")
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed runs of each measurement (default 5)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 1 repetition, 1x corpus only; writes to the corpus dir unless --output",
    )
    parser.add_argument(
        "--corpus-dir",
        default=os.path.join(HERE, ".corpus"),
        help="where the corpus is downloaded and built (default benchmarks/.corpus)",
    )
    parser.add_argument("--output", help="Markdown report to write (default docs/performance.md)")
    parser.add_argument(
        "--rev",
        help="benchmark signal-lint as committed at this git revision (exported with "
        "git archive, run with python -m) instead of the installed one, whose checkout may hold "
        "others' uncommitted work",
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="benchmark a copy of the checkout's signal_lint/ (uncommitted changes included) taken "
        "at the start, so that edits made while the benchmark runs do not change what it measures",
    )
    parser.add_argument(
        "--only",
        help="comma-separated measurement keys to run (for trying the script out; "
        "the report then lacks the rest), e.g. sl_cold_j2,ruff_default",
    )
    parser.add_argument(
        "--from-results",
        metavar="JSON",
        help="run nothing: re-render the report from the raw results a run saved under "
        "CORPUS_DIR/results/",
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a note to add to the report (repeatable)"
    )
    args = parser.parse_args(argv)
    if args.rev is not None and args.snapshot:
        parser.error("--rev and --snapshot exclude each other")
    if args.from_results:
        context, measures = load_results(args.from_results)
        context["notes"] = list(context.get("notes", [])) + args.note  # notes added after the run
        write_report(args.output or os.path.join(REPO, "docs", "performance.md"), context, measures)
        return 0
    if args.quick:
        args.repeat = 1
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    corpus_dir = os.path.abspath(args.corpus_dir)
    output = args.output or (
        os.path.join(corpus_dir, "performance-quick.md")
        if args.quick
        else os.path.join(REPO, "docs", "performance.md")
    )
    signal.signal(signal.SIGTERM, _terminate)  # so that `finally` restores the edited corpus file
    started = time.perf_counter()
    load_start = load_average()

    installed, ruff = find_tool("signal-lint"), find_tool("ruff")
    missing = [
        name
        for name, path in (("signal-lint", installed), ("ruff", ruff))
        if path is None and (name != "signal-lint" or args.rev is None)
    ]
    if subprocess.run([sys.executable, "-c", "import flake8"], capture_output=True).returncode != 0:
        missing.append(f"flake8 (for {sys.executable})")
    if missing:
        raise SystemExit(
            f"run.py: not installed: {', '.join(missing)}; run with the Python of the "
            "environment that has signal-lint, flake8 and ruff"
        )
    assert ruff is not None
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RUFF_", "FLAKE8", "SIGNAL_LINT_"))
    }
    base_env.pop(DROP_VARIABLE, None)
    source: str | None = None
    git_head = capture(["git", "-C", REPO, "log", "-1", "--format=%h %cs"])
    if args.rev is not None:
        # a committed revision, exported with `git archive`: immune to uncommitted edits in the checkout
        sha, source = export_revision(args.rev, corpus_dir)
        subject = capture(["git", "-C", REPO, "log", "-1", "--format=%h %cs %s", sha])
        source_note = (
            f"{subject[:80]}{'…' if len(subject) > 80 else ''} (`--rev {args.rev}`: exported with "
            "`git archive`, run as `python -m signal_lint`)"
        )
    elif args.snapshot:
        source, changed = snapshot_worktree(corpus_dir)
        source_note = (
            f"snapshot of the checkout's `signal_lint/` at {git_head} taken at the start (`--snapshot`, "
            f"run as `python -m signal_lint`)"
            + (f", **with uncommitted changes to {changed} file(s)**" if changed else "")
        )
    if source is not None:
        base_env["PYTHONPATH"] = source + os.pathsep + base_env.get("PYTHONPATH", "")
        signal_lint = [sys.executable, "-m", "signal_lint"]
    else:
        assert installed is not None
        signal_lint = [installed]
        dirty = capture(["git", "-C", REPO, "status", "--porcelain", "--", "signal_lint"])
        source_note = (
            "the installed `signal-lint` ("
            f"{os.path.dirname(capture([sys.executable, '-c', 'import signal_lint; print(signal_lint.__file__)']))}"
            f"); checkout at {git_head}"
        ) + (", **with uncommitted changes in signal_lint/**" if dirty else "")

    corpus, copies = build_corpus(corpus_dir, with_copies=not args.quick)
    warm_page_cache(corpus.root)
    caches = os.path.join(corpus_dir, "caches")
    shutil.rmtree(caches, ignore_errors=True)
    os.makedirs(caches)

    # ---- what the tools can do
    check_help = capture(signal_lint + ["check", "--help"], env=base_env)
    cache = "--no-cache" in check_help
    cache_note = (
        "" if cache else "no cache support yet: `signal-lint check --help` has no `--no-cache`"
    )
    flake8_plain = [sys.executable, FLAKE8_WRAPPER]
    with_env = dict(base_env)
    without_env = dict(base_env, **{DROP_VARIABLE: "1"})
    flake8_version = capture(flake8_plain + ["--version"], env=base_env)
    plugin = plugin_listed(flake8_version)
    plugin_reason = "not available: the signal-lint plugin is not installed (`flake8 --version` does not list it)"
    if plugin and source is not None:
        missing_module = plugin_module_missing(source)
        if missing_module:
            plugin = False
            plugin_reason = (
                f"not available: the installed plugin's module `{missing_module}` is not in the "
                "benchmarked signal-lint source"
            )
    if plugin and plugin_listed(capture(flake8_plain + ["--version"], env=without_env)):
        raise SystemExit("run.py: flake8_wrapper.py failed to unload the signal-lint plugin")
    versions = {
        "signal-lint": capture(signal_lint + ["--version"], env=base_env),
        "flake8": flake8_version.replace("\n", " "),
        "ruff": capture([ruff, "--version"])
        + f" ({ruff_default_rules(ruff)} rules in its default set)",
    }
    versions["signal-lint source"] = source_note
    versions["signal-lint installed as"] = install_kind()

    # ---- the measurements
    jobs = (1, 2)

    def sl_env(name: str) -> dict[str, str]:
        return dict(base_env, SIGNAL_LINT_CACHE_DIR=os.path.join(caches, name))

    def clear(name: str) -> Callable[[], None]:
        return lambda: shutil.rmtree(os.path.join(caches, name), ignore_errors=True)

    def sl_argv(j: int, cold: bool) -> list[str]:
        return (
            signal_lint
            + ["check", "--exit-zero", "--jobs", str(j)]
            + (["--no-cache"] if cold and cache else [])
            + ["."]
        )

    measures: dict[str, Measure] = {}

    def add(m: Measure, display: list[str] | None = None) -> None:
        if display is None and m.argv[: len(signal_lint)] == signal_lint:
            display = ["signal-lint"] + m.argv[len(signal_lint) :]
        m.argv_display = display or [os.path.basename(m.argv[0])] + m.argv[1:]
        measures[m.key] = m

    cold_note = "" if cache else "no cache support yet (plain run)"
    for j in jobs:
        add(
            Measure(
                f"sl_cold_j{j}",
                f"signal-lint cold, `--jobs {j}`",
                sl_argv(j, True),
                corpus,
                sl_env(f"cold{j}"),
                clear(f"cold{j}"),
                note=cold_note,
                keep_stdout=True,
                sample_memory=(j == 2),
            )
        )
    warm_argv = sl_argv(2, False)
    edit_path = next(
        (
            os.path.join(corpus.root, c)
            for c in EDIT_CANDIDATES
            if os.path.isfile(os.path.join(corpus.root, c))
        ),
        None,
    )
    if edit_path is None:
        edit_path = first_file_with(corpus.root, b"receiver(")
    if edit_path is None:
        raise SystemExit(f"run.py: no file to edit in {corpus.root}")
    with open(edit_path, "rb") as handle:
        edit_original = handle.read()
    edit_counter = [0]

    def prime(argv: list[str], cwd: str, env: dict[str, str]) -> Callable[[], None]:
        return lambda: run_once(argv, cwd, env) and None

    def prime_and_edit() -> None:
        run_once(warm_argv, corpus.root, sl_env("warm"))
        edit_counter[0] += 1
        with open(edit_path, "wb") as handle:
            handle.write(
                edit_original + f"\n# edited by benchmarks/run.py ({edit_counter[0]})\n".encode()
            )

    no_cache_reason = cache_note
    edit_display = os.path.relpath(edit_path, corpus.root)
    add(
        Measure(
            "sl_warm_j2",
            "signal-lint warm (nothing changed), `--jobs 2`",
            warm_argv,
            corpus,
            sl_env("warm"),
            prime(warm_argv, corpus.root, sl_env("warm")),
            unavailable=None if cache else no_cache_reason,
            keep_stdout=True,
        )
    )
    add(
        Measure(
            "sl_edit_j2",
            f"signal-lint, one file changed (`{edit_display}`), `--jobs 2`",
            warm_argv,
            corpus,
            sl_env("warm"),
            prime_and_edit,
            unavailable=None if cache else no_cache_reason,
            keep_stdout=True,
        )
    )

    ruff_base = [ruff, "check", "--isolated", "--no-respect-gitignore", "--exit-zero"]
    ruff_rules = [  # (keys cold and warm, cache directory, the rules' arguments, report's name)
        ("ruff_default", "ruff_warm", "ruff", [], "`ruff check`, default rules"),
        ("ruff_dj", "ruff_dj_warm", "ruff-dj", ["--select", "DJ"], "`ruff check --select DJ`"),
    ]
    for cold_key, _, _, select, label in ruff_rules:
        cold_argv = ruff_base + select + ["--no-cache", "."]
        add(Measure(cold_key, f"{label}, no cache", cold_argv, corpus, base_env))
    for _, warm_key, cache_name, select, label in ruff_rules:
        warm_argv = ruff_base + select + ["--cache-dir", os.path.join(caches, cache_name), "."]
        add(
            Measure(
                warm_key,
                f"{label}, warm cache",
                warm_argv,
                corpus,
                base_env,
                prime(warm_argv, corpus.root, base_env),
            ),
            display=["ruff"] + warm_argv[1:-2] + ["CACHE", "."],
        )

    flake8_display = ["flake8"]
    for j in jobs:
        f8 = flake8_plain + ["--isolated", "--exit-zero", "-j", str(j), "."]
        add(
            Measure(
                f"flake8_j{j}",
                f"`flake8` default checks, `-j {j}`"
                + (", signal-lint plugin unloaded" if plugin else ""),
                f8,
                corpus,
                without_env,
            ),
            display=flake8_display + f8[2:],
        )
    with_plugin = [  # (key, label, arguments before ".")
        ("flake8_plugin_j2", "`flake8` default checks + signal-lint plugin, `-j 2`", []),
        (
            "flake8_sig_j2",
            "`flake8 --select SIG`, `-j 2` (flake8 still runs every plugin: `--select` only "
            "filters the report)",
            ["--select", "SIG"],
        ),
    ]
    for key, label, select in with_plugin:
        f8 = flake8_plain + ["--isolated", "--exit-zero", "-j", "2", *select, "."]
        add(
            Measure(
                key,
                label,
                f8,
                corpus,
                with_env,
                unavailable=None if plugin else plugin_reason,
            ),
            display=flake8_display + f8[2:],
        )
    if copies is not None:
        add(
            Measure(
                "sl_cold_5x_j2",
                f"signal-lint cold, `--jobs 2`, {COPIES}x corpus",
                sl_argv(2, True),
                copies,
                sl_env("cold5x"),
                clear("cold5x"),
                note=cold_note,
                sample_memory=True,
            )
        )

    # ---- round-robin
    if args.only:
        keep = set(args.only.split(","))
        unknown = keep - set(measures)
        if unknown:
            parser.error(
                f"--only: unknown keys {', '.join(sorted(unknown))}; known: {', '.join(measures)}"
            )
        for m in measures.values():
            if m.key not in keep and m.unavailable is None:
                m.unavailable = "not run (`--only`)"
    active = [m for m in measures.values() if m.unavailable is None]
    try:
        for repetition in range(args.repeat):
            # rotate the order so that no tool always runs right after the same neighbour
            shift = repetition % len(active)
            for m in active[shift:] + active[:shift]:
                if m.failure is not None:
                    continue
                try:
                    if m.prepare is not None:
                        m.prepare()
                    run = run_once(m.argv, m.corpus.root, m.env, keep_stdout=m.keep_stdout)
                    if m.sample_memory:
                        # Sampled in a second, untimed run: the sampler reads /proc of every process ten
                        # times a second, which takes CPU from (and locks the memory map of) the run it watches.
                        if m.prepare is not None:
                            m.prepare()
                        sampled = run_once(m.argv, m.corpus.root, m.env, sample_memory=True)
                        run = dataclasses.replace(
                            run,
                            tree_pss_kib=sampled.tree_pss_kib,
                            max_rss_kib=max(run.max_rss_kib, sampled.max_rss_kib),
                        )
                except RunFailed as error:
                    m.failure = f"failed: {error}"
                    log(f"[{repetition + 1}/{args.repeat}] {m.key}: {m.failure}")
                    continue
                m.runs.append(run)
                memory = f", peak {mib(run.max_rss_kib)} MiB"
                if run.tree_pss_kib is not None:
                    memory += f" (tree {mib(run.tree_pss_kib)} MiB)"
                log(
                    f"[{repetition + 1}/{args.repeat}] {m.key}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU{memory}"
                )
    finally:
        with open(edit_path, "wb") as handle:
            handle.write(edit_original)

    # ---- report
    ruff_files_with_findings = ruff_files_with_finding(ruff, corpus.root, [])
    ruff_dj_files_with_findings = ruff_files_with_finding(ruff, corpus.root, ["--select", "DJ"])
    method = method_notes(
        args.repeat,
        edit_display,
        corpus,
        ruff_files_with_findings,
        ruff_dj_files_with_findings,
        cache,
        cache_note,
        plugin,
        plugin_reason,
        source is not None,
    )
    context = {
        "plugin_reason": plugin_reason,
        "corpus": corpus,
        "copies": copies,
        "cache": cache,
        "cache_note": cache_note,
        "plugin": plugin,
        "quick": args.quick,
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": shlex.join(
            ["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]
        ),
        "repeat": args.repeat,
        "elapsed": time.perf_counter() - started,
        "machine": machine_description(),
        "load_start": load_start,
        "load_end": load_average(),
        "notes": args.note,
        "versions": versions,
        "method": method,
    }
    results_path = os.path.join(
        corpus_dir,
        "results",
        time.strftime("%Y%m%d-%H%M%S") + ("-quick" if args.quick else "") + ".json",
    )
    save_results(results_path, context, measures)
    log(f"raw results: {results_path} (re-render with --from-results)")
    write_report(output, context, measures)
    failed = [m.key for m in measures.values() if m.failure]
    if failed:
        log(f"failed measurements: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
