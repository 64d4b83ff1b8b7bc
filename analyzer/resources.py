"""Finds the shipped `queries/` and `reports/` folders, in a wheel or in the source tree."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """Return the folder `name` ("queries" or "reports").

    A wheel carries them inside the package (hatch force-include); a source checkout or an
    editable install has them beside the package, at the top of the repository.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped folder {name!r} not found next to {_PACKAGE_DIR}")


def queries_dir() -> Path:
    return resource_dir("queries")


def reports_dir() -> Path:
    return resource_dir("reports")
