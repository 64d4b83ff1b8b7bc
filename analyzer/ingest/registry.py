"""The input formats, in the order the loader tries them on a file: one explicit tuple.

Platform exports come first: their sniffers look for keys only that export has, so they are more
specific than the canonical JSON Lines / CSV / Parquet readers, which come last. Within the
platforms the order only matters where two sniffers could both match a file; the tests check
that every fixture is sniffed by exactly one format.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.errors import InputFileError
from analyzer.ingest.base import Format, _ends, read_head
from analyzer.ingest.importers import (
    botframework,
    connect,
    copilot_dataverse,
    dialogflow_cx,
    human_dialogues,
    lex_v2,
    openai_messages,
    rasa,
    salesforce,
)


def _looks_like_jsonl(path: Path, head: bytes) -> bool:
    first = head.lstrip()[:1]
    if _ends(path, ".jsonl", ".ndjson"):
        return True
    # A .json file of one object per line (not an array, not one pretty-printed object).
    lines = [ln for ln in head.splitlines() if ln.strip()]
    return first == b"{" and len(lines) > 1 and all(ln.strip().startswith(b"{") for ln in lines[:3])


JSONL = Format(
    "jsonl",
    "canonical schema, one JSON object per line",
    None,
    _looks_like_jsonl,
)
CSV = Format(
    "csv",
    "canonical schema, CSV with a header row",
    None,
    lambda p, h: _ends(p, ".csv", ".tsv"),
)
PARQUET = Format(
    "parquet",
    "canonical schema, Parquet",
    None,
    lambda p, h: h.startswith(b"PAR1"),
)

REGISTRY: tuple[Format, ...] = (
    # platform exports: JSON documents or lines with keys of their own
    botframework.FORMAT,  # a JSON array of Activities (type, from.role)
    connect.FORMAT,  # Amazon Connect transcript / Contact Lens output
    copilot_dataverse.FORMAT,  # Dataverse conversationtranscript rows
    dialogflow_cx.FORMAT,  # BigQuery export of Dialogflow CX interactions
    human_dialogues.ABCD,  # ABCD human dialogues (convo_id, original)
    human_dialogues.TWITTER,  # IBM Twitter customer care (dialogHeader, dialogContent)
    human_dialogues.ABCD_ONTOLOGY,  # recognised and skipped: not a transcript
    human_dialogues.COPILOT_CONTENT,  # recognised and skipped: one row's content
    lex_v2.FORMAT,  # Amazon Lex V2 conversation logs
    openai_messages.FORMAT,  # OpenAI-style messages (role, content, tool_calls)
    rasa.FORMAT,  # Rasa tracker store (sender_id, events)
    salesforce.FORMAT,  # Salesforce ConversationEntry (CSV or JSON)
    # our canonical schema, by content or file name
    JSONL,
    CSV,
    PARQUET,
)
FORMATS: dict[str, Format] = {f.name: f for f in REGISTRY}


def detect_format(path: Path, forced: str = "auto") -> Format:
    """The format of `path`: `forced` when given, else the first in REGISTRY that sniffs it."""
    if forced != "auto":
        if forced not in FORMATS:
            raise InputFileError(
                f"unknown format {forced!r}", f"use one of: auto, {', '.join(FORMATS)}"
            )
        return FORMATS[forced]
    head = read_head(path)
    for fmt in REGISTRY:
        if fmt.sniff(path, head):
            return fmt
    raise InputFileError(
        f"{path}: cannot tell which format this file is",
        f"pass --format with one of: {', '.join(FORMATS)}",
    )
