"""The verdict block: three to five generated sentences that answer "how did we do, and what do
we fix?", each linking to the section that backs it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from analyzer.metrics import BY_KEY, REGISTRY
from analyzer.report.compare import NOISE, rate_change
from analyzer.report.context import Change, VerdictLine
from analyzer.report.fmt import clip, fmt_int, fmt_rate, missing
from analyzer.report.friction import REASON_WORDS
from analyzer.report.limits import MIN_QUEUE_HANDOFFS

REAL = ("better", "worse")


def _headline_moves(
    h: Mapping[str, Any], changes: Mapping[str, Change], unmeasurable: Mapping[str, str], label: str
) -> VerdictLine:
    # the graceful handoff rate mirrors the friction rate and has a sentence of its own
    rates = [
        m
        for m in REGISTRY
        if m.tile
        and m.kind == "rate"
        and m.key not in unmeasurable
        and m.key != "graceful_handoff_rate"
    ]
    real = [
        (m, changes[m.key]) for m in rates if m.key in changes and changes[m.key].verdict in REAL
    ]
    if not label:
        shown = ", ".join(
            f"{m.label.lower()} {fmt_rate(h.get(m.column))}"
            for m in rates
            if m.key in ("bot_resolution_rate", "handoff_rate", "graceful_handoff_rate")
        )
        return VerdictLine(f"Over all data: {shown}.", "#kpis", "info")
    if not real:
        shown = ", ".join(
            f"{m.label.lower()} {fmt_rate(h.get(m.column))}"
            for m in rates
            if m.key in ("bot_resolution_rate", "handoff_rate")
        )
        return VerdictLine(
            f"No headline rate moved beyond noise since {label.split(' (')[0]}: {shown}.",
            "#kpis",
            "info",
        )
    real.sort(key=lambda mc: -abs(float(mc[1].delta.split()[0] or 0)))
    parts = [
        f"{m.label.lower()} {fmt_rate(h.get(m.column))} ({c.delta}, {c.verdict})"
        for m, c in real[:3]
    ]
    worse = sum(1 for _, c in real if c.verdict == "worse")
    tone = "worse" if worse * 2 >= len(real) else "better"
    return VerdictLine(
        f"Real moves since {label.split(' (')[0]}: " + "; ".join(parts) + ".", "#kpis", tone
    )


def _worst_friction(cost: pd.DataFrame, flag_rates: pd.DataFrame) -> VerdictLine | None:
    if cost.empty or float(cost["severity"].max()) <= 0:
        return None
    top = cost.iloc[0]
    flag = str(top["flag"])
    overall = flag_rates[(flag_rates["dimension"] == "all") & (flag_rates["flag"] == flag)]
    rate = fmt_rate(overall["rate"].iloc[0]) if len(overall) else "—"
    effects = []
    if not missing(top["csat_diff"]) and top["csat_n1"]:
        effects.append(f"CSAT {float(top['csat_diff']):+.2f}")
    if not missing(top["back_diff"]) and top["back_n1"]:
        effects.append(f"recontact {float(top['back_diff']) * 100:+.1f} pp")
    if not missing(top["resolved_diff"]):
        effects.append(f"resolved after handoff {float(top['resolved_diff']) * 100:+.1f} pp")
    text = (
        f"The costliest friction is {clip(flag)}: {fmt_int(top['flagged'])} handoffs ({rate})"
        + (f", {', '.join(effects)} against handoffs without it" if effects else "")
    )
    queues = flag_rates[
        (flag_rates["dimension"] == "queue")
        & (flag_rates["flag"] == flag)
        & (flag_rates["handed_off"] >= MIN_QUEUE_HANDOFFS)
    ].sort_values(["rate", "flagged", "key"], ascending=[False, False, True])
    if (
        len(queues)
        and len(overall)
        and float(queues["rate"].iloc[0]) > float(overall["rate"].iloc[0])
    ):
        q = queues.iloc[0]
        text += (
            f"; it concentrates in queue {clip(q['key'])} ({fmt_rate(q['rate'])} of its "
            f"{fmt_int(q['handed_off'])} handoffs)"
        )
    return VerdictLine(text + ".", "#cost", "worse")


def _outcomes(
    h: Mapping[str, Any], unmeasurable: Mapping[str, str], notes: Mapping[str, str]
) -> VerdictLine:
    graceful = BY_KEY["graceful_handoff_rate"]
    parts = []
    if graceful.key not in unmeasurable:
        parts.append(
            f"{fmt_rate(h.get(graceful.column))} of handoffs went gracefully "
            f"({fmt_int(h.get(graceful.numerator))} of {fmt_int(h.get(graceful.denominator))}, "
            "no friction flag)"
        )
    durable = BY_KEY["durable_resolution_rate"]
    if durable.key in unmeasurable:
        parts.append("durable resolution is not measurable here (no customer_id)")
    else:
        text = (
            f"durable resolution is {fmt_rate(h.get(durable.column))} against "
            f"{fmt_rate(h.get('bot_resolution_rate'))} bot resolution"
        )
        if notes.get(durable.key):
            text += " (not settled yet)"
        parts.append(text)
    sentence = "; ".join(parts)
    return VerdictLine(sentence[:1].upper() + sentence[1:] + ".", "#kpis", "info")


def _flag_moves(
    now: pd.DataFrame, before: pd.DataFrame, handed_now: object, handed_before: object, label: str
) -> VerdictLine | None:
    if not label or missing(handed_now) or missing(handed_before):
        return None
    n1, n0 = float(handed_now), float(handed_before)  # type: ignore[arg-type]
    a = now[now["dimension"] == "all"].set_index("flag")["flagged"]
    b = before[before["dimension"] == "all"].set_index("flag")["flagged"]
    best: tuple[float, str, Change] | None = None
    for flag in sorted(set(a.index) | set(b.index)):
        change = rate_change(float(a.get(flag, 0)), n1, float(b.get(flag, 0)), n0, "worse")
        if change.verdict in (NOISE, "no change", "not comparable") or not n1 or not n0:
            continue
        points = abs(float(a.get(flag, 0)) / n1 - float(b.get(flag, 0)) / n0)
        if best is None or points > best[0]:
            best = (points, str(flag), change)
    if best is None:
        return VerdictLine(
            f"No flag's rate moved beyond noise since {label.split(' (')[0]}.", "#changes", "info"
        )
    _, flag, change = best
    return VerdictLine(
        f"What changed most: {clip(flag)} went from {change.previous} to "
        f"{fmt_rate(float(a.get(flag, 0)) / n1)} of handoffs ({change.delta}, {change.verdict}).",
        "#changes",
        change.verdict,
    )


def _reasons(reasons: pd.DataFrame) -> VerdictLine | None:
    part = reasons[reasons["dimension"] == "all"]
    total = int(part["handoffs"].sum()) if len(part) else 0
    if not total:
        return None
    ranked = part.sort_values(["handoffs", "handoff_reason"], ascending=[False, True])
    shares = ", ".join(
        f"{fmt_rate(r.share)} {REASON_WORDS.get(str(r.handoff_reason), str(r.handoff_reason))}"
        for r in ranked.head(3).itertuples(index=False)
    )
    late = int(part["late"].sum())
    return VerdictLine(
        f"Why handoffs happened: {shares}; {fmt_rate(late / total)} ({late:,} of {total:,}) "
        "came late, after a bot loop or an ignored request for a human.",
        "#reasons",
        "worse" if late * 5 >= total else "info",
    )


def verdict_lines(
    h: Mapping[str, Any],
    previous: Mapping[str, Any],
    changes: Mapping[str, Change],
    cost: pd.DataFrame,
    flag_rates: pd.DataFrame,
    previous_flags: pd.DataFrame,
    unmeasurable: Mapping[str, str],
    label: str,
    notes: Mapping[str, str],
    reasons: pd.DataFrame | None = None,
) -> tuple[VerdictLine, ...]:
    """Three to five sentences: real headline moves, the costliest friction and where it
    concentrates, why handoffs happened, graceful handoffs and durable resolution, and the flag
    that moved most."""
    lines = [_headline_moves(h, changes, unmeasurable, label)]
    worst = _worst_friction(cost, flag_rates)
    if worst:
        lines.append(worst)
    why = _reasons(reasons) if reasons is not None and not reasons.empty else None
    if why:
        lines.append(why)
    lines.append(_outcomes(h, unmeasurable, notes))
    moved = _flag_moves(
        flag_rates, previous_flags, h.get("handed_off"), previous.get("handed_off"), label
    )
    if moved:
        lines.append(moved)
    return tuple(lines[:5])
