"""The README documents every command, table and saved query; its quick start is what CI runs."""

from __future__ import annotations

import re

from analyzer.query import saved_queries
from tests.conftest import ROOT
from tests.test_cli import COMMANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    for command in COMMANDS:
        assert f"handoff {command}" in README, command


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
        assert f"`{table}`" in README, table


def test_every_saved_query_is_documented() -> None:
    for q in saved_queries():
        assert q.name in README, q.name


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", section, flags=re.S)
    commands = [
        ln for b in blocks for ln in b.strip().splitlines() if ln and not ln.startswith("#")
    ]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
