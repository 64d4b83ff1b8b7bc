"""A review packet of real logs for a reviewer who has not seen the rules, and the score of their verdicts.

    python benchmarks/real_log_review.py packet ../shared/samples --out review/     # write the packet
    python benchmarks/real_log_review.py score review/verdicts.csv                   # precision per flag

The packet holds up to 50 flagged conversations and up to 50 handed-off conversations without a
flag (`transcripts.md`), each with the flags found and their evidence, and `verdicts.csv` to fill
in: one row per (conversation, flag found) with verdict `right` or `wrong`, plus rows with verdict
`missed` for flags the reviewer would have given and the tool did not. The definitions the reviewer
goes by are docs/definitions.md and queries/detectors/README.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analyzer  # noqa: E402


def _clean(text: object) -> str:
    s = "" if text is None or text != text else str(text)
    return " ".join(s.split())[:600]


def packet(sources: list[Path], out: Path, per_kind: int = 50) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with analyzer.open_database(memory=True) as db:
        db.load(sources)
        conv = db.sql(
            "SELECT c.conversation_id, c.handoff_outcome, c.flags, e.source_format"
            " FROM conversations c JOIN (SELECT conversation_id, min(source_format) AS"
            " source_format FROM events GROUP BY 1) e USING (conversation_id)"
            " WHERE c.handed_off OR array_length(c.flags) > 0 ORDER BY c.conversation_id"
        )
        flagged = conv[conv["flags"].map(len) > 0].head(per_kind)
        clean = conv[conv["flags"].map(len) == 0].head(per_kind)
        chosen = list(flagged.conversation_id) + list(clean.conversation_id)
        flags = db.sql(
            "SELECT conversation_id, flag, detail FROM friction_flags"
            " WHERE conversation_id IN (SELECT unnest($ids)) ORDER BY conversation_id, flag",
            {"ids": chosen},
        )
        lines = ["# Real logs to review", ""]
        rows = []
        by_id = {r.conversation_id: r for r in conv.itertuples()}
        for cid in chosen:
            c = by_id[cid]
            found = flags[flags.conversation_id == cid]
            lines += [f"## {cid} ({c.source_format}, handoff outcome: {c.handoff_outcome})", ""]
            for t in db.transcript(cid).itertuples():
                if t.event != "message" or not _clean(t.text):
                    what = t.event + (f" queue={t.queue}" if _clean(t.queue) else "")
                    lines.append(f"- `{t.seq}` {t.role} [{what}] {_clean(t.text)}")
                else:
                    lines.append(f"- `{t.seq}` **{t.role}**: {_clean(t.text)}")
            lines.append("")
            lines.append("Flags found: " + (", ".join(found.flag) or "none"))
            for f in found.itertuples():
                lines.append(f"- `{f.flag}`: {_clean(f.detail)}")
                rows.append({"conversation_id": cid, "flag": f.flag, "verdict": "", "note": ""})
            lines.append("")
        (out / "transcripts.md").write_text("\n".join(lines), encoding="utf-8")
        with (out / "verdicts.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["conversation_id", "flag", "verdict", "note"])
            w.writeheader()
            w.writerows(rows)
    print(f"{len(flagged)} flagged and {len(clean)} unflagged handed-off conversations in {out}")


def score(verdicts: Path) -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with verdicts.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            counts[row["flag"]][row["verdict"].strip().lower()] += 1
    print("| flag | right | wrong | precision | missed |")
    print("|---|---:|---:|---:|---:|")
    for flag in sorted(counts):
        c = counts[flag]
        n = c["right"] + c["wrong"]
        p = f"{c['right'] / n:.2f}" if n else "-"
        print(f"| `{flag}` | {c['right']} | {c['wrong']} | {p} | {c['missed']} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("packet")
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("verdicts", type=Path)
    args = ap.parse_args(argv)
    if args.command == "packet":
        packet(args.sources, args.out)
    else:
        score(args.verdicts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
