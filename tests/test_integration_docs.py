"""The integration guides' commands are run as written, on a copy of the example project.

Shell commands are read from the ```sh blocks of docs/baseline.md,
docs/flake8.md, docs/github-actions.md and docs/gitlab-ci.md (``pip install``
lines excepted: the package under test is installed already), workflow steps
from docs/examples/signal-lint.yml and the GitLab job of docs/gitlab-ci.md.
The pre-commit guide's ``try-repo`` command is run by tests/test_pre_commit.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from signal_lint import __version__

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "fixtures" / "example_project"
WORKFLOW = DOCS / "examples" / "signal-lint.yml"
SARIF_SCHEMA = ROOT / "tests" / "report" / "sarif-schema-2.1.0.json"
FINDING_LINE = re.compile(r"^(\./)?[\w/.]+\.py:\d+:\d+: [A-Z]+\d+ ")


def blocks(page: str, language: str) -> list[str]:
    """The fenced code blocks of a page in ``language`` ("" for blocks without one), dedented."""
    found: list[str] = []
    current: list[str] | None = None
    kind = ""
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines(keepends=True):
        stripped = line.strip()
        if current is None and stripped.startswith("```"):
            current, kind = [], stripped[3:].strip()
        elif current is not None and stripped == "```":
            if kind == language:
                found.append(textwrap.dedent("".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return found


def commands(page: str) -> list[str]:
    lines = [line.strip() for block in blocks(page, "sh") for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "pip install"))]


@pytest.fixture
def project(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "project")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "project", check=True)
    return tmp_path / "project"


@pytest.fixture
def shell(project, tmp_path):
    environment = {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "SIGNAL_LINT_CACHE_DIR": str(tmp_path / "cache"),
    }

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            shell=True,
            executable="/bin/bash",
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


PASSED = "All checks passed!\n"  # the summary line of a run without findings
SUMMARY = re.compile(r"^Found \d+ findings?( \(.*\))?\.$")


def findings(output: str) -> list[str]:
    """The finding lines of flake8's output, or of signal-lint's text output without its summary line."""
    lines = output.splitlines()
    if lines and SUMMARY.match(lines[-1]):
        assert f"Found {len(lines) - 1} finding" in lines.pop(), output
    assert lines and all(FINDING_LINE.match(line) for line in lines), output
    return lines


# --- baseline.md ---------------------------------------------------------------


def test_baseline_guide(project, shell):
    write, add, check = commands("baseline.md")
    assert (
        write.startswith("signal-lint check --write-baseline ")
        and add.startswith("git add ")
        and check.startswith("signal-lint check --baseline ")
    )
    result = shell(write)
    assert (result.returncode, result.stdout) == (0, "") and result.stderr.startswith(
        "signal-lint: wrote "
    )
    assert shell(add).returncode == 0
    result = shell(check)
    assert (result.returncode, result.stdout, result.stderr) == (0, PASSED, "")

    receivers = project / "shop" / "receivers.py"
    receivers.write_text(
        receivers.read_text()
        + (
            "\n\n@receiver(post_save, sender=Order)\ndef on_order_saved_again(sender, instance, "
            "request, **kwargs):\n    pass\n"
        )
    )
    result = shell(check)
    assert result.returncode == 1
    assert [line.split(": ")[1].split()[0] for line in findings(result.stdout)] == ["SIG004"]

    # fix a recorded finding: stderr says so, as the guide shows
    text = receivers.read_text()
    assert text.count('dispatch_uid=""') == 1
    receivers.write_text(text.replace('dispatch_uid=""', 'dispatch_uid="shop.normalize_tag_name"'))
    result = shell(check)
    shown = blocks("baseline.md", "")[0].splitlines()
    stderr = result.stderr.splitlines()
    assert stderr[0] == shown[0]
    assert stderr[1].startswith(shown[1].rstrip(".").rstrip())


# --- flake8.md -----------------------------------------------------------------


def test_flake8_guide_commands(shell):
    run = commands("flake8.md")
    assert [command.split()[0] for command in run] == ["flake8"] * 3
    outputs = {}
    for command in run:
        result = shell(command)
        assert result.returncode == 1 and result.stderr == "", command
        outputs[command] = findings(result.stdout)
        assert all(" SIG" in line for line in outputs[command])
    assert any(
        " SIG101 " in line for line in outputs["flake8 --select SIG --signal-lint-project ."]
    )
    assert not any(" SIG101 " in line for line in outputs["flake8 --select SIG ."])


def test_flake8_guide_configuration(project, shell):
    (ini,) = blocks("flake8.md", "ini")
    (project / ".flake8").write_text(ini)
    result = shell("flake8 .")
    assert result.stderr == ""
    codes = {line.split(": ")[1].split()[0] for line in findings(result.stdout)}
    assert "SIG004" in codes and "SIG013" not in codes
    (python,) = blocks("flake8.md", "python")
    assert "# noqa: SIG004" in python


# --- github-actions.md ------------------------------------------------------------


def workflow_steps() -> list[dict[str, object]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    job = workflow["jobs"]["signal-lint"]
    assert job["permissions"]["security-events"] == "write"
    return job["steps"]


def test_the_guide_shows_the_workflow_file():
    assert WORKFLOW.read_text(encoding="utf-8") in blocks("github-actions.md", "yaml")


def test_the_workflow_runs_the_guides_commands(shell, project):
    steps = workflow_steps()
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "github/codeql-action/upload-sarif",
    ]
    upload = next(
        step
        for step in steps
        if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif")
    )
    run = [str(step["run"]) for step in steps if "run" in step]
    assert run[0] == "pip install signal-lint"
    assert run[1:] == commands("github-actions.md")[:2]

    sarif = shell(run[1])
    assert sarif.returncode == 0, sarif.stderr
    log = json.loads((project / str(upload["with"]["sarif_file"])).read_text())
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(log)) == []
    assert log["runs"][0]["results"]

    annotations = shell(run[2])
    assert annotations.returncode == 1
    lines = annotations.stdout.splitlines()
    assert lines and all(
        re.match(
            r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=SIG\d{3} [a-z0-9-]+::SIG\d{3} ",
            line,
        )
        for line in lines
    )
    assert len(lines) == len(log["runs"][0]["results"])


def test_the_github_baseline_variant(shell):
    write = commands("baseline.md")[0]
    assert shell(write).returncode == 0
    variant = commands("github-actions.md")[2]
    assert "--baseline" in variant
    result = shell(variant)
    assert (result.returncode, result.stdout) == (0, "")  # annotations only: no summary


# --- gitlab-ci.md ---------------------------------------------------------------


def test_the_gitlab_job_runs_the_guides_commands(shell, project):
    (config,) = list(blocks("gitlab-ci.md", "yaml"))
    job = yaml.safe_load(config)["signal-lint"]
    script = job["script"]
    assert script[0] == "pip install signal-lint"
    assert script[1:] == commands("gitlab-ci.md")[:2]
    report = job["artifacts"]["reports"]["codequality"]

    result = shell(script[1])
    assert result.returncode == 0, result.stderr
    issues = json.loads((project / report).read_text())
    assert issues and len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert (project / issue["location"]["path"]).is_file() and issue["location"]["lines"][
            "begin"
        ] >= 1

    result = shell(script[2])
    assert result.returncode == 1
    assert len(findings(result.stdout)) == len(issues)


def test_the_gitlab_baseline_variant(shell):
    assert shell(commands("baseline.md")[0]).returncode == 0
    variant = commands("gitlab-ci.md")[2]
    assert "--baseline" in variant
    assert shell(variant).returncode == 0


# --- pre-commit.md --------------------------------------------------------------


def test_the_hook_manifest_and_the_guides_configurations_are_valid(tmp_path):
    manifest = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "validate-manifest",
            str(ROOT / ".pre-commit-hooks.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["signal-lint"]["entry"] == "signal-lint check --project-root ."
    configurations = blocks("pre-commit.md", "yaml")
    assert len(configurations) == 5  # check, no file names, args, the fix hook, the graph hook
    for number, block in enumerate(configurations):
        path = tmp_path / f"config{number}.yaml"
        path.write_text(block)
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", str(path)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        for repository in yaml.safe_load(block)["repos"]:
            if repository["repo"] != "local":
                assert repository["rev"] == f"v{__version__}"
                assert {hook["id"] for hook in repository["hooks"]} <= set(hooks)


def test_the_graph_report_hook_refreshes_the_report(project, tmp_path):
    (block,) = [block for block in blocks("pre-commit.md", "yaml") if "repo: local" in block]
    (project / ".pre-commit-config.yaml").write_text(block)
    report = (
        project
        / yaml.safe_load(block)["repos"][0]["hooks"][0]["entry"].split("--output ")[1].split()[0]
    )
    environment = {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "SIGNAL_LINT_CACHE_DIR": str(tmp_path / "cache"),
        "PRE_COMMIT_HOME": str(tmp_path / "home"),
    }
    environment.pop("PRE_COMMIT", None)

    def pre_commit() -> subprocess.CompletedProcess:
        subprocess.run(["git", "add", "-A"], cwd=project, check=True)
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "signal-lint-graph", "--all-files"],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = pre_commit()  # writes the report, which is not in git yet
    assert first.returncode == 0, first.stdout + first.stderr
    assert "shop.receivers.on_order_saved_wrong_arg_create" in report.read_text()
    second = pre_commit()  # the report is added: nothing changes
    assert second.returncode == 0, second.stdout + second.stderr
    receivers = project / "shop" / "receivers.py"
    receivers.write_text(
        receivers.read_text()
        + "\n\n@receiver(post_save, sender=Order)\ndef on_order_saved_again(sender, **kwargs):\n    pass\n"
    )
    third = pre_commit()  # the graph changed: the report is rewritten and the commit stopped
    assert third.returncode == 1 and "files were modified by this hook" in third.stdout, (
        third.stdout + third.stderr
    )
    assert "on_order_saved_again" in report.read_text()
    assert pre_commit().returncode == 0


def test_the_guides_hook_command_is_the_manifests():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    shown = [
        block.strip()
        for block in blocks("pre-commit.md", "")
        if block.strip().startswith("signal-lint check")
    ]
    assert shown == [hooks[0]["entry"] + " FILE..."]
