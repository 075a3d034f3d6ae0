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
import re

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
    if len(source) >= ELIDE_FILE_SIZE:
        elided = elide_literals(source)
        if elided is not None:
            try:
                return ast.parse(elided, filename=path, type_comments=False)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass  # the scan misread something: parse the file as it is
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


# A syntax tree costs 100 to 300 times its source in memory (a Python object per
# node: a 20 MB list literal took 6.5 GB).  No fact comes from inside a large
# literal, so in a large file each bracketed literal longer than ELIDE_RUN_SIZE
# (numbers, strings, None/True/False, brackets, commas, colons) is blanked to
# ``[0    ...    ]`` before parsing: same length, same lines, a tree of one node.
ELIDE_FILE_SIZE = 1024 * 1024
ELIDE_RUN_SIZE = 64 * 1024
_QUOTED = (
    rb"(?:'''(?:[^\\]|\\.)*?'''"
    rb'|"""(?:[^\\]|\\.)*?"""'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb'|"(?:[^"\\\n]|\\.)*")'
)
_ANY_STRING = rb"[rRbBuUfFtT]{0,3}" + _QUOTED  # f- and t-strings too: skipped whole
# code outside strings and comments: where a bracket opens
_CODE = re.compile(rb"(?:" + _ANY_STRING + rb"|#[^\n]*)|([\[({])", re.DOTALL)
# what a literal is made of: no names, no calls, no f-strings
# (bounded: an unbounded repeat keeps a backtracking record per item, gigabytes for a big literal)
_LITERAL_RUN = re.compile(
    rb"(?:[\s,:()\[\]{}+\-.]+|#[^\n]*|\\\r?\n|\d[\w.]*|(?:None|True|False)\b"
    rb"|[rRbBuU]{0,2}" + _QUOTED + rb"){1,4096}",
    re.DOTALL,
)
_RUN_TOKEN = re.compile(rb"(?:" + _ANY_STRING + rb"|#[^\n]*)|([\[({])|([\])}])", re.DOTALL)
_BLANK = bytes(byte if byte in b"\r\n" else 32 for byte in range(256))


def elide_literals(source: bytes) -> bytes | None:
    """``source`` with its long bracketed literals blanked (see ``ELIDE_RUN_SIZE``), or None if none.

    Only UTF-8 files: in other encodings a byte that looks like a quote or a
    bracket may be half a character.
    """
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError:
        return None
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    result: bytearray | None = None
    position = 0
    while True:
        match = _CODE.search(source, position)
        if match is None:
            break
        position = match.end()
        if match.group(1) is None:  # a string or a comment: skipped whole
            continue
        start = match.start()
        end = _literal_end(source, start)
        if end - start < ELIDE_RUN_SIZE:
            continue
        close = _closing(source, start, end)
        if close is None or close - start < ELIDE_RUN_SIZE:
            continue
        if result is None:
            result = bytearray(source)
        blank = source[start + 1 : close].translate(_BLANK)
        first = blank.index(b" ")  # the only item left (line breaks stay where they are)
        result[start + 1 : close] = blank[:first] + b"0" + blank[first + 1 :]
        position = close + 1
    return bytes(result) if result is not None else None


def _literal_end(source: bytes, start: int) -> int:
    """Where the literal-only text from ``start`` ends."""
    end = start
    while True:
        piece = _LITERAL_RUN.match(source, end)
        if piece is None or piece.end() == end:
            return end
        end = piece.end()


def _closing(source: bytes, start: int, end: int) -> int | None:
    """The position of the bracket closing the one at ``start``, if it is before ``end``."""
    depth = 0
    for token in _RUN_TOKEN.finditer(source, start, end):
        if token.group(1) is not None:
            depth += 1
        elif token.group(2) is not None:
            depth -= 1
            if depth == 0:
                return token.start()
    return None


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
