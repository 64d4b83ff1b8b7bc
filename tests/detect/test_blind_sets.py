"""Every blind set stays a regression test: per-flag F1 and outcome accuracy never fall below the floor.

The sets in tests/blind/ were written by labellers who saw only the user-facing definitions
(docs/definitions.md, queries/detectors/README.md); their first-sight scores are recorded in tests/blind/README.md. Scoring is benchmarks/detector_quality.py's
(printed with -s).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "blind"
SETS = sorted(p for p in BLIND.iterdir() if (p / "truth.csv").is_file())
MIN_F1 = 0.85
MIN_OUTCOME_ACCURACY = 0.95


def _quality() -> ModuleType:
    path = ROOT / "benchmarks" / "detector_quality.py"
    spec = importlib.util.spec_from_file_location("detector_quality", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_there_are_blind_sets() -> None:
    assert len(SETS) >= 2


@pytest.mark.parametrize("folder", SETS, ids=[p.name for p in SETS])
def test_blind_set_scores_hold(folder: Path) -> None:
    quality = _quality()
    score = quality.score(folder)
    print("\n" + quality.table(score))
    weak = {
        flag: round(score.prf(flag)[2], 2) for flag in quality.FLAGS if score.prf(flag)[2] < MIN_F1
    }
    assert not weak, f"{folder.name}: flags below F1 {MIN_F1}: {weak}"
    assert score.outcome_accuracy is not None
    assert score.outcome_accuracy >= MIN_OUTCOME_ACCURACY, score.misses
