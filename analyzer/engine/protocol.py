"""The engine seam: every derived table, detector and metric runs through this small interface.

Table names passed here are ours, never user input; values are always bound parameters.
A query never reads the table it writes: each step of the pipeline writes its own table
(analyzer.pipeline), so `materialize` is a plain "create from this query".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from analyzer.sql import Query

Params = Mapping[str, Any]


@runtime_checkable
class Engine(Protocol):
    """Where the SQL runs. Tables live in the engine (DuckDB tables, Spark temp views)."""

    name: str

    def materialize(
        self, table: str, q: Query, params: Params | None = None, *, temp: bool = False
    ) -> None:
        """Create `table` (replacing it) from `q`, which does not read `table`.

        `temp`: a working table, gone with the connection or session.
        """

    def fetch(self, q: Query, params: Params | None = None) -> pd.DataFrame:
        """The result of `q` as a pandas DataFrame."""

    def clear(self, table: str, columns: str) -> None:
        """(Re)create `table` as an empty working table with `columns` ("a VARCHAR, b BIGINT")."""

    def drop(self, table: str) -> None:
        """Remove the working table `table` if it exists."""

    def append(
        self, table: str, steps: Sequence[tuple[Query, Params | None]], columns: Sequence[str]
    ) -> None:
        """Add the rows of every (query, parameters) step (only `columns`, by name) to `table`,
        as one write: Spark computes the union of the steps once."""


def body(q: Query) -> str:
    """The query's SQL without its final semicolon, to embed in a larger statement."""
    return q.sql.rstrip().rstrip(";")
