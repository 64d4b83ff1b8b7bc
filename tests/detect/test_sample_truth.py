"""The detectors against the truth the sample-log generator wrote (a sanity bar, printed with -s)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import analyzer

ROOT = Path(__file__).resolve().parents[2]
TRUTH = ROOT / "tests" / "fixtures" / "sample_truth.csv"
LOGS = ROOT / "sample_logs"


@pytest.mark.slow
@pytest.mark.skipif(not (TRUTH.is_file() and LOGS.is_dir()), reason="sample logs not in this tree")
def test_flags_agree_with_sample_truth() -> None:
    truth = pd.read_csv(TRUTH, dtype=str).fillna("")
    expected = {(r.conversation_id, f) for r in truth.itertuples() for f in r.flags.split(";") if f}
    with analyzer.open_database(memory=True) as db:
        db.load([LOGS])
        found = {(r.conversation_id, r.flag) for r in db.flags().itertuples()}
    known = set(truth.conversation_id)
    found = {f for f in found if f[0] in known}
    rows = []
    for flag in sorted({f for _, f in expected | found}):
        exp = {c for c, f in expected if f == flag}
        got = {c for c, f in found if f == flag}
        tp = len(exp & got)
        rows.append((flag, len(exp), len(got), tp / max(len(got), 1), tp / max(len(exp), 1)))
    print(f"\n{'flag':26}{'truth':>6}{'found':>6}{'prec':>7}{'recall':>7}")
    for flag, n_exp, n_got, p, r in rows:
        print(f"{flag:26}{n_exp:6}{n_got:6}{p:7.2f}{r:7.2f}")
    weak = [(flag, round(p, 2), round(r, 2)) for flag, _, _, p, r in rows if p < 0.8 or r < 0.8]
    assert not weak, f"flags below 0.8 precision or recall on the sample logs: {weak}"
