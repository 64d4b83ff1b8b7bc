"""Amazon Lex V2 conversation logs: one JSON object per utterance (JSON Lines), as delivered to
CloudWatch Logs; a CloudWatch export to S3, whose lines start with a time stamp, is read too.

sessionId -> conversation_id. Each utterance gives a customer message (inputTranscript, with the
intent of the first interpretation, else of the session state), a bot_fallback record when the
utterance was missed (missedUtterance, or the FallbackIntent), then one bot record per entry of
`messages` at the same time: PlainText, SSML (tags removed) and ImageResponseCard (its title)
are messages, a CustomPayload is `other`.

Lex has no handoff event: an intent named in `[importers.lex_v2] transfer_intents` that reaches
Fulfilled or ReadyForFulfillment, or whose dialog action is Close, is handoff_initiated (the
session attributes, which the contact flow reads, are the handoff context); the same intent in
state Failed is handoff_failed. channel: the channel integration's platform when the request
attributes name one, else voice (Speech, DTMF) or chat (Text).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "lex_v2"

# The shape check and the records of every file of the load (each file's lines are read once,
# by `stage`): table macros of queries/ingest/importers/lex_v2.sql.
_SHAPE = "SELECT * FROM lex_v2_shape($fmt)"
_STAGE = f"{platform.INSERT} SELECT * FROM lex_v2_records($fmt, $transfer_intents)"


def transfer_intents(config: Config) -> list[str]:
    return config.importer("lex_v2").strings("transfer_intents")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.stage_lines(con, path, NAME)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    platform.define(con, NAME)
    fields = ["utterances (no JSON records found)", "sessionId", "sessionState"]
    params = {"transfer_intents": transfer_intents(config)}
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE, params)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(
        head,
        platform.key("sessionId"),
        platform.key("sessionState"),
        platform.key("inputTranscript") + "|" + platform.key("interpretations"),
    ) and not platform.head_has(head, platform.key("Transcript"))


FORMAT = Format(
    NAME,
    "Amazon Lex V2 conversation logs (JSON Lines, or a CloudWatch export)",
    stage,
    sniff,
    finish=finish,
)
