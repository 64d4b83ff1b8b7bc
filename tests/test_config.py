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
