"""The per-file facts: plain, frozen, picklable data that every later stage reads.

One parse per file produces a `FileFacts`; rules, the project graph and the
cache read only these, never the syntax tree.  Names are dotted qualified
names resolved through the file's imports and assignments (``ps`` imported as
``from django.db.models.signals import post_save as ps`` is recorded as
``django.db.models.signals.post_save``).  Lines are 1-based, columns 0-based.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields, is_dataclass
from functools import cached_property
from operator import attrgetter

# Millions of these live at once on a large monorepo: no per-instance __dict__ where Python allows it.
SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}

# Where a connection or send happens; decides when it runs (SIG002, SIG003, SIG101, SIG103).
MODULE = "module"  # module level: runs when the module is imported
READY = "ready"  # AppConfig.ready()
APPCONFIG_INIT = "appconfig-init"  # AppConfig.__init__()
CLASS_BODY = "class-body"  # a class body: runs once, at import
METHOD = "method"  # a method of an ordinary class (runs per call / instance)
FUNCTION = "function"  # a module-level or nested function body


@dataclass(frozen=True, **SLOTS)
class Span:
    line: int
    column: int


@dataclass(frozen=True, **SLOTS)
class Param:
    name: str
    kind: str  # "posonly", "normal", "kwonly", "varargs", "varkw"
    has_default: bool
    line: int
    column: int


@dataclass(frozen=True, **SLOTS)
class Guarded:
    """Something in a function body, with the conditions that govern it.

    ``guard_names`` are the names (``instance``, ``created``, ``kwargs['raw']``
    recorded as ``raw``) and ``guard_attrs`` the ``base.attr`` attribute reads
    mentioned by enclosing ``if``/``while``/ternary tests, left operands of
    ``and``/``or``, and tests of earlier ``if ...: return`` statements.
    ``guard_strings`` are string literals in those tests.  ``known`` is what
    those tests make true where it runs, as tuples: ``("truthy", "created")``
    inside ``if created:`` or after ``if not created: return``,
    ``("falsy", s)``, ``("notnone", s)``, ``("eq", s)``/``("ne", s)``
    (``instance.status != "paid"`` gives ``("ne", "instance.status")``),
    ``("in", s, "x")``/``("notin", s, "x")`` (a falsy ``s`` holds nothing).
    """

    line: int
    column: int
    guard_names: frozenset[str] = frozenset()
    guard_attrs: frozenset[tuple[str, str]] = frozenset()
    guard_strings: frozenset[str] = frozenset()
    known: frozenset[tuple[str, ...]] = frozenset()


@dataclass(frozen=True, **SLOTS)
class CallUse(Guarded):
    """A call in a function body: ``instance.save(update_fields=["x"])`` has
    chain ``("instance", "save")``, keywords ``("update_fields",)`` and
    update_fields ``("x",)``.  ``chain`` is empty when the callee is not a
    plain name/attribute chain.  ``qualname`` is the resolved callee."""

    chain: tuple[str, ...] = ()
    qualname: str | None = None
    keywords: tuple[str, ...] = ()
    update_fields: tuple[str, ...] = ()
    nargs: int = 0
    same_row: bool = False  # a query of the row being saved: ``sender.objects.get(pk=instance.pk)``


@dataclass(frozen=True, **SLOTS)
class AttrUse(Guarded):
    """``base.attr`` read where ``base`` is a parameter-like local name."""

    base: str = ""
    attr: str = ""


@dataclass(frozen=True, **SLOTS)
class Compare:
    """``action == "pre add"``, ``action in (...)``, ``case "x":``: a name (or
    ``kwargs["action"]``/``kwargs.get("action")``, recorded as ``action``)
    compared with a string literal at (line, column).  ``op`` says how:
    ``"=="`` equality or membership in a literal collection (``==``, ``!=``,
    ``is``, ``in (...)``, ``case``), ``"in"`` a substring of the literal
    (``action in "pre_add post_add"``), ``"contains"`` the literal is a
    substring of the subject (``"add" in action``)."""

    subject: str
    value: str
    line: int
    column: int
    op: str = "=="


@dataclass(frozen=True, **SLOTS)
class Function:
    """A ``def``/``async def`` (``lambda`` receivers are recorded on the connection)."""

    qualname: (
        str  # dotted within the module: "Handler.on_save", "ready.<locals>.h" style is "ready.h"
    )
    name: str
    line: int  # line of the ``def`` keyword
    column: int
    first_line: int  # first decorator's line, or the def line
    is_async: bool
    params: tuple[Param, ...]
    decorators: tuple[str | None, ...]  # qualified names, outermost first (None = unresolvable)
    decorator_lines: tuple[int, ...]
    class_name: str | None  # the enclosing class when defined directly in a class body
    parent: str | None  # qualname of the enclosing function when nested
    is_staticmethod: bool = False
    is_classmethod: bool = False
    is_generator: bool = False
    calls: tuple[CallUse, ...] = ()
    attrs: tuple[AttrUse, ...] = ()
    compares: tuple[Compare, ...] = ()
    names_read: frozenset[str] = frozenset()  # names read, incl. kwargs["x"] keys as "x"
    attr_assigns: tuple[tuple[str, str, int], ...] = ()  # (base, attr, line)
    returns_value: bool = False
    # what its ``return`` statements hand back, one entry per kind: "nested:<qualname>" (a def of
    # its own, e.g. a decorator's wrapper), "lambda", "partial", "param:<name>" (an argument, as a
    # registering decorator returns the function), "literal" (a constant, a display, an f-string),
    # "other"; empty when it returns no value
    returns: tuple[str, ...] = ()
    # local names returned, stored or passed to non-signal calls
    escaping_names: frozenset[str] = frozenset()
    # what it calls, kept for every function (``calls`` may be dropped for memory): resolved qualified
    # names, or "self.x"/"cls.x"/"x" when unresolved (the graph follows ready()'s helpers through them)
    callees: tuple[str, ...] = ()
    # what its locals hold, as far as SIG013 cares (``extract/rows.py``): ("obj", "instance"),
    # ("old", "row"), ("model", "model:Order"), ("request", "request"); receiver-like functions only
    local_kinds: tuple[tuple[str, str], ...] = ()
    # call chains that may touch the database or the world outside it, of functions that are not
    # receiver-like (SIG013 follows a save receiver's calls one deep into them)
    orm_calls: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, **SLOTS)
class Receiver:
    """What was passed as the receiver of a connect/disconnect, or decorated."""

    kind: str  # "function" (a def in this file), "name" (an imported/global name), "lambda", "partial",
    #            "temporary-method" (Handler().on_save), "method" (obj.attr), "call" (f()), "none", "other"
    qualname: str | None = None  # resolved dotted name for function/name/method/call callee
    local: str | None = None  # qualname within the module when it is a def of this file
    text: str = ""  # source spelling, for messages
    # kind "local": what the enclosing frame last bound that name to, when it is
    # an object nothing else holds: "lambda", "partial", "temporary-method"; or
    # "call:<callee>" for the result of a call (``audit = Audit()``, ``h = make_handler()``)
    local_value: str | None = None
    # kind "lambda": where it is and whether it takes ``**kwargs`` (SIG001)
    line: int = 0
    column: int = 0
    accepts_kwargs: bool | None = None


@dataclass(frozen=True, **SLOTS)
class Sender:
    kind: (
        str  # "any" (None/omitted), "name" (resolved class or object), "string", "literal", "expr",
        # "model" (a call naming a model: value in FileFacts.model_refs' format)
    )
    value: str | None = None  # qualified name, or the string literal
    line: int = 0
    column: int = 0
    # the expression's source text, as ``ast.unparse`` prints it (cut at 200 characters): what
    # the graph shows for a sender it cannot resolve (``apps.get_model('shop', 'Order')``)
    text: str = ""


@dataclass(frozen=True, **SLOTS)
class Connection:
    """One ``@receiver(...)``, ``sig.connect(...)`` or ``sig.disconnect(...)``."""

    kind: str  # "decorator", "connect", "disconnect"
    signals: tuple[str | None, ...]  # qualified names (a @receiver list gives several)
    signal_text: tuple[str, ...]
    receiver: Receiver
    sender: Sender
    weak: bool | None  # None when not a literal
    dispatch_uid: (
        str | None
    )  # repr of a literal uid, "<expr>" for other expressions, None when absent/None
    dispatch_uid_falsy: bool
    line: int
    column: int
    context: str  # MODULE, READY, APPCONFIG_INIT, CLASS_BODY, METHOD, FUNCTION
    function: str | None  # qualname of the enclosing function
    decorator_index: int = 0  # position among the decorators, 0 = outermost
    in_test: bool = False  # enclosing function looks like a test (test_*, setUp...)
    # the ``if`` tests it is made under, in its function (or at module level), as source text
    # joined by " and ": "settings.FEATURE_AUDIT", "not settings.MAIL_ENABLED" (after an early
    # return); None when it is made unconditionally
    condition: str | None = None
    # a template: ``signal.connect(f, **kwargs)`` on a parameter of the enclosing function (or of
    # one enclosing it), as in a decorator factory; (role, "<function>:<parameter>:<position>")
    # with role "signal", "receiver", "sender" or "kwargs" (``**kwargs`` handed on). The graph
    # binds it at the factory's call sites (FileFacts.factory_calls)
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, **SLOTS)
class FactoryCall:
    """A call handing a signal to a function (``@on(post_save, sender=Order)`` on a def,
    ``connect_all(request_started, handler)``): arguments as resolved dotted names, strings as
    their ``repr``, ``"None"``, or None when not a name."""

    callee: str
    arguments: tuple[str | None, ...]
    keywords: tuple[tuple[str, str | None], ...]
    decorated: str | None  # the qualname (within the module) of the def it decorates
    line: int
    column: int
    context: str
    function: str | None


@dataclass(frozen=True, **SLOTS)
class Send:
    """A ``sig.send()``/``send_robust()``/``asend()``/``asend_robust()`` call."""

    signal: str | None
    signal_text: str
    method: str
    keywords: tuple[str, ...]
    npositional: int
    has_star_args: bool
    has_star_kwargs: bool
    sender: Sender  # kind "missing" when no sender given
    line: int
    column: int
    function: str | None
    in_async: bool  # directly inside an ``async def``
    usage: str  # "await", "statement", "dropped" (assigned, never used), "other"
    context: str = MODULE


@dataclass(frozen=True, **SLOTS)
class SignalDef:
    """``name = Signal(...)`` / ``ModelSignal(...)`` at module or class level."""

    qualname: str  # dotted within the module
    kind: str  # "Signal" or "ModelSignal"
    line: int
    column: int
    providing_args: Span | None = None
    providing_args_names: tuple[str, ...] = ()
    use_caching: bool = False
    providing_args_positional: bool = (
        False  # ``Signal(["a", "b"])``: Django 4.0+ takes the list for use_caching
    )
    # the project's own subclass it is an instance of (``DeprecatedSignal()``), qualified; None: Django's
    cls: str | None = None


@dataclass(frozen=True, **SLOTS)
class Import:
    """An import, resolved to absolute module names."""

    module: str  # absolute module imported ("shop.signals"), or the package for "from x import y"
    names: tuple[str, ...]  # names taken by a from-import ("()" for "import x")
    line: int
    context: str  # MODULE, READY, FUNCTION, METHOD, ...
    function: str | None
    conditional: bool = False  # inside try/if at module level


@dataclass(frozen=True, **SLOTS)
class ClassDef:
    qualname: str
    line: int
    column: int
    bases: tuple[str | None, ...]  # resolved qualified names
    # string-valued class attributes that matter: AppConfig.name/label, Meta.app_label, abstract
    attributes: tuple[tuple[str, str], ...] = ()
    # names of the functions defined directly in its body (``__call__``, a bound method's owner)
    methods: tuple[str, ...] = ()


@dataclass(frozen=True, **SLOTS)
class ParseError:
    message: str
    line: int
    column: int


@dataclass(frozen=True)
class FileFacts:
    path: str
    module: str
    is_package: bool
    is_test: bool
    parse_error: ParseError | None = None
    # (line, codes or None = all, column, end column) of each noqa directive
    noqa: tuple[tuple[int, tuple[str, ...] | None, int, int], ...] = ()
    imports: tuple[Import, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # module-level name -> qualified target it re-exports
    classes: tuple[ClassDef, ...] = ()
    functions: tuple[Function, ...] = ()
    signal_defs: tuple[SignalDef, ...] = ()
    connections: tuple[Connection, ...] = ()
    sends: tuple[Send, ...] = ()
    factory_calls: tuple[FactoryCall, ...] = ()
    # module-level name -> the class it was bound to an instance of (``audit = Audit()``): a callable
    # instance connected as a receiver is its class's ``__call__``
    instances: tuple[tuple[str, str], ...] = ()
    # name (within the module) -> the model a call bound it to: ``User = get_user_model()`` is
    # ("User", "@AUTH_USER_MODEL"); "shop.Order" for apps.get_model("shop", "Order"); ":Order" for
    # an AppConfig's self.get_model("Order")
    model_refs: tuple[tuple[str, str], ...] = ()
    # (model qualified name or None, method, line, column): QuerySet.update()/bulk_create()/bulk_update()
    bulk_writes: tuple[tuple[str | None, str, int, int], ...] = ()
    # (line, column) of the bulk writes that are an ``update()`` of one row chosen by primary key
    # (``Order.objects.filter(pk=order.pk).update(...)``): the idiom for a write without signals
    row_updates: tuple[tuple[int, int], ...] = ()
    # (model name as resolved, method, line, column): saves, creates, deletes and admin registrations
    # ("admin") of a named class (extract/writes.py; SIG108)
    model_writes: tuple[tuple[str, str, int, int], ...] = ()
    # the module-level settings the graph reads, when they hold strings: ("INSTALLED_APPS",
    # ("shop", ...)), ("ROOT_URLCONF", ("config.urls",)), and
    # os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings") as
    # ("DJANGO_SETTINGS_MODULE", (...))
    settings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (callee qualified name, line) of calls that run when the module is imported (module level and
    # class bodies): ``connect_signals()`` at the bottom of ``signals.py`` (the graph follows them)
    module_calls: tuple[tuple[str, int], ...] = ()
    # the module's ``__all__`` when it is a literal (what a star import of it binds); None: none
    exports: tuple[str, ...] | None = None
    # callee name -> (keywords, most positional arguments) over every direct call in the file's functions
    call_arguments: tuple[tuple[str, tuple[str, ...], int], ...] = ()
    detailed: bool = False  # False: cheap pass (imports, classes, signatures only)

    def function(self, qualname: str) -> Function | None:
        return self._functions_by_name.get(qualname)

    @cached_property
    def _functions_by_name(self) -> dict[str, Function]:
        return {func.qualname: func for func in self.functions}


def _pickled_as_calls(cls: type) -> None:
    """Pickle ``cls`` as a call of a constructor made for unpickling, with its field values.

    ``dataclasses`` pickles a frozen, slotted class through Python-level
    ``__getstate__``/``__setstate__`` (a ``fields()`` call and a loop per
    object).  Workers send every file's facts to the main process, so that
    cost is paid for each of hundreds of thousands of objects.  The constructor
    (``_new_<Class>``, a module attribute so that pickle finds it by name) sets
    each slot through its descriptor, skipping the frozen class's checked
    ``__init__``: unpickling takes about 40 % less time than calling the class.
    """
    names = [f.name for f in fields(cls)]
    setters = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    source = (
        f"def _new_{cls.__name__}({', '.join(names)}):\n"
        "    made = _allocate(_cls)\n"
        + "".join(f"    _set_{name}(made, {name})\n" for name in names)
        + "    return made\n"
    )
    namespace: dict[str, object] = {"_allocate": object.__new__, "_cls": cls, **setters}
    exec(source, namespace)  # as ``dataclasses`` makes ``__init__``
    constructor = namespace[f"_new_{cls.__name__}"]
    constructor.__module__ = __name__
    globals()[f"_new_{cls.__name__}"] = constructor
    getter = attrgetter(*names)
    single = len(names) == 1

    def reduce(self: object) -> tuple[object, tuple[object, ...]]:
        return constructor, ((getter(self),) if single else getter(self))

    cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]


for _cls in list(globals().values()):
    if isinstance(_cls, type) and is_dataclass(_cls) and "__slots__" in vars(_cls):
        _pickled_as_calls(_cls)
