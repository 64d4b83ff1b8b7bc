"""The headline metrics: one record per metric, and the tables `queries/metrics/` computes.

`REGISTRY` is the one definition of every headline number: the column of
`queries/metrics/rates.sql` that holds it, its numerator and denominator columns, whether higher is
better, how it is shown and what it means. The report's tiles, the comparison with the previous
period, the definitions table, the archive index, the terminal headline and the `[alerts]` rules
all iterate it, so a metric added here shows up everywhere at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analyzer.config import Config
from analyzer.engine import Engine
from analyzer.sql import query


@dataclass(frozen=True)
class Metric:
    """One headline metric.

    Attributes:
        key: stable name: the tile's `data-kpi`, the `--json` and archive key, the alert name.
        label: the name people read.
        column: the column of the rates query holding the value.
        kind: "rate" (numerator / denominator), "count" or "quantile" (median, p90).
        numerator: column counted (rates), or the column counting the values (quantiles).
        denominator: column divided by (rates); "" otherwise.
        direction: "higher_better", "higher_worse", or "neither" (volumes).
        format: "rate", "int", "seconds" or "number".
        numerator_text: the numerator in words (definitions table, docs/metrics.md).
        denominator_text: the denominator in words.
        detail: what the tile says under its value, after "N of M": "engaged", "handed off".
        needs: what the data must have for the metric to be measurable: "" (always),
            "bot", "agent", "times" or "customer_id".
        archive: shown in the archive index and printed on the terminal.
        tile: shown as a headline tile.
        parts: keys of the metrics that split this one, shown in its tile's detail.
    """

    key: str
    label: str
    column: str
    kind: str
    numerator: str
    denominator: str
    direction: str
    format: str
    numerator_text: str
    denominator_text: str
    detail: str = ""
    needs: str = ""
    archive: bool = False
    tile: bool = True
    parts: tuple[str, ...] = ()

    @property
    def higher(self) -> str:
        """ "better", "worse" or "" (neither): the comparison's reading of a rise."""
        return {"higher_better": "better", "higher_worse": "worse"}.get(self.direction, "")


def _rate(
    key: str,
    label: str,
    numerator: str,
    denominator: str,
    direction: str,
    texts: tuple[str, str],
    detail: str,
    **kw: Any,
) -> Metric:
    return Metric(
        key, label, key, "rate", numerator, denominator, direction, "rate", *texts, detail, **kw
    )


REGISTRY: tuple[Metric, ...] = (
    Metric(
        "conversations",
        "Conversations",
        "conversations",
        "count",
        "conversations",
        "",
        "neither",
        "int",
        "conversations that started in the period",
        "—",
        archive=True,
    ),
    Metric(
        "engaged",
        "Engaged",
        "engaged",
        "count",
        "engaged",
        "conversations",
        "neither",
        "int",
        "conversations with at least one customer message",
        "conversations",
        "conversations had a customer message",
        archive=True,
    ),
    _rate(
        "bot_resolution_rate",
        "Bot resolution rate",
        "bot_resolved",
        "engaged",
        "higher_better",
        ("engaged conversations the bot resolved (confirmed or assumed)", "engaged"),
        "engaged",
        needs="bot",
        archive=True,
        parts=("confirmed_resolution_rate", "assumed_resolution_rate"),
    ),
    _rate(
        "confirmed_resolution_rate",
        "· confirmed",
        "resolved_confirmed",
        "engaged",
        "higher_better",
        ("bot-resolved where the customer's last message confirmed it", "engaged"),
        "engaged",
        needs="bot",
        tile=False,
    ),
    _rate(
        "assumed_resolution_rate",
        "· assumed",
        "resolved_assumed",
        "engaged",
        "higher_better",
        ("bot-resolved where the bot answered last, without confirmation", "engaged"),
        "engaged",
        needs="bot",
        tile=False,
    ),
    _rate(
        "durable_resolution_rate",
        "Durable resolution rate",
        "durable_resolved",
        "engaged_identified",
        "higher_better",
        (
            "bot-resolved conversations whose customer did not start another conversation within "
            "[thresholds] recontact_days (default 7) after it ended",
            "engaged conversations with a customer_id",
        ),
        "engaged with a customer id were resolved for good (not back within the recontact window)",
        needs="customer_id",
        archive=True,
    ),
    _rate(
        "handoff_rate",
        "Handoff rate",
        "handed_off",
        "engaged",
        "higher_worse",
        ("engaged conversations handed to a human", "engaged"),
        "engaged",
        needs="bot",
        archive=True,
    ),
    _rate(
        "graceful_handoff_rate",
        "Graceful handoff rate",
        "handed_off_graceful",
        "handed_off",
        "higher_better",
        ("handed-off conversations without any friction flag", "handed off"),
        "handed off had no friction flag",
        needs="agent",
        archive=True,
    ),
    _rate(
        "abandonment_rate",
        "Abandonment rate",
        "abandoned",
        "engaged",
        "higher_worse",
        ("engaged conversations the customer left unresolved", "engaged"),
        "engaged",
        needs="bot",
    ),
    _rate(
        "abandoned_in_queue_rate",
        "Abandoned in queue",
        "abandoned_in_queue",
        "handed_off_in_log",
        "higher_worse",
        (
            "handoffs no agent answered before the customer left",
            "handed off, human part in the log (not not_in_log)",
        ),
        "handed off, human part in the log",
        needs="agent",
        archive=True,
    ),
    _rate(
        "handoff_failed_rate",
        "Handoff failed",
        "handoff_failed",
        "handed_off",
        "higher_worse",
        ("handoffs the platform or bot reported as failed", "handed off"),
        "handed off",
        needs="agent",
    ),
    _rate(
        "recontact_after_handoff_rate",
        "Recontact after handoff",
        "recontacted_after_handoff",
        "handed_off_identified",
        "higher_worse",
        (
            "handed-off conversations whose customer started another conversation within "
            "[thresholds] recontact_days after it ended",
            "handed-off conversations with a customer_id",
        ),
        "handed off with a customer id came back",
        needs="customer_id",
    ),
    Metric(
        "time_to_agent_median",
        "Time to agent, median",
        "time_to_agent_median_s",
        "quantile",
        "agent_engaged",
        "",
        "higher_worse",
        "seconds",
        "seconds from handoff to the first agent message (median)",
        "handoffs an agent answered, with times",
        "handoffs an agent answered",
        needs="times",
    ),
    Metric(
        "time_to_agent_p90",
        "Time to agent, p90",
        "time_to_agent_p90_s",
        "quantile",
        "agent_engaged",
        "",
        "higher_worse",
        "seconds",
        "seconds from handoff to the first agent message (90th percentile)",
        "handoffs an agent answered, with times",
        "handoffs an agent answered",
        needs="times",
    ),
    Metric(
        "bot_turns_before_handoff",
        "Bot turns before handoff, median",
        "bot_turns_before_handoff_median",
        "quantile",
        "handed_off",
        "",
        "higher_worse",
        "number",
        "bot messages before the handoff (median)",
        "handed off",
        "handed-off conversations",
        needs="bot",
    ),
    _rate(
        "friction_rate",
        "Friction rate",
        "handed_off_with_friction",
        "handed_off",
        "higher_worse",
        ("handoffs with at least one friction flag", "handed off"),
        "handed off had a flag",
        needs="agent",
        archive=True,
    ),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in REGISTRY}
BY_COLUMN: dict[str, Metric] = {m.column: m for m in REGISTRY}

# Definitions that are not headline numbers but are counted the same way everywhere.
OTHER_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    ("Flag rate", "handoffs with that flag", "handed off (same week / queue / channel)"),
    (
        "Bot-phase flag rate",
        "engaged conversations never handed to a human with that flag (bot_loop, "
        "ignored_handoff_request)",
        "engaged, not handed off",
    ),
    (
        "Review precision",
        "reviewers' latest verdicts 'confirmed' on the flag (all periods)",
        "latest verdicts 'confirmed' or 'false_positive' ('unsure' left out)",
    ),
)


def metric(key: str) -> Metric:
    return BY_KEY[key]


def plain(value: object) -> object:
    """A value of a metric table as plain Python: None for NaN, NaT and NA."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class Metrics:
    """Metric tables for one period (definitions: `REGISTRY`, docs/metrics.md)."""

    rates: pd.DataFrame  # one row per (dimension, key): counts and rates
    flag_rates: pd.DataFrame  # one row per (flag, dimension, key)

    def headline(self) -> dict[str, Any]:
        """The period's overall row as plain Python values (None where a rate has no denominator)."""
        row = self.rates[self.rates["dimension"] == "all"]
        if row.empty:
            return {}
        return {str(k): plain(v) for k, v in row.iloc[0].to_dict().items()}


def headline_values(row: Mapping[str, Any], *, archived_only: bool = False) -> dict[str, Any]:
    """{metric key: value} of the registry's metrics in `row` (a headline), None when undefined."""
    return {m.key: plain(row.get(m.column)) for m in REGISTRY if m.archive or not archived_only}


def recontact_days(config: Config) -> float:
    """[thresholds] recontact_days: the window in which a returning customer counts as recontact."""
    return float(config.data.get("thresholds", {})["recontact_days"])


def metrics_on(engine: Engine, bounds: Mapping[str, Any], recontact_days: float = 7) -> Metrics:
    """Every metric query of `queries/metrics/` the report reads, run on `engine`."""
    params = {"recontact_days": recontact_days, **bounds}
    return Metrics(
        rates=engine.fetch(query("metrics", "rates"), params),
        flag_rates=engine.fetch(query("metrics", "flag_rates"), params),
    )
