"""The package as PyPI gets it: ``python -m build`` makes an sdist and a wheel from a copy of
the repository; their contents and metadata are what users need, ``twine check`` accepts
them, and the project's URLs all come from the one repository address in the code.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import trove_classifiers

from signal_lint import REPOSITORY_URL

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "signal_lint"
# What a checkout holds that is not the project's own source.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".signal_lint_cache",
    ".hypothesis", ".pytest_cache", ".ruff_cache", ".mypy_cache",
)  # fmt: skip


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """An sdist, and a wheel built from that sdist (``build``'s default), in a fresh directory."""
    work = tmp_path_factory.mktemp("package")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return work / "dist"


def the(pattern: str, directory: Path) -> Path:
    (found,) = directory.glob(pattern)
    return found


def wheel_names(dist: Path) -> list[str]:
    with zipfile.ZipFile(the("*.whl", dist)) as wheel:
        return wheel.namelist()


def sdist_names(dist: Path) -> list[str]:
    with tarfile.open(the("*.tar.gz", dist)) as sdist:
        return [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]


def package_files() -> list[str]:
    """Every file of the package in the source tree: modules, the catalog, py.typed, templates."""
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def test_the_wheel_holds_the_whole_package_and_nothing_else(dist):
    names = wheel_names(dist)
    installed = sorted(name for name in names if ".dist-info/" not in name)
    assert installed == package_files()
    assert {"signal_lint/catalog/django.toml", "signal_lint/py.typed"} <= set(installed)
    assert not any(
        name.startswith(("tests/", "fixtures/", "benchmarks/", "docs/")) for name in names
    )
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_the_sdist_holds_the_source_license_and_changelog_but_no_tests_or_fixtures(dist):
    names = set(sdist_names(dist))
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"} <= names
    assert set(package_files()) <= names
    assert not any(name.startswith(("tests/", "fixtures/")) for name in names)


def wheel_metadata(dist: Path) -> email.message.Message:
    with zipfile.ZipFile(the("*.whl", dist)) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(wheel.read(name), policy=email.policy.compat32)


def test_metadata_license_classifiers_and_urls(dist):
    metadata = wheel_metadata(dist)
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    classifiers = metadata.get_all("Classifier")
    assert set(classifiers) <= trove_classifiers.classifiers  # PyPI refuses any other
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    for wanted in ("Framework :: Django", "Framework :: Flake8", "Typing :: Typed"):
        assert wanted in classifiers
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    assert not any(c.startswith("License ::") for c in classifiers)  # the expression says it
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Documentation", "Changelog", "Issues"}
    assert all(url.startswith(REPOSITORY_URL) for url in urls.values())
    assert metadata.get_all("Author") or metadata.get_all("Author-email")


def test_entry_points_give_the_command_and_the_flake8_plugin(dist):
    with zipfile.ZipFile(the("*.whl", dist)) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = wheel.read(name).decode()
    assert "signal-lint = signal_lint.cli:run" in entry_points
    assert "SIG = signal_lint.flake8_plugin:Plugin" in entry_points


def test_twine_accepts_both(dist):
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_readme_links_are_absolute_into_the_repository():
    """PyPI shows the README without the repository around it: relative links would break."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert links
    for link in links:
        assert link.startswith("https://"), f"relative link in README.md: {link}"
        if link.startswith(f"{REPOSITORY_URL}/blob/main/"):
            target = link[len(f"{REPOSITORY_URL}/blob/main/") :].split("#")[0]
            assert (ROOT / target).is_file(), link
        elif link.startswith(REPOSITORY_URL):
            assert link in (REPOSITORY_URL, f"{REPOSITORY_URL}/issues"), link


def test_every_repository_address_is_the_one_in_the_code():
    """SARIF's helpUri, JSON urls, pyproject and the docs name one repository."""
    owner_repo = REPOSITORY_URL.removeprefix("https://github.com/")
    texts = [ROOT / "README.md", ROOT / "pyproject.toml", *sorted((ROOT / "docs").rglob("*.md"))]
    for path in texts:
        for found in re.findall(r"https://github\.com/([\w.-]+/[\w.-]+)", path.read_text("utf-8")):
            if found.startswith("signal-lint/"):
                assert found.removesuffix(".git") == owner_repo, (path, found)
