"""Which field of a source file feeds which column of the canonical schema, and role labels.

A column map comes from `[load.columns]` in handoff.toml and `--map target=source` on the command
line (the command line wins). Headers and keys match case- and space-insensitively: `Conversation
ID`, `conversation_id` and ` CONVERSATION-ID ` are one name. A role map (`[load.roles]`) turns a
platform's labels ("Virtual Assistant") into a canonical role before the schema's own aliases.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analyzer.config import Config
from analyzer.errors import ConfigError

TEXT_FIELDS = (
    "conversation_id",
    "timestamp",
    "role",
    "text",
    "event",
    "message_id",
    "queue",
    "participant_id",
    "intent",
    "channel",
    "handoff_context",
    "platform_outcome",
)
JSON_FIELDS = ("metadata", "source_record")
FIELDS = TEXT_FIELDS + JSON_FIELDS
REQUIRED = ("conversation_id", "timestamp", "role")
ROLES = ("customer", "bot", "agent", "system")


def normal_name(name: str) -> str:
    """A header or key as matched: lower case, spaces, dashes and dots as one underscore."""
    return re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")


def _json_path(key: str) -> str:
    return '$."' + key + '"'


@dataclass(frozen=True)
class ColumnMap:
    """target field -> source key as the user wrote it; role label (lower case) -> role."""

    columns: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, config: Config, maps: Iterable[str] = ()) -> ColumnMap:
        load = config.data.get("load", {})
        columns: dict[str, str] = {}
        for target, source in dict(load.get("columns", {})).items():
            columns[_target(str(target), "[load.columns]")] = _source(
                source, f"[load.columns] {target}"
            )
        for item in maps:
            target, sep, source = item.partition("=")
            if not sep or not source.strip():
                raise ConfigError(
                    f"--map {item!r} is not target=source",
                    "write it like --map conversation_id=session_id",
                )
            columns[_target(target, "--map")] = _source(source.strip(), f"--map {item}")
        roles: dict[str, str] = {}
        for label, role in dict(load.get("roles", {})).items():
            if not isinstance(role, str) or role.strip().lower() not in ROLES:
                raise ConfigError(
                    f"[load.roles] {label!r} = {role!r} is not a role",
                    f"map each label to one of: {', '.join(ROLES)}",
                )
            roles[str(label).strip().lower()] = role.strip().lower()
        return cls(columns=columns, roles=roles)

    def resolve(self, names: list[str] | None) -> dict[str, str]:
        """target -> the source name in `names` (a file's header), matched loosely.

        With `names` None (JSON Lines, whose keys are not known before reading) the map is taken
        as written and unmapped fields keep their canonical names.
        """
        if names is None:
            return {f: self.columns.get(f, f) for f in FIELDS}
        by_normal: dict[str, str] = {}
        for n in names:
            by_normal.setdefault(normal_name(n), n)
        out: dict[str, str] = {}
        for target in FIELDS:
            wanted = self.columns.get(target)
            if wanted is not None:
                out[target] = (
                    wanted if wanted in names else by_normal.get(normal_name(wanted), wanted)
                )
            elif target in names:
                out[target] = target
            elif (
                normal_name(target) in by_normal
                and by_normal[normal_name(target)] not in self.columns.values()
            ):
                out[target] = by_normal[normal_name(target)]
        return out

    def missing(self, names: list[str]) -> list[str]:
        resolved = self.resolve(names)
        return [f for f in REQUIRED if resolved.get(f) not in names]

    def sql_params(self, resolved: dict[str, str]) -> dict[str, Any]:
        """The parameters of canonical_records.sql for a file whose fields resolve as given."""
        text_paths = [_json_path(resolved.get(f, f)) for f in TEXT_FIELDS]
        json_paths = [_json_path(resolved.get(f, f)) for f in JSON_FIELDS]
        used = {resolved.get(f, f) for f in FIELDS}
        return {
            "text_paths": text_paths,
            "json_paths": json_paths,
            "mapped_keys": json.dumps(dict.fromkeys(sorted(used))),
            "role_from": list(self.roles),
            "role_to": list(self.roles.values()),
        }


DEFAULT_MAP = ColumnMap()


def _target(name: str, where: str) -> str:
    target = normal_name(name)
    if target not in FIELDS:
        raise ConfigError(
            f"{where}: {name!r} is not a field of the canonical schema",
            f"map one of: {', '.join(FIELDS)}",
        )
    return target


def _source(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must name a source column", 'write it as target = "source"')
    if '"' in value or "\\" in value:
        raise ConfigError(
            f"{where}: a source name with a quote or backslash cannot be mapped",
            "rename that column in the file first",
        )
    return value
