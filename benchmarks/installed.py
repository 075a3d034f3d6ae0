#!/usr/bin/env python3
"""Cold and warm runs on a project whose environment holds django-allauth, wagtail and django-cms.

The environment is the tests' (``tests/installed/requirements.txt``: real wheels
from PyPI, pinned; built once and cached, see ``tests/packages_environment.py``)
unless ``--python`` names another; the project is a copy of
``fixtures/projects/installed_packages``.  Timed in round-robin over
``--repeat`` repetitions, each a fresh ``python -m signal_lint check``:

* ``project only``: no environment (what a run costs without installed packages);
* ``cold``: the environment, an empty cache directory: every package is read;
* ``warm``: the same again: the run's findings come from the cache;
* ``warm, one file changed``: a project file edited: the project is checked again, the
  packages come from the cache (no file of site-packages is opened).

Prints a Markdown section (medians, min-max, the ratios) and, with ``--write``, puts it in
docs/performance.md between ``<!-- BEGIN benchmarks/installed.py -->`` and its END marker
(``benchmarks/run.py`` keeps that section when it rewrites the page).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from common import write_section  # noqa: E402
from packages_environment import FIXTURE_PROJECT, build_environment  # noqa: E402


def run(project: Path, *argv: str) -> float:
    environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "signal_lint", "check", "--format", "json", *argv, "."],
        cwd=project,
        env=environment,
        capture_output=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"signal-lint failed: {result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help="the environment (default: the tests' one, built once)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    venv = Path(args.python) if args.python else build_environment()
    times: dict[str, list[float]] = {
        "project only": [],
        "cold": [],
        "warm": [],
        "warm, one file changed": [],
    }
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(FIXTURE_PROJECT, project)
        changed = project / "accounts" / "receivers.py"
        original = changed.read_text()
        for repetition in range(args.repeat):
            cache = Path(scratch) / f"cache-{repetition}"
            common = ["--jobs", args.jobs, "--cache-dir", str(cache)]
            python = ["--python", str(venv)]
            times["project only"].append(run(project, "--no-cache", "--jobs", args.jobs))
            times["cold"].append(run(project, *common, *python))
            times["warm"].append(run(project, *common, *python))
            changed.write_text(original + f"\n# edit {repetition}\n")
            times["warm, one file changed"].append(run(project, *common, *python))
            changed.write_text(original)
    section = report(times, args, venv)
    print(section)
    if args.write:
        write_section(str(REPO / "docs" / "performance.md"), MARK, section)
    return 0


MARK = "benchmarks/installed.py"


def report(times: dict[str, list[float]], args: argparse.Namespace, venv: Path) -> str:
    median = {name: statistics.median(values) for name, values in times.items()}
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        "## Installed packages: cold and warm",
        "",
        f"Measured by `python benchmarks/installed.py --write` ({args.repeat} repetitions in "
        f"round-robin, `--jobs {args.jobs}`; load average at the end {load}): `signal-lint "
        "check` on `fixtures/projects/installed_packages`, whose environment holds "
        "django-allauth, wagtail and django-cms (and django-registration), pinned in "
        "`tests/installed/requirements.txt`. Each run is a new process.",
        "",
        "| run | median | min-max |",
        "|---|---|---|",
    ]
    for name, values in times.items():
        lines.append(f"| {name} | {median[name]:.2f} s | {min(values):.2f}-{max(values):.2f} s |")
    cold = median["cold"]
    lines += [
        "",
        f"- cold, the packages read / the project alone: {cold / median['project only']:.1f}x",
        f"- warm / cold: {median['warm'] / cold:.2f}",
        f"- warm with one project file changed / cold: "
        f"{median['warm, one file changed'] / cold:.2f} (the packages come from the cache: no "
        "file of site-packages is opened, `tests/installed/test_check_with_environment.py` "
        "checks it with an audit hook)",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
