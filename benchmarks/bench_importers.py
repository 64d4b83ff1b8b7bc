"""Load time of each platform importer as a ratio to canonical JSON Lines (target: within 3x).

    python benchmarks/bench_importers.py [N_MESSAGES]

Builds N synthetic messages (conversations of 20) in canonical JSONL, Bot Framework, Amazon
Connect, OpenAI messages, Dialogflow CX (BigQuery rows), Lex V2 (conversation logs) and Salesforce
(ConversationEntry CSV), loads each into a fresh in-memory database three times and prints
the median load time and its ratio to canonical JSONL. Connect writes one file per contact, so
it is compared with canonical JSONL split into as many files.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import analyzer

PER_CONV = 20


def _text(i: int) -> str:
    return f"message number {i} about order {i * 7 % 1000} and delivery"


def write_all(folder: Path, n: int) -> dict[str, Path]:
    convs = max(1, n // PER_CONV)
    canonical, activities, openai = [], [], []
    for c in range(convs):
        msgs = []
        for k in range(PER_CONV):
            i = c * PER_CONV + k
            ts = f"2026-05-01T{c % 24:02d}:{k // 60:02d}:{k % 60:02d}.000Z"
            role = "customer" if k % 2 == 0 else "bot"
            canonical.append(
                {
                    "conversation_id": f"c{c}",
                    "message_id": f"m{i}",
                    "timestamp": ts,
                    "role": role,
                    "text": _text(i),
                }
            )
            bf_role = "user" if role == "customer" else "bot"
            activities.append(
                {
                    "type": "message",
                    "id": f"m{i}",
                    "timestamp": ts,
                    "conversation": {"id": f"c{c}"},
                    "channelId": "webchat",
                    "from": {"id": role, "role": bf_role},
                    "text": _text(i),
                }
            )
            llm_role = "user" if role == "customer" else "assistant"
            msgs.append({"role": llm_role, "content": _text(i)})
        openai.append({"task_id": c, "trial": 0, "messages": msgs})
    paths = {
        "jsonl": folder / "canonical.jsonl",
        "botframework": folder / "bench.transcript",
        "openai_messages": folder / "openai.json",
    }
    paths["jsonl"].write_text("\n".join(json.dumps(r) for r in canonical) + "\n")
    paths["botframework"].write_text(json.dumps(activities))
    paths["openai_messages"].write_text(json.dumps(openai))
    # Connect: one transcript per contact, as the platform writes them (files of one folder)
    connect = folder / "connect"
    connect.mkdir()
    per_file = folder / "canonical_per_contact"
    per_file.mkdir()
    for c in range(convs):
        (per_file / f"{c}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in canonical[c * PER_CONV : (c + 1) * PER_CONV])
        )
        items = [
            {
                "AbsoluteTime": r["timestamp"],
                "Id": r["message_id"],
                "Type": "MESSAGE",
                "ContentType": "text/plain",
                "Content": r["text"],
                "ParticipantId": r["role"],
                "ParticipantRole": "CUSTOMER" if r["role"] == "customer" else "CUSTOM_BOT",
            }
            for r in canonical[c * PER_CONV : (c + 1) * PER_CONV]
        ]
        (connect / f"{c}.json").write_text(
            json.dumps({"Version": "2019-08-26", "InitialContactId": f"c{c}", "Transcript": items})
        )
    paths["connect"] = connect
    paths["jsonl_per_contact"] = per_file
    paths.update(write_turn_formats(folder, canonical))
    return paths


def write_turn_formats(folder: Path, canonical: list[dict[str, str]]) -> dict[str, Path]:
    """Dialogflow CX and Lex V2 (a customer message and the bot's reply per turn) and Salesforce."""
    dfcx, lex = [], []
    for q, a in zip(canonical[0::2], canonical[1::2], strict=True):
        conv, turn = q["conversation_id"], int(q["message_id"][1:]) // 2
        dfcx.append(
            {
                "conversation_name": f"projects/p/locations/global/agents/a/sessions/{conv}",
                "turn_position": turn,
                "request_time": q["timestamp"],
                "language_code": "en",
                "request": {"queryInput": {"text": {"text": q["text"]}}},
                "response": {
                    "queryResult": {
                        "responseMessages": [{"text": {"text": [a["text"]]}}],
                        "match": {
                            "matchType": "INTENT",
                            "confidence": 0.9,
                            "intent": {"displayName": "order.status"},
                        },
                    }
                },
            }
        )
        lex.append(
            {
                "sessionId": conv,
                "requestId": q["message_id"],
                "timestamp": q["timestamp"],
                "inputTranscript": q["text"],
                "inputMode": "Text",
                "missedUtterance": False,
                "messages": [{"contentType": "PlainText", "content": a["text"]}],
                "interpretations": [{"nluConfidence": 0.9, "intent": {"name": "OrderStatus"}}],
                "sessionState": {
                    "intent": {"name": "OrderStatus", "state": "InProgress"},
                    "dialogAction": {"type": "ElicitIntent"},
                },
            }
        )
    paths = {
        "dialogflow_cx": folder / "dfcx.jsonl",
        "lex_v2": folder / "lex.jsonl",
        "salesforce": folder / "entries.csv",
    }
    paths["dialogflow_cx"].write_text("".join(json.dumps(r) + "\n" for r in dfcx))
    paths["lex_v2"].write_text("".join(json.dumps(r) + "\n" for r in lex))
    with paths["salesforce"].open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Id",
                "ConversationId",
                "Seq",
                "EntryTime",
                "ActorType",
                "ActorName",
                "EntryType",
                "Message",
            ]
        )
        for k, r in enumerate(canonical):
            actor = "EndUser" if r["role"] == "customer" else "Bot"
            w.writerow(
                [
                    r["message_id"],
                    r["conversation_id"],
                    k % PER_CONV + 1,
                    r["timestamp"],
                    actor,
                    actor.lower(),
                    "Text",
                    r["text"],
                ]
            )
    return paths


def median_load(path: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        db = analyzer.open_database(memory=True)
        start = time.perf_counter()
        db.load([path])
        times.append(time.perf_counter() - start)
        db.close()
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_all(Path(tmp), n)
        base = median_load(paths["jsonl"])
        print(f"{n} messages, median of 3 loads (seconds, ratio to canonical JSONL)")
        print(f"  {'jsonl':<16} {base:7.2f}s  1.00x")
        for name in ("botframework", "openai_messages", "dialogflow_cx", "lex_v2", "salesforce"):
            t = median_load(paths[name])
            print(f"  {name:<16} {t:7.2f}s  {t / base:4.2f}x")
        # Connect writes one file per contact: compare with canonical JSONL in as many files.
        per_contact = median_load(paths["jsonl_per_contact"])
        t = median_load(paths["connect"])
        print(
            f"  {'connect':<16} {t:7.2f}s  {t / per_contact:4.2f}x"
            f" (one file per contact; canonical JSONL in as many files: {per_contact:.2f}s)"
        )


if __name__ == "__main__":
    main()
