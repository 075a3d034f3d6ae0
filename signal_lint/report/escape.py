"""One way to show text that is not valid Unicode, for every output format.

A file name that is not valid UTF-8 (``b"bad\\xff.py"``) reaches Python as a
string holding a lone surrogate (``"bad\\udcff.py"``), and so do module names
made from it.  Written as they are, such strings crash a UTF-8 stream or make
output that is not UTF-8 (so not JSON, not SARIF).  ``printable`` writes each
undecodable byte as ``\\xff`` instead, the same in every format; a URI gets
the file's real bytes percent-encoded (``bad%FF.py``), as URIs name bytes.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote


def printable(text: str) -> str:
    """``text``, with each byte that is not valid UTF-8 shown as ``\\xNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes of an undecodable file name, as os.fsdecode made them
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # other lone surrogates: their code point
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def printable_data(value: Any) -> Any:
    """``value`` (JSON-like data) with every string ``printable``, keys included."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(key): printable_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable_data(item) for item in value)
    return value


def path_uri(path: str) -> str:
    """``path`` as a URI reference: relative (``/`` separators) or ``file://``, bytes percent-encoded."""
    raw = os.fsencode(path)
    if os.path.isabs(path):
        absolute = raw.replace(os.sep.encode(), b"/")
        return "file://" + quote(
            absolute if absolute.startswith(b"/") else b"/" + absolute, safe="/:"
        )
    return quote(raw.replace(os.sep.encode(), b"/"), safe="/")
