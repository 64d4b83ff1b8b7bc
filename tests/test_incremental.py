"""A load refreshes only the conversations it touches, and ends with the tables a full rebuild makes.

Property-style: for several seeds, the sample logs are cut into files at random (conversations
split across files, records repeated in two files), then loaded one file at a time, with a reload
and a configuration change on the way. After every load, a database that refreshed only the
touched conversations holds exactly what one that rebuilt everything holds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import analyzer
from analyzer import pipeline
from analyzer.api import Database
from analyzer.sql import parse_query
from tests.support import FIXTURES, SAMPLE_LOGS

DERIVED = {
    "turns": "conversation_id, seq",
    "conversations": "conversation_id",
    "friction_flags": "conversation_id, flag, message_id, detail",
    "rarity_reads": "conversation_id, word",
    "customer_word_mentions": "word",
    "customer_word_conversations": "word",
    "conversations_by_role": "role",
    "csat_above_five": "scale",
}
STATISTIC = parse_query(FIXTURES / "statistics" / "customer_word_mentions.sql")


@pytest.fixture(autouse=True)
def _with_a_statistic(monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus statistic as the detectors may keep one (see docs/incremental.md)."""
    shipped = pipeline.statistic_queries
    monkeypatch.setattr(pipeline, "statistic_queries", lambda: [*shipped(), STATISTIC])


def _conversations(rng: random.Random, n: int) -> dict[str, list[str]]:
    by_id: dict[str, list[str]] = {}
    for path in sorted(SAMPLE_LOGS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cid = line.split('"conversation_id": "', 1)[1].split('"', 1)[0]
            by_id.setdefault(cid, []).append(line)
    chosen = rng.sample(sorted(by_id), n)
    return {cid: by_id[cid] for cid in sorted(chosen)}


def _cut(rng: random.Random, conversations: dict[str, list[str]], files: int) -> list[list[str]]:
    """Each conversation's records go to one to three files; some records to two."""
    out: list[list[str]] = [[] for _ in range(files)]
    for lines in conversations.values():
        homes = rng.sample(range(files), rng.randint(1, min(3, files)))
        for line in lines:
            out[rng.choice(homes)].append(line)
            if rng.random() < 0.05:
                out[rng.randrange(files)].append(line)  # the same record in a second file
    return out


def _snapshot(db: Database) -> dict[str, pd.DataFrame]:
    return {
        table: db.con.execute(f"SELECT * FROM {table} ORDER BY {order}").df()
        for table, order in DERIVED.items()
    }


def _configs(tmp_path: Path) -> tuple[None, Path]:
    changed = tmp_path / "handoff.toml"
    changed.write_text(
        '[phrases]\nfallback = ["sorry", "didn\'t (get|understand)"]\n'
        "[thresholds]\nlong_queue_wait_seconds = 60\n",
        encoding="utf-8",
    )
    return None, changed


def _steps(rng: random.Random, files: list[Path]) -> Iterator[tuple[Path, bool]]:
    """(file to load, whether the configuration changes before it): each file, plus a reload."""
    order: list[Path] = list(files)
    reload_at = rng.randint(2, len(order))
    order.insert(reload_at, rng.choice(files[:2]))
    change_at = rng.choice([i for i in range(2, len(order)) if i != reload_at])
    for i, path in enumerate(order):
        yield path, i == change_at


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scoped_refresh_equals_full_rebuild(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    # scoped whenever it can be: the data here grows by a half or more at every load
    monkeypatch.setattr(pipeline, "FULL_REBUILD_SHARE", float("inf"))
    parts = _cut(rng, _conversations(rng, 60), files=5)
    files = []
    for i, lines in enumerate(parts):
        files.append(tmp_path / f"part-{i}.jsonl")
        files[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    configs = _configs(tmp_path)
    config = configs[0]
    scoped_db = analyzer.open_database(tmp_path / "scoped.duckdb", config=config)
    full_db = analyzer.open_database(tmp_path / "full.duckdb", config=config)
    modes = []
    for path, change in _steps(rng, files):
        if change:
            config = configs[1]
            for db in (scoped_db, full_db):
                db.close()
            scoped_db = analyzer.open_database(tmp_path / "scoped.duckdb", config=config)
            full_db = analyzer.open_database(tmp_path / "full.duckdb", config=config)
        summary = scoped_db.load([path])
        full_db.load([path], full=True)
        modes.append(summary.refresh)
        scoped, full = _snapshot(scoped_db), _snapshot(full_db)
        for table in DERIVED:
            pd.testing.assert_frame_equal(scoped[table], full[table], obj=f"{table} after {path}")
        if change:
            assert "configuration changed" in summary.refresh
    scoped_db.close()
    full_db.close()
    assert "first refresh" in modes[0]
    assert sum("full rebuild" not in m and "unchanged" not in m for m in modes) >= 3, modes
    assert any("unchanged" in m for m in modes), modes


def test_a_load_keeps_the_other_conversations_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of conversations the load does not touch are left as they were, not rewritten."""
    db = analyzer.open_database(tmp_path / "h.duckdb")
    db.load([SAMPLE_LOGS / "2026-W39.jsonl", SAMPLE_LOGS / "2026-W40.jsonl"])
    db.con.execute(
        "UPDATE conversations SET channel = 'kept' WHERE conversation_id <= 'conv-000050'"
    )
    summary = db.load([SAMPLE_LOGS / "2026-W41.jsonl"])
    assert "full rebuild" not in summary.refresh
    kept = db.con.execute("SELECT count(*) FROM conversations WHERE channel = 'kept'").fetchone()
    assert kept is not None and kept[0] > 0
    summary = db.load([SAMPLE_LOGS / "2026-W42.jsonl"], full=True)
    assert "full rebuild" in summary.refresh
    assert db.con.execute(
        "SELECT count(*) FROM conversations WHERE channel = 'kept'"
    ).fetchone() == (0,)
    db.close()


def test_a_new_definitions_version_rebuilds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = analyzer.open_database(tmp_path / "h.duckdb")
    db.load([SAMPLE_LOGS / "2026-W39.jsonl"])
    monkeypatch.setattr(pipeline, "DEFINITIONS_VERSION", "next")
    summary = db.load([SAMPLE_LOGS / "2026-W40.jsonl"])
    assert "the definitions changed" in summary.refresh
    summary = db.load([SAMPLE_LOGS / "2026-W41.jsonl"])
    assert "full rebuild" not in summary.refresh
    db.close()


def test_a_missing_derived_table_rebuilds_everything(tmp_path: Path) -> None:
    db = analyzer.open_database(tmp_path / "h.duckdb")
    db.load([SAMPLE_LOGS / "2026-W39.jsonl"])
    db.con.execute("DROP TABLE rarity_reads")
    summary = db.load([SAMPLE_LOGS / "2026-W40.jsonl"])
    assert "the derived table rarity_reads is missing" in summary.refresh, summary.refresh
    assert db.con.execute("SELECT count(*) > 0 FROM rarity_reads").fetchone() == (True,)
    db.close()


def test_the_fingerprint_ignores_settings_no_derived_table_reads() -> None:
    from analyzer.config import Config, load_config

    base = load_config()
    data = {**base.data, "redaction": {"email": ["x@y"]}}
    assert pipeline.config_fingerprint(Config(data=data)) == pipeline.config_fingerprint(base)
    data = {**base.data, "thresholds": {**base.data["thresholds"], "long_queue_wait_seconds": 1}}
    assert pipeline.config_fingerprint(Config(data=data)) != pipeline.config_fingerprint(base)


def test_a_failed_refresh_undoes_its_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load and its refresh are one transaction, and the refresh's own error is the one shown."""
    import duckdb

    from analyzer.sql import Query, query

    db = analyzer.open_database(tmp_path / "h.duckdb")
    db.load([SAMPLE_LOGS / "2026-W39.jsonl"])
    before = db.con.execute("SELECT count(*) FROM events").fetchone()
    broken = Query("conversations_flagged", "", (), "SELECT * FROM no_such_table", FIXTURES)

    def patched(group: str, name: str) -> Query:
        return broken if name == "conversations_flagged" else query(group, name)

    monkeypatch.setattr(pipeline, "query", patched)
    monkeypatch.setattr(pipeline, "definitions_fingerprint", lambda: _recorded(db))
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        db.load([SAMPLE_LOGS / "2026-W40.jsonl"])
    assert db.con.execute("SELECT count(*) FROM events").fetchone() == before
    db.close()


def _recorded(db: Database) -> str:
    """The definitions fingerprint the database holds (so the broken load is a scoped one)."""
    row = db.con.execute("SELECT value FROM meta WHERE key = 'derived_definitions'").fetchone()
    return str(row[0]) if row else ""


def _conversation(
    cid: str, day: str, turns: list[tuple[str, str, str]], metadata: dict[str, object] | None = None
) -> list[str]:
    """(role, text, event) turns, 5 s apart from 10:00 on that November day, as canonical lines."""
    return [
        json.dumps(
            {
                "conversation_id": cid,
                "message_id": f"{cid}-{i}",
                "timestamp": f"2026-11-{day}T10:00:{5 * i:02d}Z",
                "role": role,
                "text": text,
                **({"event": event} if event else {}),
                **({"metadata": metadata} if metadata else {}),
            }
        )
        for i, (role, text, event) in enumerate(turns)
    ]


def _week(path: Path, rows: list[tuple[str, str, str, dict[str, object]]]) -> Path:
    """(conversation, day, customer text, metadata) -> a small canonical file, bot reply after."""
    reply = ("bot", "Done, anything else?", "")
    lines = [
        line
        for cid, day, text, meta in rows
        for line in _conversation(cid, day, [("customer", text, ""), reply], meta)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_what_depends_on_other_conversations_is_refreshed_too(tmp_path: Path) -> None:
    """A returning customer makes last week's conversation a recontact, and a score above 5 puts
    every score on the 0-10 scale, though a weekly load derives only the new conversations."""
    first = _week(
        tmp_path / "w1.jsonl",
        [("a", "02", "my card was charged twice", {"customer_id": "c-9", "csat": 4})]
        + [(f"x{i}", "02", "what are your hours", {"customer_id": f"c-{i}"}) for i in range(12)],
    )
    second = _week(
        tmp_path / "w2.jsonl",
        [("b", "04", "the refund never came", {"customer_id": "c-9", "csat": 8})],
    )
    third = _week(  # another customer comes back; the scale stays 0-10
        tmp_path / "w3.jsonl",
        [("c", "05", "still no refund", {"customer_id": "c-1", "csat": 2})],
    )
    scoped_db = analyzer.open_database(tmp_path / "scoped.duckdb")
    full_db = analyzer.open_database(tmp_path / "full.duckdb")
    for path in (first, second, third):
        summary = scoped_db.load([path])
        full_db.load([path], full=True)
        assert path == first or "full rebuild" not in summary.refresh, summary.refresh
        scoped, full = _snapshot(scoped_db), _snapshot(full_db)
        for table in DERIVED:
            pd.testing.assert_frame_equal(scoped[table], full[table], obj=f"{table}, {path.name}")
    rows = scoped["conversations"].set_index("conversation_id")
    assert bool(rows.loc["a", "recontacted"]) and not bool(rows.loc["b", "recontacted"])
    assert bool(rows.loc["x1", "recontacted"]) and not bool(rows.loc["x2", "recontacted"])
    assert rows.loc["a", "csat_score"] == pytest.approx(0.4)  # 4 of 10, no longer 4 of 5
    scoped_db.close()
    full_db.close()


def test_a_rebuild_in_batches_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large history is rebuilt a range of conversations at a time; the tables are the same."""
    Types = dict[str, list[tuple[str, str]]]

    def rebuilt(batch_events: int) -> tuple[int, dict[str, pd.DataFrame], Types]:
        monkeypatch.setattr(pipeline, "BATCH_EVENTS", batch_events)
        with analyzer.open_database(memory=True) as db:
            db.load([SAMPLE_LOGS])
            types = {
                t: [(str(c[0]), str(c[1])) for c in db.con.execute(f"DESCRIBE {t}").fetchall()]
                for t in DERIVED
            }
            return len(pipeline._batches(db.engine)), _snapshot(db), types

    batches, one, one_types = rebuilt(10**12)
    assert batches == 0  # one pass
    batches, batched, batched_types = rebuilt(1_000)
    assert batches == 12  # 11,052 events
    assert batched_types == one_types
    for table in DERIVED:
        pd.testing.assert_frame_equal(batched[table], one[table], obj=table)


def test_a_load_says_what_it_is_doing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A first load of a long history takes minutes: it names each step as it starts it, the
    batches of a rebuild counted, and a later load the conversations it derives again."""
    monkeypatch.setattr(pipeline, "BATCH_EVENTS", 4_000)
    told: list[str] = []
    week = tmp_path / "week.jsonl"
    week.write_text(
        "\n".join(_conversation("new", "20", [("customer", "hi", ""), ("bot", "hello", "")]))
        + "\n",
        encoding="utf-8",
    )
    with analyzer.open_database(memory=True) as db:
        db.load([SAMPLE_LOGS], on_step=told.append)
        assert told == [
            "writing the records read",
            *(f"turns and statistics, batch {i} of 3" for i in (1, 2, 3)),
            *(f"outcomes and friction flags, batch {i} of 3" for i in (1, 2, 3)),
            "recontacts across conversations",
        ]
        told.clear()
        db.load([week], on_step=told.append)
        assert told == ["writing the records read", "deriving 1 touched conversation(s)"]
        told.clear()
        monkeypatch.setattr(pipeline, "BATCH_EVENTS", 10**12)
        db.refresh(on_step=told.append)
        assert told == ["deriving every conversation"]


def test_a_word_that_stops_being_rare_judges_its_readers_again(tmp_path: Path) -> None:
    """A word rare last week is common this week: an old conversation flagged on it alone loses
    the flag in a full rebuild, and so in the load that made it common, which derives that
    conversation again (it reads the word) and no other untouched one."""
    handed = _conversation(
        "a",
        "02",
        [
            ("customer", "my zorblat keeps flashing red", ""),
            ("bot", "Sorry, I didn't get that.", ""),
            ("customer", "agent please", ""),
            ("bot", "Connecting you to an agent now.", ""),
            ("system", "", "handoff_initiated"),
            ("agent", "Hi, I'm Sam. What seems to be the problem?", ""),
            ("customer", "the zorblat flashes", ""),
            ("agent", "Let me check.", ""),
        ],
    )
    hours = [("customer", "what are your opening hours", ""), ("bot", "We open at 9.", "")]
    first = tmp_path / "w1.jsonl"
    lines = handed + [line for i in range(14) for line in _conversation(f"o{i}", "02", hours)]
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reset = [("customer", "how do I reset a zorblat", ""), ("bot", "Hold the button.", "")]
    second = tmp_path / "w2.jsonl"
    lines = [line for i in range(6) for line in _conversation(f"z{i}", "09", reset)]
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def flags(db: Database) -> list[tuple[str, str]]:
        rows = db.con.execute(
            "SELECT conversation_id, flag FROM friction_flags ORDER BY ALL"
        ).fetchall()
        return [(str(c), str(f)) for c, f in rows]

    with analyzer.open_database(memory=True) as db:
        db.load([first])
        assert ("a", "agent_reasked") in flags(db)  # "zorblat" is rare: described again
        summary = db.load([second])
        assert "full rebuild" not in summary.refresh, summary.refresh
        # the six new conversations and "a", not the fourteen about opening hours
        assert summary.refresh.startswith("7 conversation(s) derived again (1 of them judged"), (
            summary.refresh
        )
        assert ("a", "agent_reasked") not in flags(db)
        loaded = _snapshot(db)
        db.refresh()
        full = _snapshot(db)
        for table in DERIVED:
            pd.testing.assert_frame_equal(loaded[table], full[table], obj=table)
