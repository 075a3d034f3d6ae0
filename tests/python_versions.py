"""The Python versions signal-lint supports, the machine's interpreter of each, and a venv of each
with this checkout installed in it.

Used by ``tests/test_python_versions.py`` and by ``.ci/run``, which runs the fast part of the
suite in these venvs::

    python tests/python_versions.py find 3.12         # prints the interpreter, or exits 1
    python tests/python_versions.py venv 3.12 --extras test   # prints the venv's python

An interpreter is found as ``$SIGNAL_LINT_PYTHON_3_12``, else pyenv's newest ``3.12.*``, else
``python3.12`` on ``PATH``.  Venvs live in the CI cache (``ci_cache.py``), one per version,
reused between runs and by every checkout: they hold the project's requirements, not the project,
which runs from the checkout through ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import fcntl
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ci_cache import CACHE

SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
ROOT = Path(__file__).resolve().parents[1]
VENVS = CACHE / "venvs"


def current() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def find_interpreter(version: str) -> str | None:
    """The machine's Python ``version`` (``"3.12"``), or None."""
    named = os.environ.get(f"SIGNAL_LINT_PYTHON_{version.replace('.', '_')}")
    if named:
        return named
    for root in _pyenv_roots():
        found = sorted(
            glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", "python")),
            key=lambda path: [int(p) for p in Path(path).parts[-3].split(".") if p.isdigit()],
        )
        if found:
            return found[-1]
    return shutil.which(f"python{version}")


def _pyenv_roots() -> list[str]:
    roots = [os.environ.get("PYENV_ROOT", ""), os.path.expanduser("~/.pyenv")]
    if shutil.which("pyenv"):
        done = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        roots.insert(0, done.stdout.strip())
    return [root for root in dict.fromkeys(roots) if root and os.path.isdir(root)]


def venv_python(version: str, extras: str = "") -> Path:
    """The python of a venv of ``version`` holding the project's requirements (and ``extras``'),
    made or brought up to date first.  Run it with ``PYTHONPATH`` = this checkout (``env()``): the
    venv is shared by every checkout on the machine, the code comes from the one that runs.
    Raises ``RuntimeError`` saying what is missing or what failed."""
    interpreter = find_interpreter(version)
    if interpreter is None:
        name = f"SIGNAL_LINT_PYTHON_{version.replace('.', '_')}"
        raise RuntimeError(
            f"Python {version} not found (looked for ${name}, pyenv's {version}.*, "
            f"python{version} on PATH): install it (`pyenv install {version}`) or name it in {name}"
        )
    venv = VENVS / f"py{version}"
    python = venv / "bin" / "python"
    stamp = venv / "signal-lint-requirements"
    wanted = requirements(extras)
    VENVS.mkdir(parents=True, exist_ok=True)
    with open(VENVS / f"py{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run at a time makes or updates it
        if python.exists() and stamp.exists() and set(wanted) <= set(stamp.read_text().split("\n")):
            return python
        if not python.exists():
            _run([interpreter, "-m", "venv", "--clear", str(venv)], f"make a Python {version} venv")
        _run(
            [str(python), "-m", "pip", "install", "--quiet", *wanted],
            f"install the project's requirements into the Python {version} venv",
        )
        stamp.write_text("\n".join(wanted))
    return python


def requirements(extras: str = "") -> list[str]:
    """pyproject.toml's requirements, and those of ``extras`` (comma-separated)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = list(project.get("dependencies", []))
    for extra in filter(None, extras.split(",")):
        found += project.get("optional-dependencies", {}).get(extra.strip(), [])
    return sorted(set(found))


def env() -> dict[str, str]:
    """The environment to run a venv's python in: this checkout first on ``sys.path``."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"could not {what} ({' '.join(command)}, exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    find = commands.add_parser("find", help="print the interpreter of a Python version")
    find.add_argument("version", choices=SUPPORTED)
    venv = commands.add_parser("venv", help="print the python of a venv holding this checkout")
    venv.add_argument("version", choices=SUPPORTED)
    venv.add_argument("--extras", default="", help="extras' requirements too, e.g. test")
    args = parser.parse_args(argv)
    if args.command == "find":
        interpreter = find_interpreter(args.version)
        if interpreter is None:
            return 1
        print(interpreter)
        return 0
    try:
        print(venv_python(args.version, args.extras))
    except RuntimeError as error:
        print(f"python_versions: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
