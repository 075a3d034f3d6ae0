"""Property: on generated modules with planted receivers, every fix (safe and unsafe) keeps the file
parsing, removes what it fixed, adds no finding, changes nothing outside the planted blocks, and
fixing again changes nothing.

The modules are made of blocks: planted receivers (missing ``**kwargs``, misspelt parameters,
decorators in the wrong order, weak temporaries, falsy uids, unguarded ORM writes, wrong m2m
actions, blocking or unawaited sends, connections in ``ready()``), in every layout a fixer must
keep (parameters one per line with or without a trailing comma, comments, tabs), between filler
blocks that no fix may touch.  Filler must come out byte for byte.
"""

from __future__ import annotations

import ast
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source
from signal_lint.fix import fix_findings

HEADER = """\
import functools

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import class_prepared, m2m_changed, post_migrate, post_save, pre_save
from django.dispatch import Signal, receiver

order_paid = Signal()
"""

FILLER = [
    "# a comment that mentions post_save.connect(handler) and **kwargs\n",
    'NOTE = "create, aap_config, pre add"  # strings that look like mistakes\n',
    "def helper(create, action=\"pre add\"):\n    return create or action == 'pre add'\n",
    "class Plain:\n    def method(self, sender):\n        return sender\n",
    "total = sum(\n    x\n    for x in range(3)\n)  # noqa: E501\n",
    "def tabbed(sender):\n\treturn sender\n",
    'GREETING = "héllo wörld"\n',
    "async def unrelated(socket):\n    await socket.send(b'x')\n",
]

SIGNALS = {
    "post_save": ["instance", "created", "raw", "using", "update_fields"],
    "pre_save": ["instance", "raw", "using", "update_fields"],
    "m2m_changed": ["instance", "action", "reverse", "model", "pk_set", "using"],
    "post_migrate": ["app_config", "verbosity", "interactive", "using", "apps", "plan"],
    "order_paid": ["order"],
}
MISSPELT = {
    "created": "create",
    "app_config": "aap_config",
    "instance": "instanse",
    "action": "acton",
}


@st.composite
def receiver_block(draw: st.DrawFn, index: int) -> str:
    signal = draw(st.sampled_from(sorted(SIGNALS)))
    name = f"on_event_{index}"
    params = ["sender", *draw(st.lists(st.sampled_from(SIGNALS[signal]), unique=True, max_size=3))]
    if draw(st.booleans()):  # a misspelt parameter, maybe with a default
        wrong = draw(st.sampled_from(sorted(MISSPELT)))
        params.append(MISSPELT[wrong] + ("=None" if draw(st.booleans()) else ""))
    params = list(dict.fromkeys(params))
    params.sort(key=lambda p: "=" in p)  # defaults last
    if draw(st.booleans()):
        params.append("**kwargs")
    layout = draw(st.sampled_from(["flat", "lines", "lines-comma", "lines-comment"]))
    if layout == "flat":
        signature = ", ".join(params)
    else:
        items = [f"    {p}," for p in params]
        if layout == "lines" and items:
            items[-1] = items[-1][:-1]
        if layout == "lines-comment" and items:
            items[-1] = items[-1][:-1] + "  # the last one"
        signature = "\n" + "\n".join(items) + "\n"
    body = draw(
        st.sampled_from(
            [
                "pass",
                "Stats.objects.filter(pk=1).update(count=1)",
                'if action == "pre add":\n        pass',
                "order_paid.send(sender=None)",
                "order_paid.asend(sender=None)",
                "return create",
            ]
        )
    )
    is_async = "send(" in body and draw(st.booleans())
    uses_action = "action" in body
    if uses_action:
        signal = "m2m_changed"
    if "create" in body and not any(p.startswith("create") for p in params):
        body = "pass"
    if uses_action and "action" not in params:
        params.insert(1, "action")
        signature = ", ".join(params)
    uid = ', dispatch_uid=""' if draw(st.booleans()) else ""
    how = draw(st.sampled_from(["decorator", "decorator-below", "connect", "nested"]))
    keyword = "async def" if is_async else "def"
    function = f"{keyword} {name}({signature}):\n    {body}\n"
    if how == "decorator":
        return f"@receiver({signal}{uid})\n{function}"
    if how == "decorator-below":
        return f"@transaction.atomic  # wraps\n@receiver({signal}{uid})\n{function}"
    if how == "connect":
        return f"{function}\n{signal}.connect({name}{uid})\n"
    nested = "".join("    " + line if line.strip() else line for line in function.splitlines(True))
    return f"def install_{index}():\n{nested}\n    {signal}.connect({name}{uid})\n"


def ready_block(index: int) -> str:
    return (
        f"def add_fields_{index}(sender, **kwargs):\n    pass\n\n\n"
        f"class Config{index}(AppConfig):\n    name = 'app{index}'\n\n"
        f"    def ready(self):\n        class_prepared.connect(add_fields_{index})\n"
    )


@st.composite
def modules(draw: st.DrawFn) -> tuple[str, list[str]]:
    blocks: list[str] = []
    fillers: list[str] = []
    for index in range(draw(st.integers(1, 4))):
        filler = draw(st.sampled_from(FILLER))
        fillers.append(filler)
        blocks.append(filler)
        blocks.append(
            ready_block(index) if draw(st.integers(0, 5)) == 0 else draw(receiver_block(index))
        )
    fillers.append(FILLER[0])
    blocks.append(FILLER[0])
    return HEADER + "\n\n" + "\n\n".join(blocks), fillers


def findings(source: str):
    facts = extract_source(source.encode(), "app/signals.py", "app.signals")
    return check_one(facts, load_catalog())


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(modules())
def test_fixes_keep_the_module_parsing_and_touch_only_what_they_fix(generated):
    source, fillers = generated
    ast.parse(source)
    before = findings(source)
    fixed, applied = fix_findings(source, before, findings)
    assert isinstance(fixed, str)
    ast.parse(fixed)
    after = findings(fixed)
    left = Counter((f.code, f.message) for f in before)
    left.subtract((f.code, f.message) for f in applied)
    assert Counter((f.code, f.message) for f in after) <= left  # fixed ones gone, none new
    assert [f for f in after if f.fix is not None] == []  # every planted mistake with a fix
    position = 0
    for filler in fillers:  # outside the planted blocks, every byte stays, in order
        found = fixed.find(filler, position)
        assert found >= 0, filler
        position = found + len(filler)
    assert fix_findings(fixed, after, findings)[0] == fixed  # idempotent
