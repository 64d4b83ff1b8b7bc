"""Plain-text renderings for the terminal: load summaries, transcripts, result tables."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from analyzer.ingest import LoadSummary


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
    if value is None or pd.isna(value):
        return "--:--:--"
    return str(pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S"))


def transcript(turns: pd.DataFrame) -> str:
    """One line per turn: time, role, text; events marked; flags shown at their evidence."""
    out: list[str] = []
    for row in turns.itertuples(index=False):  # one conversation: at most a few hundred turns
        when = _when(row.timestamp)
        if row.event != "message":
            extra = ", ".join(
                f"{k}: {v}" for k, v in (("queue", row.queue), ("by", row.participant_id)) if v
            )
            label = f"[{row.event}{' (' + extra + ')' if extra else ''}]"
            out.append(f"{when}  {row.role:<8}  {label} {row.text or ''}".rstrip())
        else:
            who = (
                row.role
                if not row.participant_id or row.role != "agent"
                else f"agent {row.participant_id}"
            )
            out.append(f"{when}  {who:<8}  {row.text or ''}")
        for flag, detail in zip(row.flags, row.details, strict=False):
            out.append(f"{'':19}  ⚑ {flag}: {detail}")
    return "\n".join(out)


def table(df: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        df.to_csv(buf, index=False, lineterminator="\r\n")
        return buf.getvalue().rstrip("\r\n")
    if fmt == "json":
        return json.dumps(
            json.loads(df.to_json(orient="records", date_format="iso")),
            indent=2,
            ensure_ascii=False,
        )
    if df.empty:
        return "(no rows)" if len(df.columns) else ""
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
