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
import hashlib
import io
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FLAKE8_WRAPPER = os.path.join(HERE, "flake8_wrapper.py")
DROP_VARIABLE = "BENCH_FLAKE8_DROP_SIGNAL_LINT"

# (distribution, requirement, top-level packages taken from its wheel).  Pinned so that runs
# months apart measure the same code; bump deliberately (and say so in docs/performance.md).
# Django's wheel holds the same 885 files of the ``django`` package as the sdist (the sdist
# adds the test suite, which the numbers leave out).
PACKAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Django", "django==5.2.19", ("django",)),
    ("wagtail", "wagtail==8.0.1", ("wagtail",)),
    ("django-cms", "django-cms==5.1.3", ("cms", "menus")),
    ("django-oscar", "django-oscar==4.2.1", ("oscar",)),
    ("django-allauth", "django-allauth==65.21.1", ("allauth",)),
)
COPIES = 5
CORPUS_FORMAT = 1
# signal-lint reads [tool.signal-lint] from the nearest pyproject.toml that has the table:
# give each corpus root an empty one so that no configuration above it (this repository's
# own pyproject.toml, say) leaks into the benchmark.
CORPUS_PYPROJECT = (
    "# written by benchmarks/run.py: default signal-lint configuration\n[tool.signal-lint]\n"
)
# The file "one file changed" edits: one that holds receivers, so that it gets signal-lint's
# expensive treatment.  The first that exists wins; otherwise the first file with a receiver.
EDIT_CANDIDATES = ("django/contrib/auth/apps.py", "wagtail/signal_handlers.py")

TARGET_FLAKE8_SPEEDUP = 10.0  # cold signal-lint at least 10x faster than flake8, same -j
TARGET_RUFF_FACTOR = 15.0  # cold signal-lint within 15x of ruff check (default rules)
TARGET_WARM_RUFF_FACTOR = 2.0  # warm signal-lint within 2x of warm ruff
TARGET_PLUGIN_OVERHEAD = 0.10  # flake8 with the plugin at most 10 % slower
TARGET_LINEARITY = COPIES * 1.10  # 5x corpus: at most 10 % more per line than 1x
TARGET_PEAK_MB = 250.0  # cold run on the 5x corpus; the issue says MB: 250e6 bytes = 238 MiB
RUN_TIMEOUT = 3600.0  # seconds; a run that takes longer is killed and reported as failed


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    root: str  # the directory the tools are run in
    files: int
    lines: int
    packages: list[dict]  # name, version, top-level packages, files, lines
    description: str


def count_tree(root: str) -> tuple[int, int]:
    files = lines = 0
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in filenames:
            if name.endswith(".py"):
                with open(os.path.join(directory, name), "rb") as handle:
                    data = handle.read()
                files += 1
                lines += len(data.splitlines())
    return files, lines


def pip_download(requirements: Sequence[str], dest: str) -> None:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--disable-pip-version-check", "--quiet", "--dest", dest, *requirements,
    ]  # fmt: skip
    log("$ " + " ".join(command))
    subprocess.run(command, check=True)


def find_wheel(dest: str, distribution: str, version: str) -> str:
    prefix = distribution.lower().replace("-", "_") + "-" + version + "-"
    for name in sorted(os.listdir(dest)):
        if name.lower().startswith(prefix) and name.endswith(".whl"):
            return os.path.join(dest, name)
    raise SystemExit(f"run.py: no wheel for {distribution} {version} in {dest}")


def build_corpus(corpus_dir: str, with_copies: bool) -> tuple[Corpus, Corpus | None]:
    """The 1x tree (built once, reused while the package list is unchanged) and the 5x copy."""
    os.makedirs(corpus_dir, exist_ok=True)
    manifest_path = os.path.join(corpus_dir, "manifest.json")
    one = os.path.join(corpus_dir, "1x")
    spec = {"format": CORPUS_FORMAT, "packages": [list(p[:2]) + [list(p[2])] for p in PACKAGES]}
    manifest: dict = {}
    if os.path.isfile(manifest_path):
        with open(manifest_path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    if manifest.get("spec") != spec or not os.path.isdir(one):
        log(f"building the corpus in {corpus_dir}")
        downloads = os.path.join(corpus_dir, "downloads")
        os.makedirs(downloads, exist_ok=True)
        pip_download([requirement for _, requirement, _ in PACKAGES], downloads)
        staging = one + ".tmp"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(os.path.join(corpus_dir, f"{COPIES}x"), ignore_errors=True)
        os.makedirs(staging)
        packages = []
        for distribution, requirement, tops in PACKAGES:
            version = requirement.split("==", 1)[1]
            wheel = find_wheel(downloads, distribution, version)
            with zipfile.ZipFile(wheel) as archive:
                members = [
                    n
                    for n in archive.namelist()
                    if n.endswith(".py") and n.split("/", 1)[0] in tops
                ]
                for member in members:
                    archive.extract(member, staging)
            files = lines = 0
            for top in tops:
                f, n = count_tree(os.path.join(staging, top))
                files, lines = files + f, lines + n
            packages.append(
                {"name": distribution, "version": version, "wheel": os.path.basename(wheel),
                 "packages": list(tops), "files": files, "lines": lines}
            )  # fmt: skip
        with open(os.path.join(staging, "pyproject.toml"), "w", encoding="utf-8") as handle:
            handle.write(CORPUS_PYPROJECT)
        shutil.rmtree(one, ignore_errors=True)
        os.replace(staging, one)
        manifest = {"spec": spec, "packages": packages}
        with open(manifest_path, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2)
    packages = manifest["packages"]
    files = sum(p["files"] for p in packages)
    lines = sum(p["lines"] for p in packages)
    names = ", ".join(f"{p['name']} {p['version']}" for p in packages)
    corpus = Corpus(
        one, files, lines, packages, f"{names}: the `.py` files of their wheels in one tree"
    )

    copies = None
    if with_copies:
        many = os.path.join(corpus_dir, f"{COPIES}x")
        marker = os.path.join(many, ".complete")
        if not os.path.isfile(marker):
            log(f"building the {COPIES}x corpus in {many}")
            shutil.rmtree(many, ignore_errors=True)
            os.makedirs(many)
            for index in range(1, COPIES + 1):
                # copyN/ is a package, so copy N's modules are copyN.django..., copyN.wagtail...
                target = os.path.join(many, f"copy{index}")
                shutil.copytree(one, target, ignore=shutil.ignore_patterns("pyproject.toml", ".*"))
                open(os.path.join(target, "__init__.py"), "w").close()
            with open(os.path.join(many, "pyproject.toml"), "w", encoding="utf-8") as handle:
                handle.write(CORPUS_PYPROJECT)
            open(marker, "w").close()
        f, n = count_tree(many)
        copies = Corpus(
            many, f, n, packages,
            f"{COPIES} copies of the 1x tree side by side, each under its own package `copyN/` "
            f"(so module names differ: `copy1.django.db`, ...)",
        )  # fmt: skip
    return corpus, copies


def first_file_with(root: str, needle: bytes) -> str | None:
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(directory, name)
            if name.endswith(".py"):
                with open(path, "rb") as handle:
                    if needle in handle.read():
                        return path
    return None


def warm_page_cache(root: str) -> None:
    for directory, _, filenames in os.walk(root):
        for name in filenames:
            with open(os.path.join(directory, name), "rb") as handle:
                handle.read()


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every descendant it waited for
    max_rss_kib: int  # largest single process (getrusage ru_maxrss of the run)
    tree_pss_kib: int | None  # peak total PSS of the process tree, sampled; None if not sampled
    stdout_digest: str | None = None
    stdout_lines: int | None = None


class RunFailed(Exception):
    pass


def _process_table() -> dict[int, int]:
    """pid -> parent pid for every process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after the last ')'
        parents[int(entry)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    return parents


def _tree_memory_kib(root: int) -> int:
    """Total PSS (proportional set size: shared pages split between their sharers) of a tree."""
    parents = _process_table()
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def run_once(argv: Sequence[str], cwd: str, env: dict[str, str], *, keep_stdout: bool = False,
             sample_memory: bool = False) -> Run:  # fmt: skip
    """Run ``argv`` to completion, timing it; raise RunFailed on a non-zero exit."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err, start_new_session=True,
        )  # fmt: skip
        done = threading.Event()
        peak = [0]

        def watch() -> None:
            deadline = start + RUN_TIMEOUT
            while not done.wait(0.1 if sample_memory else 5.0):
                if sample_memory:
                    peak[0] = max(peak[0], _tree_memory_kib(process.pid))
                if time.perf_counter() > deadline:
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # interrupted: take the run's whole process group down with us
            done.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
                os.waitpid(process.pid, 0)
            except OSError:
                pass
            raise
        wall = time.perf_counter() - start
        done.set()
        watcher.join()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip()[-3000:]
            log(tail)
            last = tail.splitlines()[-1] if tail else "(no output on stderr)"
            raise RunFailed(f"exit status {process.returncode} after {wall:.1f} s: {last[:300]}")
        digest = lines = None
        if keep_stdout:
            out.seek(0)
            data = out.read()
            digest, lines = hashlib.sha256(data).hexdigest(), data.count(b"\n")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                   peak[0] if sample_memory else None, digest, lines)  # fmt: skip


@dataclass
class Measure:
    key: str
    label: str
    argv: list[str]
    corpus: Corpus
    env: dict[str, str]
    prepare: Callable[[], None] | None = None  # untimed, just before each timed run
    unavailable: str | None = None  # why it is not measured
    note: str = ""
    keep_stdout: bool = False
    sample_memory: bool = False
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None
    argv_display: list[str] = field(default_factory=list)  # the command as the report shows it

    @property
    def measured(self) -> bool:
        return bool(self.runs) and self.failure is None

    def median(self, attribute: str = "wall") -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)


def export_revision(rev: str, corpus_dir: str) -> tuple[str, str]:
    """``signal_lint/`` as committed at ``rev``, unpacked under the corpus dir: (sha, directory for sys.path)."""
    result = subprocess.run(
        ["git", "-C", REPO, "rev-parse", "--verify", rev + "^{commit}"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"run.py: --rev {rev}: not a commit: {result.stderr.strip()}")
    sha = result.stdout.strip()
    target = os.path.join(corpus_dir, "signal-lint-src", sha[:12])
    if not os.path.isdir(os.path.join(target, "signal_lint")):
        archive = subprocess.run(["git", "-C", REPO, "archive", "--format=tar", sha, "signal_lint"],
                                 capture_output=True, check=True).stdout  # fmt: skip
        staging = target + ".tmp"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Pythons without extraction filters
                tar.extractall(staging)
        os.replace(staging, target)
    return sha, target


def snapshot_worktree(corpus_dir: str) -> tuple[str, int]:
    """A copy of the checkout's ``signal_lint/`` as it is now: (directory for sys.path, files changed vs HEAD)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = os.path.join(corpus_dir, "signal-lint-src", f"snapshot-{stamp}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(REPO, "signal_lint"), os.path.join(target, "signal_lint"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    status = capture(
        ["git", "-C", REPO, "status", "--porcelain", "--untracked-files=all", "--", "signal_lint"]
    )
    return target, len([line for line in status.splitlines() if line.strip()])


def plugin_module_missing(source: str) -> str | None:
    """The module of signal-lint's flake8 entry point, if ``source`` (an exported signal_lint) lacks it."""
    import importlib.metadata

    for entry_point in importlib.metadata.entry_points().select(group="flake8.extension"):
        module = entry_point.value.split(":", 1)[0]
        if module.split(".", 1)[0] != "signal_lint":
            continue
        base = os.path.join(source, *module.split("."))
        if not (os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py"))):
            return module
    return None


def find_tool(name: str) -> str | None:
    beside = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    return shutil.which(name)


def capture(argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None) -> str:
    try:
        result = subprocess.run(
            list(argv), capture_output=True, text=True, env=env, cwd=cwd, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"({error})"
    return (result.stdout + result.stderr).strip()


def ruff_default_rules(ruff: str) -> str:
    """How many rules ``ruff check`` runs by default (the set grows between ruff versions)."""
    settings = capture([ruff, "check", "--isolated", "--show-settings", FLAKE8_WRAPPER])
    try:
        block = settings.split("linter.rules.enabled = [", 1)[1].split("]", 1)[0]
    except IndexError:
        return "?"
    return str(sum(1 for line in block.splitlines() if line.strip()))


def ruff_files_with_finding(ruff: str, root: str, options: list[str]) -> str:
    argv = [ruff, "check", "--isolated", "--no-respect-gitignore", "--exit-zero", "--no-cache",
            "--output-format", "concise", *options, "."]  # fmt: skip
    listing = capture(argv, cwd=root)
    return fmt_count(
        len({line.split(":", 1)[0] for line in listing.splitlines() if ".py:" in line})
    )


def plugin_listed(version_output: str) -> bool:
    text = version_output.lower()
    return "signal-lint" in text or "signal_lint" in text


# --------------------------------------------------------------------------- report


def fmt_seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


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


def ratio_row(number: str, target: str, value: float | None, text: str, goal: str,
              met: bool | None, why_not: str = "") -> list[str]:  # fmt: skip
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
            rows.append([label, command, where, str(len(walls)), fmt_seconds(statistics.median(walls)),
                         fmt_seconds(min(walls)), fmt_seconds(max(walls)), fmt_seconds(m.median("cpu")),
                         fmt_count(m.corpus.lines / statistics.median(walls)), memory])  # fmt: skip
        else:
            why = (m.failure or m.unavailable or "not run").replace("|", "\\|")
            rows.append([label, command, where, "0", "—", "—", "—", "—", "—", why])
    results = markdown_table(
        ["measurement", "command (run in the corpus root)", "corpus", "runs", "median s", "min s", "max s",
         "CPU s (median)", "lines/s", "peak MiB (largest process / whole tree)"],
        rows, "llllrrrrrr",
    )  # fmt: skip

    # ---- targets
    targets = []
    cold1, cold2, flake1, flake2 = (
        med("sl_cold_j1"),
        med("sl_cold_j2"),
        med("flake8_j1"),
        med("flake8_j2"),
    )
    cache_note = context["cache_note"]

    def cpu_ratio(a: str, b: str) -> str:
        """`a`'s median CPU time over `b`'s, as a note: less sensitive to other load than wall time."""
        ma, mb = got(a), got(b)
        if not ma or not mb or not mb.median("cpu"):
            return ""
        return f" (CPU time: {ma.median('cpu') / mb.median('cpu'):.1f}×)"

    speedup = flake2 / cold2 if flake2 and cold2 else None
    targets.append(ratio_row("1", "cold signal-lint vs `flake8` (default checks), both `-j 2`", speedup,
                             f"{speedup:.1f}× faster" + cpu_ratio("flake8_j2", "sl_cold_j2") if speedup else "", f"≥ {TARGET_FLAKE8_SPEEDUP:.0f}× faster",
                             speedup is not None and speedup >= TARGET_FLAKE8_SPEEDUP))  # fmt: skip
    speedup1 = flake1 / cold1 if flake1 and cold1 else None
    targets.append(ratio_row("1", "cold signal-lint vs `flake8` (default checks), both `-j 1`", speedup1,
                             f"{speedup1:.1f}× faster" + cpu_ratio("flake8_j1", "sl_cold_j1") if speedup1 else "", f"≥ {TARGET_FLAKE8_SPEEDUP:.0f}× faster",
                             speedup1 is not None and speedup1 >= TARGET_FLAKE8_SPEEDUP))  # fmt: skip
    ruff = med("ruff_default")
    factor = cold2 / ruff if cold2 and ruff else None
    targets.append(ratio_row("1", "cold signal-lint (`-j 2`) vs `ruff check` (default rules, no cache)", factor,
                             f"{factor:.1f}× ruff's time" + cpu_ratio("sl_cold_j2", "ruff_default") if factor else "", f"≤ {TARGET_RUFF_FACTOR:.0f}×",
                             factor is not None and factor <= TARGET_RUFF_FACTOR))  # fmt: skip
    dj = med("ruff_dj")
    dj_factor = cold2 / dj if cold2 and dj else None
    targets.append(ratio_row("1", "cold signal-lint (`-j 2`) vs `ruff check --select DJ`", dj_factor,
                             f"{dj_factor:.1f}× ruff's time" + cpu_ratio("sl_cold_j2", "ruff_dj") if dj_factor else "", "—", None))  # fmt: skip
    cold_lines = corpus.lines / cold2 if cold2 else None
    targets.append(ratio_row("1", "cold signal-lint (`-j 2`) throughput", cold_lines,
                             f"{fmt_count(cold_lines)} lines/s" if cold_lines else "", "—", None))  # fmt: skip
    warm, warm_ruff, edit = med("sl_warm_j2"), med("ruff_warm"), med("sl_edit_j2")
    if context["cache"]:
        warm_factor = warm / warm_ruff if warm and warm_ruff else None
        targets.append(ratio_row("2", "warm signal-lint vs warm `ruff check`", warm_factor,
                                 f"{warm_factor:.1f}× ruff's time" + cpu_ratio("sl_warm_j2", "ruff_warm") if warm_factor else "",
                                 f"≤ {TARGET_WARM_RUFF_FACTOR:.0f}×",
                                 warm_factor is not None and warm_factor <= TARGET_WARM_RUFF_FACTOR))  # fmt: skip
        warm_dj = med("ruff_dj_warm")
        dj_warm_factor = warm / warm_dj if warm and warm_dj else None
        targets.append(ratio_row("2", "warm signal-lint vs warm `ruff check --select DJ` (ruff's cache serves "
                                 "almost every file: see Method)", dj_warm_factor,
                                 f"{dj_warm_factor:.1f}× ruff's time" + cpu_ratio("sl_warm_j2", "ruff_dj_warm") if dj_warm_factor else "", "—", None))  # fmt: skip
        edit_factor = edit / warm if edit and warm else None
        targets.append(ratio_row("2", "one file changed vs nothing changed (warm)", edit_factor,
                                 f"{edit_factor:.2f}× the warm time" if edit_factor else "",
                                 "re-analyses that file only", None))  # fmt: skip
    else:
        plain_factor = cold2 / warm_ruff if cold2 and warm_ruff else None
        row = ratio_row("2", "warm signal-lint vs warm `ruff check`", plain_factor,
                        f"no cache yet: a plain run is {plain_factor:.0f}× warm ruff" if plain_factor else "",
                        f"≤ {TARGET_WARM_RUFF_FACTOR:.0f}×", False)  # fmt: skip
        row[-1] = f"**not met** ({cache_note})"
        targets.append(row)
    m_warm, m_edit = got("sl_warm_j2"), got("sl_edit_j2")
    if context["cache"] and got("sl_cold_j2") and (m_warm or m_edit):
        cold_digests = {r.stdout_digest for r in got("sl_cold_j2").runs}  # type: ignore[union-attr]
        cached_digests = {r.stdout_digest for m in (m_warm, m_edit) if m for r in m.runs}
        same = len(cold_digests) == 1 and cached_digests == cold_digests
        targets.append(ratio_row("2", "output of warm and one-file-changed runs byte-identical to cold (every run)",
                                 same, "yes" if same else "no", "identical", same))  # fmt: skip
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
        targets.append(ratio_row("3", "`flake8` with the plugin loaded vs unloaded (`-j 2`)", overhead, text,
                                 f"≤ {TARGET_PLUGIN_OVERHEAD * 100:.0f} %",
                                 overhead is not None and overhead <= TARGET_PLUGIN_OVERHEAD))  # fmt: skip
        sig_text = (
            f"{fmt_seconds(sig_only)} s, {sig_only / cold2:.1f}× cold signal-lint"
            if sig_only and cold2
            else ""
        )
        targets.append(
            ratio_row("3", "`flake8 --select SIG` alone (`-j 2`)", sig_only, sig_text, "—", None)
        )
    else:
        targets.append(ratio_row("3", "`flake8` with the plugin loaded vs unloaded (`-j 2`)", None, "",
                                 f"≤ {TARGET_PLUGIN_OVERHEAD * 100:.0f} %", None,
                                 context["plugin_reason"]))  # fmt: skip
    many = med("sl_cold_5x_j2")
    linearity = many / cold2 if many and cold2 else None
    why = "not measured (`--quick`)" if copies is None else ""
    targets.append(ratio_row("4", f"linearity: cold `-j 2`, {COPIES}x corpus time / 1x time", linearity,
                             f"{linearity:.2f}" + cpu_ratio("sl_cold_5x_j2", "sl_cold_j2") if linearity else "",
                             f"≤ {TARGET_LINEARITY:.1f} ({COPIES} = linear, +10 % allowed)",
                             linearity is not None and linearity <= TARGET_LINEARITY, why))  # fmt: skip
    m5 = got("sl_cold_5x_j2")
    peak = max((r.tree_pss_kib or 0) for r in m5.runs) / 1024 if m5 else None
    largest = max(r.max_rss_kib for r in m5.runs) / 1024 if m5 else None
    # judged on the larger of the two, in MB as the issue states it (1 MiB = 1.048576 MB)
    worst_mb = max(peak, largest) * 1.048576 if peak and largest else None
    targets.append(ratio_row("4", f"peak memory, cold `-j 2` on the {COPIES}x corpus (whole process tree PSS, and largest process RSS)",
                             worst_mb, f"{peak:.0f} MiB tree, {largest:.0f} MiB largest process = {worst_mb:.0f} MB" if worst_mb else "",
                             f"≤ {TARGET_PEAK_MB:.0f} MB ({TARGET_PEAK_MB / 1.048576:.0f} MiB)",
                             worst_mb is not None and worst_mb <= TARGET_PEAK_MB, why))  # fmt: skip
    speedup_jobs = cold1 / cold2 if cold1 and cold2 else None
    targets.append(ratio_row("5", "`--jobs 2` speed-up over `--jobs 1` (cold)", speedup_jobs,
                             f"{speedup_jobs:.2f}×" if speedup_jobs else "", "—", None))  # fmt: skip
    m1, m2 = got("sl_cold_j1"), got("sl_cold_j2")
    identical = None
    if m1 and m2:
        digests = {r.stdout_digest for r in m1.runs + m2.runs}
        identical = len(digests) == 1
        findings = m1.runs[0].stdout_lines
    targets.append(ratio_row("5", "output of `--jobs 2` byte-identical to `--jobs 1` (every run)", identical,
                             ("yes" if identical else "no") + f" ({findings} output lines)" if identical is not None else "",
                             "identical", identical))  # fmt: skip
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
    out.append(f"- **Command:** `{context['command']}` ({context['repeat']} repetition(s), total "
               f"{context['elapsed'] / 60:.0f} min)")  # fmt: skip
    out.append(f"- **Machine:** `nproc` = {machine['nproc']}, CPU {machine['cpu']}, {machine['memory']} RAM, "
               f"{machine['os']}, {machine['python']}")  # fmt: skip
    out.append(
        f"- **Load average** (1/5/15 min) at start: {context['load_start']}; at end: {context['load_end']}"
    )
    for note in context["notes"]:
        out.append(f"- **Note:** {note}")
    out.append("- **Tool versions:**")
    for name, version in context["versions"].items():
        out.append(f"  - {name}: " + (version if name == "signal-lint source" else f"`{version}`"))
    out.append(f"- **Corpus (1x):** {corpus.description}: **{fmt_count(corpus.files)} files, "
               f"{fmt_count(corpus.lines)} lines**")  # fmt: skip
    for p in corpus.packages:
        out.append(f"  - {p['name']} {p['version']} (`{'`, `'.join(p['packages'])}`): "
                   f"{fmt_count(p['files'])} files, {fmt_count(p['lines'])} lines")  # fmt: skip
    if copies is not None:
        out.append(f"- **Corpus ({COPIES}x):** {copies.description}: {fmt_count(copies.files)} files, "
                   f"{fmt_count(copies.lines)} lines")  # fmt: skip
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


# --------------------------------------------------------------------------- main


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def save_results(path: str, context: dict, measures: dict[str, Measure]) -> None:
    data = dict(context)
    data["corpus"] = dataclasses.asdict(context["corpus"])
    data["copies"] = (
        dataclasses.asdict(context["copies"]) if context["copies"] is not None else None
    )
    data["measures"] = [
        {"key": m.key, "label": m.label, "argv_display": m.argv_display, "corpus": "5x" if m.corpus is context["copies"] else "1x",
         "unavailable": m.unavailable, "note": m.note, "failure": m.failure, "runs": [dataclasses.asdict(r) for r in m.runs]}
        for m in measures.values()
    ]  # fmt: skip
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
        m = Measure(item["key"], item["label"], [], corpus, {}, unavailable=item["unavailable"], note=item["note"],
                    failure=item["failure"], argv_display=item["argv_display"])  # fmt: skip
        m.runs = [Run(**run) for run in item["runs"]]
        measures[m.key] = m
    return context, measures


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
    args = parser.parse_args(argv)  # fmt: skip
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
    output = args.output or (os.path.join(corpus_dir, "performance-quick.md") if args.quick
                             else os.path.join(REPO, "docs", "performance.md"))  # fmt: skip
    signal.signal(signal.SIGTERM, _terminate)  # so that `finally` restores the edited corpus file
    started = time.perf_counter()
    load_start = load_average()

    installed, ruff = find_tool("signal-lint"), find_tool("ruff")
    missing = [name for name, path in (("signal-lint", installed), ("ruff", ruff)) if path is None and
               (name != "signal-lint" or args.rev is None)]  # fmt: skip
    if subprocess.run([sys.executable, "-c", "import flake8"], capture_output=True).returncode != 0:
        missing.append(f"flake8 (for {sys.executable})")
    if missing:
        raise SystemExit(f"run.py: not installed: {', '.join(missing)}; run with the Python of the "
                         "environment that has signal-lint, flake8 and ruff")  # fmt: skip
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
        source_note = (f"{subject[:80]}{'…' if len(subject) > 80 else ''} (`--rev {args.rev}`: exported with "
                       "`git archive`, run as `python -m signal_lint`)")  # fmt: skip
    elif args.snapshot:
        source, changed = snapshot_worktree(corpus_dir)
        source_note = (f"snapshot of the checkout's `signal_lint/` at {git_head} taken at the start (`--snapshot`, "
                       f"run as `python -m signal_lint`)" + (f", **with uncommitted changes to {changed} file(s)**"
                       if changed else ""))  # fmt: skip
    if source is not None:
        base_env["PYTHONPATH"] = source + os.pathsep + base_env.get("PYTHONPATH", "")
        signal_lint = [sys.executable, "-m", "signal_lint"]
    else:
        assert installed is not None
        signal_lint = [installed]
        dirty = capture(["git", "-C", REPO, "status", "--porcelain", "--", "signal_lint"])
        source_note = f"the installed `signal-lint` ({os.path.dirname(capture([sys.executable, '-c', 'import signal_lint; print(signal_lint.__file__)']))}); checkout at {git_head}" + (
            ", **with uncommitted changes in signal_lint/**" if dirty else "")  # fmt: skip

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
            plugin_reason = (f"not available: the installed plugin's module `{missing_module}` is not in the "
                             "benchmarked signal-lint source")  # fmt: skip
    if plugin and plugin_listed(capture(flake8_plain + ["--version"], env=without_env)):
        raise SystemExit("run.py: flake8_wrapper.py failed to unload the signal-lint plugin")
    versions = {
        "signal-lint": capture(signal_lint + ["--version"], env=base_env),
        "flake8": flake8_version.replace("\n", " "),
        "ruff": capture([ruff, "--version"])
        + f" ({ruff_default_rules(ruff)} rules in its default set)",
    }
    versions["signal-lint source"] = source_note

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
        add(Measure(f"sl_cold_j{j}", f"signal-lint cold, `--jobs {j}`", sl_argv(j, True), corpus,
                    sl_env(f"cold{j}"), clear(f"cold{j}"), note=cold_note, keep_stdout=True,
                    sample_memory=(j == 2)))  # fmt: skip
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
    add(Measure("sl_warm_j2", "signal-lint warm (nothing changed), `--jobs 2`", warm_argv, corpus, sl_env("warm"),
                prime(warm_argv, corpus.root, sl_env("warm")), unavailable=None if cache else no_cache_reason,
                keep_stdout=True))  # fmt: skip
    add(Measure("sl_edit_j2", f"signal-lint, one file changed (`{edit_display}`), `--jobs 2`", warm_argv, corpus,
                sl_env("warm"), prime_and_edit, unavailable=None if cache else no_cache_reason,
                keep_stdout=True))  # fmt: skip

    ruff_base = [ruff, "check", "--isolated", "--no-respect-gitignore", "--exit-zero"]
    add(
        Measure(
            "ruff_default",
            "`ruff check`, default rules, no cache",
            ruff_base + ["--no-cache", "."],
            corpus,
            base_env,
        )
    )
    add(Measure("ruff_dj", "`ruff check --select DJ`, no cache", ruff_base + ["--select", "DJ", "--no-cache", "."],
                corpus, base_env))  # fmt: skip
    ruff_warm = ruff_base + ["--cache-dir", os.path.join(caches, "ruff"), "."]
    add(Measure("ruff_warm", "`ruff check`, default rules, warm cache", ruff_warm, corpus, base_env,
                prime(ruff_warm, corpus.root, base_env)), display=["ruff"] + ruff_warm[1:-2] + ["CACHE", "."])  # fmt: skip
    ruff_dj_warm = ruff_base + [
        "--select",
        "DJ",
        "--cache-dir",
        os.path.join(caches, "ruff-dj"),
        ".",
    ]
    add(Measure("ruff_dj_warm", "`ruff check --select DJ`, warm cache", ruff_dj_warm, corpus, base_env,
                prime(ruff_dj_warm, corpus.root, base_env)), display=["ruff"] + ruff_dj_warm[1:-2] + ["CACHE", "."])  # fmt: skip

    flake8_display = ["flake8"]
    for j in jobs:
        f8 = flake8_plain + ["--isolated", "--exit-zero", "-j", str(j), "."]
        add(Measure(f"flake8_j{j}", f"`flake8` default checks, `-j {j}`" + (", signal-lint plugin unloaded" if plugin else ""),
                    f8, corpus, without_env), display=flake8_display + f8[2:])  # fmt: skip
    not_installed = plugin_reason
    f8 = flake8_plain + ["--isolated", "--exit-zero", "-j", "2", "."]
    add(Measure("flake8_plugin_j2", "`flake8` default checks + signal-lint plugin, `-j 2`", f8, corpus, with_env,
                unavailable=None if plugin else not_installed), display=flake8_display + f8[2:])  # fmt: skip
    f8 = flake8_plain + ["--isolated", "--exit-zero", "-j", "2", "--select", "SIG", "."]
    add(Measure("flake8_sig_j2", "`flake8 --select SIG`, `-j 2` (flake8 still runs every plugin: `--select` only filters the report)", f8, corpus, with_env,
                unavailable=None if plugin else not_installed), display=flake8_display + f8[2:])  # fmt: skip
    if copies is not None:
        add(Measure("sl_cold_5x_j2", f"signal-lint cold, `--jobs 2`, {COPIES}x corpus", sl_argv(2, True), copies,
                    sl_env("cold5x"), clear("cold5x"), note=cold_note, sample_memory=True))  # fmt: skip

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
                        run = dataclasses.replace(run, tree_pss_kib=sampled.tree_pss_kib,
                                                  max_rss_kib=max(run.max_rss_kib, sampled.max_rss_kib))  # fmt: skip
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
    method = [
        f"Each measurement is run {args.repeat} time(s); the repetitions go round-robin over all "
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
    if source is not None:
        method.append(
            "signal-lint was run from a copy of its source (see Tool versions) with `PYTHONPATH`, as "
            "`python -m signal_lint`; the flake8 plugin rows use the same copy (flake8's entry point comes from "
            "the installed distribution's metadata)."
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
