"""What the period's logs can measure: partial logs get a banner, and the metrics and flags they
cannot support are shown as "not measurable here" instead of a misleading 0% or 100%."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from analyzer.metrics import REGISTRY
from analyzer.report.context import Banner
from analyzer.sql import query, run

# Flags that need the agent side of the conversation, or times, to be found at all.
AGENT_FLAGS = (
    "customer_repeated",
    "agent_reasked",
    "missing_transition",
    "misroute",
    "long_queue_wait",
    "abandoned_in_queue",
    "handoff_failed",
    "ping_pong",
)
TIME_FLAGS = ("long_queue_wait",)
BOT_FLAGS = ("bot_loop", "ignored_handoff_request", "missing_transition")

_WHY = {
    "bot": "no bot messages in these logs",
    "agent": "no agent messages in these logs",
    "times": "these logs have no times",
    "customer_id": "no customer_id in these logs",
}


@dataclass(frozen=True)
class Coverage:
    """Counts of the period's conversations that have each kind of evidence."""

    conversations: int
    with_bot: int
    with_agent: int
    with_handoff: int
    with_wait: int
    with_times: int
    with_customer_id: int
    with_csat: int
    with_handle_time: int

    def missing(self) -> set[str]:
        """The kinds of evidence the logs lack: bot, agent, times, customer_id."""
        gone = set()
        if self.conversations and not self.with_bot:
            gone.add("bot")
        if self.conversations and not self.with_agent:
            gone.add("agent")
        if self.conversations and not self.with_times:
            gone.add("times")
        if self.conversations and not self.with_customer_id:
            gone.add("customer_id")
        return gone

    def unmeasurable(self) -> dict[str, str]:
        """Metric key -> why it is not measurable here."""
        gone = self.missing()
        out = {m.key: _WHY[m.needs] for m in REGISTRY if m.needs in gone}
        if "agent" in gone:  # no agent message: no wait for one either
            for key in ("time_to_agent_median", "time_to_agent_p90"):
                out.setdefault(key, _WHY["agent"])
        if "times" not in gone and "agent" not in gone and not self.with_wait:
            for key in ("time_to_agent_median", "time_to_agent_p90"):
                out.setdefault(key, "no handoff an agent answered has times")
        return out

    def unmeasurable_flags(self) -> dict[str, str]:
        """Flag -> why its detector cannot fire on these logs."""
        gone = self.missing()
        out: dict[str, str] = {}
        for need, flags in (("agent", AGENT_FLAGS), ("times", TIME_FLAGS), ("bot", BOT_FLAGS)):
            if need in gone:
                for f in flags:
                    out.setdefault(f, _WHY[need])
        return out

    def banners(self) -> tuple[Banner, ...]:
        gone = self.missing()
        out = []
        if "bot" in gone:
            out.append(
                Banner(
                    "banner-no-bot",
                    "These logs have no bot side (customer and agent messages only): bot "
                    "resolution, handoff and abandonment rates and the bot-phase flags are not "
                    "measurable here.",
                )
            )
        if "agent" in gone:
            out.append(
                Banner(
                    "banner-no-agent",
                    "These logs have no agent side (bot-only export): what happened after a "
                    "handoff, time to agent, friction after the handoff and the graceful handoff "
                    "rate are not measurable here.",
                )
            )
        if "times" in gone:
            out.append(
                Banner(
                    "banner-no-times",
                    "These logs have no times: waits, time to agent, long_queue_wait, days, "
                    "weeks and recontacts are not measurable here.",
                )
            )
        return tuple(out)


def coverage(con: duckdb.DuckDBPyConnection, bounds: dict[str, Any]) -> Coverage:
    row = run(con, query("report", "coverage"), bounds).df().iloc[0]
    return Coverage(**{k: int(row[k]) for k in Coverage.__dataclass_fields__})
