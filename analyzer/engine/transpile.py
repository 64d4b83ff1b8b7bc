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

Shared intermediates: Spark inlines every CTE into each place that reads it, so a CTE read
twice is planned and computed twice, and a detector reading its CTEs many times becomes a plan
of hundreds of joins. `to_spark_parts` splits such a query: each CTE that is read more than
once, or marked `MATERIALIZED` (the hint DuckDB reads), becomes a part of its own that the
Spark engine computes once and keeps, and the rest of the query reads it by name.
"""

from __future__ import annotations

from dataclasses import dataclass
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


SHARED_PREFIX = "_shared_"  # the names the parts of a split query are kept under


@dataclass(frozen=True)
class SparkParts:
    """A query split for Spark: `shared` (name, Spark SQL) in order, then `main`, which reads
    them (and each part may read the ones before it) by name."""

    shared: tuple[tuple[str, str], ...]
    main: str


def _split_shared(tree: exp.Expression) -> tuple[list[tuple[str, exp.Expression]], exp.Expression]:
    """The CTEs of `tree` read more than once or marked MATERIALIZED, as separate queries."""
    with_ = tree.args.get("with_")
    if not isinstance(with_, exp.With) or with_.args.get("recursive"):
        return [], tree
    ctes = list(with_.expressions)

    def reads(node: exp.Expression, name: str) -> int:
        return sum(1 for t in node.find_all(exp.Table) if t.name == name and not t.db)

    body = tree.copy()
    body.set("with_", None)
    shared: list[tuple[str, exp.Expression]] = []
    kept: list[exp.CTE] = []
    for i, cte in enumerate(ctes):
        later = [c.this for c in ctes[i + 1 :]] + [body]
        if not (cte.args.get("materialized") or sum(reads(n, cte.alias) for n in later) >= 2):
            kept.append(cte)
            continue
        part = cte.this.copy()
        if kept:
            part.set("with_", exp.With(expressions=[c.copy() for c in kept]))
        view = f"{SHARED_PREFIX}{cte.alias}"
        shared.append((view, part))
        for node in [c.this for c in ctes[i + 1 :]] + [body]:
            for table in list(node.find_all(exp.Table)):
                if table.name == cte.alias and not table.db:
                    alias = table.alias or cte.alias
                    table.set("this", exp.to_identifier(view))
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    if not shared:
        return [], tree
    if kept:
        body.set("with_", exp.With(expressions=kept))
    return shared, body


@lru_cache(maxsize=256)
def to_spark_parts(sql: str, *, drop_order: bool = False) -> SparkParts:
    """`to_spark`, with the query's shared CTEs split out as parts computed once (see above)."""
    tree = _parse_one(sql)
    shared, main = _split_shared(tree)
    return SparkParts(
        tuple((name, _generate(part, drop_order=False)) for name, part in shared),
        _generate(main, drop_order=drop_order),
    )


def _parse_one(sql: str) -> exp.Expression:
    try:
        trees = [t for t in sqlglot.parse(sql, read="duckdb") if t is not None]
    except sqlglot.errors.SqlglotError as exc:
        raise _untranslatable(exc) from exc
    if len(trees) != 1:
        raise HandoffError(
            f"expected one SQL statement, found {len(trees)}", "put one query per .sql file"
        )
    return cast(exp.Expression, trees[0])


def _generate(tree: exp.Expression, *, drop_order: bool) -> str:
    try:
        tree = tree.transform(_duckdb_functions).transform(_zip_unnests)
        if drop_order:
            tree = _strip_order(tree)
        return str(HandoffSpark().generate(tree, unsupported_level=sqlglot.ErrorLevel.RAISE))
    except sqlglot.errors.SqlglotError as exc:
        raise _untranslatable(exc) from exc


def _untranslatable(exc: Exception) -> HandoffError:
    return HandoffError(
        f"this query cannot be translated to Spark SQL: {exc}",
        "use SQL both DuckDB and Spark read (see docs/spark.md)",
    )


@lru_cache(maxsize=256)
def to_spark(sql: str, *, drop_order: bool = False) -> str:
    """The Spark SQL for one DuckDB query; a construct that cannot be transpiled is an error."""
    return _generate(_parse_one(sql), drop_order=drop_order)
