"""queries/metrics/friction_cost.sql and the shared drill-down ranking, on tiny hand-made rows."""

from __future__ import annotations

import duckdb
import pytest

from analyzer.sql import query, run

ROWS = [
    # id, handed_off, handoff_outcome, csat_score, agent_handle_seconds, customer_id, recontacted
    ("a", True, "agent_engaged", 0.0, 300.0, "u1", True),
    ("b", True, "agent_engaged", 0.5, 100.0, "u2", False),
    ("c", True, "agent_engaged", 1.0, 100.0, "u3", False),
    ("d", True, "agent_engaged", 1.0, 100.0, "u4", False),
    ("e", True, "abandoned_in_queue", None, None, None, None),
    ("f", False, None, 1.0, None, "u6", False),  # not handed off: in no comparison
]
FLAGS = [("a", "misroute"), ("b", "misroute"), ("e", "misroute"), ("c", "long_queue_wait")]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE conversations (conversation_id VARCHAR, handed_off BOOLEAN,"
        " handoff_outcome VARCHAR, csat_score DOUBLE, agent_handle_seconds DOUBLE,"
        " customer_id VARCHAR, recontacted BOOLEAN, started_at TIMESTAMP, channel VARCHAR,"
        " intent VARCHAR, queue VARCHAR, final_queue VARCHAR, outcome VARCHAR,"
        " handoff_reason VARCHAR, wait_seconds DOUBLE)"
    )
    for i, r in enumerate(ROWS):
        con.execute(
            "INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?, ?, TIMESTAMP '2026-11-09 09:00:00'"
            " + to_minutes(CAST(? AS BIGINT)), NULL, NULL, NULL, NULL, 'handed_off', NULL, ?)",
            [*r, i, 10.0 * i],
        )
    con.execute(
        "CREATE TABLE friction_flags (conversation_id VARCHAR, flag VARCHAR, message_id VARCHAR,"
        " detail VARCHAR, score DOUBLE)"
    )
    con.executemany("INSERT INTO friction_flags VALUES (?, ?, NULL, '', 1)", FLAGS)
    return con


def test_differences_counts_and_severity(con: duckdb.DuckDBPyConnection) -> None:
    df = run(con, query("metrics", "friction_cost"), {"since": None, "until": None}).df()
    assert list(df["flag"]) == ["misroute", "long_queue_wait"]  # most severe first
    m = df.set_index("flag").loc["misroute"]
    assert (m["flagged"], m["unflagged"]) == (3, 2)
    # CSAT: flagged a, b (0.0, 0.5; e has none) vs c, d (1.0, 1.0)
    assert (m["csat_n1"], m["csat_n0"]) == (2, 2)
    assert m["csat_diff"] == pytest.approx(-0.75)
    assert m["csat_ci"] == pytest.approx(1.96 * (0.125 / 2) ** 0.5)
    assert m["handle_diff"] == pytest.approx(100.0)  # 200 vs 100
    assert m["back_diff"] == pytest.approx(0.5)  # 1 of 2 came back vs 0 of 2
    assert m["resolved_diff"] == pytest.approx(1 / 3 - 1.0)  # b resolved of a, b, e vs c, d
    harm = 0.75 + 0.5 + 2 / 3 + 1.0
    assert m["harm"] == pytest.approx(harm) and m["severity"] == pytest.approx(3 * harm)
    q = df.set_index("flag").loc["long_queue_wait"]
    assert q["harm"] == pytest.approx(0.0)  # c did better than the rest on every count


def test_ranking_orders_by_severity_then_flags_then_wait(con: duckdb.DuckDBPyConnection) -> None:
    params = {
        "since": None,
        "until": None,
        "max_conversations": 10,
        "per_week": False,
        "severity_flags": ["misroute"],
        "severity_weights": [2.0],
    }
    ranked = run(con, query("report", "flagged_conversations"), params).df()
    assert list(ranked["conversation_id"]) == ["e", "b", "a", "c"]  # misroute by wait, then c
    assert set(ranked["flagged_total"]) == {4} and set(ranked["flagged_handed_off"]) == {4}
    no_weights = run(
        con,
        query("report", "flagged_conversations"),
        params | {"severity_flags": [], "severity_weights": [], "max_conversations": 2},
    ).df()
    assert list(no_weights["conversation_id"]) == ["e", "c"]  # longest wait first, capped
