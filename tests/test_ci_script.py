"""CI runs what the README tells a contributor to run: its test command's install and pytest
steps are steps of ``.ci/run``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_test_command() -> list[str]:
    """The steps of the README's "Run the tests" command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**Run the tests:**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [step.strip() for step in block.strip().split("&&")]


def ci_lines() -> list[str]:
    return [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]


def extras(step: str) -> set[str]:
    found = re.search(r"pip install (?:--quiet )?-e '\.\[([^\]]*)\]'", step)
    assert found, f"no `pip install -e '.[...]'` in {step!r}"
    return set(found.group(1).split(","))


def test_ci_runs_the_readmes_test_command() -> None:
    steps = readme_test_command()
    pytest_step = steps[-1]
    assert pytest_step.startswith("python -m pytest"), steps
    assert pytest_step in ci_lines(), (
        f"the README's test command ends with `{pytest_step}`, which .ci/run does not run: "
        "make them the same"
    )


def test_ci_installs_at_least_the_readmes_extras() -> None:
    (readme_install,) = [step for step in readme_test_command() if "pip install" in step]
    ci_installs = [line for line in ci_lines() if line.startswith("pip install")]
    assert len(ci_installs) == 1, ci_installs
    missing = extras(readme_install) - extras(ci_installs[0])
    assert not missing, f".ci/run does not install the README's extras {sorted(missing)}"
