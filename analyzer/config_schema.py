"""What a handoff.toml may hold: the tables and keys of the packaged defaults, and their ranges.

A user's file is checked before it is merged over the defaults, so a typo such as
`long_queue_wait_second` or `[threshold]` is an error that suggests the right name instead of a
setting silently ignored.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from analyzer.errors import ConfigError

# Tables whose keys the user names (alert rules, intents, identifier kinds, vocabulary lists).
FREE_TABLES = {"alerts", "routing", "identifiers", "asks_for", "vocabulary"}
# Sub-tables whose keys the user names: any Spark setting, column and role mappings.
FREE_SUBTABLES = {("spark", "conf"), ("load", "columns"), ("load", "roles")}


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else ""


def _elsewhere(key: str, defaults: dict[str, Any], table: str) -> str:
    """'[run] timezone' when `key` belongs to another table."""
    for other, keys in defaults.items():
        if other != table and isinstance(keys, dict) and key in keys:
            return f"[{other}] {key}"
    return ""


def check_known(user: dict[str, Any], defaults: dict[str, Any], source: str) -> None:
    """Every table and key of `user` exists in the defaults (except in the free tables)."""
    tables = sorted(defaults)
    for table, value in user.items():
        if not isinstance(value, dict):
            where = _elsewhere(table, defaults, "")
            raise ConfigError(
                f"{table} = ... in {source} is not inside a table",
                f"did you mean {where}?"
                if where
                else f"put it under one of [{'], ['.join(tables)}]",
            )
        if table not in defaults:
            hint = _suggest(table, tables)
            raise ConfigError(
                f"unknown table [{table}] in {source}",
                f"did you mean [{hint[13:-1]}]?" if hint else f"use one of [{'], ['.join(tables)}]",
            )
        if table in FREE_TABLES:
            continue
        if table == "importers":
            _check_importers(value, defaults["importers"], source)
            continue
        _check_keys(value, defaults[table], f"[{table}]", source, defaults, table)


def _check_importers(user: dict[str, Any], defaults: dict[str, Any], source: str) -> None:
    names = sorted(defaults)
    for name, value in user.items():
        if name not in defaults:
            hint = _suggest(name, names)
            raise ConfigError(
                f"[importers.{name}] in {source}: that importer has no settings",
                hint or f"importers with settings: {', '.join(names)}",
            )
        if not isinstance(value, dict):
            raise ConfigError(
                f"importers.{name} in {source} must be a table",
                f"write it as [importers.{name}] with its keys below",
            )
        _check_keys(value, defaults[name], f"[importers.{name}]", source, {}, "")


def _check_keys(
    user: dict[str, Any],
    known: dict[str, Any],
    where: str,
    source: str,
    defaults: dict[str, Any],
    table: str,
) -> None:
    keys = sorted(known)
    for key, value in user.items():
        if key not in known:
            hint = _suggest(key, keys)
            other = _elsewhere(key, defaults, table)
            noun = "kinds" if where == "[redaction]" else "settings"
            raise ConfigError(
                f"{where} {key} in {source} is not one of its {noun}",
                hint
                or (f"it belongs in {other}" if other else f"{where} takes: {', '.join(keys)}"),
            )
        if (table, key) in FREE_SUBTABLES:
            continue
        if isinstance(known[key], dict) and isinstance(value, dict):
            _check_keys(value, known[key], f"{where[:-1]}.{key}]", source, {}, "")


# Threshold ranges by the ending of the key's name: (low, high, integer).
_THRESHOLD_RANGES = (
    ("_seconds", 0.0, None, False),
    ("_share", 0.0, 1.0, False),
    ("_similarity", 0.0, 1.0, False),
    ("_overlap", 0.0, 1.0, False),
    ("_replies", 1.0, None, True),
    ("_bounces", 1.0, None, True),
    ("_words", 1.0, None, True),
    ("_conversations", 0.0, None, True),
    ("_length", 1.0, None, True),
)


def check_threshold(name: str, value: Any, source: str) -> None:
    """A [thresholds] value is a number in its range (shares 0 to 1, counts whole and positive)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"[thresholds] {name} in {source} must be a number, not {value!r}",
            f"write it as {name} = 300",
        )
    for suffix, low, high, integer in _THRESHOLD_RANGES:
        if not name.endswith(suffix):
            continue
        if integer and not float(value).is_integer():
            raise ConfigError(
                f"[thresholds] {name} = {value!r} in {source} must be a whole number",
                f"write it as {name} = {max(int(low), round(value))}",
            )
        if value < low or (high is not None and value > high):
            bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise ConfigError(
                f"[thresholds] {name} = {value!r} in {source} is out of range",
                f"use a value {bound}",
            )
        return
    if value < 0:
        raise ConfigError(
            f"[thresholds] {name} = {value!r} in {source} is out of range",
            "use a value of 0 or more",
        )


_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def checked_memory_limit(value: str) -> str:
    """A DuckDB memory size such as "1GB" (checked, since SET takes no bound parameter)."""
    if not _SIZE.match(value):
        raise ConfigError(
            f"[engine] memory_limit = {value!r} is not a memory size",
            'write it like memory_limit = "1GB" or "512MB"',
        )
    return value.strip()
