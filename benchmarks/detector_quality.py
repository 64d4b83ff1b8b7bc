"""Per-flag precision, recall and F1, and outcome accuracy, over labelled conversation sets.

A labelled set is a folder with `conversations.jsonl` (canonical JSON Lines) and `truth.csv`
(`conversation_id, outcome, handoff_outcome, flags[, note]`; flags separated by `;`). The blind
sets live in `tests/blind/<set>/`; `tests/labelled/` (the project's own set, `labels.csv` with
flags only) is scored too.

    python benchmarks/detector_quality.py                  # every set under tests/blind, then all
    python benchmarks/detector_quality.py tests/blind/r1   # one or more sets
    python benchmarks/detector_quality.py --misses tests/blind/r1   # list each wrong call

The same scoring is used by `tests/detect/test_blind_sets.py`.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analyzer  # noqa: E402
from analyzer.sql import queries_in  # noqa: E402

FLAGS = tuple(q.name for q in queries_in("detectors"))  # one flag per detector


@dataclass
class Truth:
    flags: set[str]
    outcome: str | None = None
    handoff_outcome: str | None = None


@dataclass
class Score:
    name: str
    size: int
    per_flag: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # tp, fp, fn
    outcome_right: int = 0
    outcome_total: int = 0
    misses: list[str] = field(default_factory=list)

    def prf(self, flag: str) -> tuple[float, float, float]:
        tp, fp, fn = self.per_flag[flag]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def outcome_accuracy(self) -> float | None:
        return self.outcome_right / self.outcome_total if self.outcome_total else None


def read_truth(folder: Path) -> dict[str, Truth]:
    path = folder / "truth.csv"
    if not path.exists():
        path = folder / "labels.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        out = {}
        for row in csv.DictReader(fh):
            flags = {f.strip() for f in (row.get("flags") or "").split(";") if f.strip()}
            out[row["conversation_id"].strip()] = Truth(
                flags,
                (row.get("outcome") or "").strip() or None,
                (row.get("handoff_outcome") or "").strip() or None,
            )
        return out


def data_file(folder: Path) -> Path:
    for name in ("conversations.jsonl", "labelled.jsonl"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{folder}: no conversations.jsonl")


def score(folder: Path) -> Score:
    truth = read_truth(folder)
    with analyzer.open_database(memory=True) as db:
        db.load([data_file(folder)])
        found: dict[str, set[str]] = {}
        for row in db.flags().itertuples():
            found.setdefault(str(row.conversation_id), set()).add(str(row.flag))
        conv = db.conversations()
        outcomes = {
            str(r.conversation_id): (str(r.outcome), r.handoff_outcome) for r in conv.itertuples()
        }
    s = Score(folder.name if folder.name != "labelled" else "labelled (own)", len(truth))
    for flag in FLAGS:
        exp = {c for c, t in truth.items() if flag in t.flags}
        got = {c for c in truth if flag in found.get(c, set())}
        s.per_flag[flag] = (len(exp & got), len(got - exp), len(exp - got))
        s.misses += [f"{flag} false positive: {c}" for c in sorted(got - exp)]
        s.misses += [f"{flag} missed: {c}" for c in sorted(exp - got)]
    for cid, t in truth.items():
        if t.outcome is None:
            continue
        s.outcome_total += 1
        got_outcome, got_handoff = outcomes.get(cid, ("(missing)", None))
        want = (t.outcome, t.handoff_outcome if t.outcome == "handed_off" else None)
        have = (got_outcome, got_handoff if got_outcome == "handed_off" else None)
        if want == have:
            s.outcome_right += 1
        else:
            s.misses.append(f"outcome {c_str(want)} got {c_str(have)}: {cid}")
    return s


def c_str(pair: tuple[str | None, str | None]) -> str:
    return "/".join(p for p in pair if p)


def merged(scores: list[Score]) -> Score:
    total = Score("all sets", sum(s.size for s in scores))
    for flag in FLAGS:
        total.per_flag[flag] = tuple(  # type: ignore[assignment]
            sum(s.per_flag[flag][i] for s in scores) for i in range(3)
        )
    total.outcome_right = sum(s.outcome_right for s in scores)
    total.outcome_total = sum(s.outcome_total for s in scores)
    return total


def table(s: Score) -> str:
    lines = [f"## {s.name} ({s.size} conversations)", ""]
    lines.append("| flag | tp | fp | fn | precision | recall | F1 |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for flag in FLAGS:
        tp, fp, fn = s.per_flag[flag]
        p, r, f = s.prf(flag)
        lines.append(f"| `{flag}` | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} | {f:.2f} |")
    acc = s.outcome_accuracy
    if acc is not None:
        lines.append("")
        lines.append(f"Outcome accuracy: {acc:.3f} ({s.outcome_right}/{s.outcome_total})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path)
    ap.add_argument("--misses", action="store_true", help="list every wrong call")
    args = ap.parse_args(argv)
    blind = sorted(p for p in (ROOT / "tests" / "blind").iterdir() if (p / "truth.csv").exists())
    sets = args.sets or [*blind, ROOT / "tests" / "labelled"]
    scores = [score(p) for p in sets]
    for s in scores:
        print(table(s))
        if args.misses:
            print("\n".join(f"- {m}" for m in s.misses))
        print()
    if len(scores) > 1:
        print(table(merged(scores)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
