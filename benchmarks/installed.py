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

Prints a Markdown table (medians, min-max) and the ratios, for docs/performance.md.
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
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.repeat} repetitions, --jobs {args.jobs}, environment {venv}\n")
    print("| run | median | min-max |")
    print("|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {median[name]:.2f} s | {min(values):.2f}-{max(values):.2f} s |")
    print()
    print(f"- cold / project only: {median['cold'] / median['project only']:.1f}x")
    print(f"- warm / cold: {median['warm'] / median['cold']:.2f}")
    print(
        f"- warm with one file changed / cold: "
        f"{median['warm, one file changed'] / median['cold']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
