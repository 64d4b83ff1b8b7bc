"""A non-editable install from a built wheel finds its queries and templates from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.support import ROOT, SAMPLE_LOGS


@pytest.mark.slow
def test_wheel_installs_and_reports_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("handoff_analyzer-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # Reuse this environment's installed dependencies without its (editable) copy of analyzer:
    # a path line in a .pth adds the folder, but .pth files inside it are not processed.
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([py, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HANDOFF_DB")}
    where = subprocess.run(
        [py, "-c", "import analyzer.resources as r; print(r.queries_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout, "the wheel's own copy of queries/ must be used"
    run = subprocess.run(
        [env_dir / "bin" / "handoff", "report", str(SAMPLE_LOGS), "--out", "r.html"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (elsewhere / "r.html").stat().st_size > 100_000
