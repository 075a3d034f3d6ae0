"""Running the tools: one timed run of a command (wall and CPU time, peak memory), the
measurements, and which signal-lint, flake8 and ruff are there to measure."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from common import HERE, REPO, fmt_count, log
from corpus import Corpus

FLAKE8_WRAPPER = os.path.join(HERE, "flake8_wrapper.py")
DROP_VARIABLE = "BENCH_FLAKE8_DROP_SIGNAL_LINT"
RUN_TIMEOUT = 3600.0  # seconds; a run that takes longer is killed and reported as failed


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


def run_once(
    argv: Sequence[str],
    cwd: str,
    env: dict[str, str],
    *,
    keep_stdout: bool = False,
    sample_memory: bool = False,
) -> Run:
    """Run ``argv`` to completion, timing it; raise RunFailed on a non-zero exit."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out if keep_stdout else subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
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
        return Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            peak[0] if sample_memory else None,
            digest,
            lines,
        )


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
        archive = subprocess.run(
            ["git", "-C", REPO, "archive", "--format=tar", sha, "signal_lint"],
            capture_output=True,
            check=True,
        ).stdout
        staging = target + ".tmp"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Pythons without extraction filters
                tar.extractall(staging)
        os.replace(staging, target)
    compile_bytecode(target)
    return sha, target


def compile_bytecode(source: str) -> None:
    """Write the ``.pyc`` files of a copy of ``signal_lint/``, as ``pip install`` does for an
    installed package (and had done for flake8 and its plugins): otherwise every timed run, and
    every worker, compiles the modules it imports (``PYTHONDONTWRITEBYTECODE`` may be set)."""
    import compileall

    compileall.compile_dir(os.path.join(source, "signal_lint"), quiet=1)


def snapshot_worktree(corpus_dir: str) -> tuple[str, int]:
    """A copy of the checkout's ``signal_lint/`` as it is now: (directory for sys.path, files changed vs HEAD)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = os.path.join(corpus_dir, "signal-lint-src", f"snapshot-{stamp}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        os.path.join(REPO, "signal_lint"),
        os.path.join(target, "signal_lint"),
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    compile_bytecode(target)
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


# What ``install_kind`` runs in the benchmark's Python: how signal-lint is installed there.
_INSTALL_PROBE = """\
import importlib.metadata as metadata, json
try:
    found = metadata.distribution("signal-lint")
except metadata.PackageNotFoundError:
    print("none")
else:
    url = json.loads(found.read_text("direct_url.json") or "{}")
    print("editable" if url.get("dir_info", {}).get("editable") else "regular")
"""


def install_kind() -> str:
    """How signal-lint is installed where the benchmark runs, said in the report: an editable
    install (a development checkout) puts a path finder into every Python start, about 10 ms a
    process for signal-lint and flake8 alike, which an install from PyPI does not have."""
    kind = capture([sys.executable, "-c", _INSTALL_PROBE])
    return {
        "regular": "a regular install (`pip install`), as users install it",
        "editable": "an editable install (`pip install -e`): every Python start, signal-lint's "
        "and flake8's, also loads its path finder (~10 ms), which an install from PyPI does not",
        "none": "not installed",
    }.get(kind, f"unknown ({kind})")


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
    argv = [
        ruff,
        "check",
        "--isolated",
        "--no-respect-gitignore",
        "--exit-zero",
        "--no-cache",
        "--output-format",
        "concise",
        *options,
        ".",
    ]
    listing = capture(argv, cwd=root)
    return fmt_count(
        len({line.split(":", 1)[0] for line in listing.splitlines() if ".py:" in line})
    )


def plugin_listed(version_output: str) -> bool:
    text = version_output.lower()
    return "signal-lint" in text or "signal_lint" in text
