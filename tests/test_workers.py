"""A killed run leaves no worker processes behind.

``kill -9`` of a parallel run (a CI job's timeout does this) used to leave
its pool workers blocked on their task queue for ever.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from signal_lint.engine import _chunks, _claim, _extract_chunk, _share

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc (Linux)")

# Enough work that the run is still busy when it is killed: it is killed as soon as workers exist.
MODULE = "from django.dispatch import receiver, Signal\n\n" + "".join(
    f"@receiver(Signal())\ndef handler_{i}(sender, value_{i}, **kwargs):\n"
    f"    if value_{i} and sender.x_{i}:\n        return [v for v in value_{i}]\n\n"
    for i in range(1500)
)


def _descendants(pid: int) -> set[int]:
    """Living processes below ``pid`` (any depth: the workers of a fork server too)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # a zombie is dead
            parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _living(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_workers_exit_when_the_run_is_killed(tmp_path):
    for index in range(70):
        (tmp_path / f"m{index:03}.py").write_text(MODULE)
    run = subprocess.Popen(
        [sys.executable, "-m", "signal_lint", "check", "--jobs", "3", "--no-cache", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = _descendants(run.pid)
        assert workers, "the run started no workers"
        assert run.poll() is None, "the run ended before it could be killed: give it more work"
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 15
    while _living(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _living(workers)
    for pid in left:  # do not leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} worker(s) outlived the killed run"


def _take_two_chunks_and_die(counter, writer) -> None:
    _claim(counter)
    _claim(counter)
    os._exit(1)


def test_what_a_dead_worker_took_the_main_process_extracts(tmp_path):
    """A worker that dies (killed by the OOM killer, say) after taking chunks loses no file."""
    tasks = []
    for index in range(70):
        path = tmp_path / f"m{index:03}.py"
        path.write_text(f"from django.dispatch import Signal\n\nsignal_{index} = Signal()\n")
        tasks.append((index, str(path), path.name, f"m{index:03}", False, False, None, 10**6))
    chunks = _chunks(tasks, 2)
    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    reader, writer = context.Pipe(duplex=False)
    worker = context.Process(target=_take_two_chunks_and_die, args=(counter, writer))
    worker.start()
    writer.close()
    worker.join()  # it has taken the first two chunks and sent nothing
    facts = _share(chunks, counter, [(worker, reader)])
    assert [f.module for f in facts] == [f"m{index:03}" for index in range(70)]
    assert facts == _extract_chunk(tasks)


def _sources(root, count: int):
    from signal_lint.config import Config
    from signal_lint.discover import discover
    from signal_lint.engine import read_all

    for index in range(count):
        (root / f"m{index}.py").write_text(f"import os\nVALUE_{index} = os.sep\n")
    files, _ = discover([str(root)], str(root), ())
    return read_all(files, Config(root=str(root)), hash_contents=False)


@pytest.mark.parametrize("jobs, count", [(1, 3), (2, 3), (2, 80)])
def test_the_main_process_prepares_the_analysis_once_while_the_workers_extract(
    tmp_path, jobs, count
):
    """``meanwhile`` (the analysis's imports, the environment's location) runs exactly once:
    before the extraction when it is serial, after the workers have started when it is not."""
    from signal_lint.engine import PARALLEL_THRESHOLD, extract_all

    seen: list[int] = []
    facts = extract_all(
        _sources(tmp_path, count),
        jobs,
        meanwhile=lambda: seen.append(len(multiprocessing.active_children())),
    )
    assert len(facts) == count
    parallel = jobs > 1 and count >= PARALLEL_THRESHOLD
    assert seen == [jobs - 1] if parallel else seen == [0]
