"""Conversation outcomes and metrics on a small hand-written fixture, against golden files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analyzer.api import Database
from tests.conftest import FIXTURES, GOLDEN

EXPECTED_OUTCOMES = {
    "o-unengaged": ("unengaged", None, None),
    "o-confirmed": ("bot_resolved", None, "confirmed"),
    "o-assumed": ("bot_resolved", None, "assumed"),
    "o-ack": ("bot_resolved", None, "assumed"),
    "o-fallback": ("abandoned", None, None),
    "o-negative": ("abandoned", None, None),
    "o-unanswered": ("abandoned", None, None),
    "o-events": ("handed_off", "agent_engaged", None),
    "o-queue": ("handed_off", "abandoned_in_queue", None),
    "o-failed": ("handed_off", "handoff_failed", None),
    "o-plain": ("handed_off", "agent_engaged", None),
}


def _none(v: object) -> object:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def test_every_outcome_rule(db: Database) -> None:
    db.load([FIXTURES / "outcomes.jsonl"])
    conv = db.conversations().set_index("conversation_id")
    got = {
        cid: (row.outcome, _none(row.handoff_outcome), _none(row.resolution))
        for cid, row in conv.iterrows()
    }
    assert got == EXPECTED_OUTCOMES


def test_handoff_timing_and_queue(db: Database) -> None:
    db.load([FIXTURES / "outcomes.jsonl"])
    conv = db.conversations().set_index("conversation_id")
    ev = conv.loc["o-events"]
    # the bot's "I'll hand this to our billing team" is the handoff moment; the agent wrote 98 s later
    assert ev.wait_seconds == 98.0 and ev.queue == "billing" and ev.bot_turns_before_handoff == 0
    plain = conv.loc["o-plain"]
    assert plain.wait_seconds == 360.0 and plain.agents == 1
    assert bool(conv.loc["o-queue"].customer_asked_for_human)


def _golden(name: str, data: object, update: bool) -> None:
    path = GOLDEN / name
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert json.loads(path.read_text()) == json.loads(text), f"{name} differs; --update-golden"


def test_metrics_golden(db: Database, update_golden: bool) -> None:
    db.load([FIXTURES / "outcomes.jsonl"])
    rates = db.metrics().rates
    records = json.loads(rates.to_json(orient="records"))
    _golden("metrics_outcomes.json", records, update_golden)
    head = rates[rates.dimension == "all"].iloc[0]
    assert head.engaged == 10 and head.bot_resolved == 3 and head.handed_off == 4
    assert head.handoff_rate == 0.4 and head.abandoned_in_queue_rate == 0.25


def test_period_filter(db: Database) -> None:
    db.load([FIXTURES / "outcomes.jsonl"])
    week = db.metrics(since="2026-03-09", until="2026-03-16").rates
    head = week[week.dimension == "all"].iloc[0]
    assert head.conversations == 4 and head.handed_off == 4
    assert len(db.conversations(since="2026-03-02", until="2026-03-03")) == 2


def test_golden_files_are_committed() -> None:
    assert (Path(GOLDEN) / "metrics_outcomes.json").exists()
