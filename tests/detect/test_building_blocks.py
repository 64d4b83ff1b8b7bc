"""Each building block of the phrase lists, on paraphrases it was not written from: positives and
near misses, table-driven.

Message classifications (transfer notice, failure notice, fallback, confirmation, acknowledgement,
request for a human) are read from the `turns` table the product builds, so the sentence-by-sentence
rules (offers and questions taken out, conditionals, a busy team with a wait) are tested as they
run. The other lists are matched as the detectors match them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import analyzer
from tests.detect.test_phrases import matches

# (role of the speaker, turns column, text, expected)
CLASSIFIED: list[tuple[str, str, str, bool]] = [
    # transfer notices, in any wording, to a destination of any name
    (
        "bot",
        "is_transfer_notice",
        "Hold tight, I'm patching you through to the refunds crew.",
        True,
    ),
    ("bot", "is_transfer_notice", "Let me get you over to our onboarding specialists.", True),
    ("bot", "is_transfer_notice", "I'll pop you across to Lettings now.", True),
    ("bot", "is_transfer_notice", "Bringing in someone from accounts who can untangle this.", True),
    ("bot", "is_transfer_notice", "Dana from the returns desk will be with you in a moment.", True),
    ("bot", "is_transfer_notice", "You're now third in line for the next available adviser.", True),
    ("bot", "is_transfer_notice", "You are being connected to a member of the claims team.", True),
    (
        "bot",
        "is_transfer_notice",
        "That needs a specialist. I'm transferring you to Escalations now. Anything else "
        "you'd like me to pass on?",
        True,
    ),
    ("system", "is_transfer_notice", "Sam has joined the conversation.", True),
    # near misses: offers, questions, conditionals, proposals, other things moved or sent
    ("bot", "is_transfer_notice", "Shall I put you through to a colleague?", False),
    ("bot", "is_transfer_notice", "If the reset fails, we can connect you to support.", False),
    (
        "bot",
        "is_transfer_notice",
        "I'd suggest transferring you to our billing team for that.",
        False,
    ),
    ("bot", "is_transfer_notice", "I've sent you a link to the Billing page.", False),
    ("bot", "is_transfer_notice", "Take it to the Northside depot before noon.", False),
    ("bot", "is_transfer_notice", "Hi! You're chatting with the Flexa assistant.", False),
    (
        "bot",
        "is_transfer_notice",
        "Our team will reply to your e-mail within 3 working days.",
        False,
    ),
    # failure notices
    ("bot", "is_failure_notice", "Sorry, nobody from payments is around right now.", True),
    ("bot", "is_failure_notice", "All of our nurses are offline at the moment.", True),
    ("bot", "is_failure_notice", "No advisers are available until 8am tomorrow.", True),
    ("bot", "is_failure_notice", "All our agents are busy; you're number 4 in the queue.", False),
    ("bot", "is_failure_notice", "If no one is free in ten minutes I'll text you instead.", False),
    (
        "bot",
        "is_failure_notice",
        "No plumber is available on Sunday, the first slot is Monday.",
        False,
    ),
    # fallbacks
    ("bot", "is_fallback", "Hmm, I'm not quite sure what you mean there.", True),
    ("bot", "is_fallback", "That one's outside my expertise, sorry.", True),
    ("bot", "is_fallback", "Unrecognised option. Reply A, B or C.", True),
    ("bot", "is_fallback", "Sorry, I missed that, please say it again.", True),
    ("bot", "is_fallback", "Sorry for the wait, your refund is on its way.", False),
    ("bot", "is_fallback", "I couldn't find a booking for tomorrow, but Friday is free.", False),
    # confirmations and acknowledgements
    ("customer", "is_confirmation", "lovely, that sorted it", True),
    ("customer", "is_confirmation", "muchas gracias", True),
    ("customer", "is_confirmation", "great. and what about the other invoice?", False),
    ("customer", "is_acknowledgement", "ok cool", True),
    ("customer", "is_acknowledgement", "right, got it", True),
    ("customer", "is_acknowledgement", "ok but it still fails", False),
    # requests for a human, any person or team, misspelt or not
    # thanks in other languages, bounded by non-letters (\b knows ASCII letters only)
    ("customer", "is_confirmation", "kiitos paljon!", True),
    ("customer", "is_confirmation", "diolch yn fawr", True),
    ("customer", "is_confirmation", "ok dziękuję", True),
    ("customer", "is_confirmation", "好的 谢谢", True),
    ("customer", "is_confirmation", "salamatin mo", False),
    ("customer", "is_human_request", "could I talk to one of your nurses please", True),
    ("customer", "is_human_request", "i'd rather a pharmacist looked at this", True),
    ("customer", "is_human_request", "Supervisor please", True),
    ("customer", "is_human_request", "can i tallk to a persun", True),
    ("customer", "is_human_request", "could i tak to a humn about my bill", True),
    ("customer", "is_human_request", "prsn", False),
    ("customer", "is_human_request", "livehuman", True),
    ("customer", "is_human_request", "that is not my question. an operator please", True),
    ("customer", "is_human_request", "are you a real human?", False),
    ("customer", "is_human_request", "the operator said it was fine", False),
    ("customer", "is_human_request", "real person pls, my card was charged twice", True),
    ("customer", "is_human_request", "no need for a person, the bot is fine", False),
    ("customer", "is_human_request", "the engineer who came was lovely", False),
    # a team or person of any name after the customer's "the" or "your"
    ("customer", "is_human_request", "can I talk to your accounts team, I was charged twice", True),
    ("customer", "is_human_request", "could I speak with the night shift supervisor", True),
    ("customer", "is_human_request", "I need to talk to my manager before I book", False),
    ("customer", "is_human_request", "I'll talk to the kids about which date works", False),
]


@pytest.fixture(scope="module")
def turns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bool]]:
    """One conversation per case: a customer opener, then the case's message."""
    path: Path = tmp_path_factory.mktemp("blocks") / "cases.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, (role, _, text, _) in enumerate(CLASSIFIED):
            cid = f"case-{i}"
            rows = [("customer", "hello, I need some help please")] if role != "customer" else []
            rows.append((role, text))
            for n, (r, t) in enumerate(rows):
                fh.write(
                    json.dumps(
                        {
                            "conversation_id": cid,
                            "message_id": f"{cid}-{n}",
                            "timestamp": f"2026-06-01T09:00:{n:02d}Z",
                            "role": r,
                            "text": t,
                        }
                    )
                    + "\n"
                )
    with analyzer.open_database(memory=True) as db:
        db.load([path])
        df = db.sql(
            "SELECT conversation_id, is_transfer_notice, is_failure_notice, is_fallback,"
            " is_confirmation, is_acknowledgement, is_human_request FROM turns"
            " WHERE seq = (SELECT max(seq) FROM turns t WHERE t.conversation_id = turns.conversation_id)"
        )
    return {r["conversation_id"]: r for r in df.to_dict("records")}


@pytest.mark.parametrize(
    ("i", "column", "text", "expected"),
    [(i, c[1], c[2], c[3]) for i, c in enumerate(CLASSIFIED)],
    ids=[f"{c[1]}-{'yes' if c[3] else 'no'}-{i}" for i, c in enumerate(CLASSIFIED)],
)
def test_message_classification(
    turns: dict[str, dict[str, bool]], i: int, column: str, text: str, expected: bool
) -> None:
    assert bool(turns[f"case-{i}"][column]) is expected, text


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        # a customer saying they gave it already
        ("already_said", "as i mentioned, it's the blue one", True),
        ("already_said", "I've already given you that twice", True),
        ("already_said", "it's in my first message", True),
        ("already_said", "this is the third time I'm typing it", True),
        ("already_said", "see the chat above", True),
        ("already_said", "I already paid the invoice", False),
        ("already_said", "my first message was about a refund", False),
        # a question asking for a value
        ("value_question", "Which branch did you visit?", True),
        ("value_question", "Could you send me the serial on the sticker?", True),
        ("value_question", "May I take your postcode?", True),
        ("value_question", "Is that everything for today?", False),
        # a question asking the customer to describe the problem
        ("problem_question", "So what seems to be the problem?", True),
        ("problem_question", "What's been happening with the boiler?", True),
        ("problem_question", "How can I help today?", False),
        ("problem_question", "Please explain your issue in a few words", True),
        ("problem_question", "Tell us what happened on the day", True),
        ("problem_question", "Tell me your postcode", False),
        # an offer, not a request for information
        ("offer_question", "Would you like me to book it?", True),
        ("offer_question", "Shall we reschedule?", True),
        ("offer_question", "Where would you like it delivered?", False),
        # an agent passing the customer on
        ("wrong_team", "That sits with our mortgages people, I'll move you across to them", True),
        ("wrong_team", "Sending you over to Priya in collections.", True),
        ("wrong_team", "I'll send you the form by email.", False),
        # a busy team that still queues the customer
        ("busy_but_queued", "Everyone is busy, your wait is about 6 minutes", True),
        ("busy_but_queued", "All our lines are busy, please call back tomorrow", False),
    ],
)
def test_phrase_blocks(kind: str, text: str, expected: bool) -> None:
    assert matches(kind, text) is expected
