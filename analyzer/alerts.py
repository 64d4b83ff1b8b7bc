"""Alert rules from `[alerts]`, checked against a period's headline metrics and the period before."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analyzer.config import AlertRule, alert_rules
from analyzer.errors import ConfigError

ALERT_EXIT_CODE = 3


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
    rules: Mapping[str, Any] | tuple[AlertRule, ...],
    current: dict[str, Any],
    previous: dict[str, Any] | None,
) -> list[Alert]:
    """Every rule that the current period crosses, in rule-name order.

    `rules` is the config's checked `alerts` view, or an `[alerts]`-shaped mapping.
    """
    parsed = (
        alert_rules({"alerts": dict(rules)}, "[alerts]") if isinstance(rules, Mapping) else rules
    )
    alerts: list[Alert] = []
    for r in sorted(parsed, key=lambda r: r.name):
        rule, metric, kind, threshold = r.name, r.metric, r.kind, r.threshold
        if metric not in current:
            raise ConfigError(
                f"[alerts] {rule}: no metric named {metric}",
                "use a column of the rates metric, e.g. friction_rate or handoff_rate",
            )
        now = _number(current.get(metric))
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
        before = _number((previous or {}).get(metric))
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
