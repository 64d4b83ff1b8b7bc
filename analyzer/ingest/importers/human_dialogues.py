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


_ABCD_SHAPE = f"""
WITH x AS (SELECT item AS c FROM {platform.ARRAY_ITEMS})
SELECT count(*) > 0, bool_and((c ->> 'convo_id') IS NOT NULL),
       bool_and(json_type(c -> 'original') = 'ARRAY')
FROM x
"""

_ABCD = f"""
{platform.INSERT}
WITH convs AS (
    SELECT idx AS i, item ->> 'convo_id' AS conv_id, json_extract(item, '$.original[*]') AS l
    FROM {platform.ARRAY_ITEMS}
),
turns AS (SELECT i, conv_id, unnest(l) AS t, generate_subscripts(l, 1) AS k FROM convs)
SELECT $file, $fmt, i * 100000 + k,
    json_object(
        'conversation_id', 'abcd-' || conv_id,
        'message_id', 'abcd-' || conv_id || ':' || k,
        'timestamp', NULL,
        'role', CASE lower(t ->> 0) WHEN 'customer' THEN 'customer' WHEN 'agent' THEN 'agent'
                    ELSE 'system' END,
        'text', t ->> 1,
        'event', CASE WHEN lower(t ->> 0) IN ('customer', 'agent') THEN 'message' ELSE 'other' END,
        'metadata', json_object('speaker', t ->> 0),
        'source_record', t
    ),
    CASE WHEN json_type(t) <> 'ARRAY' THEN 'turn is not a [speaker, text] pair' END,
    true
FROM turns
"""

_TWITTER_SHAPE = f"""
WITH x AS (SELECT item AS c FROM {platform.ARRAY_ITEMS})
SELECT count(*) > 0, bool_and((c -> 'dialogHeader' ->> 'sessionID') IS NOT NULL),
       bool_and(json_type(c -> 'dialogContent') = 'ARRAY')
FROM x
"""

_TWITTER = f"""
{platform.INSERT}
WITH convs AS (
    SELECT idx AS i, item -> 'dialogHeader' ->> 'sessionID' AS conv_id,
           item -> 'dialogHeader' ->> 'company' AS company,
           json_extract(item, '$.dialogContent[*]') AS l,
           item -> 'agentURL' AS answer,
           try_cast(item -> 'dialogHeader' ->> 'conversationDateTime' AS TIMESTAMPTZ)
               + try_cast(item -> 'dialogHeader' ->> 'duration' AS INTERVAL) AS ended_at
    FROM {platform.ARRAY_ITEMS}
),
turns AS (SELECT i, conv_id, company, unnest(l) AS t, generate_subscripts(l, 1) AS k FROM convs)
SELECT $file, $fmt, i * 100000 + k,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(t ->> 'tweet_ID', conv_id || ':' || k),
        'timestamp', t -> 'datetime',
        'role', CASE WHEN (t ->> 'agent') IS NOT NULL THEN 'agent'
                     -- client, client1, ...: the customers of a thread
                     WHEN len([x FOR x IN json_keys(t) IF x LIKE 'client%']) > 0
                         THEN 'customer' END,
        'text', t ->> 'message',
        'event', 'message',
        'channel', 'twitter',
        'participant_id', coalesce(t ->> 'agent', t ->> 'client', t ->> 'client1'),
        'metadata', json_object('company', company),
        'source_record', t
    ),
    NULL,
    false
FROM turns
UNION ALL
-- The thread's last turn, held out of dialogContent as agentURL.url_utterance: the company's
-- answer. It has no time of its own; the thread ends at conversationDateTime + duration.
SELECT $file, $fmt, i * 100000 + coalesce(json_array_length(l), 0) + 1,
    json_object(
        'conversation_id', conv_id,
        'message_id', coalesce(answer ->> 'tweet_ID', conv_id || ':answer'),
        'timestamp', strftime(greatest(ended_at, (
            SELECT max(try_cast(x ->> 'datetime' AS TIMESTAMPTZ)) FROM (SELECT unnest(l) AS x)
        )), '%Y-%m-%dT%H:%M:%S.%gZ'),
        'role', 'agent',
        'text', answer ->> 'url_utterance',
        'event', 'message',
        'channel', 'twitter',
        'participant_id', company,
        'metadata', json_object('company', company, 'held_out_answer', true,
                                'url', answer ->> 'url'),
        'source_record', answer
    ),
    NULL,
    false
FROM convs
WHERE nullif(trim(answer ->> 'url_utterance'), '') IS NOT NULL
"""


def stage_abcd(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.require(
        con, path, "abcd", _ABCD_SHAPE, ["conversations (none found)", "convo_id", "original"]
    )
    platform.run_stage(con, path, "abcd", _ABCD)


def stage_twitter(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
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
