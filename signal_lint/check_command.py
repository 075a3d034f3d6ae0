"""``signal-lint check``: find the mistakes in files or directories, report them, fix some.

Exit status: 0 no finding at or above ``--fail-on`` (default ``warning``),
1 such findings, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from signal_lint.cli import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    add_input_options,
    load_run_config,
    print_notes,
)
from signal_lint.source_lines import SourceLines

if TYPE_CHECKING:
    from signal_lint.config import Config
    from signal_lint.engine import StdinSource
    from signal_lint.findings import Finding
    from signal_lint.fix import FixPlan


OUTPUT_FORMATS = ("concise", "full", "json", "sarif", "github", "gitlab", "junit", "text")


def add_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="check files or directories (default: .)")
    check.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files or directories; - for stdin"
    )
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the path of the file read from stdin: where it sits in the project "
        "(module name, config, ignores) and how findings name it",
    )
    output = check.add_argument_group("output")
    output.add_argument(
        "--output-format",
        "--format",
        choices=OUTPUT_FORMATS,
        metavar="FORMAT",
        help="concise (one line per finding, the default; also `text`), full (with the source "
        "line), json, sarif, github, gitlab, junit: see docs/output.md",
    )
    output.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        help="colour text output: auto (the default) on a terminal, unless NO_COLOR is set or "
        "when FORCE_COLOR is",
    )
    output.add_argument(
        "--statistics",
        action="store_true",
        help="print a count per rule after the findings (on stderr for machine formats)",
    )
    output.add_argument(
        "--show-settings",
        action="store_true",
        help="print the resolved settings and where each comes from, then exit",
    )
    rules = check.add_argument_group("rule selection (the config keys of the same names)")
    rules.add_argument(
        "--select",
        type=_code_list,
        help="comma-separated codes or prefixes to enable, instead of `select` (default: SIG)",
    )
    rules.add_argument(
        "--extend-select",
        type=_code_list,
        action="extend",
        help="codes or prefixes to enable on top of `select`",
    )
    rules.add_argument(
        "--ignore",
        "--extend-ignore",
        type=_code_list,
        action="extend",
        dest="ignore",
        help="comma-separated codes or prefixes to disable, on top of `ignore`",
    )
    rules.add_argument(
        "--per-file-ignores",
        action="append",
        metavar="PATTERN:CODES",
        help="instead of `per-file-ignores`: e.g. 'tests/*:SIG002,SIG013' (repeatable)",
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        help="lowest severity that fails the run (default: warning)",
    )
    check.add_argument(
        "--jobs", "-j", type=int, default=None, help="processes to use (default: CPU count)"
    )
    check.add_argument("--config", help="pyproject.toml to read instead of searching upwards")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write .signal_lint_cache/ (or $SIGNAL_LINT_CACHE_DIR)",
    )
    add_input_options(check)
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes (`signal-lint rules` lists them)"
    )
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="apply unsafe fixes too: they may change what the code does (config: unsafe-fixes)",
    )
    check.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false")
    check.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff of what --fix would change and change nothing (exit 1 if any)",
    )
    check.add_argument("--show-fixes", action="store_true", help="list the findings fixed")
    check.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not recorded in FILE; findings fixed since are counted on stderr",
    )
    check.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record every current finding in FILE, print nothing else, exit 0",
    )
    check.add_argument(
        "--project-root",
        metavar="DIR",
        help="analyse the whole project under DIR but report only findings in the given PATHs (pre-commit)",
    )
    check.set_defaults(handler=run)


def _code_list(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def run(args: argparse.Namespace) -> int:
    from signal_lint.baseline import BaselineError, compare, read_baseline, write_baseline
    from signal_lint.config import ConfigError, merged
    from signal_lint.engine import check_paths

    args.given = {dest for dest in ("output_format", "color") if getattr(args, dest) is not None}
    args.output_format = args.output_format or "concise"
    args.color = args.color or "auto"
    stdin_wanted = "-" in args.paths or args.stdin_filename is not None
    if stdin_wanted and args.paths not in (["-"], ["."]):
        print("signal-lint: stdin (-) is checked alone: give no other PATH", file=sys.stderr)
        return EXIT_USAGE
    if stdin_wanted and args.write_baseline:
        print("signal-lint: --write-baseline needs files, not stdin", file=sys.stderr)
        return EXIT_USAGE
    paths = [args.stdin_filename or "-"] if stdin_wanted else args.paths
    scanned = _scanned([] if stdin_wanted else paths, args.project_root)
    try:
        given = [] if stdin_wanted else paths  # the stdin file need not exist
        config = merged(
            load_run_config(args, scanned or paths, given),
            select=args.select,
            extend_select=args.extend_select,
            ignore=args.ignore,
            per_file_ignores=args.per_file_ignores,
            fail_on=args.fail_on,
        )
        if args.show_settings:
            return _show_settings(config, args)
        baseline = read_baseline(args.baseline) if args.baseline else None
    except (ConfigError, BaselineError) as error:
        print(f"signal-lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("signal-lint: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.baseline and args.write_baseline:
        print("signal-lint: use either --baseline or --write-baseline", file=sys.stderr)
        return EXIT_USAGE
    if args.project_root is not None and not os.path.isdir(args.project_root):
        print(f"signal-lint: --project-root {args.project_root}: not a directory", file=sys.stderr)
        return EXIT_USAGE
    stdin = _read_stdin(args.stdin_filename) if stdin_wanted else None
    result = check_paths(
        scanned,
        config,
        args.jobs,
        use_cache=not args.no_cache,
        stdin=stdin,
        while_extracting=_import_reporters,
    )
    for message in result.messages:
        print(f"signal-lint: {message}", file=sys.stderr)
    print_notes(args, result.notes)
    if stdin is not None:  # the whole project may have been read: report the stdin file's findings
        findings = [f for f in result.findings if f.path == stdin.display]
    elif args.project_root is not None:
        findings = _reported(result.findings, paths)
    else:
        findings = result.findings
    if (args.fix or args.diff) and stdin is not None:
        return _fix_stdin(stdin, findings, scanned, config, args)
    listed = ""
    fixed: int | None = None
    if args.fix or args.diff:
        from signal_lint.fix import fix_project

        def check(replaced: Mapping[str, bytes]) -> list[Finding]:
            found = check_paths(
                scanned, config, args.jobs, use_cache=not args.no_cache, replaced=replaced
            ).findings
            return _reported(found, paths) if args.project_root is not None else found

        plan, fixed_findings = fix_project(findings, config, _unsafe(args, config), check)
        if args.diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(plan.diff())
            sys.stdout.flush()
        else:
            for problem in plan.write():
                print(f"signal-lint: {problem}", file=sys.stderr)
        listed = _say_fixed(plan, args)
        if args.diff:
            return EXIT_FINDINGS if plan.files else EXIT_CLEAN
        findings = list(fixed_findings)  # the project's, as written
        fixed = len(plan.fixed)
    if args.write_baseline:
        try:
            write_baseline(args.write_baseline, findings, config.root)
        except BaselineError as error:
            print(f"signal-lint: {error}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"signal-lint: wrote {len(findings)} finding(s) to {args.write_baseline}",
            file=sys.stderr,
        )
        return EXIT_CLEAN
    sources = SourceLines(
        {stdin.display: stdin.source} if stdin is not None else None, config.max_file_size
    )
    if baseline is not None:
        findings, gone = compare(findings, baseline, config.root, paths, sources)
        if gone:
            print(
                f"signal-lint: {len(gone)} finding(s) of the baseline are fixed "
                f"(run --write-baseline {args.baseline} to drop them):",
                file=sys.stderr,
            )
            for entry in gone:
                print(f"  {entry.path}:{entry.line}: {entry.code} {entry.message}", file=sys.stderr)
    _report(findings, config, sources, args, sys.stdout, fixed, listed)
    if result.files == 0 and not result.messages:
        print("signal-lint: no Python files found", file=sys.stderr)
    return _exit_status(findings, config, args)


def _import_reporters() -> None:
    """The reporters, imported by the main process while the workers extract (``check_paths``)."""
    import signal_lint.report.text  # noqa: F401  (and the package with every format)


def _report(
    findings: Sequence[Finding],
    config: Config,
    sources: SourceLines,
    args: argparse.Namespace,
    stream: TextIO,
    fixed: int | None = None,
    listed: str = "",
) -> None:
    """The findings in the chosen format; for people, also ``--show-fixes``'s list, the
    statistics and the summary line."""
    from signal_lint.engine import fix_wanted
    from signal_lint.report import FORMATS, MACHINE_FORMATS, ReportContext, statistics
    from signal_lint.report.text import summary, use_color

    machine = args.output_format in MACHINE_FORMATS
    unsafe = _unsafe(args, config)
    context = ReportContext(
        config.root,
        sources,
        color=not machine and use_color(args.color, stream),
        fixable=lambda f: fix_wanted(f, config, unsafe),
        unsafe_only=lambda f: fix_wanted(f, config, True) and not fix_wanted(f, config, unsafe),
        fix_edits=_fix_edits,
    )
    stream.write(FORMATS[args.output_format](findings, context))
    stream.write(listed)
    if args.statistics:  # machine formats stay parseable: the table goes to stderr
        (sys.stderr if machine else stream).write(statistics(findings))
    if not machine:
        if args.output_format == "full" and findings:
            stream.write("\n")
        stream.write(summary(findings, context, fixed))


def _fix_edits(findings: Sequence[Finding], sources: SourceLines) -> list[dict[str, Any] | None]:
    """The fixer's edits for JSON output; libcst is imported only when a format asks for them."""
    from signal_lint.fix import fix_edits

    return fix_edits(findings, sources)


def _show_settings(config: Config, args: argparse.Namespace) -> int:
    from signal_lint.show_settings import render, settings

    sys.stdout.write(render(settings(config, args), as_json=args.output_format == "json"))
    return EXIT_CLEAN


def _exit_status(findings: Sequence[Finding], config: Config, args: argparse.Namespace) -> int:
    from signal_lint.engine import failing

    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failing(findings, config.fail_on) else EXIT_CLEAN


def _unsafe(args: argparse.Namespace, config: Config) -> bool:
    """``--unsafe-fixes``/``--no-unsafe-fixes``, else the configuration's ``unsafe-fixes``."""
    return bool(config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes)


def _say_fixed(plan: FixPlan, args: argparse.Namespace, stdin: bool = False) -> str:
    """How many findings are (or would be) fixed and the hidden unsafe fixes, on stderr; returns
    ``--show-fixes``'s list for stdout after the findings in text output (on stderr otherwise: stdout
    holds the diff or machine output).  For stdin, stderr holds the findings left: only
    ``--show-fixes`` adds to it."""
    verb = "would fix" if args.diff else "fixed"
    if not stdin:
        print(f"signal-lint: {verb} {len(plan.fixed)} finding(s)", file=sys.stderr)
    if plan.hidden and not stdin:
        print(
            f"signal-lint: {plan.hidden} hidden fix(es) can be enabled with the `--unsafe-fixes` option",
            file=sys.stderr,
        )
    if not args.show_fixes:
        return ""
    from signal_lint.report import MACHINE_FORMATS

    listed = show_fixes(plan.fixed, would=args.diff)
    if args.output_format not in MACHINE_FORMATS and not args.diff and not stdin:
        return listed
    sys.stderr.write(listed)
    return ""


def show_fixes(fixed: Sequence[Finding], would: bool = False) -> str:
    """``--show-fixes``: the findings fixed, counted per file and rule, as ruff lists them."""
    if not fixed:
        return "No findings would be fixed.\n" if would else "No findings fixed.\n"
    lines = [f"{'Would fix' if would else 'Fixed'} {len(fixed)} finding(s):"]
    by_path: dict[str, Counter[tuple[str, str]]] = {}
    for finding in fixed:
        by_path.setdefault(finding.path, Counter())[(finding.code, finding.name)] += 1
    for path in sorted(by_path):
        lines.append(f"- {path}:")
        for (code, name), count in sorted(by_path[path].items()):
            lines.append(f"    {count} \N{MULTIPLICATION SIGN} {code} ({name})")
    return "\n".join(lines) + "\n"


def _read_stdin(filename: str | None) -> StdinSource:
    from signal_lint.engine import StdinSource

    display = os.path.normpath(filename) if filename else "-"
    return StdinSource(os.path.abspath(display), display, sys.stdin.buffer.read())


def _fix_stdin(
    stdin: StdinSource,
    findings: list[Finding],
    scanned: Sequence[str],
    config: Config,
    args: argparse.Namespace,
) -> int:
    """``check - --fix``: the fixed source on stdout, the findings left on stderr (as ruff does);
    ``check - --diff``: the diff on stdout, exit 1 if there is one."""
    from dataclasses import replace

    from signal_lint.engine import check_paths
    from signal_lint.fix import fix_project, unified_diff

    def check(replaced: Mapping[str, bytes]) -> list[Finding]:
        source = replace(stdin, source=replaced.get(stdin.display, stdin.source))
        result = check_paths(scanned, config, args.jobs, use_cache=not args.no_cache, stdin=source)
        return [f for f in result.findings if f.path == stdin.display]

    plan, left = fix_project(
        findings, config, _unsafe(args, config), check, {stdin.display: stdin.source}
    )
    findings = list(left)
    fixed = plan.files[stdin.display][1] if plan.files else stdin.source
    _say_fixed(plan, args, stdin=True)
    if args.diff:
        sys.stdout.flush()
        sys.stdout.buffer.write(unified_diff(stdin.display, stdin.source, fixed))
        sys.stdout.flush()
        return EXIT_FINDINGS if plan.files else EXIT_CLEAN
    sys.stdout.buffer.write(fixed)
    sys.stdout.flush()
    sources = SourceLines({stdin.display: fixed}, config.max_file_size)
    _report(findings, config, sources, args, sys.stderr, len(plan.fixed))
    return _exit_status(findings, config, args)


def _scanned(paths: Sequence[str], project_root: str | None) -> list[str]:
    """What a run reads: the paths, or with ``--project-root`` the whole project (and paths outside it)."""
    if project_root is None:
        return list(paths)
    root = os.path.realpath(project_root)
    outside = [p for p in paths if not _within(os.path.realpath(p), [root])]
    return [project_root, *outside]


def _reported(findings: Sequence[Finding], paths: Sequence[str]) -> list[Finding]:
    """The findings in ``paths`` (files, or everything below directories)."""
    targets = [os.path.realpath(p) for p in paths]
    return [f for f in findings if _within(os.path.realpath(f.path), targets)]


def _within(path: str, targets: Sequence[str]) -> bool:
    return any(
        path == target or path.startswith(target.rstrip(os.sep) + os.sep) for target in targets
    )
