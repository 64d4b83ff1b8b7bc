"""The format registry is one explicit tuple; importers export their formats and import no registry."""

from __future__ import annotations

import ast
from pathlib import Path

import analyzer.ingest.registry as registry

INGEST = Path(registry.__file__).resolve().parent
IMPORTERS = sorted(
    p
    for p in (INGEST / "importers").glob("*.py")
    if "FORMAT = Format(" in p.read_text(encoding="utf-8")
    or "FORMATS = (" in p.read_text(encoding="utf-8")
)


def test_every_importer_is_listed_once_and_canonical_formats_come_last() -> None:
    names = [f.name for f in registry.REGISTRY]
    assert len(names) == len(set(names))
    assert names[-3:] == ["jsonl", "csv", "parquet"]
    assert len(IMPORTERS) == 9
    for path in IMPORTERS:
        module = getattr(registry, path.stem)
        exported = getattr(module, "FORMATS", None) or (module.FORMAT,)
        assert all(f in registry.REGISTRY for f in exported), path.stem


def test_importers_do_not_import_the_registry() -> None:
    for path in IMPORTERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & {"analyzer.ingest.registry", "analyzer.ingest.formats"}, path.name
