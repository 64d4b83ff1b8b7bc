"""A handoff.toml with a wrong value fails with a ConfigError naming the table, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import load_config
from analyzer.errors import ConfigError


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[phrases]\nfallback = "sorry"\n', r"\[phrases\] fallback .* must be a list of strings"),
        (
            '[phrases]\nfallback = ["(unclosed"]\n',
            r"\[phrases\] fallback .* invalid regular expression",
        ),
        ('[redaction]\npassport = ["x"]\n', r"\[redaction\] passport .* is not one of its kinds"),
        ('[redaction]\nemail = ["[bad"]\n', r"\[redaction\] email .* invalid regular expression"),
        ("[words]\nstop = 3\n", r"\[words\] stop .* must be a list of strings"),
        ("[routing]\nrefund = 7\n", r"\[routing\] refund .* must be a string"),
        (
            '[thresholds]\nlong_queue_wait_seconds = "5m"\n',
            r"\[thresholds\] long_queue_wait_seconds .* must be a number",
        ),
        ("[load\n", "not valid TOML"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(cfg)


def test_overrides_merge_key_by_key(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text('[thresholds]\nlong_queue_wait_seconds = 120\n[phrases]\nfallback = ["hm+"]\n')
    config = load_config(cfg)
    params = config.sql_params()
    assert params["long_queue_wait_seconds"] == 120
    assert params["bot_loop_replies"] == 3  # untouched defaults stay
    assert params["fallback_re"] == "(?i)(?:hm+)"
    assert config.source == str(cfg)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[thresholds]\nlong_queue_wait_second = 100\n",
            r"\[thresholds\] long_queue_wait_second .* not one of its settings"
            r" — did you mean long_queue_wait_seconds\?",
        ),
        (
            "[threshold]\nbot_loop_replies = 4\n",
            r"unknown table \[threshold\] .* did you mean \[thresholds\]\?",
        ),
        ("[run]\nlock_wait = 5\n", r"\[run\] lock_wait .* did you mean lock_wait_seconds\?"),
        ("[load]\nsources = []\n", r"\[load\] sources .* it belongs in \[run\] sources"),
        (
            'timezone = "UTC"\n',
            r"timezone = \.\.\. .* not inside a table — did you mean \[load\] timezone\?",
        ),
        (
            '[importers.lex]\ntransfer_intents = ["X"]\n',
            r"\[importers.lex\] .* has no settings — did you mean lex_v2\?",
        ),
        (
            '[importers.rasa]\nhandoff_action = ["x"]\n',
            r"\[importers.rasa\] handoff_action .* did you mean handoff_actions\?",
        ),
        (
            "[importers.rasa]\nhandoff_actions = 3\n",
            r"\[importers.rasa\] handoff_actions .* list of strings",
        ),
        (
            "[thresholds]\nlong_queue_wait_seconds = -5\n",
            r"long_queue_wait_seconds = -5 .* out of range — use a value at least 0",
        ),
        (
            "[thresholds]\nbot_loop_similarity = 1.5\n",
            r"bot_loop_similarity = 1.5 .* out of range — use a value between 0 and 1",
        ),
        ("[thresholds]\nbot_loop_replies = 0\n", r"bot_loop_replies = 0 .* out of range"),
        ("[thresholds]\nping_pong_bounces = 2.5\n", r"ping_pong_bounces = 2.5 .* whole number"),
        ("[run]\nlock_wait_seconds = -1\n", r"\[run\] lock_wait_seconds .* = -1 is out of range"),
        ('[run]\nlock_wait_seconds = "10"\n', r"\[run\] lock_wait_seconds .* must be a number"),
        ('[run]\nperiod = "yesterday"\n', r"\[run\] period .* is not a period"),
        ('[run]\ntimezone = "Mars/Olympus"\n', r"\[run\] timezone .* unknown time zone"),
        ('[load]\ntimezone = "Nowhere"\n', r"\[load\] timezone .* unknown time zone"),
        ('[run]\nallow_empty = "yes"\n', r"\[run\] allow_empty .* must be true or false"),
        ('[run]\nsources = "exports"\n', r"\[run\] sources .* must be a list of paths"),
        (
            "[alerts]\nfriction_rate_over = 1\n",
            r"\[alerts\] friction_rate_over = 1 .* is not a rule",
        ),
        (
            "[alerts]\nhandoff_rate_up_by_points = -2\n",
            r"\[alerts\] handoff_rate_up_by_points .* out of range",
        ),
        ('[engine]\nmemory_limit = "lots"\n', r"memory_limit = 'lots' is not a memory size"),
        ("[spark]\nconf = 3\n", r"\[spark\] conf .* must be a table of settings"),
        ("[spark]\nmaster = 1\n", r"\[spark\] master .* must be a string"),
    ],
)
def test_typos_and_out_of_range_values_are_errors(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(cfg)


def test_free_tables_take_any_key(tmp_path: Path) -> None:
    cfg = tmp_path / "handoff.toml"
    cfg.write_text(
        '[routing]\nrefund = "billing"\n[alerts]\nfriction_rate_above = 0.4\n'
        '[identifiers]\npassport = ["(?i)passport ([a-z0-9]{9})"]\n'
        '[spark]\nmaster = "local[2]"\n[spark.conf]\n"spark.sql.shuffle.partitions" = 8\n'
    )
    config = load_config(cfg)
    assert config.spark.master == "local[2]"
    assert config.spark.conf == {"spark.sql.shuffle.partitions": "8"}
    assert [(r.metric, r.kind, r.threshold) for r in config.alerts] == [
        ("friction_rate", "above", 0.4)
    ]


def test_typed_views_come_from_the_packaged_defaults() -> None:
    """Every default lives in default_config.toml: the views read it, with nothing to fall back on."""
    import tomllib

    from analyzer.config import _DEFAULT_PATH

    with _DEFAULT_PATH.open("rb") as fh:
        toml = tomllib.load(fh)
    config = load_config()
    run = config.run
    assert (run.database, run.output_dir, run.period, run.timezone, run.format) == (
        toml["run"]["database"],
        toml["run"]["output_dir"],
        toml["run"]["period"],
        toml["run"]["timezone"],
        toml["run"]["format"],
    )
    assert run.lock_wait_seconds == toml["run"]["lock_wait_seconds"] and run.allow_empty is False
    assert config.spark.app_name == toml["spark"]["app_name"]
    for name, table in toml["importers"].items():
        for key, values in table.items():
            assert config.importer(name).strings(key) == values
    with pytest.raises(ConfigError, match="has no handoff_tools"):
        config.importer("rasa").strings("handoff_tools")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # the sentence with the phrase goes, with the mark before it (its own mark stays); the
        # others stay
        (
            "Thanks. Would you like me to connect you? Transferring you now.",
            "Thanks ? Transferring you now.",
        ),
        # two such sentences side by side both go
        ("Shall I connect you? Would you like me to pass you on! Bye", "  ! Bye"),
        ("would you like me to connect you", " "),
        ("Nothing to take out here.", "Nothing to take out here."),
        # a line break ends a sentence too
        ("Okay\nshall I put you through\nplease wait", "Okay \nplease wait"),
    ],
)
def test_sentence_regex_takes_out_each_sentence_holding_a_phrase(text: str, kept: str) -> None:
    import re

    import duckdb

    from analyzer.config import sentence_regex

    pattern = sentence_regex([r"\b(would you like me to|shall i)\b"])
    with duckdb.connect() as con:
        got = con.execute("SELECT regexp_replace($t, $p, ' ', 'g')", {"t": text, "p": pattern})
        assert got.fetchone() == (kept,)
    # a backtracking engine (Python's here, Java's on Spark) reads it the same way
    assert re.sub(pattern, " ", text) == kept
