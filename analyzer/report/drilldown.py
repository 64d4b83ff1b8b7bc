"""The drill-down: flagged conversations, worst first, with their transcripts (capped)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import duckdb
import pandas as pd

from analyzer.config import Config
from analyzer.redaction import anchor_id, install, redact_columns, redaction_params
from analyzer.report.context import FlaggedConversation, FlagGroup, FlagNote, Turn
from analyzer.report.fmt import clip, fmt_moment, fmt_seconds, missing
from analyzer.report.limits import (
    DRILLDOWN_BUDGET,
    MAX_DRILLDOWN,
    MAX_EVIDENCE_TURNS,
    MAX_ID,
    MAX_NOTES,
    MAX_TEXT,
    MAX_TURNS,
    TURN_OVERHEAD,
)
from analyzer.sql import query, run

_OUTCOME_WORDS = {
    "unengaged": "unengaged",
    "handed_off": "handed off",
    "bot_resolved": "bot resolved",
    "abandoned": "abandoned",
    "agent_engaged": "agent engaged",
    "abandoned_in_queue": "abandoned in queue",
    "handoff_failed": "handoff failed",
}


def _words(value: object) -> str:
    return "" if missing(value) else _OUTCOME_WORDS.get(str(value), clip(value))


def _queue_words(first: object, final: object) -> str:
    if missing(first):
        return "—"
    if missing(final) or final == first:
        return clip(first)
    return f"{clip(first)} → {clip(final)}"


def _escaped_length(values: Iterable[object]) -> int:
    return sum(len(escape(str(v))) for v in values if not missing(v))


def _time(value: object, same_day: bool) -> str:
    """The turn's time; its date too when it is not the day the conversation started."""
    if missing(value):
        return ""
    return fmt_moment(value, "%H:%M:%S" if same_day else "%Y-%m-%d %H:%M:%S")


def _estimated_size(turns: Sequence[Any], notes: Sequence[Any]) -> int:
    """Rough bytes of a conversation's drill-down HTML, counting the growth from escaping.

    Flag notes appear in the header list and flag names also as a pill and a filter option.
    """
    if not turns and not notes:
        return 600
    evidence = [v for r in turns for v in (*r.flags, *r.details)]
    return (
        600
        + _escaped_length(r.text for r in turns)
        + _escaped_length(evidence)
        + _escaped_length(n.detail for n in notes)
        + 3 * _escaped_length(n.flag for n in notes)
        + TURN_OVERHEAD * len(turns)
    )


def _by_conversation(rows: pd.DataFrame) -> dict[str, list[Any]]:
    """The rows of a frame as tuples, by conversation id, in their order (one pass)."""
    out: dict[str, list[Any]] = {}
    for r in rows.itertuples(index=False):
        out.setdefault(r.conversation_id, []).append(r)
    return out


def drilldown(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    bounds: dict[str, Any],
    weights: dict[str, float] | None = None,
    *,
    redact: bool = True,
) -> tuple[tuple[FlaggedConversation, ...], str]:
    """The period's flagged conversations, worst first, within the size budget, and a note.

    Worst first is the shared ranking (queries/report/flagged_conversations.sql): the sum of
    the conversation's flag `weights` (each flag's harm from the cost of friction), then most
    flags, then longest wait.

    With `redact`, personal data in transcript text, flag details, ids, queue and channel names
    is replaced in SQL (rules from the config's [redaction] table); the database keeps the
    original text. A conversation id that held personal data is anchored by its MD5.
    """
    redaction = redaction_params(config, redact)
    install(con)
    ranked = sorted((weights or {}).items())
    convs = run(
        con,
        query("report", "flagged_conversations"),
        {
            **bounds,
            "max_conversations": MAX_DRILLDOWN,
            "per_week": False,
            "severity_flags": [f for f, _ in ranked],
            "severity_weights": [w for _, w in ranked],
        },
    ).df()
    if convs.empty:
        return (), "No flagged conversations in this period."
    shown = redact_columns(
        con, convs, ("conversation_id", "queue", "final_queue", "channel"), redaction
    )
    convs = shown.assign(
        anchor=[
            a if s == c else "conversation-" + anchor_id(c, s)
            for a, c, s in zip(
                convs["anchor"], convs["conversation_id"], shown["conversation_id"], strict=True
            )
        ],
        shown_id=shown["conversation_id"],
        conversation_id=convs["conversation_id"],
    )
    total = int(convs["flagged_total"].iloc[0])
    ids = list(convs["conversation_id"])
    turns = run(
        con,
        query("report", "flagged_turns"),
        {
            "ids": ids,
            "max_turns": MAX_TURNS,
            "max_evidence": MAX_EVIDENCE_TURNS,
            "max_chars": MAX_TEXT,
            "max_notes": MAX_NOTES,
            **redaction,
        },
    ).df()
    notes = run(
        con,
        query("report", "flag_notes"),
        {"ids": ids, "max_notes": MAX_NOTES, "max_chars": MAX_TEXT, **redaction},
    ).df()
    # the listed conversations' rows are bounded (MAX_DRILLDOWN x MAX_TURNS), not the data
    turns_by = _by_conversation(turns)
    notes_by = _by_conversation(notes)

    out: list[FlaggedConversation] = []
    budget = DRILLDOWN_BUDGET
    for c in convs.itertuples(index=False):
        t = turns_by.get(c.conversation_id, [])
        n = notes_by.get(c.conversation_id, [])
        size = _estimated_size(t, n)
        if size > budget:
            break
        budget -= size
        out.append(_conversation(c, t, n))
    shown = len(out)
    handed = int(convs["flagged_handed_off"].iloc[0])
    note = f"{total:,} flagged conversation{'s' if total != 1 else ''} in this period"
    if handed != total:
        note += f" ({handed:,} handed off, {total - handed:,} that never reached a human)"
    if shown < total:
        note += f"; the worst {shown:,} are listed"
    note += ". Most severe first (the cost of friction of their flags), then most flags, then longest wait."
    return tuple(out), note


def _conversation(c: Any, turns: Sequence[Any], notes: Sequence[Any]) -> FlaggedConversation:
    flags = tuple(FlagNote(clip(r.flag), str(r.detail), clip(r.message_id, MAX_ID)) for r in notes)
    shown: list[Turn] = []
    previous = 0
    first_day = fmt_moment(c.started_at, "%Y-%m-%d")
    for r in turns:
        evidence = tuple(
            FlagNote(clip(f), str(d), clip(r.message_id, MAX_ID))
            for f, d in zip(list(r.flags), list(r.details), strict=True)
        )
        same_day = fmt_moment(r.timestamp, "%Y-%m-%d") == first_day
        shown.append(
            Turn(
                seq=int(r.seq),
                time=_time(r.timestamp, same_day),
                role=str(r.role),
                event=str(r.event),
                text="" if missing(r.text) else str(r.text),
                truncated=bool(r.truncated),
                evidence=evidence,
                skipped_before=int(r.seq) - previous - 1,
            )
        )
        previous = int(r.seq)
    turn_count = int(turns[0].turn_count) if turns else 0
    outcome = _words(c.outcome)
    if not missing(c.handoff_outcome):
        outcome += f" · {_words(c.handoff_outcome)}"
    return FlaggedConversation(
        conversation_id=clip(c.shown_id, MAX_ID),
        anchor=str(c.anchor),
        filter_queue=clip(c.queue) if not missing(c.queue) else "(none)",
        filter_channel=clip(c.channel) if not missing(c.channel) else "(none)",
        started_at=fmt_moment(c.started_at),
        channel=clip(c.channel) or "—",
        queue=_queue_words(c.queue, c.final_queue),
        outcome=outcome,
        wait=fmt_seconds(c.wait_seconds),
        flags=flags,
        flag_names=tuple(sorted({f.flag for f in flags})),
        turns=tuple(shown),
        turns_omitted=turn_count - len(shown),
    )


def group_by_flag(
    listed: tuple[FlaggedConversation, ...],
    precision: dict[str, str] | None = None,
    severity: Sequence[str] = (),
) -> tuple[FlagGroup, ...]:
    """The listed conversations grouped by flag: the flags of `severity` (most severe first)
    in that order, then groups with the most conversations first; each conversation once, under
    the first of its flags in that order, keeping worst-first order."""
    having: dict[str, int] = {}
    for c in listed:
        for f in c.flag_names:
            having[f] = having.get(f, 0) + 1
    first = {f: i for i, f in enumerate(severity)}
    order = sorted(having, key=lambda f: (first.get(f, len(first)), -having[f], f))
    rank = {f: i for i, f in enumerate(order)}
    placed: dict[str, list[FlaggedConversation]] = {f: [] for f in order}
    for c in listed:
        if c.flag_names:
            placed[min(c.flag_names, key=rank.__getitem__)].append(c)
    groups = []
    for i, f in enumerate(order, start=1):
        here = len(placed[f])
        note = f"{having[f]:,} listed conversation{'s' if having[f] != 1 else ''} with this flag"
        if here < having[f]:
            note += f"; {having[f] - here:,} of them listed under an earlier flag"
        groups.append(
            FlagGroup(
                f, f"flag-group-{i}", note + ".", (precision or {}).get(f, ""), tuple(placed[f])
            )
        )
    return tuple(groups)
