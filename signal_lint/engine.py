"""The data flow of one run: discover -> extract (parallel) -> rules -> filter -> sort.

Per-file rules read one file's facts plus what the whole project knows
(every signal it defines, every connection it makes), so a receiver in
``handlers.py`` connected from ``apps.py`` is checked like a local one.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from signal_lint.catalog import Catalog, load_catalog
from signal_lint.config import Config
from signal_lint.discover import SourceFile, discover, matches
from signal_lint.extract import extract_file
from signal_lint.extract.facts import FileFacts
from signal_lint.rules.base import SEVERITY_ORDER, Finding, all_rules
from signal_lint.rules.context import RuleContext

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 64


@dataclass
class CheckResult:
    findings: List[Finding]
    messages: List[str] = field(default_factory=list)  # paths skipped, for stderr
    files: int = 0


def check_paths(paths: Sequence[str], config: Config, jobs: Optional[int] = None) -> CheckResult:
    files, messages = discover(paths, config.root, config.exclude)
    all_facts = extract_all(files, config, jobs)
    catalog = load_catalog(config.django_version, config.extra_signals)
    findings = check_facts(all_facts, catalog, config)
    return CheckResult(findings, messages, len(files))


def extract_all(files: Sequence[SourceFile], config: Config, jobs: Optional[int] = None) -> List[FileFacts]:
    """Facts of every file, in the order given; same result whatever ``jobs`` is."""
    jobs = jobs or os.cpu_count() or 1
    tasks = [(f.path, config.src, f.display) for f in files]
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        return [_extract(task) for task in tasks]
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(_extract, tasks, chunksize=max(1, len(tasks) // (jobs * 8))))
    except (OSError, RuntimeError) as error:  # no fork/semaphores in this sandbox: do it serially
        print(f"signal-lint: running serially ({error})", file=sys.stderr)
        return [_extract(task) for task in tasks]


def _extract(task: Tuple[str, Tuple[str, ...], str]) -> FileFacts:
    path, src, display = task
    return extract_file(path, src, display)


def project_context(all_facts: Iterable[FileFacts], catalog: Catalog) -> RuleContext:
    """What every per-file rule may know about the rest of the project."""
    ctx = RuleContext(catalog, project_mode=True)
    facts_list = list(all_facts)
    for facts in facts_list:
        ctx.add_signals(facts)
        for name, target in facts.aliases:
            ctx.aliases[f"{facts.module}.{name}"] = target
    for facts in facts_list:
        for connection in facts.connections:
            receiver = connection.receiver
            if receiver.qualname and receiver.local is None and receiver.kind in ("name", "function"):
                target = ctx.canonical(receiver.qualname) or receiver.qualname
                ctx.remote_connections.setdefault(target, []).append((facts, connection))
    return ctx


def check_facts(all_facts: Sequence[FileFacts], catalog: Catalog, config: Config) -> List[Finding]:
    ctx = project_context(all_facts, catalog)
    rules = [rule() for rule in all_rules() if not rule.project and _enabled(rule.code, config)]
    findings: List[Finding] = []
    for facts in all_facts:
        ignored = _file_ignores(facts.path, config)
        noqa = dict(facts.noqa)
        for rule in rules:
            if any(rule.code.startswith(prefix) for prefix in ignored):
                continue
            for finding in rule.check(facts, ctx):
                if not _suppressed(finding, noqa):
                    findings.append(finding)
    return sorted(set(findings), key=Finding.sort_key)


def check_one(facts: FileFacts, catalog: Catalog, config: Optional[Config] = None) -> List[Finding]:
    """Per-file rules on one file alone (the flake8 view and the rule examples)."""
    config = config or Config()
    ctx = RuleContext.for_file(catalog, facts)
    findings = []
    noqa = dict(facts.noqa)
    for rule_class in all_rules():
        if rule_class.project or not _enabled(rule_class.code, config):
            continue
        findings.extend(f for f in rule_class().check(facts, ctx) if not _suppressed(f, noqa))
    return sorted(set(findings), key=Finding.sort_key)


def _enabled(code: str, config: Config) -> bool:
    selected = max((len(p) for p in config.select if code.startswith(p)), default=-1)
    ignored = max((len(p) for p in config.ignore if code.startswith(p)), default=-1)
    return selected >= 0 and selected >= ignored  # the more specific prefix wins, like flake8


def _file_ignores(path: str, config: Config) -> Tuple[str, ...]:
    codes: List[str] = []
    for pattern, ignored in config.per_file_ignores:
        if matches(path, config.root, pattern):
            codes.extend(ignored)
    return tuple(codes)


def _suppressed(finding: Finding, noqa: Dict[int, Optional[Tuple[str, ...]]]) -> bool:
    if finding.line not in noqa:
        return False
    codes = noqa[finding.line]
    return codes is None or any(finding.code.startswith(code) for code in codes)


def failing(findings: Iterable[Finding], fail_on: str) -> bool:
    threshold = SEVERITY_ORDER[fail_on]
    return any(SEVERITY_ORDER[f.severity] >= threshold for f in findings)
