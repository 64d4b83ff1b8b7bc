"""The documentation (README and docs/) covers every command, table and saved query; its quick
start is what CI runs; its generated and copied parts agree with their one source; and the README's
Layout section matches the package."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from analyzer.ingest.registry import REGISTRY as FORMATS
from analyzer.query import saved_queries
from tests.support import ROOT
from tests.support.cli import COMMANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The README's pages: what a user reads, wherever a topic lives.
DOCUMENTATION = "\n".join(
    [README]
    + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))]
    + [(ROOT / "queries" / "detectors" / "README.md").read_text(encoding="utf-8")]
)


def _docs_tables() -> object:
    spec = importlib.util.spec_from_file_location("docs_tables", ROOT / "docs" / "tables.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_tables"] = module
    spec.loader.exec_module(module)
    return module


def test_every_command_is_documented() -> None:
    for command in COMMANDS:
        assert f"handoff {command}" in DOCUMENTATION, command


def test_every_table_is_documented() -> None:
    for table in (
        "events",
        "rejects",
        "conversations",
        "friction_flags",
        "turns",
        "loads",
        "reviews",
    ):
        assert f"`{table}`" in DOCUMENTATION, table


def test_every_saved_query_is_documented() -> None:
    for q in saved_queries():
        assert q.name in DOCUMENTATION, q.name


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", section, flags=re.S)
    commands = [
        ln for b in blocks for ln in b.strip().splitlines() if ln and not ln.startswith("#")
    ]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci


@pytest.mark.parametrize("name", ["metrics", "cli"])
def test_generated_parts_of_the_docs_are_current(name: str) -> None:
    page, text, fresh = _docs_tables().rendered(name)  # type: ignore[attr-defined]
    assert text == fresh, f"{page.name} is stale: run python docs/tables.py"


def _table_first_column(path: Path, header: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(header))
    cells = []
    for ln in lines[start + 2 :]:
        if not ln.startswith("|"):
            break
        cells.append(ln.split("|")[1].strip())
    return cells


def test_the_formats_page_lists_the_registry() -> None:
    documented = set()
    for cell in _table_first_column(ROOT / "docs" / "formats.md", "| format |"):
        documented |= set(re.findall(r"`([a-z_0-9]+)`", cell))
    loadable = {f.name for f in FORMATS if not f.skip}
    assert documented == loadable


def test_the_detectors_table_lists_every_detector() -> None:
    readme = ROOT / "queries" / "detectors" / "README.md"
    documented = {c.strip("`") for c in _table_first_column(readme, "| flag |")}
    files = {p.stem for p in (ROOT / "queries" / "detectors").glob("*.sql")}
    assert documented == files


def _layout_block() -> str:
    section = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, flags=re.S)
    assert block, "the Layout section has no tree"
    return block.group(1)


def test_the_layout_section_names_every_part_of_the_package() -> None:
    block = _layout_block()
    package = ROOT / "analyzer"
    parts = [p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    parts += [p.name for p in package.glob("*.py") if p.name != "__init__.py"]
    missing = [
        name
        for name in parts
        if not re.search(rf"(^|[\s,]){re.escape(name)}(/|[\s,]|$)", block, flags=re.M)
    ]
    assert not missing, f"not in the README's Layout section: {missing}"


def test_everything_the_layout_section_names_exists() -> None:
    block = _layout_block()
    package = ROOT / "analyzer"
    for line in block.splitlines():
        indented = line.startswith("  ") and not line.startswith("    ")
        head = line.split("  ")[0].strip() if not line.startswith(" ") else ""
        if head:  # a top-level folder
            assert (ROOT / head.rstrip("/")).exists(), head
        elif indented:
            for name in re.split(r",\s*", line.strip().split("  ")[0]):
                assert (package / name.rstrip("/")).exists(), name
