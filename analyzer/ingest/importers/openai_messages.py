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

# The records and the shape check: table macros of queries/ingest/importers/openai_messages.sql.
_SHAPE = "SELECT * FROM openai_messages_shape($file)"
_STAGE = f"{platform.INSERT} SELECT * FROM openai_messages_records($file, $fmt, $stem, $tools)"


def handoff_tools(config: Config) -> list[str]:
    return config.importer("openai_messages").strings("handoff_tools")


def stage(con: duckdb.DuckDBPyConnection, path: Path, config: Config) -> None:
    platform.define(con, NAME)
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
