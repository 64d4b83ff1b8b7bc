"""The rules behind the numbers: each flag's detector and thresholds, and the configuration in force."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from analyzer.config import Config
from analyzer.report.context import FlagDefinition
from analyzer.report.fmt import clip
from analyzer.sql import queries_in


def flag_definitions(config: Config, seen: Iterable[str]) -> tuple[FlagDefinition, ...]:
    """Every detector (queries/detectors/*.sql) with its description and the thresholds it reads
    from the configuration; then flags found in the data that no detector names."""
    thresholds: Mapping[str, Any] = config.data.get("thresholds", {})
    out: list[FlagDefinition] = []
    for q in queries_in("detectors"):
        used = [p for p in q.params if p in thresholds]
        out.append(
            FlagDefinition(
                q.name,
                q.description or "(no description)",
                "; ".join(f"{p} = {_value(thresholds[p])}" for p in used),
            )
        )
    named = {d.flag for d in out}
    for flag in sorted(set(seen) - named):
        out.append(FlagDefinition(clip(flag), "found in the data; no detector of this name", ""))
    return tuple(out)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def config_text(data: Mapping[str, Any]) -> str:
    """The configuration as TOML-like text, in the order it was read (lists one item a line)."""
    lines: list[str] = []

    def table(name: str, values: Mapping[str, Any]) -> None:
        plain = {k: v for k, v in values.items() if not isinstance(v, dict)}
        if plain or not values:
            lines.append(f"[{name}]")
            for key, value in plain.items():
                if isinstance(value, list) and value:
                    lines.append(f"{key} = [")
                    lines.extend(f"  {_value(v)}," for v in value)
                    lines.append("]")
                else:
                    lines.append(f"{key} = {_value(value)}")
            lines.append("")
        for key, value in values.items():
            if isinstance(value, dict):
                table(f"{name}.{key}", value)

    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    for key, value in top.items():
        lines.append(f"{key} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            table(key, value)
    return "\n".join(lines).rstrip() + "\n"
