"""Platform importers: own fixtures (exact counts), wrong shapes, and the real public samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.api import Database
from analyzer.errors import InputFileError
from analyzer.ingest.formats import detect_format, read_head
from tests.support import FIXTURES, samples_dir

SAMPLES = samples_dir()
needs_samples = pytest.mark.skipif(
    SAMPLES is None, reason="../shared/samples not found (set HANDOFF_SAMPLES to its folder)"
)


def _events(db: Database) -> dict[str, int]:
    rows = db.con.execute("select event, count(*) from events group by 1").fetchall()
    return dict(rows)


def _conv(db: Database, conversation_id: str) -> dict[str, object]:
    df = db.conversations()
    return df[df.conversation_id == conversation_id].iloc[0].to_dict()


# file, format, records loaded, conversations, handed-off conversations, events by kind
CASES = [
    (
        "botframework/handoff.transcript",
        "botframework",
        18,
        2,
        2,
        {
            "message": 8,
            "other": 3,
            "handoff_initiated": 2,
            "handoff_accepted": 1,
            "handoff_completed": 1,
            "handoff_failed": 1,
            "bot_fallback": 1,
            "conversation_ended": 1,
        },
    ),
    (
        "copilot_dataverse/escalated.json",
        "copilot_dataverse",
        12,
        2,
        1,
        {"message": 7, "other": 3, "bot_fallback": 1, "handoff_initiated": 1},
    ),
    (
        "connect/transfer.json",
        "connect",
        14,
        1,
        1,
        {
            "message": 8,
            "other": 1,
            "agent_joined": 2,
            "agent_left": 1,
            "transfer": 1,
            "conversation_ended": 1,
        },
    ),
    (
        "openai_messages/trajectories.json",
        "openai_messages",
        16,
        3,
        1,
        {"message": 7, "other": 8, "handoff_initiated": 1},
    ),
    (
        "rasa/handoff.json",
        "rasa",
        14,
        2,
        1,
        {
            "message": 6,
            "other": 2,
            "handoff_requested": 1,
            "handoff_initiated": 1,
            "agent_joined": 1,
            "handoff_completed": 1,
            "bot_fallback": 2,
        },
    ),
]


@pytest.mark.parametrize(("name", "fmt", "loaded", "convs", "handed_off", "events"), CASES)
def test_fixture_loads_with_exact_counts(
    db: Database,
    name: str,
    fmt: str,
    loaded: int,
    convs: int,
    handed_off: int,
    events: dict[str, int],
) -> None:
    path = FIXTURES / name
    assert detect_format(path).name == fmt
    s = db.load([path])
    assert (s.files[0].format, s.loaded, s.rejected) == (fmt, loaded, 0)
    c = db.conversations()
    assert (len(c), int(c.handed_off.sum())) == (convs, handed_off)
    assert _events(db) == events
    # a reload adds nothing: message ids are stable
    again = db.load([path])
    assert (again.loaded, again.duplicates) == (0, loaded)


WRONG = [
    ("botframework/no_conversation.transcript", "botframework", "conversation.id"),
    ("copilot_dataverse/no_content.json", "copilot_dataverse", "content"),
    ("connect/no_contact_id.json", "connect", "InitialContactId or ContactId"),
    ("openai_messages/no_role.json", "openai_messages", "messages[].role"),
    ("rasa/no_events.json", "rasa", "events"),
    ("dialogflow_cx/no_conversation_name.jsonl", "dialogflow_cx", "conversation_name"),
    ("lex_v2/no_session_id.jsonl", "lex_v2", "sessionId"),
    ("salesforce/messaging_sessions.csv", "salesforce", "ActorType"),
]


@pytest.mark.parametrize(("name", "fmt", "field"), WRONG)
def test_wrong_shape_names_file_format_and_field(
    db: Database, name: str, fmt: str, field: str
) -> None:
    path = FIXTURES / name
    with pytest.raises(InputFileError) as err:
        db.load([path], fmt=fmt)
    text = str(err.value)
    assert str(path) in text and fmt in text and f"missing field {field}" in text
    assert db.con.execute("select count(*) from events").fetchone() == (0,)


def test_not_json_at_all_is_an_input_error(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "broken.transcript"
    bad.write_text('[{"type": "message", "conversation": {"id": ', encoding="utf-8")
    with pytest.raises(InputFileError, match="cannot read as botframework"):
        db.load([bad], fmt="botframework")


def test_botframework_handoff_context_and_no_second_copy(db: Database) -> None:
    db.load([FIXTURES / "botframework/handoff.transcript"])
    c = _conv(db, "bf-order-17")
    assert json.loads(str(c["handoff_context"]))["skill"] == "deliveries"
    assert c["handoff_outcome"] == "agent_engaged"
    # the Transcript attachment's two activities are not loaded a second time
    n = db.con.execute(
        "select count(*) from events where text = 'my parcel never arrived'"
    ).fetchone()
    assert n == (1,)
    intent = db.con.execute(
        "select intent from events where message_id = 'bf-order-17-a4'"
    ).fetchone()
    assert intent == ("order_status",)
    failed = _conv(db, "bf-refund-3")
    assert (failed["handoff_context"], failed["handoff_outcome"]) == (
        "refund request",
        "handoff_failed",
    )


def test_copilot_outcome_on_every_record(db: Database) -> None:
    db.load([FIXTURES / "copilot_dataverse/escalated.json"])
    rows = db.con.execute(
        "select conversation_id, list(distinct platform_outcome) from events group by 1 order by 1"
    ).fetchall()
    assert rows == [("conv-hr-1", ["Escalated"]), ("conv-hr-2", ["Resolved"])]


def test_connect_roles_and_conversation_id(db: Database) -> None:
    db.load([FIXTURES / "connect/transfer.json"])
    roles = dict(
        db.con.execute(
            "select role, count(*) from events where event = 'message' group by 1"
        ).fetchall()
    )
    assert roles == {"customer": 3, "system": 2, "bot": 1, "agent": 2}
    c = _conv(db, "contact-first")
    assert c["agents"] == 2


def test_openai_messages_have_no_times_and_say_so(db: Database) -> None:
    s = db.load([FIXTURES / "openai_messages/trajectories.json"])
    assert s.files[0].untimed == s.files[0].loaded == 16
    assert "no times" in s.files[0].note
    c = _conv(db, "task-1-trial-0")
    assert c["handoff_context"] == "Customer disputes bill of 99 on account 77."
    order = [
        r[0]
        for r in db.con.execute(
            "select event from turns where conversation_id = 'task-1-trial-0' order by seq"
        ).fetchall()
    ]
    assert order[-3:] == ["handoff_initiated", "other", "other"]


def test_configured_handoff_tool_names(tmp_path: Path) -> None:
    import analyzer

    cfg = tmp_path / "handoff.toml"
    cfg.write_text('[importers.openai_messages]\nhandoff_tools = ["log_case"]\n')
    db = analyzer.open_database(memory=True, config=cfg)
    db.load([FIXTURES / "openai_messages/trajectories.json"])
    ctx = _conv(db, "task-1-trial-0")["handoff_context"]
    assert ctx == "{}"
    db.close()


# -- the real public samples ---------------------------------------------------------------
@needs_samples
def test_real_copilot_dataverse(db: Database) -> None:
    assert SAMPLES is not None
    db.load([SAMPLES / "copilot-studio-dataverse" / "conversationtranscripts.json"])
    c = db.conversations()
    assert len(c) == 11
    assert c.platform_outcome.value_counts().to_dict() == {"Abandoned": 7, "None": 4}
    assert int(c.handed_off.sum()) == 0


@needs_samples
def test_real_connect_contact_lens(db: Database) -> None:
    assert SAMPLES is not None
    db.load([SAMPLES / "amazon-connect-contact-lens" / "contact_lens_chat_example_original.json"])
    c = db.conversations()
    assert len(c) == 1 and bool(c.handed_off.iloc[0])
    queued, joined = db.con.execute(
        """select max(timestamp) filter (where is_transfer_notice),
                  min(timestamp) filter (where event = 'agent_joined') from turns"""
    ).fetchone()
    assert 3.5 < (joined - queued).total_seconds() < 5
    flags = set(db.flags().flag)
    assert "missing_transition" not in flags


@needs_samples
def test_real_tau_bench_transfers(db: Database) -> None:
    assert SAMPLES is not None
    s = db.load([SAMPLES / "tau-bench-airline" / "gpt-4o-airline.json"])
    assert s.rejected == 0 and "no times" in s.files[0].note
    assert len(db.conversations()) == 200
    initiated = db.con.execute(
        "select count(distinct conversation_id), count(*), count(handoff_context) from events"
        " where event = 'handoff_initiated'"
    ).fetchone()
    assert initiated == (48, 48, 48)


@needs_samples
def test_real_tau_bench_handed_off_is_48(db: Database) -> None:
    assert SAMPLES is not None
    db.load([SAMPLES / "tau-bench-airline" / "gpt-4o-airline.json"])
    assert int(db.conversations().handed_off.sum()) == 48


@needs_samples
@pytest.mark.parametrize(
    ("folder", "fmt", "records"),
    [
        ("bot-framework", "botframework", 73),
        ("rasa", "rasa", 4),
        ("abcd", "abcd", 72),
        # 686 dialogue turns and 525 held-out agent answers (agentURL.url_utterance)
        ("ibm-twitter-customer-care", "twitter_care", 1211),
    ],
)
def test_real_sample_folders(db: Database, folder: str, fmt: str, records: int) -> None:
    assert SAMPLES is not None
    s = db.load([SAMPLES / folder])
    assert {f.format for f in s.files} == {fmt}
    assert (s.read, s.rejected) == (records, 0)


@needs_samples
def test_twitter_threads_end_on_the_held_out_agent_answer(db: Database) -> None:
    assert SAMPLES is not None
    db.load([SAMPLES / "ibm-twitter-customer-care" / "dev.json"])
    last = db.con.execute(
        """SELECT role, count(*) FROM (
               SELECT conversation_id, arg_max(role, record_no) AS role FROM events GROUP BY 1)
           GROUP BY 1"""
    ).fetchall()
    assert last == [("agent", 525)]
    first = db.con.execute(
        """SELECT "timestamp", text FROM events
           WHERE conversation_id = 'LgwAXtbbEm0mBvDrGmjk' AND role = 'agent'"""
    ).fetchall()
    # conversationDateTime 17:31:32 + duration 01:26:55
    assert [(str(t), x[:20]) for t, x in first] == [("2020-04-01 18:58:27", "@CinVakas Thanks for")]


@needs_samples
def test_all_samples_in_one_load(db: Database) -> None:
    assert SAMPLES is not None
    s = db.load([SAMPLES])
    assert s.rejected == 0
    assert len(s.not_transcripts) == 12  # ABCD ontology and 11 Copilot content files
    by_format = dict(
        db.con.execute(
            "select source_format, count(distinct conversation_id) from events group by 1"
        ).fetchall()
    )
    assert by_format == {
        "abcd": 3,
        "botframework": 1,
        "connect": 1,
        "copilot_dataverse": 11,
        "openai_messages": 200,
        "rasa": 1,
        "twitter_care": 525,
    }


def test_read_head_of_fixture_is_sniffed_only_by_its_format() -> None:
    for name, fmt, *_ in CASES:
        path = FIXTURES / name
        head = read_head(path)
        from analyzer.ingest.formats import FORMATS

        hits = [f.name for f in FORMATS.values() if f.sniff(path, head)]
        assert hits == [fmt], name
