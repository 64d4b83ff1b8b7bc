"""The format type and the registry, under their former names (see base.py and registry.py)."""

from analyzer.ingest.base import Finisher, Format, Sniffer, Stager, read_head
from analyzer.ingest.registry import FORMATS, REGISTRY, detect_format

__all__ = [
    "FORMATS",
    "REGISTRY",
    "Finisher",
    "Format",
    "Sniffer",
    "Stager",
    "detect_format",
    "read_head",
]
