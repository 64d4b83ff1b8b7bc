"""OpenAI-style chat messages of an LLM agent: system / user / assistant (with `tool_calls`) /
tool, as in τ-bench trajectories and chat-completions logs.

Read: a JSON array of conversations (`{"messages": [...]}` or `{"traj": [...]}`, with optional
`conversation_id`/`id`, `task_id`, `trial`, `reward`), one such object, or one bare message list.
The messages carry no times: records keep the file's order (timestamp null, timestamp_optional).

user -> customer message, assistant -> bot message, system and tool -> system `other` (not seen by
the customer). Each assistant tool call is a record of its own; a call of a tool named in
`[importers.openai_messages] handoff_tools` is handoff_initiated, its `summary` argument (else all
arguments) the handoff context; other calls are `other`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.ingest import platform
from analyzer.ingest.base import Format

NAME = "openai_messages"

_CONVS = f"""
WITH docs AS (SELECT row_number() OVER () AS doc_no, json AS d FROM {platform.DOC}),
-- a list of conversations, one conversation object, or one bare list of messages
lists AS (
    SELECT doc_no, CASE
        WHEN json_type(d) = 'ARRAY' AND (d -> 0 ->> 'role') IS NOT NULL
            THEN [json_object('messages', d)]
        WHEN json_type(d) = 'ARRAY' THEN json_extract(d, '$[*]')
        ELSE [d]
    END AS l
    FROM docs
),
convs AS (
    SELECT doc_no, unnest(l) AS c, generate_subscripts(l, 1) AS conv_no FROM lists
)
SELECT row_number() OVER (ORDER BY doc_no, conv_no) AS i, c,
       CASE WHEN json_type(c -> 'messages') = 'ARRAY' THEN json_extract(c, '$.messages[*]')
            WHEN json_type(c -> 'traj') = 'ARRAY' THEN json_extract(c, '$.traj[*]') END AS msgs
FROM convs
"""

_SHAPE = f"""
WITH x AS ({_CONVS})
SELECT count(*) > 0, bool_and(msgs IS NOT NULL),
       bool_and(coalesce(list_bool_and([(m ->> 'role') IS NOT NULL FOR m IN msgs]), true))
FROM x
"""

_STAGE = f"""
{platform.INSERT}
WITH convs AS ({_CONVS}),
named AS (
    SELECT i, msgs,
        coalesce(
            c ->> 'conversation_id', c ->> 'id',
            CASE WHEN (c ->> 'task_id') IS NOT NULL
                 THEN 'task-' || (c ->> 'task_id')
                      || coalesce('-trial-' || (c ->> 'trial'), '') END,
            $stem || ':' || i
        ) AS conv_id,
        json_object('task_id', c -> 'task_id', 'trial', c -> 'trial', 'reward', c -> 'reward')
            AS conv_meta
    FROM convs
),
msgs AS (
    SELECT i, conv_id, conv_meta, unnest(msgs) AS m, generate_subscripts(msgs, 1) AS k FROM named
),
said AS (  -- the message itself, unless it is an assistant turn holding only tool calls
    SELECT $file, $fmt, i * 1000000 + k * 100,
        json_object(
            'conversation_id', conv_id,
            'message_id', conv_id || ':' || k,
            'timestamp', NULL,
            'role', CASE lower(m ->> 'role') WHEN 'user' THEN 'customer'
                                              WHEN 'assistant' THEN 'bot'
                                              ELSE 'system' END,
            'text', m ->> 'content',
            'event', CASE WHEN lower(m ->> 'role') IN ('user', 'assistant') THEN 'message'
                          ELSE 'other' END,
            'metadata', json_merge_patch(conv_meta, json_object(
                'message_role', m ->> 'role', 'tool', m ->> 'name',
                'tool_call_id', m ->> 'tool_call_id')),
            'source_record', m
        ) AS raw,
        CASE WHEN (m ->> 'role') IS NULL THEN 'message has no role' END AS stage_error,
        true
    FROM msgs
    WHERE lower(coalesce(m ->> 'role', '')) <> 'assistant'
       OR coalesce(trim(m ->> 'content'), '') <> ''
       OR coalesce(json_array_length(m -> 'tool_calls'), 0) = 0
),
calls AS (
    SELECT i, conv_id, conv_meta, k, unnest(l) AS tc, generate_subscripts(l, 1) AS j
    FROM (SELECT *, json_extract(m, '$.tool_calls[*]') AS l FROM msgs
          WHERE json_array_length(m -> 'tool_calls') > 0)
),
called AS (
    SELECT *, tc -> 'function' ->> 'name' AS tool,
           try_cast(tc -> 'function' ->> 'arguments' AS JSON) AS args
    FROM calls
)
SELECT * FROM said
UNION ALL
SELECT $file, $fmt, i * 1000000 + k * 100 + j,
    json_object(
        'conversation_id', conv_id,
        'message_id', conv_id || ':' || k || ':' || coalesce(tc ->> 'id', CAST(j AS VARCHAR)),
        'timestamp', NULL,
        'role', 'bot',
        'text', NULL,
        'event', CASE WHEN list_contains($tools, tool) THEN 'handoff_initiated' ELSE 'other' END,
        'handoff_context', CASE WHEN list_contains($tools, tool)
            THEN coalesce(args ->> 'summary', tc -> 'function' ->> 'arguments') END,
        'metadata', json_merge_patch(conv_meta, json_object(
            'tool', tool, 'arguments', coalesce(args, tc -> 'function' -> 'arguments'))),
        'source_record', tc
    ),
    NULL,
    true
FROM called
"""


def handoff_tools(config: Config) -> list[str]:
    return config.importer("openai_messages").strings("handoff_tools")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.require(
        con,
        path,
        NAME,
        _SHAPE,
        ["conversations (none found)", "messages or traj", "messages[].role"],
    )
    stem = path.name.split(".")[0]
    platform.run_stage(con, path, NAME, _STAGE, {"tools": handoff_tools(config), "stem": stem})


def sniff(path: Path, head: bytes) -> bool:
    return platform.head_has(
        head,
        r'"(traj|messages)"\s*:\s*\[|^\s*\[\s*\{\s*"role"',
        r'"role"\s*:\s*"(system|user|assistant|tool)"',
    )


FORMAT = Format(NAME, "OpenAI-style chat messages with tool calls (e.g. τ-bench)", stage, sniff)
