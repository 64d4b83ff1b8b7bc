"""The peer: what a user would otherwise write in a notebook, with pandas, to get two of our answers.

It reads the canonical JSONL with `pandas.read_json(lines=True)`, then with `groupby().apply()`:

- the handoff rate: the share of conversations where an agent wrote or the platform logged a
  handoff event;
- one repeat flag: after the first agent message, a customer message that shares at least half
  of its words with a customer message written before the handoff.

This is a small part of what `handoff load` computes (ten detectors, outcomes, metrics, a report),
written the way a notebook would, to give the speed comparison a fair floor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

HANDOFF_EVENTS = {"handoff_initiated", "queued", "agent_joined", "transfer", "handoff_failed"}


def _handed_off(g: pd.DataFrame) -> bool:
    return bool((g["role"] == "agent").any() or g["event"].isin(HANDOFF_EVENTS).any())


def _repeated(g: pd.DataFrame) -> bool:
    agent = g.index[g["role"] == "agent"]
    if len(agent) == 0:
        return False
    first_agent = agent[0]
    customer = g[(g["role"] == "customer") & g["text"].notna()]
    before = [set(t.lower().split()) for t in customer.loc[customer.index < first_agent, "text"]]
    for text in customer.loc[customer.index > first_agent, "text"]:
        words = set(text.lower().split())
        if any(words and len(words & b) >= 0.5 * len(words) for b in before):
            return True
    return False


def peer_analysis(path: Path) -> dict[str, Any]:
    df = pd.read_json(path, lines=True)
    df = df.sort_values(["conversation_id", "timestamp"]).reset_index(drop=True)
    groups = df.groupby("conversation_id", sort=False)
    handed = groups.apply(_handed_off, include_groups=False)
    repeats = groups.apply(_repeated, include_groups=False)
    return {
        "conversations": len(handed),
        "handoff_rate": round(float(handed.mean()), 4),
        "repeat_flags": int(repeats.sum()),
    }
