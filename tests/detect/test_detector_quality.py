"""Precision and recall of every detector on labelled conversations (table printed with -s).

tests/labelled/labelled.jsonl holds positives and near misses for every flag, in varied wording,
half as explicit-event logs and half as plain message logs; labels.csv says which flags each
conversation must get. Both files are written by tests/labelled/builder.py.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

import analyzer

HERE = Path(__file__).resolve().parents[1] / "labelled"
MIN_PRECISION = MIN_RECALL = 0.9


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("labelled_builder", HERE / "builder.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def _labels() -> dict[str, set[str]]:
    with (HERE / "labels.csv").open(encoding="utf-8") as fh:
        return {
            r["conversation_id"]: {f for f in r["flags"].split(";") if f}
            for r in csv.DictReader(fh)
        }


@pytest.fixture(scope="module")
def found() -> dict[str, set[str]]:
    with analyzer.open_database(memory=True) as db:
        db.load([HERE / "labelled.jsonl"])
        out: dict[str, set[str]] = {}
        for row in db.flags().itertuples():
            out.setdefault(row.conversation_id, set()).add(row.flag)
        return out


def test_labelled_files_match_the_builder(tmp_path: Path) -> None:
    _builder().write_cases(tmp_path)
    for name in ("labelled.jsonl", "labels.csv"):
        assert (tmp_path / name).read_text() == (HERE / name).read_text(), (
            f"tests/labelled/{name} is stale: rerun builder.write_cases(Path('tests/labelled'))"
        )


def test_every_flag_has_positives_and_near_misses() -> None:
    labels = _labels()
    for flag in _builder().FLAGS:
        pos = [c for c, f in labels.items() if flag in f]
        near = [c for c in labels if c.startswith(f"{flag}-near-")]
        assert len(pos) >= 8 and len(near) >= 8, flag


def test_precision_and_recall_per_flag(found: dict[str, set[str]]) -> None:
    labels = _labels()
    rows = []
    for flag in _builder().FLAGS:
        exp = {c for c, f in labels.items() if flag in f}
        got = {c for c in labels if flag in found.get(c, set())}
        tp = len(exp & got)
        precision = tp / len(got) if got else 1.0
        recall = tp / len(exp)
        rows.append(
            (flag, len(exp), len(got), tp, precision, recall, sorted(got - exp), sorted(exp - got))
        )
    print(f"\n{'flag':26}{'pos':>5}{'found':>6}{'tp':>5}{'prec':>7}{'recall':>7}")
    for flag, n_exp, n_got, tp, p, r, fp, fn in rows:
        print(f"{flag:26}{n_exp:5}{n_got:6}{tp:5}{p:7.2f}{r:7.2f}  {fp[:3] or ''} {fn[:3] or ''}")
    weak = [
        (r[0], round(r[4], 2), round(r[5], 2))
        for r in rows
        if r[4] < MIN_PRECISION or r[5] < MIN_RECALL
    ]
    assert not weak, f"detectors below {MIN_PRECISION} precision or recall: {weak}"
