"""docs/architecture.md stays true: its module map lists exactly the modules of signal_lint/, and
every import in signal_lint/ follows its table of what each stage may import."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\|(.*)\|\s*$")


def table(heading: str) -> list[list[str]]:
    """The cells of the table under ``## heading`` (header and separator rows left out)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines()]
    cells = [[cell.strip() for cell in row.group(1).split("|")] for row in rows if row]
    return cells[2:]


def modules() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "signal_lint").rglob("*.py"))


def mapped() -> dict[str, str]:
    """Module path -> stage, from the module map."""
    return {row[0].strip("`"): row[1] for row in table("Module map")}


def suggested_row(path: str, listed: dict[str, str]) -> str:
    """The module map row to add for ``path``: its package's stage (when the package's listed
    modules share one) and the first line of its docstring."""
    package = path.rsplit("/", 1)[0] + "/"
    siblings = {
        stage for other, stage in listed.items() if other.rsplit("/", 1)[0] + "/" == package
    }
    if package == "signal_lint/" or len(siblings) != 1:
        names = ", ".join(row[0] for row in table("What each stage may import"))
        stage = f"<its stage: one of {names}, or a new row of 'What each stage may import'>"
    else:
        (stage,) = siblings
    docstring = ast.get_docstring(ast.parse((ROOT / path).read_bytes())) or ""
    holds = docstring.split("\n")[0].strip() or "<what it holds>"
    return f"| `{path}` | {stage} | {holds} |"


def test_every_module_is_in_the_module_map() -> None:
    listed = mapped()
    missing = [path for path in modules() if path not in listed]
    assert not missing, (
        "docs/architecture.md's module map lacks modules; add these rows to the table under "
        "'## Module map', in path order (shorten the description to a line):\n"
        + "\n".join(suggested_row(path, listed) for path in missing)
    )


def test_every_module_in_the_map_exists() -> None:
    gone = [path for path in mapped() if not (ROOT / path).is_file()]
    assert not gone, "\n".join(
        f"{path} is in docs/architecture.md's module map but does not exist: remove its row "
        "(or fix the path)"
        for path in gone
    )


def test_the_module_map_is_in_path_order_and_names_known_stages() -> None:
    listed = list(mapped())
    assert listed == sorted(listed), "keep docs/architecture.md's module map in path order"
    stages = {row[0] for row in table("What each stage may import")}
    unknown = {path: stage for path, stage in mapped().items() if stage not in stages}
    assert not unknown, f"module map rows with a stage not in the stages table: {unknown}"


def test_each_stage_lists_its_modules_as_the_map_does() -> None:
    """The stages table names each stage's modules (files or directories); the map agrees."""
    for stage, where, _ in table("What each stage may import"):
        for place in re.findall(r"`([^`]+)`", where):
            in_map = {p: s for p, s in mapped().items() if p == place or p.startswith(place)}
            assert in_map, f"stage {stage}: {place} names no module of the map"
            wrong = {p: s for p, s in in_map.items() if s != stage}
            assert not wrong, f"stage {stage} lists {place}, but the map says {wrong}"


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each ``signal_lint`` import (``from signal_lint import x`` names x)."""
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "signal_lint":
                found += [(node.lineno, f"signal_lint.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] == "signal_lint"]


def stage_of_module(name: str, stages: dict[str, str]) -> str | None:
    """The stage of a dotted module name (or of a name imported from the package); None for a
    module the map lacks (test_every_module_is_in_the_module_map reports it)."""
    parts = name.split(".")
    for length in range(len(parts), 0, -1):
        base = "/".join(parts[:length])
        for path in (f"{base}.py", f"{base}/__init__.py"):
            if path in stages:
                return stages[path]
            if (ROOT / path).is_file():
                return None
    return stages["signal_lint/__init__.py"]  # ``from signal_lint import __version__``


def test_imports_follow_the_stage_table() -> None:
    stages = mapped()
    allowed = {
        stage: {s.strip() for s in may.split(",") if s.strip() and s.strip() != "(nothing)"}
        for stage, _, may in table("What each stage may import")
    }
    wrong = []
    for path in modules():
        own = stages.get(path)
        if own is None:
            continue  # reported by test_every_module_is_in_the_module_map
        for line, name in imports_of(ROOT / path):
            other = stage_of_module(name, stages)
            if other is not None and other != own and other not in allowed[own]:
                wrong.append(
                    f"{path}:{line} imports {name} ({other}), which stage {own} may not import: "
                    f"import it another way, or if the dependency is right add `{other}` to the "
                    f"'May import' cell of {own} in docs/architecture.md"
                )
    assert not wrong, "\n".join(wrong)


def test_a_check_without_fixes_never_imports_libcst(tmp_path):
    """Reading uses ast; libcst (about 0.13 s to import) is loaded only to write fixes, to build
    the edits JSON output shows, or for syntax newer than the running Python."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from signal_lint.cli import main\n"
        "try:\n"
        "    main(['check', '--no-cache', '--output-format', sys.argv[1], sys.argv[2]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('libcst' in sys.modules, file=sys.stderr)\n"
    )
    project = str(ROOT / "fixtures" / "example_project")
    loaded = {}
    for output in ("concise", "full", "json"):
        result = subprocess.run(
            [sys.executable, "-c", script, output, project],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        loaded[output] = result.stderr.strip().splitlines()[-1]
    # JSON carries each fix's edit, which the fixer computes with libcst
    assert loaded == {"concise": "False", "full": "False", "json": "True"}
