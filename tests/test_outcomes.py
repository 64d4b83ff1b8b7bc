"""Conversation outcomes and metrics on a small hand-written fixture, against golden files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analyzer.api import Database
from tests.support import FIXTURES, GOLDEN, SAMPLE_LOGS, check_golden

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
    check_golden(name, data, update)


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


def test_a_missing_golden_file_fails_without_update_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tests.support as support

    monkeypatch.setattr(support, "GOLDEN", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="missing; write it with --update-golden"):
        check_golden("new.json", {"a": 1}, update=False)
    assert not (tmp_path / "new.json").exists()
    check_golden("new.json", {"a": 1}, update=True)
    check_golden("new.json", {"a": 1}, update=False)
    with pytest.raises(AssertionError, match="differs"):
        check_golden("new.json", {"a": 2}, update=False)


def _conv(cid: str, turns: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [
        {
            "conversation_id": cid,
            "timestamp": f"2026-04-01T10:{i:02d}:00Z",
            "role": role,
            "text": text,
        }
        for i, (role, text) in enumerate(turns)
    ]


REACTION_CASES = [
    # a thank-you in the opening request is not a confirmation of anything
    (
        "thx-then-fallback",
        [
            ("bot", "Hey! What do you need?"),
            ("customer", "parcel 7781 late, thx"),
            ("bot", "Hmm, I didn't catch that. Can you rephrase?"),
        ],
        "abandoned",
        None,
    ),
    # a complaint in the opening request is not a reaction to the bot's answer
    (
        "complaint-then-answer",
        [
            ("customer", "still no refund after two weeks, useless"),
            ("bot", "Refunds reach your card 5 to 10 days after we receive the item."),
        ],
        "bot_resolved",
        "assumed",
    ),
    (
        "greeting-is-no-answer",
        [("bot", "Welcome!"), ("customer", "brilliant, is the sale still on")],
        "abandoned",
        None,
    ),
    (
        "typo-thanks",
        [
            ("customer", "can I change my delivery slot"),
            ("bot", "Yes: open the order and pick 'Change slot'."),
            ("customer", "ok thanx!"),
        ],
        "bot_resolved",
        "confirmed",
    ),
    (
        "not-helping",
        [
            ("customer", "my invoice total looks wrong"),
            ("bot", "Invoices are issued on the 1st of each month."),
            ("customer", "this isn't helping, bye"),
        ],
        "abandoned",
        None,
    ),
    (
        "did-the-trick",
        [
            ("customer", "app keeps logging me out"),
            ("bot", "Clear the app cache under Settings > Storage, then sign in again."),
            ("customer", "That did the trick."),
        ],
        "bot_resolved",
        "confirmed",
    ),
]


@pytest.mark.parametrize(("cid", "turns", "outcome", "resolution"), REACTION_CASES)
def test_only_reactions_to_an_answer_confirm_or_reject(
    db: Database,
    tmp_path: Path,
    cid: str,
    turns: list[tuple[str, str]],
    outcome: str,
    resolution: str | None,
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _conv(cid, turns)))
    db.load([path])
    row = db.conversations().iloc[0]
    assert (row.outcome, _none(row.resolution)) == (outcome, resolution)


def test_sample_logs_outcomes_agree_with_their_ground_truth(db: Database) -> None:
    """The demo generator's own record of what it wrote; judged per conversation."""
    truth = pd.read_csv(FIXTURES / "sample_truth.csv", keep_default_na=False)
    db.load([SAMPLE_LOGS])
    got = db.conversations()[["conversation_id", "outcome", "handoff_outcome", "resolution"]]
    merged = truth.merge(got.fillna(""), on="conversation_id", suffixes=("_truth", ""))
    assert len(merged) == len(truth) == 1200
    for col in ("outcome", "handoff_outcome", "resolution"):
        agree = (merged[f"{col}_truth"] == merged[col]).mean()
        assert agree >= 0.99, f"{col}: {agree:.3f}"
