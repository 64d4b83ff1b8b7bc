"""Customer / human-agent dialogue datasets (no bot): ABCD and the IBM Twitter customer-care set.
Useful for realistic agent-phase text and timings. Also the files that sit next to transcripts
but hold none, which a folder load skips with a message instead of failing.

* ABCD (`abcd_v1.1.json`, samples): a list of `{convo_id, original: [[speaker, text], ...]}`;
  speaker customer / agent / action (an agent's tool click -> system `other`). No times.
* IBM Twitter customer care (`dev.json`, ...): a list of `{dialogHeader{sessionID, company},
  dialogContent[{client|client1|agent: handle, datetime, message, tweet_ID}], agentURL{tweet_ID,
  url_utterance}}`. agentURL.url_utterance is the company's answer that ends the thread, held
  out of dialogContent by the dataset: it loads as the agent's last message.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format


def _unused(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    raise AssertionError("skipped formats are never staged")  # pragma: no cover


# The records and the shape checks: table macros of queries/ingest/importers/abcd.sql and
# twitter_care.sql.
_ABCD_SHAPE = "SELECT * FROM abcd_shape($file)"
_ABCD = f"{platform.INSERT} SELECT * FROM abcd_records($file, $fmt)"
_TWITTER_SHAPE = "SELECT * FROM twitter_care_shape($file)"
_TWITTER = f"{platform.INSERT} SELECT * FROM twitter_care_records($file, $fmt)"


def stage_abcd(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, "abcd")
    platform.require(
        con, path, "abcd", _ABCD_SHAPE, ["conversations (none found)", "convo_id", "original"]
    )
    platform.run_stage(con, path, "abcd", _ABCD)


def stage_twitter(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, "twitter_care")
    platform.require(
        con,
        path,
        "twitter_care",
        _TWITTER_SHAPE,
        ["conversations (none found)", "dialogHeader.sessionID", "dialogContent"],
    )
    platform.run_stage(con, path, "twitter_care", _TWITTER)


ABCD = Format(
    "abcd",
    "ABCD customer / human-agent dialogues (JSON list)",
    stage_abcd,
    lambda p, h: platform.head_has(h, platform.key("convo_id"), platform.key("original")),
)
TWITTER = Format(
    "twitter_care",
    "IBM Twitter customer-care dialogues (JSON list)",
    stage_twitter,
    lambda p, h: (
        platform.head_has(h, platform.key("dialogHeader"), platform.key("dialogContent"))
        or platform.head_has(h, platform.key("dialogContent"), platform.key("sessionID"))
    ),
)
ABCD_ONTOLOGY = Format(
    "abcd_ontology",
    "ABCD ontology (intent and action lists)",
    _unused,
    lambda p, h: (
        platform.head_starts(h, "{")
        and platform.head_has(
            h, platform.key("intents"), platform.key("flows"), platform.key("subflows")
        )
    ),
    skip="ABCD ontology (lists of intents and actions), not a transcript",
)
COPILOT_CONTENT = Format(
    "activities_without_conversation",
    'Copilot Studio transcript content of one row ({"activities": [...]}, no conversation id)',
    _unused,
    lambda p, h: (
        platform.head_starts(h, "{")
        and platform.head_has(h, r'^\s*\{\s*"activities"\s*:\s*\[', platform.key("from"))
        and not platform.head_has(h, platform.key("conversation"))
    ),
    skip="the content of one Copilot Studio transcript row, without its conversation id; load"
    " the Dataverse export (conversationtranscripts.json) that holds it instead",
)

# Every format of this module, in the registry's order.
FORMATS = (ABCD, TWITTER, ABCD_ONTOLOGY, COPILOT_CONTENT)
