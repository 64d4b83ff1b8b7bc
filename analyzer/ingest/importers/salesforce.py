"""Salesforce Messaging `ConversationEntry` records, exported as CSV (Data Loader, Workbench,
`sf data export`) or as JSON (a REST or `sf data query --json` result, or a JSON array).

ConversationId -> conversation_id. ActorType Agent and Supervisor -> agent, Bot -> bot, EndUser
-> customer, System -> system; participant_id is ActorName, else ActorId. EntryType: Text ->
message; BotEscalated -> handoff_initiated; ChatbotEndedTransferNotConfigured -> handoff_failed
(the bot had nowhere to transfer to); PARTICIPANT_CHANGED of an agent -> agent_joined (agent_left
when its payload removes the participant); ChatbotEndedChatByAction and ChatbotClosedIdleSession
-> conversation_ended; other entry types -> other. EntryTime (ISO or epoch milliseconds) is the
time; Seq orders entries of the same time. Column names are matched in any case (Data Loader
writes them in capitals).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format, read_head

NAME = "salesforce"

# The CSV rows as documents, the shape check and the records of every file of the load (each
# file is read once, by `stage`): table macros of queries/ingest/importers/salesforce.sql.
_CSV_ROWS = "INSERT INTO documents SELECT * FROM salesforce_csv_rows($file, $fmt)"
_SHAPE = "SELECT * FROM salesforce_shape($fmt)"
_STAGE = f"{platform.INSERT} SELECT * FROM salesforce_records($fmt)"


def _is_json(head: bytes) -> bool:
    return platform.head_starts(head, "{") or platform.head_starts(head, "[")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    if _is_json(read_head(path, 4096)):
        platform.stage_document(con, path, NAME)
    else:
        platform.define(con, NAME)
        platform.run_stage(con, path, NAME, _CSV_ROWS)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    platform.define(con, NAME)
    fields = ["entries (none found)", "ConversationId", "ActorType", "EntryType"]
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE)


_NEEDED = {"conversationid", "actortype", "entrytype"}


def sniff(path: Path, head: bytes) -> bool:
    if _is_json(head):
        return platform.head_has(
            head,
            platform.key("ConversationId"),
            platform.key("ActorType"),
            platform.key("EntryType"),
        )
    # CSV: only by the header, so a canonical CSV is never taken for this format
    first = head.decode("utf-8", errors="ignore").lstrip("\ufeff").split("\n", 1)[0]
    names = {c.strip().strip('"').strip().lower() for c in first.split(",")}
    return _NEEDED.issubset(names)


FORMAT = Format(
    NAME, "Salesforce ConversationEntry records (CSV or JSON)", stage, sniff, finish=finish
)
