"""Alert rules from `[alerts]`, checked against a period's headline metrics and the period before."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from analyzer.errors import ConfigError
from analyzer.metrics import BY_COLUMN, BY_KEY

ALERT_EXIT_CODE = 3
_RULE = re.compile(r"^(?P<metric>[a-z0-9_]+?)_(?P<kind>above|below|up_by_points|down_by_points)$")


@dataclass(frozen=True)
class Alert:
    rule: str
    metric: str
    value: float
    threshold: float
    message: str


def _number(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def check(
    rules: dict[str, Any], current: dict[str, Any], previous: dict[str, Any] | None
) -> list[Alert]:
    """Every rule that the current period crosses, in rule-name order."""
    alerts: list[Alert] = []
    for rule in sorted(rules):
        threshold = rules[rule]
        m = _RULE.match(rule)
        if not m or isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ConfigError(
                f"[alerts] {rule} = {threshold!r} is not a rule",
                "write <metric>_above, _below, _up_by_points or _down_by_points = <number>",
            )
        metric, kind = m.group("metric"), m.group("kind")
        known = BY_KEY.get(metric) or BY_COLUMN.get(metric)
        if known is None:
            raise ConfigError(
                f"[alerts] {rule}: no metric named {metric}",
                f"use one of {', '.join(BY_KEY)}",
            )
        now = _number(current.get(known.column))
        if now is None:
            continue
        if kind in ("above", "below"):
            crossed = now > threshold if kind == "above" else now < threshold
            if crossed:
                alerts.append(
                    Alert(
                        rule,
                        metric,
                        now,
                        float(threshold),
                        f"{metric} is {now:.4g}, {kind} {threshold:g}",
                    )
                )
            continue
        before = _number((previous or {}).get(known.column))
        if before is None:
            continue
        points = (now - before) * 100
        crossed = points > threshold if kind == "up_by_points" else -points > threshold
        if crossed:
            direction = "up" if points > 0 else "down"
            alerts.append(
                Alert(
                    rule,
                    metric,
                    now,
                    float(threshold),
                    f"{metric} went {direction} {abs(points):.1f} points "
                    f"({before:.1%} -> {now:.1%}), limit {threshold:g}",
                )
            )
    return alerts
