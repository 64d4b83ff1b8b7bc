"""What an input format is: how it is recognised (sniffed) and read (staged).

Importers build a `Format` and export it as `FORMAT`; `analyzer.ingest.registry` lists them in
the order the loader tries them. Nothing here imports an importer or the registry.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analyzer.config import Config
from analyzer.errors import InputFileError

# A stager writes the records of one file into the temp table `staged` (see canonical.STAGED_DDL).
Stager = Callable[[duckdb.DuckDBPyConnection, Path, Config], None]
# A sniffer looks at the file name and its first bytes (decompressed) and says whether it is its format.
Sniffer = Callable[[Path, bytes], bool]
# A finisher runs once after every file of its format is staged: a format whose stager only
# collects documents (platform.stage_document / stage_lines) builds all its records here.
Finisher = Callable[[duckdb.DuckDBPyConnection, Config], None]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    # None for the canonical formats, which the loader reads itself (fast path or line reader)
    stage: Stager | None
    sniff: Sniffer
    # Set for a recognised file that holds no transcript: the load skips it, saying this.
    skip: str = ""
    finish: Finisher | None = None


def _ends(path: Path, *suffixes: str) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return any(name.endswith(s) for s in suffixes)


def _looks_like_jsonl(path: Path, head: bytes) -> bool:
    first = head.lstrip()[:1]
    if _ends(path, ".jsonl", ".ndjson"):
        return True
    # A .json file of one object per line (not an array, not one pretty-printed object).
    lines = [ln for ln in head.splitlines() if ln.strip()]
    return first == b"{" and len(lines) > 1 and all(ln.strip().startswith(b"{") for ln in lines[:3])


def read_head(path: Path, size: int = 65536) -> bytes:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                return fh.read(size)
        with path.open("rb") as fh:
            return fh.read(size)
    except (OSError, EOFError) as exc:
        raise InputFileError(
            f"{path}: cannot read the file ({exc})", "check it is not truncated"
        ) from exc
