"""The default [redaction] rules: what they replace, and the near misses they must leave alone."""

from __future__ import annotations

import duckdb
import phonenumbers
import pytest

from analyzer.config import load_config
from analyzer.redaction import redact_values, redaction_params

PARAMS = redaction_params(load_config(), True)

REDACTED = [
    # e-mail, including one used as an id
    ("write to Ann.O'Neil@mail.example.com today", "write to [email] today"),
    ("jane.doe+chat@example.co.uk", "[email]"),
    # phones: international, North American, national
    ("call me on +33 6 12 34 56 78", "call me on [phone]"),
    ("my number is 555 123 4567", "my number is [phone]"),
    ("US: 555-010-7788, intl +1 (555) 010-7788", "US: [phone], intl [phone]"),
    ("ring 020 7946 0958 or 07700 900123", "ring [phone] or [phone]"),
    ("+44 (0)20 7946 0958", "[phone]"),
    ("+49 30 12345678", "[phone]"),
    ("+91 98765 43210", "[phone]"),
    ("0049 30 1234567", "[phone]"),
    ("06 12 34 56 78", "[phone]"),
    ("(555) 010-7788", "[phone]"),
    ("+61 4 1234 5678", "[phone]"),
    # account numbers and IBANs in any case and spacing
    ("iban GB33 BUKB 2020 1555 5555 55 thanks", "iban [iban] thanks"),
    ("iban gb33 bukb 2020 1555 5555 55", "iban [iban]"),
    ("DE89370400440532013000", "[iban]"),
    ("fr14 2004 1010 0505 0001 3m02 606 please", "[iban] please"),
    ("account 12345678", "account [account]"),
    # cards, their security codes and expiry dates
    ("card 4111-1111-1111-1111 exp 12/27", "card [card] [expiry]"),
    ("4111 1111 1111 1111", "[card]"),
    ("the CVV is 123", "the [cvv]"),
    ("security code: 9876", "[cvv]"),
    ("expiry 03/2027", "[expiry]"),
    ("valid thru 11/26", "[expiry]"),
    # national identity numbers
    ("ssn 123-45-6789", "ssn [ssn]"),
    ("my social security number is 123 45 6789", "my [ssn]"),
    ("NI number AB 12 34 56 C", "NI number [national_insurance]"),
    ("ni ab123456c", "ni [national_insurance]"),
    # network addresses
    ("my IP is 192.168.1.20", "my IP is [ip]"),
    ("from 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "from [ip]"),
    ("gateway fe80::1ff:fe23:4567:890a", "gateway [ip]"),
    # names the customer gives
    ("Hi, my name is John Smith", "Hi, my name is [name]"),
    ("my name is john and I need help", "my name is [name] and I need help"),
    ("I'm called Jo Bloggs.", "I'm called [name]."),
    ("just call me Sam", "just call me [name]"),
    # dates of birth, when named
    ("DOB 04/07/1985", "[date_of_birth]"),
    ("I was born on 4 July 1985", "I was [date_of_birth]"),
    ("date of birth: 1985-07-04", "[date_of_birth]"),
    ("my birthday is March 3, 1990", "my [date_of_birth]"),
]

NEAR_MISSES = [
    "order ORD-48213 and 48213, qty 12, 2026-03-02",
    "your order #68066 ships on 2026-11-23",
    "we spoke on 2026-03-02 at 10:30",
    "it was 02/03/2026 when I ordered",
    "the total is £1,234.56 or $12,345.67",
    "refund of 1234.56 EUR",
    "3-5 working days",
    "version v2.14.1 of the app",
    "ticket INC0012345",
    "50% off until 12/31",
    "the meeting is at 10:30:00",
    "tracking 1Z999AA10123456784",
    "postcode SW1A 1AA",
    "in case it12 does more",
    "thanks for waiting 45 minutes",
    "My name? Why do you need it",
    "I ordered 3 items for 29.99 each",
    "Room 101, floor 3",
    "call back in 15 minutes",
    "call me back tomorrow",
    "expires soon",
    "open 9-17 Mon-Fri",
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.mark.parametrize(("raw", "shown"), REDACTED)
def test_personal_data_is_replaced(con: duckdb.DuckDBPyConnection, raw: str, shown: str) -> None:
    assert redact_values(con, [raw], PARAMS) == [shown]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay_readable(con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert redact_values(con, [text], PARAMS) == [text]


def test_the_list_is_long_enough() -> None:
    assert len(REDACTED) >= 30 and len(NEAR_MISSES) >= 15


def test_no_redact_keeps_everything(con: duckdb.DuckDBPyConnection) -> None:
    off = redaction_params(load_config(), False)
    texts = [raw for raw, _ in REDACTED]
    assert redact_values(con, texts, off) == texts
    assert redact_values(con, [None, "a@b.co"], PARAMS) == [None, "[email]"]


REGIONS = sorted(
    r for r in phonenumbers.SUPPORTED_REGIONS if phonenumbers.example_number(r) is not None
)


def test_every_countrys_example_numbers_are_redacted(con: duckdb.DuckDBPyConnection) -> None:
    """libphonenumber's example numbers, international and national, for every region it knows.

    The rules run inside DuckDB over whole columns; libphonenumber is the yardstick here rather
    than the engine, since calling it row by row from SQL would be a Python loop over messages.
    """
    fmt = phonenumbers.PhoneNumberFormat
    texts = []
    for region in REGIONS:
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            texts.append(phonenumbers.format_number(number, fmt.INTERNATIONAL))
            texts.append(phonenumbers.format_number(number, fmt.E164))
    shown = redact_values(con, [f"reach me at {t} thanks" for t in texts], PARAMS)
    leaked = [t for t, s in zip(texts, shown, strict=True) if any(c.isdigit() for c in s or "")]
    assert len(texts) > 400
    assert not leaked, leaked[:20]


def test_national_formats_of_the_common_countries(con: duckdb.DuckDBPyConnection) -> None:
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL
    regions = ("GB", "FR", "DE", "ES", "IT", "NL", "BE", "IE", "US", "CA", "AU", "IN", "BR", "JP")
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
    numbers = [phonenumbers.example_number_for_type(r, t) for r in regions for t in kinds]
    texts = [phonenumbers.format_number(n, fmt) for n in numbers if n is not None]
    assert len(texts) == 2 * len(regions)
    shown = redact_values(con, [f"phone {t} ok" for t in texts], PARAMS)
    leaked = [t for t, s in zip(texts, shown, strict=True) if any(c.isdigit() for c in s or "")]
    assert not leaked, leaked


def test_too_many_rules_is_a_config_error(tmp_path: object) -> None:
    from pathlib import Path

    from analyzer.errors import ConfigError

    cfg = Path(str(tmp_path)) / "handoff.toml"
    names = ", ".join(f'"\\\\b((?i:name{i})\\\\s+)\\\\w+"' for i in range(15))
    cfg.write_text(f"[redaction]\nname = [{names}]\n")
    with pytest.raises(ConfigError, match=r"\[redaction\] .* more than 20 rules"):
        load_config(cfg)


def test_redaction_is_set_based_and_fast(con: duckdb.DuckDBPyConnection) -> None:
    """Every pattern compiles once per query: 50,000 messages take well under a few seconds."""
    import time

    rows = con.execute(
        "SELECT list('my name is Ann, call +44 7700 900' || (i % 1000) || ' or ann' || i"
        " || '@example.com, card 4111 1111 1111 1111 exp 12/27') FROM range(50000) r(i)"
    ).fetchone()
    assert rows is not None
    started = time.perf_counter()
    shown = redact_values(con, rows[0], PARAMS)
    assert time.perf_counter() - started < 20
    assert shown[7] == "my name is [name], call [phone] or [email], card [card] [expiry]"
