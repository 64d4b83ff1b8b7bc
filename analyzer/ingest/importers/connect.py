"""Amazon Connect chat transcripts (S3 / GetTranscript) and the Contact Lens chat output that
wraps the same `Transcript` list.

conversation_id is InitialContactId (stable across transfers), else ContactId, else the Contact
Lens `CustomerMetadata.ContactId`. ParticipantRole CUSTOMER -> customer, AGENT and SUPERVISOR ->
agent, CUSTOM_BOT -> bot, SYSTEM -> system (bot when its DisplayName is BOT). EVENT items:
participant.joined / left of an agent -> agent_joined / agent_left, transfer.succeeded ->
transfer, transfer.failed -> transfer_failed, chat.ended -> conversation_ended, other events ->
other; typing, read and delivered receipts are dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "connect"

# The shape check and the records of every Connect file of the load (each file is read once,
# by `stage`): table macros of queries/ingest/importers/connect.sql.
_SHAPE = "SELECT * FROM connect_shape($fmt)"
_STAGE = f"{platform.INSERT} SELECT * FROM connect_records($fmt)"


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.stage_document(con, path, NAME)


def finish(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    platform.define(con, NAME)
    fields = ["Transcript", "InitialContactId or ContactId"]
    platform.finish_documents(con, NAME, _SHAPE, fields, _STAGE)


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_starts(head, "{") and platform.head_has(
        head, platform.key("Transcript"), r"ParticipantRole|AbsoluteTime"
    )


FORMAT = Format(
    NAME,
    "Amazon Connect chat transcript or Contact Lens chat output",
    stage,
    sniff,
    finish=finish,
)
