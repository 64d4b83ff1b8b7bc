"""SQL lives in `queries/` as one query per file with a small header; this module reads and runs them.

    -- name: conversations
    -- description: One row per conversation with its derived outcome.
    -- params: transfer_notice_re, fallback_re, since?     (a trailing ? : optional, NULL if absent)
    -- keys: word                 (statistics only: the columns that identify a row)

Parameters are bound as `$name` from a dict: Python never formats user input into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from analyzer.errors import HandoffError
from analyzer.resources import queries_dir

_HEADER = re.compile(r"^--\s*(name|description|params|keys)\s*:\s*(.*?)\s*$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Query:
    """One `.sql` file: its header and body."""

    name: str
    description: str
    params: tuple[str, ...]
    sql: str
    path: Path
    keys: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def used_params(self) -> set[str]:
        body = "\n".join(line.split("--", 1)[0] for line in self.sql.splitlines())
        return set(_PARAM_USE.findall(body))


def parse_query(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            key, value = m.groups()
            meta[key] = f"{meta[key]} {value}".strip() if key in meta else value
        elif line.strip() and not line.startswith("--"):
            break
    declared = [p.strip() for p in meta.get("params", "").split(",") if p.strip()]
    params = tuple(p.rstrip("?") for p in declared)
    optional = tuple(p.rstrip("?") for p in declared if p.endswith("?"))
    keys = tuple(k.strip() for k in meta.get("keys", "").split(",") if k.strip())
    return Query(
        name=meta.get("name", path.stem),
        description=meta.get("description", ""),
        params=params,
        sql=text,
        path=path,
        keys=keys,
        optional=optional,
    )


@cache
def query(group: str, name: str) -> Query:
    """Return `queries/<group>/<name>.sql`."""
    path = queries_dir() / group / f"{name}.sql"
    if not path.is_file():
        raise HandoffError(
            f"query {group}/{name} not found in {queries_dir()}", "reinstall the package"
        )
    return parse_query(path)


def queries_in(group: str) -> list[Query]:
    """Every query of a folder, sorted by name."""
    return [parse_query(p) for p in sorted((queries_dir() / group).glob("*.sql"))]


def bind(q: Query, values: dict[str, Any]) -> dict[str, Any]:
    """The declared parameters of `q`, taken from `values`.

    A missing parameter is an error, unless it is optional: then it is NULL.
    """
    missing = [p for p in q.params if p not in values and p not in q.optional]
    if missing:
        raise HandoffError(
            f"query {q.name} needs parameter(s) {', '.join(missing)}",
            "pass them with --param name=value",
        )
    return {p: values.get(p) for p in q.params}


def run(
    con: duckdb.DuckDBPyConnection, q: Query, values: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute `q` with its declared parameters bound from `values`."""
    params = bind(q, values or {})
    return con.execute(q.sql, params) if params else con.execute(q.sql)
