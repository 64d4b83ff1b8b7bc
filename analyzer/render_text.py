"""Plain-text renderings for the terminal: load summaries, transcripts, result tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analyzer.ingest import LoadSummary
from analyzer.tabular import to_csv, to_json

# Transcript text is untrusted: every C0 and C1 control character (ESC starts the sequences that
# clear the screen, retitle the window or draw fake links), DEL, and the Unicode bidirectional
# overrides that reorder what is shown. Line breaks and tabs become spaces, keeping one turn a line.
_CONTROLS: dict[int, str | None] = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_CONTROLS.update({ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})
_CONTROLS.update({c: None for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F))})
_CONTROLS.update({c: None for c in range(0x2066, 0x206A)})


def safe(value: object) -> str:
    """`value` as text fit for a terminal: control characters out, missing values blank."""
    if value is None or (not isinstance(value, list | tuple) and _missing(value)):
        return ""
    return str(value).translate(_CONTROLS)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def load_summary(summary: LoadSummary, *, rejects: list[tuple[Any, ...]] | None = None) -> str:
    s = summary
    lines = [
        f"Loaded {len(s.files)} file(s): {s.read} records read, {s.loaded} loaded, "
        f"{s.duplicates} duplicates skipped, {s.rejected} rejected."
    ]
    for f in s.files:
        lines.append(
            f"  {f.path} [{f.format}]: read {f.read}, loaded {f.loaded}, "
            f"duplicates {f.duplicates}, rejected {f.rejected}"
        )
        if f.note:
            lines.append(f"    note: {f.note}")
    if s.refresh:
        lines.append(f"Refreshed: {s.refresh}.")
    if rejects:
        lines.append(f"Rejected records (first {len(rejects)}):")
        lines.extend(f"  {path}:{no}: {reason}" for path, no, reason in rejects)
        lines.append('  All of them: handoff query "select * from rejects"')
    for entry in s.unreadable:
        lines.append(f"Not loaded {entry}")
    for entry in s.not_transcripts:
        lines.append(f"Skipped (not a transcript) {entry}")
    if s.skipped:
        names = ", ".join(p.rsplit("/", 1)[-1] for p in s.skipped[:8])
        more = f" and {len(s.skipped) - 8} more" if len(s.skipped) > 8 else ""
        lines.append(f"Skipped {len(s.skipped)} file(s) with unsupported endings: {names}{more}")
    return "\n".join(lines)


def _when(value: Any) -> str:
    if value is None or _missing(value):
        return "--:--:--"
    return str(pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S"))


def transcript(turns: pd.DataFrame) -> str:
    """One line per turn: time, role, text; events marked; flags shown at their evidence."""
    out: list[str] = []
    for row in turns.itertuples(index=False):  # one conversation: at most a few hundred turns
        when = _when(row.timestamp)
        role, text = safe(row.role), safe(row.text)
        if row.event != "message":
            extra = ", ".join(
                f"{k}: {safe(v)}"
                for k, v in (("queue", row.queue), ("by", row.participant_id))
                if safe(v)
            )
            label = f"[{safe(row.event)}{' (' + extra + ')' if extra else ''}]"
            out.append(f"{when}  {role:<8}  {label} {text}".rstrip())
        else:
            agent = safe(row.participant_id)
            who = f"agent {agent}" if agent and role == "agent" else role
            out.append(f"{when}  {who:<8}  {text}")
        for flag, detail in zip(row.flags, row.details, strict=False):
            out.append(f"{'':19}  ⚑ {safe(flag)}: {safe(detail)}")
    return "\n".join(out)


def conversation_header(conversation_id: str, conv: pd.Series) -> str:
    """The first line of `handoff show`: id, outcome (and handoff outcome), friction flags."""
    outcome = safe(conv["outcome"])
    if bool(conv["handed_off"]) and safe(conv["handoff_outcome"]):
        outcome += f" / {safe(conv['handoff_outcome'])}"
    flags = ", ".join(safe(f) for f in conv["flags"]) or "none"
    return f"Conversation {safe(conversation_id)}: {outcome}; friction: {flags}"


def table(df: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return to_csv(df).rstrip("\r\n")
    if fmt == "json":
        return to_json(df)
    if df.empty:
        return "(no rows)" if len(df.columns) else ""
    shown = df.copy()
    for name in shown.columns:
        if shown[name].dtype == object or pd.api.types.is_string_dtype(shown[name]):
            shown[name] = pd.Series([safe(v) for v in shown[name]], index=shown.index, dtype=object)
    return str(shown.to_string(index=False, na_rep=""))
    return str(df.to_string(index=False, na_rep=""))


def _plain(text: object) -> str:
    """Text from the data made safe for a terminal: control characters (escape sequences,
    carriage returns) become spaces."""
    return "".join(c if c.isprintable() else " " for c in str(text))


def report_summary(ctx: Any) -> str:
    """The report's headline figures and verdict for the terminal (and cron mail).

    `ctx` is an `analyzer.report.ReportContext`.
    """
    lines = [f"Period: {_plain(ctx.period)}"]
    if ctx.previous_period:
        lines.append(f"Compared with: {_plain(ctx.previous_period)}")
    if ctx.empty:
        lines.append(_plain(ctx.database_summary))
        return "\n".join(lines)
    for banner in ctx.banners:
        lines.append(f"Note: {_plain(banner.text)}")
    width = max(len(t.label) for t in ctx.tiles) if ctx.tiles else 0
    for t in ctx.tiles:
        change = ""
        if t.change is not None:
            delta = f" {t.change.delta}" if t.change.delta else ""
            change = f"  (previous {t.change.previous}{delta}, {t.change.verdict})"
        note = f"  [{_plain(t.note)}]" if t.note else ""
        lines.append(f"  {t.label:<{width}}  {_plain(t.value):>20}{change}{note}")
    lines.append("Verdict:")
    lines.extend(f"  - {_plain(v.text)}" for v in ctx.verdict)
    return "\n".join(lines)


def report_json(written: Any) -> dict[str, Any]:
    """The report's summary as JSON-ready values: period, headline and previous figures (None
    when undefined), tiles as shown, verdict sentences. `written` is a `WrittenReport`."""
    ctx = written.context
    return {
        "report": str(written.path),
        "period": ctx.period,
        "previous_period": ctx.previous_period or None,
        "headline": written.headline,
        "previous": written.previous,
        "tiles": [
            {
                "key": t.key,
                "label": t.label,
                "value": t.value,
                "detail": t.detail,
                "note": t.note,
                "change": None
                if t.change is None
                else {
                    "previous": t.change.previous,
                    "delta": t.change.delta,
                    "verdict": t.change.verdict,
                },
            }
            for t in ctx.tiles
        ],
        "verdict": [v.text for v in ctx.verdict],
        "banners": [b.text for b in ctx.banners],
    }
