"""``signal-lint graph-diff OLD.json NEW.json`` on two commits of a fixture project.

The test makes a git repository of ``fixtures/projects/cascade``, commits a
change a pull request could make (a receiver added, one removed, a
``dispatch_uid`` changed so that another receiver stops being ignored, lines
shifted, a finding added), builds the graph of each commit in its own
checkout, as the GitHub Actions example does, and compares the diff with
golden files.  ``SIGNAL_LINT_UPDATE_GOLDEN=1`` rewrites them (review the diff).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from signal_lint.cli import main
from signal_lint.report.graph_diff import as_markdown, diff

ROOT = Path(__file__).resolve().parents[2]
CASCADE = ROOT / "fixtures" / "projects" / "cascade"
GOLDEN = Path(__file__).resolve().parent / "golden"
WORKFLOW = ROOT / "docs" / "examples" / "signal-graph-diff.yml"


def git(cwd: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def commits(tmp_path_factory) -> tuple[Path, str, str]:
    repo = tmp_path_factory.mktemp("repo") / "project"
    shutil.copytree(CASCADE, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    edit(
        repo / "shop" / "handlers_a.py",
        'dispatch_uid="shop.order_saved_second")\ndef order_saved_second',
        'dispatch_uid="shop.order_saved_2")\ndef order_saved_second',
    )
    edit(
        repo / "shop" / "handlers_a.py",
        "@receiver(m2m_changed, sender=Order.tags.through)\n"
        "def tags_changed(sender, instance, action, **kwargs):\n    pass\n",
        "",
    )
    edit(
        repo / "shop" / "handlers_b.py",
        "from django",
        '"""Receivers connected first."""\n\nfrom django',
    )
    (repo / "billing" / "receivers.py").write_text(
        (repo / "billing" / "receivers.py").read_text()
        + "\n\n@receiver(post_delete, sender=Invoice)\ndef invoice_deleted_again(sender, instance):\n    pass\n"
    )
    git(repo, "commit", "-q", "-am", "head")
    head = git(repo, "rev-parse", "HEAD")
    return repo, base, head


def graph_of(repo: Path, revision: str, directory: Path) -> Path:
    """``git worktree add`` the revision and write its graph JSON, from outside the checkout."""
    checkout = directory / revision[:12]
    git(repo, "worktree", "add", "-q", "--detach", str(checkout), revision)
    target = directory / f"{revision[:12]}.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "signal_lint",
            "graph",
            str(checkout),
            "--format",
            "json",
            "--no-cache",
            "-o",
            str(target),
        ],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="module")
def graphs(commits, tmp_path_factory) -> tuple[Path, Path]:
    repo, base, head = commits
    directory = tmp_path_factory.mktemp("graphs")
    return graph_of(repo, base, directory), graph_of(repo, head, directory)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("SIGNAL_LINT_UPDATE_GOLDEN") and text:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fmt", "name"), [("text", "graph_diff.txt"), ("markdown", "graph_diff.md")]
)
def test_golden_diff_of_two_commits(graphs, capsys, fmt, name):
    old, new = graphs
    code, out, err = run(capsys, "graph-diff", str(old), str(new), "--output-format", fmt)
    assert (code, err) == (0, "")
    assert out == golden(name, out)


def test_json_diff(graphs, capsys):
    old, new = graphs
    code, out, _ = run(capsys, "graph-diff", str(old), str(new), "--output-format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["summary"] == {
        "connections_added": 1,
        "connections_removed": 1,
        "connections_changed": 2,
        "findings_added": 1,
        "findings_fixed": 1,
    }
    (added,) = result["connections"]["added"]
    assert (added["receiver"], added["sender"], added["status"]) == (
        "billing.receivers.invoice_deleted_again",
        "billing.models.Invoice",
        "live",
    )
    (removed,) = result["connections"]["removed"]
    assert removed["receiver"] == "shop.handlers_a.tags_changed"
    changed = {c["new"]["receiver"]: c["changed"] for c in result["connections"]["changed"]}
    assert changed == {
        "shop.handlers_a.order_saved_duplicate": ["status"],  # no longer loses the uid
        "shop.handlers_a.order_saved_second": ["dispatch_uid"],
    }
    assert [f["code"] for f in result["findings"]["added"]] == ["SIG001"]
    # the uid collision is gone; SIG107's message now names one more receiver: the same finding
    assert [f["code"] for f in result["findings"]["fixed"]] == ["SIG102"]
    # lines moved in handlers_b.py: nothing there is a change
    assert not any("handlers_b" in json.dumps(c) for c in result["connections"].values())


def test_no_change(graphs, capsys):
    old, _ = graphs
    assert run(capsys, "graph-diff", str(old), str(old)) == (
        0,
        "no change to the signal graph\n",
        "",
    )
    _code, out, _ = run(capsys, "graph-diff", str(old), str(old), "--output-format", "markdown")
    assert out == "### Signal graph changes\n\nNo change to the signal graph.\n"


def test_fixed_findings_and_senders_of_any_shape():
    old = {
        "connections": [
            {
                "signal": "s.sig",
                "receiver": "r.f",
                "sender": {"unresolved": "get_model()"},
                "dispatch_uid": None,
                "status": "live",
                "path": "r.py",
                "line": 3,
            },
        ],
        "findings": [
            {
                "code": "SIG004",
                "path": "r.py",
                "line": 4,
                "message": "parameter `x|y` of `r_f` is <bad>",
            }
        ],
    }
    new = {
        "connections": [
            {
                "signal": "s.sig",
                "receiver": "r.f",
                "sender": "app.models.Thing",
                "dispatch_uid": None,
                "status": "test-only",
                "path": "r.py",
                "line": 9,
            },
        ],
        "findings": [],
    }
    result = diff(old, new)
    (change,) = result["connections"]["changed"]
    assert change["changed"] == ["status", "sender"]
    assert [f["code"] for f in result["findings"]["fixed"]] == ["SIG004"]
    markdown = as_markdown(result)
    assert (
        "status live → test-only; sender (unresolved: get\\_model()) → app.models.Thing" in markdown
    )
    assert "| fixed | SIG004 | `r.py:4` | parameter `x\\|y` of `r_f` is &lt;bad&gt; |" in markdown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{", "is not JSON"),
        ("[]", "is not a signal graph"),
        ('{"connections": [1]}', "`connections` must be a list of objects"),
        ('{"connections": [{"signal": 1}]}', "a connection without `signal` and `receiver` names"),
    ],
)
def test_bad_input_is_a_usage_error(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    good = tmp_path / "good.json"
    good.write_text('{"connections": []}')
    code, out, err = run(capsys, "graph-diff", str(bad), str(good))
    assert (code, out) == (2, "")
    assert err.startswith("signal-lint: ") and message in err, err


def test_the_workflow_example_writes_the_diff_to_the_job_summary(commits, tmp_path):
    """The GitHub Actions example's own ``run:`` steps, run in the repository at the head commit
    (signal-lint installed here stands in for its install step)."""
    import yaml  # pre-commit depends on PyYAML

    repo, base, head = commits
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["graph-diff"]["steps"]
    assert workflow[True] == {"pull_request": None}  # YAML 1.1 reads the key `on` as True
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    summary = tmp_path / "summary.md"
    summary.write_text("")
    bin_dir = str(Path(sys.executable).parent)
    environment = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    ran = 0
    for step in steps:
        if "run" not in step or step.get("name") == "Install signal-lint":
            continue
        env = {
            key: base if value == "${{ github.event.pull_request.base.sha }}" else value
            for key, value in (step.get("env") or {}).items()
        }
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env={**environment, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (step["name"], done.stderr)
        ran += 1
    assert ran == 2
    assert git(repo, "rev-parse", "HEAD") == head
    assert summary.read_text(encoding="utf-8") == golden("graph_diff.md", "")
