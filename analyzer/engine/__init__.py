"""Where the SQL runs: the `Engine` protocol and its two adapters.

- `protocol`: the interface every derived table, detector and metric runs through;
- `duckdb`: the default, single-machine engine, running `queries/` as written;
- `spark` (the `spark` extra): the same files transpiled to Spark SQL by `transpile`.
"""

from analyzer.engine.duckdb import DuckDBEngine
from analyzer.engine.protocol import Engine, Params, body

__all__ = ["DuckDBEngine", "Engine", "Params", "body"]
