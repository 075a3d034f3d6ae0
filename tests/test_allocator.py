"""The command keeps freed memory for the next parse (``signal_lint.allocator``): fewer page
faults, counted by the kernel, for the same work."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")

PARSES = """\
import ast, resource, sys
if sys.argv[1] == "keep":
    from signal_lint.allocator import keep_freed_memory
    assert keep_freed_memory()
source = "".join(f"def f{i}(a, b):\\n    return [a + b * {i} for _ in range(3)]\\n" for i in range(3000))
ast.parse(source)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    ast.parse(source)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _page_faults(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PARSES, mode], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_parsing_file_after_file_takes_fewer_pages_from_the_kernel():
    plain, kept = _page_faults("plain"), _page_faults("keep")
    assert kept < 0.85 * plain, (plain, kept)
