"""The generated parts of docs/, each rendered from its one source.

- docs/metrics.md, the metrics table: from `analyzer.metrics.REGISTRY`;
- docs/cli.md, the option reference: from each command's `--help`.

Each part sits between `<!-- generated: NAME -->` and `<!-- end generated: NAME -->`.
`python docs/tables.py` rewrites them; `tests/test_docs.py` fails when a page is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parent
HELP_WIDTH = 100


def metrics_table() -> str:
    from analyzer.metrics import REGISTRY

    rows = ["| metric (key) | numerator | denominator | better when |", "|---|---|---|---|"]
    for m in REGISTRY:
        better = {"higher_better": "higher", "higher_worse": "lower"}.get(m.direction, "—")
        rows.append(
            f"| {m.label} (`{m.key}`) | {m.numerator_text} | {m.denominator_text or '—'}"
            f" | {better} |"
        )
    return "\n".join(rows)


def _commands() -> list[list[str]]:
    """Every command path of the `handoff` app, in `--help` order."""
    import typer.main

    from analyzer.cli import app

    group = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: object, prefix: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(group, [])
    return paths


def cli_reference() -> str:
    from typer.testing import CliRunner

    from analyzer.cli import app

    runner = CliRunner()
    parts = []
    for path in _commands():
        result = runner.invoke(
            app, [*path, "--help"], prog_name="handoff", terminal_width=HELP_WIDTH, color=False
        )
        if result.exit_code != 0:
            raise RuntimeError(f"handoff {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["handoff", *path])
        parts.append(f"### `{title}`\n\n```\n{result.output.rstrip()}\n```")
    return "\n\n".join(parts)


GENERATED: dict[str, tuple[str, Callable[[], str]]] = {
    "metrics": ("metrics.md", metrics_table),
    "cli": ("cli.md", cli_reference),
}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {name} -->\n)(.*?)(<!-- end generated: {name} -->)", re.S)


def rendered(name: str) -> tuple[Path, str, str]:
    """(page, its text now, its text with the part `name` rendered afresh)."""
    page_name, render = GENERATED[name]
    page = DOCS / page_name
    text = page.read_text(encoding="utf-8")
    pattern = _block(name)
    if not pattern.search(text):
        raise RuntimeError(f"{page}: no '<!-- generated: {name} -->' block")
    fresh = pattern.sub(lambda m: m.group(1) + render() + "\n" + m.group(3), text)
    return page, text, fresh


def main() -> int:
    for name in GENERATED:
        page, text, fresh = rendered(name)
        if fresh != text:
            page.write_text(fresh, encoding="utf-8")
            print(f"rewrote {page.relative_to(DOCS.parent)} ({name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
