"""Dialogflow CX interaction logs exported from BigQuery: one JSON row per turn (JSON Lines).

The row fields are those of the interaction-logging table: conversation_name (the session's
resource name; its last segment is the conversation id), turn_position, request_time,
language_code, request and response (a DetectIntentRequest / DetectIntentResponse, as JSON or as
a JSON string), conversation_signals, derived_data.

Each turn gives: the customer's words (request.queryInput.text.text, else the speech transcript
or the DTMF digits) with the matched intent; a handoff_requested record when the turn signals say
the customer asked for a live agent (turnSignals.userEscalated); a bot_fallback record for a
NO_MATCH; then one record per response message: text and output-audio text -> bot message,
liveAgentHandoff -> handoff_initiated (its metadata is the handoff context, its queue or skill the
queue), telephonyTransferCall -> handoff_initiated (queue: the number), endInteraction ->
conversation_ended, payloads and other messages -> other. Every record of a turn has the turn's
request_time; records keep the turn's order after it.

Dialogflow holds only the bot's side: what the human agent said is in the contact-centre
platform's own export.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "dialogflow_cx"

# The shape check and the records of every file of the load (each file's lines are read once,
# by `stage`): table macros of queries/ingest/importers/dialogflow_cx.sql.
_SHAPE = "SELECT * FROM dialogflow_cx_shape($fmt)"
_STAGE = f"{platform.INSERT} SELECT * FROM dialogflow_cx_records($fmt)"


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.stage_lines(con, path, NAME)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    platform.define(con, NAME)
    fields = ["turns (no JSON rows found)", "conversation_name", "response"]
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE)


def sniff(path: Path, head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    return platform.head_starts(first, "{") and platform.head_has(
        first, platform.key("conversation_name"), platform.key("turn_position")
    )


FORMAT = Format(
    NAME,
    "Dialogflow CX interaction logs exported from BigQuery (JSON Lines)",
    stage,
    sniff,
    finish=finish,
)
