"""The default phrase lists classify messages they were not written from (wording varied on purpose)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analyzer.config import load_config

PARAMS = load_config().sql_params()
CON = duckdb.connect()


def notice(text: str) -> bool:
    row = CON.execute(
        "select (regexp_matches($t, $n) or regexp_matches($t, $q)) and not regexp_matches($t, $o)",
        {
            "t": text,
            "n": PARAMS["transfer_notice_re"],
            "q": PARAMS["queue_notice_re"],
            "o": PARAMS["transfer_offer_re"],
        },
    ).fetchone()
    return bool(row and row[0])


def matches(kind: str, text: str) -> bool:
    row = CON.execute(
        "select regexp_matches($t, $r)", {"t": text, "r": PARAMS[f"{kind}_re"]}
    ).fetchone()
    return bool(row and row[0])


@pytest.mark.parametrize(
    "text",
    [
        "Right, I'm putting you through to a member of our payments team.",
        "Hang tight - a live agent will be with you in a few minutes.",
        "You are now in the queue for tech support.",
        "I've paged one of our specialists to join the conversation.",
        "Escalating this to our returns desk now.",
        "Our team will pick it up from here, thanks for your patience.",
        # a platform's line: no subject, or the chat as the subject
        "Escalated to Tier 2 Support.",
        "Session update: conversation routed to Accounts Receivable",
        "Your chat has been passed to the lettings desk.",
    ],
)
def test_transfer_notices(text: str) -> None:
    assert notice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Do you want me to get a human involved?",
        "If this doesn't sort it, we could hand you over to support.",
        "Type 'agent' at any time to reach a person.",
        "Your parcel was handed to the courier this morning.",
        "You can reach our team by phone on weekdays.",
        "The parcel was forwarded to your new address on Friday.",
    ],
)
def test_offers_and_ordinary_answers_are_not_notices(text: str) -> None:
    assert not notice(text)


def sentence_notice(text: str) -> bool:
    """As turns.sql reads a notice: questions and offer sentences taken out first."""
    row = CON.execute(
        "select regexp_matches(s, $n) or regexp_matches(s, $q) from (select "
        "regexp_replace(regexp_replace($t, '[^.!?\\n]*[?]', ' ', 'g'), $o, ' ', 'g') as s)",
        {
            "t": text,
            "n": PARAMS["transfer_notice_re"],
            "q": PARAMS["queue_notice_re"],
            "o": PARAMS["transfer_offer_sentence_re"],
        },
    ).fetchone()
    return bool(row and row[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "I can" / "we can" before what the bot sees or confirms is no offer
        ("We can see the refund is stuck, so we're transferring you to the payments team.", True),
        ("I can confirm the address, and I'm handing you over to our delivery crew now.", True),
        # a modal before the handoff itself is an offer
        ("We could pass you to a specialist, or try one more thing first.", False),
        ("I can also have a colleague call you back tomorrow.", False),
        ("I might be able to get someone from accounts to look at it.", False),
        # the person fetched, then named by a pronoun; the customer's question moved
        ("I've called the lock keeper over, he'll reply in this chat.", True),
        ("I'm passing your question to the front desk now.", True),
    ],
)
def test_notices_read_sentence_by_sentence(text: str, expected: bool) -> None:
    assert sentence_notice(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You're number 3 in line for the next advisor.", True),
        ("I'm adding you to the claims queue now.", True),
        ("Your chat is second in line.", True),
        # a place in a queue that is not the customer's is no handoff
        ("Your parcel is number 7 in the dispatch queue.", False),
        ("The repair is second in line at the workshop.", False),
    ],
)
def test_a_place_in_line_is_a_notice_when_it_is_the_customers(text: str, expected: bool) -> None:
    assert notice(text) is expected


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("fallback", "Oops, I couldn't make sense of that. Can you put it another way?", True),
        ("fallback", "Apologies, I don't know how to help with that yet.", True),
        ("fallback", "I didn't find any orders on that account.", False),
        ("human_request", "pls let me chat with an actual person", True),
        ("human_request", "REPRESENTATIVE", True),
        ("human_request", "is there anyone real there?", True),
        ("human_request", "the agent who delivered it was rude", False),
        ("human_request", "can I talk to the florist who made it please", True),
        ("human_request", "I was talking to the driver who left it", False),
        ("acknowledgement", "nope, that's everything", True),
        ("acknowledgement", "no, that's wrong", False),
        ("handoff_failure", "Unfortunately all our advisors are busy at the moment.", True),
        ("handoff_failure", "We're outside of business hours, please try tomorrow.", True),
        ("handoff_failure", "There are no one-stop flights available on that date.", False),
        ("handoff_failure", "Sorry, the transfer didn't go through and nobody picked up.", True),
        ("handoff_failure", "I wasn't able to reach a pharmacist just now.", True),
        (
            "handoff_failure",
            "I can't transfer chats, but a technician will ring you tomorrow.",
            False,
        ),
        ("confirmation", "ok that's exactly what i needed", True),
        ("problem_question", "Could you describe the damage for me?", True),
        ("problem_question", "Let me explain the refund policy first.", False),
        ("value_question", " Locker code?", True),
        ("value_question", " Is there anything else I can help you with today?", False),
        ("agent_introduction", "Hej, Jonas from enforcement here. Can you send a photo?", True),
        ("agent_introduction", "Sorted, the refund is on its way.", False),
        ("negative_feedback", "nope, still broken", True),
        ("negative_feedback", "that wasn't what I asked", True),
        ("negative_feedback", "no problem, thanks!", False),
        # a negation reaches only the words of its own clause
        ("negative_feedback", "not yet, it helped a lot", False),
        ("negative_feedback", "that did not help at all", True),
    ],
)
def test_phrase_lists(kind: str, text: str, expected: bool) -> None:
    assert matches(kind, text) is expected


def test_an_emptied_phrase_list_matches_nothing_and_still_runs(tmp_path: Path) -> None:
    import analyzer

    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        "[phrases]\ntransfer_notice = []\nqueue_notice = []\ntransfer_hint = []\nfallback = []\n"
        "[identifiers]\n"
    )
    db = analyzer.open_database(memory=True, config=cfg)
    from tests.support import FIXTURES

    db.load([FIXTURES / "outcomes.jsonl"])
    turns = db.con.execute(
        "select count(*) filter (where is_transfer_notice) from turns"
    ).fetchone()
    assert turns == (0,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no need to talk to a person, the bot is fine", False),
        ("I don't want a human, just tell me the balance", False),
        ("I'd rather not chat with an agent", False),
        ("I need to talk to a person now", True),
        ("can you get me someone real please", True),
    ],
)
def test_a_negated_mention_of_a_human_is_no_request(text: str, expected: bool) -> None:
    row = CON.execute(
        "select regexp_matches($t, $h) and not regexp_matches($t, $n)",
        {"t": text, "h": PARAMS["human_request_re"], "n": PARAMS["not_human_request_re"]},
    ).fetchone()
    assert bool(row and row[0]) is expected


def reference_values(text: str) -> list[str]:
    """The digits of each value the `reference` identifier pattern captures in `text`: values are
    compared on their digits (a short word before the number may be taken as its prefix)."""
    kinds, patterns = PARAMS["identifier_kinds"], PARAMS["identifier_patterns"]
    pattern = patterns[kinds.index("reference")]
    row = CON.execute(
        "select list_transform(regexp_extract_all($t, $p, 1),"
        " lambda v: regexp_replace(v, '[^0-9]', '', 'g'))",
        {"t": text, "p": pattern},
    ).fetchone()
    return list(row[0]) if row else []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # five digits or more, alone or in groups of at least two; a code of dash groups
        ("the ticket is 88 1920, TKT", ["881920"]),
        ("it was 7730 221", ["7730221"]),
        ("ref 55 10 93 please", ["551093"]),
        ("order id SW-4471-22K", ["447122"]),
        ("booking 204551", ["204551"]),
        # near misses: a time, a short pair, a code with no further group
        ("see you at 10 30 tomorrow", []),
        ("rooms 12 and 14", []),
        ("model AB-440 only", []),
    ],
)
def test_reference_identifiers(text: str, expected: list[str]) -> None:
    assert reference_values(text) == expected
