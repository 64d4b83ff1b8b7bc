from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import analyzer
from analyzer.api import Database

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
SAMPLE_LOGS = ROOT / "sample_logs"
FIXED_NOW = dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=dt.UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden/ from current output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


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


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads a user's HANDOFF_DB or writes ./handoff.duckdb into the checkout."""
    monkeypatch.delenv("HANDOFF_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")


@pytest.fixture
def db() -> Iterator[Database]:
    database = analyzer.open_database(memory=True)
    yield database
    database.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


def samples_dir() -> Path | None:
    env = os.environ.get("HANDOFF_SAMPLES")
    path = Path(env) if env else ROOT.parent / "shared" / "samples"
    return path if path.is_dir() else None
