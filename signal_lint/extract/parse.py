"""Turn a file's bytes into a syntax tree, or into one clear parse error.

The stdlib ``ast`` parser is about nine times faster than libcst's, so it
parses every file.  It only knows the running Python's grammar, though: when
it refuses a file, libcst (whose grammar covers newer Pythons) gets a second
look, and a file libcst accepts is rewritten to equivalent older syntax
(``type X = ...``, ``def f[T]()``, ``except A, B:``) with lines kept in place,
so newer syntax never becomes a ``SIG000``.
"""

from __future__ import annotations

import ast

from signal_lint.extract.facts import ParseError
from signal_lint.reading import DEFAULT_MAX_FILE_SIZE, read_regular_file

# Python's own parser recurses in C; a pathological file (100k nested
# parentheses) must give a SIG000, not kill the process.
MAX_NESTING_HINT = "too deeply nested to analyse"
MAX_BRACKET_DEPTH = 100  # CPython's tokenizer allows 200; libcst's parser recurses per level


def parse_source(source: bytes, path: str) -> ast.Module | ParseError:
    """Parse ``source`` (raw bytes: the coding cookie and BOM are honoured)."""
    if b"\0" in source:
        line = source[: source.index(b"\0")].count(b"\n") + 1
        return ParseError("could not parse: source contains a null byte", line, 0)
    try:
        return ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as error:
        if not _too_deep(error, source):
            tree = _parse_newer_syntax(source, path)
            if tree is not None:
                return tree
        return _syntax_error(error)
    except (RecursionError, MemoryError):
        return ParseError(f"could not parse: {MAX_NESTING_HINT}", 1, 0)
    except (ValueError, UnicodeError) as error:  # undecodable bytes on some Python versions
        return ParseError(f"could not parse: {error}", 1, 0)


def _too_deep(error: SyntaxError, source: bytes) -> bool:
    """Nesting that Python refuses would overflow libcst's native parser's stack."""
    message = error.msg or ""
    if "nested" in message or "too complex" in message or "recursion" in message:
        return True
    depth = deepest = 0
    for byte in source:
        if byte in b"([{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b")]}":
            depth -= 1
    return deepest > MAX_BRACKET_DEPTH


def _syntax_error(error: SyntaxError) -> ParseError:
    message = error.msg or "invalid syntax"
    if "unicode error" in message or "decode" in message:
        message = f"not valid text in its declared encoding ({message})"
    line = error.lineno or 1
    column = max((error.offset or 1) - 1, 0)
    return ParseError(f"could not parse: {message}", line, column)


def _parse_newer_syntax(source: bytes, path: str) -> ast.Module | None:
    """libcst fallback for syntax newer than the running Python."""
    try:
        import libcst  # imported only here: most runs never need it

        from signal_lint.extract.downgrade import downgrade
    except ImportError:  # pragma: no cover - libcst is a dependency
        return None
    try:
        module = libcst.parse_module(source)
    except Exception:  # libcst's ParserSyntaxError and friends: genuinely invalid
        return None
    try:
        code = downgrade(module)
        return ast.parse(code, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    except (
        Exception
    ):  # libcst refusing its own rewrite (CSTValidationError): the SyntaxError stands
        return None


def read_source(
    path: str, limit: int = DEFAULT_MAX_FILE_SIZE
) -> tuple[bytes | None, ParseError | None]:
    """Read a regular file of at most ``limit`` bytes; anything else is a parse error for that file."""
    try:
        return read_regular_file(path, limit), None
    except OSError as error:
        reason = error.strerror or str(error)
        return None, ParseError(f"could not read file: {reason}", 1, 0)
    except ValueError as error:  # a path with a NUL byte
        return None, ParseError(f"could not read file: {error}", 1, 0)
