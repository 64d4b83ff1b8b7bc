"""Table-driven detector cases: turns in, flags out, through the real load and refresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import analyzer
from analyzer.config import Config, load_config

# (role, text, extra) rows; extra may carry event, queue, participant_id, gap (seconds before it)
Row = tuple[str, str | None, dict[str, object]]
NOTICE: Row = ("bot", "Let me put you through to a colleague.", {})


def _long(first: int, count: int) -> str:
    """`count` distinct letter-only words, from word number `first`: a long reply."""
    return " ".join(
        "zq" + chr(97 + i // 26) + chr(97 + i % 26) for i in range(first, first + count)
    )


def _bot_replies(*texts: str) -> list[Row]:
    """Bot replies, each after a short customer message ("a", "b", ...)."""
    return [row for n, text in enumerate(texts) for row in (C(chr(97 + n)), B(text))]


def C(text: str, **kw: object) -> Row:
    return ("customer", text, kw)


def B(text: str, **kw: object) -> Row:
    return ("bot", text, kw)


def A(text: str, who: str | None = "ag-1", **kw: object) -> Row:
    return ("agent", text, {"participant_id": who, **kw})


def E(event: str, **kw: object) -> Row:
    return ("system", None, {"event": event, **kw})


CASES: list[tuple[str, list[Row], set[str]]] = [
    (
        "repeat: same invoice after the agent joined",
        [
            C("invoice 20931 looks wrong"),
            NOTICE,
            A("Hi, I'm Ola."),
            C("yes, invoice 20931"),
            A("Fixed."),
        ],
        {"customer_repeated"},
    ),
    (
        "repeat near miss: only thanks and a new detail",
        [
            C("invoice 20931 looks wrong"),
            NOTICE,
            A("Hi, I'm Ola."),
            C("thanks, it is the May one"),
            A("Fixed."),
        ],
        set(),
    ),
    (
        "reask: agent asks for the e-mail given to the bot",
        [
            C("reset for kim@example.com please"),
            NOTICE,
            A("What's the email on the account?"),
            A("Done."),
        ],
        {"agent_reasked"},
    ),
    (
        "reask near miss: agent asks for something new",
        [
            C("reset for kim@example.com please"),
            NOTICE,
            A("What's your date of birth?"),
            A("Done."),
        ],
        set(),
    ),
    (
        "reask: bare number answered the bot's order question",
        [
            B("What is your order number?"),
            C("31337"),
            NOTICE,
            A("Which order is it about?"),
            A("Found it."),
        ],
        {"agent_reasked"},
    ),
    (
        "missing transition: agent appears unannounced",
        [C("my card was declined"), B("Let me check."), A("Hello, Bea here."), A("Sorted.")],
        {"missing_transition"},
    ),
    (
        "transition told in other words",
        [
            C("my card was declined"),
            B("I'll get one of our specialists to take a look."),
            A("Hello, Bea here."),
            A("Sorted."),
        ],
        set(),
    ),
    (
        "misroute: transfer event after the agent joined",
        [
            C("broken screen"),
            NOTICE,
            E("agent_joined", queue="sales", participant_id="ag-1"),
            A("Hi."),
            E("transfer", queue="repairs"),
            A("Repairs here.", who="ag-2"),
        ],
        {"misroute"},
    ),
    (
        "misroute near miss: bot routes before any agent",
        [C("broken screen"), E("transfer", queue="repairs"), NOTICE, A("Repairs here.")],
        set(),
    ),
    (
        "misroute without participant ids: the next agent opens as a new person does",
        [
            C("my heater is leaking"),
            NOTICE,
            A(
                "Hi, billing here. Leaks aren't our team, I'm passing you over to repairs.",
                who=None,
            ),
            A("Hello, this is Tomas from repairs.", who=None),
            C("thanks"),
        ],
        {"misroute"},
    ),
    (
        "misroute near miss without participant ids: the same agent goes on",
        [
            C("my heater is leaking"),
            NOTICE,
            A("Leaks are usually handled by our repairs team, but I can book it.", who=None),
            A("Booked for Tuesday morning.", who=None),
        ],
        set(),
    ),
    (
        "ping pong without participant ids: passed on twice, a new person each time",
        [
            C("the motor grinds"),
            NOTICE,
            A("Hi. That needs a part, I'll pass you to the parts desk.", who=None),
            A("Hello, parts desk here. It's under warranty, moving you across to them.", who=None),
            A("Good morning, Ines from warranty here. Booked you in.", who=None),
        ],
        {"misroute", "ping_pong"},
    ),
    (
        "misroute near miss: a transfer the platform reported failed moved nobody",
        [
            C("my voucher never arrived"),
            NOTICE,
            E("agent_joined", queue="care", participant_id="ag-1"),
            A("Hi, vouchers are for our rewards team, transferring you."),
            E("transfer", queue="rewards"),
            E("transfer_failed", queue="rewards"),
            A("That didn't go through, I'll sort it myself. Which e-mail?"),
            C("me@example.org"),
        ],
        {"handoff_failed"},
    ),
    (
        "abandoned in queue: a plain log's system message says the customer left",
        [
            C("the coach never came"),
            NOTICE,
            ("system", "All our agents are busy, you are number 4 in the queue.", {}),
            ("system", "The customer has left the chat.", {"gap": 400}),
        ],
        {"abandoned_in_queue"},
    ),
    (
        "ignored request: two more bot replies",
        [
            C("I want a human"),
            B("I can help with most things!"),
            C("please"),
            B("Try our FAQ."),
            NOTICE,
            A("Hi."),
        ],
        {"ignored_handoff_request"},
    ),
    (
        "request answered by one question then the transfer",
        [C("I want a human"), B("Sure, what's it about?"), C("billing"), NOTICE, A("Hi.")],
        set(),
    ),
    ("long wait", [C("help"), NOTICE, A("Hi, sorry for the wait.", gap=400)], {"long_queue_wait"}),
    ("short wait", [C("help"), NOTICE, A("Hi.", gap=299)], set()),
    (
        "abandoned in queue",
        [C("help"), NOTICE, C("hello??", gap=120), E("conversation_ended")],
        {"abandoned_in_queue"},
    ),
    ("agent came", [C("help"), NOTICE, C("hello??"), A("Hi!")], set()),
    (
        "bot loop",
        _bot_replies(
            "Sorry, I didn't get that.", "Could you rephrase that?", "I didn't quite catch that."
        ),
        {"bot_loop"},
    ),
    (
        "bot loop: the same menu framed in other words each time",
        _bot_replies(
            "Welcome! I can help with: (a) opening hours (b) booking a lesson (c) cancelling"
            " a lesson (d) gift vouchers. Which one?",
            "Please pick one: (a) opening hours (b) booking a lesson (c) cancelling a lesson"
            " (d) gift vouchers. Which one?",
            "Choose from these: (a) opening hours (b) booking a lesson (c) cancelling a lesson"
            " (d) gift vouchers. Which one?",
        ),
        {"bot_loop"},
    ),
    (
        "no loop: three replies that share a menu line but say different things",
        _bot_replies(
            "Your lesson is booked for Tuesday at 10 with Marta in studio four, bring water.",
            "Your voucher code was emailed to you this morning and is valid for a year.",
            "Our opening hours are seven till nine on weekdays and eight till six at weekends.",
        ),
        set(),
    ),
    (
        "two fallbacks are no loop",
        _bot_replies(
            "Sorry, I didn't get that.", "Could you rephrase that?", "Your order ships today."
        ),
        set(),
    ),
    (
        # bags longer than the short-list path (80 words): the same comparison, counted the
        # other way (queries/detectors/bot_loop.sql)
        "long near-identical replies loop",
        _bot_replies(_long(0, 80), _long(1, 80), _long(2, 80)),
        {"bot_loop"},
    ),
    (
        "long different replies are no loop",
        _bot_replies(_long(0, 80), _long(50, 80), _long(100, 80)),
        set(),
    ),
    ("handoff failed event", [C("help"), NOTICE, E("handoff_failed")], {"handoff_failed"}),
    (
        # Amazon Connect's name for it: a failed handoff too, not a wait the customer gave up on
        "transfer failed event, then the customer leaves",
        [
            C("help"),
            NOTICE,
            E("handoff_initiated", queue="fleet"),
            E("transfer_failed", queue="fleet"),
            B("Please call us on 0800 000 000 instead."),
            C("ok calling"),
            E("conversation_ended"),
        ],
        {"handoff_failed"},
    ),
    (
        "agents said available",
        [C("help"), B("Agents are available until 8pm."), NOTICE, A("Hi.")],
        set(),
    ),
    (
        "ping pong: agent, bot, agent",
        [
            C("help"),
            NOTICE,
            A("Hi."),
            A("Back to the bot you go."),
            B("Anything else?"),
            C("the agent again please"),
            NOTICE,
            A("Hi again.", who="ag-2"),
        ],
        {"ping_pong"},
    ),
    (
        "no ping pong: two agents in the chat write by turns",
        [
            C("I got a warning letter for noise"),
            NOTICE,
            A("Hello, I'm Levan, with me is Marta who is training.", who="ag-1"),
            A("Hi! Which flat is it?", who="ag-2"),
            C("Flat 6"),
            A("Thanks, please send your work rota.", who="ag-1"),
            A("You can upload it on our site.", who="ag-2"),
        ],
        set(),
    ),
    (
        "one bounce back to the bot is no ping pong",
        [
            C("help"),
            NOTICE,
            A("Hi."),
            A("Back to the bot you go."),
            B("Anything else?"),
            C("no thanks"),
        ],
        set(),
    ),
    (
        "repeat: a reference given again in other groups of digits",
        [
            C("my e-pass QX551920 will not open"),
            NOTICE,
            A("Hi, Ola here. What's the problem?"),
            C("55 1920, QX, still not opening"),
            A("Resent it."),
        ],
        {"customer_repeated"},
    ),
    (
        "repeat: the numbers of a measure told the bot, said alone",
        [
            C("quote for a 1200x800mm banner please"),
            NOTICE,
            A("Hi, Ola in print. Any preference on finish?"),
            C("matt, and it is 1200 by 800"),
            A("Quote sent."),
        ],
        {"customer_repeated"},
    ),
    (
        "repeat near miss: a measure of new numbers",
        [
            C("quote for a 1200x800mm banner please"),
            NOTICE,
            A("Hi, Ola in print. Any preference on finish?"),
            C("matt, and a second one at 600 by 450"),
            A("Quote sent."),
        ],
        set(),
    ),
    (
        "repeat near miss: the customer confirms in the words the agent just quoted back",
        [
            C("booking the Zephyrine loop kit for the Maplewood hall please"),
            NOTICE,
            A("Hi, Ola here. So the Zephyrine loop kit for the Maplewood hall?"),
            C("yes, the Zephyrine kit for Maplewood hall"),
            A("Booked."),
        ],
        set(),
    ),
    (
        "reask near miss: the answer brings a new value beside what the bot was told",
        [
            C("I need to extend hire QX-40212 for the Gildenford exhibition"),
            NOTICE,
            A("Good morning! What date would you like it until?"),
            C("Until 21 April please, it's hire QX-40212 for the Gildenford exhibition"),
            A("Done."),
        ],
        {"customer_repeated"},
    ),
    (
        "reask: asked to describe what the customer had described to the bot",
        [
            C("there's a long crack across the granite headstone on plot 31 in section K"),
            NOTICE,
            A("Hello, Grace here. Could you describe the damage to the stone?"),
            C("a long crack across the granite headstone"),
            A("Thanks, a mason will inspect it."),
        ],
        {"agent_reasked", "customer_repeated"},
    ),
    (
        "reask: a terse question names the value the bot had asked for",
        [
            C("my parcel is stuck in the locker"),
            B("Sorry about that. Which locker code did you get?"),
            C("LK-4471"),
            NOTICE,
            A("Hi. Locker code?"),
            C("LK-4471"),
            A("Opened it for you."),
        ],
        {"agent_reasked", "customer_repeated"},
    ),
    (
        "repeat near miss: a new number written with thousands separators",
        [
            C("quote to insulate a 12,400 sq ft warehouse roof"),
            NOTICE,
            A("Hi, Ola in estimates. Did you measure it yourself?"),
            C("yes, properly this time: 12,650"),
            A("Thanks, quote on its way."),
        ],
        set(),
    ),
    (
        "repeat: a number with thousands separators told again without them",
        [
            C("quote to insulate a 12,400 sq ft warehouse roof"),
            NOTICE,
            A("Hi, Ola in estimates. Did you measure it yourself?"),
            C("yes, it's 12400"),
            A("Thanks, quote on its way."),
        ],
        {"customer_repeated"},
    ),
    (
        "transition near miss: a live chat with a queue and an agent joining, no bot at all",
        [
            C("do you have the blue kettle in stock?"),
            E("queued", queue="shop"),
            E("agent_joined"),
            A("Hi, Ola here. Yes, two left."),
            C("great, thanks"),
        ],
        set(),
    ),
    (
        "ignored request: a tip, then a platform fallback the customer saw, then the transfer",
        [
            C("my boiler is leaking, i need a person"),
            B("A small drip often stops once the pressure is topped up."),
            C("a person please"),
            ("bot", "Sorry, I didn't catch that.", {"event": "bot_fallback"}),
            C("someone real"),
            NOTICE,
            A("Hi, Ola here."),
        ],
        {"ignored_handoff_request"},
    ),
    (
        "ignored request near miss: a platform fallback answered at once by the transfer",
        [
            C("my boiler is leaking, i need a person"),
            B("A small drip often stops once the pressure is topped up."),
            C("a person please"),
            ("bot", "Sorry, I didn't catch that.", {"event": "bot_fallback"}),
            NOTICE,
            A("Hi, Ola here."),
        ],
        set(),
    ),
    (
        "re-ask near miss: the bot's question declined with a request for a person",
        [
            C("problem with my order"),
            B("I can help! What's your order number?"),
            C("I'd rather talk to a human please"),
            NOTICE,
            A("Hi, Ola here. What's the order about?"),
            C("the prints came out too dark"),
            A("Reprinting them now."),
        ],
        set(),
    ),
]


def _write(path: Path, rows: list[Row], cid: str = "t-1") -> None:
    clock = 0.0
    with path.open("w", encoding="utf-8") as fh:
        for n, (role, text, extra) in enumerate(rows, 1):
            extra = dict(extra)
            clock += float(extra.pop("gap", 10))  # type: ignore[arg-type]
            rec = {
                "conversation_id": cid,
                "message_id": f"{cid}-{n}",
                "role": role,
                "timestamp": 1780000000 + clock,
                **extra,
            }
            if text is not None:
                rec["text"] = text
            fh.write(json.dumps(rec) + "\n")


def _flags(tmp_path: Path, rows: list[Row], config: Config | None = None) -> set[str]:
    path = tmp_path / "case.jsonl"
    _write(path, rows)
    with analyzer.open_database(memory=True, config=config) as db:
        db.load([path])
        return set(db.flags()["flag"])


@pytest.mark.parametrize(
    ("rows", "expected"), [(r, e) for _, r, e in CASES], ids=[name for name, _, _ in CASES]
)
def test_detector_case(tmp_path: Path, rows: list[Row], expected: set[str]) -> None:
    assert _flags(tmp_path, rows) == expected


@pytest.mark.parametrize(("others_saying_it", "expected"), [(0, True), (2, False)])
def test_a_single_word_said_again_counts_only_when_it_is_scarce_in_this_corpus(
    tmp_path: Path, others_saying_it: int, expected: bool
) -> None:
    """One word told the bot and then the agent is a restatement only when the corpus shows it
    rare: in three conversations of forty it is in 7.5% of them, more than rare_word_share, so
    it says nothing about this customer's case, however few conversations hold it."""
    path = tmp_path / "corpus.jsonl"
    _write(
        path,
        [C("the towels keep fading"), NOTICE, A("Hi, sorry about that. Go on?"), C("fading")],
        cid="t-1",
    )
    with path.open("a", encoding="utf-8") as fh:
        for n in range(2, 41):
            word = "fading" if n <= 1 + others_saying_it else "shrinking"
            for m, (role, text) in enumerate(
                [("customer", f"my sheets keep {word}"), ("bot", "Try a cooler wash.")], 1
            ):
                fh.write(
                    json.dumps(
                        {
                            "conversation_id": f"t-{n}",
                            "message_id": f"t-{n}-{m}",
                            "role": role,
                            "text": text,
                            "timestamp": 1780000000 + 10 * m,
                        }
                    )
                    + "\n"
                )
    with analyzer.open_database(memory=True) as db:
        db.load([path])
        flags = db.flags()
    repeated = set(flags.loc[flags["flag"] == "customer_repeated", "conversation_id"])
    assert ("t-1" in repeated) is expected


def test_evidence_and_detail_quote_the_messages(tmp_path: Path) -> None:
    path = tmp_path / "case.jsonl"
    _write(path, [C("invoice 20931 looks wrong"), NOTICE, A("Hi."), C("it's invoice 20931")])
    with analyzer.open_database(memory=True) as db:
        db.load([path])
        row = db.flags().iloc[0]
    assert row.flag == "customer_repeated" and row.message_id == "t-1-4"
    assert "20931" in row.detail and len(row.detail) <= 300


def test_thresholds_come_from_config(tmp_path: Path) -> None:
    cfg_path = tmp_path / "handoff.toml"
    cfg_path.write_text("[thresholds]\nlong_queue_wait_seconds = 60\n")
    rows = [C("help"), NOTICE, A("Hi.", gap=120)]
    assert _flags(tmp_path, rows) == set()
    assert _flags(tmp_path, rows, load_config(cfg_path)) == {"long_queue_wait"}


def test_routing_map_flags_a_wrong_first_queue(tmp_path: Path) -> None:
    cfg_path = tmp_path / "handoff.toml"
    cfg_path.write_text('[routing]\nrefund = "payments"\n')
    rows = [C("money back please", intent="refund"), NOTICE, E("queued", queue="sales"), A("Hi.")]
    assert _flags(tmp_path, rows) == set()
    assert _flags(tmp_path, rows, load_config(cfg_path)) == {"misroute"}


def test_reask_a_bot_question_is_broad_only_in_words_that_could_match(tmp_path: Path) -> None:
    """A word most customers use does not make the bot's question ask about several things.

    "What is your van's current mileage?" asks one thing; the agent asking "what mileage is it
    showing?" re-asks it. Alone, "van" is as rare as the rest and the question counts three
    topics, so one shared word is not enough.
    """
    case = [
        C("can I book a service"),
        B("Of course. What is your van's current mileage?"),
        C("around 61,000"),
        NOTICE,
        A("Hi, Ola in the workshop. What mileage is it showing?"),
        C("61,204 on the dash"),
        A("Booked for Friday."),
    ]
    path = tmp_path / "many.jsonl"
    _write(path, case, cid="t-1")
    others = tmp_path / "others.jsonl"
    for n in range(2, 7):
        _write(others, [C(f"my van needs tyres number {n}"), B("Booked.")], cid=f"t-{n}")
        path.write_text(path.read_text() + others.read_text())
    with analyzer.open_database(memory=True) as db:
        db.load([path])
        flags = db.flags()
    assert set(flags.loc[flags.conversation_id == "t-1", "flag"]) == {"agent_reasked"}
    assert _flags(tmp_path, case) == set()


def test_timeless_conversations_work_on_order_alone() -> None:
    with analyzer.open_database(memory=True) as db:
        db.con.executemany(
            "INSERT INTO events (conversation_id, message_id, role, text, event, participant_id,"
            " source_file, source_format, record_no, loaded_at)"
            " VALUES ('x', ?, ?, ?, 'message', ?, 'chat.json', 'llm', ?, TIMESTAMP '2026-01-01')",
            [
                ("x-1", "customer", "order 55102 never came", None, 1),
                ("x-2", "bot", "Sorry, I didn't get that.", None, 2),
                ("x-3", "agent", "Hi, which order number is it?", "ag-1", 3),
                ("x-4", "customer", "order 55102", None, 4),
            ],
        )
        db.refresh()
        assert set(db.flags()["flag"]) == {
            "missing_transition",
            "agent_reasked",
            "customer_repeated",
        }
