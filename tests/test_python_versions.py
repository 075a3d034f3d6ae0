"""``check`` and ``graph`` on the example project print the same bytes under every supported
Python (3.10 to 3.13): ``ast`` differs between versions (node fields, positions of decorators
and f-strings), and the output must not.

Each version runs the CLI of this checkout from a venv ``python_versions.py`` keeps (made on
first use, then reused); the reference is the interpreter running the tests.  A supported
version missing from the machine fails its test, saying how to provide it: with pyenv, as on
the CI machines, all four are there.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from python_versions import ROOT, SUPPORTED, current, env, venv_python

PROJECT = "fixtures/example_project"
RUNS = {
    "check-text": ["check", PROJECT],
    "check-json": ["check", "--format", "json", PROJECT],
    "graph-json": ["graph", "--format", "json", PROJECT],
    "graph-text": ["graph", "--format", "text", PROJECT],
    "graph-dot": ["graph", "--format", "dot", PROJECT],
    "graph-mermaid": ["graph", "--format", "mermaid", PROJECT],
}


def outputs(python: str) -> dict[str, tuple[int, bytes, bytes]]:
    """Each run's (exit status, stdout, stderr), from the repository root, without a cache."""
    found = {}
    for name, arguments in RUNS.items():
        done = subprocess.run(
            [python, "-m", "signal_lint", *arguments, "--no-cache"],
            cwd=ROOT,
            env=env(),
            capture_output=True,
            timeout=600,
            check=False,
        )
        found[name] = (done.returncode, done.stdout, done.stderr)
    return found


@pytest.fixture(scope="module")
def reference() -> dict[str, tuple[int, bytes, bytes]]:
    found = outputs(sys.executable)
    assert found["check-text"][0] == 1 and found["check-text"][1].count(b": SIG") > 10
    assert all(code in (0, 1) and out for code, out, _ in found.values())
    return found


@pytest.mark.parametrize("version", [v for v in SUPPORTED if v != current()])
def test_output_is_the_same_under_python(version: str, reference) -> None:
    try:
        python = venv_python(version)
    except RuntimeError as error:
        pytest.fail(str(error))
    found = outputs(str(python))
    for name in RUNS:
        assert found[name] == reference[name], f"`{name}` differs under Python {version}"
