"""signal-lint: find Django signal mistakes statically and draw the signal graph.

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from __future__ import annotations

__version__ = "0.1.0"
