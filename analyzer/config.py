"""The configuration in force: packaged defaults overlaid with a user's handoff.toml."""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyzer.config_schema import check_known, check_threshold, checked_memory_limit
from analyzer.errors import ConfigError

_DEFAULT_PATH = Path(__file__).with_name("default_config.toml")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_NEVER = "[^\\s\\S]"  # matches nothing, in RE2 and Java regexes alike
# How a customer's message is cut into words wherever customers' words are counted or compared
# (the word statistic, the restatements): a number with thousands separators is one number
# ("84,000"), and a code joined by - / or . is one word ("PP-7781-3350").
CUSTOMER_WORD_RE = r"[0-9]{1,3}(?:,[0-9]{3})+\b|[\p{L}\p{N}]+(?:[-/.][\p{L}\p{N}]+)*"


_BLOCK = re.compile(r"\{([a-z_]+)\}")


def expand_blocks(pattern: str, vocabulary: dict[str, list[str]]) -> str:
    """Replace each `{name}` of a phrase pattern by a group of [vocabulary] `name`'s alternatives.

    Regex quantifiers such as `{0,40}` hold digits and are left alone.
    """

    def group(m: re.Match[str]) -> str:
        words = vocabulary.get(m.group(1))
        if words is None:
            raise KeyError(m.group(1))
        return "(?:" + "|".join(words) + ")"

    return _BLOCK.sub(group, pattern)


def phrase_regex(phrases: list[str]) -> str:
    """Join a phrase list into one case-insensitive regex (RE2 and Java both read `(?i)`)."""
    if not phrases:
        return _NEVER
    return "(?i)" + "|".join(f"(?:{p})" for p in phrases)


def sentence_regex(phrases: list[str]) -> str:
    """Each sentence in which a phrase of the list occurs, for `regexp_replace` to take out.

    A sentence runs up to . ! ? ; a dash, a line break or an emoji (cheerful
    bots end sentences with one: "no one is free right now 😔 You can call us"). A match starts at the start of the text
    or at the mark that ends the sentence before (taken out with it), never inside a sentence: a
    backtracking regex engine (Java's, on Spark) would otherwise try every position of a sentence
    and scan the rest of it from each, quadratic in the sentence's length (docs/performance.md,
    Spark). RE2 (DuckDB) is linear either way and as fast with this form.
    """
    if not phrases:
        return _NEVER
    inner = "|".join(f"(?:{p})" for p in phrases)
    marks = ".!?;\\n\u2014\u2013\u2600-\u27bf\U0001f300-\U0001faff"
    return f"(?i)(?:^|[{marks}])[^{marks}]*(?:{inner})[^{marks}]*"


# The [redaction] kinds, applied in this order (earlier kinds win where patterns overlap).
REDACTION_KINDS = (
    "email",
    "iban",
    "card",
    "cvv",
    "expiry",
    "ssn",
    "national_insurance",
    "ip",
    "date_of_birth",
    "phone",
    "account",
    "name",
)
# A kind's patterns capture what stays in group 1 when they keep a lead-in ("my name is [name]").
_KEEPS_LEAD_IN = {"name"}
# The rules queries/report/redaction.sql applies: one per kind, one per lead-in pattern.
REDACTION_SLOTS = 20


def redaction_regex(patterns: list[str]) -> str:
    """Join a [redaction] list into one regex; an empty list matches nothing."""
    return "|".join(f"(?:{p})" for p in patterns) if patterns else _NEVER


def redaction_rules(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The [redaction] table as (patterns, replacements), one pair per kind that has patterns."""
    table = data.get("redaction", {})
    patterns: list[str] = []
    replacements: list[str] = []
    for kind in REDACTION_KINDS:
        found = [str(p) for p in table.get(kind, [])]
        if not found:
            continue
        if kind in _KEEPS_LEAD_IN:
            patterns.extend(found)
            replacements.extend(f"\\1[{kind}]" for _ in found)
        else:
            patterns.append(redaction_regex(found))
            replacements.append(f"[{kind}]")
    return patterns, replacements


_ALERT_RULE = re.compile(
    r"^(?P<metric>[a-z0-9_]+?)_(?P<kind>above|below|up_by_points|down_by_points)$"
)
_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


@dataclass(frozen=True)
class RunSection:
    """`[run]`: what `handoff run` loads, where it writes, and how it waits and exits."""

    sources: tuple[str, ...]
    database: str
    output_dir: str
    period: str  # "last_week" or an ISO week such as "2026-W47"
    timezone: str
    format: str
    lock_wait_seconds: float
    allow_empty: bool


@dataclass(frozen=True)
class AlertRule:
    """One `[alerts]` rule: `<metric>_<kind> = threshold`."""

    name: str
    metric: str
    kind: str  # above, below, up_by_points, down_by_points
    threshold: float


@dataclass(frozen=True)
class SparkSection:
    """`[spark]`: the SparkSession's app name, master ("" for spark-submit's) and settings."""

    app_name: str
    master: str
    conf: dict[str, str]


@dataclass(frozen=True)
class ImporterSection:
    """`[importers.<name>]`: a platform importer's lists (tool, action and intent names)."""

    name: str
    values: dict[str, tuple[str, ...]]

    def strings(self, key: str) -> list[str]:
        if key not in self.values:
            raise ConfigError(
                f"[importers.{self.name}] has no {key}", "reinstall: the packaged defaults hold it"
            )
        return list(self.values[key])


def _where(table: str, key: str, source: str) -> str:
    return f"[{table}] {key} in {source}"


def _string(section: dict[str, Any], table: str, key: str, source: str) -> str:
    value = section[key]
    if not isinstance(value, str):
        raise ConfigError(
            f"{_where(table, key, source)} must be a string, not {value!r}",
            f'write it as {key} = "..."',
        )
    return value


def _number(section: dict[str, Any], table: str, key: str, source: str, low: float) -> float:
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"{_where(table, key, source)} must be a number, not {value!r}",
            f"write it as {key} = {low:g}",
        )
    if value < low:
        raise ConfigError(
            f"{_where(table, key, source)} = {value!r} is out of range", f"use {low:g} or more"
        )
    return float(value)


def _zone(value: str, table: str, key: str, source: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{_where(table, key, source)}: unknown time zone {value!r}",
            "use an IANA name such as UTC or Europe/London",
        ) from exc
    return value


def _run_section(data: dict[str, Any], source: str) -> RunSection:
    run = data["run"]
    sources = run["sources"]
    if not isinstance(sources, list) or not all(isinstance(p, str) for p in sources):
        raise ConfigError(
            f"{_where('run', 'sources', source)} must be a list of paths",
            'write it as sources = ["exports/"]',
        )
    period = _string(run, "run", "period", source)
    if period != "last_week" and not _WEEK.match(period):
        raise ConfigError(
            f"{_where('run', 'period', source)} = {period!r} is not a period",
            'use "last_week" or an ISO week such as "2026-W47"',
        )
    allow_empty = run["allow_empty"]
    if not isinstance(allow_empty, bool):
        raise ConfigError(
            f"{_where('run', 'allow_empty', source)} must be true or false, not {allow_empty!r}",
            "write it as allow_empty = true",
        )
    return RunSection(
        sources=tuple(sources),
        database=_string(run, "run", "database", source),
        output_dir=_string(run, "run", "output_dir", source),
        period=period,
        timezone=_zone(_string(run, "run", "timezone", source), "run", "timezone", source),
        format=_string(run, "run", "format", source),
        lock_wait_seconds=_number(run, "run", "lock_wait_seconds", source, 0),
        allow_empty=allow_empty,
    )


def alert_rules(data: dict[str, Any], source: str) -> tuple[AlertRule, ...]:
    rules = []
    for name in sorted(data.get("alerts", {})):
        threshold = data["alerts"][name]
        m = _ALERT_RULE.match(name)
        if not m or isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise ConfigError(
                f"[alerts] {name} = {threshold!r} in {source} is not a rule",
                "write <metric>_above, _below, _up_by_points or _down_by_points = <number>",
            )
        if m.group("kind").endswith("_points") and threshold < 0:
            raise ConfigError(
                f"[alerts] {name} = {threshold!r} in {source} is out of range",
                "points of change are 0 or more; the rule's name says the direction",
            )
        rules.append(AlertRule(name, m.group("metric"), m.group("kind"), float(threshold)))
    return tuple(rules)


def _spark_section(data: dict[str, Any], source: str) -> SparkSection:
    spark = data["spark"]
    conf = spark["conf"]
    if not isinstance(conf, dict) or any(isinstance(v, dict | list) for v in conf.values()):
        raise ConfigError(
            f"{_where('spark', 'conf', source)} must be a table of settings",
            'write it as conf = { "spark.sql.shuffle.partitions" = "400" }',
        )
    return SparkSection(
        app_name=_string(spark, "spark", "app_name", source),
        master=_string(spark, "spark", "master", source),
        conf={str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in conf.items()},
    )


def _importer_sections(data: dict[str, Any], source: str) -> dict[str, ImporterSection]:
    sections = {}
    for name, table in data.get("importers", {}).items():
        values = {}
        for key, value in table.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(
                    f"[importers.{name}] {key} in {source} must be a list of strings",
                    f'write it as {key} = ["one", "two"]',
                )
            values[key] = tuple(value)
        sections[name] = ImporterSection(name, values)
    return sections


@dataclass(frozen=True)
class Config:
    """The settings in force. `data` mirrors the TOML; `source` names the file it came from.

    The typed views (`run`, `alerts`, `spark`, `importer(name)`) are all checked when the config
    loads; every default lives in default_config.toml, none in Python.
    """

    data: dict[str, Any] = field(default_factory=dict)
    source: str = "defaults"

    @property
    def memory_limit(self) -> str | None:
        value = self.data["engine"]["memory_limit"]
        return checked_memory_limit(str(value)) if value else None

    @property
    def timezone(self) -> str:
        return str(self.data["load"]["timezone"])

    @cached_property
    def run(self) -> RunSection:
        return _run_section(self.data, self.source)

    @cached_property
    def alerts(self) -> tuple[AlertRule, ...]:
        return alert_rules(self.data, self.source)

    @cached_property
    def spark(self) -> SparkSection:
        return _spark_section(self.data, self.source)

    @cached_property
    def importers(self) -> dict[str, ImporterSection]:
        return _importer_sections(self.data, self.source)

    def importer(self, name: str) -> ImporterSection:
        """`[importers.<name>]`; an importer without settings has an empty section."""
        return self.importers.get(name, ImporterSection(name, {}))

    def sql_params(self) -> dict[str, Any]:
        """Every value a query may declare: `<list>_re` per phrase list, thresholds, intents."""
        params: dict[str, Any] = {}
        vocabulary = self.data.get("vocabulary", {})
        for name, phrases in self.data.get("phrases", {}).items():
            expanded = [expand_blocks(p, vocabulary) for p in phrases]
            params[f"{name}_re"] = phrase_regex(expanded)
            params[f"{name}_sentence_re"] = sentence_regex(expanded)
        for name, values in self.data.get("intents", {}).items():
            params[f"{name}_intents"] = [str(v).lower() for v in values]
        for name, value in self.data.get("thresholds", {}).items():
            params[name] = value
        for name, words in self.data.get("words", {}).items():
            params[f"{name}_words"] = [str(w).lower() for w in words]
        identifiers = self.data.get("identifiers", {})
        pairs = [(str(k), str(p)) for k, ps in identifiers.items() for p in ps]
        params["identifier_kinds"] = [k for k, _ in pairs]
        params["identifier_patterns"] = [p for _, p in pairs]
        params["identifier_any_re"] = "|".join(f"(?:{p})" for _, p in pairs) or _NEVER
        asks = self.data.get("asks_for", {})
        params["ask_kinds"] = [str(k) for k in asks]
        params["ask_patterns"] = [phrase_regex(list(v)) for v in asks.values()]
        params["ask_any_re"] = phrase_regex([p for v in asks.values() for p in v])
        routing = self.data.get("routing", {})
        params["routing_intents"] = [str(k).lower() for k in routing]
        params["routing_queues"] = [str(v) for v in routing.values()]
        params["redact_patterns"], params["redact_replacements"] = redaction_rules(self.data)
        params["customer_word_re"] = CUSTOMER_WORD_RE
        return params


def load_config(path: str | Path | None = None) -> Config:
    """Read the defaults and overlay `path` (a handoff.toml) when given."""
    with _DEFAULT_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    source = "defaults"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                f"config file {p} not found", "pass an existing handoff.toml to --config"
            )
        try:
            with p.open("rb") as fh:
                user = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"config file {p} is not valid TOML: {exc}", "fix the line named"
            ) from exc
        check_known(user, data, str(p))
        data = _merge(data, user)
        source = str(p)
    _validate(data, source)
    config = Config(data=data, source=source)
    _ = (config.run, config.alerts, config.spark, config.importers)  # every view checked now
    return config


def _check_lists(
    data: dict[str, Any], table: str, source: str, *, regex: bool, kinds: tuple[str, ...] = ()
) -> None:
    """Every entry of `[table]` is a list of strings (of valid regexes when `regex`)."""
    for name, values in data.get(table, {}).items():
        if kinds and name not in kinds:
            raise ConfigError(
                f"[{table}] {name} in {source} is not one of its kinds", f"use {', '.join(kinds)}"
            )
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(
                f"[{table}] {name} in {source} must be a list of strings",
                'write it as name = ["one", "two"]',
            )
        for value in values if regex else []:
            try:
                re.compile(value)
            except re.error as exc:
                raise ConfigError(
                    f"[{table}] {name} in {source} has an invalid regular expression "
                    f"{value!r}: {exc}",
                    "escape special characters such as ( ) ? with a backslash",
                ) from exc


def _check_blocks(data: dict[str, Any], source: str) -> None:
    """Every `{name}` in a [phrases] pattern names a [vocabulary] list."""
    vocabulary = data.get("vocabulary", {})
    for name, patterns in data.get("phrases", {}).items():
        for pattern in patterns:
            try:
                re.compile(expand_blocks(pattern, vocabulary))
            except KeyError as exc:
                raise ConfigError(
                    f"[phrases] {name} in {source} uses {{{exc.args[0]}}}, which is not a "
                    "[vocabulary] list",
                    f"add {exc.args[0]} = [...] to [vocabulary] or fix the name",
                ) from exc
            except re.error as exc:
                raise ConfigError(
                    f"[phrases] {name} in {source} has an invalid regular expression once its "
                    f"[vocabulary] blocks are filled in {pattern!r}: {exc}",
                    "check the pattern and the [vocabulary] lists it uses",
                ) from exc


def _validate(data: dict[str, Any], source: str) -> None:
    _check_lists(data, "vocabulary", source, regex=True)
    _check_lists(data, "phrases", source, regex=False)
    _check_blocks(data, source)
    _check_lists(data, "redaction", source, regex=True, kinds=REDACTION_KINDS)
    if len(redaction_rules(data)[0]) > REDACTION_SLOTS:
        raise ConfigError(
            f"[redaction] in {source} makes more than {REDACTION_SLOTS} rules",
            "keep name patterns to a few: each one is a rule of its own, every other kind one",
        )
    for table in ("words", "asks_for", "identifiers"):
        _check_lists(data, table, source, regex=False)
    for name, value in data.get("routing", {}).items():
        if not isinstance(value, str):
            raise ConfigError(
                f"[routing] {name} in {source} must be a string, not {value!r}",
                f'write it as {name} = "..."',
            )
    for name, value in data.get("thresholds", {}).items():
        check_threshold(name, value, source)
    for name in ("timezone",):
        _zone(_string(data["load"], "load", name, source), "load", name, source)
    if data["engine"]["memory_limit"]:
        checked_memory_limit(str(data["engine"]["memory_limit"]))
