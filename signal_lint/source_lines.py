"""The text of the files that findings name, for fingerprints, source snippets and end positions.

Each file is read once per run.  A file whose content did not come from disk
(``check -``: standard input) is given, so its findings are described by the
text that was checked, not by whatever lies at that path.
"""

from __future__ import annotations

from collections.abc import Mapping

from signal_lint.reading import DEFAULT_MAX_FILE_SIZE, read_regular_file


class SourceLines:
    """Lines are decoded as UTF-8 with ``surrogateescape`` (undecodable bytes survive a round trip).

    Only regular files up to ``limit`` bytes are read (``max-file-size``), as for checking.
    """

    def __init__(
        self, given: Mapping[str, bytes] | None = None, limit: int = DEFAULT_MAX_FILE_SIZE
    ) -> None:
        self.given = dict(given or {})
        self.limit = limit
        self.files: dict[str, list[str]] = {}
        self.read: dict[str, bytes] = {}

    def data(self, path: str) -> bytes:
        """The file's bytes; empty for what cannot be read."""
        if path in self.given:
            return self.given[path]
        if path not in self.read:
            try:
                self.read[path] = read_regular_file(path, self.limit)
            except OSError:
                self.read[path] = b""
        return self.read[path]

    def lines(self, path: str) -> list[str]:
        lines = self.files.get(path)
        if lines is None:
            # bytes.splitlines splits on \n, \r\n and \r only, as Python's tokenizer does
            lines = [
                line.decode("utf-8", "surrogateescape") for line in self.data(path).splitlines()
            ]
            self.files[path] = lines
        return lines

    def line(self, path: str, number: int) -> str:
        """Line ``number`` (1-based), or "" beyond the file."""
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""
