"""`handoff init FILE...`: look at a user's files and write a commented handoff.toml for them.

For each file: the format it is sniffed as and, for a CSV, Parquet or JSON Lines file in a shape
of its own, a proposed `[load.columns]` mapping from its header (by the usual names exports give
each field) and a `[load.roles]` map for role labels the schema does not know. Then a `[run]`
table pointing at the files' folders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from analyzer.config import load_config
from analyzer.errors import HandoffError
from analyzer.ingest import canonical
from analyzer.ingest.formats import detect_format
from analyzer.ingest.mapping import FIELDS, REQUIRED, ColumnMap, normal_name
from analyzer.sql import query

# The names exports commonly give each field, most likely first (matched after normal_name).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "conversation_id": (
        "conversation_id",
        "session_id",
        "conversation",
        "session",
        "chat_id",
        "thread_id",
        "dialog_id",
        "dialogue_id",
        "contact_id",
        "ticket_id",
        "case_id",
        "interaction_id",
    ),
    "timestamp": (
        "timestamp",
        "ts",
        "datetime",
        "date_time",
        "time",
        "created_at",
        "sent_at",
        "message_time",
        "event_time",
        "created",
        "date",
    ),
    "role": (
        "role",
        "speaker",
        "sender",
        "sender_type",
        "author",
        "author_role",
        "from",
        "participant_role",
        "participant_type",
        "user_type",
        "party",
        "source",
    ),
    "text": (
        "text",
        "message",
        "body",
        "content",
        "utterance",
        "msg",
        "message_text",
        "transcript",
    ),
    "message_id": ("message_id", "msg_id", "message_uuid", "id", "event_id", "utterance_id"),
    "event": ("event", "event_type", "type", "activity_type"),
    "queue": ("queue", "queue_name", "skill", "department", "routing_queue"),
    "participant_id": ("participant_id", "agent_id", "sender_id", "author_id", "user_id", "agent"),
    "intent": ("intent", "intent_name", "topic"),
    "channel": ("channel", "medium", "platform"),
}
KNOWN_ROLE_WORDS = (
    ("bot", ("bot", "virtual", "assistant", "automated", "ai", "chatbot", "ivr")),
    (
        "agent",
        ("agent", "human", "rep", "representative", "staff", "advisor", "operator", "support"),
    ),
    (
        "customer",
        ("customer", "user", "client", "visitor", "caller", "guest", "consumer", "member"),
    ),
    ("system", ("system", "event", "platform", "notification")),
)


@dataclass
class Inspection:
    path: Path
    format: str
    detail: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # target -> source, proposed
    roles: dict[str, str] = field(default_factory=dict)  # label -> role, proposed
    unknown_roles: list[str] = field(default_factory=list)  # labels with no guess
    names: list[str] = field(default_factory=list)


def propose_columns(names: list[str]) -> dict[str, str]:
    """target -> source for the fields a header seems to hold (canonical names need no entry)."""
    by_normal = {normal_name(n): n for n in reversed(names)}
    out: dict[str, str] = {}
    used: set[str] = set()
    for target in FIELDS:
        for candidate in SYNONYMS.get(target, (target,)):
            source = by_normal.get(candidate)
            if source is not None and source not in used:
                used.add(source)
                if source != target:
                    out[target] = source
                break
    return out


def guess_role(label: str) -> str | None:
    words = set(normal_name(label).split("_"))
    for role, hints in KNOWN_ROLE_WORDS:
        if words & set(hints):
            return role
    return None


def _role_labels(
    con: duckdb.DuckDBPyConnection, relation: str, params: dict[str, object], column: str
) -> list[str]:
    """The distinct values of `column` in the first rows of `relation` (a reader of ours)."""
    rows = con.execute(
        "SELECT DISTINCT label FROM (SELECT json_extract_string(to_json(r), $path) AS label"
        f" FROM (SELECT * FROM {relation} LIMIT 20000) r) WHERE label IS NOT NULL"
        " ORDER BY 1 LIMIT 50",
        params | {"path": '$."' + column + '"'},
    ).fetchall()
    return [str(r[0]) for r in rows]


def _unknown_to_schema(con: duckdb.DuckDBPyConnection, labels: list[str]) -> list[str]:
    """The labels the schema's own role aliases (canonical_columns.sql) do not read."""
    if not labels:
        return []
    rules = query("ingest", "canonical_columns")
    others = ", ".join(
        f"CAST(NULL AS VARCHAR) AS {f}"
        for f in FIELDS
        if f not in ("conversation_id", "timestamp", "role")
    )
    records = (
        "SELECT 'init' AS source_file, 'init' AS source_format, k AS record_no,"
        " CAST(NULL AS VARCHAR) AS raw, false AS timestamp_optional,"
        " CAST(NULL AS VARCHAR) AS read_error, CAST(NULL AS VARCHAR) AS read_code,"
        " 'c' AS conversation_id,"
        " '2026-01-01T00:00:00Z' AS \"timestamp\", role, " + others + " FROM ("
        "SELECT unnest(l) AS role, generate_subscripts(l, 1) AS k"
        " FROM (SELECT CAST($labels AS VARCHAR[]) AS l))"
    )
    rows = con.execute(
        f"WITH canonical_records AS ({records}) SELECT record_no FROM ("
        + rules.sql.rstrip().rstrip(";")
        + ") WHERE role IS NULL ORDER BY record_no",
        {"labels": labels, "loaded_at": "2026-01-01 00:00:00", "timezone": "UTC"},
    ).fetchall()
    return [labels[int(r[0]) - 1] for r in rows]


def inspect(con: duckdb.DuckDBPyConnection, path: Path) -> Inspection:
    fmt = detect_format(path)
    found = Inspection(path, fmt.name)
    if fmt.skip:
        found.detail = f"skipped on load: {fmt.skip}"
        return found
    params: dict[str, object]
    if fmt.name == "csv":
        dialect = canonical.csv_dialect(con, path)
        found.names = dialect.header
        found.detail = f"delimiter {dialect.delimiter!r}, encoding {dialect.encoding}"
        relation = (
            "read_csv($file, delim = $delim, encoding = $encoding, all_varchar = true,"
            " ignore_errors = true, header = true)"
        )
        params = {"delim": dialect.delimiter, "encoding": dialect.duckdb_encoding}
    elif fmt.name == "parquet":
        found.names = canonical.parquet_columns(con, path)
        relation = "read_parquet($file)"
        params = {}
    elif fmt.name == "jsonl":
        found.names = [
            r[0]
            for r in con.execute(
                "DESCRIBE SELECT * FROM read_json($file, format = 'newline_delimited',"
                " ignore_errors = true, maximum_depth = 1)",
                {"file": str(path)},
            ).fetchall()
        ]
        relation = (
            "read_json($file, format = 'newline_delimited', ignore_errors = true,"
            " maximum_depth = 1)"
        )
        params = {}
    else:
        found.detail = "a platform export: its importer maps it, no [load.columns] needed"
        return found
    found.columns = propose_columns(found.names)
    role_column = found.columns.get("role", "role" if "role" in found.names else None)
    if role_column and role_column in found.names:
        labels = _role_labels(con, relation, {"file": str(path)} | params, role_column)
        for label in _unknown_to_schema(con, labels):
            role = guess_role(label)
            if role:
                found.roles[label] = role
            else:
                found.unknown_roles.append(label)
    return found


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render(found: list[Inspection], sources: list[str]) -> str:
    """The commented handoff.toml for `found`."""
    names = ", ".join(f.path.name for f in found)
    out = [
        f"# handoff.toml written by `handoff init` from {names}.",
        "# Check the proposals below, then: handoff load FILE --config handoff.toml",
        "# (or handoff run --config handoff.toml). Every setting: docs/loading.md and the",
        "# default configuration (analyzer/default_config.toml).",
        "#",
    ]
    for f in found:
        out.append(f"# {f.path.name}: {f.format}" + (f" ({f.detail})" if f.detail else ""))
        if f.names:
            out.append(f"#   columns: {', '.join(f.names[:20])}")
        missing = [t for t in REQUIRED if t not in f.columns and t not in f.names]
        if missing:
            out.append(f"#   NOT FOUND, map by hand: {', '.join(missing)}")
    columns: dict[str, str] = {}
    roles: dict[str, str] = {}
    unknown: list[str] = []
    for f in found:
        for k, v in f.columns.items():
            columns.setdefault(k, v)
        for k, v in f.roles.items():
            roles.setdefault(k, v)
        unknown += [u for u in f.unknown_roles if u not in unknown]
    out += ["", "[load]", "# Time zone of times written without an offset.", 'timezone = "UTC"', ""]
    out += ["[load.columns]", "# schema field = the column of your files that holds it"]
    out += [f"{k} = {_toml(v)}" for k, v in columns.items()] or [
        "# (the files use the schema's names)"
    ]
    out += ["", "[load.roles]", "# your role label = customer, bot, agent or system"]
    out += [f"{_toml(k)} = {_toml(v)}" for k, v in roles.items()]
    out += [f'# {_toml(u)} = "?"   (no guess: set customer, bot, agent or system)' for u in unknown]
    if not roles and not unknown:
        out.append("# (every role label is one the schema reads)")
    out += [
        "",
        "[run]",
        "# `handoff run --config handoff.toml`: load what is new from these, then write the report.",
        "sources = [" + ", ".join(_toml(s) for s in sources) + "]",
        'database = "handoff.duckdb"',
        'output_dir = "handoff-reports"',
        'period = "last_week"',
        'timezone = "UTC"',
        "",
    ]
    return "\n".join(out)


def init_config(files: list[Path], out: Path | None) -> str:
    """Inspect `files` and return the handoff.toml text (written to `out` unless None)."""
    if not files:
        raise HandoffError("no files to inspect", "pass one or more export files")
    con = duckdb.connect()
    try:
        found = [inspect(con, p) for p in files]
    finally:
        con.close()
    base = out.resolve().parent if out else Path.cwd()
    folders = sorted({str(p.resolve().parent) for p in files})
    sources = [_relative(Path(f), base) for f in folders]
    text = render(found, sources)
    load_config_check(text)
    if out is not None:
        if out.exists():
            raise HandoffError(f"{out} already exists", "pass another --out, or remove it first")
        out.write_text(text, encoding="utf-8")
    return text


def _relative(folder: Path, base: Path) -> str:
    try:
        rel = folder.relative_to(base)
    except ValueError:
        return str(folder) + "/"
    return (str(rel) if str(rel) != "." else ".") + "/"


def load_config_check(text: str) -> None:
    """The written file must be a config the tool reads (a bug here should not reach the user)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "handoff.toml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        ColumnMap.build(config)
