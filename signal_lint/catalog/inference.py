"""What a signal sends, inferred from the source of its ``.send*()`` sites.

The same inference describes Django's signals (``django.toml`` is checked
against it by ``tests/catalog/test_catalog_matches_django.py``) and the
signals of installed packages (``signal_lint/installed/``): every send site
gives the set of keyword arguments it passes; an argument is *always* sent
when every site passes it, *sometimes* when only some do.

A site that expands a dict, ``sig.send(sender=..., request=request,
**signal_kwargs)`` (django-allauth does), is followed to the dict's keys: a
dict display or ``dict(...)`` bound to the name, subscript assignments
(``signal_kwargs["sociallogin"] = ...``), ``.update()``/``.setdefault()``,
and, when the dict is a parameter of the sending function, what the
function's callers pass for it (a caller passing its own parameter on is
followed too, a few levels up).  Keys that only arrive that way are
*sometimes* sent: the caller that passes nothing sends none of them.  Only a
dict we cannot follow (an attribute, a call's result, a caller passing
``**x``) makes the site *open-ended*: it may send names we cannot see.

https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from signal_lint.extract.facts import FileFacts, Send

DISPATCH_ARGS = frozenset({"sender", "signal"})
SEND_METHODS = frozenset({"send", "send_robust", "asend", "asend_robust"})
MAX_FOLLOW_DEPTH = 4  # callers of callers ... that pass the dict on
MAX_CALLERS = 64  # call sites of one function followed


@dataclass(frozen=True)
class SendSite:
    """One way a signal is sent: the keyword arguments a receiver gets from it."""

    signal: str
    keywords: frozenset[str]  # without sender/signal
    where: str  # "django/core/handlers/wsgi.py:122" (+ " via <caller>")
    literals: tuple[tuple[str, str | None], ...] = ()  # keyword -> constant passed literally
    open_ended: bool = False  # expands a dict we cannot follow: may send other names too


@dataclass
class Derivation:
    """Send sites by signal, and what could not be followed."""

    sites: dict[str, list[SendSite]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # functions whose own ``**kwargs`` a send expands (Django's emit_post_migrate_signal)
    forwarders: set[str] = field(default_factory=set)

    def always(self, signal: str) -> frozenset[str]:
        sets = [s.keywords for s in self.sites.get(signal, [])]
        return frozenset.intersection(*sets) if sets else frozenset()

    def sometimes(self, signal: str) -> frozenset[str]:
        sets = [s.keywords for s in self.sites.get(signal, [])]
        return frozenset.union(*sets) - self.always(signal) if sets else frozenset()

    def open_ended(self, signal: str) -> bool:
        return any(s.open_ended for s in self.sites.get(signal, []))

    def values(self, signal: str) -> dict[str, frozenset[str]]:
        """Arguments that every send site passes as a string literal -> those strings."""
        sites = self.sites.get(signal, [])
        found: dict[str, frozenset[str]] = {}
        for arg in self.always(signal):
            strings = [dict(s.literals).get(arg) for s in sites]
            if strings and all(isinstance(v, str) for v in strings):
                found[arg] = frozenset(strings)  # type: ignore[arg-type]
        return found

    def literal_none(self, signal: str) -> frozenset[str]:
        """Arguments that some send site passes as a literal ``None``."""
        return frozenset(
            k
            for s in self.sites.get(signal, [])
            for k, v in s.literals
            if v is None and k in s.keywords
        )


class Sources:
    """Files' trees, parsed on demand (once each): the inference reads few files."""

    def __init__(self, facts: Sequence[FileFacts], read: Callable[[FileFacts], bytes | None]):
        self.facts = list(facts)
        self._read = read
        self._bytes: dict[str, bytes | None] = {}
        self._trees: dict[str, ast.Module | None] = {}

    def source(self, facts: FileFacts) -> bytes | None:
        if facts.path not in self._bytes:
            self._bytes[facts.path] = self._read(facts)
        return self._bytes[facts.path]

    def tree(self, facts: FileFacts) -> ast.Module | None:
        if facts.path not in self._trees:
            source = self.source(facts)
            try:
                self._trees[facts.path] = ast.parse(source) if source is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._trees[facts.path] = None
        return self._trees[facts.path]

    def call_at(
        self, facts: FileFacts, line: int, method: str | None, name: str | None = None
    ) -> ast.Call | None:
        """The ``ast.Call`` at ``line`` of ``.method(`` or of ``name(``."""
        tree = self.tree(facts)
        for node in ast.walk(tree) if tree is not None else ():
            if not isinstance(node, ast.Call) or node.lineno != line:
                continue
            func = node.func
            if method and isinstance(func, ast.Attribute) and func.attr == method:
                return node
            if name and _callee_name(func) == name:
                return node
        return None


def literals(call: ast.Call) -> tuple[tuple[str, str | None], ...]:
    """Keyword arguments passed as a string literal or ``None``."""
    return tuple(
        (k.arg, k.value.value)
        for k in call.keywords
        if k.arg
        and isinstance(k.value, ast.Constant)
        and (k.value.value is None or isinstance(k.value.value, str))
    )


def derive_send_sites(
    facts: Sequence[FileFacts],
    read: Callable[[FileFacts], bytes | None],
    signal_of: Callable[[Send, FileFacts], str | None],
) -> Derivation:
    """Every send site in ``facts`` of a signal ``signal_of`` names (None: not one we describe).

    ``read`` gives a file's bytes; only files with a send or a caller to follow are read.
    """
    derivation = Derivation()
    sources = Sources(facts, read)
    for ff in facts:
        for send in ff.sends:
            signal = signal_of(send, ff)
            if signal is None:
                continue
            where = f"{ff.path}:{send.line}"
            call = sources.call_at(ff, send.line, send.method)
            passed = literals(call) if call is not None else ()
            keywords = frozenset(send.keywords) - DISPATCH_ARGS
            if send.has_star_args or send.npositional > 1:
                derivation.problems.append(
                    f"{where}: {send.method}() with extra positional arguments; teach the derivation"
                )
            if not send.has_star_kwargs:
                derivation.sites.setdefault(signal, []).append(
                    SendSite(signal, keywords, where, passed)
                )
                continue
            for site in _expanded(sources, derivation, ff, send, call, signal, keywords, passed):
                derivation.sites.setdefault(signal, []).append(site)
    return derivation


# --- following the expanded dict ---------------------------------------------------------------


@dataclass
class _Keys:
    """What a dict may hold, as far as we can tell."""

    sets: list[frozenset[str]]  # one key set per way it can be built (one site each)
    open_ended: bool = False
    problems: list[str] = field(default_factory=list)


def _expanded(
    sources: Sources,
    derivation: Derivation,
    ff: FileFacts,
    send: Send,
    call: ast.Call | None,
    signal: str,
    keywords: frozenset[str],
    passed: tuple[tuple[str, str | None], ...],
) -> Iterator[SendSite]:
    """The sites of one ``sig.send(..., **expr)``: one per way the dict can be built."""
    where = f"{ff.path}:{send.line}"
    definition = _definition(sources, ff, send.function) if send.function else None
    expanded = [k.value for k in call.keywords if k.arg is None] if call is not None else []
    if call is None or not expanded:
        derivation.problems.append(f"{where}: {send.method}(**...) not found in the source")
        yield SendSite(signal, keywords, where, passed, open_ended=True)
        return
    combos: list[tuple[frozenset[str], str]] = [(frozenset(), "")]
    open_ended = False
    for value in expanded:
        if (
            definition is not None
            and isinstance(value, ast.Name)
            and definition.node.args.kwarg is not None
            and definition.node.args.kwarg.arg == value.id
        ):
            found = _forwarded_kwargs(sources, derivation, definition)
        else:
            found = _dict_keys(sources, definition, value, depth=0, seen=set())
        derivation.problems.extend(f"{where}: {p}" for p in found.problems)
        open_ended = open_ended or found.open_ended
        combos = [
            (keys | extra, label + via) for keys, label in combos for extra, via in _labelled(found)
        ]
    for extra, via in combos:
        yield SendSite(signal, keywords | (extra - DISPATCH_ARGS), where + via, passed, open_ended)


def _labelled(found: _Keys) -> list[tuple[frozenset[str], str]]:
    sets = list(dict.fromkeys(found.sets)) or [frozenset()]
    if len(sets) == 1:
        return [(sets[0], "")]
    return [(keys, f" (with {', '.join(sorted(keys)) or 'no extra keywords'})") for keys in sets]


def _forwarded_kwargs(sources: Sources, derivation: Derivation, helper: _Def) -> _Keys:
    """``def helper(a, b, **kwargs): sig.send(..., **kwargs)``: what each caller adds.

    Keywords that only arrive through the helper's ``**kwargs`` are *sometimes* sent, never
    *always*: its signature makes them optional (the helper called without them is a site)."""
    derivation.forwarders.add(helper.qualname)
    args = helper.node.args
    named = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    found = _Keys([frozenset()])
    callers = list(_callers(sources, helper))
    if not callers:
        found.problems.append(f"forwarding helper {helper.qualname} has no call site")
    for caller_ff, call, _caller in callers:
        if any(k.arg is None for k in call.keywords):
            found.problems.append(
                f"{caller_ff.path}:{call.lineno}: call of {helper.qualname} passes **kwargs; "
                "teach the derivation"
            )
            found.open_ended = True
            continue
        found.sets.append(frozenset(k.arg for k in call.keywords if k.arg) - named)
    return found


def _dict_keys(
    sources: Sources,
    definition: _Def | None,
    value: ast.expr,
    depth: int,
    seen: set[tuple[str, str]],
) -> _Keys:
    """The key sets the dict ``value`` may hold where it is expanded (in ``definition``)."""
    shape = _shape(value, definition.node if definition is not None else None)
    found = _Keys([frozenset(shape.keys)], shape.opaque)
    if not shape.params or definition is None:
        return found
    # The dict (also) comes from a parameter: what do the callers pass for it?
    for param in sorted(shape.params):
        key = (definition.qualname, param)
        if key in seen or depth >= MAX_FOLLOW_DEPTH:
            found.open_ended = True
            continue
        seen.add(key)
        from_callers = _passed_for(sources, definition, param, depth, seen)
        found.open_ended = found.open_ended or from_callers.open_ended
        found.sets = [keys | more for keys in found.sets for more in from_callers.sets]
    return found


def _passed_for(
    sources: Sources, definition: _Def, param: str, depth: int, seen: set[tuple[str, str]]
) -> _Keys:
    """Key sets of what the callers of ``definition`` pass for its parameter ``param``.

    A function nothing here calls is called by code we do not read (the project, for a
    package's public helper): its default says what it gets; without one, anything."""
    args = definition.node.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    index = positional.index(param) if param in positional else None
    if index is not None and definition.bound:
        index -= 1  # obj.method(x): self is not among the call's arguments
    default = _default_of(args, param)
    callers = list(_callers(sources, definition))
    if not callers:
        if default is None:
            return _Keys([frozenset()], open_ended=True)
        shape = _shape(default, None)
        return _Keys([frozenset(shape.keys)], open_ended=shape.opaque)
    found = _Keys([])
    for _, call, caller in callers:
        argument: ast.expr | None = next((k.value for k in call.keywords if k.arg == param), None)
        if argument is None and index is not None and 0 <= index < len(call.args):
            argument = call.args[index]
            if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                argument = _OPAQUE
        if argument is None and any(k.arg is None for k in call.keywords):
            argument = _OPAQUE  # f(**options): may pass it
        if argument is None:
            argument = default if default is not None else ast.Constant(None)
        keys = _dict_keys(sources, caller, argument, depth + 1, seen)
        found.open_ended = found.open_ended or keys.open_ended
        found.sets.extend(keys.sets)
    return found


_OPAQUE = ast.Attribute(value=ast.Name(id="_", ctx=ast.Load()), attr="_", ctx=ast.Load())


def _default_of(args: ast.arguments, param: str) -> ast.expr | None:
    positional = args.posonlyargs + args.args
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if default is not None:
            defaults[arg.arg] = default
    return defaults.get(param)


@dataclass
class _Shape:
    keys: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)  # parameters it may come from
    opaque: bool = False


def _shape(value: ast.expr, node: ast.AST | None) -> _Shape:
    """What the expression ``value`` may be as a dict, read in the function ``node``."""
    shape = _Shape()
    _shape_of(value, node, shape, frozenset())
    return shape


def _shape_of(value: ast.expr, node: ast.AST | None, shape: _Shape, names: frozenset[str]) -> None:
    if isinstance(value, ast.Constant) and value.value is None:
        return
    if isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if key is None:  # {**other}
                _shape_of(item, node, shape, names)
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                shape.keys.add(key.value)
            else:
                shape.opaque = True
        return
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        for keyword in value.keywords:
            if keyword.arg is None:
                _shape_of(keyword.value, node, shape, names)
            else:
                shape.keys.add(keyword.arg)
        for positional in value.args:
            _shape_of(positional, node, shape, names)
        return
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "copy"
        and not value.args
    ):
        _shape_of(value.func.value, node, shape, names)
        return
    if isinstance(value, ast.BoolOp):
        for operand in value.values:
            _shape_of(operand, node, shape, names)
        return
    if isinstance(value, ast.IfExp):
        _shape_of(value.body, node, shape, names)
        _shape_of(value.orelse, node, shape, names)
        return
    if isinstance(value, ast.Name) and node is not None:
        if value.id in names:
            return  # ``d = d.copy()``: already being read
        _name_shape(value.id, node, shape, names | {value.id})
        return
    shape.opaque = True  # an attribute, a call's result, a comprehension...


def _name_shape(name: str, node: ast.AST, shape: _Shape, names: frozenset[str]) -> None:
    """A local name of the function ``node``: its parameter, and everything its body binds to it."""
    args = node.args  # type: ignore[attr-defined]
    params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    bound = name in params
    if bound:
        shape.params.add(name)
    for child in _body_nodes(node):
        if isinstance(child, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets = child.targets if isinstance(child, ast.Assign) else [child.target]
            child_value = child.value
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    bound = True
                    if child_value is not None and not isinstance(child, ast.AugAssign):
                        _shape_of(child_value, node, shape, names)
                    elif isinstance(child, ast.AugAssign):  # d |= {...}
                        _shape_of(child.value, node, shape, names)
                elif _is_item_of(target, name):
                    slice_ = target.slice  # type: ignore[attr-defined]
                    if isinstance(slice_, ast.Constant) and isinstance(slice_.value, str):
                        shape.keys.add(slice_.value)
                    else:
                        shape.opaque = True
                elif _binds_inside(target, name):
                    bound = True
                    shape.opaque = True  # a, d = ...: unpacked from something
        elif isinstance(child, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.comprehension)):
            targets = (
                [child.target]
                if not isinstance(child, (ast.With, ast.AsyncWith))
                else [item.optional_vars for item in child.items if item.optional_vars is not None]
            )
            if any(_binds_inside(target, name) for target in targets):
                bound = True
                shape.opaque = True
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and isinstance(child.func.value, ast.Name)
            and child.func.value.id == name
        ):
            _method_call(child, shape)
    if not bound:
        shape.opaque = True  # a global, a closure's variable: not followed


def _method_call(call: ast.Call, shape: _Shape) -> None:
    method = call.func.attr  # type: ignore[attr-defined]
    if method == "update":
        for keyword in call.keywords:
            if keyword.arg is None:
                shape.opaque = True
            else:
                shape.keys.add(keyword.arg)
        for argument in call.args:
            extra = _shape(argument, None)
            shape.keys |= extra.keys
            shape.opaque = shape.opaque or extra.opaque or bool(extra.params)
    elif method == "setdefault" and call.args:
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            shape.keys.add(first.value)
        else:
            shape.opaque = True
    elif method in ("__setitem__",):
        shape.opaque = True


def _is_item_of(target: ast.expr, name: str) -> bool:
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == name
    )


def _binds_inside(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_binds_inside(element, name) for element in target.elts)
    if isinstance(target, ast.Starred):
        return _binds_inside(target.value, name)
    return False


def _body_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's body, not descending into nested functions or classes."""
    stack = list(reversed(node.body))  # type: ignore[attr-defined]
    while stack:
        child = stack.pop()
        yield child
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(child))))


# --- functions and their callers -----------------------------------------------------------------


@dataclass(frozen=True)
class _Def:
    """A ``def`` in a file's tree, named as the facts name it (``Class.method``, ``outer.inner``)."""

    ff: FileFacts
    node: ast.FunctionDef | ast.AsyncFunctionDef
    qualname: str  # dotted, with the module
    name: str
    in_class: bool  # defined directly in a class body
    bound: bool  # called through an instance or class: its first parameter is not passed


def _definitions(ff: FileFacts, tree: ast.Module) -> Iterator[tuple[ast.AST, _Def | None]]:
    """Every node of ``tree`` with the ``def`` it is in (None at module level); a ``def``
    node itself comes with its own ``_Def``."""
    stack: list[tuple[ast.AST, tuple[str, ...], bool, _Def | None]] = [(tree, (), False, None)]
    while stack:
        node, path, class_body, enclosing = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {_callee_name(d) for d in node.decorator_list}
            definition = _Def(
                ff,
                node,
                ".".join((ff.module, *path, node.name)),
                node.name,
                class_body,
                class_body and "staticmethod" not in decorators,
            )
            yield node, definition
            inner = (*path, node.name)
            stack.extend((child, inner, False, definition) for child in node.body)
            outer = [*node.decorator_list, node.args, *([node.returns] if node.returns else [])]
            stack.extend((child, path, False, enclosing) for child in outer)
            continue
        yield node, enclosing
        if isinstance(node, ast.ClassDef):
            inner = (*path, node.name)
            stack.extend((child, inner, True, enclosing) for child in node.body)
            stack.extend((child, path, False, enclosing) for child in node.decorator_list)
        else:
            stack.extend((child, path, False, enclosing) for child in ast.iter_child_nodes(node))


def _definition(sources: Sources, ff: FileFacts, qualname: str) -> _Def | None:
    """The ``def`` of ``qualname`` (dotted within the module) in ``ff``."""
    tree = sources.tree(ff)
    wanted = f"{ff.module}.{qualname}"
    for node, definition in _definitions(ff, tree) if tree is not None else ():
        if definition is not None and definition.node is node and definition.qualname == wanted:
            return definition
    return None


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _callers(sources: Sources, function: _Def) -> Iterator[tuple[FileFacts, ast.Call, _Def | None]]:
    """Calls of ``function`` (by name, unless the caller's imports say it names something
    else), with the ``def`` each is in; at most ``MAX_CALLERS``."""
    needle = f"{function.name}(".encode()
    count = 0
    for other in sources.facts:
        source = sources.source(other) if other.parse_error is None else None
        if source is None or needle not in source:
            continue
        tree = sources.tree(other)
        if tree is None:
            continue
        aliases = dict(other.aliases)
        own = {
            node.name
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        for node, enclosing in _definitions(other, tree):
            if not isinstance(node, ast.Call) or _callee_name(node.func) != function.name:
                continue
            if not _may_be(node.func, function, other, aliases, own):
                continue
            yield other, node, enclosing
            count += 1
            if count >= MAX_CALLERS:
                return


def _may_be(
    func: ast.expr, function: _Def, caller: FileFacts, aliases: dict[str, str], own: set[str]
) -> bool:
    """Whether a callee expression may name ``function``: a method call on anything may; a
    name or dotted name is checked against the caller's module-level imports when it has one."""
    if function.in_class:
        return isinstance(func, ast.Attribute)
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return False
    dotted = [func.id, *reversed(parts)]
    module = function.qualname.rsplit(".", 1)[0]
    if dotted[0] in aliases:
        return ".".join([aliases[dotted[0]], *dotted[1:]]) == function.qualname
    if len(dotted) == 1:
        return caller.module == module or dotted[0] not in own
    return dotted[0] not in own  # a module imported inside a function: not resolved here
