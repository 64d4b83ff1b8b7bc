"""handoff-analyzer: find failed and clumsy bot-to-human handoffs in conversation logs."""

from __future__ import annotations

from analyzer._version import __version__
from analyzer.api import Database, open_database
from analyzer.errors import HandoffError

__all__ = ["Database", "HandoffError", "__version__", "open_database"]
