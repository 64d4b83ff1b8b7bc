"""The configuration in force: packaged defaults overlaid with a user's handoff.toml."""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """The whole sentences (up to . ! ? ; a dash or a line break) in which a phrase of the list occurs."""
    if not phrases:
        return _NEVER
    inner = "|".join(f"(?:{p})" for p in phrases)
    return f"(?i)[^.!?;\\n\u2014\u2013]*(?:{inner})[^.!?;\\n\u2014\u2013]*[.!?;\u2014\u2013]*"


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


def redaction_regex(patterns: list[str]) -> str:
    """Join a [redaction] list into one regex; an empty list matches nothing."""
    return "|".join(f"(?:{p})" for p in patterns) if patterns else _NEVER


def redaction_rules(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The [redaction] table as (patterns, replacements), one pair per kind that has patterns."""
    table = data.get("redaction", {})
    patterns, replacements = [], []
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


@dataclass(frozen=True)
class Config:
    """The settings in force. `data` mirrors the TOML; `source` names the file it came from."""

    data: dict[str, Any] = field(default_factory=dict)
    source: str = "defaults"

    @property
    def memory_limit(self) -> str | None:
        value = self.data.get("engine", {}).get("memory_limit")
        return str(value) if value else None

    @property
    def timezone(self) -> str:
        return str(self.data.get("load", {}).get("timezone", "UTC"))

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
                data = _merge(data, tomllib.load(fh))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"config file {p} is not valid TOML: {exc}", "fix the line named"
            ) from exc
        source = str(p)
    _validate(data, source)
    return Config(data=data, source=source)


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
    for table in ("words", "asks_for", "identifiers"):
        _check_lists(data, table, source, regex=False)
    for name, value in data.get("routing", {}).items():
        if not isinstance(value, str):
            raise ConfigError(
                f"[routing] {name} in {source} must be a string, not {value!r}",
                f'write it as {name} = "..."',
            )
    for name, value in data.get("thresholds", {}).items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                f"[thresholds] {name} in {source} must be a number, not {value!r}",
                f"write it as {name} = 300",
            )
