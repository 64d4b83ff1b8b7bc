"""handoff-analyzer: find failed and clumsy bot-to-human handoffs in conversation logs."""

from __future__ import annotations

__version__ = "0.1.0"

from analyzer.api import Database, open_database
from analyzer.errors import HandoffError

__all__ = ["Database", "HandoffError", "__version__", "open_database"]
