from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import analyzer
from analyzer.api import Database


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite tests/golden/ from current output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


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
