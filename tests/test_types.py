"""The typing gate pyproject.toml declares: `mypy --strict` passes on the whole package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    beside = Path(sys.executable).parent / "mypy"  # where pip put it in this environment
    mypy = str(beside) if beside.exists() else shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [mypy, "--strict", "analyzer"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
