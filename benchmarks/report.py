"""Writing the report: the Markdown page (docs/performance.md) with medians, ratios and the
targets, and the raw results it can be re-rendered from."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import statistics
from collections.abc import Sequence

from common import fmt_count, fmt_seconds, log, mib
from corpus import COPIES, Corpus
from tools import DROP_VARIABLE, Measure, Run, capture

TARGET_FLAKE8_SPEEDUP = 10.0  # cold signal-lint at least 10x faster than flake8, same -j
TARGET_RUFF_FACTOR = 15.0  # cold signal-lint within 15x of ruff check (default rules)
TARGET_WARM_RUFF_FACTOR = 2.0  # warm signal-lint within 2x of warm ruff
TARGET_PLUGIN_OVERHEAD = 0.10  # flake8 with the plugin at most 10 % slower
TARGET_LINEARITY = COPIES * 1.10  # 5x corpus: at most 10 % more per line than 1x
TARGET_PEAK_MB = 250.0  # cold run on the 5x corpus; the issue says MB: 250e6 bytes = 238 MiB


def machine_description() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(handle.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    nproc = capture(["nproc"]) or str(os.cpu_count())
    return {
        "nproc": nproc,
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def ratio_row(
    number: str,
    target: str,
    value: float | None,
    text: str,
    goal: str,
    met: bool | None,
    why_not: str = "",
) -> list[str]:
    if value is None:
        verdict = why_not or "not measured (see Results)"
    elif met is None:
        verdict = "(information)"
    else:
        verdict = "**met**" if met else "**not met**"
    return [number, target, text if value is not None else "—", goal, verdict]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def build_report(context: dict, measures: dict[str, Measure]) -> tuple[str, list[list[str]]]:
    corpus: Corpus = context["corpus"]
    copies: Corpus | None = context["copies"]

    def got(key: str) -> Measure | None:
        m = measures.get(key)
        return m if m is not None and m.measured else None

    def med(key: str) -> float | None:
        m = got(key)
        return m.median() if m else None

    # ---- results table
    rows = []
    for m in measures.values():
        command = "`" + " ".join(m.argv_display) + "`"
        where = "5x" if m.corpus is copies else "1x"
        label = m.label + (f" — {m.note}" if m.note else "")
        if m.measured:
            walls = [r.wall for r in m.runs]
            memory = mib(max(r.max_rss_kib for r in m.runs))
            pss = [r.tree_pss_kib for r in m.runs if r.tree_pss_kib is not None]
            if pss:
                memory += f" / {mib(max(pss))}"
            rows.append(
                [
                    label,
                    command,
                    where,
                    str(len(walls)),
                    fmt_seconds(statistics.median(walls)),
                    fmt_seconds(min(walls)),
                    fmt_seconds(max(walls)),
                    fmt_seconds(m.median("cpu")),
                    fmt_count(m.corpus.lines / statistics.median(walls)),
                    memory,
                ]
            )
        else:
            why = (m.failure or m.unavailable or "not run").replace("|", "\\|")
            rows.append([label, command, where, "0", "—", "—", "—", "—", "—", why])
    results = markdown_table(
        [
            "measurement",
            "command (run in the corpus root)",
            "corpus",
            "runs",
            "median s",
            "min s",
            "max s",
            "CPU s (median)",
            "lines/s",
            "peak MiB (largest process / whole tree)",
        ],
        rows,
        "llllrrrrrr",
    )

    # ---- targets
    targets = []
    cold1, cold2 = med("sl_cold_j1"), med("sl_cold_j2")
    cache_note = context["cache_note"]

    def cpu_ratio(a: str, b: str) -> str:
        """`a`'s median CPU time over `b`'s, as a note: less sensitive to other load than wall time."""
        ma, mb = got(a), got(b)
        if not ma or not mb or not mb.median("cpu"):
            return ""
        return f" (CPU time: {ma.median('cpu') / mb.median('cpu'):.1f}×)"

    for j in (2, 1):
        flake, cold = med(f"flake8_j{j}"), med(f"sl_cold_j{j}")
        speedup = flake / cold if flake and cold else None
        targets.append(
            ratio_row(
                "1",
                f"cold signal-lint vs `flake8` (default checks), both `-j {j}`",
                speedup,
                f"{speedup:.1f}× faster" + cpu_ratio(f"flake8_j{j}", f"sl_cold_j{j}")
                if speedup
                else "",
                f"≥ {TARGET_FLAKE8_SPEEDUP:.0f}× faster",
                speedup is not None and speedup >= TARGET_FLAKE8_SPEEDUP,
            )
        )

    def times_ruff(
        issue: str, comparison: str, ours: str, ruffs: str, limit: float | None
    ) -> list[str]:
        """A row of signal-lint's median time (``ours``) in units of ruff's (``ruffs``), against
        ``limit`` (None: for information)."""
        mine, theirs = med(ours), med(ruffs)
        factor = mine / theirs if mine and theirs else None
        return ratio_row(
            issue,
            comparison,
            factor,
            f"{factor:.1f}× ruff's time" + cpu_ratio(ours, ruffs) if factor else "",
            f"≤ {limit:.0f}×" if limit is not None else "—",
            None if limit is None else factor is not None and factor <= limit,
        )

    targets.append(
        times_ruff(
            "1",
            "cold signal-lint (`-j 2`) vs `ruff check` (default rules, no cache)",
            "sl_cold_j2",
            "ruff_default",
            TARGET_RUFF_FACTOR,
        )
    )
    targets.append(
        times_ruff(
            "1",
            "cold signal-lint (`-j 2`) vs `ruff check --select DJ`",
            "sl_cold_j2",
            "ruff_dj",
            None,
        )
    )
    cold_lines = corpus.lines / cold2 if cold2 else None
    targets.append(
        ratio_row(
            "1",
            "cold signal-lint (`-j 2`) throughput",
            cold_lines,
            f"{fmt_count(cold_lines)} lines/s" if cold_lines else "",
            "—",
            None,
        )
    )
    warm, warm_ruff, edit = med("sl_warm_j2"), med("ruff_warm"), med("sl_edit_j2")
    if context["cache"]:
        targets.append(
            times_ruff(
                "2",
                "warm signal-lint vs warm `ruff check`",
                "sl_warm_j2",
                "ruff_warm",
                TARGET_WARM_RUFF_FACTOR,
            )
        )
        targets.append(
            times_ruff(
                "2",
                "warm signal-lint vs warm `ruff check --select DJ` (ruff's cache serves "
                "almost every file: see Method)",
                "sl_warm_j2",
                "ruff_dj_warm",
                None,
            )
        )
        edit_factor = edit / warm if edit and warm else None
        targets.append(
            ratio_row(
                "2",
                "one file changed vs nothing changed (warm)",
                edit_factor,
                f"{edit_factor:.2f}× the warm time" if edit_factor else "",
                "re-analyses that file only",
                None,
            )
        )
    else:
        plain_factor = cold2 / warm_ruff if cold2 and warm_ruff else None
        row = ratio_row(
            "2",
            "warm signal-lint vs warm `ruff check`",
            plain_factor,
            f"no cache yet: a plain run is {plain_factor:.0f}× warm ruff" if plain_factor else "",
            f"≤ {TARGET_WARM_RUFF_FACTOR:.0f}×",
            False,
        )
        row[-1] = f"**not met** ({cache_note})"
        targets.append(row)
    m_warm, m_edit = got("sl_warm_j2"), got("sl_edit_j2")
    if context["cache"] and got("sl_cold_j2") and (m_warm or m_edit):
        cold_digests = {r.stdout_digest for r in got("sl_cold_j2").runs}  # type: ignore[union-attr]
        cached_digests = {r.stdout_digest for m in (m_warm, m_edit) if m for r in m.runs}
        same = len(cold_digests) == 1 and cached_digests == cold_digests
        targets.append(
            ratio_row(
                "2",
                "output of warm and one-file-changed runs byte-identical to cold (every run)",
                same,
                "yes" if same else "no",
                "identical",
                same,
            )
        )
    with_plugin, without_plugin, sig_only = (
        med("flake8_plugin_j2"),
        med("flake8_j2"),
        med("flake8_sig_j2"),
    )
    if context["plugin"]:
        overhead = with_plugin / without_plugin - 1 if with_plugin and without_plugin else None
        paired = None
        m_with, m_without = got("flake8_plugin_j2"), got("flake8_j2")
        if m_with and m_without and len(m_with.runs) == len(m_without.runs):
            paired = statistics.median(
                a.wall / b.wall - 1 for a, b in zip(m_with.runs, m_without.runs, strict=False)
            )
        text = f"{overhead * 100:+.1f} %" if overhead is not None else ""
        m_cpu_with, m_cpu_without = got("flake8_plugin_j2"), got("flake8_j2")
        if m_cpu_with and m_cpu_without:
            text += f" (CPU time: {(m_cpu_with.median('cpu') / m_cpu_without.median('cpu') - 1) * 100:+.1f} %)"
        if paired is not None:
            text += f" (median of per-repetition ratios: {paired * 100:+.1f} %)"
        targets.append(
            ratio_row(
                "3",
                "`flake8` with the plugin loaded vs unloaded (`-j 2`)",
                overhead,
                text,
                f"≤ {TARGET_PLUGIN_OVERHEAD * 100:.0f} %",
                overhead is not None and overhead <= TARGET_PLUGIN_OVERHEAD,
            )
        )
        sig_text = (
            f"{fmt_seconds(sig_only)} s, {sig_only / cold2:.1f}× cold signal-lint"
            if sig_only and cold2
            else ""
        )
        targets.append(
            ratio_row("3", "`flake8 --select SIG` alone (`-j 2`)", sig_only, sig_text, "—", None)
        )
    else:
        targets.append(
            ratio_row(
                "3",
                "`flake8` with the plugin loaded vs unloaded (`-j 2`)",
                None,
                "",
                f"≤ {TARGET_PLUGIN_OVERHEAD * 100:.0f} %",
                None,
                context["plugin_reason"],
            )
        )
    many = med("sl_cold_5x_j2")
    linearity = many / cold2 if many and cold2 else None
    why = "not measured (`--quick`)" if copies is None else ""
    targets.append(
        ratio_row(
            "4",
            f"linearity: cold `-j 2`, {COPIES}x corpus time / 1x time",
            linearity,
            f"{linearity:.2f}" + cpu_ratio("sl_cold_5x_j2", "sl_cold_j2") if linearity else "",
            f"≤ {TARGET_LINEARITY:.1f} ({COPIES} = linear, +10 % allowed)",
            linearity is not None and linearity <= TARGET_LINEARITY,
            why,
        )
    )
    m5 = got("sl_cold_5x_j2")
    peak = max((r.tree_pss_kib or 0) for r in m5.runs) / 1024 if m5 else None
    largest = max(r.max_rss_kib for r in m5.runs) / 1024 if m5 else None
    # judged on the larger of the two, in MB as the issue states it (1 MiB = 1.048576 MB)
    worst_mb = max(peak, largest) * 1.048576 if peak and largest else None
    targets.append(
        ratio_row(
            "4",
            f"peak memory, cold `-j 2` on the {COPIES}x corpus (whole process tree PSS, and largest process RSS)",
            worst_mb,
            f"{peak:.0f} MiB tree, {largest:.0f} MiB largest process = {worst_mb:.0f} MB"
            if worst_mb
            else "",
            f"≤ {TARGET_PEAK_MB:.0f} MB ({TARGET_PEAK_MB / 1.048576:.0f} MiB)",
            worst_mb is not None and worst_mb <= TARGET_PEAK_MB,
            why,
        )
    )
    speedup_jobs = cold1 / cold2 if cold1 and cold2 else None
    targets.append(
        ratio_row(
            "5",
            "`--jobs 2` speed-up over `--jobs 1` (cold)",
            speedup_jobs,
            f"{speedup_jobs:.2f}×" if speedup_jobs else "",
            "—",
            None,
        )
    )
    m1, m2 = got("sl_cold_j1"), got("sl_cold_j2")
    identical = None
    if m1 and m2:
        digests = {r.stdout_digest for r in m1.runs + m2.runs}
        identical = len(digests) == 1
        findings = m1.runs[0].stdout_lines
    targets.append(
        ratio_row(
            "5",
            "output of `--jobs 2` byte-identical to `--jobs 1` (every run)",
            identical,
            ("yes" if identical else "no") + f" ({findings} output lines)"
            if identical is not None
            else "",
            "identical",
            identical,
        )
    )
    target_table = markdown_table(
        ["issue target", "comparison", "measured", "target", "verdict"], targets, "lllll"
    )

    # ---- document
    machine = context["machine"]
    out = []
    out.append("# Performance\n")
    out.append(
        "Measured by `benchmarks/run.py` (issue 5): it downloads its corpus from PyPI, runs every tool in "
        "round-robin and writes this page. Timed runs are not part of the test suite (timings are flaky on "
        "shared machines); rerun the benchmark and compare ratios, not absolute seconds.\n"
    )
    if context["quick"]:
        out.append(
            "> **Quick smoke run (`--quick`): one repetition, 1x corpus only — not for comparisons.**\n"
        )
    out.append(f"- **Date:** {context['date']}")
    out.append(
        f"- **Command:** `{context['command']}` ({context['repeat']} repetition(s), total "
        f"{context['elapsed'] / 60:.0f} min)"
    )
    out.append(
        f"- **Machine:** `nproc` = {machine['nproc']}, CPU {machine['cpu']}, {machine['memory']} RAM, "
        f"{machine['os']}, {machine['python']}"
    )
    out.append(
        f"- **Load average** (1/5/15 min) at start: {context['load_start']}; at end: {context['load_end']}"
    )
    for note in context["notes"]:
        out.append(f"- **Note:** {note}")
    out.append("- **Tool versions:**")
    for name, version in context["versions"].items():
        prose = name in ("signal-lint source", "signal-lint installed as")
        out.append(f"  - {name}: " + (version if prose else f"`{version}`"))
    out.append(
        f"- **Corpus (1x):** {corpus.description}: **{fmt_count(corpus.files)} files, "
        f"{fmt_count(corpus.lines)} lines**"
    )
    for p in corpus.packages:
        out.append(
            f"  - {p['name']} {p['version']} (`{'`, `'.join(p['packages'])}`): "
            f"{fmt_count(p['files'])} files, {fmt_count(p['lines'])} lines"
        )
    if copies is not None:
        out.append(
            f"- **Corpus ({COPIES}x):** {copies.description}: {fmt_count(copies.files)} files, "
            f"{fmt_count(copies.lines)} lines"
        )
    out.append("")
    out.append("## Targets\n")
    out.append(target_table)
    out.append("")
    out.append("## Results\n")
    out.append(results)
    out.append("")
    out.append("## Method\n")
    out.extend(f"- {line}" for line in context["method"])
    out.append("")
    return "\n".join(out), targets


def save_results(path: str, context: dict, measures: dict[str, Measure]) -> None:
    data = dict(context)
    data["corpus"] = dataclasses.asdict(context["corpus"])
    data["copies"] = (
        dataclasses.asdict(context["copies"]) if context["copies"] is not None else None
    )
    data["measures"] = [
        {
            "key": m.key,
            "label": m.label,
            "argv_display": m.argv_display,
            "corpus": "5x" if m.corpus is context["copies"] else "1x",
            "unavailable": m.unavailable,
            "note": m.note,
            "failure": m.failure,
            "runs": [dataclasses.asdict(r) for r in m.runs],
        }
        for m in measures.values()
    ]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


def load_results(path: str) -> tuple[dict, dict[str, Measure]]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    context = dict(data)
    context["corpus"] = Corpus(**data["corpus"])
    context["copies"] = Corpus(**data["copies"]) if data["copies"] is not None else None
    measures = {}
    for item in context.pop("measures"):
        corpus = context["copies"] if item["corpus"] == "5x" else context["corpus"]
        m = Measure(
            item["key"],
            item["label"],
            [],
            corpus,
            {},
            unavailable=item["unavailable"],
            note=item["note"],
            failure=item["failure"],
            argv_display=item["argv_display"],
        )
        m.runs = [Run(**run) for run in item["runs"]]
        measures[m.key] = m
    return context, measures


def method_notes(
    repeat: int,
    edit_display: str,
    corpus: Corpus,
    ruff_files_with_findings: int,
    ruff_dj_files_with_findings: int,
    cache: bool,
    cache_note: str,
    plugin: bool,
    plugin_reason: str,
    from_source: bool,
) -> list[str]:
    """The report's "Method" paragraphs: how each number was taken."""
    method = [
        f"Each measurement is run {repeat} time(s); the repetitions go round-robin over all "
        "measurements (the order rotates by one each repetition), so a change of load on the machine "
        "hits every tool alike. Median, min and max are of wall-clock time; CPU s is user + system time "
        "of the process and its children; lines/s is the corpus's lines / median wall time. The ratios "
        "under Targets are of median wall times; the CPU-time ratio beside some (median CPU times) is less "
        "sensitive to other load on the machine, but blind to parallelism.",
        "Every tool runs in the corpus root with its configuration isolated: signal-lint reads the empty "
        "`[tool.signal-lint]` of the corpus's own `pyproject.toml`; `flake8 --isolated`; `ruff check --isolated "
        "--no-respect-gitignore` (the corpus lives in a git-ignored directory). Output goes to /dev/null "
        "(signal-lint's to a file, to compare `--jobs 1` and `--jobs 2`); `--exit-zero` everywhere.",
        "signal-lint cold: its cache directory (`SIGNAL_LINT_CACHE_DIR`) is emptied before each run and "
        "`--no-cache` is passed when `signal-lint check --help` offers it. Warm: an untimed run fills the "
        "cache just before the timed run. One file changed: an untimed run fills the cache, then a comment "
        f"is appended to `{edit_display}` (a new one each time; the file is restored at the end). "
        "Warm ruff: same, with `--cache-dir`. Current ruff (astral-sh/ruff#19869, August 2025) does not cache "
        "files that have diagnostics, so a warm default-rules ruff re-checks every file with a finding "
        f"({ruff_files_with_findings} of the {fmt_count(corpus.files)} files here); with `--select DJ` "
        f"({ruff_dj_files_with_findings} files with a finding) nearly every file is served from its cache, which "
        "makes warm `--select DJ` the stricter yardstick for a warm run."
        + (
            f" **{cache_note}**, so warm and one-file-changed are not measured."
            if not cache
            else ""
        ),
        "flake8 with vs without the plugin: flake8 runs every installed `flake8.extension` plugin on every "
        "file, and `--extend-ignore SIG` only hides its results, so it would not measure the plugin's cost. "
        "Instead both variants run through `benchmarks/flake8_wrapper.py`, which is flake8's own `main()`; with "
        f"`{DROP_VARIABLE}=1` it drops signal-lint's plugins from flake8's plugin discovery, exactly as if "
        "signal-lint were not installed (the benchmark checks that `flake8 --version` then no longer lists it). "
        "The plain `flake8` rows (the baseline of target 1) are the unloaded variant."
        + ("" if plugin else f" Plugin rows: {plugin_reason}."),
        'Peak memory: "largest process" is the run\'s `ru_maxrss` from `wait4` (the largest single process '
        'among the run and the children it waited for); "whole tree" is the peak of the summed PSS '
        "(`/proc/PID/smaps_rollup`; shared pages split between the processes sharing them) of the run's "
        "process tree, sampled every 0.1 s, for the signal-lint cold `--jobs 2` runs. The sampling is done in "
        "a second, untimed run right after each timed one: it reads `/proc` of every process ten times a "
        "second, which would take CPU from the run it watches.",
        "`ruff check` has no jobs option: it uses all cores (here 2) as it does by default.",
        "Targets: 1 and 3 as in the issue; linearity (4) counts as met when the 5x corpus takes at most "
        f"{TARGET_LINEARITY:.1f}× the 1x time (at most 10 % more per line); peak memory (4) is judged on the larger of "
        "the whole process tree's PSS and the largest process's RSS, in MB (10^6 bytes) as the issue states it.",
    ]
    if from_source:
        method.append(
            "signal-lint was run from a copy of its source (see Tool versions) with `PYTHONPATH`, as "
            "`python -m signal_lint`, its modules compiled to bytecode first as `pip install` does (flake8's were, by "
            "its install); the flake8 plugin rows use the same copy (flake8's entry point comes from "
            "the installed distribution's metadata)."
        )
    return method


# Sections other benchmarks write into the page (benchmarks/installed.py): kept when rewriting it.
KEPT_SECTION = re.compile(r"<!-- BEGIN (benchmarks/[\w.]+) -->\n.*?<!-- END \1 -->\n", re.S)


def write_report(output: str, context: dict, measures: dict[str, Measure]) -> None:
    report, _ = build_report(context, measures)
    try:
        with open(output, encoding="utf-8") as handle:
            kept = [m.group(0) for m in KEPT_SECTION.finditer(handle.read())]
    except OSError:
        kept = []
    if kept:
        report = report.rstrip("\n") + "\n\n" + "\n".join(kept)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(report)
    print(report)
    log(f"wrote {output}")
