"""The standalone trainee app: PyInstaller builds the one-folder program from the project's
spec, and it starts the game headless with no Python environment around it.

Builds into a temporary folder (about 40 s on two cores); skipped with the reason only
when PyInstaller cannot run here.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "customer-sim.spec"

# one worker builds once for the whole module (`make test` runs xdist with --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging-dist")]


@pytest.fixture(scope="module")
def app_folder(tmp_path_factory) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError as error:
        pytest.skip(f"PyInstaller is not installed in this environment ({error}); `make .venv/.synced` installs it")
    base = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                           "--distpath", str(base / "dist"), "--workpath", str(base / "build"), str(SPEC)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = base / "dist" / "customer-sim"
    assert folder.is_dir()
    return folder


def _clean_env(tmp: Path) -> dict[str, str]:
    """No Python of ours on the path, no checkout, a fresh home: as on a trainee's desktop."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp / "home"), "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy", "CUSTOMER_SIM_DATA_DIR": str(tmp / "data"),
            "TMPDIR": str(tmp)}


def _program(folder: Path) -> Path:
    return folder / ("customer-sim.exe" if os.name == "nt" else "customer-sim")


def test_the_standalone_folder_starts_the_game_headless(app_folder, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    done = subprocess.run([str(_program(app_folder)), "--profile", "Kim", "--size", "1280x720",
                           "--screenshot", "first.png"], cwd=work, env=_clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    png = (work / "first.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 720)
    assert len(png) > 20_000  # a drawn picker, not an empty window
    assert (tmp_path / "data" / "scenarios" / "README.txt").is_file()  # the user's folder, made on first run


def test_the_standalone_folder_carries_the_shipped_library_and_the_command_line(app_folder, tmp_path):
    env = _clean_env(tmp_path)
    done = subprocess.run([str(_program(app_folder)), "validate"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    shipped = len(list((ROOT / "scenarios").glob("*.yaml")))
    assert f"in {shipped} files" in done.stdout, done.stdout + done.stderr
    doctor = subprocess.run([str(_program(app_folder)), "doctor"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "standalone build" in doctor.stdout and str(app_folder) in doctor.stdout
    missing = subprocess.run([str(_program(app_folder)), "play", "nowhere"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "nowhere" in missing.stderr
