"""Labelled conversations for the detector tests, built from varied phrasings.

Each case is a conversation in canonical JSONL records plus the exact set of flags it should get.
Cases alternate between explicit-event logs (handoff_initiated, queued, agent_joined, transfer, ...)
and plain logs where only the messages tell what happened. `write_cases` writes them to a folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

START = dt.datetime(2026, 6, 1, 9, 0, 0)

PROBLEMS = [
    "my parcel never showed up",
    "I was charged twice this month",
    "the app keeps crashing when I log in",
    "I can't change my delivery address",
    "my refund still hasn't come through",
    "the discount code doesn't work at checkout",
    "my router keeps dropping the connection",
    "I want to cancel my gym membership",
]
NOTICES = [
    "Connecting you to one of our agents now.",
    "A colleague from billing will take it from here.",
    "I'm bringing in a specialist to help with this.",
    "You've been placed in the queue for the next available advisor.",
    "Hold on, I'm transferring you to a member of our team.",
    "One moment - a real person will be with you shortly.",
    "Passing you over to our support team now.",
    "Let me get a human colleague to look at this for you.",
]
GREETINGS = [
    "Hi, Priya here, I'll sort this out for you.",
    "Hello, this is Tom from support.",
    "Good morning, Ana speaking, I'm on it.",
    "Hey, Marcus here - reading through your chat now.",
    "Hi there, I'm Leila and I'll be helping you today.",
    "Hello! Kofi from the customer team here.",
    "Hi, it's Jun. Thanks for your patience.",
    "Evening! Sofia here, happy to help.",
]
FIXES = [
    "All done, you should see it updated now.",
    "I've fixed that on our side.",
    "That's sorted, a confirmation e-mail is on its way.",
    "I've applied the change, it will show within the hour.",
    "Done - you won't be charged again.",
    "I've reset it for you, try now.",
    "Your request has been processed.",
    "That's taken care of.",
]
THANKS = [
    "thanks!",
    "cheers",
    "great, thank you",
    "perfect",
    "ok thanks",
    "brilliant, ta",
    "thank you so much",
    "lovely, thanks",
]
BOT_REPLIES = [
    "I can help with orders, billing and accounts. What do you need?",
    "Here is our help article on that topic.",
    "You can manage this from the Settings page in the app.",
    "Our opening hours are 8am to 8pm, Monday to Saturday.",
    "Refunds usually take 5 to 7 working days to appear.",
    "Deliveries are made between 7am and 9pm.",
    "You can track everything under My Account.",
    "Most questions are answered in our FAQ.",
]
FALLBACKS = [
    "Sorry, I didn't get that.",
    "Hmm, I'm not sure I understand what you mean.",
    "Could you rephrase that, please?",
    "I'm still learning - can you try asking another way?",
    "Sorry, I couldn't understand that.",
    "Apologies, I don't know how to help with that yet.",
    "I didn't quite catch that.",
    "Sorry, can you say that differently?",
]
HUMAN_ASKS = [
    "can I speak to a human please",
    "I want a real person",
    "agent",
    "let me talk to someone from your team",
    "get me a representative",
    "is there a human I can chat to?",
    "transfer me to an advisor",
    "stop the bot, I need a live agent",
]
QUEUES = ["billing", "orders", "accounts", "returns", "tech", "billing", "orders", "accounts"]


@dataclass
class Case:
    """One labelled conversation."""

    cid: str
    expected: set[str]
    events: bool
    records: list[dict[str, object]] = field(default_factory=list)
    clock: dt.datetime = START
    queue: str = "billing"

    def _add(
        self,
        role: str,
        text: str | None = None,
        event: str = "message",
        gap: float = 15,
        **extra: object,
    ) -> Case:
        self.clock += dt.timedelta(seconds=gap)
        rec: dict[str, object] = {
            "conversation_id": self.cid,
            "message_id": f"{self.cid}-{len(self.records) + 1}",
            "timestamp": self.clock.isoformat() + "Z",
            "role": role,
            "event": event,
        }
        if text is not None:
            rec["text"] = text
        rec.update(extra)
        self.records.append(rec)
        return self

    def c(self, text: str, gap: float = 15) -> Case:
        return self._add("customer", text, gap=gap)

    def b(self, text: str, gap: float = 3) -> Case:
        return self._add("bot", text, gap=gap)

    def a(self, text: str, who: str = "agent-1", gap: float = 20) -> Case:
        return self._add("agent", text, gap=gap, participant_id=who)

    def ev(self, event: str, gap: float = 1, **extra: object) -> Case:
        """A platform event; only written in explicit-event logs."""
        if self.events:
            self._add("system", None, event=event, gap=gap, **extra)
        else:
            self.clock += dt.timedelta(seconds=gap)
        return self

    def handoff(
        self, notice: str | None, queue: str | None = None, wait: float = 40, who: str = "agent-1"
    ) -> Case:
        """Bot tells (or not) the customer, the platform queues, an agent joins after `wait` s."""
        q = queue or self.queue
        if notice:
            self.b(notice)
        self.ev("handoff_initiated", queue=q).ev("queued", queue=q)
        self.ev("agent_joined", gap=max(wait - 2, 1), queue=q, participant_id=who)
        self.clock += dt.timedelta(seconds=1)
        return self


def _case(flag: str, kind: str, i: int, expected: set[str]) -> Case:
    return Case(cid=f"{flag}-{kind}-{i}", expected=expected, events=i % 2 == 0, queue=QUEUES[i])


def clean(i: int, flag: str = "clean", kind: str = "ok") -> Case:
    """A handoff with nothing wrong: told, quick, agent helps with something new."""
    k = _case(flag, kind, i, set())
    k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
    return k.a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


ORDERS = [
    "48213",
    "ORD-77120",
    "#559210",
    "A-30417",
    "order no. 661204",
    "PO-88412",
    "720193",
    "ORD 90311",
]
EMAILS = [
    "jo.baker@example.com",
    "k.ng@example.org",
    "sam_r@example.net",
    "li.wei@example.co.uk",
    "amira.h@example.com",
    "pete99@example.com",
    "r.diaz@example.org",
    "nina.k@example.net",
]


def customer_repeated() -> Iterator[Case]:
    pre_post = [
        ("my order 48213 hasn't arrived", "as I told the bot, order 48213"),
        ("my email is jo.baker@example.com", "it's jo.baker@example.com, I already said"),
        (
            "I was charged twice for my subscription this month",
            "like I said, I got billed twice for the subscription this month",
        ),
        (
            "tracking number 1Z999AA10123456784 shows no movement",
            "the tracking is 1Z999AA10123456784",
        ),
        (
            "the discount code doesn't work at checkout",
            "again: the discount code doesn't work at checkout",
        ),
        ("you can reach me on 07700 900461", "my number is +44 7700 900461"),
        ("account 55102934 is locked", "It's account 55102934, same as before."),
        (
            "my router keeps dropping the wifi connection every evening",
            "every evening the router keeps dropping the wifi connection",
        ),
    ]
    for i, (pre, post) in enumerate(pre_post):
        k = _case("customer_repeated", "pos", i, {"customer_repeated"})
        k.b("Hello! What can I do for you?", gap=0).c(pre).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).c(post).a(FIXES[i]).c(THANKS[i])
    near_post = [
        "yes",
        "thanks",
        "ok",
        "it was the blue jacket, size M",
        "the other order is 55555",
        "hi there!",
        "no",
        "I'd also like to update my marketing preferences",
    ]
    for i, post in enumerate(near_post):
        k = _case("customer_repeated", "near", i, set())
        k.b("Hello! What can I do for you?", gap=0).c(
            [
                "my order 48213 hasn't arrived",
                "my email is jo.baker@example.com",
                PROBLEMS[i],
                "account 55102934 is locked",
            ][i % 4]
        ).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).c(post).a(FIXES[i]).c(THANKS[i])


def agent_reasked() -> Iterator[Case]:
    given_ask = [
        ("my order 48213 hasn't arrived", "Can I have your order number?"),
        ("my email is jo.baker@example.com", "Could you confirm the email address on the account?"),
        ("I can't log in, account number 55102934", "What's your account number, please?"),
        (
            "phone me on 07700 900461 if needed",
            "Can you give me a phone number we can reach you on?",
        ),
        ("I need to move my delivery to postcode SW1A 1AA", "Which postcode is it going to?"),
        ("invoice INV-2026-0311 is wrong", "Please provide the invoice number so I can look."),
        ("my parcel hasn't moved, ORD-77120", "which order is this about?"),
        ("my name is Maria Lopez and I need a refund", "Could I get your full name?"),
    ]
    for i, (given, ask) in enumerate(given_ask):
        k = _case("agent_reasked", "pos", i, {"agent_reasked"})
        k.b("Hi, how can I help?", gap=0).c(given).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).a(ask).c("I gave that to the bot already").a(FIXES[i]).c(THANKS[i])
    # the customer named one thing; the agent asks for another, or quotes the value back
    near = [
        ("my order 48213 hasn't arrived", "Could you confirm the email address on the account?"),
        ("my email is jo.baker@example.com", "Can I have your order number?"),
        ("I can't log in, account number 55102934", "Is it account 55102934 you can't get into?"),
        (PROBLEMS[3], "What's the new postcode?"),
        ("invoice INV-2026-0311 is wrong", "Which payment method did you use?"),
        (
            "my parcel hasn't moved, ORD-77120",
            "I can see order ORD-77120 - is the address still right?",
        ),
        (PROBLEMS[6], "Can you tell me the model of your router?"),
        ("phone me on 07700 900461 if needed", "What's your account number, please?"),
    ]
    for i, (given, ask) in enumerate(near):
        k = _case("agent_reasked", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(given).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).a(ask).c("one moment").a(FIXES[i]).c(THANKS[i])


def missing_transition() -> Iterator[Case]:
    last_bot = [
        "Let me look into that.",
        "OK.",
        "I see, thanks for the details.",
        BOT_REPLIES[1],
        "Got it.",
        BOT_REPLIES[3],
        "Understood, one moment.",
        BOT_REPLIES[6],
    ]
    for i, text in enumerate(last_bot):
        k = _case("missing_transition", "pos", i, {"missing_transition"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).b(text).handoff(None)
        yield k.a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])
    extra = [
        "Sure thing - I'll pass you to our returns team, they'll take it from here.",
        "Please wait while I find an available agent for you.",
        "I'm handing this over to a colleague now.",
        "An advisor will join you in a moment.",
        "You're now in the queue; an expert will pick this up shortly.",
        "Let me bring in someone from our billing team.",
        "I'm getting a specialist to take over.",
        "Routing your chat to a human agent.",
    ]
    for i, text in enumerate(extra):
        k = _case("missing_transition", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(text)
        yield k.a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


def misroute() -> Iterator[Case]:
    wrong = [
        "Ah, this is the wrong team for that - let me transfer you to returns.",
        "That's not something our team handles, I'll pass you to billing.",
        "Sorry, refunds are handled by our payments team, I'll move you over.",
        "This needs a different department, transferring you now.",
        "I'm in sales, this isn't my area - let me send this to tech support.",
        "You've reached the wrong queue, I'll reassign your chat.",
        "That belongs with another team; let me route you.",
        "I can't help with that here, I need to transfer you to accounts.",
    ]
    for i, text in enumerate(wrong):
        k = _case("misroute", "pos", i, {"misroute"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
        k.a(GREETINGS[i]).a(text)
        k.ev("transfer", queue="returns" if k.queue != "returns" else "tech")
        yield k.a("Hi, Dana here from the right team. " + FIXES[i], who="agent-2").c(THANKS[i])
    near = [
        "Let me check with my supervisor, one moment.",
        "The other team already shipped the replacement.",
        "I've passed a note to the warehouse.",
        "Our billing team confirmed the refund.",
        "Let me look that up.",
        "I'll escalate this internally and e-mail you.",
        "That was a different order, but I found yours.",
        "One sec while I check the system.",
    ]
    for i, text in enumerate(near):
        k = _case("misroute", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).a(text).a(FIXES[i]).c(THANKS[i])


def ignored_handoff_request() -> Iterator[Case]:
    for i, ask in enumerate(HUMAN_ASKS):
        k = _case("ignored_handoff_request", "pos", i, {"ignored_handoff_request"})
        k.b("Hi, how can I help?", gap=0).c(ask).b(BOT_REPLIES[i]).c(PROBLEMS[i])
        k.b(BOT_REPLIES[(i + 1) % 8])
        if i % 4 == 3:  # never handed off at all
            yield k.c("forget it")
            continue
        yield k.handoff(NOTICES[i]).a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])
    for i, ask in enumerate(HUMAN_ASKS):
        k = _case("ignored_handoff_request", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(ask)
        if i % 2:
            k.b("Sure - what is it about, so I find the right team?").c(PROBLEMS[i])
        yield k.handoff(NOTICES[i]).a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


def long_queue_wait() -> Iterator[Case]:
    for i, wait in enumerate([301, 420, 900, 1800, 360, 3600, 610, 305]):
        k = _case("long_queue_wait", "pos", i, {"long_queue_wait"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i], wait=wait)
        yield k.a(GREETINGS[i], gap=1).a(FIXES[i]).c(THANKS[i])
    for i, wait in enumerate([30, 120, 250, 60, 180, 280, 10, 200]):
        k = _case("long_queue_wait", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i], wait=wait)
        yield k.a(GREETINGS[i], gap=1).a(FIXES[i]).c(THANKS[i])


def abandoned_in_queue() -> Iterator[Case]:
    leaving = [
        "hello?",
        "anyone there?",
        "forget it",
        "this is taking forever",
        "bye",
        "I'll call instead",
        "still waiting...",
        "never mind",
    ]
    for i, text in enumerate(leaving):
        k = _case("abandoned_in_queue", "pos", i, {"abandoned_in_queue"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
        # no agent ever writes: drop the agent_joined of handoff() by building by hand
        k.records = [r for r in k.records if r.get("event") != "agent_joined"]
        yield k.c(text, gap=60).ev("conversation_ended", gap=30)
    for i, text in enumerate(leaving):
        k = _case("abandoned_in_queue", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
        yield k.c(text, gap=5).a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


def bot_loop() -> Iterator[Case]:
    for i in range(8):
        k = _case("bot_loop", "pos", i, {"bot_loop"})
        k.b("Hi, how can I help?", gap=0)
        for j in range(3):
            k.c(PROBLEMS[(i + j) % 8])
            if i % 4 == 3:  # the same canned answer again and again
                k.b(BOT_REPLIES[i])
            else:
                k.b(FALLBACKS[(i + j) % 8])
        yield k.handoff(NOTICES[i]).a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])
    for i in range(8):
        k = _case("bot_loop", "near", i, set())
        k.b("Hi, how can I help?", gap=0)
        replies = (
            [FALLBACKS[i], FALLBACKS[(i + 1) % 8], BOT_REPLIES[i]]
            if i % 2
            else [BOT_REPLIES[i], BOT_REPLIES[(i + 1) % 8], BOT_REPLIES[(i + 2) % 8]]
        )
        for j, reply in enumerate(replies):
            k.c(PROBLEMS[(i + j) % 8]).b(reply)
        yield k.handoff(NOTICES[i]).a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


def handoff_failed() -> Iterator[Case]:
    failures = [
        "Sorry, no agents are available right now. Please try again later.",
        "All of our advisors are busy at the moment.",
        "I couldn't connect you to an agent, please try again tomorrow.",
        "We're outside our opening hours, so nobody can take the chat now.",
        "Unfortunately the transfer failed. Please contact us by phone.",
        "No one is online to help right now, sorry.",
        "Our agents are currently offline.",
        "I wasn't able to reach a human colleague just now.",
    ]
    for i, text in enumerate(failures):
        k = _case("handoff_failed", "pos", i, {"handoff_failed"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).b(NOTICES[i])
        if k.events and i % 4 == 0:
            k.ev("handoff_failed", queue=k.queue)
        else:
            k.b(text)
        yield k.c("unbelievable", gap=20)
    near = [
        "Our agents are available from 8am every day.",
        "An agent is available now.",
        "Our team is online and ready.",
        "A colleague is free to help you.",
        "Good news, someone is available.",
        "Our advisors answer within minutes.",
        "There is an agent waiting for you.",
        "We're open until 10pm today.",
    ]
    for i, text in enumerate(near):
        k = _case("handoff_failed", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).b(text).handoff(NOTICES[i])
        yield k.a(GREETINGS[i]).a(FIXES[i]).c(THANKS[i])


def ping_pong() -> Iterator[Case]:
    back = [
        "I'll hand you back to our assistant for the rest.",
        "Passing you back to the virtual assistant now.",
        "The bot can finish this off for you.",
        "I'll return you to our automated helper.",
    ]
    for i in range(8):
        k = _case("ping_pong", "pos", i, {"ping_pong"})
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i])
        k.a(GREETINGS[i])
        if i % 2 == 0 and k.events:  # two transfers between queues
            k.ev("transfer", queue="tech").a("Hi, tech here.", who="agent-2")
            k.ev("transfer", queue="returns").a("Returns team here. " + FIXES[i], who="agent-3")
            k.expected = {"ping_pong", "misroute"}
            yield k.c(THANKS[i])
            continue
        k.a(back[i % 4]).ev("agent_left", participant_id="agent-1")
        k.b("Hi again! Anything else?").c(HUMAN_ASKS[(i + 1) % 8]).handoff(NOTICES[(i + 1) % 8])
        yield k.a(GREETINGS[(i + 1) % 8], who="agent-2").a(FIXES[i], who="agent-2").c(THANKS[i])
    for i in range(8):
        k = _case("ping_pong", "near", i, set())
        k.b("Hi, how can I help?", gap=0).c(PROBLEMS[i]).handoff(NOTICES[i]).a(GREETINGS[i])
        k.a(back[i % 4]).ev("agent_left", participant_id="agent-1")
        yield k.b("Hi again! Anything else?").c(THANKS[i])


BUILDERS = [
    customer_repeated,
    agent_reasked,
    missing_transition,
    misroute,
    ignored_handoff_request,
    long_queue_wait,
    abandoned_in_queue,
    bot_loop,
    handoff_failed,
    ping_pong,
]
FLAGS = [b.__name__ for b in BUILDERS]


def all_cases() -> list[Case]:
    cases = [clean(i) for i in range(8)]
    for build in BUILDERS:
        cases.extend(build())
    return cases


def write_cases(folder: Path) -> dict[str, set[str]]:
    """Write every case to folder/labelled.jsonl and folder/labels.csv; return the labels."""
    cases = all_cases()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "labelled.jsonl").open("w", encoding="utf-8") as fh:
        for case in cases:
            for rec in case.records:
                fh.write(json.dumps(rec) + "\n")
    with (folder / "labels.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "flags"])
        for case in cases:
            w.writerow([case.cid, ";".join(sorted(case.expected))])
    return {case.cid: case.expected for case in cases}
