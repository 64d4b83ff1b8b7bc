"""Expand the PATH arguments of `handoff load` (files, folders, globs) into a sorted file list."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import InputFileError

# Endings a folder scan picks up; a file named on the command line is always tried.
SUPPORTED_SUFFIXES = (
    ".jsonl",
    ".ndjson",
    ".json",
    ".csv",
    ".tsv",
    ".parquet",
    ".transcript",
    ".jsonl.gz",
    ".ndjson.gz",
    ".json.gz",
    ".csv.gz",
    ".tsv.gz",
)


def is_supported(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in SUPPORTED_SUFFIXES)


@dataclass(frozen=True)
class Discovery:
    files: list[Path]
    skipped: list[Path] = field(default_factory=list)  # in folders, with no supported ending


def discover(paths: Sequence[str | Path]) -> Discovery:
    """Files named directly, every supported file below a folder, and glob matches; sorted, unique."""
    found: set[Path] = set()
    skipped: set[Path] = set()
    for raw in paths:
        text = str(raw)
        p = Path(text)
        if p.is_file():
            found.add(p.resolve())
        elif p.is_dir():
            for child in p.rglob("*"):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.relative_to(p).parts
                ):
                    (found if is_supported(child) else skipped).add(child.resolve())
        elif any(ch in text for ch in "*?["):
            matches = [Path(m) for m in glob.glob(text, recursive=True)]
            files = [m.resolve() for m in matches if m.is_file()]
            if not files:
                raise InputFileError(f"no file matches {text}", "check the pattern and quote it")
            found.update(files)
        else:
            raise InputFileError(f"{text} does not exist", "pass a file, a folder or a glob")
    return Discovery(files=sorted(found), skipped=sorted(skipped - found))
