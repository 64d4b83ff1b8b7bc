"""DuckDB SQL -> Spark SQL with sqlglot, so every query in `queries/` is written once.

sqlglot does almost all of it: `$name` becomes Spark's `:name` marker, `regexp_matches` becomes
RLIKE (Java regex reads the `(?i)` and `\\b` the phrase lists use), `arg_min` becomes MIN_BY.
Two functions it maps to something Spark lacks or that changes the result are rewritten here:

- `quantile_cont(x, p)` -> `PERCENTILE(x, p)` (exact, interpolated; sqlglot writes a
  two-argument PERCENTILE_CONT that Spark rejects, and WITHIN GROUP becomes an approximation);
- `epoch(ts)` -> `UNIX_MICROS(ts) / 1e6` (sqlglot writes UNIX_TIMESTAMP, whole seconds only).

Two DuckDB constructs are rewritten on the parsed tree before writing Spark SQL:

- `regexp_split_to_array(s, re)` (unknown to sqlglot) -> `SPLIT(s, re)`;
- `WITH x AS MATERIALIZED (...)` -> `WITH x AS (...)` (a DuckDB planner hint);
- several `unnest(...)` side by side in one SELECT (DuckDB zips them) -> one
  `INLINE(ARRAYS_ZIP(...)) AS (a, b)`, since Spark allows one generator per SELECT.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, cast

import sqlglot
from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.generator import Generator

from analyzer.errors import HandoffError

if TYPE_CHECKING:
    from sqlglot.generators.spark import SparkGenerator


def _percentile(self: Generator, e: exp.PercentileCont) -> str:
    return str(self.func("PERCENTILE", e.this, e.expression))


def _epoch(self: Generator, e: exp.TimeToUnix) -> str:
    return f"(UNIX_MICROS({self.sql(e, 'this')}) / 1e6)"


class HandoffSpark(Spark):
    """Spark SQL as sqlglot writes it, with the fixes above."""

    # Built with type(): sqlglot's dialect classes name their generator through a class
    # attribute, which a static type checker cannot take as a base class.
    Generator = cast(
        "type[SparkGenerator]",
        type(
            "Generator",
            (Spark.Generator,),
            {
                "TRANSFORMS": {
                    **Spark.Generator.TRANSFORMS,
                    exp.PercentileCont: _percentile,
                    exp.TimeToUnix: _epoch,
                }
            },
        ),
    )


def _duckdb_functions(node: exp.Expression) -> exp.Expression:
    """DuckDB functions sqlglot parses as unknown: regexp_split_to_array -> SPLIT (regex on both).

    Also `WITH x AS MATERIALIZED (...)`: a DuckDB planner hint Spark has no syntax for (Spark
    reuses a repeated subplan's exchange on its own), so it is dropped.
    """
    if isinstance(node, exp.CTE) and node.args.get("materialized"):
        node.set("materialized", None)
        return node
    if isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_split_to_array":
        return exp.RegexpSplit(this=node.expressions[0], expression=node.expressions[1])
    return node


def _zip_unnests(node: exp.Expression) -> exp.Expression:
    """`SELECT unnest(a) AS x, unnest(b) AS y` walks both lists side by side on DuckDB; Spark
    allows one generator per SELECT, so it becomes `SELECT INLINE(ARRAYS_ZIP(a, b)) AS (x, y)`.
    """
    if not isinstance(node, exp.Select):
        return node
    cols = node.expressions
    if len(cols) < 2 or not all(
        isinstance(c, exp.Alias) and isinstance(c.this, exp.Explode | exp.Unnest) for c in cols
    ):
        return node
    arrays = [
        c.this.this if isinstance(c.this, exp.Explode) else c.this.expressions[0] for c in cols
    ]
    zipped = exp.Anonymous(
        this="INLINE", expressions=[exp.Anonymous(this="ARRAYS_ZIP", expressions=arrays)]
    )
    node.set(
        "expressions",
        [exp.Aliases(this=zipped, expressions=[exp.to_identifier(c.alias) for c in cols])],
    )
    return node


def _strip_order(tree: exp.Expression) -> exp.Expression:
    """A materialised table has no order: drop the outermost ORDER BY (saves a global sort)."""
    if isinstance(tree, exp.Query) and tree.args.get("order") is not None:
        tree = tree.copy()
        tree.set("order", None)
    return tree


@lru_cache(maxsize=256)
def to_spark(sql: str, *, drop_order: bool = False) -> str:
    """The Spark SQL for one DuckDB query; a construct that cannot be transpiled is an error."""
    try:
        trees = sqlglot.parse(sql, read="duckdb")
        out = []
        for tree in trees:
            if tree is None:
                continue
            tree = tree.transform(_duckdb_functions).transform(_zip_unnests)
            if drop_order:
                tree = _strip_order(tree)
            out.append(HandoffSpark().generate(tree, unsupported_level=sqlglot.ErrorLevel.RAISE))
    except sqlglot.errors.SqlglotError as exc:
        raise HandoffError(
            f"this query cannot be translated to Spark SQL: {exc}",
            "use SQL both DuckDB and Spark read (see docs/spark.md)",
        ) from exc
    if len(out) != 1:
        raise HandoffError(
            f"expected one SQL statement, found {len(out)}", "put one query per .sql file"
        )
    return out[0]
