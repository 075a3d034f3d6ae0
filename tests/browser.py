"""Headless Chromium for the tests of drawn reports (the HTML report, Mermaid diagrams).

Chromium is required, never skipped: ``.ci/run`` installs Debian's
``chromium``; ``SIGNAL_LINT_CHROMIUM`` may name another Chromium/Chrome
binary.  ``browse()`` returns the DOM after the page's scripts ran (or takes
a screenshot); ``png_pixels()`` decodes a screenshot with zlib alone.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def chromium() -> str:
    explicit = os.environ.get("SIGNAL_LINT_CHROMIUM")
    found = explicit or next((path for path in map(shutil.which, CANDIDATES) if path), None)
    if not found or not (os.path.isfile(found) and os.access(found, os.X_OK)):
        pytest.fail(
            "the HTML report test needs a headless Chromium: `apt-get install chromium` (Debian; .ci/run does it) "
            "or set SIGNAL_LINT_CHROMIUM to a Chromium/Chrome binary",
            pytrace=False,
        )
    return found


def browse(
    url: str,
    *,
    screenshot: Path | None = None,
    size=(1400, 1000),
    wait_ms: int = 0,
) -> str:
    """The DOM after the page's scripts ran (or "" when taking a screenshot); retried: a cold
    browser start can flake.  ``wait_ms``: virtual time to give asynchronous scripts first."""
    binary = chromium()
    errors = []
    for attempt in range(3):
        with tempfile.TemporaryDirectory(prefix="signal-lint-chromium-") as profile:
            action = [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
            command = [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                *([f"--virtual-time-budget={wait_ms}"] if wait_ms else []),
                *action,
                url,
            ]
            try:
                done = subprocess.run(command, capture_output=True, timeout=120, cwd=profile)
            except subprocess.TimeoutExpired as error:
                errors.append(f"attempt {attempt + 1}: timed out ({error})")
                continue
        out = done.stdout.decode("utf-8", "replace")
        if (
            screenshot is not None
            and done.returncode == 0
            and screenshot.is_file()
            and screenshot.stat().st_size > 0
        ):
            return ""
        if screenshot is None and done.returncode == 0 and "</html>" in out:
            return out
        tail = done.stderr.decode("utf-8", "replace")[-1500:]
        errors.append(f"attempt {attempt + 1}: exit {done.returncode}, stderr tail: {tail}")
        time.sleep(1)
    pytest.fail(f"chromium did not render {url}:\n" + "\n".join(errors), pytrace=False)


def png_pixels(path: Path):
    """(width, height, list of pixel byte strings) of an 8-bit RGB/RGBA non-interlaced PNG, decoded with zlib alone."""
    blob = path.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, [], None
    while position < len(blob):
        (length,) = struct.unpack(">I", blob[position : position + 4])
        kind = blob[position + 4 : position + 8]
        chunk = blob[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        position += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=False))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"
        rows.append(bytes(line))
        previous = line
    pixels = [row[x : x + channels] for row in rows for x in range(0, stride, channels)]
    return width, height, pixels
