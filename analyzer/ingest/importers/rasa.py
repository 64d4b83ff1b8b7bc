"""Rasa tracker-store JSON: one tracker (`GET /conversations/{id}/tracker`) or a list of them.

sender_id -> conversation_id; `user` events -> customer messages (intent, input channel), `bot`
events -> bot messages. A user intent named in `[importers.rasa] handoff_intents` adds a
handoff_requested record; an action named in `handoff_actions` -> handoff_initiated;
`action_default_fallback` (or the nlu_fallback intent) -> bot_fallback; `pause` (the bot stops
while a human takes over) -> agent_joined; `resume` -> handoff_completed. action_listen and slot
events are dropped; other events are kept as `other`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "rasa"

# The records and the shape check: table macros of queries/ingest/importers/rasa.sql.
_SHAPE = "SELECT * FROM rasa_shape($file)"
_STAGE = f"{platform.INSERT} SELECT * FROM rasa_records($file, $fmt, $actions, $intents)"


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, NAME)
    platform.require(con, path, NAME, _SHAPE, ["trackers (none found)", "sender_id", "events"])
    section = config.importer("rasa")
    params = {
        "actions": section.strings("handoff_actions"),
        "intents": section.strings("handoff_intents"),
    }
    platform.run_stage(con, path, NAME, _STAGE, params)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(head, platform.key("sender_id"), r'"event"\s*:\s*"')


FORMAT = Format(NAME, "Rasa tracker-store JSON (one tracker or a list)", stage, sniff)
