"""Pipeline benchmark: each stage's time on a large synthetic log, next to a bare DuckDB read.

    python benchmarks/bench_pipeline.py                      # 1,000,000 messages, 3 runs
    python benchmarks/bench_pipeline.py --messages 200000 --runs 5 --keep-data

It writes a seeded canonical JSONL file (built with DuckDB SQL, not Python loops), then for each run
starts one subprocess per measured pipeline, so every peak-RSS figure belongs to one pipeline:

  baseline   DuckDB's own CREATE TABLE t AS SELECT * FROM read_json(file), in memory
  stages     load, then the product's refresh with each table it writes timed, metrics, report
  end-to-end open_database + Database.load + metrics + report on a fresh on-disk database
  incremental Database.load of the file, then of 1% more messages, then of 1,000 more
  peer       (--peer) the pandas notebook a user would otherwise write (peer_pandas.py)

Each figure of peak RSS is the child process's own (wait4). Runs are interleaved and medians are
reported.
See benchmarks/README.md for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
RESULT_PREFIX = "RESULT "
REPORT_AT = dt.datetime(2026, 4, 1, 12, 0, 0)

TARGET_E2E_RATIO = 6.0  # aim for 3x
TARGET_LOAD_DISK_RATIO = 4.0
TARGET_PEER_RATIO = 20.0
TARGET_DETECTORS_LOAD_RATIO = 1.0
TARGET_REPORT_MB = 6.0
TARGET_RSS_GB = 1.5

# --------------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------------
# Every conversation follows one scenario; a scenario is a list of steps
# (role, event, text, seconds after the previous step, queue, participant, intent, pad).
# Texts hold placeholders filled per conversation ({name}, {order}, ...); `pad` steps get one
# neutral sentence appended so that message texts average about 200 bytes.
Step = tuple[str, str, str | None, int, str | None, str | None, str | None, bool]

GREETING: Step = (
    "bot",
    "message",
    "Hi {name}, I'm the Northwind virtual assistant. I can help with orders, deliveries, "
    "returns, refunds and your account. What can I do for you today?",
    0,
    None,
    "b",
    None,
    True,
)
ENDED: Step = ("system", "conversation_ended", None, 40, None, None, None, False)

SCENARIOS: dict[str, tuple[int, list[Step]]] = {
    # bot answers, the customer confirms
    "bot_resolved_confirmed": (
        28,
        [
            GREETING,
            (
                "customer",
                "message",
                "Hi, I ordered a {product} last week, order number {order}, and the tracking page has "
                "not updated since Tuesday. Can you tell me where it is?",
                35,
                None,
                "c",
                "order_status",
                True,
            ),
            (
                "bot",
                "message",
                "I found order {order}. Your {product} left our warehouse on Tuesday and is with the "
                "courier now. The current estimate is delivery by Friday between 8am and 6pm.",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Will I need to be at home to sign for it, or can the courier leave it in a safe place "
                "or with a neighbour?",
                40,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "Parcels of this size do not need a signature. If you are out, the courier leaves it in "
                "a safe place, and you can choose a preferred spot from the tracking link.",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "And if it has not arrived by Friday evening, what should I do about order {order}?",
                45,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "If order {order} has not arrived by Friday evening, come back to this chat with the "
                "order number and I can open a delivery investigation or arrange a replacement.",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Can I change the delivery day to Saturday instead, I'm at work all day on Friday?",
                50,
                None,
                "c",
                "change_delivery",
                True,
            ),
            (
                "bot",
                "message",
                "Done: order {order} is now booked for Saturday, 8am to 1pm. You will get a text on the "
                "morning with a one-hour window.",
                5,
                None,
                "b",
                None,
                True,
            ),
            ("customer", "message", "Perfect, thanks for your help!", 30, None, "c", None, False),
            ENDED,
        ],
    ),
    # bot answers, the customer only acknowledges
    "bot_resolved_assumed": (
        10,
        [
            GREETING,
            (
                "customer",
                "message",
                "I can't log in to my account, it keeps saying my password is wrong even though I just "
                "changed it on my phone this morning.",
                30,
                None,
                "c",
                "account_access",
                True,
            ),
            (
                "bot",
                "message",
                "For security I have sent a one-time reset link to the email address ending in "
                "{mask}. The link is valid for 30 minutes; open it on the device you want to use.",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Got the email. Do I have to sign out of the app on my phone first, or will it update "
                "by itself?",
                90,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "You do not need to sign out. Once the new password is saved the app asks you to sign "
                "in again, and your saved baskets and order history stay as they are.",
                4,
                None,
                "b",
                None,
                True,
            ),
            ("customer", "message", "ok", 25, None, "c", None, False),
            (
                "bot",
                "message",
                "You can also manage your password and sign-in options under Account settings at any "
                "time.",
                3,
                None,
                "b",
                None,
                True,
            ),
            ENDED,
        ],
    ),
    # fallback, the customer asks for a human, platform handoff events, agent repeats questions
    "handoff_events_agent": (
        20,
        [
            GREETING,
            (
                "customer",
                "message",
                "My refund for order {order} still hasn't shown up on my card, it has been over two "
                "weeks since your courier collected the {product}.",
                40,
                None,
                "c",
                "refund_status",
                True,
            ),
            (
                "bot",
                "message",
                "I can see a refund for order {order} was approved. Refunds usually take 5 to 10 "
                "working days to appear, depending on your bank.",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "That's not helpful, it has been more than 10 working days already and my bank says "
                "nothing is pending.",
                50,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "Sorry, I didn't quite understand that. Could you rephrase your question, for example "
                "'where is my refund' or 'change my delivery address'?",
                3,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "I want to speak to a real person please, this is the third time I'm asking about "
                "order {order}.",
                30,
                None,
                "c",
                "talk_to_human",
                True,
            ),
            (
                "bot",
                "message",
                "Of course. I'm connecting you to one of our customer service agents now. Please stay "
                "in this chat; your place in the queue is kept even if you close the app.",
                3,
                None,
                "b",
                None,
                False,
            ),
            ("system", "handoff_initiated", None, 1, "{queue}", None, None, False),
            ("system", "queued", None, 1, "{queue}", None, None, False),
            ("system", "agent_joined", None, 300, "{queue}", "a1", None, False),
            (
                "agent",
                "message",
                "Hi {name}, my name is {agent} from the refunds team. Sorry to hear about the wait. "
                "Could you give me your order number so I can look into this?",
                20,
                "{queue}",
                "a1",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "I already gave it to the bot twice, it's {order}. The {product} was collected on the "
                "3rd and I have the courier receipt.",
                45,
                None,
                "c",
                None,
                True,
            ),
            (
                "agent",
                "message",
                "Thank you, I have order {order} open now. The courier scanned the {product} back into "
                "our returns centre, but the refund was held for a manual check that never finished.",
                90,
                "{queue}",
                "a1",
                None,
                True,
            ),
            (
                "agent",
                "message",
                "I've released it now: {amount} will be back on your card within 3 working days, and "
                "I've added a note to order {order} so you will not need to explain this again.",
                40,
                "{queue}",
                "a1",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Thank you, I appreciate you sorting that out so quickly.",
                40,
                None,
                "c",
                None,
                False,
            ),
            (
                "agent",
                "message",
                "You're welcome, {name}. Is there anything else I can help with on order {order} "
                "today?",
                15,
                "{queue}",
                "a1",
                None,
                True,
            ),
            ("customer", "message", "No, that's all, have a good day.", 30, None, "c", None, False),
            ENDED,
        ],
    ),
    # no platform events: the handoff is only visible in the bot's transfer notice
    "handoff_text_only": (
        12,
        [
            GREETING,
            (
                "customer",
                "message",
                "I'd like to change the delivery address on order {order}, I'm moving house next week "
                "and the {product} is due to arrive on Monday.",
                40,
                None,
                "c",
                "change_address",
                True,
            ),
            (
                "bot",
                "message",
                "Changing the address after dispatch needs one of our team. Let me transfer you to a "
                "delivery specialist who can update order {order} for you.",
                4,
                None,
                "b",
                None,
                False,
            ),
            (
                "agent",
                "message",
                "Hello {name}, this is {agent} in deliveries. Which address would you like order "
                "{order} sent to instead?",
                120,
                "deliveries",
                "a1",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Please send it to 14 Harbour Street, Leith, EH6 6LP. Same name and phone number as "
                "before.",
                60,
                None,
                "c",
                None,
                True,
            ),
            (
                "agent",
                "message",
                "Order {order} is already with the courier, so I'm moving you to our courier liaison "
                "colleague who can change it directly.",
                45,
                "deliveries",
                "a1",
                None,
                True,
            ),
            ("system", "transfer", None, 2, "courier-liaison", "a2", None, False),
            (
                "agent",
                "message",
                "Hi {name}, {agent2} here. Can you confirm the order number and the postcode of the "
                "original address for me?",
                150,
                "courier-liaison",
                "a2",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Again? It's {order}, and the old postcode is EH3 9QP.",
                40,
                None,
                "c",
                None,
                False,
            ),
            (
                "agent",
                "message",
                "Thanks. The change request for order {order} is with the courier; you will get a text "
                "and an email once the new address is accepted, normally within 2 hours.",
                60,
                "courier-liaison",
                "a2",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "Great, thanks a lot for sorting it.",
                30,
                None,
                "c",
                None,
                False,
            ),
            ENDED,
        ],
    ),
    # handoff attempted, no agent available
    "handoff_failed": (
        6,
        [
            GREETING,
            (
                "customer",
                "message",
                "My {product} arrived with a cracked screen, order {order}. I need a replacement "
                "before the weekend, it was a birthday present.",
                40,
                None,
                "c",
                "damaged_item",
                True,
            ),
            (
                "bot",
                "message",
                "You can start a return for damaged items from Your orders: choose order {order} and "
                "select 'Arrived damaged'. Would you like the link?",
                4,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "No, I need to talk to an agent about a replacement, not a return.",
                30,
                None,
                "c",
                "talk_to_human",
                False,
            ),
            (
                "bot",
                "message",
                "Sure, I'm transferring you to an agent now.",
                3,
                None,
                "b",
                None,
                False,
            ),
            ("system", "handoff_initiated", None, 1, "returns", None, None, False),
            ("system", "queued", None, 1, "returns", None, None, False),
            ("system", "handoff_failed", None, 120, "returns", None, None, False),
            (
                "bot",
                "message",
                "Sorry, no agents are currently available. Our team is here Monday to Friday 8am to "
                "8pm; please try again later or leave a message and we will email you.",
                1,
                None,
                "b",
                None,
                False,
            ),
            ("customer", "message", "This is useless.", 20, None, "c", None, False),
            ENDED,
        ],
    ),
    # queued, the customer gives up before an agent joins
    "abandoned_in_queue": (
        6,
        [
            GREETING,
            ("customer", "message", "speak to a human", 20, None, "c", "talk_to_human", False),
            (
                "bot",
                "message",
                "Okay, I'm putting you through to the next available advisor. You are number {qpos} "
                "in the queue.",
                3,
                None,
                "b",
                None,
                False,
            ),
            ("system", "handoff_initiated", None, 1, "billing", None, None, False),
            ("system", "queued", None, 1, "billing", None, None, False),
            (
                "customer",
                "message",
                "I was charged twice for order {order}, once on the 2nd and again on the 4th, the same "
                "amount both times. Can someone look at this?",
                60,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "Thanks for your patience, you're still in the queue. The estimated wait is about "
                "{wait} minutes.",
                240,
                None,
                "b",
                None,
                True,
            ),
            ("customer", "message", "hello? is anyone there?", 400, None, "c", None, False),
            ENDED,
        ],
    ),
    # the bot does not understand; the customer leaves
    "fallback_abandoned": (
        12,
        [
            GREETING,
            (
                "customer",
                "message",
                "can I use my gift card and a discount code together on the same order, and does the "
                "discount apply to the delivery charge as well?",
                40,
                None,
                "c",
                "promo",
                True,
            ),
            (
                "bot",
                "message",
                "Sorry, I didn't understand that. You can ask me about orders, deliveries, returns and "
                "refunds, or type 'menu' to see everything I can help with.",
                3,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "gift card plus discount code on one order, is that allowed or not?",
                30,
                None,
                "c",
                None,
                True,
            ),
            (
                "bot",
                "message",
                "Hmm, I'm not sure I understand. Could you rephrase that? For example: 'track my "
                "order' or 'start a return'.",
                3,
                None,
                "b",
                None,
                True,
            ),
            ("customer", "message", "discount code + gift card", 25, None, "c", None, False),
            (
                "bot",
                "message",
                "I'm still learning and don't have an answer to that yet. I can help with tracking an "
                "order, returns, refunds and account settings.",
                3,
                None,
                "b",
                None,
                True,
            ),
            (
                "customer",
                "message",
                "never mind, this doesn't help at all",
                30,
                None,
                "c",
                None,
                False,
            ),
            ENDED,
        ],
    ),
    # the greeting only
    "unengaged": (6, [GREETING, ENDED]),
}

PADDING = [
    "You can find more about this in the Help Centre under Orders and Deliveries.",
    "Your reference for this chat is shown at the top of the window.",
    "I'm writing from my phone, so sorry about any typos in this message.",
    "All times are shown in your local time zone.",
    "The details are also in the confirmation email we sent when you placed the order.",
    "I checked the app this morning and again just now before writing.",
    "Opening hours for our stores are listed on the store finder page.",
    "We never ask for your full card number in chat.",
]
NAMES = [
    "Alex",
    "Sam",
    "Priya",
    "Jordan",
    "Maria",
    "Tom",
    "Aisha",
    "Chen",
    "Olivia",
    "Lukas",
    "Fatima",
    "Noah",
    "Emma",
    "Kwame",
    "Sofia",
    "Ravi",
    "Hannah",
    "Mateo",
    "Yuki",
    "Grace",
]
AGENTS = ["Dana", "Marcus", "Ines", "Peter", "Leila", "Owen", "Ruth", "Karim", "Nina", "Jake"]
PRODUCTS = [
    "coffee machine",
    "desk lamp",
    "pair of trainers",
    "tablet",
    "winter coat",
    "blender",
    "phone case",
    "garden chair",
    "printer",
    "rucksack",
]
QUEUES = ["refunds", "orders", "payments", "returns"]
CHANNELS = ["web"] * 11 + ["app"] * 6 + ["whatsapp"] * 3


def _sql_str(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join(_sql_str(v) for v in values) + "]"


def _template_rows() -> tuple[str, float]:
    """VALUES rows for the step table, and the weighted mean number of steps per conversation."""
    rows: list[str] = []
    lo = 0
    for name, (weight, steps) in SCENARIOS.items():
        for no, (role, event, text, gap, queue, who, intent, pad) in enumerate(steps, 1):
            rows.append(
                f"({_sql_str(name)}, {lo}, {lo + weight}, {no}, {_sql_str(role)}, "
                f"{_sql_str(event)}, {_sql_str(text)}, {gap}, {_sql_str(queue)}, "
                f"{_sql_str(who)}, {_sql_str(intent)}, {str(pad).lower()})"
            )
        lo += weight
    if lo != 100:
        raise ValueError(f"scenario weights must sum to 100, not {lo}")
    mean_steps = sum(w * len(s) for w, s in SCENARIOS.values()) / 100
    return ",\n".join(rows), mean_steps


def generate(
    path: Path,
    messages: int,
    seed: int,
    *,
    first: int = 0,
    start: str = "2026-01-05",
    days: int = 91,
) -> dict[str, Any]:
    """Write about `messages` canonical JSONL records to `path`; returns what was written.

    Conversations are numbered from `first` (a later file's conversations are new ones) and start
    within `days` days of `start`.
    """
    values, mean_steps = _template_rows()
    n_conv = max(1, round(messages / mean_steps))
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE tpl (scenario VARCHAR, lo INT, hi INT, step INT, role VARCHAR, event VARCHAR,
                          body VARCHAR, gap INT, queue VARCHAR, who VARCHAR, intent VARCHAR,
                          pad BOOLEAN);
        INSERT INTO tpl VALUES {values};
    """)
    con.execute(
        """
        CREATE TABLE conv AS
        SELECT i,
               'conv-' || lpad(CAST(i AS VARCHAR), 8, '0') AS conversation_id,
               CAST(hash(i, $seed) % 100 AS INT) AS pick,
               CAST(hash(i, $seed, 'x') >> 2 AS BIGINT) AS h,
               CAST($start AS TIMESTAMP)
                   + to_seconds(CAST(hash(i, $seed, 't') % ($days * 86400) AS BIGINT)) AS started
        FROM range($first, $first + $n) r(i)
        """,
        {"seed": seed, "n": n_conv, "first": first, "start": start, "days": days},
    )
    con.execute(
        """
        CREATE TABLE msgs AS
        WITH steps AS (
            SELECT c.*, t.* EXCLUDE (lo, hi),
                   CAST(hash(c.i, t.step, $seed) >> 2 AS BIGINT) AS hs
            FROM conv c JOIN tpl t ON c.pick >= t.lo AND c.pick < t.hi
        ),
        timed AS (
            SELECT *,
                   started + to_seconds(CAST(sum(
                       CASE WHEN step = 1 THEN 0 ELSE 1 + gap // 2 + hs % (gap + 1) END
                   ) OVER (PARTITION BY i ORDER BY step) AS BIGINT)) AS ts
            FROM steps
        ),
        filled AS (
            SELECT *,
                   'NW-' || lpad(CAST(1000000 + h % 9000000 AS VARCHAR), 7, '0') AS order_no,
                   $names[1 + h % 20] AS name,
                   $agents[1 + (h // 7) % 10] AS agent1,
                   $agents[1 + (h // 7 + 3) % 10] AS agent2,
                   $products[1 + (h // 11) % 10] AS product,
                   $queues[1 + (h // 13) % 4] AS q
            FROM timed
        )
        SELECT
            conversation_id,
            strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS "timestamp",
            role,
            CASE WHEN body IS NOT NULL THEN
                replace(replace(replace(replace(replace(replace(replace(replace(replace(body,
                    '{name}', name), '{order}', order_no), '{product}', product),
                    '{agent}', CASE WHEN who = 'a2' THEN agent2 ELSE agent1 END),
                    '{agent2}', agent2),
                    '{amount}', '£' || CAST(12 + h % 380 AS VARCHAR) || '.99'),
                    '{mask}', '…' || chr(CAST(97 + h % 26 AS INT)) || '@example.com'),
                    '{qpos}', CAST(1 + h % 9 AS VARCHAR)),
                    '{wait}', CAST(3 + h % 25 AS VARCHAR))
                || CASE WHEN pad THEN ' ' || $padding[1 + hs % 8] ELSE '' END
                || CASE WHEN pad AND hs % 3 <> 0 THEN ' ' || $padding[1 + (hs // 8) % 8]
                        ELSE '' END
            END AS text,
            event,
            conversation_id || '-' || lpad(CAST(step AS VARCHAR), 3, '0') AS message_id,
            replace(queue, '{queue}', q) AS queue,
            CASE who WHEN 'c' THEN 'cust-' || CAST(h % 5000000 AS VARCHAR)
                     WHEN 'b' THEN 'northwind-assistant'
                     WHEN 'a1' THEN 'agent-' || CAST(h % 240 AS VARCHAR)
                     WHEN 'a2' THEN 'agent-' || CAST(240 + h % 60 AS VARCHAR) END AS participant_id,
            intent,
            CASE WHEN step = 2 OR role = 'customer' THEN $channels[1 + (h // 17) % 20] END
                AS channel,
            CASE WHEN role = 'bot' THEN {
                'bot_version': 'nw-bot-' || CAST(4 + (h // 19) % 3 AS VARCHAR) || '.2',
                'locale': 'en-GB',
                'nlu_confidence': round(0.35 + (hs % 650) / 1000.0, 3)
            } END AS metadata,
            ts AS sort_ts,
            step
        FROM filled
        """,
        {
            "seed": seed,
            "names": NAMES,
            "agents": AGENTS,
            "products": PRODUCTS,
            "queues": QUEUES,
            "channels": CHANNELS,
            "padding": PADDING,
        },
    )
    # Logs arrive in time order, conversations interleaved.
    con.execute(
        f"COPY (SELECT * EXCLUDE (sort_ts, step) FROM msgs ORDER BY sort_ts, conversation_id, step)"
        f" TO {_sql_str(str(path))} (FORMAT json)"
    )
    row = con.execute(
        "SELECT count(*), count(DISTINCT conversation_id), avg(strlen(text)) FROM msgs"
    ).fetchone()
    con.close()
    assert row is not None
    return {"messages": row[0], "conversations": row[1], "mean_text_bytes": row[2]}


# --------------------------------------------------------------------------------------------
# Workers: one measured pipeline per process
# --------------------------------------------------------------------------------------------
def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


class Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.rss_after: dict[str, int] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.seconds.setdefault(name, 0.0)  # a stage is listed before the parts timed inside it
        start = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - start
        self.rss_after[name] = _peak_rss_bytes()

    @contextmanager
    def add(self, name: str) -> Iterator[None]:
        """Like `stage`, but time spent under the same name adds up."""
        start = time.perf_counter()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        self.rss_after[name] = _peak_rss_bytes()


def _report_available() -> bool:
    return importlib.util.find_spec("analyzer.report") is not None


def worker_baseline(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    clock = Clock()
    con = duckdb.connect()
    with clock.stage("baseline"):
        con.execute("CREATE TABLE t AS SELECT * FROM read_json($f)", {"f": str(data)})
    rows = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    return {"seconds": clock.seconds, "rss_after": clock.rss_after, "rows": rows[0] if rows else 0}


def _timed_engine(con: Any, clock: Clock) -> Any:
    """The product's DuckDB engine, with each table it writes timed as a sub-stage of `clock`."""
    from analyzer.engine import DuckDBEngine

    class TimedEngine(DuckDBEngine):
        def materialize(
            self, table: str, q: Any, params: Any = None, *, temp: bool = False
        ) -> None:
            with clock.add(f"  {_part(table)}"):
                super().materialize(table, q, params, temp=temp)

        def append(self, table: str, steps: Any, columns: Any) -> None:
            with clock.add(f"  {_part(table)}"):
                super().append(table, steps, columns)

    return TimedEngine(con)


def _part(table: str) -> str:
    """The refresh step a table belongs to, for the breakdown of where the time goes."""
    from analyzer.detect import SUPPORT_TABLES
    from analyzer.pipeline import statistic_queries

    if table in SUPPORT_TABLES:
        return "support tables"
    if table in {q.name for q in statistic_queries()}:
        return "statistics"
    return table


def worker_stages(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    """Load, then the product's refresh (analyzer.pipeline.refresh) with each step timed."""
    import analyzer
    from analyzer import pipeline, store
    from analyzer.ingest import load_files

    clock = Clock()
    db = analyzer.open_database(workdir / "stages.duckdb")
    con, config = db.con, db.config

    with clock.stage("load"), store.transaction(con):
        load_files(con, [data], config)
    # The same function Database.load and Database.refresh run, on an engine that times each table.
    with clock.stage("refresh"), store.transaction(con):
        pipeline.refresh(_timed_engine(con, clock), config)
    with clock.stage("metrics"):
        db.metrics()
    notes: list[str] = []
    report_bytes = None
    if _report_available():
        out = workdir / "stages-report.html"
        with clock.stage("report"):
            db.report(out, generated_at=REPORT_AT)
        report_bytes = out.stat().st_size
    else:
        notes.append("report stage skipped: analyzer.report is not in this checkout")

    def one(sql: str) -> Any:
        row = con.execute(sql).fetchone()
        return row[0] if row else None

    facts = {
        "events": one("SELECT count(*) FROM events"),
        "rejects": one("SELECT count(*) FROM rejects"),
        "conversations": one("SELECT count(*) FROM conversations"),
        "flags": one("SELECT count(*) FROM friction_flags"),
        "outcomes": con.execute(
            "SELECT outcome || coalesce('/' || handoff_outcome, ''), count(*) FROM conversations "
            "GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall(),
        "flag_counts": con.execute(
            "SELECT flag, count(*) FROM friction_flags GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall(),
    }
    db.close()
    return {
        "seconds": clock.seconds,
        "rss_after": clock.rss_after,
        "report_bytes": report_bytes,
        "db_bytes": (workdir / "stages.duckdb").stat().st_size,
        "notes": notes,
        "facts": facts,
    }


def worker_e2e(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    import analyzer

    clock = Clock()
    notes: list[str] = []
    report_bytes = None
    with clock.stage("end-to-end"):
        db = analyzer.open_database(workdir / "e2e.duckdb")
        db.load([data])
        db.metrics()
        if _report_available():
            out = workdir / "e2e-report.html"
            db.report(out, generated_at=REPORT_AT)
            report_bytes = out.stat().st_size
        else:
            notes.append("end-to-end ran without the report (no analyzer.report in this checkout)")
        db.close()
    return {
        "seconds": clock.seconds,
        "rss_after": clock.rss_after,
        "report_bytes": report_bytes,
        "notes": notes,
    }


def worker_incremental(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    """`handoff load` of the whole file into a new database, then of 1% new messages, then 1,000."""
    import analyzer

    clock = Clock()
    db = analyzer.open_database(workdir / "incremental.duckdb")
    refreshes: dict[str, str] = {}
    for stage, path in (
        ("full load", data),
        ("incremental +1%", extra["delta"]),
        ("incremental +1,000", extra["thousand"]),
    ):
        with clock.stage(stage):
            summary = db.load([path])
        refreshes[stage] = f"{summary.loaded:,} messages loaded; {summary.refresh}"
    db.close()
    return {"seconds": clock.seconds, "rss_after": clock.rss_after, "refreshes": refreshes}


def worker_peer(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    from peer_pandas import peer_analysis

    clock = Clock()
    with clock.stage("pandas peer"):
        result = peer_analysis(data)
    return {"seconds": clock.seconds, "rss_after": clock.rss_after, "peer": result}


def worker_baseline_disk(data: Path, workdir: Path, extra: dict[str, Path]) -> dict[str, Any]:
    clock = Clock()
    con = duckdb.connect(str(workdir / "baseline.duckdb"))
    with clock.stage("baseline on disk"):
        con.execute("CREATE TABLE t AS SELECT * FROM read_json($f)", {"f": str(data)})
        con.execute("CHECKPOINT")
    con.close()
    return {"seconds": clock.seconds, "rss_after": clock.rss_after}


Worker = Callable[[Path, Path, dict[str, Path]], dict[str, Any]]
WORKERS: dict[str, Worker] = {
    "baseline": worker_baseline,
    "baseline-disk": worker_baseline_disk,
    "stages": worker_stages,
    "end-to-end": worker_e2e,
    "incremental": worker_incremental,
    "peer": worker_peer,
}


def _child(args: list[str], log: Path) -> tuple[int, int]:
    """Run `args` in a child process (output to `log`); its exit code and its own peak RSS (bytes).

    The figure is the child's ru_maxrss from wait4, which counts the child alone (plus the small
    driver it was forked from: the driver never holds data, so it stays small).
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024  # Linux reports KiB


def run_worker(
    kind: str, data: Path, scratch: Path, source: Path, extra: dict[str, Path]
) -> dict[str, Any]:
    """Run one pipeline in a fresh process on a fresh database directory; return its figures."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=scratch))
    extras = [a for name, path in extra.items() for a in (f"--{name}", str(path))]
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--data", str(data)]
    args += ["--workdir", str(workdir), "--source", str(source), *extras]
    log = workdir / "worker.log"
    try:
        code, peak = _child(args, log)
        text = log.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            sys.stderr.write(text)
            raise SystemExit(f"{kind} worker failed with exit code {code}")
        line = next(ln for ln in reversed(text.splitlines()) if ln.startswith(RESULT_PREFIX))
        result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
        result["peak_rss"] = peak
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def make_data(path: Path, messages: int, seed: int, *, first: int, start: str, days: int) -> None:
    """Generate a data file in a child process, so the driver never holds the data."""
    args = [sys.executable, str(Path(__file__).resolve()), "--generate", str(path)]
    args += ["--messages", str(messages), "--seed", str(seed), "--first", str(first)]
    args += ["--start", start, "--days", str(days)]
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"generating {path} failed")
    made = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"data: {made['messages']:,} messages in {made['conversations']:,} conversations, "
        f"mean text {made['mean_text_bytes']:.0f} bytes, {_mb(path.stat().st_size)} "
        f"-> {path} (generated in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------
def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _gb(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def _revision(source: Path) -> str:
    def git(*cmd: str) -> str:
        proc = subprocess.run(
            ["git", "-C", str(source), *cmd], capture_output=True, text=True, check=False
        )
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "not a git checkout"
    return head + (" with uncommitted changes" if git("status", "--porcelain") else "")


def machine() -> str:
    con = duckdb.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    mem = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.close()
    return (
        f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} "
        f"{platform.release()}; python {platform.python_version()}; duckdb {duckdb.__version__} "
        f"(threads={threads[0] if threads else '?'}, memory_limit={mem[0] if mem else '?'})"
    )


DEFAULT_PIPELINES = ("baseline", "baseline-disk", "stages", "end-to-end", "incremental")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--messages", type=int, default=1_000_000, help="about how many messages")
    ap.add_argument("--runs", type=int, default=3, help="runs per pipeline (medians reported)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic data")
    ap.add_argument(
        "--out-dir",
        type=Path,
        default=HERE / "data",
        help="where the data file and scratch databases go (default benchmarks/data)",
    )
    ap.add_argument(
        "--keep-data",
        action="store_true",
        help="keep the JSONL files (and reuse them next time with the same size and seed)",
    )
    ap.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    ap.add_argument(
        "--source",
        type=Path,
        default=HERE.parent,
        help="checkout whose analyzer package is measured (default: this one)",
    )
    ap.add_argument(
        "--peer", action="store_true", help="also time the pandas peer (benchmarks/peer_pandas.py)"
    )
    ap.add_argument(
        "--only",
        help=f"comma-separated pipelines to run (default: {','.join(DEFAULT_PIPELINES)})",
    )
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--delta", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--thousand", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--start", default="2026-01-05", help=argparse.SUPPRESS)
    ap.add_argument("--days", type=int, default=91, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.runs < 1 and not args.worker:
        ap.error("--runs must be at least 1")
    if args.generate:
        made = generate(
            args.generate,
            args.messages,
            args.seed,
            first=args.first,
            start=args.start,
            days=args.days,
        )
        print(json.dumps(made, default=str))
        return 0

    source: Path = args.source.resolve()
    if not (source / "analyzer" / "__init__.py").is_file():
        ap.error(f"{source} holds no analyzer package")
    if args.worker:
        sys.path.insert(0, str(source))
        sys.path.insert(0, str(HERE))  # peer_pandas
        extra = {k: getattr(args, k) for k in ("delta", "thousand") if getattr(args, k)}
        result = WORKERS[args.worker](args.data, args.workdir, extra)
        print(RESULT_PREFIX + json.dumps(result, default=str))
        return 0

    pipelines = [p.strip() for p in args.only.split(",")] if args.only else list(DEFAULT_PIPELINES)
    if args.peer and "peer" not in pipelines:
        pipelines.append("peer")
    unknown = [p for p in pipelines if p not in WORKERS]
    if unknown or "baseline" not in pipelines:
        ap.error(f"--only takes {', '.join(WORKERS)} and must include baseline")

    out_dir: Path = args.out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"messages-{args.messages}-seed{args.seed}"
    data = out_dir / f"{stem}.jsonl"
    # 1% new messages, and then 1,000 more: new conversations after the base file's, a week later.
    base_conversations = args.messages  # an upper bound of the base file's conversation numbers
    extra = {
        "delta": out_dir / f"{stem}-plus1pct.jsonl",
        "thousand": out_dir / f"{stem}-plus1k.jsonl",
    }
    files = [
        (data, args.messages, 0, "2026-01-05", 91),
        (extra["delta"], max(1, args.messages // 100), base_conversations, "2026-04-06", 7),
        (extra["thousand"], 1000, 2 * base_conversations, "2026-04-13", 7),
    ]
    print(machine())
    print(f"code: {source} ({_revision(source)})")
    for path, n, first, start, days in files:
        if path.is_file() and args.keep_data:
            print(f"data: reusing {path} ({_mb(path.stat().st_size)})")
        else:
            make_data(path, n, args.seed, first=first, start=start, days=days)
    package = source / "analyzer"
    if not ((package / "report.py").is_file() or (package / "report").is_dir()):
        print("note: analyzer.report is not in this checkout; the report stage is skipped")

    scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=out_dir))
    results: dict[str, list[dict[str, Any]]] = {k: [] for k in pipelines}
    try:
        for run in range(1, args.runs + 1):
            for kind in pipelines:
                r = run_worker(kind, data, scratch, source, extra)
                results[kind].append(r)
                secs = ", ".join(f"{k.strip()} {v:.2f}s" for k, v in r["seconds"].items())
                print(
                    f"run {run}/{args.runs} {kind}: {secs}; peak RSS {_gb(r['peak_rss'])}",
                    flush=True,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep_data:
            for path, *_ in files:
                path.unlink(missing_ok=True)

    summary = summarise(results)
    print_summary(results, summary)
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "runs": results}, indent=2, default=str)
        )
    return 0


def _ratio(medians: dict[str, float], a: str, b: str) -> float | None:
    return medians[a] / medians[b] if a in medians and b in medians and medians[b] else None


def summarise(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    medians: dict[str, float] = {}
    for runs in results.values():
        for stage in runs[0]["seconds"]:
            medians[stage] = statistics.median(r["seconds"][stage] for r in runs)
    rows = results["baseline"][0]["rows"]
    reports = [
        r["report_bytes"]
        for k in ("stages", "end-to-end")
        for r in results.get(k, [])
        if r.get("report_bytes")
    ]
    detectors = sum(medians.get(f"  {t}", 0.0) for t in ("support tables", "friction_flags"))
    return {
        "messages": rows,
        "medians": medians,
        "e2e_ratio": _ratio(medians, "end-to-end", "baseline"),
        "load_disk_ratio": _ratio(medians, "full load", "baseline on disk"),
        "detectors_load_ratio": detectors / medians["load"] if "load" in medians else None,
        "incremental_ratio": _ratio(medians, "incremental +1%", "full load"),
        "thousand_seconds": medians.get("incremental +1,000"),
        "peer_ratio": _ratio(medians, "pandas peer", "end-to-end"),
        "report_bytes": max(reports) if reports else None,
        "peak_rss": {k: max(r["peak_rss"] for r in runs) for k, runs in results.items()},
        "runs": len(results["baseline"]),
    }


def _target(label: str, value: float | None, target: float, *, unit: str = "x") -> None:
    if value is None:
        return
    ok = value <= target
    print(f"{label:<34}: {value:.3g}{unit} (target <= {target:g}{unit}) {_verdict(ok)}")


def print_summary(results: dict[str, list[dict[str, Any]]], s: dict[str, Any]) -> None:
    base = s["medians"]["baseline"]
    n = s["messages"]
    print()
    print(f"{n:,} messages, median of {s['runs']} run(s) per figure")
    print(
        f"{'stage':<22} {'median s':>9} {'messages/s':>12} {'x baseline':>11} "
        f"{'peak RSS so far':>16}"
    )
    for stage, secs in s["medians"].items():
        rss = next(
            (
                runs[0]["rss_after"][stage]
                for runs in results.values()
                if stage in runs[0]["rss_after"]
            ),
            None,
        )
        print(
            f"{stage:<22} {secs:>9.2f} {n / secs if secs else float('inf'):>12,.0f} "
            f"{secs / base:>10.2f}x {_gb(rss) if rss else '':>16}"
        )
    print()
    _target("end-to-end / bare read_json", s["e2e_ratio"], TARGET_E2E_RATIO)
    _target("handoff load / read_json into file", s["load_disk_ratio"], TARGET_LOAD_DISK_RATIO)
    _target("detectors / load", s["detectors_load_ratio"], TARGET_DETECTORS_LOAD_RATIO)
    if s["incremental_ratio"] is not None:
        _target("incremental +1% / full load", 100 * s["incremental_ratio"], 5.0, unit="%")
    _target("incremental +1,000 messages", s["thousand_seconds"], 3.0, unit=" s")
    if s["peer_ratio"] is not None:
        print(
            f"{'pandas peer / end-to-end':<34}: {s['peer_ratio']:.3g}x "
            f"(target >= {TARGET_PEER_RATIO:g}x) {_verdict(s['peer_ratio'] >= TARGET_PEER_RATIO)}"
        )
    if s["report_bytes"] is not None:
        ok = s["report_bytes"] < TARGET_REPORT_MB * 1e6
        print(
            f"{'report size':<34}: {_mb(s['report_bytes'])} "
            f"(target < {TARGET_REPORT_MB:g} MB) {_verdict(ok)}"
        )
    for kind, rss in s["peak_rss"].items():
        if kind.startswith("baseline") or kind == "peer":
            # the yardsticks: DuckDB's own read and the pandas notebook have no target
            print(f"{'peak RSS ' + kind:<34}: {_gb(rss)}")
            continue
        print(
            f"{'peak RSS ' + kind:<34}: {_gb(rss)} (target < {TARGET_RSS_GB:g} GB) "
            f"{_verdict(rss < TARGET_RSS_GB * 1e9)}"
        )
    for r in results.get("incremental", [])[:1]:
        for stage, what in r["refreshes"].items():
            print(f"{stage}: {what}")
    for r in results.get("peer", [])[:1]:
        print(f"pandas peer found: {r['peer']}")
    if "stages" in results:
        facts = results["stages"][0]["facts"]
        print()
        print(
            f"database: {facts['events']:,} events, {facts['rejects']:,} rejects, "
            f"{facts['conversations']:,} conversations, {facts['flags']:,} flags, "
            f"file {_mb(results['stages'][0]['db_bytes'])}"
        )
        print("outcomes: " + ", ".join(f"{k} {v:,}" for k, v in facts["outcomes"]))
        print("flags: " + ", ".join(f"{k} {v:,}" for k, v in facts["flag_counts"]))
    for note in sorted({n for runs in results.values() for r in runs for n in r.get("notes", [])}):
        print(f"note: {note}")


if __name__ == "__main__":
    raise SystemExit(main())
