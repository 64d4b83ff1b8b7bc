"""What tests share: where things are, the golden-file check, the shared samples folder.

Fixtures (pytest's) live in tests/conftest.py; plain helpers live here, by topic:
`support.cli` (running the `handoff` app), `support.report` (building reports),
`support.phrases` (matching the configured phrase lists).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
SAMPLE_LOGS = ROOT / "sample_logs"
FIXED_NOW = dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=dt.UTC)


def check_golden(name: str, data: object, update: bool) -> None:
    """Compare `data` (as JSON) with tests/golden/`name`; only --update-golden writes it.

    A missing golden file fails: a test that wrote its own expectation could never fail.
    """
    path = GOLDEN / name
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    elif not path.exists():
        pytest.fail(f"golden file tests/golden/{name} is missing; write it with --update-golden")
    assert json.loads(path.read_text()) == json.loads(text), f"{name} differs; --update-golden"


def samples_dir() -> Path | None:
    env = os.environ.get("HANDOFF_SAMPLES")
    path = Path(env) if env else ROOT.parent / "shared" / "samples"
    return path if path.is_dir() else None
