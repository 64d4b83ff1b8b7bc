#!/usr/bin/env python3
"""Generate the synthetic, seeded demo data set for handoff-analyzer.

Writes one JSON Lines file per ISO week (2026-W39 .. 2026-W46) next to this script, in the
canonical schema, and the ground truth of every injected pattern to
tests/fixtures/sample_truth.csv. Standard library only; same script -> same bytes.

    python sample_logs/generate.py
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

SEED = 20261115
YEAR, FIRST_WEEK, LAST_WEEK = 2026, 39, 46
HERE = Path(__file__).resolve().parent
TRUTH_PATH = HERE.parent / "tests" / "fixtures" / "sample_truth.csv"
VERSION_SWITCH = datetime(2026, 10, 21, 2, 0, tzinfo=UTC)  # bot_version changes once
BOT_VERSIONS = ("2026.09.1", "2026.10.2")
# (outcome, resolution) -> number of conversations; 1,200 in all
OUTCOMES = {
    ("unengaged", ""): 50,
    ("bot_resolved", "confirmed"): 310,
    ("bot_resolved", "assumed"): 275,
    ("abandoned", ""): 105,
    ("handed_off", ""): 460,
}
FLAGS = (
    "customer_repeated",
    "agent_reasked",
    "missing_transition",
    "misroute",
    "ignored_handoff_request",
    "long_queue_wait",
    "abandoned_in_queue",
    "bot_loop",
    "handoff_failed",
    "ping_pong",
)
PER_FLAG = 31  # handed-off conversations that get each flag as their main pattern
NO_AGENT = {"handoff_failed", "abandoned_in_queue"}
NEEDS_AGENT = {
    "customer_repeated",
    "agent_reasked",
    "missing_transition",
    "misroute",
    "long_queue_wait",
    "ping_pong",
}
EVENT_SHARE = 0.70  # of handed-off conversations; the rest are plain text logs

CHANNELS = {"web": 45, "mobile_app": 25, "whatsapp": 18, "sms": 12}
LOCALES = {"en-GB": 55, "en-US": 25, "en-IE": 10, "en-AU": 10}
TZ_OFFSETS = {
    "en-GB": ["+01:00", "+00:00"],
    "en-IE": ["+01:00"],
    "en-US": ["-05:00", "-04:00"],
    "en-AU": ["+11:00", "+10:00"],
}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 11, 10, 10, 9, 9, 9, 10, 10, 8, 6, 4, 2]
GAPS = {"customer": (5, 60), "bot": (1, 4), "agent": (10, 80), "system": (1, 3), "event": (1, 2)}
QUEUES = ("billing", "tech_support", "orders", "returns", "accounts")
TEAM = {
    "billing": "billing",
    "tech_support": "technical support",
    "orders": "orders",
    "returns": "returns",
    "accounts": "accounts",
}
AGENT_NAMES = (
    "Priya|Tom|Aisha|Ben|Chloe|Dev|Ella|Femi|Grace|Hugo|Isla|Jack|Kemi|Liam|Maya|Noah|"
    "Olga|Pete|Quinn|Rosa|Sam|Tariq|Uma|Vic|Will|Yara|Zoe|Alex|Bea|Carl|Dina|Eli|Fran|"
    "Gus|Hana|Ivan|Jo|Kai|Lena|Marco"
)  # agent-N is the N-th name ("|"-separated)
# intent -> (queue, kind of identifier the customer gives)
INTENTS = {
    "order_status": ("orders", "order"),
    "delivery_problem": ("orders", "tracking"),
    "refund": ("returns", "order"),
    "billing_dispute": ("billing", "invoice"),
    "password_reset": ("tech_support", "email"),
    "cancel_subscription": ("accounts", "account"),
    "update_address": ("accounts", "phone"),
}
INTENT_WEIGHTS = (24, 14, 14, 12, 14, 10, 12)
ROUTED = {"billing_dispute", "cancel_subscription"}  # intents the bot routes to a human
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
TOPIC = {
    "order_status": "your order",
    "delivery_problem": "a missing parcel",
    "refund": "a refund",
    "billing_dispute": "a charge on your bill",
    "password_reset": "logging in",
    "cancel_subscription": "cancelling your subscription",
    "update_address": "changing your address",
}
FIRST = (
    "james",
    "sarah",
    "mohammed",
    "emma",
    "oliver",
    "amelia",
    "raj",
    "chloe",
    "tom",
    "lucy",
    "dan",
    "nina",
    "aoife",
    "wei",
)
LAST = (
    "smith",
    "jones",
    "patel",
    "khan",
    "brown",
    "wilson",
    "taylor",
    "evans",
    "murphy",
    "okafor",
    "nguyen",
    "garcia",
)


# ---- phrase banks: "|" separates alternatives; customer phrases also get typos, text-speak,
# ---- lower case and dropped punctuation (Conv.vary); {slots} are filled per conversation.
def _p(text: str) -> list[str]:
    return text.split("|")


GREETING = _p(
    "Hi! I'm Ava, the virtual assistant. How can I help today?|Hello 👋 I'm the Example "
    "Shop assistant. What can I do for you?|Hi there! Ask me about orders, returns, "
    "billing or your account.|Welcome back! How can I help?|Hey! I'm a bot, but I can "
    "sort most things. What's up?"
)
ISSUE = {  # intent -> (with an identifier {ref}, without one)
    "order_status": (
        _p(
            "where is my order? it's {ref}|{ref} hasn't arrived yet|Hi, can you tell "
            "me the status of {ref}?|I ordered last week, {ref}, and still nothing|any "
            "update on {ref}|checking on {ref}, it still says processing"
        ),
        _p(
            "where is my order|hi my order hasn't turned up yet|can you check an order "
            "for me?|order status please"
        ),
    ),
    "delivery_problem": (
        _p(
            "my parcel {ref} says delivered but it's not here|the courier lost my "
            "package, {ref}|{ref} has been stuck in transit for a week|delivery "
            "failed for {ref}, nobody knocked"
        ),
        _p(
            "my parcel never arrived|the driver left my package in the rain|"
            "delivery says attempted but I was home all day"
        ),
    ),
    "refund": (
        _p(
            "I returned {ref} two weeks ago and still no refund|when will I get my money "
            "back for {ref}?|I want a refund for {ref}, it arrived broken|refund for {ref} "
            "please, wrong size"
        ),
        _p(
            "how do I get a refund|I sent an item back and haven't been refunded|i want my "
            "money back"
        ),
    ),
    "billing_dispute": (
        _p(
            "I've been charged twice on {ref}|{ref} is wrong, I was billed for 3 "
            "months not 1|why is {ref} so high??|I don't recognise the charge on "
            "{ref}"
        ),
        _p(
            "there's a charge on my card I don't recognise|I was overcharged this "
            "month|my bill is wrong"
        ),
    ),
    "password_reset": (
        _p(
            "I can't log in, my email is {ref}|reset password for {ref} please|"
            "password reset email never arrives at {ref}|locked out of my account "
            "({ref})"
        ),
        _p("I forgot my password|can't log in|the reset link doesn't work"),
    ),
    "cancel_subscription": (
        _p(
            "I want to cancel my subscription, {ref}|please cancel {ref}|how do "
            "I cancel? it's {ref}|cancel the membership on {ref} asap"
        ),
        _p("I want to cancel my subscription|how do I cancel|stop charging me, cancel everything"),
    ),
    "update_address": (
        _p(
            "I moved house and need to update my address, my number is {ref}|can "
            "you change the delivery address on my account? phone is {ref}|new "
            "address please, account phone {ref}"
        ),
        _p(
            "I need to change my address|how do I update my delivery address|wrong "
            "address on my account"
        ),
    ),
}
SHORT = {
    "order_status": _p("where is my order|order status|track my order"),
    "delivery_problem": _p("my parcel is missing|where is my parcel|package not delivered"),
    "refund": _p("refund|I want my money back|refund status"),
    "billing_dispute": _p("wrong charge|I was charged twice|bill is wrong"),
    "password_reset": _p("reset password|can't login|password"),
    "cancel_subscription": _p("cancel subscription|cancel|end my membership"),
    "update_address": _p("change address|update address|new address"),
}
REPHRASE = _p(
    "{short}|no. {short}|I said {short}|ugh, {short}|?? {short}|let me try again: "
    "{short}|{short}!!|what? {short}"
)
ASK_REF = {
    "order": _p("Sure, what's your order number?|Can you give me the order number?"),
    "invoice": _p("Which invoice is it? The number starts with INV."),
    "tracking": _p("Can you share the tracking number?|Do you have a tracking number?"),
    "email": _p("What's the email address on your account?"),
    "account": _p("Could you give me your account number?"),
    "phone": _p("What phone number is on the account?"),
}
GIVE_REF = _p("{ref}|it's {ref}|sure, {ref}|{ref} i think|here you go: {ref}|{ref}.")
ANSWER = {  # the bot's (non-fallback) answers
    "order_status": _p(
        "Thanks! {ref} was dispatched on {day} and should arrive within 2 working "
        "days.|I found {ref}: it's out for delivery today 🚚|{ref} is being packed "
        "and will ship by {day}. You'll get an email with tracking."
    ),
    "delivery_problem": _p(
        "I've checked {ref}: the courier marked it as left with a neighbour on "
        "{day}.|{ref} is held at your local depot. You can collect it or "
        "rebook delivery at example.com/track.|The courier will re-attempt "
        "delivery of {ref} on {day}."
    ),
    "refund": _p(
        "Your refund for {ref} was issued on {day}; it can take 3-5 working days to show."
        "|We received the return for {ref}. The refund is on its way to your original "
        "payment method.|You can request a refund for {ref} at example.com/returns, it "
        "takes 2 minutes."
    ),
    "billing_dispute": _p(
        "{ref} includes a one-off setup fee of £4.99, that's why it's higher.|"
        "The second charge on {ref} is a pending authorisation; it drops off "
        "within 3 days."
    ),
    "password_reset": _p(
        "I've sent a reset link to {ref}. It's valid for 30 minutes.|Done! Check "
        "{ref} for a reset email (and your spam folder)."
    ),
    "cancel_subscription": _p(
        "You can cancel {ref} any time under Settings > Subscription > "
        "Cancel.|I've scheduled {ref} to cancel at the end of this billing "
        "period."
    ),
    "update_address": _p(
        "You can update your address under Account > Addresses. Changes apply to "
        "new orders.|I've sent a secure link to {ref} so you can change your "
        "address."
    ),
}
FALLBACK = _p(
    "Sorry, I didn't get that.|I'm not sure I understand, could you rephrase?|Hmm, I "
    "didn't quite catch that. Can you say it another way?|I'm still learning! Could you "
    "try asking differently?|Sorry, I didn't understand your question.|Apologies, I "
    "don't understand. Try something like 'track my order'."
)
CONFIRM = _p(
    "that worked, thanks|perfect, sorted|great that's all I needed|ok got it cheers|"
    "brilliant thank you!|thanks, that's fixed it|Lovely, thanks for your help|ah ok "
    "thanks 👍|sorted, ta|that's great thanks|cool thx|Perfect. Thank you so much!|"
    "got it, thanks a lot|excellent, cheers"
)
BOT_BYE = _p(
    "Glad I could help! Have a great day.|You're welcome! 😊|Happy to help. Bye for now!|"
    "Great! If you need anything else, just ask."
)
FOLLOWUP = [
    ("will I get an email about it?", "Yes, you'll get a confirmation email shortly."),
    ("how long does that usually take?", "Usually 3-5 working days."),
    ("can I do this in the app too?", "Yes! Go to Account > Help in the app."),
    ("is there a charge for that?", "No, there's no charge for that."),
]
UNHELPFUL = _p(
    "that doesn't help|not what I asked. forget it|useless|this isn't helping, bye|"
    "that's not the problem at all|no that's wrong|that didn't answer my question"
)
HUMAN = _p(
    "can I talk to a real person|agent please|human|I want to speak to someone|"
    "representative|can i speak to a human please|get me an agent|real person pls|I need "
    "to talk to someone|let me talk to customer service|operator|Can I chat with an "
    "actual human?"
)
INSIST = _p(
    "I said I want a HUMAN|agent. please.|no, a real person please|stop, I want to talk "
    "to someone real|representative!!|why won't you let me speak to someone|HUMAN"
)
AGAIN_HUMAN = _p(
    "can I get the agent back?|put me back to the person please|I want the agent "
    "back|bring back the human pls"
)
DEFLECT = _p(
    "I can help with most things! What do you need?|Have you tried our help centre? Most "
    "questions are answered at example.com/help|I'd love to help. Could you tell me a "
    "bit more about the issue?|Our FAQ covers this: example.com/faq|I can answer that "
    "for you, what's your question?"
)
CLARIFY = _p(
    "Sure, can you tell me briefly what it's about so I can find the right team?|Of "
    "course. What's the issue, in a few words?"
)
STRUGGLE = _p("Sorry, I'm struggling with this one. |Hmm, this one's beyond me. |")
ROUTE_INTRO = {
    "billing_dispute": _p(
        "Billing disputes are handled by our billing team. |I can't change charges myself. "
    ),
    "cancel_subscription": _p(
        "Cancellations are done by a person, I'm afraid. |I'm not able to cancel that myself. "
    ),
}
NOTICE = _p(
    "Connecting you to an agent now.|I'll pass you to a colleague from {team} who can "
    "help.|Let me get a specialist for you.|You've been placed in the queue, someone will "
    "be with you shortly.|Transferring you to our support team.|One moment while I bring "
    "in a member of our team.|A human agent will take it from here.|I'm handing this over "
    "to our {team} team now, they'll be with you soon.|Please hold on, I'm putting you "
    "through to a person.|OK! I've asked one of our {team} specialists to join this chat."
    "|Hang tight, a team member will join shortly.|Routing you to a live agent...|Let me "
    "connect you with a colleague.|You're now in the queue for the {team} team."
)
FAILED_MSG = _p(
    "Sorry, no agents are available right now. Please try again later.|All our "
    "agents are busy at the moment and we couldn't connect you.|We couldn't connect "
    "you to an agent (no agents available)."
)
CALLBACK = _p(
    "Would you like us to call you back on the number on your account?|I can arrange a "
    "callback within 24 hours, would you like that?"
)
CALLBACK_REPLY = [("yes please", True), ("ok fine", True), ("sure", True), ("no forget it", False)]
CALLBACK_ACK = _p("Done! Someone will call you within 24 hours.|OK, callback booked.")
POKE = _p("hello?|anyone there?|still waiting...|hello??? it's been ages|is anyone coming")
GIVE_UP = _p("forget it|nvm|I'll call instead|this is ridiculous, bye|don't bother")
AGENT_HELLO = _p(
    "Hi, I'm {name}, how can I help today?|Hello! {name} here. What can I do for "
    "you?|Hi there, you're through to {name}. How can I help?|Hi, my name is {name}. "
    "What seems to be the problem?"
)
AGENT_CONTEXT = _p(
    "Hi, I'm {name}. I can see you're asking about {aref}.|Hello, {name} from the "
    "{team} team here. I've read through your chat about {aref}.|Hi! {name} here, "
    "thanks for waiting. I've got {aref} up on my screen now.|Hi, it's {name}. I'm "
    "looking at {aref} now."
)
AGENT_TOPIC = _p(
    "Hi, I'm {name}. I can see you're asking about {topic}.|Hello, {name} here, I've "
    "read your chat about {topic}."
)
REASK = {
    "order": _p(
        "Can I have your order number?|what's the order number please?|Could you "
        "give me the order reference so I can look it up?"
    ),
    "email": _p(
        "what's the email on the account?|Can you confirm the email address you registered with?"
    ),
    "phone": _p("could you confirm your phone number|What's the mobile number on the account?"),
    "account": _p("Can I take your account number?|what's your account number please?"),
    "invoice": _p(
        "Which invoice is it? Can you give me the invoice number?|could you send me "
        "the invoice number"
    ),
    "tracking": _p("do you have the tracking number?|Can you give me the tracking number please?"),
}
OTHER_KIND = {
    "order_status": ("email", "phone"),
    "delivery_problem": ("order", "email"),
    "refund": ("email", "phone"),
    "billing_dispute": ("account", "email"),
    "password_reset": ("phone", "account"),
    "cancel_subscription": ("email", "phone"),
    "update_address": ("email", "account"),
}  # near miss: asked for, never given before
OTHER_ASK = [
    ("Can you confirm the postcode for the delivery?", _p("it's M1 1AE|SW1A 1AA|D02 1AB")),
    ("What's the full name on the account?", _p("Jamie Smith|it's Sam O'Neill")),
    ("Roughly when did this start?", _p("last Tuesday|about a week ago")),
    ("Which device are you using?", _p("iPhone|an android phone|laptop, chrome")),
]
ACK = _p("yes|yes that's right|hi, yes|ok thanks|yep|hi! yes please|that's the one")
NEW_INFO = {
    "order_status": _p("it was supposed to come by Friday|I paid for next day delivery"),
    "delivery_problem": _p(
        "the photo shows a door that isn't mine|neighbours haven't got it either"
    ),
    "refund": _p("I sent it back by Royal Mail, I have the receipt|it was the blue one, size M"),
    "billing_dispute": _p("the second charge was on the 3rd|my bank says both went through"),
    "password_reset": _p("I've checked spam too|I'm using the iPhone app"),
    "cancel_subscription": _p("I'm moving abroad so don't need it|I'd like it to end this month"),
    "update_address": _p("the new postcode is M1 1AE|I moved in on the 1st"),
}
REPEAT = _p(
    "as I said, it's {ref}|I already told the bot, {ref}|{ref}|it's {ref} like I said|"
    "again, {ref}|same as I said before: {ref}|{ref} (already gave this)|I gave the bot "
    "{ref} already"
)
REEXPLAIN = _p("like I said, |as I told the bot, |I already explained: |again - |")
REASK_ANSWER = _p("{ref}|it's {ref}|I already gave it but ok, {ref}|{ref} - same as I told the bot")
REASK_COMPLAINT = _p(
    "I already gave that to the bot|it's in the chat above??|scroll up, I "
    "literally just typed it|didn't the bot pass that on?|I've already said "
    "this..."
)
AGENT_SORRY = _p("Sorry, I see it now.|Apologies, found it above.|My mistake, got it.")
RESOLVE = {
    "order_status": _p(
        "I've chased the warehouse, it goes out today with free express "
        "delivery.|It was held at the depot; I've rebooked delivery for "
        "{day}."
    ),
    "delivery_problem": _p(
        "I've opened a claim with the courier and sent a replacement, "
        "arriving {day}.|I've arranged a redelivery for {day} and added "
        "a safe-place note."
    ),
    "refund": _p(
        "I've pushed the refund through manually, you'll see it in 2-3 working "
        "days.|The refund is approved now, I've emailed you the confirmation."
    ),
    "billing_dispute": _p(
        "You're right, that was a duplicate. I've refunded the second "
        "charge.|I've corrected the bill and credited £12.50 to your "
        "account."
    ),
    "password_reset": _p(
        "I've unlocked the account and sent a fresh reset link, it should "
        "arrive now.|There was a block on the account; I've cleared it, "
        "please try again."
    ),
    "cancel_subscription": _p(
        "Your subscription is cancelled, no further payments will be "
        "taken.|Done, it's cancelled from today and I've refunded "
        "this month."
    ),
    "update_address": _p(
        "Your address is updated for all future orders.|All changed, the "
        "new address shows on your account now."
    ),
}
THANKS = _p(
    "great, thank you|thanks so much|brilliant, cheers|perfect thanks|ok thank you|"
    "amazing, thank you!!"
)
ANYTHING = _p("Is there anything else I can help with?|Anything else today?")
DONE = _p(
    "no that's all thanks|all good, thanks!|no thanks, appreciate it|that's it cheers|thank you 🙏"
)
AGENT_BYE = _p("Thanks for contacting us, have a lovely day!|Take care!|You're welcome, bye!")
MISROUTE = _p(
    "this is actually for our {team} team, let me move you|Ah, I'm on the wrong desk "
    "for this, {team} will need to handle it. Transferring you now.|I can't see that "
    "from here, let me move you to {team}.|That one needs {team}, I'll pass you across."
)
MISROUTE_AGAIN = _p(
    "Sorry, this isn't {team} either, moving you again.|Hmm, {team} is the right "
    "team for this, transferring."
)
AGENT_AFTER_MOVE = _p(
    "Hi, {name} from {team} here, thanks for bearing with us. I've got {aref}.|"
    "Hello, I'm {name}. Sorry about the wait, I can see this is about {aref}."
)
HAND_BACK = _p(
    "I'll hand you back to our assistant to finish off.|I'm going to pass you back to "
    "the virtual assistant for the rest.|The assistant can take care of the rest, "
    "passing you back now."
)
BOT_AGAIN = _p("Hi again! Anything else I can help with?|I'm back 👋 What else can I do for you?")
NOT_FIXED = _p(
    "wait, the agent didn't finish|but my issue isn't fixed yet|hang on, I still need "
    "help with this|why did they leave??"
)
LOOP_REPLY = _p("that's not what I asked|no, {short}|that doesn't answer it|I know that. {short}")
SPECIAL = _p(
    "the page just shows <b>Error</b> & a spinner 😩, {ref}|my name is O'Brien & it says "
    '"delivered" for {ref} but it isn\'t 📦|<script>alert("hi")</script> {ref} ???|Tom & '
    'Jerry\'s Café here, {ref} is "urgent" 🙏🙏|<i>why</i> is {ref} <u>still</u> not '
    'sorted?! 😡 & no email|{ref} -> "ASAP" <please> & thx 🚀'
)
ABBREV = {"please": "pls", "thanks": "thx", "you": "u", "your": "ur", "because": "cos"}


@dataclass
class Plan:
    """What one conversation must contain: the ground truth it is generated from."""

    outcome: str
    resolution: str = ""
    flags: set[str] = field(default_factory=set)
    variant: str = ""
    events: bool = False
    special: bool = False
    start: datetime = datetime(YEAR, 1, 1, tzinfo=UTC)
    cid: str = ""
    customer: str = ""

    @property
    def handoff_outcome(self) -> str:
        if self.outcome != "handed_off":
            return ""
        if "handoff_failed" in self.flags:
            return "handoff_failed"
        return "abandoned_in_queue" if "abandoned_in_queue" in self.flags else "agent_engaged"


def compatible(flags: set[str]) -> bool:
    no_agent = flags & NO_AGENT
    return len(no_agent) <= 1 and not (no_agent and flags & NEEDS_AGENT)


def make_pools(rng: random.Random) -> dict[str, list[str]]:
    """A few hundred identifiers of each kind, shared by the whole data set (repeat customers)."""
    emails: set[str] = set()
    while len(emails) < 200:
        f, s = rng.choice(FIRST), rng.choice(LAST)
        user = rng.choice(
            [
                f"{f[0]}.{s}",
                f"{f}.{s}",
                f"{s}{f[0]}",
                f"{f}{rng.randint(1, 99)}",
                f"{f}_{s}{rng.randint(70, 99)}",
            ]
        )
        emails.add(f"{user}@{rng.choice(['example.com', 'example.org'])}")
    return {
        "order": [str(n) for n in rng.sample(range(10000, 99999), 320)],
        "invoice": [f"INV-2026-{n:04d}" for n in rng.sample(range(1, 2000), 120)],
        "tracking": [f"1Z999AA1{rng.randrange(10**10):010d}" for _ in range(100)],
        "account": [f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" for _ in range(150)],
        "email": sorted(emails),
        "phone": [f"+44 7700 900{n:03d}" for n in rng.sample(range(1000), 90)]
        + [f"+1 202 555 01{n:02d}" for n in rng.sample(range(100), 60)],
    }


def show(rng: random.Random, kind: str, v: str) -> str:
    """One of several surface forms of an identifier (ORD-48213, order #48213, ...)."""
    forms = {
        "order": [
            f"ORD-{v}",
            f"order ORD-{v}",
            f"order #{v}",
            f"order {v}",
            f"order number {v}",
            f"#{v}",
        ],
        "invoice": [v, f"invoice {v}", f"invoice no {v}", v.lower()],
        "tracking": [v, f"tracking {v}", f"tracking number {v}"],
        "account": [
            f"account {v}",
            f"account number {v}",
            f"acct {v}",
            f"account no {v.replace('-', '')}",
        ],
        "email": [v],
        "phone": [
            v,
            v.replace(" ", ""),
            "0" + v[4:] if v.startswith("+44") else f"(202) 555-{v[-4:]}",
        ],
    }[kind]
    return rng.choice(forms)


class Conv:
    """Builds the records of one conversation; one method per phase of a scenario."""

    def __init__(self, plan: Plan, pools: dict[str, list[str]]) -> None:
        self.plan = plan
        self.rng = rng = random.Random(f"{SEED}-{plan.cid}")
        self.pools = pools
        self.t = plan.start
        self.records: list[dict[str, object]] = []
        self.times: list[datetime] = []
        self.channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        self.locale = rng.choices(list(LOCALES), list(LOCALES.values()))[0]
        tz = rng.random()  # a few conversations carry a UTC offset, a few only on agent records
        self.offset = rng.choice(TZ_OFFSETS[self.locale]) if tz < 0.05 else None
        self.offset_roles = {"agent"} if tz < 0.015 else {"customer", "bot", "agent", "system"}
        self.bot_pid = rng.random() < 0.5
        self.explicit_message = plan.events and rng.random() < 0.4
        self.intent = rng.choices(list(INTENTS), INTENT_WEIGHTS)[0]
        if plan.outcome != "handed_off" and self.intent in ROUTED and rng.random() < 0.6:
            self.intent = rng.choice(["order_status", "refund", "password_reset"])
        self.queue, self.kind = INTENTS[self.intent]
        self.ref = rng.choice(pools[self.kind])
        self.gave_ref = False
        self.issue_text = ""
        self.handoff_at = self.t
        self.desk = self.queue  # queue of the agent currently in the chat

    # ---- low-level writers -------------------------------------------------------------
    def stamp(self, role: str) -> str:
        if self.offset and role in self.offset_roles:
            sign = 1 if self.offset[0] == "+" else -1
            delta = timedelta(hours=int(self.offset[1:3]), minutes=int(self.offset[4:6]))
            return (self.t + sign * delta).strftime("%Y-%m-%dT%H:%M:%S") + self.offset
        return self.t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def add(
        self,
        role: str,
        text: str = "",
        *,
        event: str | None = None,
        gap: tuple[int, int] | None = None,
        queue: str = "",
        pid: str = "",
        intent: str = "",
        csat: int | None = None,
        meta: dict[str, object] | None = None,
    ) -> None:
        if self.records:
            lo, hi = gap or GAPS["event" if event else role]
            self.t += timedelta(seconds=max(1, self.rng.randint(lo, hi)))
        rec: dict[str, object] = {
            "conversation_id": self.plan.cid,
            "message_id": f"m{len(self.records) + 1:02d}",
            "timestamp": self.stamp(role),
            "channel": self.channel,
            "role": role,
        }
        optional = {
            "participant_id": pid or ("bot" if role == "bot" and self.bot_pid else ""),
            "event": event or ("message" if self.explicit_message else ""),
            "queue": queue,
            "intent": intent,
        }
        rec.update((k, v) for k, v in optional.items() if v)
        if text or not event:
            rec["text"] = text
        if not self.records:
            version = BOT_VERSIONS[self.plan.start >= VERSION_SWITCH]
            rec["customer_id"] = self.plan.customer
            rec["metadata"] = {"bot_version": version, "locale": self.locale}
        elif csat is not None:
            rec["metadata"] = {"csat": csat}
        elif meta:
            rec["metadata"] = meta
        self.records.append(rec)
        self.times.append(self.t)

    def ev(
        self,
        name: str,
        text: str = "",
        *,
        gap: tuple[int, int] | None = None,
        queue: str = "",
        pid: str = "",
        csat: int | None = None,
        meta: dict[str, object] | None = None,
    ) -> None:
        """A platform event; plain text logs have none."""
        if self.plan.events:
            self.add(
                "system", text, event=name, gap=gap, queue=queue, pid=pid, csat=csat, meta=meta
            )

    def jump(self, at: datetime) -> None:
        """Let the next record (with gap 1) land at `at`, or just after the previous one."""
        self.t = max(self.t, at - timedelta(seconds=1))

    def vary(self, tpl: str) -> str:
        """Typos, text-speak, lower case and dropped punctuation, never inside {slots}."""
        rng, words = self.rng, tpl.split(" ")
        if rng.random() < 0.15:
            idx = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4]
            if idx:
                i = rng.choice(idx)
                w, j = words[i], rng.randrange(len(words[i]) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        if rng.random() < 0.12:
            words = [ABBREV.get(w.lower(), w) for w in words]
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.25:
            text = text.rstrip(".!?")
        return text

    def fill(self, tpl: str, **slots: str) -> str:
        defaults = {
            "ref": show(self.rng, self.kind, self.ref),
            "team": TEAM[self.queue],
            "topic": TOPIC[self.intent],
            "day": self.rng.choice(DAYS),
            "short": self.rng.choice(SHORT[self.intent]),
            "aref": self.agent_ref(),
        }
        return tpl.format(**(defaults | slots))

    def agent_ref(self) -> str:
        shown = show(self.rng, self.kind, self.ref)
        return f"the account for {shown}" if self.kind in ("email", "phone") else shown

    def c(
        self, options: list[str], intent: str = "", gap: tuple[int, int] | None = None, **slots: str
    ) -> None:
        """A customer message from one of `options`, varied, slots filled."""
        text = self.fill(self.vary(self.rng.choice(options)), **slots)
        self.add("customer", text, intent=intent, gap=gap)

    def b(self, options: list[str]) -> None:
        self.add("bot", self.fill(self.rng.choice(options)))

    def a(
        self, pid: str, options: list[str], gap: tuple[int, int] | None = None, **slots: str
    ) -> None:
        name = AGENT_NAMES.split("|")[int(pid.split("-")[1]) - 1]
        slots = {"team": TEAM[self.desk]} | slots
        self.add("agent", self.fill(self.rng.choice(options), name=name, **slots), pid=pid, gap=gap)

    def end(self, gap: tuple[int, int] = (20, 120), good: bool | None = None) -> None:
        csat = None
        if good is not None and self.rng.random() < 0.45:
            csat = self.rng.choice([4, 5, 5] if good else [1, 2, 2, 3])
        self.ev("conversation_ended", gap=gap, csat=csat)

    # ---- bot phase ---------------------------------------------------------------------
    def greet(self) -> None:
        if (
            self.plan.outcome == "unengaged"
            or self.channel in ("web", "mobile_app")
            or self.rng.random() < 0.5
        ):
            self.b(GREETING)

    def issue(self, with_ref: bool = True, inline: bool = False) -> None:
        """The customer states the problem; with_ref: gives an identifier (inline: in the same
        message, otherwise sometimes only when the bot asks for it)."""
        with_id, without_id = ISSUE[self.intent]
        if with_ref and (inline or self.plan.special or self.rng.random() < 0.7):
            tpl = SPECIAL if self.plan.special else [self.vary(self.rng.choice(with_id))]
            self.issue_text = self.fill(self.rng.choice(tpl))
            self.add("customer", self.issue_text, intent=self.intent)
        else:
            self.issue_text = self.fill(self.vary(self.rng.choice(without_id)))
            self.add("customer", self.issue_text, intent=self.intent)
            if with_ref:
                self.b(ASK_REF[self.kind])
                self.c(GIVE_REF, intent=self.intent)
        self.gave_ref = with_ref

    def fallbacks(self, n: int) -> None:
        for i in range(n):
            self.b(FALLBACK)
            if i < n - 1:
                self.c(REPHRASE)

    def loop(self) -> None:
        """bot_loop: 3-4 fallbacks, or the same canned answer three times."""
        if self.rng.random() < 0.6:
            self.fallbacks(self.rng.randint(3, 4))
            return
        answer = self.fill(self.rng.choice(ANSWER[self.intent]))
        for i in range(3):
            again = i == 2 and answer[1:2].islower() and self.rng.random() < 0.5
            self.add(
                "bot", "As I mentioned, " + answer[0].lower() + answer[1:] if again else answer
            )
            if i < 2:
                self.c(LOOP_REPLY)

    def ask_human(self, ignored: bool, phrases: list[str] = HUMAN) -> None:
        self.c(phrases, intent="talk_to_human")
        if ignored:  # 2-3 different deflections, never a transfer
            for i, deflection in enumerate(self.rng.sample(DEFLECT, self.rng.randint(2, 3))):
                self.add("bot", deflection)
                if i < 2:
                    self.c(INSIST, intent="talk_to_human")

    # ---- scenarios -----------------------------------------------------------------------
    def build(self) -> list[dict[str, object]]:
        self.greet()
        outcome = self.plan.outcome
        if outcome == "unengaged":
            self.end(gap=(300, 900))
        elif outcome == "bot_resolved":
            self.bot_resolved(self.plan.resolution == "confirmed")
        elif outcome == "abandoned":
            self.abandoned()
        else:
            self.handed_off()
        return self.records

    def bot_resolved(self, confirmed: bool) -> None:
        self.issue()
        if self.rng.random() < 0.12:
            self.b(FALLBACK)
            self.c(REPHRASE, intent=self.intent)
        self.b(ANSWER[self.intent])
        if not confirmed:
            self.end(gap=(300, 900))  # inactivity timeout
            return
        if self.rng.random() < 0.2:
            question, answer = self.rng.choice(FOLLOWUP)
            self.c([question])
            self.b([answer])
        self.c(CONFIRM)
        if self.rng.random() < 0.5:
            self.b(BOT_BYE)
        self.end(good=True)

    def abandoned(self) -> None:
        v, rng = self.plan.variant, self.rng
        if v == "ignored":
            if rng.random() < 0.6:
                self.issue()
            self.ask_human(ignored=True)
            if self.records[-1]["role"] == "bot" or rng.random() < 0.5:
                self.c(GIVE_UP)  # the customer has the last word: unanswered or giving up
        else:
            self.issue(with_ref=rng.random() < 0.8)
            if v == "loop":
                self.loop()
                self.c(UNHELPFUL)
            elif v == "fallback":
                self.fallbacks(rng.randint(1, 2))
            elif v == "unhelpful":
                self.b(ANSWER[self.intent])
                self.c(UNHELPFUL)
            elif rng.random() < 0.6:  # unanswered: a follow-up nobody answers
                self.b(ANSWER[self.intent])
                self.c([q for q, _ in FOLLOWUP] + ["hello?"])
        self.end(gap=(300, 900), good=False)

    def handed_off(self) -> None:
        f, rng = self.plan.flags, self.rng
        ignored = "ignored_handoff_request" in f
        need_ref = bool(f & {"customer_repeated", "agent_reasked"}) or rng.random() < 0.8
        if "bot_loop" in f:
            trigger = "loop"
        elif ignored:
            trigger = "ask"
        elif self.intent in ROUTED and rng.random() < 0.7:
            trigger = "routed"
        else:
            trigger = rng.choice(["ask", "ask", "fails"])
        asked = trigger == "ask" or (trigger == "loop" and (ignored or rng.random() < 0.4))
        if trigger == "ask" and not ignored and rng.random() < 0.4:
            self.c(HUMAN, intent="talk_to_human")  # asks first, the bot asks one question
            self.b(CLARIFY)
            self.issue(need_ref, inline=True)
        else:
            self.issue(need_ref)
            if trigger == "loop":
                self.loop()
            elif trigger == "fails":
                self.fallbacks(2)
            elif trigger == "ask" and ("missing_transition" in f or rng.random() < 0.5):
                self.b(ANSWER[self.intent])
            if asked:
                self.ask_human(ignored)
        lead = STRUGGLE if trigger in ("loop", "fails") else ROUTE_INTRO.get(self.intent, [""])
        wrong = [q for q in QUEUES if q != self.queue]
        first_queue = rng.choice(wrong) if "misroute" in f else self.queue
        self.handoff(
            first_queue,
            asked,
            rng.choice(lead) if trigger != "ask" else "",
            notice="missing_transition" not in f,
            reason=f"routing rule: {self.intent} goes to a person" if trigger == "routed" else "",
        )
        if "handoff_failed" in f:
            self.failed()
        elif "abandoned_in_queue" in f:
            for _ in range(rng.randint(0, 2)):
                self.c(POKE, gap=(90, 400))
            if rng.random() < 0.5:
                self.c(GIVE_UP, gap=(30, 300))
            self.end(gap=(300, 1200), good=False)
        else:
            self.agent_phase(first_queue)

    def handoff(
        self, queue: str, requested: bool, lead: str = "", notice: bool = True, reason: str = ""
    ) -> None:
        if requested:
            self.ev("handoff_requested")
        n0 = len(self.records)
        role = "bot" if self.rng.random() < 0.7 else "system"
        text = lead + self.fill(self.rng.choice(NOTICE), team=TEAM[queue])
        notice_first = notice and self.rng.random() < 0.5
        if notice_first:
            self.add(role, text)
        self.ev(
            "handoff_initiated", queue=queue, meta={"handoff_reason": reason} if reason else None
        )
        if notice and not notice_first:
            self.add(role, text)
        self.ev("queued", queue=queue)
        self.handoff_at = self.times[n0]

    def failed(self) -> None:
        rng = self.rng
        self.jump(self.handoff_at + timedelta(seconds=rng.randint(30, 240)))
        self.ev("handoff_failed", "No agents available", gap=(1, 1))
        if not self.plan.events or rng.random() < 0.6:
            self.add("system", rng.choice(FAILED_MSG), gap=(1, 1))
        if rng.random() < 0.5:
            self.b(CALLBACK)
            reply, yes = rng.choice(CALLBACK_REPLY)
            self.c([reply])
            if yes:
                self.b(CALLBACK_ACK)
        self.end(gap=(10, 120), good=False)

    def join(self, queue: str, long: bool = False) -> str:
        """An agent from `queue` joins; returns the agent id. Wait counts from the handoff."""
        rng = self.rng
        pid = f"agent-{QUEUES.index(queue) * 8 + rng.randint(1, 8)}"
        self.desk = queue
        if long:
            wait = rng.randint(360, 2400)
        else:  # some near misses of 2-4 minutes
            wait = rng.randint(120, 225) if rng.random() < 0.3 else rng.randint(20, 110)
        joined = rng.randint(30, 150) if long and rng.random() < 0.25 else wait - rng.randint(2, 12)
        self.jump(self.handoff_at + timedelta(seconds=joined))
        self.ev("agent_joined", queue=queue, pid=pid, gap=(1, 1))
        self.jump(self.handoff_at + timedelta(seconds=wait))
        return pid

    def first_contact(self, pid: str) -> None:
        """The agent's opening and the customer's reply: where repeats and re-asks happen."""
        f, rng = self.plan.flags, self.rng
        if "agent_reasked" in f:
            ask = rng.choice(REASK[self.kind])
            if rng.random() < 0.5:
                self.a(pid, [g + " " + ask for g in AGENT_HELLO + AGENT_TOPIC], gap=(1, 1))
            else:
                self.a(pid, AGENT_HELLO + AGENT_TOPIC, gap=(1, 1))
                self.a(pid, [ask], gap=(3, 15))
            if "customer_repeated" in f:
                self.c(REASK_ANSWER)
            else:
                self.c(REASK_COMPLAINT)
                self.a(pid, AGENT_SORRY)
        elif "customer_repeated" in f:
            self.a(pid, AGENT_HELLO, gap=(1, 1))
            if rng.random() < 0.6:
                self.c(REPEAT)
            else:
                prefix, text = rng.choice(REEXPLAIN), self.issue_text
                self.add("customer", prefix + (text[:1].lower() + text[1:] if prefix else text))
        elif not self.gave_ref:  # near miss: the agent asks for something not given before
            self.a(pid, [g + " " + rng.choice(REASK[self.kind]) for g in AGENT_TOPIC], gap=(1, 1))
            self.c(GIVE_REF)
            self.gave_ref = True
        else:
            self.a(pid, AGENT_CONTEXT, gap=(1, 1))
            r = rng.random()
            if r < 0.45:
                self.c(ACK)
            elif r < 0.75:
                self.c(NEW_INFO[self.intent])
            elif r < 0.88:  # near miss: asks for another kind of identifier, gets new info
                other = rng.choice(OTHER_KIND[self.intent])
                self.a(pid, REASK[other])
                self.c(GIVE_REF, ref=show(rng, other, rng.choice(self.pools[other])))
            else:
                question, answers = rng.choice(OTHER_ASK)
                self.a(pid, [question])
                self.c(answers)

    def move(self, pid: str, queue: str, lines: list[str]) -> str:
        """The agent says it is the wrong team; a transfer to `queue`; a new agent takes over."""
        self.a(pid, lines, team=TEAM[queue])
        self.ev("transfer", queue=queue)
        self.desk = queue
        if self.rng.random() < 0.5:
            self.ev("agent_left", pid=pid)
        self.t += timedelta(seconds=self.rng.randint(20, 150))
        new = f"agent-{QUEUES.index(queue) * 8 + self.rng.randint(1, 8)}"
        self.ev("agent_joined", queue=queue, pid=new)
        self.a(new, AGENT_AFTER_MOVE, gap=(3, 20))
        self.c(ACK)
        return new

    def agent_phase(self, queue: str) -> None:
        f, rng = self.plan.flags, self.rng
        pid = self.join(queue, long="long_queue_wait" in f)
        self.first_contact(pid)
        if self.plan.variant == "double_transfer":  # misroute + ping_pong: two transfers
            detour = rng.choice([q for q in QUEUES if q not in (queue, self.queue)])
            pid = self.move(pid, detour, MISROUTE)
            pid = self.move(pid, self.queue, MISROUTE_AGAIN)
        elif "misroute" in f:
            pid = self.move(pid, self.queue, MISROUTE)
        if "ping_pong" in f and self.plan.variant != "double_transfer":
            self.a(pid, HAND_BACK)
            self.ev("agent_left", pid=pid)
            self.b(BOT_AGAIN)
            self.c(NOT_FIXED)
            self.b(FALLBACK + DEFLECT)
            self.ask_human(ignored=False, phrases=AGAIN_HUMAN)
            self.handoff(self.queue, requested=True)
            pid = self.join(self.queue)
            self.a(pid, AGENT_AFTER_MOVE, gap=(1, 1))
            self.c(ACK)
        self.a(pid, RESOLVE[self.intent])
        self.c(THANKS)
        if rng.random() < 0.6:
            self.a(pid, ANYTHING, gap=(3, 15))
            self.c(DONE)
        if rng.random() < 0.5:
            self.a(pid, AGENT_BYE, gap=(3, 15))
        if rng.random() < 0.5:
            self.ev("agent_left", pid=pid)
        self.end(gap=(5, 60), good=not f)


def make_plans(rng: random.Random) -> list[Plan]:
    plans = [Plan(o, r) for (o, r), n in OUTCOMES.items() for _ in range(n) if o != "handed_off"]
    for p in plans:
        p.events = rng.random() < 0.6  # platforms with events also end bot-only chats
    abandoned = [p for p in plans if p.outcome == "abandoned"]
    variants = ["ignored"] * 8 + ["loop"] * 6 + ["unanswered"] * 21 + ["unhelpful"] * 30
    for p, v in zip(abandoned, variants + ["fallback"] * len(abandoned), strict=False):
        p.variant = v
        p.flags = {"ignored": {"ignored_handoff_request"}, "loop": {"bot_loop"}}.get(v, set())
    n_handoff = OUTCOMES[("handed_off", "")]
    handoff = [Plan("handed_off", flags={f}) for f in FLAGS for _ in range(PER_FLAG)]
    handoff += [Plan("handed_off") for _ in range(n_handoff - len(handoff))]
    for p in handoff:
        if p.flags and rng.random() < 0.2:  # some conversations get a second pattern
            p.flags.add(
                rng.choice([f for f in FLAGS if f not in p.flags and compatible(p.flags | {f})])
            )
        if "agent_reasked" in p.flags and rng.random() < 0.4:
            p.flags.add("customer_repeated")  # the customer answers the re-ask
    forced = [p for p in handoff if "missing_transition" in p.flags]
    others = [p for p in handoff if "missing_transition" not in p.flags]
    rng.shuffle(others)
    for p in forced + others[: round(EVENT_SHARE * n_handoff) - len(forced)]:
        p.events = True
    for p in handoff:
        if "ping_pong" in p.flags and p.events and rng.random() < 0.3:
            p.variant = "double_transfer"
            p.flags.add("misroute")
    plans += handoff
    for p in rng.sample([p for p in plans if p.outcome != "unengaged"], 16):
        p.special = True
    return plans


def assign_times(rng: random.Random, plans: list[Plan]) -> None:
    monday = datetime.combine(date.fromisocalendar(YEAR, FIRST_WEEK, 1), time(), tzinfo=UTC)
    days = (LAST_WEEK - FIRST_WEEK + 1) * 7
    for p in plans:
        day = rng.randrange(days)
        while day % 7 >= 5 and rng.random() < 0.4:  # quieter weekends
            day = rng.randrange(days)
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        p.start = monday + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))


RECONTACT_DAYS = 7
# Chance that the customer comes back within a week: friction and abandonment bring people back.
COME_BACK = {"abandoned": 0.45, "friction": 0.4, "assumed": 0.15, "clean": 0.1, "confirmed": 0.05}


def _come_back(p: Plan) -> float:
    if p.outcome == "abandoned":
        return COME_BACK["abandoned"]
    if p.outcome == "handed_off":
        return COME_BACK["friction" if p.flags else "clean"]
    if p.outcome == "bot_resolved":
        return COME_BACK[p.resolution]
    return 0.0


def assign_customers(plans: list[Plan]) -> None:
    """Every conversation a customer; some customers come back within a few days (more often
    after friction), the rest are new. A separate seeded stream keeps the transcripts as before."""
    rng = random.Random(SEED + 1)
    taken: set[int] = set()
    for i, p in enumerate(plans):
        if not p.customer:
            p.customer = f"cust-{rng.randrange(16**6):06x}"
        if rng.random() >= _come_back(p):
            continue
        later = [
            j
            for j in range(i + 1, len(plans))
            if j not in taken
            and timedelta(hours=2) < plans[j].start - p.start < timedelta(days=RECONTACT_DAYS - 1)
            and plans[j].outcome != "unengaged"
        ]
        if later:
            j = rng.choice(later[:40])
            taken.add(j)
            plans[j].customer = p.customer


def recontacts(plans: list[Plan], ended: dict[str, datetime]) -> set[str]:
    """Conversations whose customer started another within RECONTACT_DAYS after they ended."""
    by_customer: dict[str, list[Plan]] = {}
    for p in plans:
        by_customer.setdefault(p.customer, []).append(p)
    back = set()
    for group in by_customer.values():
        group.sort(key=lambda p: (p.start, p.cid))
        for a, b in itertools.pairwise(group):
            if (b.start - ended[a.cid]).total_seconds() <= RECONTACT_DAYS * 86400:
                back.add(a.cid)
    return back


def main() -> None:
    rng = random.Random(SEED)
    pools = make_pools(rng)
    plans = make_plans(rng)
    assign_times(rng, plans)
    plans.sort(key=lambda p: p.start)
    assign_customers(plans)
    ended: dict[str, datetime] = {}
    weeks: dict[str, list[str]] = {}
    for i, plan in enumerate(plans, 1):
        plan.cid = f"conv-{i:06d}"
        iso = plan.start.isocalendar()
        lines = weeks.setdefault(f"{iso.year}-W{iso.week:02d}", [])
        conv = Conv(plan, pools)
        for rec in conv.build():
            lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
        ended[plan.cid] = conv.times[-1]
    back = recontacts(plans, ended)
    for old in HERE.glob("*.jsonl"):
        old.unlink()
    for week, lines in sorted(weeks.items()):
        (HERE / f"{week}.jsonl").write_text("".join(lines), encoding="utf-8", newline="\n")
    TRUTH_PATH.parent.mkdir(parents=True, exist_ok=True)
    with TRUTH_PATH.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(
            [
                "conversation_id",
                "outcome",
                "handoff_outcome",
                "flags",
                "resolution",
                "customer_id",
                "recontacted",
            ]
        )
        for p in plans:
            out.writerow(
                [
                    p.cid,
                    p.outcome,
                    p.handoff_outcome,
                    ";".join(sorted(p.flags)),
                    p.resolution,
                    p.customer,
                    str(p.cid in back).lower(),
                ]
            )
    print(
        f"{len(plans)} conversations, {sum(map(len, weeks.values()))} records, "
        f"{len(weeks)} files: {', '.join(sorted(weeks))}"
    )
    for name, counts in (
        ("outcome", Counter(p.outcome for p in plans)),
        ("flag", Counter(f for p in plans for f in p.flags)),
    ):
        print(f"{name}s: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
