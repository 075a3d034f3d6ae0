"""Building the benchmark corpus: Django and large Django packages from PyPI, unpacked once, and
a {COPIES}x copy of it for the linearity measurement."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from common import log

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
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        dest,
        *requirements,
    ]
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
                {
                    "name": distribution,
                    "version": version,
                    "wheel": os.path.basename(wheel),
                    "packages": list(tops),
                    "files": files,
                    "lines": lines,
                }
            )
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
            many,
            f,
            n,
            packages,
            f"{COPIES} copies of the 1x tree side by side, each under its own package `copyN/` "
            f"(so module names differ: `copy1.django.db`, ...)",
        )
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
