"""The metrics registry, the new conversation columns on the sample, and the palette."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

import analyzer
from analyzer.metrics import REGISTRY
from analyzer.period import Period, parse_week
from analyzer.report.charts import OKABE_ITO, SERIES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample() -> analyzer.Database:
    db = analyzer.open_database(memory=True)
    db.load([ROOT / "sample_logs"])
    return db


def test_every_registry_column_is_in_the_rates_output(sample: analyzer.Database) -> None:
    rates = sample.metrics().rates
    for m in REGISTRY:
        needed = [m.column, m.numerator] + ([m.denominator] if m.denominator else [])
        assert set(needed) <= set(rates.columns), m.key


def test_missing_values_are_none_not_nan(sample: analyzer.Database) -> None:
    head = sample.metrics(since="2030-01-01", until="2030-01-08").headline()
    assert head["bot_resolution_rate"] is None and head["conversations"] == 0
    assert not any(isinstance(v, float) and math.isnan(v) for v in head.values())


def test_recontacts_and_customers_match_the_generator(sample: analyzer.Database) -> None:
    got = {
        r[0]: (r[1], r[2])
        for r in sample.con.execute(
            "SELECT conversation_id, customer_id, recontacted FROM conversations"
        ).fetchall()
    }
    with (ROOT / "tests" / "fixtures" / "sample_truth.csv").open(encoding="utf-8") as fh:
        truth = {r["conversation_id"]: r for r in csv.DictReader(fh)}
    assert len(got) == len(truth) == 1200
    for cid, row in truth.items():
        assert got[cid] == (row["customer_id"], row["recontacted"] == "true"), cid
    assert sum(1 for c, r in got.values() if r) > 100


def _srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _deuteranopia_lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB of the colour as seen with deuteranopia (Machado et al. 2009, severity 1)."""
    r, g, b = (_srgb_to_linear(int(hex_colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    m = (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    )
    r, g, b = (max(0.0, min(1.0, row[0] * r + row[1] * g + row[2] * b)) for row in m)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_series_colours_stay_apart_under_deuteranopia() -> None:
    colours = [OKABE_ITO[c] for c in SERIES]
    labs = [_deuteranopia_lab(c) for c in colours]
    for i in range(len(labs)):
        for j in range(i + 1, len(labs)):
            distance = math.dist(labs[i], labs[j])
            assert distance > 10, (colours[i], colours[j], round(distance, 1))


def test_a_recent_week_is_not_settled_yet(sample: analyzer.Database, tmp_path: Path) -> None:
    recent = sample.write_report(tmp_path / "w46.html", parse_week("2026-W46")).context
    notes = {t.key: t.note for t in recent.tiles}
    assert notes["durable_resolution_rate"].startswith("not settled yet: 161 ended within 7 days")
    assert notes["recontact_after_handoff_rate"] == notes["durable_resolution_rate"]
    assert "(not settled yet)" in " ".join(v.text for v in recent.verdict)
    settled = sample.write_report(tmp_path / "w44.html", parse_week("2026-W44")).context
    assert all(t.note == "" for t in settled.tiles)  # the data runs 13 days past its end


def test_all_data_counts_name_their_denominators(sample: analyzer.Database, tmp_path: Path) -> None:
    ctx = sample.write_report(tmp_path / "all.html", Period.between(None, None)).context
    # flags on conversations that never reached a human have their own denominator
    assert "never reached a human" in ctx.bot_phase_note
    assert "engaged conversations not handed off" in ctx.bot_phase_note
    flagged = sample.con.execute(
        "SELECT count(DISTINCT conversation_id) FILTER (WHERE handed_off),"
        " count(DISTINCT conversation_id) FILTER (WHERE NOT handed_off)"
        " FROM friction_flags JOIN conversations USING (conversation_id)"
    ).fetchone()
    assert flagged is not None and flagged[1] > 0
    assert ctx.drilldown_note.startswith(
        f"{flagged[0] + flagged[1]:,} flagged conversations in this period "
        f"({flagged[0]:,} handed off, {flagged[1]:,} that never reached a human)"
    )
    # flags are listed most severe first, and the cost table agrees
    severities = [float(row[4]) for row in ctx.flag_table.rows]
    assert severities == sorted(severities, reverse=True) and severities[0] > 0
    assert ctx.cost_table.rows[0][0] == ctx.flag_table.rows[0][0]
