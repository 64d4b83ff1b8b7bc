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
