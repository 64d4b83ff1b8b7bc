"""The report archive: dated report files, a JSON manifest, and an index.html linking them all.

Every file is written to a temporary name in the same folder and renamed, so a run that fails
half-way leaves the previous archive intact.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from analyzer._version import __version__
from analyzer.metrics import REGISTRY, Metric
from analyzer.resources import reports_dir

MANIFEST = "archive.json"
INDEX = "index.html"


@dataclass(frozen=True)
class ArchiveEntry:
    label: str
    file: str  # relative to the archive folder
    since: str | None
    until: str | None
    timezone: str
    generated_at: str
    headline: dict[str, Any] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)


def write_atomic(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)


def read_manifest(folder: Path) -> list[ArchiveEntry]:
    path = folder / MANIFEST
    if not path.is_file():
        return []
    return [ArchiveEntry(**e) for e in json.loads(path.read_text(encoding="utf-8"))["reports"]]


ARCHIVED = tuple(m for m in REGISTRY if m.archive)


def _shown(m: Metric, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{float(value):.1%}" if m.format == "rate" else f"{int(value):,}"


def update(folder: Path, entry: ArchiveEntry, updated_at: str) -> Path:
    """Add or replace `entry` (by label) and rewrite the manifest and index.html."""
    entries = {e.label: e for e in read_manifest(folder)}
    entries[entry.label] = entry
    ordered = sorted(entries.values(), key=lambda e: (e.since or "", e.label), reverse=True)
    write_atomic(
        folder / MANIFEST,
        json.dumps({"reports": [asdict(e) for e in ordered]}, indent=2, sort_keys=True) + "\n",
    )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(reports_dir()), autoescape=True, keep_trailing_newline=True
    )
    rows = [
        {
            "label": e.label,
            "file": e.file,
            "range": f"{e.since or '…'} to {e.until or '…'} UTC",
            "cells": [_shown(m, e.headline.get(m.key)) for m in ARCHIVED],
            "alerts": "; ".join(e.alerts) or "none",
        }
        for e in ordered
    ]
    html = env.get_template("index.html.j2").render(
        entries=rows,
        columns=[m.label for m in ARCHIVED],
        updated_at=updated_at,
        version=__version__,
    )
    index = folder / INDEX
    write_atomic(index, html)
    return index
