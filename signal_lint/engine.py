"""The data flow of one run: discover -> extract (parallel) -> rules -> filter -> sort.

Per-file rules read one file's facts plus what the whole project knows
(every signal it defines, every connection it makes), so a receiver in
``handlers.py`` connected from ``apps.py`` is checked like a local one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from signal_lint import teardown
from signal_lint.aliases import alias_table, follow_aliases, unique_modules
from signal_lint.cache import (
    FactsCache,
    RunCache,
    cache_directory,
    content_hash,
    installed_cache,
)
from signal_lint.config import Config
from signal_lint.discover import SourceFile, discover, matches
from signal_lint.extract import extract_file, extract_source
from signal_lint.extract.facts import Connection, FileFacts, Function
from signal_lint.extract.modules import module_name
from signal_lint.extract.parse import read_source
from signal_lint.findings import SAFE, SEVERITY_ORDER, Finding
from signal_lint.reading import DEFAULT_MAX_FILE_SIZE

if TYPE_CHECKING:
    from multiprocessing.connection import Connection as PipeEnd
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

    from signal_lint.catalog import Catalog
    from signal_lint.graph import Graph
    from signal_lint.installed import Installed, Located
    from signal_lint.rules.base import Rule
    from signal_lint.rules.context import RuleContext

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64
# One file to extract: (index, path, display path, module, is_package, detailed,
# content given instead of the file's: standard input, largest file size read)
Task = tuple[int, str, str, str, bool, bool, bytes | None, int]


@dataclass(frozen=True)
class StdinSource:
    """A file's content read from standard input (``check -``), checked as if it were at ``path``.

    ``path`` (absolute) places it in the project: its module name, the
    configuration and per-file ignores that apply; ``display`` is how
    findings name it (``--stdin-filename`` as given, or ``-``).
    """

    path: str
    display: str
    source: bytes


@dataclass
class CheckResult:
    findings: list[Finding]
    messages: list[str] = field(default_factory=list)  # paths skipped, for stderr
    files: int = 0
    notes: list[str] = field(default_factory=list)  # for stderr with --verbose


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run without the cyclic garbage collector, which a run barely needs and pays dearly for.

    Parsing allocates millions of short-lived AST nodes and the facts pile up
    into a large long-lived heap: the collector's generation-2 passes over that
    heap cost about a fifth of a cold run, and find a few hundred objects in
    all (the facts are acyclic; trees and facts are freed by reference counting).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int | None = None,
    use_cache: bool = True,
    stdin: StdinSource | None = None,
    replaced: Mapping[str, bytes] | None = None,
    while_extracting: Callable[[], object] | None = None,
) -> CheckResult:
    """Check the files below ``paths``, plus ``stdin`` (which replaces the file at its path);
    ``replaced``: content to check instead of some files', by display path (``--diff``'s fixes);
    ``while_extracting``: the caller's own preparation (the reporters' imports), done by this
    process while the workers extract."""
    with collector_paused():
        return _check_paths(paths, config, jobs, use_cache, stdin, replaced or {}, while_extracting)


def _check_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int | None,
    use_cache: bool,
    stdin: StdinSource | None,
    replaced: Mapping[str, bytes],
    while_extracting: Callable[[], object] | None,
) -> CheckResult:
    files, messages = discover(paths, config.root, config.exclude) if paths else ([], [])
    if stdin is not None:
        files = sorted(
            [f for f in files if f.path != stdin.path] + [SourceFile(stdin.path, stdin.display)],
            key=lambda f: f.display,
        )
    cache_dir = _cache_dir(config, messages) if use_cache else None
    sources = read_all(files, config, cache_dir is not None, stdin, replaced)
    located = None
    run_cache = None
    if cache_dir is not None:
        from signal_lint.installed import locate

        located = locate(config.root, config.python, installed_cache(cache_dir))
        key = repr((config, located.state, [(s.file.display, s.digest, s.module) for s in sources]))
        run_cache = RunCache(
            cache_dir, config.root, hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        )
        findings = run_cache.findings()
        if findings is not None:  # nothing changed since the last run
            return CheckResult(findings, messages + located.messages, len(files), located.notes)
    all_facts, catalog, installed = project_facts(
        sources, config, jobs, cache_dir, located, while_extracting
    )
    findings = check_facts(
        all_facts, catalog, config, installed=installed, complete=covers(paths, config.root)
    )
    teardown.keep("facts", (all_facts, sources, installed))
    if run_cache is not None:
        run_cache.save(findings)
    return CheckResult(findings, messages + installed.messages, len(files), installed.notes)


def _cache_dir(config: Config, messages: list[str]) -> str | None:
    """Where this run's caches live, or None: a default cache directory that is a symlink is not used.

    The default directory is inside the checked tree: a link committed there
    would make the run write its cache files wherever the link points.
    """
    directory = cache_directory(config.cache_root or config.root, config.cache_dir)
    if config.cache_dir is None and os.path.islink(directory):
        messages.append(
            f"{directory}: is a symbolic link, cache not used (--cache-dir chooses another)"
        )
        return None
    return directory


def graph_paths(
    paths: Sequence[str],
    config: Config,
    jobs: int | None = None,
    use_cache: bool = True,
    notes: list[str] | None = None,
) -> tuple[Graph, list[Finding], list[str]]:
    """The project graph of ``paths``, with every finding (for the report) and the messages for
    stderr; ``notes`` receives what to say with ``--verbose``."""
    from signal_lint.graph import build_graph

    with collector_paused():
        files, messages = discover(paths, config.root, config.exclude)
        cache_dir = _cache_dir(config, messages) if use_cache else None
        all_facts, catalog, installed = project_facts(
            read_all(files, config, hash_contents=cache_dir is not None),
            config,
            jobs,
            cache_dir,
            None,
        )
        graph = build_graph([*all_facts, *installed.facts()], catalog, origins=installed.origins())
        findings = check_facts(
            all_facts, catalog, config, graph, installed, covers(paths, config.root)
        )
        if notes is not None:
            notes.extend(installed.notes)
        return graph, findings, messages + installed.messages


def covers(paths: Sequence[str], root: str) -> bool:
    """Whether checking ``paths`` reads the whole project below ``root``."""
    real_root = os.path.realpath(root)
    for path in paths:
        real = os.path.realpath(path)
        if real_root == real or real_root.startswith(real.rstrip(os.sep) + os.sep):
            return True
    return False


def project_facts(
    sources: Sequence[Source],
    config: Config,
    jobs: int | None,
    cache_dir: str | None,
    located: Located | None,
    while_extracting: Callable[[], object] | None = None,
) -> tuple[list[FileFacts], Catalog, Installed]:
    """Every file's facts (from the cache in ``cache_dir`` where unchanged), what the installed
    packages it uses add, and the catalog they are checked against (with the packages' signals).

    ``located``: the environment, when the caller has looked for it already; else it is looked
    for while the workers extract, with the imports the rest of the run needs."""
    found = [located] if located is not None else []

    def meanwhile() -> None:
        _prepare_analysis()
        if not found:
            from signal_lint.installed import locate

            found.append(locate(config.root, config.python, installed_cache(cache_dir)))
        if while_extracting is not None:
            while_extracting()

    cache = FactsCache(cache_dir, config.root, config.fingerprint()) if cache_dir else None
    all_facts = detail_receiver_files(
        extract_all(sources, jobs, cache, config.max_file_size, meanwhile),
        sources,
        cache,
        config.max_file_size,
    )
    if cache is not None:
        cache.save()
    from signal_lint.catalog import load_catalog
    from signal_lint.installed import read_installed

    installed = read_installed(
        found[0],
        all_facts,
        installed_cache(cache_dir),
        extract=lambda files: _extract_files(files, jobs, config.max_file_size),
    )
    catalog = load_catalog(config.django_version, config.extra_signals)
    return all_facts, catalog.with_installed(installed.specs()), installed


@dataclass(frozen=True)
class Source:
    """A discovered file: its module name and content hash (its bytes are not kept: memory).

    ``given``: the file's content when it did not come from disk (standard input).
    """

    file: SourceFile
    module: str
    is_package: bool
    digest: str  # "" when not hashed (no cache) or unreadable
    given: bytes | None = None


def read_all(
    files: Sequence[SourceFile],
    config: Config,
    hash_contents: bool = True,
    stdin: StdinSource | None = None,
    replaced: Mapping[str, bytes] | None = None,
) -> list[Source]:
    sources = []
    for source_file in files:
        module, is_package = module_name(source_file.path, config.src)
        given = stdin.source if stdin is not None and source_file.path == stdin.path else None
        if given is None and replaced:
            given = replaced.get(source_file.display)
        digest = ""
        if hash_contents:
            source = (
                given
                if given is not None
                else read_source(source_file.path, config.max_file_size)[0]
            )
            digest = content_hash(source) if source is not None else ""
        sources.append(Source(source_file, module, is_package, digest, given))
    return sources


def extract_all(
    sources: Sequence[Source],
    jobs: int | None = None,
    cache: FactsCache | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
    meanwhile: Callable[[], None] | None = None,
) -> list[FileFacts]:
    """Facts of every file, in the order given; same result whatever ``jobs`` is.

    Unchanged files (same content hash and module name) come from ``cache``;
    only the others are read and parsed, in worker processes when there are many.
    ``meanwhile``: work of this process that needs no facts, done once the workers have started.
    """
    results: list[FileFacts | None] = [None] * len(sources)
    tasks: list[Task] = []
    for index, item in enumerate(sources):
        cached = (
            cache.get(item.file.display, item.digest, item.module)
            if cache is not None and item.digest
            else None
        )
        if cached is not None:
            results[index] = cached
        else:
            tasks.append(_task(index, item, False, max_size))
    for (index, *_), facts in zip(tasks, _run(tasks, jobs, meanwhile), strict=False):
        results[index] = facts
        item = sources[index]
        if cache is not None and item.digest and facts.parse_error is None:
            cache.put(item.file.display, item.digest, item.module, facts)
    return [facts for facts in results if facts is not None]


def detail_receiver_files(
    all_facts: list[FileFacts],
    sources: Sequence[Source],
    cache: FactsCache | None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
) -> list[FileFacts]:
    """Give the full treatment to files whose functions another file connects as receivers, and
    then to files whose functions a ``pre_save``/``post_save`` receiver calls (``detail_files``)."""

    def extract_again(position: int) -> FileFacts:
        item = sources[position]
        facts = _extract(_task(position, item, True, max_size))
        if cache is not None and item.digest:
            cache.put(item.file.display, item.digest, item.module, facts)
        return facts

    return detail_files(all_facts, extract_again)


def detail_files(
    all_facts: list[FileFacts], extract_again: Callable[[int], FileFacts]
) -> list[FileFacts]:
    """``all_facts`` with some files that had the cheap pass extracted again in full
    (``extract_again(position)``).

    The cheap pass records no functions; a ``handlers.py`` that never says
    "signal" but whose functions ``apps.py`` connects needs them for SIG001/SIG004.
    So do the class of a callable instance connected as a receiver, a factory whose call is
    connected, and the decorators below ``@receiver`` (what Django really registers). Then the
    files whose functions a save receiver calls (SIG013 follows a save receiver one call deep).
    """
    index = {facts.module: position for position, facts in enumerate(all_facts)}
    aliases = alias_table(unique_modules(all_facts))
    instances = {
        f"{facts.module}.{name}": cls for facts in all_facts for name, cls in facts.instances
    }
    wanted: set[int] = set()

    def want(target: str | None) -> None:
        if target:
            wanted.update(_undetailed(all_facts, index, target))

    for facts in all_facts:
        for connection in facts.connections:
            receiver = connection.receiver
            target = follow_aliases(aliases, receiver.qualname)
            if target and target in instances:  # a callable instance: its class's __call__
                want(f"{follow_aliases(aliases, instances[target])}.__call__")
            if receiver.kind == "call" and target:  # a factory, or a class: what its call makes
                want(target + ".__call__" if receiver.local is None else None)
            if receiver.local:  # its decorators (below @receiver): what Django really registers
                function = facts.function(receiver.local)
                for decorator in function.decorators if function is not None else ():
                    want(follow_aliases(aliases, decorator))
            if target and receiver.local is None:
                want(target)
    result = _detail(all_facts, extract_again, wanted)
    wanted = set()
    for facts in result:
        for connection in facts.connections:
            if connection.kind == "disconnect" or not any(
                follow_aliases(aliases, signal) in SAVE_SIGNALS for signal in connection.signals
            ):
                continue
            function = _receiver_function(result, index, aliases, facts, connection)
            for callee in function.callees if function is not None else ():
                target = follow_aliases(aliases, callee)
                if target and "." in target:
                    wanted.update(_undetailed(result, index, target))
    return _detail(result, extract_again, wanted)


SAVE_SIGNALS = frozenset(
    {"django.db.models.signals.pre_save", "django.db.models.signals.post_save"}
)


def _undetailed(all_facts: list[FileFacts], index: dict[str, int], target: str) -> set[int]:
    """The position of the module defining ``target`` (a function, or ``Class.method``), when it
    only had the cheap pass."""
    module = target.rsplit(".", 1)[0]
    found = set()
    for candidate in (module, module.rsplit(".", 1)[0]):  # function, or Class.method
        position = index.get(candidate)
        if (
            position is not None
            and not all_facts[position].detailed
            and all_facts[position].parse_error is None
        ):
            found.add(position)
    return found


def _receiver_function(
    all_facts: list[FileFacts],
    index: dict[str, int],
    aliases: Mapping[str, str],
    facts: FileFacts,
    connection: Connection,
) -> Function | None:
    """The function a connection connects: a def of its own file, or one of another module."""
    receiver = connection.receiver
    if receiver.local is not None:
        return facts.function(receiver.local)
    target = follow_aliases(aliases, receiver.qualname)
    if not target:
        return None
    module, _, name = target.rpartition(".")
    position = index.get(module)
    return all_facts[position].function(name) if position is not None else None


def _detail(
    all_facts: list[FileFacts], extract_again: Callable[[int], FileFacts], wanted: set[int]
) -> list[FileFacts]:
    if not wanted:
        return all_facts
    result = list(all_facts)
    for position in sorted(wanted):
        result[position] = extract_again(position)
    return result


def _task(index: int, item: Source, detailed: bool, max_size: int) -> Task:
    return (
        index,
        item.file.path,
        item.file.display,
        item.module,
        item.is_package,
        detailed,
        item.given,
        max_size,
    )


def _run(
    tasks: Sequence[Task], jobs: int | None, meanwhile: Callable[[], None] | None = None
) -> list[FileFacts]:
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        return _serially(tasks, meanwhile)
    import multiprocessing  # only when used

    import signal_lint.extract.visitor  # noqa: F401  # loaded once here, inherited by forked workers

    chunks = _chunks(tasks, jobs)
    workers: list[tuple[BaseProcess, PipeEnd]] = []
    try:
        context = multiprocessing.get_context()
        counter = context.Value("i", 0)
        for _ in range(jobs - 1):
            reader, writer = context.Pipe(duplex=False)
            worker = context.Process(
                target=_worker, args=(chunks, counter, writer, os.getpid()), daemon=True
            )
            worker.start()
            writer.close()  # the worker's end: its death shows here as the end of the pipe
            workers.append((worker, reader))
    except (OSError, RuntimeError) as error:  # no fork/semaphores in this sandbox
        print(f"signal-lint: running with {len(workers)} worker(s) ({error})", file=sys.stderr)
        if not workers:
            return _serially(tasks, meanwhile)
    if meanwhile is not None:
        meanwhile()  # while the workers take their first chunks
    return _share(chunks, counter, workers)


def _serially(tasks: Sequence[Task], meanwhile: Callable[[], None] | None) -> list[FileFacts]:
    """Every task in this process, after ``meanwhile``: no worker runs for it to overlap."""
    if meanwhile is not None:
        meanwhile()
    return _extract_chunk(tasks)


def _prepare_analysis() -> None:
    """Import what this process needs once the facts are in (the installed packages' reader and
    the catalog, the graph, every rule): done while the workers extract, after the fork, these
    imports overlap the workers' work instead of delaying their start or following the extraction."""
    import signal_lint.graph.build
    import signal_lint.installed  # noqa: F401
    from signal_lint.rules.base import all_rules

    all_rules()


def _chunks(tasks: Sequence[Task], jobs: int) -> list[Sequence[Task]]:
    """The tasks in chunks that shrink towards the end (guided scheduling): large chunks cost
    little to hand out, and small last ones let the processes finish together instead of one
    waiting for another's last 32 files."""
    chunks = []
    start = 0
    while start < len(tasks):
        size = max(1, min(32, (len(tasks) - start) // (jobs * 4)))
        chunks.append(tasks[start : start + size])
        start += size
    return chunks


def _claim(counter: Synchronized[int]) -> int:
    """The position of the next chunk nobody has taken (a counter the processes share)."""
    with counter.get_lock():
        position = counter.value
        counter.value = position + 1
    return position


def _share(
    chunks: Sequence[Sequence[Task]],
    counter: Synchronized[int],
    workers: list[tuple[BaseProcess, PipeEnd]],
) -> list[FileFacts]:
    """The facts of ``chunks``, in order, extracted by the ``workers`` and by this process,
    which would otherwise sit idle: ``--jobs N`` is N processes extracting.

    Each process takes the next chunk from a shared counter, so no chunk waits for this
    one to hand it out; the workers send each chunk's facts as they finish it, and this
    process reads them between its own files.  A chunk no worker delivered (a worker
    died) is extracted here at the end.
    """
    from multiprocessing.connection import wait

    results: dict[int, list[FileFacts]] = {}
    readers = {reader: worker for worker, reader in workers}

    def receive(timeout: float | None) -> None:
        ready = wait(list(readers), timeout)
        for reader in [reader for reader in readers if reader in ready]:
            message: tuple[int, list[FileFacts]] | None
            try:
                message = reader.recv()
            except (EOFError, OSError):
                message = None
            if message is None:  # the worker is done (or dead)
                readers.pop(reader).join()
                reader.close()
            else:
                results[message[0]] = message[1]

    while (position := _claim(counter)) < len(chunks):
        facts = results[position] = []
        for index, task in enumerate(chunks[position]):
            facts.append(_extract(task))
            if readers and index % 8 == 7:  # a look at the pipes costs a system call
                receive(0)
        if readers:
            receive(0)
    while readers:
        receive(None)
    for position, chunk in enumerate(chunks):
        if position not in results:
            results[position] = _extract_chunk(chunk)
    return [facts for position in range(len(chunks)) for facts in results[position]]


def _worker(
    chunks: Sequence[Sequence[Task]], counter: Synchronized[int], writer: PipeEnd, main: int
) -> None:
    """In a worker process: take chunks until none is left, sending each one's facts."""
    _worker_start(main)
    _widen(writer)
    try:
        while (position := _claim(counter)) < len(chunks):
            writer.send((position, _extract_chunk(chunks[position])))
        writer.send(None)
    except BaseException:  # Ctrl-C, a bug: the main process redoes what is missing
        os._exit(1)  # and reports it, once; no second traceback from here
    writer.close()


def _widen(writer: PipeEnd) -> None:
    """Room in the pipe for several chunks' facts (Linux; elsewhere it stays as it is): a worker
    that finds the pipe full waits until the main process, busy with its own file, reads."""
    try:
        import fcntl

        fcntl.fcntl(writer.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):
        pass


def _extract_chunk(tasks: Sequence[Task]) -> list[FileFacts]:
    """The facts of ``tasks``, in order: a worker's chunk, or every task when run serially."""
    return [_extract(task) for task in tasks]


def _worker_start(main: int) -> None:
    """In each worker: no cyclic collector (see ``collector_paused``), and die with the run.

    A worker blocks reading its next task; when the run is killed (``kill -9``,
    a CI timeout) nothing would ever end that read, and the workers would live
    on.  On Linux the kernel kills a worker when its parent dies
    (``PR_SET_PDEATHSIG``); elsewhere a thread watches for the worker being
    orphaned.
    """
    gc.disable()
    parent = os.getppid()
    if not _die_with_parent():
        import threading

        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    # the run may have died before this worker could ask to die with it
    if os.getppid() != parent or (parent != main and not _alive(main)):
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        return bool(libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError, ValueError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # Windows' os.kill(pid, 0) would terminate it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and is not ours to signal
        return True
    return True


def _extract_files(
    files: Sequence[tuple[str, str, str, bool]], jobs: int | None, max_size: int
) -> list[FileFacts]:
    """Facts of files given as (path, display path, module, is_package), in order."""
    tasks: list[Task] = [
        (index, path, display, module, is_package, False, None, max_size)
        for index, (path, display, module, is_package) in enumerate(files)
    ]
    return _run(tasks, jobs)


def _extract(task: Task) -> FileFacts:
    """In a worker: read one file and extract its facts (workers return plain facts, never trees)."""
    _, path, display, module, is_package, detailed, given, max_size = task
    if given is not None:
        return extract_source(
            given, display, module, is_package, detailed=True if detailed else None
        )
    return extract_file(
        path,
        display_path=display,
        module=module,
        is_package=is_package,
        detailed=True if detailed else None,
        max_size=max_size,
    )


def project_context(
    all_facts: Iterable[FileFacts],
    catalog: Catalog,
    aliases: Mapping[str, str],
    modules: dict[str, FileFacts] | None = None,
) -> RuleContext:
    """What every per-file rule may know about the rest of the project (``aliases``: ``alias_table`` of it;
    ``modules``: ``unique_modules`` of it, for looking up the functions a receiver calls)."""
    from signal_lint.rules.context import RuleContext

    facts_list = list(all_facts)
    ctx = RuleContext(
        catalog,
        aliases=aliases,
        project_mode=True,
        files=tuple(facts_list),
        modules=dict(modules) if modules else {},
    )
    instances: dict[str, str] = {}  # "shop.hooks.audit" -> "shop.hooks.Audit"
    for facts in facts_list:
        ctx.add_signals(facts)
        ctx.modules.setdefault(facts.module, facts)
        for name, cls in facts.instances:
            instances[f"{facts.module}.{name}"] = cls
    for facts in facts_list:
        for connection in facts.connections:
            receiver = connection.receiver
            if receiver.qualname and receiver.kind in ("name", "function"):
                target = ctx.canonical(receiver.qualname) or receiver.qualname
                if target in instances:  # a callable instance: its class's __call__
                    target = (ctx.canonical(instances[target]) or instances[target]) + ".__call__"
                elif receiver.local is not None:
                    continue
                ctx.remote_connections.setdefault(target, []).append((facts, connection))
    return ctx


def check_facts(
    all_facts: Sequence[FileFacts],
    catalog: Catalog,
    config: Config,
    graph: Graph | None = None,
    installed: Installed | None = None,
    complete: bool = True,
) -> list[Finding]:
    """Every enabled rule's findings that no ignore or ``noqa`` silences.

    ``graph``: the project graph of ``all_facts`` when the caller has built it
    (the graph report), so it is built once.  ``installed``: the packages read
    from the environment; their files join the graph (their receivers, their
    re-exports) but are never checked, and no finding is reported in them.
    ``complete``: the facts are the whole project's, so the project rules'
    findings are final (SIG018 judges ``noqa`` directives for their codes only
    then).
    """
    from signal_lint.rules.base import all_rules, asked, file_inputs

    package_facts = installed.facts() if installed is not None else []
    if graph is not None and graph.project is not None:
        modules, aliases = graph.project.modules, graph.project.aliases
    else:
        modules = unique_modules([*all_facts, *package_facts])
        aliases = alias_table(
            modules
        )  # one table for the rules and the graph: on a large tree it is big
    ctx = project_context(all_facts, catalog, aliases, modules)
    enabled = [rule() for rule in all_rules() if _enabled(rule.code, config)]
    project_rules = [
        rule for rule in enabled if rule.reads_graph()
    ]  # project rules, and per-file rules' project halves
    problem = None
    if graph is None and (project_rules or any(rule.needs_models for rule in enabled)):
        from signal_lint.graph import build_graph  # only runs that need the graph build it

        try:
            graph = build_graph(
                [*all_facts, *package_facts],
                catalog,
                modules=modules,
                aliases=aliases,
                origins=installed.origins() if installed is not None else None,
            )
        except Exception as error:  # a bug of ours must not cost the user the per-file findings
            problem = error
    if graph is not None:
        ctx.models = graph.models
        teardown.keep("graph", (graph, ctx))
    findings: list[Finding] = []
    per_file = [rule for rule in enabled if not rule.project]
    always = [rule for rule in per_file if rule.reads is None]
    for facts in all_facts:
        present = file_inputs(facts, ctx)
        for rule in [r for r in per_file if asked(r, present)] if present else always:
            findings.extend(rule.check(facts, ctx))
    try:
        if graph is not None:
            for rule in project_rules:
                findings.extend(rule.check_project(graph, ctx))
    except Exception as error:
        problem = error
    if problem is not None:
        print(
            f"signal-lint: internal error in the project analysis, project rules skipped: {problem!r}",
            file=sys.stderr,
        )
    project_failed = problem is not None or (bool(project_rules) and graph is None)
    unjudged = frozenset() if complete and not project_failed else _graph_codes()
    packages = installed.paths() if installed is not None else frozenset()
    return _filtered(findings, all_facts, enabled, config, unjudged, packages)


def _filtered(
    findings: Iterable[Finding],
    all_facts: Iterable[FileFacts],
    enabled: Sequence[Rule],
    config: Config,
    unjudged: frozenset[str],
    packages: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Drop what per-file ignores and ``# noqa`` silence, and findings in installed
    ``packages``; then judge the ``noqa`` directives (SIG018)."""
    from signal_lint.rules.base import NoqaUsage, all_rules

    by_path = {facts.path: facts for facts in all_facts}
    noqa = _NoqaFilter()
    kept = [
        f
        for f in findings
        if f.path not in packages
        and not _file_ignored(f.code, f.path, config)
        and not noqa.silences(f, by_path.get(f.path))
    ]
    judges = [rule for rule in enabled if rule.judges_noqa()]
    if judges:
        codes = frozenset(rule.code for rule in all_rules() if _enabled(rule.code, config))
        for facts in by_path.values():
            if not facts.noqa or facts.path in packages:
                continue
            usage = NoqaUsage(noqa.used.get(facts.path, {}), codes, unjudged)
            for rule in judges:
                if not _file_ignored(rule.code, facts.path, config):
                    kept.extend(rule.check_noqa(facts, usage))
    return sorted(set(kept), key=Finding.sort_key)


def check_one(facts: FileFacts, catalog: Catalog, config: Config | None = None) -> list[Finding]:
    """Per-file rules on one file alone (the flake8 view and the rule examples)."""
    from signal_lint.rules.base import all_rules, asked, file_inputs
    from signal_lint.rules.context import RuleContext

    config = config or Config()
    ctx = RuleContext.for_file(catalog, facts)
    enabled = [rule() for rule in all_rules() if not rule.project and _enabled(rule.code, config)]
    present = file_inputs(facts, ctx)
    findings = [
        finding for rule in enabled if asked(rule, present) for finding in rule.check(facts, ctx)
    ]
    return _filtered(findings, [facts], enabled, config, _graph_codes())


@cache
def _graph_codes() -> frozenset[str]:
    """Codes whose findings need the whole project: only a run over all of it knows them all."""
    from signal_lint.rules.base import all_rules

    return frozenset(rule.code for rule in all_rules() if rule.reads_graph())


class _NoqaFilter:
    """Which findings ``# noqa`` directives silence, remembering which codes of each did."""

    def __init__(self) -> None:
        self.used: dict[str, dict[int, set[str]]] = {}  # path -> line -> codes that silenced
        self.directives: dict[str, dict[int, tuple[str, ...] | None]] = {}

    def silences(self, finding: Finding, facts: FileFacts | None) -> bool:
        if facts is None or not facts.noqa:
            return False
        directives = self.directives.get(facts.path)
        if directives is None:
            directives = {line: codes for line, codes, *_ in facts.noqa}
            self.directives[facts.path] = directives
        if finding.line not in directives:
            return False
        codes = directives[finding.line]
        if codes is None:
            return True
        matched = {code for code in codes if finding.code.startswith(code)}
        if matched:
            self.used.setdefault(facts.path, {}).setdefault(finding.line, set()).update(matched)
        return bool(matched)


def _enabled(code: str, config: Config) -> bool:
    return prefix_enabled(code, config.select, config.ignore)


def fix_wanted(finding: Finding, config: Config, unsafe: bool) -> bool:
    """A fix ``--fix`` applies: its rule is fixable (``fixable``/``unfixable``) and it is safe, or
    unsafe fixes are on."""
    fix = finding.fix
    return (
        fix is not None
        and prefix_enabled(finding.code, config.fixable, config.unfixable)
        and (fix.applicability == SAFE or unsafe)
    )


def prefix_enabled(code: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """``select``/``ignore`` and ``fixable``/``unfixable``: the more specific prefix wins, like flake8."""
    included = max((len(p) for p in include if code.startswith(p)), default=-1)
    excluded = max((len(p) for p in exclude if code.startswith(p)), default=-1)
    return included >= 0 and included >= excluded


def _file_ignored(code: str, path: str, config: Config) -> bool:
    """``per-file-ignores`` turns ``code`` off for the file at ``path``."""
    for pattern, ignored in config.per_file_ignores:
        if any(code.startswith(prefix) for prefix in ignored) and matches(
            path, config.root, pattern
        ):
            return True
    return False


def failing(findings: Iterable[Finding], fail_on: str) -> bool:
    threshold = SEVERITY_ORDER[fail_on]
    return any(SEVERITY_ORDER[f.severity] >= threshold for f in findings)
