"""Partial logs: a banner says what the logs lack, and what cannot be measured says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import analyzer
from analyzer.period import parse_week
from analyzer.report.tables import NOT_MEASURABLE

T0 = dt.datetime(2026, 11, 9, 9, 0, tzinfo=dt.UTC)


def _write(path: Path, conversations: int, roles: tuple[str, ...], with_times: bool = True) -> Path:
    lines = []
    texts = {
        "customer": "my parcel never arrived, order 12345",
        "bot": "Sorry, I didn't get that.",
        "agent": "Hi, I'm Sam, I can see order 12345 now.",
    }
    for c in range(conversations):
        for i, role in enumerate(roles):
            rec = {
                "conversation_id": f"c{c:03d}",
                "message_id": f"m{i}",
                "role": role,
                "text": texts[role],
            }
            when = T0 + dt.timedelta(hours=c, seconds=40 * i)
            rec["timestamp"] = when.isoformat().replace("+00:00", "Z") if with_times else ""
            lines.append(json.dumps(rec))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _context(tmp_path: Path, roles: tuple[str, ...]) -> analyzer.report.ReportContext:
    db = analyzer.open_database(memory=True)
    db.load([_write(tmp_path / "logs.jsonl", 30, roles)])
    return db.write_report(tmp_path / "r.html", parse_week("2026-W46")).context


def test_no_bot_side(tmp_path: Path) -> None:
    ctx = _context(tmp_path, ("customer", "agent", "customer", "agent"))
    assert [b.banner_id for b in ctx.banners] == ["banner-no-bot"]
    tiles = {t.key: t.value for t in ctx.tiles}
    assert tiles["bot_resolution_rate"] == NOT_MEASURABLE
    assert tiles["handoff_rate"] == NOT_MEASURABLE
    assert tiles["durable_resolution_rate"] == NOT_MEASURABLE  # no customer_id either
    assert tiles["friction_rate"] != NOT_MEASURABLE  # the agent side is there
    assert "not measurable here" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_no_agent_side(tmp_path: Path) -> None:
    ctx = _context(tmp_path, ("bot", "customer", "bot"))
    assert [b.banner_id for b in ctx.banners] == ["banner-no-agent"]
    tiles = {t.key: t.value for t in ctx.tiles}
    assert tiles["graceful_handoff_rate"] == NOT_MEASURABLE
    assert tiles["time_to_agent_median"] == NOT_MEASURABLE
    assert tiles["bot_resolution_rate"] != NOT_MEASURABLE  # the bot side is measured
    flags = {row[0]: row[3] for row in ctx.flag_table.rows}
    assert flags.get("long_queue_wait") == NOT_MEASURABLE


def test_complete_logs_have_no_banner(tmp_path: Path) -> None:
    ctx = _context(tmp_path, ("bot", "customer", "bot", "agent", "customer"))
    assert ctx.banners == ()
    assert NOT_MEASURABLE not in {
        t.value for t in ctx.tiles if not t.key.startswith(("durable", "recontact"))
    }


def test_logs_without_times_report_all_data(tmp_path: Path) -> None:
    db = analyzer.open_database(memory=True)
    db.load(
        [Path(__file__).resolve().parents[1] / "fixtures" / "openai_messages" / "trajectories.json"]
    )
    ctx = db.write_report(tmp_path / "r.html").context  # no week to default to: all data
    assert ctx.period == "all data"
    assert [b.banner_id for b in ctx.banners] == ["banner-no-agent", "banner-no-times"]
    tiles = {t.key: t.value for t in ctx.tiles}
    assert tiles["time_to_agent_median"] == NOT_MEASURABLE
    assert tiles["bot_resolution_rate"] == "66.7%"
