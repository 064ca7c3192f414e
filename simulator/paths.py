"""Where the shipped content lives. The project runs from its checkout (see README)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = ROOT / "scenarios"
DATA_DIR = SCENARIOS_DIR / "data"
ASSETS_DIR = ROOT / "assets"
