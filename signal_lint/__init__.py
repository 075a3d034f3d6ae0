"""signal-lint: find Django signal mistakes statically and draw the signal graph.

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from __future__ import annotations

__version__ = "0.1.0"

# The one place the project's address is written: SARIF's helpUri, the JSON
# ``url`` of each finding and the README's links are built from it, and a test
# checks pyproject.toml's [project.urls] against it.
REPOSITORY_URL = "https://github.com/signal-lint/signal-lint"
DOCS_URL = REPOSITORY_URL + "/blob/main/docs"


def rule_url(code: str) -> str:
    """The rule's documentation page."""
    return f"{DOCS_URL}/rules/{code}.md"
